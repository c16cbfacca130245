//! The experiment commands end to end, through the binary: files written, text printed,
//! exit codes, and nothing left behind by a broken input.

use crate::common::fixture;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn diplosim(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_diplosim"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}\nstdout: {}\nstderr: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn column(csv: &str, name: &str) -> Vec<String> {
    let mut lines = csv.lines();
    let head: Vec<&str> = lines.next().unwrap().split(',').collect();
    let k = head.iter().position(|h| *h == name).unwrap();
    lines
        .map(|l| l.split(',').nth(k).unwrap().to_string())
        .collect()
}

#[test]
fn check_accepts_scenarios_and_counterfactuals_together() {
    let tmp = tempfile::tempdir().unwrap();
    let out = ok(&diplosim(
        &[
            "check",
            fixture("small.ron").to_str().unwrap(),
            fixture("counterfactuals/no_incident.ron").to_str().unwrap(),
        ],
        tmp.path(),
    ));
    assert!(out.contains("small.ron: ok"), "{out}");
    assert!(
        out.contains("no_incident.ron: ok: counterfactual \"No border incident\""),
        "{out}"
    );
    assert!(out.contains("equals its base before 1956-12-02"), "{out}");
}

#[test]
fn an_ensemble_of_one_equals_run() {
    let tmp = tempfile::tempdir().unwrap();
    let small = fixture("small.ron");
    let small = small.to_str().unwrap();
    ok(&diplosim(
        &["run", small, "--seed", "7", "--out", "r"],
        tmp.path(),
    ));
    let out = ok(&diplosim(
        &[
            "ensemble", small, "--runs", "1", "--seed", "7", "--out", "e",
        ],
        tmp.path(),
    ));
    assert!(out.contains("1 run from seed 7"), "{out}");
    let run = read(&tmp.path().join("r/trajectory.csv"));
    let ens = read(&tmp.path().join("e/ensemble.csv"));
    let score = column(&run, "score");
    assert_eq!(score.len(), 132);
    for c in ["mean", "p5", "p25", "p50", "p75", "p95"] {
        assert_eq!(column(&ens, c), score, "{c}");
    }
    assert_eq!(column(&ens, "date"), column(&run, "date"));
    let manifest = read(&tmp.path().join("e/manifest.json"));
    assert!(manifest.contains("\"command\": \"ensemble\""), "{manifest}");
    assert!(manifest.contains("\"seed\": 7"), "{manifest}");
    assert!(manifest.contains("\"runs\": 1"), "{manifest}");
}

#[test]
fn ensemble_writes_the_same_bytes_twice_and_defaults_its_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let small = fixture("small.ron");
    let args = [
        "ensemble",
        small.to_str().unwrap(),
        "--runs",
        "25",
        "--quiet",
    ];
    let out = diplosim(&args, tmp.path());
    ok(&out);
    assert!(out.stderr.is_empty(), "no progress with --quiet");
    let dir = tmp.path().join("output/small/ensemble");
    let first = read(&dir.join("ensemble.csv"));
    ok(&diplosim(&args, tmp.path()));
    assert_eq!(first, read(&dir.join("ensemble.csv")));
    assert!(first.starts_with("date,pair,mean,p5,p25,p50,p75,p95\n1950-01-01,north/south,"));
    let svg = read(&dir.join("chart.svg"));
    assert!(svg.contains("25 runs"), "the legend names the bands");
}

