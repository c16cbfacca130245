//! The engine's semantics on small worlds: gating, guards, ordering, triggered rates.

use diplosim::engine::RunError;
use std::path::Path;

use diplosim::engine::Simulation;
use diplosim::scenario::Scenario;

use crate::common::*;

#[test]
fn a_leader_leaving_office_drops_their_leader_level_modifiers() {
    let sc = small();
    let run = run(&sc, 1);
    // Ann (north) and Cid (south) befriend in 1952 (+3, permanent); Ann leaves on 1955-06-01.
    let before = run.at(day("1955-05-01"), 0).unwrap();
    let after = run.at(day("1955-06-01"), 0).unwrap();
    assert_eq!(before.parts.leader, 3.0);
    assert_eq!(after.parts.leader, 0.0);
    assert!(after.score < before.score - 1.0);
}

#[test]
fn a_party_losing_power_drops_its_party_level_modifiers() {
    let sc = small();
    let run = run(&sc, 1);
    // Red-Blue party ties (+2, permanent) from 1952-06; Pink takes power on 1956-01-01.
    assert_eq!(run.at(day("1955-12-01"), 0).unwrap().parts.party, 2.0);
    assert_eq!(run.at(day("1956-01-01"), 0).unwrap().parts.party, 0.0);
    // And the structural part follows the new ruling party's ideology.
    assert_ne!(
        run.at(day("1955-12-01"), 0).unwrap().parts.structural,
        run.at(day("1956-01-01"), 0).unwrap().parts.structural
    );
}

#[test]
fn modifiers_fade_with_their_half_life_and_dated_ones_end() {
    let sc = world(
        r#"(id: "pact", date: "1951-01-01", title: "Pact", source: "t",
            effects: [Modifier(level: State, value: 4.0, fade: Days(365.0))]),
           (id: "truce", date: "1951-01-01", title: "Truce", source: "t",
            effects: [Modifier(level: Party("pa", "pb"), value: 1.0, fade: Until("1953-01-01"))])"#,
    );
    let run = run(&sc, 1);
    let at = |d: &str| run.at(day(d), 0).unwrap().parts;
    assert!((at("1952-01-01").state - 2.0).abs() < 1e-12);
    assert!((at("1953-01-01").state - 4.0 * 0.5f64.powf(731.0 / 365.0)).abs() < 1e-12);
    assert_eq!(at("1952-12-01").party, 1.0);
    assert_eq!(at("1953-01-01").party, 0.0);
}

#[test]
fn a_guard_blocks_an_event() {
    let sc = world(
        r#"(id: "blocked", date: "1952-01-01", title: "Needs QA in power", source: "t",
            when: Rules("a", "qa"), effects: [Modifier(level: State, value: 1.0, fade: Permanent)]),
           (id: "allowed", date: "1952-01-01", title: "Needs PA in power", source: "t",
            when: Rules("a", "pa"), effects: [Modifier(level: State, value: 2.0, fade: Permanent)]),
           (id: "late", date: "1956-01-01", title: "Needs Leader A", source: "t",
            when: InOffice("la"), effects: [Modifier(level: State, value: 5.0, fade: Permanent)])"#,
    );
    let run = run(&sc, 1);
    assert_eq!(fired_ids(&sc, &run), ["allowed"]);
    assert_eq!(run.at(day("1960-01-01"), 0).unwrap().parts.state, 2.0);
}

#[test]
fn same_day_order_follows_the_file_and_follow_ups_come_after() {
    let sc = world(
        r#"(id: "second", date: "1952-01-01", title: "2", source: "t",
            effects: [FollowUp(event: "later", after: 0)]),
           (id: "first", date: "1952-01-01", title: "1", source: "t",
            when: Not(Happened("later"))),
           (id: "later", title: "3", source: "t"),
           (id: "third", date: "1952-01-01", title: "4", source: "t", when: Happened("first"))"#,
    );
    let run = run(&sc, 1);
    // File order among dated events on one day; the zero-delay follow-up is queued after
    // everything already due that day.
    assert_eq!(fired_ids(&sc, &run), ["second", "first", "third", "later"]);
}

