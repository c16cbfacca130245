//! Fixture builders and helpers shared by the integration tests.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use diplosim::engine::Simulation;
use diplosim::record::Run;
use diplosim::scenario::Scenario;
use diplosim::scenario::file::ScenarioFile;

/// The path of a fixture under tests/fixtures/.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// The text of a fixture.
pub fn fixture_text(name: &str) -> String {
    std::fs::read_to_string(fixture(name)).expect("fixture exists")
}

/// The small fixture, validated.
pub fn small() -> Scenario {
    Scenario::load(&fixture("small.ron")).expect("the small fixture is valid")
}

/// The small fixture as its file types, for edits.
pub fn small_file() -> ScenarioFile {
    ron::Options::default()
        .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
        .from_str(&fixture_text("small.ron"))
        .expect("the small fixture parses")
}

/// Validates edited file types.
pub fn validated(file: ScenarioFile) -> Scenario {
    diplosim::scenario::validate::validate(file, "", Path::new("edited.ron"))
        .expect("the edited fixture is valid")
}

/// A scenario of two states, 1950-1960, whose events are the given RON list items.
pub fn world(events: &str) -> Scenario {
    let text = format!(
        r#"Scenario(
    name: "world",
    title: "A test world",
    span: ("1950-01-01", "1960-12-31"),
    scale: (bound: 9.0, bands: [
        (name: "confrontation", from: -9.0), (name: "tense", from: -6.0), (name: "bad", from: -3.0),
        (name: "ordinary", from: 0.0), (name: "good", from: 3.0), (name: "friendly", from: 6.0),
    ]),
    structure: (base: 0.0, affinity: 0.0),
    axes: [],
    states: [(id: "a", name: "A", ruling: "pa"), (id: "b", name: "B", ruling: "pb")],
    parties: [
        (id: "pa", name: "PA", state: "a"),
        (id: "qa", name: "QA", state: "a"),
        (id: "pb", name: "PB", state: "b"),
    ],
    leaders: [
        (id: "la", name: "Leader A", state: "a", terms: [(from: "1950-01-01", to: "1955-01-01")]),
        (id: "lb", name: "Leader B", state: "b", terms: [(from: "1950-01-01")]),
    ],
    events: [{events}],
)"#
    );
    Scenario::from_str(&text, Path::new("world.ron")).unwrap_or_else(|e| panic!("{e}"))
}

/// Runs a scenario once.
pub fn run(scenario: &Scenario, seed: u64) -> Run {
    Simulation::new(scenario)
        .run(seed)
        .expect("the run completes")
}

/// Ids of the events that fired, in order.
pub fn fired_ids(scenario: &Scenario, run: &Run) -> Vec<String> {
    run.fired
        .iter()
        .map(|f| scenario.events[f.event].id.clone())
        .collect()
}

/// The day count of a date string.
pub fn day(date: &str) -> i32 {
    date.parse::<diplosim::date::Date>()
        .expect("a valid date")
        .day()
}

/// The score sampled on a date.
pub fn score_on(run: &Run, date: &str) -> f64 {
    run.at(day(date)).expect("a sample on that day").score
}
