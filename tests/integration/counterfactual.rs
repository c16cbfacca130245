//! Counterfactual files: applied to their base, equal to it before their first change,
//! and broken ones reported with a location.

use crate::common::fixture;
use std::path::{Path, PathBuf};

use diplosim::engine::Simulation;
use diplosim::record::{events_csv, trajectory_csv};
use diplosim::scenario::counterfactual::{Counterfactual, Source};
use diplosim::scenario::file::ScenarioFile;
use diplosim::scenario::{Scenario, ScenarioError};

/// The counterfactuals that must load: the shipped ones and the fixtures that are not
/// broken on purpose.
fn good_counterfactuals() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for dir in [
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/counterfactuals"),
        fixture("counterfactuals"),
    ] {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut files: Vec<PathBuf> = entries
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "ron"))
            .filter(|p| {
                let name = p.file_name().unwrap().to_string_lossy();
                name != "typo.ron" && name != "breaks_base.ron"
            })
            .collect();
        files.sort();
        out.extend(files);
    }
    out
}

fn is_shipped(p: &Path) -> bool {
    p.components().any(|c| c.as_os_str() == "scenarios")
}

#[test]
fn a_counterfactual_without_changes_equals_its_base_byte_for_byte() {
    let base = Scenario::load(&fixture("small.ron")).unwrap();
    let cf = Counterfactual::load(&fixture("counterfactuals/noop.ron")).unwrap();
    assert_eq!(cf.changes, 0);
    let (mut a, mut b) = (Simulation::new(&base), Simulation::new(&cf.scenario));
    for seed in [1, 2, 99] {
        let (ra, rb) = (a.run(seed).unwrap(), b.run(seed).unwrap());
        assert_eq!(
            trajectory_csv(&base, &ra).unwrap(),
            trajectory_csv(&cf.scenario, &rb).unwrap()
        );
        assert_eq!(
            events_csv(&base, &ra).unwrap(),
            events_csv(&cf.scenario, &rb).unwrap()
        );
    }
}

#[test]
fn every_counterfactual_equals_its_base_before_its_first_change() {
    let files = good_counterfactuals();
    assert!(files.len() >= 4, "found only {files:?}");
    for path in files {
        let source = Source::read(&path).unwrap();
        let base = Scenario::load(&source.base_path()).unwrap();
        let cf = Counterfactual::load(&path).unwrap_or_else(|e| panic!("{e}"));
        if cf.changes == 0 {
            continue;
        }
        let first = cf.first_change.day();
        if is_shipped(&path) {
            assert!(
                first > base.span().0.day(),
                "{}: its first change is on the span's first day, so nothing can be checked",
                path.display()
            );
        }
        let (mut a, mut b) = (Simulation::new(&base), Simulation::new(&cf.scenario));
        let mut differs = false;
        let mut checked = 0;
        for seed in 1..=3 {
            let (ra, rb) = (a.run(seed).unwrap(), b.run(seed).unwrap());
            let before = |r: &diplosim::record::Run| {
                r.samples
                    .iter()
                    .filter(|s| s.day < first)
                    .copied()
                    .collect::<Vec<_>>()
            };
            assert_eq!(
                before(&ra),
                before(&rb),
                "{} (seed {seed}) parts before {}",
                path.display(),
                cf.first_change
            );
            checked += before(&ra).len();
            differs |= ra.samples != rb.samples;
        }
        assert!(
            differs,
            "{}: the variant never differs from its base",
            path.display()
        );
        if is_shipped(&path) {
            assert!(
                checked > 0,
                "{}: no sample before the change",
                path.display()
            );
        }
    }
}

#[test]
fn an_unknown_event_is_located_in_the_counterfactual_with_a_suggestion() {
    let path = fixture("counterfactuals/typo.ron");
    let err = Counterfactual::load(&path).unwrap_err();
    let ScenarioError::Invalid { problems, .. } = &err else {
        panic!("{err}");
    };
    assert_eq!(problems.len(), 1);
    let loc = problems[0].location.as_ref().unwrap();
    assert_eq!((loc.line, loc.col), (8, 16));
    assert_eq!(
        problems[0].hint.as_deref(),
        Some("did you mean \"incident\"?")
    );
    let text = err.to_string();
    assert!(text.contains("typo.ron:8:16"), "{text}");
    assert!(text.contains("unknown event \"incidnt\""), "{text}");
}

#[test]
fn a_change_that_breaks_the_base_is_reported_like_a_scenario_error() {
    let err = Counterfactual::load(&fixture("counterfactuals/breaks_base.ron")).unwrap_err();
    assert!(matches!(err, ScenarioError::Changed { .. }), "{err}");
    assert_eq!(err.problems().len(), 1);
    let text = err.to_string();
    assert!(text.contains("breaks_base.ron:6:27"), "{text}");
    assert!(text.contains("outside the scenario's span"), "{text}");
}

