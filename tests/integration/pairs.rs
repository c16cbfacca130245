//! Many states: a relation per pair of states, each pair as it would be alone.

use std::path::Path;

use diplosim::engine::Simulation;
use diplosim::experiment::{self, Seeds};
use diplosim::record::Run;
use diplosim::scenario::Scenario;
use diplosim::scenario::counterfactual::Counterfactual;

/// The states of the test world: id, party, first leader, second leader (who takes over
/// in mid-span, so leader-level pairs stop and start counting).
const STATES: [(&str, &str, &str, &str); 3] = [
    ("alba", "alba_p", "ana", "arno"),
    ("bora", "bora_p", "bea", "bruno"),
    ("cora", "cora_p", "cid", "carl"),
];

/// The events of one pair of states (indices into [`STATES`]): a treaty on a drawn date
/// with a drawn value, party and leader ties, a dated modifier that ends, and a repeating
/// triggered spat guarded on the pair's own score. No event touches another pair.
fn pair_events(x: usize, y: usize) -> String {
    let (a, pa, la, _) = STATES[x];
    let (b, pb, lb, _) = STATES[y];
    let id = format!("{a}_{b}");
    format!(
        r#"
        (id: "{id}_treaty", date: "1951-03-01", window: 40, title: "Treaty {id}", source: "t",
         effects: [Modifier(level: States("{a}", "{b}"), value: Normal(2.5, 1.0), fade: Years(5.0))]),
        (id: "{id}_parties", date: "1952-06-01", title: "Parties {id}", source: "t",
         effects: [Modifier(level: Party("{pa}", "{pb}"), value: 1.5, fade: Permanent)]),
        (id: "{id}_leaders", date: "1953-02-01", title: "Leaders {id}", source: "t",
         effects: [Modifier(level: Leader("{la}", "{lb}"), value: Uniform(1.0, 3.0), fade: Days(400.0))]),
        (id: "{id}_pact", date: "1956-01-10", title: "Pact {id}", source: "t", chance: 0.7,
         effects: [Modifier(level: States("{a}", "{b}"), value: 2.0, fade: Until("1960-01-01"))]),
        (id: "{id}_spat", mtth: 200.0, repeat: true, title: "Spat {id}", source: "t",
         when: All([After("1954-01-01"), On(("{a}", "{b}"), ScoreAtLeast(0.5))]),
         effects: [Modifier(level: States("{a}", "{b}"), value: Uniform(-1.5, -0.5), fade: Days(120.0))]),"#
    )
}

/// A scenario of the states `states` (indices into [`STATES`]) with the events of every
/// pair among them.
fn world(states: &[usize]) -> String {
    let mut s = String::new();
    let mut parties = String::new();
    let mut leaders = String::new();
    for &i in states {
        let (id, party, first, second) = STATES[i];
        s += &format!(r#"(id: "{id}", name: "State {id}", ruling: "{party}"),"#);
        parties += &format!(
            r#"(id: "{party}", name: "Party {id}", state: "{id}", ideology: {{"left": {}}}),"#,
            [0.8, -0.3, 0.4][i]
        );
        leaders += &format!(
            r#"(id: "{first}", name: "First of {id}", state: "{id}", terms: [(from: "1950-01-01", to: "{}")]),
               (id: "{second}", name: "Second of {id}", state: "{id}", terms: [(from: "{}")]),"#,
            ["1955-06-01", "1957-03-01", "1958-09-01"][i],
            ["1955-06-01", "1957-03-01", "1958-09-01"][i],
        );
    }
    let mut events = String::new();
    let mut checkpoints = String::new();
    for (k, &x) in states.iter().enumerate() {
        for &y in &states[k + 1..] {
            events += &pair_events(x, y);
            let (a, b) = (STATES[x].0, STATES[y].0);
            checkpoints += &format!(
                r#"(id: "{a}_{b}_early", pair: ("{a}", "{b}"), from: "1952-01-01", to: "1953-01-01",
                    expect: Range(-9.0, 9.0), quote: "q", source: "t"),"#
            );
        }
    }
    format!(
        r#"Scenario(
    name: "pairs", title: "Pairs", span: ("1950-01-01", "1962-12-31"),
    scale: (bound: 9.0, bands: [(name: "low", from: -9.0), (name: "high", from: 0.0)]),
    structure: (base: -0.5, affinity: 2.0),
    axes: ["left"],
    states: [{s}], parties: [{parties}], leaders: [{leaders}],
    events: [{events}],
    timeline: (checkpoints: [{checkpoints}]),
)"#
    )
}

