//! The strategic triangle of a run: `triangle.csv`, the periods in `chart.txt`, and the
//! triangle checkpoints in the summary, on the fixture whose configurations its header
//! works out by hand.

use std::path::Path;

use crate::common::{Text, diplosim, fixture, fixture_text};

/// Runs the triangle fixture (or an edit of it) into `dir/out` and returns the summary.
fn run(dir: &Path, text: &Text) -> String {
    let path = text.write(dir, "triangle.ron");
    let ran = diplosim(
        dir,
        &["run", path.to_str().unwrap_or_default(), "--out", "out"],
    );
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    ran.stdout
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join("out").join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn fixture_file() -> Text {
    Text(fixture_text("triangle.ron"))
}

#[test]
fn triangle_csv_has_each_month_reading_and_state() {
    let dir = tempfile::tempdir().unwrap();
    run(dir.path(), &fixture_file());
    let csv = read(dir.path(), "triangle.csv");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "date,reading,configuration,pivot_or_outcast,balanced,state,role,payoff"
    );
    // 96 months, 2 readings, 3 states, and the header.
    assert_eq!(lines.len(), 96 * 2 * 3 + 1);
    let rows = |date: &str, reading: &str| -> Vec<&str> {
        lines
            .iter()
            .copied()
            .filter(|l| l.starts_with(&format!("{date},{reading},")))
            .collect()
    };
    // By levels, China is the outcast of a US-Soviet marriage throughout: Nixon's visit
    // leaves China-US at 0.996, inside the dead band, so the pair stays hostile.
    assert_eq!(
        rows("1976-12-01", "levels"),
        [
            "1976-12-01,levels,stable_marriage,china,true,china,outcast,-3",
            "1976-12-01,levels,stable_marriage,china,true,soviet_union,partner,1",
            "1976-12-01,levels,stable_marriage,china,true,us,partner,1",
        ]
    );
    // By trend, nothing until SALT (26 May 1972) gives the last pair a sign on 1 June.
    assert_eq!(
        rows("1972-05-01", "trend"),
        [
            "1972-05-01,trend,none,,,china,,",
            "1972-05-01,trend,none,,,soviet_union,,",
            "1972-05-01,trend,none,,,us,,",
        ]
    );
    assert_eq!(
        rows("1972-06-01", "trend"),
        [
            "1972-06-01,trend,romantic_triangle,us,false,china,wing,-1",
            "1972-06-01,trend,romantic_triangle,us,false,soviet_union,wing,-1",
            "1972-06-01,trend,romantic_triangle,us,false,us,pivot,3",
        ]
    );
    // A year on, the trend of China-US is 0 again, but the sign stays inside the band.
    assert_eq!(
        rows("1976-12-01", "trend")[2],
        "1976-12-01,trend,romantic_triangle,us,false,us,pivot,3"
    );
}

#[test]
fn chart_txt_tells_the_configurations_period_by_period() {
    let dir = tempfile::tempdir().unwrap();
    run(dir.path(), &fixture_file());
    let text = read(dir.path(), "chart.txt");
    for line in [
        "By the levels of the three scores:\n- 1969-01 to 1976-12: stable marriage, Soviet Union and United States partners, China the outcast (balanced).",
        "- 1969-01 to 1972-05: no configuration yet (a pair has no sign).\n- 1972-06 to 1976-12: romantic triangle, United States the pivot, China and Soviet Union the wings (unbalanced).",
        "Checkpoints of the triangle: 1 of 1 met; 1 contested, each reading shown.",
        "  - Kissinger's design, by trend: expected romantic triangle, United States the pivot, China and Soviet Union the wings; the run has it in 48 of 48 months, met.",
    ] {
        assert!(text.contains(line), "no {line:?} in:\n{text}");
    }
}