#[test]
fn score_before_and_after_chain_through_same_day_events() {
    let sc = world(
        r#"(id: "x", date: "1952-01-01", title: "x", source: "t",
            effects: [Modifier(level: State, value: 2.0, fade: Permanent)]),
           (id: "y", date: "1952-01-01", title: "y", source: "t",
            effects: [Modifier(level: State, value: 3.0, fade: Permanent)])"#,
    );
    let run = run(&sc, 1);
    let (x, y) = (run.fired[0], run.fired[1]);
    assert_eq!(x.before, 0.0);
    assert_eq!(x.after, y.before);
    assert!((y.after - 9.0 * (5.0f64 / 9.0).tanh()).abs() < 1e-12);
}

#[test]
fn a_triggered_event_fires_at_the_rate_its_mean_time_to_happen_implies() {
    // A repeating event with a mean time to happen of 2 years, always allowed, over
    // 11 years of monthly pulses. Each pulse fires with p = 1 - exp(-days_in_month / 730).
    let sc = world(
        r#"(id: "incident", mtth: 730.0, repeat: true, title: "Incident", source: "t",
            when: After("1950-01-01"))"#,
    );
    let months = diplosim::date::Date::month_starts(sc.span().0, sc.span().1);
    let ps: Vec<f64> = months
        .iter()
        .map(|m| {
            let len = f64::from(m.next_month_start().day() - m.day());
            1.0 - (-len / 730.0).exp()
        })
        .collect();
    let seeds = 400u64;
    let expected: f64 = seeds as f64 * ps.iter().sum::<f64>();
    let variance: f64 = seeds as f64 * ps.iter().map(|p| p * (1.0 - p)).sum::<f64>();
    let mut sim = Simulation::new(&sc);
    let observed: usize = (0..seeds).map(|s| sim.run(s).unwrap().fired.len()).sum();
    // Pulses are independent Bernoulli trials: the count lies within 4 standard
    // deviations of its mean except with probability below 1e-4.
    let z = (observed as f64 - expected) / variance.sqrt();
    assert!(
        z.abs() < 4.0,
        "observed {observed}, expected {expected:.1}, z = {z:.2}"
    );
    // About 5.5 per run (11 years / 2 years): the test has power against a wrong rate.
    assert!((expected / seeds as f64 - 5.4).abs() < 0.3);
}

/// A chain of follow-ups that never ends, in a world that allows 1,000 events a run.
fn runaway_chain() -> Scenario {
    let text = world_text(
        r#"(id: "start", date: "1951-01-01", title: "Start", source: "t",
            effects: [FollowUp(event: "echo", after: 0)]),
           (id: "echo", title: "Echo", source: "t", effects: [FollowUp(event: "again", after: 1)]),
           (id: "again", title: "Again", source: "t", effects: [FollowUp(event: "echo", after: 0)])"#,
    )
    .replacen("    events: [", "    max_events: 1000,\n    events: [", 1);
    Scenario::from_str(&text, Path::new("world.ron")).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn a_runaway_chain_is_stopped_with_a_clear_error() {
    let sc = runaway_chain();
    let Err(err) = Simulation::new(&sc).run(1) else {
        panic!("the chain should run away");
    };
    // "start", then "echo" and "again" once a day each: the 1001st event is an "again",
    // 500 days after the start.
    assert_eq!(
        err,
        RunError::Runaway {
            limit: 1000,
            event: "again".into(),
            date: "1952-05-15".parse().unwrap()
        }
    );
    assert!(err.to_string().contains("runs away"), "{err}");
}

#[test]
fn the_score_stays_on_the_scale_under_extreme_modifiers() {
    let sc = world(
        r#"(id: "love", date: "1951-01-01", title: "Love", source: "t",
            effects: [Modifier(level: State, value: 18.0, fade: Permanent),
                      Modifier(level: Party("pa", "pb"), value: 18.0, fade: Permanent),
                      Modifier(level: Leader("la", "lb"), value: 18.0, fade: Permanent)])"#,
    );
    let run = run(&sc, 1);
    let top = run.samples.iter().map(|s| s.score).fold(f64::MIN, f64::max);
    assert!(top <= 9.0 && top > 8.99, "{top}");
    assert_eq!(sc.scale.band(top), "friendly");
}

/// A world of [`world`]'s with accumulating dynamics of gain 1 and the given drift.
fn accumulating(drift: &str, events: &str) -> Scenario {
    let text = world_text(events).replacen(
        "    structure: (base: 0.0, affinity: 0.0),",
        &format!(
            "    structure: (base: 0.0, affinity: 0.0),\n    dynamics: Accumulating(gain: 1.0, drift: {drift}),"
        ),
        1,
    );
    Scenario::from_str(&text, Path::new("world.ron")).unwrap_or_else(|e| panic!("{e}"))
}