fn load(text: &str) -> Scenario {
    Scenario::from_str(text, Path::new("pairs.ron")).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

/// The samples of one pair of a run, without the pair's index.
fn samples(run: &Run, pair: usize) -> Vec<(i32, bool, [u64; 5])> {
    run.of_pair(pair)
        .map(|s| {
            let p = s.parts;
            let bits = [s.score, p.structural, p.state, p.party, p.leader].map(f64::to_bits);
            (s.day, s.monthly, bits)
        })
        .collect()
}

/// The events fired on one pair, by id, with their scores' bits.
fn fired(sc: &Scenario, run: &Run, pair: usize) -> Vec<(String, i32, u64, u64)> {
    run.fired_on(pair)
        .map(|f| {
            let id = sc.events[f.event].id.clone();
            (id, f.day, f.before.to_bits(), f.after.to_bits())
        })
        .collect()
}

#[test]
fn three_states_whose_pairs_share_no_event_are_three_two_state_files() {
    let three = load(&world(&[0, 1, 2]));
    assert_eq!(three.pairs.len(), 3);
    let alone = [[0, 1], [0, 2], [1, 2]].map(|pair| load(&world(&pair)));
    let mut sim = Simulation::new(&three);
    let mut sims: Vec<Simulation> = alone.iter().map(Simulation::new).collect();
    let mut spats = 0;
    for seed in [1, 2, 3, 17, 99] {
        let run = sim.run(seed).unwrap();
        for (p, (sc, sim)) in alone.iter().zip(&mut sims).enumerate() {
            assert_eq!(three.pair_key(p), sc.pair_key(0));
            let single = sim.run(seed).unwrap();
            assert_eq!(
                samples(&run, p),
                samples(&single, 0),
                "pair {p}, seed {seed}"
            );
            assert_eq!(
                fired(&three, &run, p),
                fired(sc, &single, 0),
                "pair {p}, seed {seed}"
            );
            let checks = diplosim::record::checkpoints(&three, &run);
            let check = diplosim::record::checkpoints(sc, &single);
            assert_eq!(checks[p].low.to_bits(), check[0].low.to_bits());
            assert_eq!(checks[p].high.to_bits(), check[0].high.to_bits());
            spats += fired(sc, &single, 0)
                .iter()
                .filter(|f| f.0.ends_with("_spat"))
                .count();
        }
    }
    assert!(spats > 0, "the triggered events fire in some runs");

    // An ensemble's statistics, pair by pair, are the two-state files' to the bit.
    let seeds = Seeds::new(5, 40).unwrap();
    let e = experiment::ensemble(&three, seeds, &()).unwrap();
    for (p, sc) in alone.iter().enumerate() {
        let one = experiment::ensemble(sc, seeds, &()).unwrap();
        let bits = |xs: &[f64]| xs.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&e.mean[e.of_pair(p)]), bits(&one.mean), "pair {p}");
        assert_eq!(e.percentiles[e.of_pair(p)], one.percentiles[..], "pair {p}");
    }
}

/// A world of three states with a summit that warms one pair and alarms the third state.
fn summit_world(with_summit: bool) -> String {
    let summit = r#"
        (id: "summit", date: "1955-05-01", title: "Alba and Bora meet", source: "t",
         actors: ["alba", "bora"],
         effects: [
            Modifier(level: States("alba", "bora"), value: 3.0, fade: Years(4.0)),
            Modifier(level: States("alba", "cora"), value: -2.0, fade: Years(4.0)),
         ]),"#;
    let mut text = world(&[0, 1, 2]);
    if with_summit {
        text = text.replacen("events: [", &format!("events: [{summit}"), 1);
    }
    text
}