#[test]
fn compare_writes_the_curves_and_a_divergence_summary() {
    let tmp = tempfile::tempdir().unwrap();
    let out = ok(&diplosim(
        &[
            "compare",
            fixture("small.ron").to_str().unwrap(),
            fixture("counterfactuals/no_incident.ron").to_str().unwrap(),
            fixture("counterfactuals/late_treaty.ron").to_str().unwrap(),
            "--runs",
            "10",
            "--out",
            "c",
        ],
        tmp.path(),
    ));
    let dir = tmp.path().join("c");
    assert!(out.contains("no_incident (No border incident)"), "{out}");
    assert!(
        out.contains("parts from the baseline   1951-03-01"),
        "{out}"
    );
    assert!(
        out.contains("What if the 1957 border incident had not happened?"),
        "{out}"
    );
    assert_eq!(
        read(&dir.join("divergence.txt")),
        out[..out.find("\nwrote").unwrap()]
    );
    let csv = read(&dir.join("compare.csv"));
    assert!(csv.starts_with(
        "date,pair,baseline,no_incident,no_incident_diff,no_incident_diff_p5,no_incident_diff_p95,late_treaty,late_treaty_diff,"
    ));
    let diffs = column(&csv, "late_treaty_diff");
    assert_eq!(diffs[0], "0.0000");
    assert_ne!(diffs[20], "0.0000");
    let divergence = read(&dir.join("divergence.csv"));
    assert!(
        divergence.contains("\nlate_treaty,north/south,1951-03-01,"),
        "{divergence}"
    );
    let decades = read(&dir.join("decades.csv"));
    assert!(
        decades.starts_with("decade,pair,baseline,no_incident,late_treaty\n1950s,north/south,"),
        "{decades}"
    );
    let manifest = read(&dir.join("manifest.json"));
    assert!(manifest.contains("no_incident.ron"), "{manifest}");
    for chart in ["chart.png", "chart.svg"] {
        assert!(manifest.contains(chart), "{manifest}");
    }
    let png = std::fs::read(dir.join("chart.png")).unwrap();
    assert!(png.starts_with(b"\x89PNG"));
    assert!(
        read(&dir.join("chart.svg")).contains("What if the 1957 border incident had not happened?")
    );
    assert!(manifest.contains("\"runs\": 10"), "{manifest}");
}

#[test]
fn explain_prints_parts_that_sum_to_the_score() {
    let tmp = tempfile::tempdir().unwrap();
    let small = fixture("small.ron");
    let small = small.to_str().unwrap();
    let out = ok(&diplosim(
        &["explain", small, "--at", "1953-01-01"],
        tmp.path(),
    ));
    assert!(
        out.contains("Red Party (red) and Blue Party (blue)"),
        "{out}"
    );
    assert!(out.contains("treaty: Treaty"), "{out}");
    assert!(out.contains("leader ann-cid"), "{out}");
    let csv = ok(&diplosim(
        &["explain", small, "--at", "1953-01-01", "--csv"],
        tmp.path(),
    ));
    let value = column(&csv, "value");
    let part = column(&csv, "part");
    let parsed: Vec<f64> = value.iter().map(|v| v.parse().unwrap()).collect();
    let n = parsed.len();
    assert_eq!(part[n - 2], "raw");
    let sum: f64 = parsed[..n - 2].iter().sum();
    assert!((sum - parsed[n - 2]).abs() < 0.0005, "{csv}");
    // The score is the trajectory's on that date.
    ok(&diplosim(&["run", small, "--out", "r"], tmp.path()));
    let traj = read(&tmp.path().join("r/trajectory.csv"));
    let row = traj.lines().find(|l| l.starts_with("1953-01-01")).unwrap();
    // date, pair, score, ...
    assert_eq!(row.split(',').nth(2).unwrap(), value[n - 1]);
    // Outside the span.
    let bad = diplosim(&["explain", small, "--at", "1970-01-01"], tmp.path());
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("outside the scenario's span"));
}

