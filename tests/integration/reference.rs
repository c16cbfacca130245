//! The plain-loop oracle (`tests/support/oracle.rs`) agrees with the engine: on the
//! Sino-Soviet scenario, the small fixture, two three-state fixtures and synthetic
//! scenarios that use every feature. The two share no code (the oracle reads the
//! validated scenario and writes the library's output structs, nothing more, and a test
//! here holds it to that), so a bug in either shows as a disagreement.
//!
//! They agree to [`TOLERANCE`], not bit for bit: each sums its modifiers in its own order
//! and computes a fading factor its own way (`exp2` against the engine's `exp`), which
//! moves the last bits of a score. Every day, pair, event and flag must be the same.

use std::path::Path;

use diplosim::date::Date;
use diplosim::engine::Simulation;
use diplosim::record::Run;
use diplosim::scenario::{Effect, Level, Scenario, Timing};
use diplosim::score::Parts;

use crate::common::*;
use crate::oracle::Oracle;
use crate::support::synthetic;

/// How far a score or a part of the oracle's may lie from the engine's: the rounding of
/// additions in another order and of another fading formula, over a run of 75 years.
const TOLERANCE: f64 = 1e-12;

/// Runs the engine and the oracle on `seeds` and checks that they agree: the same samples
/// (day, pair, whether monthly) with parts and scores within [`TOLERANCE`]; the same
/// events fired on the same days, logged on the same pairs, with their scores before and
/// after within it. Returns the engine's runs.
fn agree(sc: &Scenario, seeds: std::ops::Range<u64>) -> Vec<Run> {
    let mut sim = Simulation::new(sc);
    let mut oracle = Oracle::new(sc);
    seeds
        .map(|seed| {
            let a = sim.run(seed).expect("the engine's run completes");
            let b = oracle.run(seed).expect("the oracle's run completes");
            assert_eq!(a.samples.len(), b.samples.len(), "seed {seed}");
            for (x, y) in a.samples.iter().zip(&b.samples) {
                let at = format!("seed {seed}, {}, pair {}", Date::from_day(x.day), x.pair);
                assert_eq!(
                    (x.day, x.pair, x.monthly),
                    (y.day, y.pair, y.monthly),
                    "{at}"
                );
                close(x.score, y.score, &format!("{at}: score"));
                for (name, part) in [
                    ("structural", (|p: Parts| p.structural) as fn(Parts) -> f64),
                    ("state", |p| p.state),
                    ("party", |p| p.party),
                    ("leader", |p| p.leader),
                ] {
                    close(part(x.parts), part(y.parts), &format!("{at}: {name} part"));
                }
            }
            let log = |r: &Run| -> Vec<(String, i32, usize)> {
                r.fired
                    .iter()
                    .map(|f| (sc.events[f.event].id.clone(), f.day, f.pair))
                    .collect()
            };
            assert_eq!(log(&a), log(&b), "seed {seed}");
            for (x, y) in a.fired.iter().zip(&b.fired) {
                let at = format!("seed {seed}, {} on pair {}", sc.events[x.event].id, x.pair);
                close(x.before, y.before, &format!("{at}: before"));
                close(x.after, y.after, &format!("{at}: after"));
            }
            a
        })
        .collect()
}

fn close(engine: f64, oracle: f64, what: &str) {
    assert!(
        (engine - oracle).abs() <= TOLERANCE,
        "{what}: engine {engine} vs oracle {oracle} ({:e} apart)",
        (engine - oracle).abs()
    );
}

