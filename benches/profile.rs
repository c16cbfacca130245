//! A fixed workload for profilers, not a criterion benchmark: runs a scenario a given
//! number of times with seeds 1, 2, ... and prints a checksum. Instruction counts from
//! callgrind are repeatable on a busy machine, where times are not:
//!
//! ```text
//! cargo bench --bench profile --no-run
//! valgrind --tool=callgrind --toggle-collect='*Simulation::run*' \
//!     target/release/deps/profile-<hash> small 1000
//! ```
//!
//! Arguments: `small`, `sino_soviet` or `synthetic:<events>`; the number of runs; and
//! `plain` to run the plain-loop reference instead of the engine.

mod support;

use std::path::Path;

use diplosim::engine::Simulation;
use diplosim::scenario::Scenario;

use support::reference::Reference;
use support::synthetic;

fn main() {
    // `cargo bench` passes `--bench`; ignore flags.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let what = args.first().map_or("small", String::as_str);
    let runs: u64 = args.get(1).and_then(|r| r.parse().ok()).unwrap_or(100);
    let plain = args.get(2).is_some_and(|a| a == "plain");
    let sc = match what.strip_prefix("synthetic:") {
        Some(n) => synthetic::scenario(n.parse().expect("synthetic:<events>")),
        None => {
            let path = match what {
                "sino_soviet" => "scenarios/sino_soviet_1917_1991.ron",
                _ => "tests/fixtures/small.ron",
            };
            let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
            Scenario::load(&path).unwrap_or_else(|e| panic!("{e}"))
        }
    };
    let mut checksum = 0.0;
    let mut fired = 0;
    if plain {
        let mut r = Reference::new(&sc);
        for seed in 1..=runs {
            let run = r.run(seed).expect("the run completes");
            checksum += run.samples.last().map_or(0.0, |s| s.score);
            fired += run.fired.len();
        }
    } else {
        let mut sim = Simulation::new(&sc);
        for seed in 1..=runs {
            let run = sim.run(seed).expect("the run completes");
            checksum += run.samples.last().map_or(0.0, |s| s.score);
            fired += run.fired.len();
        }
    }
    println!("{what}: {runs} runs, {fired} events fired, checksum {checksum:.6}");
}