#[test]
fn rank_prints_and_writes_the_table() {
    let tmp = tempfile::tempdir().unwrap();
    let out = ok(&diplosim(
        &[
            "rank",
            fixture("dominant.ron").to_str().unwrap(),
            "--runs",
            "3",
        ],
        tmp.path(),
    ));
    let first = out.lines().nth(2).unwrap();
    assert!(
        first.contains(" war ") && first.trim_start().starts_with('1'),
        "{out}"
    );
    let csv = read(&tmp.path().join("output/dominant/rank/rank.csv"));
    assert!(csv.starts_with("rank,id,pair,date,title,mean_abs_change,mean_effect,largest_change,fired\n1,war,east/west,1962-03-01,A war,"), "{csv}");
    assert_eq!(csv.lines().count(), 5);
    let svg = read(&tmp.path().join("output/dominant/rank/chart.svg"));
    assert!(svg.contains("1962 A war"), "the bar chart names the war");
}

#[test]
fn a_broken_counterfactual_is_located_exits_2_and_leaves_no_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let typo = fixture("counterfactuals/typo.ron");
    let out = diplosim(
        &[
            "compare",
            fixture("small.ron").to_str().unwrap(),
            fixture("counterfactuals/no_incident.ron").to_str().unwrap(),
            typo.to_str().unwrap(),
            "--out",
            "never",
        ],
        tmp.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("typo.ron:8:16"), "{err}");
    assert!(err.contains("did you mean \"incident\"?"), "{err}");
    assert!(!tmp.path().join("never").exists());
    assert!(!tmp.path().join("output").exists());
    let check = diplosim(&["check", typo.to_str().unwrap()], tmp.path());
    assert_eq!(check.status.code(), Some(2));
    // A change that breaks the base, and zero runs, fail the same way.
    let out = diplosim(
        &[
            "ensemble",
            fixture("counterfactuals/breaks_base.ron").to_str().unwrap(),
            "--runs",
            "3",
        ],
        tmp.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("breaks_base.ron:6:27"));
    let out = diplosim(
        &[
            "ensemble",
            fixture("small.ron").to_str().unwrap(),
            "--runs",
            "0",
        ],
        tmp.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains(
        "invalid value '0' for '--runs <RUNS>': a number of runs is a whole number from 1"
    ));
    assert!(!tmp.path().join("output").exists());
}

#[test]
fn experiments_run_a_counterfactual_in_place_of_a_scenario() {
    let tmp = tempfile::tempdir().unwrap();
    let cf = fixture("counterfactuals/no_incident.ron");
    ok(&diplosim(
        &["ensemble", cf.to_str().unwrap(), "--runs", "2"],
        tmp.path(),
    ));
    ok(&diplosim(
        &["run", cf.to_str().unwrap(), "--seed", "3"],
        tmp.path(),
    ));
    let events = read(&tmp.path().join("output/small/no_incident/events.csv"));
    assert!(
        events.contains(",treaty,") && !events.contains(",incident,"),
        "{events}"
    );
    let manifest = read(
        &tmp.path()
            .join("output/small/no_incident/ensemble/manifest.json"),
    );
    assert!(
        manifest.contains("no_incident.ron") && manifest.contains("small.ron"),
        "{manifest}"
    );
}

#[test]
fn the_shipped_counterfactuals_check_and_compare() {
    let tmp = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut cfs: Vec<String> = std::fs::read_dir(root.join("counterfactuals"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "ron"))
        .map(|p| p.to_str().unwrap().to_string())
        .collect();
    cfs.sort();
    assert!(cfs.len() >= 5, "{cfs:?}");
    let mut args = vec!["check".to_string()];
    args.extend(cfs.iter().cloned());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = ok(&diplosim(&args, tmp.path()));
    assert_eq!(
        out.matches(": ok: counterfactual").count(),
        cfs.len(),
        "{out}"
    );
    // Each against its own base, all of a base's in one comparison.
    let mut bases: Vec<(PathBuf, Vec<String>)> = Vec::new();
    for cf in &cfs {
        let base = diplosim::scenario::counterfactual::Source::read(Path::new(cf))
            .unwrap()
            .base_path()
            .canonicalize()
            .unwrap();
        match bases.iter_mut().find(|(b, _)| *b == base) {
            Some((_, group)) => group.push(cf.clone()),
            None => bases.push((base, vec![cf.clone()])),
        }
    }
    assert!(bases.len() >= 2, "{bases:?}");
    for (k, (base, group)) in bases.iter().enumerate() {
        let out_dir = format!("c{k}");
        let mut args = vec!["compare", base.to_str().unwrap()];
        args.extend(group.iter().map(String::as_str));
        args.extend(["--out", &out_dir]);
        let out = ok(&diplosim(&args, tmp.path()));
        // Every shipped counterfactual changes the history it asks about: on one pair
        // at least (each pair of a several-pair scenario has its own line).
        let parts = out.matches("parts from the baseline").count()
            - out.matches("never parts from the baseline").count();
        assert!(parts >= group.len(), "{}: {out}", base.display());
    }
}

