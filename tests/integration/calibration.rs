//! Calibration diagnostics end to end: the overfit flag on a case built to overfit and
//! its absence on one that generalises, parameters on a bound, each start's result, the
//! loss's profile and its interval, and `--folds`.

use std::path::Path;

use crate::common::diplosim;
use crate::research::{calibrated, made_reference_with, ok};

/// Writes `ref.csv`: the rows of `train.csv` up to 1955 and of `test.csv` from 1956.
fn spliced(d: &Path, train: &str, test: &str) {
    let rows = |name: &str, keep: &dyn Fn(i32) -> bool| -> Vec<String> {
        std::fs::read_to_string(d.join(name))
            .unwrap()
            .lines()
            .filter(|l| l.starts_with("19") && keep(l[..4].parse().unwrap()))
            .map(String::from)
            .collect()
    };
    let mut out = String::from("# made by the test: not a measurement\ndate,score\n");
    for r in rows(train, &|y| y <= 1955)
        .into_iter()
        .chain(rows(test, &|y| y >= 1956))
    {
        out.push_str(&r);
        out.push('\n');
    }
    std::fs::write(d.join("ref.csv"), out).unwrap();
}

/// Calibrates the base on `ref.csv`, training on 1950-1955 and testing on 1956-1960, into
/// `out`; the printed text.
fn calibrate(d: &Path, params: &str, out: &str, more: &[&str]) -> String {
    std::fs::write(d.join("params.ron"), params).unwrap();
    let mut args = vec![
        "calibrate",
        "small.ron",
        "--reference",
        "ref.csv",
        "--params",
        "params.ron",
        "--train",
        "1950..1955",
        "--test",
        "1956..1960",
        "--runs",
        "10",
        "--budget",
        "60",
        "--out",
        out,
    ];
    args.extend(more);
    ok(&diplosim(d, &args)).to_string()
}

/// The value of `quantity` in calibration.csv's rows whose other cells contain `cells`.
fn csv_value(d: &Path, out: &str, quantity: &str, cells: &str) -> f64 {
    let csv = std::fs::read_to_string(d.join(out).join("calibration.csv")).unwrap();
    let row = csv
        .lines()
        .find(|l| l.starts_with(&format!("{quantity},")) && l.contains(cells))
        .unwrap_or_else(|| panic!("no {quantity} {cells} in\n{csv}"));
    row.rsplit(',').next().unwrap().parse().unwrap()
}

/// The RMSE figures of the OVERFIT line: (calibrated, scenario as written).
fn overfit_figures(text: &str) -> Option<(f64, f64)> {
    let line = text
        .lines()
        .find(|l| l.contains("OVERFIT: on the test period"))?;
    let tail = &line[line.find("RMSE ").unwrap() + 5..];
    let (a, b) = tail.split_once(" against ").unwrap();
    Some((a.parse().unwrap(), b.parse().unwrap()))
}

#[test]
fn a_calibration_that_overfits_is_flagged_and_one_that_generalises_is_not() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // The measure: the scenario with its base raised to 1.0, and the scenario as written.
    made_reference_with(d, "Structure(base: 1.0)", "raised.csv");
    made_reference_with(d, "Structure(base: 0.0)", "as_written.csv");
    let params = "Params(params: [Base(from: -2.0, to: 2.0)])\n";

    // Built to overfit: the training years were raised, the test years were not, so a
    // base fitted on the training years moves the test years away from the measure.
    spliced(d, "raised.csv", "as_written.csv");
    let text = calibrate(d, params, "overfit", &[]);
    assert!((calibrated(&text, "base") - 1.0).abs() < 0.2, "{text}");
    let (cal, base) = overfit_figures(&text).unwrap_or_else(|| panic!("no flag in\n{text}"));
    assert!(cal > base + 0.5, "{text}");
    assert_eq!(csv_value(d, "overfit", "overfit", ",test,"), 1.0);
    assert!((csv_value(d, "overfit", "rmse", "test,calibrated") - cal).abs() <= 0.005);

    // Generalises: every year was raised, so the fitted base serves the test years too.
    spliced(d, "raised.csv", "raised.csv");
    let text = calibrate(d, params, "general", &[]);
    assert!(overfit_figures(&text).is_none(), "{text}");
    assert!(!text.contains("OVERFIT"), "{text}");
    assert!(
        text.contains(
            "  test period: the calibrated run fits it no worse than the scenario as written (RMSE "
        ),
        "{text}"
    );
    assert_eq!(csv_value(d, "general", "overfit", ",test,"), 0.0);
    // The truth lies inside the bounds: no parameter is flagged, and the interval holds
    // the value the series was made with.
    assert!(!text.contains("BOUND"), "{text}");
    let (lo, hi) = (
        csv_value(d, "general", "interval_low", ",base,"),
        csv_value(d, "general", "interval_high", ",base,"),
    );
    assert!(
        lo < 1.0 && 1.0 < hi && hi - lo < 1.0,
        "{lo} to {hi}\n{text}"
    );
    // Every start is reported with its loss, evaluations (15 each of 60) and stop.
    let starts: Vec<&str> = text
        .lines()
        .filter(|l| l.contains(" evaluations  stopped by "))
        .collect();
    assert_eq!(starts.len(), 4, "{text}");
    for s in &starts {
        assert!(
            s.contains("   15 evaluations  stopped by budget  at base ")
                || s.contains("stopped by collapsed simplex  at base "),
            "{s}"
        );
    }
    assert_eq!(csv_value(d, "general", "start_evaluations", ",1,"), 15.0);
}

