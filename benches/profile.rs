//! A fixed workload for profilers, not a criterion benchmark: runs a scenario a given
//! number of times with seeds 1, 2, ... and prints a fingerprint of every bit of the runs
//! (so two versions of the engine can be shown to compute the same thing). Instruction
//! counts from callgrind are repeatable on a busy machine, where times are not.
//!
//! With `bare`, each run is one call of [`engine_iteration`] (or [`plain_iteration`]): what
//! an iteration of the criterion bench `run/...` does (the run, then the drop of its
//! result), and nothing else, so callgrind can count exactly that:
//!
//! ```text
//! cargo bench --bench profile --no-run
//! valgrind --tool=callgrind --toggle-collect='*engine_iteration*' \
//!     target/release/deps/profile-<hash> sino_soviet 200 bare
//! valgrind --tool=callgrind --toggle-collect='*plain_iteration*' \
//!     target/release/deps/profile-<hash> sino_soviet 200 bare plain
//! ```
//!
//! The instructions per iteration are callgrind's "Collected" divided by the number of
//! runs.
//!
//! Arguments: `small`, `sino_soviet`, `synthetic:<events>`, `paired:<events>:<states>`
//! (`benches/support/paired.rs`) or `file:<path>` (any scenario file, relative to the
//! repository's root or absolute); the number of runs; then
//! `plain` to run the plain-loop oracle instead of the engine, and `bare` to skip the
//! fingerprint. `ron:<events>` (or `ron:paired:<events>:<states>`) instead prints that
//! scenario as a scenario file. `overhead <times> system|schedule|schedule2` measures what one step of
//! the engine costs in bevy's machinery, run as the engine runs it or in a `Schedule` (see
//! [`overhead`]).
//!
//! `whatif <n> [seed]` starts the classroom server on 127.0.0.1, asks one 200-run what-if
//! (which computes the baseline's runs, kept for the rest), then `n` different ones one
//! after another (the first `n` events of the Sino-Soviet scenario removed in turn, as
//! the bench `class/30_different_whatifs` asks them at once), and prints a fingerprint of
//! the bytes of those `n` answers. Callgrind's count for `whatif 30` less that for
//! `whatif 0`, over 30, is what one new what-if costs the process (server and client):
//!
//! ```text
//! valgrind --tool=callgrind profile-<hash> whatif 30
//! valgrind --tool=callgrind profile-<hash> whatif 0
//! ```

#[path = "../tests/support/oracle.rs"]
mod oracle;
mod support;

use std::path::Path;

use diplosim::engine::Simulation;
use diplosim::scenario::Scenario;

use oracle::Oracle;
use support::synthetic;