fn apply(text: &str) -> Result<Counterfactual, ScenarioError> {
    let path = fixture("counterfactuals/inline.ron");
    let source = Source::parse(text.to_string(), &path)?;
    let base_path = source.base_path();
    let text = std::fs::read_to_string(&base_path).unwrap();
    let base = ScenarioFile::parse(&text, &base_path).unwrap();
    source.apply(&base, &base_path)
}

#[test]
fn removing_an_event_takes_its_own_follow_ups_and_guards_with_it() {
    let cf = apply(
        r#"Counterfactual(base: "../small.ron", title: "t", question: "q",
            changes: [Remove("incident"),
                      Add((id: "after", date: "1959-01-01", title: "After", source: "s",
                           when: Not(Happened("apology")),
                           effects: [Modifier(level: State, value: 1.0, fade: Permanent)]))])"#,
    )
    .unwrap();
    let sc = &cf.scenario;
    assert!(sc.event_index("incident").is_none());
    assert!(
        sc.event_index("apology").is_none(),
        "its follow-up goes too"
    );
    // `Happened` of a removed event is false, so `Not(..)` holds and the event fires.
    let run = Simulation::new(sc).run(1).unwrap();
    let after = sc.event_index("after").unwrap();
    assert!(run.fired.iter().any(|f| f.event == after));
    assert_eq!(
        cf.first_change.to_string(),
        "1956-12-02",
        "the window reaches back 30 days"
    );
}

#[test]
fn replacing_a_leader_hands_over_the_office_and_the_later_events() {
    let cf = Counterfactual::load(&fixture("counterfactuals/new_south_leader.ron")).unwrap();
    let sc = &cf.scenario;
    let id = |x: &str| sc.leaders.iter().position(|l| l.id == x).unwrap();
    let day = |d: &str| d.parse::<diplosim::date::Date>().unwrap().day();
    let (ann, cid, dee) = (id("ann"), id("cid"), id("dee"));
    assert!(sc.leaders[ann].in_office_on(day("1953-12-31")));
    assert!(!sc.leaders[ann].in_office_on(day("1954-01-01")));
    assert!(sc.leaders[cid].in_office_on(day("1955-12-31")));
    assert!(!sc.leaders[cid].in_office_on(day("1956-01-01")));
    assert!(sc.leaders[dee].in_office_on(day("1960-01-01")));
    assert_eq!(sc.pairs[0].structure.affinity, 2.5);
}

#[test]
fn a_misspelt_change_is_a_syntax_error_with_a_suggestion() {
    let err = apply(
        r#"Counterfactual(base: "../small.ron", title: "t", question: "q",
            changes: [Remov("incident")])"#,
    )
    .unwrap_err();
    let text = err.to_string();
    assert!(text.contains("inline.ron:2:23"), "{text}");
    assert!(text.contains("did you mean `Remove`?"), "{text}");
}

/// The modifiers of an event as (value, fade), in the changed scenario file.
fn modifiers(cf: &Counterfactual, id: &str) -> Vec<String> {
    use diplosim::scenario::file::EffectFile;
    let e = cf.file.events.iter().find(|e| e.id == id).unwrap();
    e.effects
        .iter()
        .filter_map(|x| match x {
            EffectFile::Modifier { value, fade, .. } => Some(format!("{value:?} {fade:?}")),
            _ => None,
        })
        .collect()
}

#[test]
fn scaling_every_half_life_leaves_permanent_and_dated_ends_alone() {
    let cf = apply(
        r#"Counterfactual(base: "../small.ron", title: "t", question: "q",
            changes: [ScaleHalfLives(by: 2.0)])"#,
    )
    .unwrap();
    assert_eq!(modifiers(&cf, "treaty"), ["Fixed(4.0) Years(20.0)"]);
    assert_eq!(
        modifiers(&cf, "incident"),
        ["Drawn(Uniform(-4.0, -2.0)) Days(360.0)"]
    );
    assert_eq!(modifiers(&cf, "spat"), ["Fixed(-0.5) Days(180.0)"]);
    assert_eq!(modifiers(&cf, "friendship"), ["Fixed(3.0) Permanent"]);
    assert_eq!(modifiers(&cf, "apology"), ["Fixed(1.0) Until(Date(-4383))"]);
    // The spat is triggered, so the change can reach back to the span's first day.
    assert_eq!(cf.first_change.to_string(), "1950-01-01");
}

#[test]
fn one_events_half_life_scales_only_that_event() {
    let cf = apply(
        r#"Counterfactual(base: "../small.ron", title: "t", question: "q",
            changes: [ScaleHalfLives(events: ["incident"], by: 0.5)])"#,
    )
    .unwrap();
    assert_eq!(
        modifiers(&cf, "incident"),
        ["Drawn(Uniform(-4.0, -2.0)) Days(90.0)"]
    );
    assert_eq!(modifiers(&cf, "treaty"), ["Fixed(4.0) Years(10.0)"]);
    assert_eq!(cf.first_change.to_string(), "1956-12-02");
}