/// `--from` and `--to` zoom the chart only: the CSV files are the same bytes as without
/// them, the chart's small print says what it shows, and a zoom outside the span or
/// reversed is refused before any work, exit 2, with nothing written.
#[test]
fn compare_zooms_the_chart_and_keeps_the_files_whole() {
    let tmp = tempfile::tempdir().unwrap();
    let base = fixture("small.ron");
    let cf = fixture("counterfactuals/no_incident.ron");
    let args = |out: &'static str, zoom: &[&'static str]| -> Vec<String> {
        let mut a: Vec<String> = ["compare", base.to_str().unwrap(), cf.to_str().unwrap()]
            .iter()
            .map(|s| s.to_string())
            .collect();
        a.extend(["--out".to_string(), out.to_string()]);
        a.extend(zoom.iter().map(|s| s.to_string()));
        a
    };
    let run = |a: Vec<String>| {
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        diplosim(&a, tmp.path())
    };
    ok(&run(args("whole", &[])));
    ok(&run(args(
        "zoomed",
        &["--from", "1955", "--to", "1958-06-30"],
    )));
    for file in ["compare.csv", "divergence.csv", "decades.csv"] {
        assert_eq!(
            std::fs::read(tmp.path().join("whole").join(file)).unwrap(),
            std::fs::read(tmp.path().join("zoomed").join(file)).unwrap(),
            "{file}"
        );
    }
    let text = std::fs::read_to_string(tmp.path().join("zoomed/chart.txt")).unwrap();
    assert!(text.contains("shown 1955-01-01 to 1958-06-30"), "{text}");
    for (zoom, message) in [
        (
            ["--from", "1800"],
            "--from 1800 is outside the scenario's span",
        ),
        (["--to", "1956-13-01"], "is neither a year"),
    ] {
        let out = run(args("bad", &zoom));
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(message), "{err}");
    }
    let out = run(args("bad", &["--from", "1958", "--to", "1955"]));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not before --to"));
    assert!(!tmp.path().join("bad").exists());
}

/// A what-if that changes many events gets one dashed line per change but one label that
/// counts them: a label per change walled the plot in (Malenkov's changes twelve).
#[test]
fn many_changed_events_share_one_label_on_the_chart() {
    let tmp = tempfile::tempdir().unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    ok(&diplosim(
        &[
            "compare",
            root.join("scenarios/sino_soviet_1917_1991.ron")
                .to_str()
                .unwrap(),
            root.join("scenarios/counterfactuals/malenkov_instead_of_khrushchev.ron")
                .to_str()
                .unwrap(),
            "--runs",
            "5",
            "--out",
            "c",
        ],
        tmp.path(),
    ));
    let svg = read(&tmp.path().join("c/chart.svg"));
    let text = read(&tmp.path().join("c/chart.txt"));
    let listed = text
        .lines()
        .skip_while(|l| !l.starts_with("What this what-if changes:"))
        .filter(|l| l.starts_with("- "))
        .count();
    assert!(listed > 3, "{text}");
    assert!(
        svg.contains(&format!("{listed} events changed, 1955 to 1964")),
        "one label counts the changes"
    );
    assert!(!svg.contains(">removed: "), "no label per change");
    assert!(
        svg.matches("stroke=\"#882255\"").count() >= 8,
        "a line per change"
    );
}