#[test]
fn the_summary_counts_undisputed_checkpoints_and_shows_both_readings_of_contested_ones() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &fixture_file());
    assert!(
        out.contains("  triangle checkpoints met: 1 of 1\n"),
        "{out}"
    );
    assert!(
        out.contains("    contested \"triangular_diplomacy\" (1973-01-01 to 1976-12-31), each reading:\n      met \"levels of relations\", by levels"),
        "{out}"
    );
    // Expect China as the pivot instead: the contested reading is not met, and the
    // checkpoint still is not counted as missed.
    let text = fixture_file().replace(
        "RomanticTriangle(pivot: \"us\")",
        "RomanticTriangle(pivot: \"china\")",
    );
    let out = run(dir.path(), &text);
    assert!(
        out.contains("  triangle checkpoints met: 1 of 1\n"),
        "{out}"
    );
    assert!(
        out.contains("      not met \"Kissinger's design\", by trend, expected romantic triangle, China the pivot, Soviet Union and United States the wings: 0 of 48 months, most often romantic triangle, United States the pivot"),
        "{out}"
    );
    // An undisputed checkpoint the run misses is named, with what the run has instead.
    let text = fixture_file().replace(
        "expect: StableMarriage(partners: (\"soviet_union\", \"us\")),\n             quote: \"China",
        "expect: UnitVeto,\n             quote: \"China",
    );
    let out = run(dir.path(), &text);
    assert!(
        out.contains("  triangle checkpoints met: 0 of 1\n"),
        "{out}"
    );
    assert!(
        out.contains("    missed \"china_alone\" (1969-06-01 to 1971-12-31): by levels, expected unit veto, China, Soviet Union and United States foes: 0 of 31 months, most often stable marriage"),
        "{out}"
    );
}

#[test]
fn a_wider_dead_band_changes_the_levels_reading() {
    // With a dead band of 2, Soviet-US (1.96 until SALT) has no sign until SALT: no
    // configuration by levels before June 1972.
    let dir = tempfile::tempdir().unwrap();
    let text = fixture_file().replace("dead_band: 1.0,", "dead_band: 2.0,");
    run(dir.path(), &text);
    let csv = read(dir.path(), "triangle.csv");
    assert!(csv.contains("1972-05-01,levels,none,,,china,,\n"), "{csv}");
    assert!(csv.contains("1972-06-01,levels,stable_marriage,china,true,china,outcast,-3\n"));
}

#[test]
fn the_triangle_outputs_are_byte_identical_run_to_run() {
    let dir = tempfile::tempdir().unwrap();
    let path = fixture("triangle.ron");
    let path = path.to_str().unwrap_or_default();
    for out in ["a", "b"] {
        let ran = diplosim(dir.path(), &["run", path, "--out", out, "--seed", "7"]);
        assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    }
    for name in ["triangle.csv", "chart.txt", "chart.png", "chart.svg"] {
        let a = std::fs::read(dir.path().join("a").join(name)).unwrap();
        let b = std::fs::read(dir.path().join("b").join(name)).unwrap();
        assert!(a == b, "{name} differs between two runs");
    }
}

#[test]
fn a_scenario_without_a_triangle_writes_no_triangle_csv() {
    let dir = tempfile::tempdir().unwrap();
    let path = fixture("three_states.ron");
    let ran = diplosim(
        dir.path(),
        &["run", path.to_str().unwrap_or_default(), "--out", "out"],
    );
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    assert!(!dir.path().join("out/triangle.csv").exists());
    // Its title speaks of a triangle; the file names none.
    assert!(
        !ran.stdout.contains("triangle checkpoints"),
        "{}",
        ran.stdout
    );
    let text = std::fs::read_to_string(dir.path().join("out/chart.txt")).unwrap();
    assert!(!text.contains("The strategic triangle of"), "{text}");
    assert!(!text.contains("triangle.csv"), "{text}");
}

