//! A fixed workload for profilers, not a criterion benchmark: runs a scenario a given
//! number of times with seeds 1, 2, ... and prints a fingerprint of every bit of the runs
//! (so two versions of the engine can be shown to compute the same thing). Instruction counts from
//! callgrind are repeatable on a busy machine, where times are not:
//!
//! ```text
//! cargo bench --bench profile --no-run
//! valgrind --tool=callgrind --toggle-collect='*Simulation::run*' \
//!     target/release/deps/profile-<hash> sino_soviet 200
//! valgrind --tool=callgrind --toggle-collect='*Reference*::run*' \
//!     target/release/deps/profile-<hash> sino_soviet 200 plain
//! ```
//!
//! The instructions per run are callgrind's "Collected" divided by the number of runs.
//!
//! Arguments: `small`, `sino_soviet` or `synthetic:<events>`; the number of runs; and
//! `plain` to run the plain-loop reference instead of the engine. `ron:<events>` instead
//! prints the synthetic scenario of that many events as a scenario file.

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
    if let Some(n) = what.strip_prefix("ron:") {
        let file = synthetic::file(n.parse().expect("ron:<events>"));
        let pretty = ron::ser::PrettyConfig::default();
        println!(
            "{}",
            ron::ser::to_string_pretty(&file, pretty).expect("serializable")
        );
        return;
    }
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
    // A fingerprint of every bit of every run: samples (day, parts, score) and events fired
    // (event, day, scores before and after), FNV-1a over their bits.
    let mut print = Fingerprint::default();
    let mut fired = 0;
    let mut record = |run: diplosim::record::Run| {
        for s in &run.samples {
            print.add(s.day as u64);
            for x in [
                s.score,
                s.parts.structural,
                s.parts.state,
                s.parts.party,
                s.parts.leader,
            ] {
                print.add(x.to_bits());
            }
        }
        for f in &run.fired {
            for x in [
                f.event as u64,
                f.day as u64,
                f.before.to_bits(),
                f.after.to_bits(),
            ] {
                print.add(x);
            }
        }
        fired += run.fired.len();
    };
    if plain {
        let mut r = Reference::new(&sc);
        for seed in 1..=runs {
            record(r.run(seed).expect("the run completes"));
        }
    } else {
        let mut sim = Simulation::new(&sc);
        for seed in 1..=runs {
            record(sim.run(seed).expect("the run completes"));
        }
    }
    println!(
        "{what}: {runs} runs, {fired} events fired, fingerprint {:016x}",
        print.0
    );
}

/// FNV-1a, 64 bits, over 64-bit words.
struct Fingerprint(u64);

impl Default for Fingerprint {
    fn default() -> Fingerprint {
        Fingerprint(0xcbf2_9ce4_8422_2325)
    }
}

impl Fingerprint {
    fn add(&mut self, x: u64) {
        for b in x.to_le_bytes() {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}
