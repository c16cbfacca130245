//! The plain-loop reference of the benches agrees with the engine, on the small fixture and
//! on synthetic scenarios that use every feature. The two share no fading, bucketing, queue
//! or random-stream code, so a bug in either shows as a disagreement.

use diplosim::engine::Simulation;
use diplosim::record::Run;
use diplosim::scenario::{Effect, Level, Scenario, Timing};
use diplosim::score::Parts;

use crate::common::*;
use crate::support::reference::Reference;
use crate::support::synthetic;

/// Runs the engine and the reference on `seeds` and checks that they agree: the same
/// samples on the same days, scores equal within 1e-9; the same events fired on the same
/// days. Returns the engine's runs.
fn agree(sc: &Scenario, seeds: std::ops::Range<u64>) -> Vec<Run> {
    let mut sim = Simulation::new(sc);
    let mut plain = Reference::new(sc);
    seeds
        .map(|seed| {
            let a = sim.run(seed).expect("the engine's run completes");
            let b = plain.run(seed).expect("the reference's run completes");
            assert_eq!(a.samples.len(), b.samples.len(), "seed {seed}");
            for (x, y) in a.samples.iter().zip(&b.samples) {
                assert_eq!((x.day, x.monthly), (y.day, y.monthly), "seed {seed}");
                assert!(
                    (x.score - y.score).abs() <= 1e-9,
                    "seed {seed}, {}: engine {} vs reference {}",
                    diplosim::date::Date::from_day(x.day),
                    x.score,
                    y.score
                );
            }
            let fired = |r: &Run| -> Vec<(usize, i32)> {
                r.fired.iter().map(|f| (f.event, f.day)).collect()
            };
            assert_eq!(fired(&a), fired(&b), "seed {seed}");
            for (x, y) in a.fired.iter().zip(&b.fired) {
                assert!((x.before - y.before).abs() <= 1e-9 && (x.after - y.after).abs() <= 1e-9);
            }
            a
        })
        .collect()
}

#[test]
fn the_reference_agrees_with_the_engine_on_the_small_fixture() {
    agree(&small(), 0..20);
}

#[test]
fn the_reference_agrees_with_the_engine_on_synthetic_scenarios() {
    let sc = synthetic::scenario(1000);
    let runs = agree(&sc, 0..4);
    every_feature_is_exercised(&sc, &runs);
    agree(&synthetic::scenario(100), 0..4);
    agree(&synthetic::scenario(10_000), 0..1);
}

/// The precondition of the agreement: it is evidence only if the runs compared use every
/// kind of event, effect, guard, chance and gate.
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