#[test]
fn an_event_on_two_pairs_moves_both_and_removing_it_moves_neither() {
    let dir = tempfile::tempdir().unwrap();
    let base_path = dir.path().join("summit.ron");
    std::fs::write(&base_path, summit_world(true)).unwrap();
    let base = Scenario::load(&base_path).unwrap();
    let summit = base.event_index("summit").unwrap();
    assert_eq!(base.events[summit].pairs, [0, 1], "alba/bora and alba/cora");
    let run = Simulation::new(&base).run(1).unwrap();
    let logged: Vec<_> = run.fired.iter().filter(|f| f.event == summit).collect();
    assert_eq!(logged.len(), 2, "one entry per pair: {logged:?}");
    assert_eq!(logged[0].pair, 0);
    assert!(
        logged[0].after - logged[0].before > 1.0,
        "alba/bora warms: {:?}",
        logged[0]
    );
    assert_eq!(logged[1].pair, 1);
    assert!(
        logged[1].after - logged[1].before < -1.0,
        "alba/cora cools: {:?}",
        logged[1]
    );

    // Removing the summit in a what-if gives, on every pair, the world without it.
    let cf_path = dir.path().join("no_summit.ron");
    std::fs::write(
        &cf_path,
        r#"Counterfactual(base: "summit.ron", title: "No summit", question: "What if they had not met?", changes: [Remove("summit")])"#,
    )
    .unwrap();
    let cf = Counterfactual::load(&cf_path).unwrap();
    let without = load(&summit_world(false));
    let (a, b) = (
        Simulation::new(&cf.scenario).run(1).unwrap(),
        Simulation::new(&without).run(1).unwrap(),
    );
    for p in 0..3 {
        assert_eq!(samples(&a, p), samples(&b, p), "pair {p}");
    }
    // And it did move both pairs: the baseline differs from the what-if after the summit
    // on alba/bora and alba/cora, not on bora/cora.
    let day = "1955-06-01".parse::<diplosim::date::Date>().unwrap().day();
    let at = |r: &Run, p: usize| r.at(day, p).unwrap().score;
    assert!(at(&run, 0) > at(&a, 0) + 1.0);
    assert!(at(&run, 1) < at(&a, 1) - 1.0);
    assert_eq!(at(&run, 2).to_bits(), at(&a, 2).to_bits());
}

#[test]
fn explain_tells_every_pair_or_the_one_asked_for() {
    let dir = tempfile::tempdir().unwrap();
    let three = crate::common::fixture("three_states.ron");
    let three = three.to_str().unwrap();
    let all = crate::common::diplosim(dir.path(), &["explain", three, "--at", "1972-03-01"]);
    assert_eq!(all.code, Some(0), "{}", all.stderr);
    for name in [
        "China – Soviet Union",
        "China – United States",
        "Soviet Union – United States",
    ] {
        assert!(
            all.stdout
                .contains(&format!("the score of {name} on 1972-03-01")),
            "{}",
            all.stdout
        );
    }
    // Either order of the two ids names the pair.
    let one = crate::common::diplosim(
        dir.path(),
        &["explain", three, "--at", "1972-03-01", "--pair", "us/china"],
    );
    assert_eq!(one.code, Some(0), "{}", one.stderr);
    assert_eq!(one.stdout.matches("the score of").count(), 1);
    assert!(one.stdout.contains("nixon_visit: Nixon in Beijing"));
    let csv = crate::common::diplosim(
        dir.path(),
        &["explain", three, "--at", "1972-03-01", "--csv"],
    );
    assert!(
        csv.stdout
            .starts_with("pair,part,event,label,level,started,start_value,value\n")
    );
    assert!(csv.stdout.contains("\nchina/us,modifier,nixon_visit,"));
    crate::common::refused(
        &crate::common::diplosim(
            dir.path(),
            &["explain", three, "--at", "1972-03-01", "--pair", "us/japan"],
        ),
        2,
        "--pair \"us/japan\" is not a pair the scenario models",
    );
}

#[test]
fn the_printed_summaries_go_pair_by_pair() {
    let dir = tempfile::tempdir().unwrap();
    let three = crate::common::fixture("three_states.ron");
    let three = three.to_str().unwrap();
    for args in [
        vec!["run", three, "--out", "r"],
        vec!["ensemble", three, "--runs", "3", "--out", "e"],
        vec!["rank", three, "--runs", "1", "--out", "k"],
    ] {
        let ran = crate::common::diplosim(dir.path(), &args);
        assert_eq!(ran.code, Some(0), "{}", ran.stderr);
        if args[0] == "rank" {
            // A row is an event on one pair, and says which.
            assert!(ran.stdout.contains("  pair  "), "{}", ran.stdout);
            assert!(ran.stdout.contains(" china/us "), "{}", ran.stdout);
            continue;
        }
        let at = |name: &str| {
            ran.stdout
                .find(&format!("  {name}\n"))
                .unwrap_or(usize::MAX)
        };
        let (a, b, c) = (
            at("China – Soviet Union"),
            at("China – United States"),
            at("Soviet Union – United States"),
        );
        assert!(a < b && b < c && c < usize::MAX, "{}", ran.stdout);
    }
    // Five events fired, each counted once.
    let ran = crate::common::diplosim(dir.path(), &["run", three, "--out", "r2"]);
    assert!(ran.stdout.contains("  5 events fired;"), "{}", ran.stdout);
}