/// The value at the end of a row of `explain`'s table (`... +1.2345`), or its `today`
/// column for a modifier's row.
fn today(row: &str) -> f64 {
    row.split_whitespace()
        .find(|w| w.len() > 3 && (w.starts_with('+') || w.starts_with('-')))
        .and_then(|w| w.parse().ok())
        .unwrap_or_else(|| panic!("no value in `{row}`"))
}

#[test]
fn explain_for_a_class_shows_the_five_that_count_most_and_sums_the_rest() {
    let tmp = tempfile::tempdir().unwrap();
    let sino = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/sino_soviet_1917_1991.ron");
    let sino = sino.to_str().unwrap();
    // A month is read as its first day, where the monthly score is read.
    let class = ok(&diplosim(&["explain", sino, "--at", "1962-06"], tmp.path()));
    assert_eq!(
        class,
        ok(&diplosim(
            &["explain", sino, "--at", "1962-06-01"],
            tmp.path()
        ))
    );
    let lines: Vec<&str> = class.lines().collect();
    let head = lines
        .iter()
        .position(|l| l.trim_start().starts_with("the 5 that count most"))
        .unwrap_or_else(|| panic!("{class}"));
    let rows = &lines[head + 1..head + 6];
    let sizes: Vec<f64> = rows.iter().map(|r| today(r).abs()).collect();
    assert!(
        sizes.windows(2).all(|w| w[0] >= w[1]),
        "largest first: {rows:?}"
    );
    let rest = lines[head + 6];
    let (n, rest_value) = {
        let words: Vec<&str> = rest.split_whitespace().collect();
        assert_eq!(words[..2], ["the", words[1]], "{rest}");
        (words[1].parse::<usize>().unwrap(), today(rest))
    };
    // The full table: every modifier that counts, in date order; the class's five are the
    // largest of them and the rest row sums the others.
    let full = ok(&diplosim(
        &["explain", sino, "--at", "1962-06", "--full"],
        tmp.path(),
    ));
    let csv = ok(&diplosim(
        &["explain", sino, "--at", "1962-06", "--csv"],
        tmp.path(),
    ));
    // Labels hold commas: read the CSV as CSV.
    let mut modifiers: Vec<f64> = csv::Reader::from_reader(csv.as_bytes())
        .records()
        .map(|r| r.unwrap())
        .filter(|r| &r[1] == "modifier")
        .map(|r| r[7].parse().unwrap())
        .collect();
    assert_eq!(modifiers.len(), 5 + n, "{csv}");
    assert!(
        full.contains("modifiers that count (event: label)") && !full.contains("count most"),
        "{full}"
    );
    modifiers.sort_by(|a, b| b.abs().total_cmp(&a.abs()));
    for (row, v) in rows.iter().zip(&modifiers) {
        assert!((today(row) - v).abs() < 0.00006, "{row} against {v}");
    }
    let others: f64 = modifiers[5..].iter().sum();
    assert!((rest_value - others).abs() < 0.0005, "{rest}: {others}");
    // A month that is not one is refused, named as typed.
    let bad = diplosim(&["explain", sino, "--at", "1962-13"], tmp.path());
    assert_eq!(bad.status.code(), Some(2));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(
        err.contains("`1962-13` has no month 13") && err.contains("or a month (1962-06)"),
        "{err}"
    );
}

#[test]
fn events_help_says_the_ten_the_charts_number() {
    let tmp = tempfile::tempdir().unwrap();
    for command in ["run", "ensemble", "compare"] {
        let help = ok(&diplosim(&[command, "--help"], tmp.path()));
        let line = help
            .lines()
            .find(|l| l.trim_start().starts_with("--events"))
            .unwrap_or_else(|| panic!("{help}"));
        assert!(line.ends_with("[default: 10]"), "{command}: {line}");
    }
}