#[test]
fn scaling_every_events_values_is_scaling_each_event() {
    let all = apply(
        r#"Counterfactual(base: "../small.ron", title: "t", question: "q",
            changes: [ScaleValues(by: 1.5)])"#,
    )
    .unwrap();
    let each = apply(
        r#"Counterfactual(base: "../small.ron", title: "t", question: "q",
            changes: [Scale(event: "treaty", by: 1.5), Scale(event: "friendship", by: 1.5),
                      Scale(event: "party_ties", by: 1.5), Scale(event: "incident", by: 1.5),
                      Scale(event: "apology", by: 1.5), Scale(event: "spat", by: 1.5)])"#,
    )
    .unwrap();
    let (mut a, mut b) = (
        Simulation::new(&all.scenario),
        Simulation::new(&each.scenario),
    );
    for seed in [1, 2] {
        assert_eq!(
            trajectory_csv(&all.scenario, &a.run(seed).unwrap()).unwrap(),
            trajectory_csv(&each.scenario, &b.run(seed).unwrap()).unwrap()
        );
    }
}

#[test]
fn a_group_by_era_and_level_scales_only_its_modifiers() {
    let cf = apply(
        r#"Counterfactual(base: "../small.ron", title: "t", question: "q",
            changes: [ScaleValues(era: "Early", level: Leader, by: 2.0),
                      ScaleValues(events: ["party_ties", "incident"], level: Party, by: 3.0)])"#,
    )
    .unwrap();
    assert_eq!(modifiers(&cf, "friendship"), ["Fixed(6.0) Permanent"]);
    assert_eq!(modifiers(&cf, "party_ties"), ["Fixed(6.0) Permanent"]);
    // In the era, but at the state level; at the state level, outside the era.
    assert_eq!(modifiers(&cf, "treaty"), ["Fixed(4.0) Years(10.0)"]);
    assert_eq!(
        modifiers(&cf, "incident"),
        ["Drawn(Uniform(-4.0, -2.0)) Days(180.0)"]
    );
    // From the first modifier touched: the friendship's day.
    assert_eq!(cf.first_change.to_string(), "1952-01-01");
}

#[test]
fn a_group_that_names_nothing_real_is_located_in_the_counterfactual() {
    let cases = [
        (
            r#"ScaleValues(era: "Erly", by: 2.0)"#,
            "inline.ron:2:30",
            "unknown era \"Erly\"",
        ),
        (
            r#"ScaleValues(events: ["treaty", "incidnt"], by: 2.0)"#,
            "inline.ron:2:44",
            "did you mean \"incident\"?",
        ),
        (
            r#"ScaleHalfLives(events: [], by: 2.0)"#,
            "inline.ron:2:28",
            "`events` is an empty list",
        ),
        (
            r#"ScaleValues(events: ["apology"], era: "Early", by: 2.0)"#,
            "inline.ron:2:13",
            "the group holds no event",
        ),
        (
            r#"ScaleValues(events: ["treaty"], level: Party, by: 2.0)"#,
            "inline.ron:2:13",
            "holds no modifier value",
        ),
        (
            r#"ScaleHalfLives(events: ["apology"], by: 2.0)"#,
            "inline.ron:2:13",
            "holds no modifier that fades by a half-life",
        ),
        (
            r#"ScaleHalfLives(by: 0.0)"#,
            "inline.ron:2:28",
            "the factor 0 would leave half-lives",
        ),
        (
            r#"ScaleHalfLives(level: Leader, by: -1.0)"#,
            "inline.ron:2:43",
            "must be above 0",
        ),
    ];
    for (change, place, words) in cases {
        let text = format!(
            "Counterfactual(base: \"../small.ron\", title: \"t\", question: \"q\",\n  changes: [{change}])"
        );
        let err = apply(&text).unwrap_err();
        let shown = err.to_string();
        assert!(matches!(err, ScenarioError::Invalid { .. }), "{shown}");
        assert!(
            shown.contains(place),
            "{change}: expected {place} in\n{shown}"
        );
        assert!(
            shown.contains(words),
            "{change}: expected {words:?} in\n{shown}"
        );
    }
}

#[test]
fn a_half_life_scaled_past_the_finite_is_placed_at_its_change() {
    let err = apply(
        "Counterfactual(base: \"../small.ron\", title: \"t\", question: \"q\",\n  changes: [ScaleHalfLives(events: [\"treaty\"], by: 1e308)])",
    )
    .unwrap_err();
    assert!(matches!(err, ScenarioError::Changed { .. }), "{err}");
    let text = err.to_string();
    // At the event's id in the change.
    assert!(text.contains("inline.ron:2:37"), "{text}");
    assert!(text.contains("a half-life of inf days"), "{text}");
}
