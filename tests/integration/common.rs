//! Shared helpers: fixture paths, a builder of broken scenario text, and a runner for the
//! `diplosim` binary; builders of small worlds and runs for the engine tests.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use diplosim::engine::Simulation;
use diplosim::record::Run;
use diplosim::scenario::Scenario;
use diplosim::scenario::file::ScenarioFile;

/// A path from the repository's root (`scenarios/...`, `docs/...`).
pub fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// A file under `tests/fixtures/`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Scenario text built from a fixture by string edits. Every edit must match exactly once,
/// so a change to the fixture breaks the test loudly instead of silently testing nothing.
#[derive(Clone, Debug)]
pub struct Text(pub String);

impl Text {
    /// The small fixture, `tests/fixtures/small.ron`.
    pub fn small() -> Text {
        Text(std::fs::read_to_string(fixture("small.ron")).expect("the small fixture"))
    }

    /// Replaces the one occurrence of `old` with `new`.
    pub fn replace(self, old: &str, new: &str) -> Text {
        let n = self.0.matches(old).count();
        assert_eq!(n, 1, "{old:?} occurs {n} times in the fixture, not once");
        Text(self.0.replacen(old, new, 1))
    }

    /// The text up to (not including) the one occurrence of `marker`.
    pub fn cut_before(self, marker: &str) -> Text {
        let n = self.0.matches(marker).count();
        assert_eq!(n, 1, "{marker:?} occurs {n} times in the fixture, not once");
        let at = self.0.find(marker).unwrap_or_default();
        Text(self.0[..at].to_string())
    }

    /// The 1-based line and character column of the one occurrence of `needle`.
    pub fn pos(&self, needle: &str) -> (usize, usize) {
        let n = self.0.matches(needle).count();
        assert_eq!(n, 1, "{needle:?} occurs {n} times in the text, not once");
        let at = self.0.find(needle).unwrap_or_default();
        let before = &self.0[..at];
        let line = before.matches('\n').count() + 1;
        let start = before.rfind('\n').map_or(0, |i| i + 1);
        (line, before[start..].chars().count() + 1)
    }

    /// Writes the text to `dir/name` and returns the path.
    pub fn write(&self, dir: &Path, name: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, &self.0).expect("write a test file");
        path
    }
}

/// What a run of the binary printed and how it ended.
pub struct Ran {
    /// Exit code (None if killed by a signal).
    pub code: Option<i32>,
    /// Standard output, as text.
    pub stdout: String,
    /// Standard error, as text.
    pub stderr: String,
}

/// Runs `diplosim` with `args` in the folder `cwd`.
pub fn diplosim(cwd: &Path, args: &[&str]) -> Ran {
    let out: Output = Command::new(env!("CARGO_BIN_EXE_diplosim"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("start diplosim");
    Ran {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Asserts a refusal: status `code`, nothing on stdout, `expected` on stderr, no panic.
pub fn refused(ran: &Ran, code: i32, expected: &str) {
    assert_eq!(ran.code, Some(code), "stderr: {}", ran.stderr);
    assert_eq!(ran.stdout, "", "stdout must stay empty");
    assert!(
        ran.stderr.contains(expected),
        "expected {expected:?} in:\n{}",
        ran.stderr
    );
    assert!(!ran.stderr.contains("panicked"), "{}", ran.stderr);
}

/// The names in a folder, sorted.
pub fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("read a test folder")
        .map(|e| {
            e.expect("a folder entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
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
    Scenario::from_str(&world_text(events), Path::new("world.ron"))
        .unwrap_or_else(|e| panic!("{e}"))
}

/// The text of [`world`], for edits beyond its events.
pub fn world_text(events: &str) -> String {
    format!(
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
    )
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
    run.at(day(date), 0).expect("a sample on that day").score
}
