//! Every shipped scenario loads and runs; the Sino-Soviet baseline meets its documented
//! timeline.

use diplosim::record;
use diplosim::scenario::Scenario;

use crate::common::*;

const SINO_SOVIET: &str = "scenarios/sino_soviet_1917_1991.ron";

fn sino_soviet() -> Scenario {
    Scenario::load(&repo(SINO_SOVIET)).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn every_shipped_scenario_loads_and_runs() {
    let mut n = 0;
    for entry in std::fs::read_dir(repo("scenarios")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "ron") {
            let sc = Scenario::load(&path).unwrap_or_else(|e| panic!("{e}"));
            let r = run(&sc, 1);
            assert!(!r.fired.is_empty(), "{}", path.display());
            n += 1;
        }
    }
    assert!(n >= 1);
}

#[test]
fn the_sino_soviet_baseline_meets_every_checkpoint() {
    let sc = sino_soviet();
    let r = run(&sc, 1);
    let verdicts = record::checkpoints(&sc, &r);
    assert!(
        verdicts.len() >= 8,
        "the documented timeline has {} checkpoints",
        verdicts.len()
    );
    for v in &verdicts {
        let c = &sc.timeline.checkpoints[v.checkpoint];
        assert!(
            v.met,
            "checkpoint \"{}\" ({} to {}) expects {}, the run ranges {:.2} to {:.2}",
            c.id, c.from, c.to, c.expect, v.low, v.high
        );
    }
}

#[test]
fn the_sino_soviet_baseline_fires_at_least_45_sourced_events() {
    let sc = sino_soviet();
    let r = run(&sc, 1);
    assert!(r.fired.len() >= 45, "{} events fired", r.fired.len());
    for f in &r.fired {
        let e = &sc.events[f.event];
        assert!(
            !e.source.trim().is_empty(),
            "event \"{}\" has no source",
            e.id
        );
        assert!(!e.note.trim().is_empty(), "event \"{}\" has no note", e.id);
    }
    let csv = String::from_utf8(record::events_csv(&sc, &r).unwrap()).unwrap();
    assert_eq!(csv.lines().count(), r.fired.len() + 1);
    // The span's two ends are in the log.
    assert!(csv.contains("Beiyang") || csv.contains("Siberia"));
    assert!(csv.contains("1991-12"));
}

/// Our reading of the article: the band the relation must be in on ten well-known dates.
/// Each line says why.
const PINNED: [(&str, &str, &str); 10] = [
    (
        "1921-09-01",
        "tense",
        "no relations; the Red Army has taken Urga and Outer Mongolia, which China claims",
    ),
    (
        "1925-01-01",
        "bad",
        "relations since May 1924, but Soviet troops stay in Mongolia, now a Soviet client",
    ),
    (
        "1930-01-01",
        "confrontation",
        "weeks after the Soviet offensive over the Chinese Eastern Railway",
    ),
    (
        "1939-01-01",
        "good",
        "non-aggression pact, Soviet arms and airmen against Japan; the KMT stays anti-communist",
    ),
    (
        "1947-07-01",
        "bad",
        "Moscow backs the East Turkestan Republic and has armed the CCP; Pei-ta-shan is fought",
    ),
    (
        "1953-06-01",
        "friendly",
        "\"the Soviet Union became its closest ally\": alliance, Korean war-time aid, plants",
    ),
    (
        "1962-07-01",
        "bad",
        "experts recalled, open polemics, \"deeply strained\", but still formal allies",
    ),
    (
        "1969-06-01",
        "confrontation",
        "after the Zhenbao battles and amid the nuclear threat",
    ),
    (
        "1981-01-01",
        "confrontation",
        "China fought Moscow's Vietnamese ally; Soviet army in Afghanistan; China arms the mujahideen",
    ),
    (
        "1990-01-01",
        "good",
        "after the May 1989 summit and the withdrawals from Afghanistan and Cambodia",
    ),
];

#[test]
fn the_sino_soviet_baseline_is_in_the_expected_band_on_ten_well_known_dates() {
    let sc = sino_soviet();
    let r = run(&sc, 1);
    for (date, band, why) in PINNED {
        let s = score_on(&r, date);
        assert_eq!(
            sc.scale.band(s),
            band,
            "{date}: score {s:.2}; expected {band} because {why}"
        );
    }
}