/// Where a level of 0 goes under a move of `by` on a scale of 9, by the documented rule.
fn moved(level: f64, by: f64) -> f64 {
    let bound = 9.0f64.copysign(by);
    bound - (bound - level) * (-by.abs() / 9.0).exp()
}

#[test]
fn an_accumulating_level_holds_on_a_plateau_and_moves_less_near_the_bound() {
    let sc = accumulating(
        "Permanent",
        r#"(id: "one", date: "1951-01-01", title: "One", source: "t",
            effects: [Modifier(level: State, value: 3.0, fade: Days(90.0))]),
           (id: "two", date: "1953-01-01", title: "Two", source: "t",
            effects: [Modifier(level: State, value: 3.0, fade: Days(90.0))]),
           (id: "down", date: "1955-01-01", title: "Down", source: "t",
            effects: [Modifier(level: State, value: -3.0, fade: Days(90.0))])"#,
    );
    let run = run(&sc, 1);
    let first = moved(0.0, 3.0);
    // No fading: the level stays where the event put it, for years (its 90-day
    // half-life is the decaying form's, not this one's).
    for d in ["1951-02-01", "1952-06-01", "1952-12-01"] {
        assert!((score_on(&run, d) - first).abs() < 1e-12, "{d}");
    }
    // The same event moves it less the nearer it is to the bound it moves toward, and a
    // move away from that bound more.
    let second = moved(first, 3.0);
    assert!((score_on(&run, "1953-02-01") - second).abs() < 1e-12);
    assert!(second - first < first);
    let third = moved(second, -3.0);
    assert!((score_on(&run, "1960-12-01") - third).abs() < 1e-12);
    assert!(second - third > second - first);
}

#[test]
fn an_accumulated_move_is_taken_back_when_its_modifier_ends() {
    let sc = accumulating(
        "Permanent",
        r#"(id: "pact", date: "1951-01-01", title: "Pact", source: "t",
            effects: [Modifier(level: State, value: 4.0, fade: Permanent)]),
           (id: "truce", date: "1952-01-01", title: "Truce", source: "t",
            effects: [Modifier(level: State, value: 2.0, fade: Until("1954-01-01"))]),
           (id: "leaders", date: "1952-06-01", title: "Leaders", source: "t",
            effects: [Modifier(level: Leader("la", "lb"), value: 1.0, fade: Permanent)])"#,
    );
    let run = run(&sc, 1);
    let pact = moved(0.0, 4.0);
    let truce = moved(pact, 2.0) - pact;
    let leaders = moved(pact + truce, 1.0) - (pact + truce);
    assert!((score_on(&run, "1953-06-01") - (pact + truce + leaders)).abs() < 1e-12);
    // The truce ends: its move goes, the others stay.
    assert!((score_on(&run, "1954-01-01") - (pact + leaders)).abs() < 1e-12);
    // Leader A leaves office on 1955-01-01: the leaders' move goes too.
    assert!((score_on(&run, "1955-01-01") - pact).abs() < 1e-12);
}

#[test]
fn an_accumulating_level_drifts_toward_the_structural_part_and_restarts_at_a_reanchor() {
    let sc = accumulating(
        "Years(2.0)",
        r#"(id: "pact", date: "1951-01-01", title: "Pact", source: "t",
            effects: [Modifier(level: State, value: 4.0, fade: Permanent)]),
           (id: "again", date: "1956-01-01", title: "Revolution", source: "t",
            effects: [Reanchor(to: -2.0)]),
           (id: "fresh", date: "1958-01-01", title: "Fresh start", source: "t",
            effects: [Reanchor()])"#,
    );
    let run = run(&sc, 1);
    let pact = moved(0.0, 4.0);
    // Two years (731 days, 1952 is a leap year) of a two-year (730.5-day) half-life.
    let drifted = pact * 0.5f64.powf(731.0 / 730.5);
    assert!((score_on(&run, "1953-01-01") - drifted).abs() < 1e-9);
    // The re-anchor drops the pact's move and starts from its level, which then drifts
    // toward the structural part (0 here).
    assert!((score_on(&run, "1956-01-01") + 2.0).abs() < 1e-12);
    assert!((score_on(&run, "1957-01-01") + 2.0 * 0.5f64.powf(366.0 / 730.5)).abs() < 1e-9);
    assert_eq!(score_on(&run, "1958-01-01"), 0.0);
}