#[test]
fn the_ensemble_tells_the_share_of_runs_in_each_configuration_whatever_the_threads() {
    // Nixon's visit happens in four runs of five: by trend, most runs have a romantic
    // triangle from June 1972, and the others none.
    let dir = tempfile::tempdir().unwrap();
    let text = fixture_file().replace(
        "(id: \"nixon_visit\", date: \"1972-02-21\",",
        "(id: \"nixon_visit\", date: \"1972-02-21\", chance: 0.8,",
    );
    let path = text.write(dir.path(), "triangle.ron");
    let path = path.to_str().unwrap_or_default();
    for (out, threads) in [("one", "1"), ("two", "2")] {
        let ran = std::process::Command::new(env!("CARGO_BIN_EXE_diplosim"))
            .args(["ensemble", path, "--runs", "40", "--out", out, "--quiet"])
            .env("RAYON_NUM_THREADS", threads)
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert!(
            ran.status.success(),
            "{}",
            String::from_utf8_lossy(&ran.stderr)
        );
    }
    let text = std::fs::read_to_string(dir.path().join("one/chart.txt")).unwrap();
    assert!(
        text.contains("By the levels of the three scores:\n- 1969-01 to 1976-12: most runs: stable marriage, Soviet Union and United States partners, China the outcast (at least 100% of runs each month)."),
        "{text}"
    );
    // Some runs have the romantic triangle by trend, and never all of them.
    let trend = text.split("By their trend").nth(1).unwrap_or_default();
    assert!(
        trend.contains("- 1969-01 to 1972-05: most runs: no configuration yet (a pair has no sign) (at least 100% of runs each month).\n- 1972-06 to 1976-12: most runs: romantic triangle, United States the pivot"),
        "{trend}"
    );
    assert!(
        !trend.contains("pivot, China and Soviet Union the wings (at least 100%"),
        "{trend}"
    );
    assert!(!text.contains("Checkpoints of the triangle"), "{text}");
    for name in ["chart.txt", "chart.png", "chart.svg"] {
        let a = std::fs::read(dir.path().join("one").join(name)).unwrap();
        let b = std::fs::read(dir.path().join("two").join(name)).unwrap();
        assert!(a == b, "{name} differs between 1 and 2 threads");
    }
}

#[test]
fn compare_sets_the_what_ifs_strips_under_the_baselines() {
    // Without SALT, Soviet-US never changes by a point in a year: by trend the what-if
    // has no configuration at all, where the baseline has a romantic triangle.
    let dir = tempfile::tempdir().unwrap();
    fixture_file().write(dir.path(), "triangle.ron");
    Text(
        "Counterfactual(base: \"triangle.ron\", title: \"No SALT\", question: \"What if SALT I had not been signed?\", changes: [Remove(\"salt\")])"
            .to_string(),
    )
    .write(dir.path(), "no_salt.ron");
    let ran = diplosim(
        dir.path(),
        &["compare", "triangle.ron", "no_salt.ron", "--out", "out"],
    );
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    let text = read(dir.path(), "chart.txt");
    for line in [
        "baseline, trend: by their trend (each score's change over the last 12 months):\n- 1969-01 to 1972-05: no configuration yet (a pair has no sign).\n- 1972-06 to 1976-12: romantic triangle, United States the pivot",
        "what-if, trend: by their trend (each score's change over the last 12 months):\n- 1969-01 to 1976-12: no configuration yet (a pair has no sign).",
        "what-if, levels: by the levels of the three scores:\n- 1969-01 to 1976-12: stable marriage, Soviet Union and United States partners, China the outcast (balanced).",
    ] {
        assert!(text.contains(line), "no {line:?} in:\n{text}");
    }
}

#[test]
fn the_handout_draws_the_strips_and_judges_the_triangle_checkpoints() {
    let dir = tempfile::tempdir().unwrap();
    fixture_file().write(dir.path(), "triangle.ron");
    Text(
        "Counterfactual(base: \"triangle.ron\", title: \"No SALT\", question: \"What if SALT I had not been signed?\", changes: [Remove(\"salt\")])"
            .to_string(),
    )
    .write(dir.path(), "no_salt.ron");
    let ran = diplosim(
        dir.path(),
        &[
            "handout",
            "triangle.ron",
            "no_salt.ron",
            "--runs",
            "4",
            "--out",
            "h.html",
            "--quiet",
        ],
    );
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    let html = std::fs::read_to_string(dir.path().join("h.html")).unwrap();
    assert!(
        html.contains("<h2>Checkpoints of the triangle</h2>"),
        "{html}"
    );
    assert!(html.contains("triangular_diplomacy (contested)"));
    // Without SALT, Kissinger's design is not met by trend in the what-if: no
    // configuration at all.
    assert!(
        html.contains(
            "Kissinger&#39;s design: by trend, romantic triangle, United States the pivot"
        ) || html
            .contains("Kissinger's design: by trend, romantic triangle, United States the pivot"),
        "{html}"
    );
    assert!(html.contains("<td class=\"met\">met</td><td class=\"missed changed\">not met</td>"));
    // The chart, drawn for paper, carries the strips of the history and of the what-if.
    assert!(html.contains("what-if mean, trend"), "{html}");
}