fn load(path: &Path) -> Scenario {
    Scenario::load(path).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn the_oracle_agrees_with_the_engine_on_the_sino_soviet_scenario() {
    let sc =
        load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/sino_soviet_1917_1991.ron"));
    let runs = agree(&sc, 0..12);
    // Evidence only if the runs differ: the draws and chances made them.
    let fired: Vec<usize> = runs.iter().map(|r| r.fired.len()).collect();
    assert!(fired.iter().any(|&n| n != fired[0]), "{fired:?}");
}

#[test]
fn the_oracle_agrees_with_the_engine_on_the_small_fixture() {
    agree(&small(), 0..20);
}

#[test]
fn the_oracle_agrees_with_the_engine_on_three_states() {
    let sc = load(&fixture("three_states.ron"));
    assert_eq!(sc.pairs.len(), 3);
    let runs = agree(&sc, 0..20);
    // Every pair is sampled and has events logged on it.
    for pair in 0..3 {
        assert!(runs[0].of_pair(pair).count() > 90, "pair {pair}");
        assert!(runs[0].fired_on(pair).count() > 0, "pair {pair}");
    }
}

/// The fixture written for this test: every kind of effect, each level on its own pair,
/// an event on two pairs, a guard on one pair's score, a repeating triggered event.
#[test]
fn the_oracle_agrees_with_the_engine_on_three_states_and_every_feature() {
    let sc = load(&fixture("three_states_oracle.ron"));
    assert_eq!(sc.pairs.len(), 3);
    let runs = agree(&sc, 0..40);

    let (ab, ac, bc) = (0, 1, 2);
    let id = |i: usize| sc.events[i].id.as_str();
    let fired_in = |r: &Run, event: &str| r.fired.iter().filter(|f| id(f.event) == event).count();
    let runs_where = |event: &str| runs.iter().filter(|r| fired_in(r, event) > 0).count();
    // The summit moves two pairs, and is logged on both, before and after differing.
    for r in &runs {
        let summit: Vec<_> = r
            .fired
            .iter()
            .filter(|f| id(f.event) == "summit_ac")
            .collect();
        assert_eq!(summit.iter().map(|f| f.pair).collect::<Vec<_>>(), [ab, ac]);
        assert!(summit.iter().all(|f| f.after != f.before));
    }
    // The guard on a/b's score and the chances pass in some runs and not in others.
    for event in ["crisis_ab", "election_a", "scandal_c", "coup_c"] {
        let n = runs_where(event);
        assert!(
            n > 3 && n < runs.len() - 3,
            "{event} fired in {n} of {} runs",
            runs.len()
        );
    }
    // The repeating triggered event fires often, more in some runs than in others, and
    // only while its guard on b/c's score holds, which at times it does not.
    let counts: Vec<usize> = runs.iter().map(|r| fired_in(r, "incident_bc")).collect();
    let (least, most) = (counts.iter().min(), counts.iter().max());
    assert!(least > Some(&1) && least < most, "{counts:?}");
    for r in &runs {
        for f in r.fired.iter().filter(|f| id(f.event) == "incident_bc") {
            assert!(f.pair == bc && f.before >= -1.0);
        }
    }
    assert!(
        runs.iter()
            .flat_map(|r| r.monthly_of(bc))
            .any(|s| s.day > day("1952-01-01") && s.score < -1.0)
    );
    // Each level counts on its own pair, at times and not at others.
    let levels = |pair: usize, part: fn(Parts) -> f64| {
        let on = runs
            .iter()
            .flat_map(|r| r.of_pair(pair))
            .filter(|s| part(s.parts) != 0.0)
            .count();
        let all = runs.iter().flat_map(|r| r.of_pair(pair)).count();
        assert!(on > all / 10 && on < all, "pair {pair}: {on} of {all}");
    };
    levels(ac, |p| p.party);
    levels(bc, |p| p.leader);
    levels(bc, |p| p.state);
    for r in &runs {
        assert!(
            r.of_pair(ab)
                .all(|s| s.parts.party == 0.0 && s.parts.leader == 0.0)
        );
    }
    // A checkpoint's days are sampled on its own pair only.
    let extra: Vec<(String, usize)> = runs[0]
        .samples
        .iter()
        .filter(|s| !s.monthly)
        .map(|s| (Date::from_day(s.day).to_string(), s.pair))
        .collect();
    let expected = [("1951-01-15", ab), ("1952-01-15", ab), ("1955-02-10", bc)];
    assert_eq!(extra, expected.map(|(d, p)| (d.to_string(), p)));
}

#[test]
fn the_oracle_agrees_with_the_engine_on_synthetic_scenarios() {
    let sc = synthetic::scenario(1000);
    let runs = agree(&sc, 0..4);
    every_feature_is_exercised(&sc, &runs);
    agree(&synthetic::scenario(100), 0..4);
    agree(&synthetic::scenario(10_000), 0..1);
}

/// The oracle stays independent of the engine: it imports the library's data types and
/// nothing that computes (the score's formulas, the random streams and draws, the
/// calendar's walk, the engine), and calls no method of the library that computes.
#[test]
fn the_oracle_uses_no_code_of_the_library() {
    let source = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/oracle.rs"),
    )
    .expect("the oracle's source");
    let data = [
        "date::{Date, Day}",
        "engine::RunError",
        "model::FiredEvent",
        "record::{Run, Sample}",
        "scenario::{Condition, Effect, Level, Scenario, Timing, Value}",
        "score::Parts",
    ];
    let code: Vec<&str> = source
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect();
    for line in &code {
        if let Some(at) = line.find("diplosim::") {
            let path = line[at + "diplosim::".len()..].trim_end_matches(';');
            assert!(
                line.starts_with("use ") && data.contains(&path),
                "the oracle uses the library's `{path}`"
            );
        }
    }
    for call in [
        ".raw()",
        ".score(",
        "Date::month_starts",
        "next_month_start",
        ".covers(",
        "in_office_on",
        "stream_id(",
        ".stream)",
        ".stream;",
        "band_index",
        "pair_of(",
    ] {
        assert!(
            !code.iter().any(|l| l.contains(call)),
            "the oracle calls the library's `{call}`"
        );
    }
}