#[test]
fn a_reanchor_changes_nothing_under_decaying_dynamics() {
    let events = r#"(id: "pact", date: "1951-01-01", title: "Pact", source: "t",
            effects: [Modifier(level: State, value: 4.0, fade: Years(3.0))])"#;
    let with = world(&format!(
        "{events},\n(id: \"again\", date: \"1956-01-01\", title: \"R\", source: \"t\", effects: [Reanchor(to: -2.0)])"
    ));
    let (a, b) = (run(&world(events), 1), run(&with, 1));
    for (x, y) in a.samples.iter().zip(&b.samples) {
        assert_eq!(x.score.to_bits(), y.score.to_bits());
    }
}

/// Each pair's monthly scores as [`Simulation::run_scores_only`] lays them out, taken from
/// a whole run's samples.
fn monthly_cells(sc: &Scenario, run: &diplosim::record::Run) -> Vec<f64> {
    let pairs = sc.pairs.len();
    let months = run.monthly().count() / pairs;
    let mut cells = vec![f64::NAN; pairs * months];
    for (i, s) in run.monthly().enumerate() {
        cells[s.pair * months + i / pairs] = s.score;
    }
    cells
}

#[test]
fn a_run_that_keeps_only_its_monthly_scores_has_a_whole_runs_scores_bit_for_bit() {
    // The shipped scenarios (the triangle with its prelude, its three pairs and their
    // coupling) and their counterfactuals, five fixtures (triggered events, contested
    // items, three states) and a world with accumulating dynamics, windows, a drawn value
    // and modifiers ended by an event and by a date: a run that keeps no samples and logs
    // nothing takes the same steps.
    let mut scenarios: Vec<Scenario> = [
        "sino_soviet_1917_1991.ron",
        "strategic_triangle_1949_1991.ron",
    ]
    .iter()
    .map(|f| Scenario::load(&repo(&format!("scenarios/{f}"))).unwrap_or_else(|e| panic!("{e}")))
    .collect();
    for f in [
        "small.ron",
        "three_states.ron",
        "triangle.ron",
        "contested.ron",
        "dominant.ron",
    ] {
        scenarios.push(Scenario::load(&fixture(f)).unwrap_or_else(|e| panic!("{f}: {e}")));
    }
    for entry in std::fs::read_dir(repo("scenarios/counterfactuals")).expect("the folder") {
        let path = entry.expect("an entry").path();
        let cf = diplosim::scenario::counterfactual::Counterfactual::load(&path)
            .unwrap_or_else(|e| panic!("{e}"));
        scenarios.push(cf.scenario);
    }
    // Accumulating dynamics, a drawn value and a modifier ended by an event.
    scenarios.push(accumulating(
        "Years(4.0)",
        r#"(id: "one", date: "1951-01-01", window: 60, title: "One", source: "t",
            effects: [Modifier(level: State, value: Normal(3.0, 1.0), fade: Days(90.0))]),
           (id: "aid", date: "1952-01-01", title: "Aid", source: "t",
            effects: [Modifier(level: State, value: 2.0, fade: UntilEvent("stop")),
                      Modifier(level: State, value: 1.0, fade: Until("1954-06-01"))]),
           (id: "stop", date: "1956-03-01", window: 90, title: "Stop", source: "t",
            effects: [Modifier(level: State, value: -1.0, fade: Days(200.0))])"#,
    ));
    for sc in &scenarios {
        let mut sim = Simulation::new(sc);
        for seed in 1..=4 {
            let run = sim
                .run(seed)
                .unwrap_or_else(|e| panic!("{}: {e}", sc.name()));
            let want = monthly_cells(sc, &run);
            let mut got = vec![f64::NAN; want.len()];
            sim.run_scores_only(seed, &mut got)
                .unwrap_or_else(|e| panic!("{}: {e}", sc.name()));
            let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&got), bits(&want), "{}, seed {seed}", sc.name());
            // And the whole run after it is the run it was.
            assert_eq!(
                sim.run(seed).as_ref(),
                Ok(&run),
                "{}, seed {seed}",
                sc.name()
            );
        }
    }
}

#[test]
fn a_run_that_keeps_only_its_scores_stops_a_runaway_chain_with_the_same_error() {
    let sc = runaway_chain();
    let mut sim = Simulation::new(&sc);
    let whole = sim.run(1).expect_err("the chain runs away");
    let mut cells = vec![0.0; sc.pairs.len() * 12 * 11];
    assert_eq!(sim.run_scores_only(1, &mut cells), Err(whole));
}
