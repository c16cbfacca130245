//! Chart models for the chart tests and the chart benchmark, made by the program itself
//! from the shipped Sino-Soviet scenario and its counterfactuals (no second, hand-typed
//! copy of the history), and a tiny one with two events, one era, no checkpoints and
//! one leader per state.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use diplosim::chart::{ChartModel, EraSpan, EventMarker, Series, SeriesRole, Strip, Tenure};
use diplosim::date::Date;
use diplosim::engine::Simulation;
use diplosim::experiment::{self, Seeds, Variant};
use diplosim::report;
use diplosim::scenario::Scenario;
use diplosim::scenario::counterfactual::Counterfactual;

/// A fixture date; the literals below are all valid.
pub fn date(text: &str) -> Date {
    text.parse().expect("a valid fixture date")
}

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// The shipped Sino-Soviet scenario.
pub fn sino_soviet() -> Scenario {
    Scenario::load(&repo("scenarios/sino_soviet_1917_1991.ron")).unwrap_or_else(|e| panic!("{e}"))
}

/// The chart `diplosim run` draws for the Sino-Soviet scenario, seed 1.
pub fn single_run() -> ChartModel {
    let sc = sino_soviet();
    let run = Simulation::new(&sc)
        .run(1)
        .expect("the shipped scenario runs");
    report::run_chart(&sc, &run, None)
}

/// The chart `diplosim compare` draws for the Sino-Soviet scenario against two of its
/// counterfactuals, over `runs` paired runs.
pub fn comparison(runs: u64) -> ChartModel {
    comparison_with(&["no_secret_speech", "war_in_1969"], runs)
}

/// Every counterfactual that ships with the Sino-Soviet scenario, by name.
pub const SHIPPED: [&str; 6] = [
    "air_cover_at_once",
    "chiang_keeps_the_alliance",
    "malenkov_instead_of_khrushchev",
    "no_secret_speech",
    "summit_in_1986",
    "war_in_1969",
];

/// The chart `diplosim compare` draws for the Sino-Soviet scenario against the named
/// counterfactuals, over `runs` paired runs (without the marks of what each changed).
pub fn comparison_with(names: &[&str], runs: u64) -> ChartModel {
    let sc = sino_soviet();
    let cfs: Vec<Counterfactual> = names
        .iter()
        .map(|name| {
            Counterfactual::load(&repo(&format!("scenarios/counterfactuals/{name}.ron")))
                .unwrap_or_else(|e| panic!("{e}"))
        })
        .collect();
    let variants: Vec<Variant> = cfs
        .iter()
        .map(|c| Variant {
            name: &c.name,
            scenario: &c.scenario,
        })
        .collect();
    let seeds = Seeds::new(1, runs).unwrap();
    let c = experiment::compare(&sc, &variants, seeds, &()).expect("the variants run");
    let first = Simulation::new(&sc).run(1).unwrap();
    let titles: Vec<&str> = cfs.iter().map(|c| c.title.as_str()).collect();
    let questions: Vec<&str> = cfs.iter().map(|c| c.question.as_str()).collect();
    report::compare_chart(&sc, &c, &first, &titles, &questions)
}

/// The chart `diplosim ensemble` draws for the Sino-Soviet scenario over `runs` runs.
pub fn ensemble(runs: u64) -> ChartModel {
    let sc = sino_soviet();
    let e = experiment::ensemble(&sc, Seeds::new(1, runs).unwrap(), &()).unwrap();
    let first = Simulation::new(&sc).run(1).unwrap();
    report::ensemble_chart(&sc, &e, &first)
}

/// Two events, one era, no checkpoints, one leader per state (one in Cyrillic).
pub fn tiny() -> ChartModel {
    let (start, end) = (date("1950-01-01"), date("1960-01-01"));
    let points = Date::month_starts(start, end)
        .into_iter()
        .map(|d| (d, if d < date("1955-01-01") { 2.0 } else { -4.0 }))
        .collect();
    let event = |d: &str, score: f64, title: &str| EventMarker {
        pair: 0,
        date: date(d),
        score,
        title: title.to_string(),
        source: "fixture".to_string(),
        influence: 1.0,
        eligible: true,
        id: title.to_lowercase(),
    };
    let strip = |state: &str, name: &str, short: &str| Strip {
        state: state.to_string(),
        tenures: vec![Tenure {
            name: name.to_string(),
            short: short.to_string(),
            from: start,
            to: end,
        }],
    };
    let sc = sino_soviet();
    ChartModel {
        subtitle: "two events".to_string(),
        small_print: "seed 7".to_string(),
        bands: single_run().bands,
        eras: vec![EraSpan {
            pair: None,
            label: "The only era".to_string(),
            from: start,
            to: end,
        }],
        series: vec![Series {
            pair: 0,
            label: "baseline".to_string(),
            points,
            role: SeriesRole::Baseline,
            band: Vec::new(),
        }],
        markers: vec![
            event("1952-03-01", 2.0, "Friendly visit"),
            event("1955-01-01", -4.0, "Border incident"),
        ],
        strips: vec![
            strip("Ruritania", "Рудольф Первый", "Рудольф"),
            strip("Borduria", "Kurvi-Tasch", "K-T"),
        ],
        events_file: "events.csv".to_string(),
        ..ChartModel::new("A tiny history", (start, end), sc.scale.bound)
    }
}