#[test]
fn the_sino_soviet_story_turns_on_its_leaders() {
    let sc = sino_soviet();
    let r = run(&sc, 1);
    // Stalin's death (5 March 1953) ends his personal ties with Mao: the leader-level part
    // changes across it.
    let before = r.at(day("1953-03-01"), 0).unwrap().parts.leader;
    let after = r.at(day("1953-04-01"), 0).unwrap().parts.leader;
    assert_ne!(before, after);
    // Under Khrushchev and Mao the personal part is negative by the early 1960s.
    assert!(r.at(day("1963-01-01"), 0).unwrap().parts.leader < 0.0);
}

/// Set to regenerate the golden files (the README's chart and checkpoint table) instead
/// of checking them: `DIPLOSIM_BLESS=1 cargo test --release --test integration golden`.
pub const BLESS: &str = "DIPLOSIM_BLESS";

#[test]
fn golden_readme_chart_is_the_chart_the_code_draws() {
    let sc = sino_soviet();
    let r = run(&sc, 1);
    let png = diplosim::chart::render_png(&diplosim::chart::of_run(&sc, &r)).unwrap();
    let path = repo("scenarios/sino_soviet_1917_1991.png");
    if std::env::var_os(BLESS).is_some() {
        std::fs::write(&path, &png).unwrap();
    }
    let committed = std::fs::read(&path).unwrap();
    assert!(
        png == committed,
        "the README's chart is out of date (a change to the chart, the engine or the plotters version): regenerate it with `{BLESS}=1 cargo test --release --test integration golden`, look at it, and commit it"
    );
}

/// The researchers' guide's picture of the accumulating form: the Sino-Soviet scenario's
/// events, accumulating with gain 1 and a drift half-life of 10 years, seed 1.
#[test]
fn golden_docs_accumulating_chart_is_the_chart_the_code_draws() {
    let mut sc = sino_soviet();
    sc.dynamics = diplosim::scenario::Dynamics::Accumulating {
        gain: 1.0,
        drift: 10.0 * 365.25,
    };
    let r = run(&sc, 1);
    let chart = diplosim::chart::of_run(&sc, &r);
    assert!(
        chart
            .subtitle
            .contains("events accumulating (gain 1, drift half-life 10 years)"),
        "{}",
        chart.subtitle
    );
    let png = diplosim::chart::render_png(&chart).unwrap();
    let path = repo("docs/dynamics_accumulating.png");
    if std::env::var_os(BLESS).is_some() {
        std::fs::write(&path, &png).unwrap();
    }
    let committed = std::fs::read(&path).unwrap();
    assert!(
        png == committed,
        "the researchers' guide's accumulating chart is out of date: regenerate it with `{BLESS}=1 cargo test --release --test integration golden`, look at it, and commit it"
    );
}

#[test]
fn golden_readme_three_state_chart_is_the_chart_the_code_draws() {
    let path = repo("tests/fixtures/three_states.ron");
    let sc = diplosim::scenario::Scenario::load(&path).unwrap();
    let r = run(&sc, 1);
    let png = diplosim::chart::render_png(&diplosim::chart::of_run(&sc, &r)).unwrap();
    let path = repo("docs/three_states.png");
    if std::env::var_os(BLESS).is_some() {
        std::fs::write(&path, &png).unwrap();
    }
    let committed = std::fs::read(&path).unwrap();
    assert!(
        png == committed,
        "the README's three-state chart is out of date: regenerate it with `{BLESS}=1 cargo test --release --test integration golden`, look at it, and commit it"
    );
}

/// The README's picture of the strategic triangle: the triangle scenario's baseline run,
/// seed 1, with its configuration strips.
#[test]
fn golden_readme_triangle_chart_is_the_chart_the_code_draws() {
    let path = repo("scenarios/strategic_triangle_1949_1991.ron");
    let sc = diplosim::scenario::Scenario::load(&path).unwrap();
    let r = run(&sc, 1);
    let png = diplosim::chart::render_png(&diplosim::chart::of_run(&sc, &r)).unwrap();
    let path = repo("scenarios/strategic_triangle_1949_1991.png");
    if std::env::var_os(BLESS).is_some() {
        std::fs::write(&path, &png).unwrap();
    }
    let committed = std::fs::read(&path).unwrap_or_default();
    assert!(
        png == committed,
        "the README's triangle chart is out of date: regenerate it with `{BLESS}=1 cargo test --release --test integration golden`, look at it, and commit it"
    );
}