/// The precondition of the agreement on synthetic scenarios: it is evidence only if the
/// runs compared use every kind of event, effect, guard, chance and gate.
fn every_feature_is_exercised(sc: &Scenario, runs: &[Run]) {
    let fired: Vec<usize> = runs
        .iter()
        .flat_map(|r| r.fired.iter().map(|f| f.event))
        .collect();
    let kinds = |pred: &dyn Fn(usize) -> bool| fired.iter().filter(|&&i| pred(i)).count();
    let events = &sc.events;
    let has = |i: usize, f: &dyn Fn(&Effect) -> bool| events[i].effects.iter().any(f);
    // Every kind of event fires somewhere in three runs.
    assert!(kinds(&|i| matches!(events[i].timing, Timing::Triggered { repeat: true, .. })) > 3);
    assert!(kinds(&|i| matches!(events[i].timing, Timing::Triggered { repeat: false, .. })) > 3);
    assert!(kinds(&|i| events[i].timing == Timing::FollowUp) > 10);
    assert!(kinds(&|i| has(i, &|x| matches!(x, Effect::Rule { .. }))) > 3);
    assert!(kinds(&|i| has(i, &|x| matches!(x, Effect::Ideology { .. }))) > 3);
    assert!(kinds(&|i| has(i, &|x| matches!(x, Effect::LeaveOffice { .. }))) > 3);
    assert!(kinds(&|i| has(i, &|x| matches!(x, Effect::TakeOffice { .. }))) > 3);
    assert!(
        kinds(&|i| has(i, &|x| matches!(
            x,
            Effect::Modifier {
                level: Level::Leader(..),
                ..
            }
        ))) > 10
    );
    // Guards and chances both pass and block.
    let dated_with = |p: &dyn Fn(usize) -> bool| {
        (0..events.len())
            .filter(|&i| matches!(events[i].timing, Timing::Dated { .. }) && p(i))
            .collect::<Vec<_>>()
    };
    for group in [
        dated_with(&|i| events[i].when.is_some()),
        dated_with(&|i| events[i].chance < 1.0),
    ] {
        let passed = group
            .iter()
            .filter(|i| runs[0].fired.iter().any(|f| f.event == **i))
            .count();
        assert!(
            passed > 10 && passed + 10 < group.len(),
            "{passed} of {}",
            group.len()
        );
    }
    // All three levels of modifiers count at times and are gated at others.
    let samples = &runs[0].samples;
    for part in [|p: Parts| p.party, |p: Parts| p.leader] {
        let on = samples.iter().filter(|s| part(s.parts) != 0.0).count();
        assert!(
            on > samples.len() / 10 && on < samples.len(),
            "{on} of {}",
            samples.len()
        );
    }
    let state = samples.iter().filter(|s| s.parts.state != 0.0).count();
    assert!(
        state > samples.len() * 9 / 10,
        "{state} of {}",
        samples.len()
    );
}