fn main() {
    // `cargo bench` passes `--bench`; ignore flags.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let what = args.first().map_or("small", String::as_str);
    let runs: u64 = args.get(1).and_then(|r| r.parse().ok()).unwrap_or(100);
    let plain = args[2.min(args.len())..].iter().any(|a| a == "plain");
    let bare = args[2.min(args.len())..].iter().any(|a| a == "bare");
    if what == "whatif" {
        let seed = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(1);
        whatifs(runs as usize, seed);
        return;
    }
    if what == "overhead" {
        let how = args.get(2).map_or("system", String::as_str);
        overhead::main(how, runs);
        return;
    }
    if let Some(n) = what.strip_prefix("ron:") {
        let file = match n.strip_prefix("paired:").and_then(|x| x.split_once(':')) {
            Some((n, k)) => support::paired::file(
                n.parse().expect("ron:paired:<events>:<states>"),
                k.parse().expect("ron:paired:<events>:<states>"),
            ),
            None => synthetic::file(n.parse().expect("ron:<events>")),
        };
        let pretty = ron::ser::PrettyConfig::default();
        println!(
            "{}",
            ron::ser::to_string_pretty(&file, pretty).expect("serializable")
        );
        return;
    }
    let paired = what.strip_prefix("paired:").and_then(|x| x.split_once(':'));
    let sc = match (what.strip_prefix("synthetic:"), paired) {
        (Some(n), _) => synthetic::scenario(n.parse().expect("synthetic:<events>")),
        (_, Some((n, k))) => support::paired::scenario(
            n.parse().expect("paired:<events>:<states>"),
            k.parse().expect("paired:<events>:<states>"),
        ),
        (None, None) => {
            let path = match what {
                "sino_soviet" => "scenarios/sino_soviet_1917_1991.ron",
                _ => what
                    .strip_prefix("file:")
                    .unwrap_or("tests/fixtures/small.ron"),
            };
            let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
            Scenario::load(&path).unwrap_or_else(|e| panic!("{e}"))
        }
    };
    if bare {
        let mut fired = 0;
        if plain {
            let mut r = Oracle::new(&sc);
            for seed in 1..=runs {
                fired += plain_iteration(&mut r, seed);
            }
        } else {
            let mut sim = Simulation::new(&sc);
            for seed in 1..=runs {
                fired += engine_iteration(&mut sim, seed);
            }
        }
        println!("{what}: {runs} runs, {fired} events fired");
        return;
    }
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
        let mut r = Oracle::new(&sc);
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

/// The workload `whatif`: see the module's doc.
fn whatifs(n: usize, seed: u64) {
    use support::http::get;
    const SINO: &str = "sino_soviet_1917_1991.ron";
    let s = diplosim::serve::start(diplosim::serve::Config {
        dir: Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios"),
        host: "127.0.0.1".into(),
        port: 0,
        limits: diplosim::serve::Limits::default(),
    })
    .expect("the server starts");
    let info = get(&s.url, &format!("/api/scenario?s={SINO}")).json();
    let ids: Vec<String> = info["events"]
        .as_array()
        .expect("a list of events")
        .iter()
        .map(|e| e["id"].as_str().expect("an id").to_string())
        .collect();
    let ask = |id: &str| {
        let a = get(
            &s.url,
            &format!("/api/lab?s={SINO}&c=remove:{id}&runs=200&seed={seed}"),
        );
        assert_eq!(a.status, 200, "{}", a.text());
        a.body
    };
    // The baseline's runs, kept for the rest.
    ask(&ids[ids.len() - 1]);
    let mut print = Fingerprint::default();
    for id in &ids[..n] {
        for b in ask(id) {
            print.add(u64::from(b));
        }
    }
    println!(
        "whatif: {n} what-ifs on seed {seed}, fingerprint of the answers {:016x}",
        print.0
    );
}

/// One iteration of the bench `run/...` on the engine: a run, and the drop of its result.
#[inline(never)]
fn engine_iteration(sim: &mut Simulation, seed: u64) -> usize {
    let run = sim.run(seed).expect("the run completes");
    std::hint::black_box(&run);
    run.fired.len()
}

/// The same on the plain-loop oracle.
#[inline(never)]
fn plain_iteration(plain: &mut Oracle, seed: u64) -> usize {
    let run = plain.run(seed).expect("the run completes");
    std::hint::black_box(&run);
    run.fired.len()
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

/// What it costs to run the engine's step in a bevy `Schedule` instead of directly: a step
/// with the same parameters as the engine's (three queries over the Sino-Soviet states,
/// parties and leaders and the relation's `Single`), whose body does next to nothing, run
/// `times` times on the scenario's world in one of three ways:
///
/// - `system`: as the engine does, `System::run` with the day's input (`InMut`);
/// - `schedule`: one system in a `Schedule` with ambiguity detection set to error, the day
///   in a resource;
/// - `schedule2`: the step split in two systems (fade, then apply) chained in an explicit
///   set, likewise.
///
/// Count each with `valgrind --tool=callgrind --toggle-collect='*overhead::step_*'`; the
/// difference per step, times the steps of a run (141 event days for Sino-Soviet), is what
/// a schedule would add to a run.
mod overhead {
    use std::path::Path;

    use bevy_ecs::prelude::*;
    use bevy_ecs::schedule::{LogLevel, ScheduleBuildSettings};
    use diplosim::model::{Ideology, LeaderIdx, Offices, PartyIdx, Ruling, StateIdx};
    use diplosim::relation::{self, Ledger, Relation};
    use diplosim::scenario::Scenario;

    type States<'w, 's> = Query<'w, 's, (&'static StateIdx, &'static mut Ruling)>;
    type Parties<'w, 's> = Query<'w, 's, (&'static PartyIdx, &'static mut Ideology)>;
    type Leaders<'w, 's> = Query<'w, 's, (&'static LeaderIdx, &'static mut Offices)>;

    /// The day in hand, for the scheduled steps.
    #[derive(Resource, Default)]
    struct Today(i32);

    #[derive(SystemSet, Debug, Clone, PartialEq, Eq, Hash)]
    enum Step {
        Fade,
        Apply,
    }

    fn direct(
        InMut(day): InMut<i32>,
        _: States,
        _: Parties,
        _: Leaders,
        relation: Single<(&mut Relation, &mut Ledger)>,
    ) {
        let (mut relation, _) = relation.into_inner();
        relation.advance(*day);
    }

    fn scheduled(
        day: Res<Today>,
        _: States,
        _: Parties,
        _: Leaders,
        relation: Single<(&mut Relation, &mut Ledger)>,
    ) {
        let (mut relation, _) = relation.into_inner();
        relation.advance(day.0);
    }

    fn fade(day: Res<Today>, mut relation: Single<&mut Relation>) {
        relation.advance(day.0);
    }

    fn apply(
        _: Res<Today>,
        _: States,
        _: Parties,
        _: Leaders,
        relation: Single<(&mut Relation, &mut Ledger)>,
    ) {
        let (relation, _) = relation.into_inner();
        std::hint::black_box(relation.day);
    }

    fn world() -> World {
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/sino_soviet_1917_1991.ron");
        let sc = Scenario::load(&path).unwrap_or_else(|e| panic!("{e}"));
        let mut world = World::new();
        for (i, s) in sc.states.iter().enumerate() {
            world.spawn((StateIdx(i), Ruling(s.ruling)));
        }
        for (i, p) in sc.parties.iter().enumerate() {
            world.spawn((PartyIdx(i), Ideology(p.ideology.clone())));
        }
        for i in 0..sc.leaders.len() {
            world.spawn((LeaderIdx(i), Offices::default()));
        }
        let buckets = relation::layout(&sc).pairs.swap_remove(0).0;
        let mut rel = Relation::new(buckets, &sc.fades, &sc.scale, sc.dynamics);
        rel.reset(0);
        world.spawn((rel, Ledger::default()));
        world.insert_resource(Today(0));
        world
    }

    fn schedule(split: bool) -> Schedule {
        let mut schedule = Schedule::default();
        schedule.set_build_settings(ScheduleBuildSettings {
            ambiguity_detection: LogLevel::Error,
            ..Default::default()
        });
        if split {
            schedule.configure_sets((Step::Fade, Step::Apply).chain());
            schedule.add_systems((fade.in_set(Step::Fade), apply.in_set(Step::Apply)));
        } else {
            schedule.add_systems(scheduled.in_set(Step::Apply));
        }
        schedule
    }

    pub fn main(how: &str, times: u64) {
        let mut world = world();
        match how {
            "schedule" | "schedule2" => {
                let mut schedule = schedule(how == "schedule2");
                schedule.initialize(&mut world).expect("no ambiguity");
                for t in 1..=times {
                    step_schedule(&mut world, &mut schedule, t as i32);
                }
            }
            _ => {
                let mut system = IntoSystem::into_system(direct);
                system.initialize(&mut world);
                for t in 1..=times {
                    step_system(&mut world, &mut system, t as i32);
                }
            }
        }
        println!("overhead {how}: {times} steps");
    }

    #[inline(never)]
    fn step_system(
        world: &mut World,
        system: &mut impl System<In = InMut<'static, i32>, Out = ()>,
        day: i32,
    ) {
        let mut day = day;
        system.run(&mut day, world).expect("the step runs");
    }

    #[inline(never)]
    fn step_schedule(world: &mut World, schedule: &mut Schedule, day: i32) {
        world.resource_mut::<Today>().0 = day;
        schedule.run(world);
    }
}
