//! Progress for batch jobs: without a terminal (the tests have none), long work writes a
//! line on stderr every 10% (or 10 s) with the count and the time left; `--quiet`
//! silences it and is not recorded in the manifest.

use crate::common::{diplosim, fixture};

/// The progress lines of a run's stderr as (done, total, percent), checking each line's
/// form: `diplosim: 20 of 40 done (50%), 0 s elapsed, about 0 s left`.
fn progress(stderr: &str) -> Vec<(u64, u64, u64)> {
    stderr
        .lines()
        .map(|l| {
            let rest = l
                .strip_prefix("diplosim: ")
                .unwrap_or_else(|| panic!("not a progress line: {l:?}"));
            let (done, rest) = rest.split_once(" of ").unwrap();
            let (total, rest) = rest.split_once(" done (").unwrap();
            let (percent, rest) = rest.split_once("%), ").unwrap();
            assert!(
                rest.contains(" elapsed, about ") && rest.ends_with(" left"),
                "{l}"
            );
            (
                done.parse().unwrap(),
                total.parse().unwrap(),
                percent.parse().unwrap(),
            )
        })
        .collect()
}

#[test]
fn a_batch_job_gets_a_line_every_tenth_of_the_work() {
    let dir = tempfile::tempdir().unwrap();
    let small = fixture("small.ron");
    let ran = diplosim(
        dir.path(),
        &[
            "ensemble",
            small.to_str().unwrap(),
            "--runs",
            "40",
            "--out",
            "e",
        ],
    );
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    let lines = progress(&ran.stderr);
    // Every tenth is reported once it is passed (a line after 10 s may come between).
    for tenth in 1..=10 {
        assert!(
            lines.iter().any(|&(_, _, p)| p == tenth * 10),
            "no {}% in\n{}",
            tenth * 10,
            ran.stderr
        );
    }
    assert!(
        lines
            .iter()
            .all(|&(done, total, _)| total == 40 && done <= 40)
    );
    assert_eq!(lines.last(), Some(&(40, 40, 100)), "{}", ran.stderr);
    // compare counts the baseline's runs and each variant's.
    let cf = fixture("counterfactuals/no_incident.ron");
    let ran = diplosim(
        dir.path(),
        &[
            "compare",
            small.to_str().unwrap(),
            cf.to_str().unwrap(),
            "--runs",
            "20",
            "--out",
            "c",
        ],
    );
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    assert_eq!(progress(&ran.stderr).last(), Some(&(40, 40, 100)));
}

#[test]
fn calibrate_counts_its_evaluations_with_the_profile() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let small = fixture("small.ron");
    std::fs::write(d.join("ref.csv"), "date,score\n1951,1\n1952,2\n1953,1.5\n").unwrap();
    std::fs::write(
        d.join("params.ron"),
        "Params(params: [Base(from: -2.0, to: 2.0)])\n",
    )
    .unwrap();
    let ran = diplosim(
        d,
        &[
            "calibrate",
            small.to_str().unwrap(),
            "--params",
            "params.ron",
            "--reference",
            "ref.csv",
            "--runs",
            "2",
            "--budget",
            "20",
            "--out",
            "cal",
        ],
    );
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    // At most 20 evaluations of the search, then 21 of the loss's profile.
    let lines = progress(&ran.stderr);
    assert!(lines.len() >= 5, "{}", ran.stderr);
    assert!(
        lines.iter().all(|&(_, total, _)| total == 41),
        "{}",
        ran.stderr
    );
}

#[test]
fn quiet_silences_the_lines_and_is_not_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let small = fixture("small.ron");
    let ran = diplosim(
        dir.path(),
        &[
            "ensemble",
            small.to_str().unwrap(),
            "--runs",
            "40",
            "--quiet",
            "--out",
            "quiet",
        ],
    );
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    assert_eq!(ran.stderr, "");
    assert!(ran.stdout.contains("wrote "), "{}", ran.stdout);
    let manifest = std::fs::read_to_string(dir.path().join("quiet/manifest.json")).unwrap();
    assert!(!manifest.contains("--quiet"), "{manifest}");
    assert!(manifest.contains("\"--runs\""), "{manifest}");
    // A global flag: before the command too; and errors still go to stderr.
    let ran = diplosim(
        dir.path(),
        &[
            "--quiet",
            "ensemble",
            small.to_str().unwrap(),
            "--runs",
            "0",
        ],
    );
    assert_eq!(ran.code, Some(2));
    assert!(ran.stderr.starts_with("error: "), "{}", ran.stderr);
}
