//! Same inputs, same bytes; and common random numbers across what-ifs.

use std::path::Path;

use diplosim::engine::Simulation;
use diplosim::record;
use diplosim::scenario::Scenario;

use crate::common::*;

#[test]
fn two_runs_with_the_same_seed_are_byte_identical() {
    let sc = small();
    let a = run(&sc, 7);
    // A fresh simulation and a reused one give the same bytes.
    let mut sim = Simulation::new(&sc);
    sim.run(3).unwrap();
    let b = sim.run(7).unwrap();
    assert_eq!(
        record::trajectory_csv(&sc, &a).unwrap(),
        record::trajectory_csv(&sc, &b).unwrap()
    );
    assert_eq!(
        record::events_csv(&sc, &a).unwrap(),
        record::events_csv(&sc, &b).unwrap()
    );
}

#[test]
fn different_seeds_differ_where_the_scenario_is_uncertain() {
    let sc = small();
    let runs: Vec<_> = (0..10).map(|s| run(&sc, s)).collect();
    let incident_days: std::collections::BTreeSet<i32> = runs
        .iter()
        .filter_map(|r| {
            r.fired
                .iter()
                .find(|f| sc.events[f.event].id == "incident")
                .map(|f| f.day)
        })
        .collect();
    assert!(
        incident_days.len() > 3,
        "the date window draws different days: {incident_days:?}"
    );
}

#[test]
fn removing_an_event_that_draws_leaves_the_others_draws_as_they_were_over_20_seeds() {
    // The election draws its day (a window of 20 days), as the border incident after it
    // draws its day, its chance and its value: were the streams shared, removing the
    // election would hand the incident other numbers.
    let election = r#"(id: "election", date: "1956-01-01", title: "Pink wins""#;
    let with = Text::small().replace(
        election,
        r#"(id: "election", date: "1956-01-01", window: 20, title: "Pink wins""#,
    );
    let base = Scenario::from_str(&with.0, Path::new("small.ron")).expect("valid");
    let without = with.replace(
        r#"        (id: "election", date: "1956-01-01", window: 20, title: "Pink wins", source: "fixture",
         effects: [Rule(state: "north", party: "pink")]),
"#,
        "",
    );
    let variant = Scenario::from_str(&without.0, Path::new("small.ron")).expect("valid");
    // The earliest day the election can fall on.
    let cut = day("1956-01-01") - 20;
    let mut parted_after = 0;
    for seed in 0..20 {
        let (a, b) = (run(&base, seed), run(&variant, seed));
        let before = |r: &diplosim::record::Run| -> Vec<(i32, f64)> {
            r.samples
                .iter()
                .filter(|s| s.day < cut)
                .map(|s| (s.day, s.score))
                .collect()
        };
        assert_eq!(before(&a), before(&b), "seed {seed}");
        // Common random numbers: the later, random border incident draws the same day
        // (and happens or not) in both runs, because its stream belongs to it alone.
        let incident = |r: &diplosim::record::Run, sc: &Scenario| {
            r.fired
                .iter()
                .find(|f| sc.events[f.event].id == "incident")
                .map(|f| f.day)
        };
        assert_eq!(incident(&a, &base), incident(&b, &variant), "seed {seed}");
        if a.samples
            .iter()
            .zip(&b.samples)
            .any(|(x, y)| x.score != y.score)
        {
            parted_after += 1;
        }
    }
    // The removal does change the story after its date.
    assert_eq!(parted_after, 20);
}