#[test]
fn a_parameter_held_at_a_bound_is_flagged() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    made_reference_with(d, "Structure(base: 1.0)", "raised.csv");
    spliced(d, "raised.csv", "raised.csv");
    // The series asks for a base of 1.0; the bounds stop it at 0.5.
    let text = calibrate(
        d,
        "Params(params: [Base(from: -2.0, to: 0.5)])\n",
        "bound",
        &[],
    );
    let row = text
        .lines()
        .filter(|l| l.trim_start().starts_with("base "))
        .nth(1)
        .unwrap_or_else(|| panic!("no diagnostics row in\n{text}"));
    assert!(row.contains("ITS UPPER BOUND"), "{row}\n{text}");
    assert!(
        row.contains("to bound 0.500"),
        "the interval reaches the bound: {row}"
    );
    assert!(
        text.contains("  a parameter on or near a bound may want a value beyond it"),
        "{text}"
    );
    assert_eq!(csv_value(d, "bound", "near_bound", ",base,"), 1.0);
}

#[test]
fn folds_cross_validate_in_time_and_are_refused_where_they_cannot_run() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    made_reference_with(d, "Structure(base: 1.0)", "raised.csv");
    spliced(d, "raised.csv", "raised.csv");
    let params = "Params(params: [Base(from: -2.0, to: 2.0)])\n";
    let text = calibrate(d, params, "folds", &["--folds", "2"]);
    // 72 training months in 3 parts of 24: fold 1 trains on 1950-51, tests on 1952-53.
    assert!(
        text.contains(
            "rolling-origin cross-validation, 2 folds: the training dates cut in 3 parts in time"
        ),
        "{text}"
    );
    assert!(
        text.contains("     1  1950-01-01 to 1951-12-01 (24)    1952-01-01 to 1953-12-01 (24)"),
        "{text}"
    );
    assert!(
        text.contains("     2  1950-01-01 to 1953-12-01 (48)    1954-01-01 to 1955-12-01 (24)"),
        "{text}"
    );
    // Each fold finds the base the series was made with, and beats the scenario on its
    // test dates.
    for fold in ["1", "2"] {
        let base = csv_value(d, "folds", "calibrated", &format!(",base,,{fold},"));
        assert!((base - 1.0).abs() < 0.2, "fold {fold}: {base}");
        assert!(
            csv_value(d, "folds", "rmse", &format!(",{fold},test,calibrated"))
                < csv_value(d, "folds", "rmse", &format!(",{fold},test,scenario"))
        );
    }
    let mean = csv_value(d, "folds", "test_rmse_mean", "test,calibrated");
    assert!(
        text.contains(&format!(
            "test RMSE over the folds: calibrated mean {mean:.2}, spread (sd) "
        )),
        "{text}"
    );
    // Too many folds for the dates, and folds split between machines, are refused.
    std::fs::write(d.join("params.ron"), params).unwrap();
    for (more, expected) in [
        (
            vec!["--folds", "100"],
            "--folds 100: the training dates of ref.csv cannot be cut in 101 parts",
        ),
        (
            vec!["--folds", "2", "--shard", "1/2"],
            "--folds runs on one machine",
        ),
    ] {
        let mut args = vec![
            "calibrate",
            "small.ron",
            "--reference",
            "ref.csv",
            "--params",
            "params.ron",
            "--train",
            "1950..1955",
            "--out",
            "refused",
        ];
        args.extend(more);
        let ran = diplosim(d, &args);
        assert_eq!(ran.code, Some(2), "{}", ran.stderr);
        assert!(ran.stderr.contains(expected), "{}", ran.stderr);
        assert!(!d.join("refused").exists());
    }
}
