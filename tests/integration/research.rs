//! Research commands end to end: a measured reference series beside runs (`--reference`,
//! `fit`), its bad inputs, and the scenario's default reference; a series of several
//! pairs, fitted per pair and overall; every run's scores (`--per-run`).

use std::path::Path;

use crate::common::{Text, diplosim, fixture, listing};

pub fn ok(ran: &crate::common::Ran) -> &str {
    assert_eq!(ran.code, Some(0), "stderr: {}", ran.stderr);
    &ran.stdout
}

/// The small fixture's run of seed 1, month by month, as a reference file (full
/// precision), every `step` months.
fn own_trajectory(dir: &Path, step: usize) -> String {
    let ran = diplosim(
        dir,
        &[
            "run",
            fixture("small.ron").to_str().unwrap(),
            "--out",
            "own",
        ],
    );
    ok(&ran);
    let csv = std::fs::read_to_string(dir.join("own/trajectory.csv")).unwrap();
    let mut out = String::from("date,score,label\n");
    for line in csv.lines().skip(1).step_by(step) {
        // date, pair (the only one), score, ...
        let mut f = line.split(',');
        let (date, score) = (f.next().unwrap(), f.nth(1).unwrap());
        out.push_str(&format!("{},{score},\"month, as run\"\n", &date[..7]));
    }
    out
}

#[test]
fn run_with_its_own_trajectory_as_reference_fits_exactly() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("own.csv"), own_trajectory(dir.path(), 1)).unwrap();
    let ran = diplosim(
        dir.path(),
        &[
            "run",
            fixture("small.ron").to_str().unwrap(),
            "--reference",
            "own.csv",
            "--out",
            "out",
        ],
    );
    let text = ok(&ran);
    // trajectory.csv has four decimals, so the fit is exact to that rounding.
    assert!(
        text.contains("  run      132    1.00    0.00   +0.00       100%  +0 months (r 1.00)\n"),
        "{text}"
    );
    assert_eq!(
        listing(&dir.path().join("out")),
        [
            "chart.png",
            "chart.svg",
            "chart.txt",
            "events.csv",
            "fit.csv",
            "fit.txt",
            "manifest.json",
            "trajectory.csv"
        ]
    );
    let fit = std::fs::read_to_string(dir.path().join("out/fit.csv")).unwrap();
    assert!(
        fit.starts_with("date,pair,reference,run,label\n1950-01,north/south,"),
        "{fit}"
    );
    assert!(fit.contains(",\"month, as run\"\n"), "{fit}");
    let manifest = std::fs::read_to_string(dir.path().join("out/manifest.json")).unwrap();
    assert!(manifest.contains("own.csv"), "{manifest}");
    let svg = std::fs::read_to_string(dir.path().join("out/chart.svg")).unwrap();
    assert!(
        svg.contains("measured: own.csv"),
        "the legend names the series"
    );
    assert!(
        svg.contains("run vs measured: r 1.00, RMSE 0.00"),
        "the footer gives the fit"
    );
}

#[test]
fn ensemble_and_compare_fit_their_means() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("own.csv"), own_trajectory(dir.path(), 12)).unwrap();
    let small = fixture("small.ron");
    let ran = diplosim(
        dir.path(),
        &[
            "ensemble",
            small.to_str().unwrap(),
            "--runs",
            "20",
            "--reference",
            "own.csv",
            "--out",
            "e",
        ],
    );
    assert!(ok(&ran).contains("  mean      11 "), "{}", ran.stdout);
    assert!(dir.path().join("e/fit.csv").exists());
    let cf = fixture("counterfactuals/no_incident.ron");
    let ran = diplosim(
        dir.path(),
        &[
            "compare",
            small.to_str().unwrap(),
            cf.to_str().unwrap(),
            "--runs",
            "20",
            "--reference",
            "own.csv",
            "--out",
            "c",
        ],
    );
    let text = ok(&ran);
    assert!(text.contains("  baseline"), "{text}");
    assert!(text.contains("  no_incident"), "{text}");
    let fit = std::fs::read_to_string(dir.path().join("c/fit.csv")).unwrap();
    assert!(
        fit.starts_with("date,pair,reference,baseline,no_incident,label\n"),
        "{fit}"
    );
    // `fit` prints the same summary as compare, from the same runs.
    let ran = diplosim(
        dir.path(),
        &[
            "fit",
            small.to_str().unwrap(),
            cf.to_str().unwrap(),
            "--runs",
            "20",
            "--reference",
            "own.csv",
        ],
    );
    let printed = ok(&ran);
    let table = |t: &str| {
        t.lines()
            .filter(|l| l.starts_with("  baseline ") || l.starts_with("  no_incident "))
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    assert_eq!(table(printed), table(text));
    assert_eq!(table(printed).len(), 2);
}

#[test]
fn a_scenario_may_name_its_default_reference() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("own.csv"), own_trajectory(dir.path(), 6)).unwrap();
    Text::small()
        .replace(
            "    structure:",
            "    reference: \"own.csv\",\n    structure:",
        )
        .write(dir.path(), "with_ref.ron");
    let ran = diplosim(dir.path(), &["check", "with_ref.ron"]);
    ok(&ran);
    let ran = diplosim(dir.path(), &["run", "with_ref.ron", "--out", "r"]);
    assert!(ok(&ran).contains("fit to "), "{}", ran.stdout);
    assert!(dir.path().join("r/fit.csv").exists());
    let ran = diplosim(dir.path(), &["fit", "with_ref.ron"]);
    assert!(ok(&ran).contains("  baseline     22 "), "{}", ran.stdout);
}

#[test]
fn fit_without_a_reference_says_how_to_give_one() {
    let dir = tempfile::tempdir().unwrap();
    let ran = diplosim(dir.path(), &["fit", fixture("small.ron").to_str().unwrap()]);
    assert_eq!(ran.code, Some(2));
    assert!(
        ran.stderr
            .contains("fit needs a measured series: give --reference FILE.csv"),
        "{}",
        ran.stderr
    );
}

#[test]
fn a_broken_reference_is_located_and_nothing_is_written() {
    let cases: &[(&str, &str)] = &[
        (
            "date,score\n1955,1\n1956-13,2\n",
            "bad.csv:3:1: `1956-13` has no month 13",
        ),
        ("date,score\n1955,x1\n", "bad.csv:2:6: `x1` is not a number"),
        (
            "date,score\n1955,inf\n",
            "bad.csv:2:6: `inf` is not a number",
        ),
        (
            "date,score\n1955,9.5\n",
            "bad.csv:2:6: the score 9.5 lies off the scenario's scale, -9 to 9",
        ),
        (
            "# source\ndate,score\n1949-06,1\n",
            "bad.csv:3:1: 1949-06 lies outside the scenario's span, 1950-01-01 to 1960-12-31",
        ),
        (
            "date,score\n1955,1\n1955,2\n",
            "bad.csv:3:1: 1955 is given twice: line 2 has 1955",
        ),
        (
            "date,score\n1955,1\n1955-04-02,2\n",
            "bad.csv:3:1: 1955-04-02 overlaps: line 2 has 1955",
        ),
        (
            "date,score\n",
            "bad.csv:1:1: the file has no rows, so nothing overlaps the run",
        ),
        ("", "bad.csv:1:1: the file is empty"),
        (
            "year,value\n1955,1\n",
            "bad.csv:1:1: the first line is not the header `date,score`",
        ),
        (
            "date,score\n1955,1,a,b\n",
            "bad.csv:2:10: a row has 2 or 3 fields",
        ),
    ];
    let small = fixture("small.ron");
    for (text, expected) in cases {
        for command in ["run", "ensemble", "compare", "fit"] {
            let dir = tempfile::tempdir().unwrap();
            std::fs::write(dir.path().join("bad.csv"), text).unwrap();
            let cf = fixture("counterfactuals/no_incident.ron");
            let mut args = vec![command, small.to_str().unwrap()];
            match command {
                "ensemble" => args.extend(["--runs", "2"]),
                "compare" => args.push(cf.to_str().unwrap()),
                _ => {}
            }
            args.extend(["--reference", "bad.csv", "--out", "out"]);
            if command == "fit" {
                args.truncate(args.len() - 2);
            }
            let ran = diplosim(dir.path(), &args);
            assert_eq!(ran.code, Some(2), "{command} {text:?}: {}", ran.stderr);
            assert!(
                ran.stderr.contains(expected),
                "{command} {text:?}: expected {expected:?} in\n{}",
                ran.stderr
            );
            assert_eq!(ran.stdout, "");
            assert_eq!(
                listing(dir.path()),
                ["bad.csv"],
                "{command}: nothing written"
            );
        }
    }
}

#[test]
fn the_shipped_synthetic_reference_loads_against_the_sino_soviet_scenario() {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let ran = diplosim(
        dir.path(),
        &[
            "fit",
            root.join("scenarios/sino_soviet_1917_1991.ron")
                .to_str()
                .unwrap(),
            "--reference",
            fixture("sino_soviet_synthetic_yearly.csv")
                .to_str()
                .unwrap(),
            "--runs",
            "10",
        ],
    );
    let text = ok(&ran);
    assert!(text.contains("(72 dates, 1920 to 1991;"), "{text}");
}

/// A reference made by the project: the mean of 20 runs of the small fixture with the
/// structural base at 1.0 (the fixture says 0.0) and the treaty's values times 1.5, plus
/// a fixed saw-tooth noise of up to ±0.15.
fn made_reference(dir: &Path) {
    made_reference_with(
        dir,
        "Structure(base: 1.0), Scale(event: \"treaty\", by: 1.5)",
        "ref.csv",
    );
}

/// A reference made by the project from the small fixture with `changes`, as `name`: the
/// mean of 20 runs plus a fixed saw-tooth noise of up to ±0.15.
pub fn made_reference_with(dir: &Path, changes: &str, name: &str) {
    std::fs::copy(fixture("small.ron"), dir.join("small.ron")).unwrap();
    std::fs::write(
        dir.join("truth.ron"),
        format!("Counterfactual(base: \"small.ron\", name: \"truth\", title: \"t\", question: \"q\",\n  changes: [{changes}])\n"),
    )
    .unwrap();
    let _ = std::fs::remove_dir_all(dir.join("truth"));
    ok(&diplosim(
        dir,
        &["ensemble", "truth.ron", "--runs", "20", "--out", "truth"],
    ));
    let csv = std::fs::read_to_string(dir.join("truth/ensemble.csv")).unwrap();
    let mut out = String::from("# made by the test: not a measurement\ndate,score\n");
    for (i, line) in csv.lines().skip(1).enumerate() {
        // date, pair (the only one), mean, ...
        let mut f = line.split(',');
        let (date, mean) = (f.next().unwrap(), f.nth(1).unwrap().parse::<f64>().unwrap());
        let noise = 0.15 * (((i * 7919) % 13) as f64 / 6.0 - 1.0);
        out.push_str(&format!("{},{:.4}\n", &date[..7], mean + noise));
    }
    std::fs::write(dir.join(name), out).unwrap();
}

/// The calibrated value of a parameter, from the table calibrate prints.
pub fn calibrated(text: &str, name: &str) -> f64 {
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with(name))
        .unwrap_or_else(|| panic!("no {name} in {text}"));
    line.split_whitespace().last().unwrap().parse().unwrap()
}

#[test]
fn calibrate_recovers_half_life_and_group_multipliers_from_a_noisy_reference() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // (changes that make the reference, params, [(parameter, made with)], training years)
    let cases = [
        (
            "ScaleHalfLives(by: 2.0), ScaleValues(era: \"Early\", by: 1.5)",
            "Params(params: [HalfLives(from: 0.5, to: 3.0), GroupValues(era: \"Early\", from: 0.5, to: 2.5)])",
            [
                ("half-lives of all events (x)", 2.0),
                ("values of era Early (x)", 1.5),
            ],
            "1950..1957",
        ),
        (
            "ScaleHalfLives(events: [\"incident\"], by: 3.0), ScaleValues(level: Leader, by: 2.0)",
            "Params(params: [EventHalfLife(event: \"incident\", from: 0.5, to: 5.0), GroupValues(name: \"leaders\", level: Leader, from: 0.5, to: 3.0)])",
            [
                ("half-life of incident (x)", 3.0),
                ("values of leaders (x)", 2.0),
            ],
            "1950..1958",
        ),
    ];
    for (k, (changes, params, truth, train)) in cases.into_iter().enumerate() {
        made_reference_with(d, changes, "ref.csv");
        std::fs::write(d.join("params.ron"), params).unwrap();
        let out = format!("cal{k}");
        let text = ok(&diplosim(
            d,
            &[
                "calibrate",
                "small.ron",
                "--reference",
                "ref.csv",
                "--params",
                "params.ron",
                "--train",
                train,
                "--runs",
                "20",
                "--budget",
                "150",
                "--out",
                &out,
            ],
        ))
        .to_string();
        // Stated tolerance: every multiplier within 0.1 of the value it was made with.
        for (name, made) in truth {
            let found = calibrated(&text, name);
            assert!(
                (found - made).abs() < 0.1,
                "{name}: {found} for {made}\n{text}"
            );
        }
        // The calibration is a what-if that check accepts and that compare runs to the
        // same numbers: the baseline's and the calibrated curve at every reference date.
        let cal = format!("{out}/calibrated.ron");
        let ran = diplosim(d, &["check", &cal]);
        assert!(ok(&ran).contains(": ok: counterfactual"), "{}", ran.stdout);
        let cmp = format!("cmp{k}");
        ok(&diplosim(
            d,
            &[
                "compare",
                "small.ron",
                &cal,
                "--runs",
                "20",
                "--reference",
                "ref.csv",
                "--out",
                &cmp,
            ],
        ));
        assert_eq!(
            std::fs::read_to_string(d.join(&out).join("fit.csv")).unwrap(),
            std::fs::read_to_string(d.join(&cmp).join("fit.csv")).unwrap()
        );
    }
}

/// The accumulating form's two parameters, recovered as the decaying form's are: a
/// reference made with gain 1.5 and a drift half-life of 4 years, calibrated from the
/// fixture (which decays, so the search starts from gain 1 and the slowest drift).
#[test]
fn calibrate_recovers_the_accumulating_gain_and_drift_from_a_noisy_reference() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    made_reference_with(d, "Accumulate(gain: 1.5, drift: Years(4.0))", "ref.csv");
    std::fs::write(
        d.join("params.ron"),
        "Params(params: [Gain(from: 0.5, to: 3.0), Drift(from: 1.0, to: 10.0)])\n",
    )
    .unwrap();
    let text = ok(&diplosim(
        d,
        &[
            "calibrate",
            "small.ron",
            "--reference",
            "ref.csv",
            "--params",
            "params.ron",
            "--runs",
            "20",
            "--budget",
            "150",
            "--out",
            "cal",
        ],
    ))
    .to_string();
    // Stated tolerances: the gain within 0.1 of 1.5, the drift within 0.1 of 4 years.
    let gain = calibrated(&text, "gain");
    let drift = calibrated(&text, "drift half-life (years)");
    assert!((gain - 1.5).abs() < 0.1, "gain {gain}\n{text}");
    assert!((drift - 4.0).abs() < 0.1, "drift {drift}\n{text}");
    // The calibration is a what-if that says so.
    let cal = std::fs::read_to_string(d.join("cal/calibrated.ron")).unwrap();
    assert!(cal.contains("Accumulate(gain: "), "{cal}");
    assert!(cal.contains("Accumulate(drift: Years("), "{cal}");
}

#[test]
fn calibrate_recovers_known_parameters_from_a_noisy_reference() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    made_reference(d);
    std::fs::write(
        d.join("params.ron"),
        "Params(params: [Base(from: -2.0, to: 2.0), EventValue(event: \"treaty\", from: 0.5, to: 2.5)])\n",
    )
    .unwrap();
    let args = [
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
        "20",
        "--budget",
        "150",
        "--out",
        "cal",
    ];
    let text = ok(&diplosim(d, &args)).to_string();
    let value = |name: &str| calibrated(&text, name);
    // Stated tolerances: the base within 0.1 point of 1.0, the multiplier within 0.1 of 1.5.
    assert!((value("base") - 1.0).abs() < 0.1, "{text}");
    assert!((value("value of treaty (x)") - 1.5).abs() < 0.1, "{text}");
    assert!(text.contains("  calibrated  test"), "{text}");
    assert_eq!(
        listing(&d.join("cal")),
        [
            "calibrated.ron",
            "calibration.csv",
            "calibration.txt",
            "chart.png",
            "chart.svg",
            "chart.txt",
            "fit.csv",
            "manifest.json"
        ]
    );
    // The calibration is itself a what-if that check, run and compare accept.
    let ran = diplosim(d, &["check", "cal/calibrated.ron"]);
    assert!(
        ok(&ran).contains("cal/calibrated.ron: ok: counterfactual"),
        "{}",
        ran.stdout
    );
    ok(&diplosim(
        d,
        &["compare", "small.ron", "cal/calibrated.ron", "--out", "cmp"],
    ));
    // Deterministic: the same command gives the same bytes.
    ok(&diplosim(
        d,
        &[&args[..args.len() - 1], &["again"]].concat(),
    ));
    for f in listing(&d.join("cal")) {
        if f != "manifest.json" {
            assert_eq!(
                std::fs::read(d.join("cal").join(&f)).unwrap(),
                std::fs::read(d.join("again").join(&f)).unwrap(),
                "{f}"
            );
        }
    }
}

#[test]
fn calibrate_refuses_bad_params_with_their_place() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    made_reference(d);
    let cases = [
        (
            "Params(params: [EventValue(event: \"treatty\", from: 0.5, to: 2.0)])",
            "params.ron:1:35",
        ),
        (
            "Params(params: [Base(from: 1.0, to: 1.0)])",
            "the bounds 1 to 1 are empty",
        ),
        ("Params(params: [])", "no parameter may move"),
        (
            "Params(params: [Bass(from: 1.0, to: 2.0)])",
            "params.ron:1:17",
        ),
        (
            "Params(params: [Base(from: 1.0, to: -1.0)])",
            "params.ron:1:28: params: base: the bounds 1 to -1 are inverted",
        ),
        (
            "Params(params: [GroupValues(era: \"Erly\", from: 0.5, to: 2.0)])",
            "params.ron:1:34: params: no era \"Erly\" in the scenario's timeline",
        ),
        (
            "Params(params: [GroupHalfLives(events: [\"treaty\", \"spatt\"], from: 0.5, to: 2.0)])",
            "params.ron:1:51: params: no event \"spatt\" in the scenario",
        ),
        (
            "Params(params: [GroupValues(events: [], from: 0.5, to: 2.0)])",
            "params.ron:1:37: params: values of no event (x): `events` is an empty list",
        ),
        (
            "Params(params: [GroupValues(era: \"Early\", level: Leader, events: [\"treaty\"], from: 0.5, to: 2.0)])",
            "params.ron:1:17: params: values of event treaty; era Early; leader level (x): the group holds no modifier value",
        ),
        (
            "Params(params: [EventHalfLife(event: \"apology\", from: 0.5, to: 2.0)])",
            "the group holds no modifier that fades by a half-life",
        ),
        (
            "Params(params: [Base(from: 0.0, to: 1.0), HalfLives(from: 0.0, to: 2.0)])",
            "params.ron:1:59: params: half-lives of all events (x): at `from: 0.0` the scenario is not valid",
        ),
        (
            "Params(params: [Base(from: 0.0, to: 30.0)])",
            "at `to: 30.0` the scenario is not valid: structure.base is 30, beyond ±18",
        ),
    ];
    for (text, expected) in cases {
        std::fs::write(d.join("params.ron"), text).unwrap();
        let ran = diplosim(
            d,
            &[
                "calibrate",
                "small.ron",
                "--reference",
                "ref.csv",
                "--params",
                "params.ron",
                "--out",
                "cal",
            ],
        );
        assert_eq!(ran.code, Some(2), "{text}: {}", ran.stderr);
        assert!(
            ran.stderr.contains(expected),
            "{text}: expected {expected:?} in\n{}",
            ran.stderr
        );
        assert!(!d.join("cal").exists());
        // Sensitivity reads the same params file, with the same refusals.
        let ran = diplosim(
            d,
            &[
                "sensitivity",
                "small.ron",
                "--params",
                "params.ron",
                "--out",
                "sens",
            ],
        );
        assert_eq!(ran.code, Some(2), "{text}: {}", ran.stderr);
        assert!(ran.stderr.contains(expected), "{text}: {}", ran.stderr);
        assert!(!d.join("sens").exists());
    }
    std::fs::write(
        d.join("params.ron"),
        "Params(params: [Base(from: 0.0, to: 1.0)])",
    )
    .unwrap();
    let ran = diplosim(
        d,
        &[
            "calibrate",
            "small.ron",
            "--reference",
            "ref.csv",
            "--params",
            "params.ron",
            "--train",
            "1970..1980",
        ],
    );
    assert_eq!(ran.code, Some(2));
    assert!(
        ran.stderr
            .contains("--train 1970-01-01 to 1980-12-31 holds no date of ref.csv"),
        "{}",
        ran.stderr
    );
    // Starts must share the budget: at least one, and no more than the evaluations.
    for (starts, budget) in [("0", "20"), ("5", "3")] {
        let ran = diplosim(
            d,
            &[
                "calibrate",
                "small.ron",
                "--reference",
                "ref.csv",
                "--params",
                "params.ron",
                "--starts",
                starts,
                "--budget",
                budget,
                "--out",
                "cal",
            ],
        );
        assert_eq!(ran.code, Some(2), "{}", ran.stderr);
        assert!(
            ran.stderr.contains(&format!(
                "--starts {starts} with --budget {budget}: give at least 1 start, and no more starts than evaluations"
            )),
            "{}",
            ran.stderr
        );
        assert!(!d.join("cal").exists());
    }
}

#[test]
fn sensitivity_ranks_the_parameter_that_moves_the_curve_first() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    made_reference(d);
    // The base moves the whole curve; the value of a small triggered event barely does.
    std::fs::write(
        d.join("params.ron"),
        "Params(params: [EventValue(event: \"spat\", from: 0.5, to: 1.5), Base(from: -1.0, to: 2.0)])\n",
    )
    .unwrap();
    let args = [
        "sensitivity",
        "small.ron",
        "--params",
        "params.ron",
        "--reference",
        "ref.csv",
        "--runs",
        "10",
        "--out",
        "s",
    ];
    let text = ok(&diplosim(d, &args)).to_string();
    let rows: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("  base") || l.starts_with("  value of spat"))
        .collect();
    assert_eq!(rows.len(), 2, "{text}");
    assert!(
        rows[0].starts_with("  base"),
        "base moves the curve most:\n{text}"
    );
    assert_eq!(
        listing(&d.join("s")),
        [
            "chart.png",
            "chart.svg",
            "chart.txt",
            "manifest.json",
            "sensitivity.csv"
        ]
    );
    let csv = std::fs::read_to_string(d.join("s/sensitivity.csv")).unwrap();
    assert!(csv.starts_with("parameter,pair,from,to,oat_trajectory,oat_rmse_min,oat_rmse_max,morris_mu_star,morris_sigma,morris_fit_mu_star\n"), "{csv}");
    // Base moves the whole curve by about its range: one point of base is about one
    // point of score where the curve is far from the scale's ends.
    let base: Vec<f64> = csv
        .lines()
        .find(|l| l.starts_with("base,north/south,"))
        .unwrap()
        .split(',')
        .skip(4)
        .take(1)
        .map(|x| x.parse().unwrap())
        .collect();
    assert!(base[0] > 0.5 && base[0] < 2.0, "{csv}");
    // Deterministic for a seed.
    ok(&diplosim(d, &[&args[..args.len() - 1], &["t"]].concat()));
    assert_eq!(
        csv,
        std::fs::read_to_string(d.join("t/sensitivity.csv")).unwrap()
    );
}

#[test]
fn sensitivity_names_half_life_and_group_parameters_readably() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::copy(fixture("small.ron"), d.join("small.ron")).unwrap();
    std::fs::write(
        d.join("params.ron"),
        "Params(params: [HalfLives(from: 0.5, to: 2.0), EventHalfLife(event: \"incident\", from: 0.5, to: 4.0),\n  GroupValues(era: \"Early\", level: State, from: 0.5, to: 1.5), GroupHalfLives(name: \"state ties\", level: State, from: 0.5, to: 2.0)])\n",
    )
    .unwrap();
    ok(&diplosim(
        d,
        &[
            "sensitivity",
            "small.ron",
            "--params",
            "params.ron",
            "--runs",
            "5",
            "--paths",
            "2",
            "--out",
            "s",
        ],
    ));
    let csv = std::fs::read_to_string(d.join("s/sensitivity.csv")).unwrap();
    let names: Vec<&str> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "half-lives of all events (x)",
            "half-life of incident (x)",
            "values of era Early; state level (x)",
            "half-lives of state ties (x)"
        ]
    );
    // Each moves the curve: the treaty's ten-year half-life, the incident's 180 days,
    // the treaty's value.
    for line in csv.lines().skip(1) {
        let oat: f64 = line.split(',').nth(3).unwrap().parse().unwrap();
        assert!(oat > 0.01, "{line}");
    }
}

/// The three-state fixture's ensemble mean of seeds 1 to 2, pair by pair, as a reference
/// with a pair column (keys written `b/a` for china/us, which must not matter): every
/// sixth month, at full precision from ensemble.csv's four decimals, with `shift` added
/// to the china/us rows.
fn three_state_reference(dir: &Path, shift: f64) -> String {
    let ran = diplosim(
        dir,
        &[
            "ensemble",
            fixture("three_states.ron").to_str().unwrap(),
            "--runs",
            "2",
            "--out",
            "own",
        ],
    );
    ok(&ran);
    let csv = std::fs::read_to_string(dir.join("own/ensemble.csv")).unwrap();
    let mut out = String::from("# made by the test\ndate,pair,score,label\n");
    for (i, line) in csv.lines().skip(1).enumerate() {
        // Three pairs a month: keep every sixth month.
        if (i / 3) % 6 != 0 {
            continue;
        }
        let f: Vec<&str> = line.split(',').collect();
        let (date, pair, mean): (&str, &str, f64) = (f[0], f[1], f[2].parse().unwrap());
        let (pair, score) = if pair == "china/us" {
            ("us/china", mean + shift)
        } else {
            (pair, mean)
        };
        out.push_str(&format!("{},{pair},{score},\"{pair}, made\"\n", &date[..7]));
    }
    out
}

#[test]
fn fit_reports_each_pair_and_all_pairs_of_a_three_state_scenario() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // 96 months, every sixth: 16 dates per pair. China and the US 1.5 points warmer in
    // the measure than in the runs.
    std::fs::write(d.join("ref.csv"), three_state_reference(d, 1.5)).unwrap();
    let three = fixture("three_states.ron");
    let ran = diplosim(
        d,
        &[
            "fit",
            three.to_str().unwrap(),
            "--reference",
            "ref.csv",
            "--runs",
            "2",
        ],
    );
    let text = ok(&ran);
    assert!(
        text.contains("fit to ref.csv (48 dates of 3 pairs, 1969-01 to 1976-07; scale of"),
        "{text}"
    );
    assert!(
        text.contains(
            "  curve     pair                dates       r    RMSE    bias  same band  best lag\n"
        ),
        "{text}"
    );
    // Each pair on its own dates: exact where the measure is the mean, 1.5 colder where
    // it was shifted; pooled, a third of the dates 1.5 off.
    for row in [
        "  baseline  china/soviet_union     16    1.00    0.00   +0.00       100%",
        "  baseline  china/us               16    1.00    1.50   -1.50 ",
        "  baseline  soviet_union/us        16    1.00    0.00   +0.00       100%",
        "  baseline  all pairs              48  ",
    ] {
        assert!(text.contains(row), "expected {row:?} in\n{text}");
    }
    let all = text.lines().find(|l| l.contains("all pairs  ")).unwrap();
    let cols: Vec<&str> = all.split_whitespace().collect();
    // RMSE sqrt(1.5^2 / 3) = 0.87, bias -0.50.
    assert_eq!((cols[5], cols[6]), ("0.87", "-0.50"), "{all}");

    // The files of an ensemble: fit.csv has a row per (date, pair), the chart's footer
    // the fit of each pair and of all.
    let ran = diplosim(
        d,
        &[
            "ensemble",
            three.to_str().unwrap(),
            "--runs",
            "2",
            "--reference",
            "ref.csv",
            "--out",
            "ens",
        ],
    );
    ok(&ran);
    let fit = std::fs::read_to_string(d.join("ens/fit.csv")).unwrap();
    let lines: Vec<&str> = fit.lines().collect();
    assert_eq!(lines[0], "date,pair,reference,mean,label");
    assert_eq!(lines.len(), 1 + 48);
    assert!(lines[1].starts_with("1969-01,china/soviet_union,"), "{fit}");
    assert!(lines[2].starts_with("1969-01,china/us,"), "{fit}");
    assert!(lines[3].starts_with("1969-01,soviet_union/us,"), "{fit}");
    assert!(lines[2].ends_with(",\"us/china, made\""), "{fit}");
    let chart = std::fs::read_to_string(d.join("ens/chart.txt")).unwrap();
    assert!(
        chart.contains("mean vs measured: china/soviet_union r 1.00, RMSE 0.00; china/us r 1.00, RMSE 1.50; soviet_union/us r 1.00, RMSE 0.00; all pairs r "),
        "{chart}"
    );
}

#[test]
fn a_reference_of_several_pairs_is_checked_row_by_row() {
    let three = fixture("three_states.ron");
    let cases: &[(&str, &str)] = &[
        (
            "date,pair,score\n1970,china/soviet_union,-5\n1971,china/japan,1\n",
            "bad.csv:3:6: `china/japan` is not a pair the scenario models",
        ),
        (
            "date,pair,score\n1970,china,-5\n",
            "bad.csv:2:6: `china` is not a pair the scenario models",
        ),
        (
            "date,score\n1970,-5\n",
            "bad.csv:1:1: the scenario models 3 pairs, and the file has no `pair` column",
        ),
        (
            "date,pair,score\n1970,china/us,-5\n1970-03,us/china,1\n",
            "bad.csv:3:1: 1970-03 overlaps: line 2 has 1970",
        ),
        (
            "date,pair,score\n1970,china/us\n",
            "bad.csv:2:14: a row has 3 or 4 fields (date, pair, score, optional label), this one has 2",
        ),
    ];
    for (text, expected) in cases {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("bad.csv"), text).unwrap();
        let ran = diplosim(
            dir.path(),
            &["fit", three.to_str().unwrap(), "--reference", "bad.csv"],
        );
        assert_eq!(ran.code, Some(2), "{text:?}: {}", ran.stderr);
        assert!(
            ran.stderr.contains(expected),
            "{text:?}: expected {expected:?} in\n{}",
            ran.stderr
        );
    }
    // Without the column, the hint says how to add it.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bad.csv"), "date,score\n1970,-5\n").unwrap();
    let ran = diplosim(
        dir.path(),
        &["fit", three.to_str().unwrap(), "--reference", "bad.csv"],
    );
    assert!(
        ran.stderr
            .contains("add a pair column after the date, `date,pair,score`"),
        "{}",
        ran.stderr
    );
    // Two periods of one date on different pairs are fine; the same pair is not.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("ok.csv"),
        "date,pair,score\n1970,china/us,-5\n1970,soviet_union/us,1\n",
    )
    .unwrap();
    ok(&diplosim(
        dir.path(),
        &["fit", three.to_str().unwrap(), "--reference", "ok.csv"],
    ));
}

#[test]
fn the_pairs_own_reference_files_are_read_and_combined() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let text = std::fs::read_to_string(fixture("three_states.ron"))
        .unwrap()
        .replacen(
            "    parties: [",
            "    pairs: [\n        (states: (\"china\", \"soviet_union\"), reference: \"cs.csv\"),\n        (states: (\"china\", \"us\")),\n        (states: (\"soviet_union\", \"us\"), reference: \"su.csv\"),\n    ],\n    parties: [",
            1,
        );
    std::fs::write(d.join("three.ron"), text).unwrap();
    std::fs::write(d.join("cs.csv"), "date,score\n1970,-7\n1971,-6\n").unwrap();
    std::fs::write(
        d.join("su.csv"),
        "date,pair,score\n1973,us/soviet_union,2\n",
    )
    .unwrap();
    let ran = diplosim(d, &["fit", "three.ron", "--runs", "2"]);
    let out = ok(&ran);
    assert!(
        out.contains("fit to ./cs.csv and ./su.csv (3 dates of 2 pairs, 1970 to 1973;")
            || out.contains("fit to cs.csv and su.csv (3 dates of 2 pairs, 1970 to 1973;"),
        "{out}"
    );
    assert!(
        out.contains("  baseline  china/soviet_union      2 "),
        "{out}"
    );
    assert!(
        out.contains("  baseline  soviet_union/us         1 "),
        "{out}"
    );
    assert!(!out.contains("  baseline  china/us "), "{out}");
    // A pair's own file that names another pair is refused at the row.
    std::fs::write(d.join("su.csv"), "date,pair,score\n1973,china/us,2\n").unwrap();
    let ran = diplosim(d, &["fit", "three.ron", "--runs", "2"]);
    assert_eq!(ran.code, Some(2), "{}", ran.stderr);
    assert!(
        ran.stderr
            .contains("su.csv:2:6: this file is the series of the pair soviet_union/us, and the row names china/us"),
        "{}",
        ran.stderr
    );
}

#[test]
fn per_run_writes_every_runs_monthly_score_of_every_pair() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let three = fixture("three_states.ron");
    let ran = diplosim(
        d,
        &[
            "ensemble",
            three.to_str().unwrap(),
            "--runs",
            "3",
            "--seed",
            "5",
            "--per-run",
            "--out",
            "ens",
        ],
    );
    ok(&ran);
    let runs = std::fs::read_to_string(d.join("ens/runs.csv")).unwrap();
    let lines: Vec<&str> = runs.lines().collect();
    assert_eq!(lines[0], "run,seed,variant,date,pair,score");
    // 3 runs x 96 months x 3 pairs.
    assert_eq!(lines.len(), 1 + 3 * 96 * 3);
    assert!(lines[1].starts_with("0,5,baseline,1969-01-01,china/soviet_union,"));
    assert!(lines[2].starts_with("0,5,baseline,1969-01-01,china/us,"));
    assert!(lines[3 * 96 * 3].starts_with("2,7,baseline,1976-12-01,soviet_union/us,"));
    // Run 1 is `run --seed 6`: its rows are that run's trajectory, pair for pair.
    ok(&diplosim(
        d,
        &[
            "run",
            three.to_str().unwrap(),
            "--seed",
            "6",
            "--out",
            "run6",
        ],
    ));
    let trajectory = std::fs::read_to_string(d.join("run6/trajectory.csv")).unwrap();
    let from_run: Vec<String> = trajectory
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            format!("{},{},{}", f[0], f[1], f[2])
        })
        .collect();
    let from_runs: Vec<String> = lines[1..]
        .iter()
        .filter(|l| l.starts_with("1,6,baseline,"))
        .map(|l| l.splitn(4, ',').nth(3).unwrap().to_string())
        .collect();
    assert_eq!(from_runs, from_run);
    // Without --per-run, no runs.csv; the other files are the same bytes.
    ok(&diplosim(
        d,
        &[
            "ensemble",
            three.to_str().unwrap(),
            "--runs",
            "3",
            "--seed",
            "5",
            "--out",
            "plain",
        ],
    ));
    assert!(!d.join("plain/runs.csv").exists());
    for name in ["ensemble.csv", "chart.txt"] {
        assert_eq!(
            std::fs::read(d.join("ens").join(name)).unwrap(),
            std::fs::read(d.join("plain").join(name)).unwrap(),
            "{name}"
        );
    }

    // compare: the baseline's runs, then each variant's, on the same seeds.
    let small = fixture("small.ron");
    let cf = fixture("counterfactuals/no_incident.ron");
    let ran = diplosim(
        d,
        &[
            "compare",
            small.to_str().unwrap(),
            cf.to_str().unwrap(),
            "--runs",
            "2",
            "--per-run",
            "--out",
            "cmp",
        ],
    );
    ok(&ran);
    let runs = std::fs::read_to_string(d.join("cmp/runs.csv")).unwrap();
    let lines: Vec<&str> = runs.lines().collect();
    assert_eq!(lines[0], "run,seed,variant,date,pair,score");
    // 2 runs x 132 months x 1 pair x 2 curves.
    assert_eq!(lines.len(), 1 + 2 * 132 * 2);
    assert!(lines[1].starts_with("0,1,baseline,1950-01-01,north/south,"));
    assert!(lines[1 + 2 * 132].starts_with("0,1,no_incident,1950-01-01,north/south,"));
    assert!(
        listing(&d.join("cmp")).contains(&"runs.csv".to_string()),
        "{:?}",
        listing(&d.join("cmp"))
    );
}

#[test]
fn per_run_is_refused_past_its_share_of_the_score_budget() {
    let dir = tempfile::tempdir().unwrap();
    let small = fixture("small.ron");
    // 132 months: 2^25 rows / 132 = 254200 runs at most.
    let ran = diplosim(
        dir.path(),
        &[
            "ensemble",
            small.to_str().unwrap(),
            "--runs",
            "254201",
            "--per-run",
            "--out",
            "out",
        ],
    );
    assert_eq!(ran.code, Some(2), "{}", ran.stderr);
    assert!(
        ran.stderr
            .contains("--per-run: 254201 runs x 132 months x 1 pair x 1 curve is 33554532 rows of runs.csv, more than the 33554432 it may hold"),
        "{}",
        ran.stderr
    );
    assert!(
        ran.stderr.contains("at most 254200 with --per-run"),
        "{}",
        ran.stderr
    );
    assert_eq!(listing(dir.path()), Vec::<String>::new());
}

#[test]
fn calibrate_and_sensitivity_report_each_pair_and_all_pairs() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("ref.csv"), three_state_reference(d, 1.5)).unwrap();
    std::fs::write(
        d.join("params.ron"),
        "Params(params: [Base(pair: (\"us\", \"china\"), from: -1.0, to: 3.0)])",
    )
    .unwrap();
    let three = fixture("three_states.ron");
    let ran = diplosim(
        d,
        &[
            "calibrate",
            three.to_str().unwrap(),
            "--params",
            "params.ron",
            "--reference",
            "ref.csv",
            "--train",
            "1969..1972",
            "--test",
            "1973..1976",
            "--runs",
            "2",
            "--budget",
            "12",
            "--starts",
            "1",
            "--out",
            "cal",
        ],
    );
    let text = ok(&ran);
    // The pooled loss is the RMSE over all pairs' training dates: only china/us is off,
    // so raising its base brings every pair to the measure.
    assert!(
        text.contains(
            "  curve       pair                period   dates       r    RMSE    bias  same band\n"
        ),
        "{text}"
    );
    for row in [
        "  baseline    china/soviet_union  train        8 ",
        "  baseline    china/us            train        8    1.00    1.50   -1.50 ",
        "  baseline    all pairs           train       24 ",
        "  baseline    all pairs           test        24 ",
        "  calibrated  china/us            test         8 ",
    ] {
        assert!(text.contains(row), "expected {row:?} in\n{text}");
    }
    // Near -4 the squashing flattens the score: a raw shift of about 1.9 gives 1.5.
    let found = calibrated(text, "base china/us");
    assert!(found > 1.2 && found < 2.6, "{text}");
    assert_eq!(
        std::fs::read_to_string(d.join("cal/calibration.txt")).unwrap(),
        text[..text.find("wrote ").unwrap()]
    );

    let ran = diplosim(
        d,
        &[
            "sensitivity",
            three.to_str().unwrap(),
            "--params",
            "params.ron",
            "--reference",
            "ref.csv",
            "--runs",
            "2",
            "--paths",
            "2",
            "--out",
            "sens",
        ],
    );
    let text = ok(&ran);
    assert!(text.contains("all pairs pooled:\n"), "{text}");
    assert!(
        text.contains("china/us (China – United States):\n"),
        "{text}"
    );
    let csv = std::fs::read_to_string(d.join("sens/sensitivity.csv")).unwrap();
    let pairs: Vec<&str> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(1).unwrap())
        .collect();
    assert_eq!(
        pairs,
        ["china/soviet_union", "china/us", "soviet_union/us", "all"]
    );
    // The china/us base moves only its own pair.
    let row = |pair: &str| -> Vec<String> {
        csv.lines()
            .find(|l| l.split(',').nth(1) == Some(pair))
            .unwrap()
            .split(',')
            .map(String::from)
            .collect()
    };
    assert_eq!(row("china/soviet_union")[4], "0.0000", "{csv}");
    assert_ne!(row("china/us")[4], "0.0000", "{csv}");
}

/// `--dynamics` on calibrate: the calibrated what-if carries the form chosen, so compare
/// gives the calibration's numbers again; fit names the form; a form mistyped is refused.
#[test]
fn calibrate_and_fit_take_the_form_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    made_reference(d);
    std::fs::write(
        d.join("params.ron"),
        "Params(params: [Base(from: -2.0, to: 2.0)])\n",
    )
    .unwrap();
    ok(&diplosim(
        d,
        &[
            "calibrate",
            "small.ron",
            "--reference",
            "ref.csv",
            "--params",
            "params.ron",
            "--runs",
            "5",
            "--budget",
            "20",
            "--dynamics",
            "accumulating:0.5:3",
            "--out",
            "cal",
        ],
    ));
    let cal = std::fs::read_to_string(d.join("cal/calibrated.ron")).unwrap();
    assert!(
        cal.contains("        Accumulate(gain: 0.5, drift: Years(3.0)),\n        Structure(base: "),
        "{cal}"
    );
    ok(&diplosim(
        d,
        &[
            "compare",
            "small.ron",
            "cal/calibrated.ron",
            "--runs",
            "5",
            "--reference",
            "ref.csv",
            "--out",
            "cmp",
        ],
    ));
    // The calibrated curves agree; the baselines differ, as they should: calibrate's is
    // the scenario under the form the command line chose, compare's the file's own.
    let column = |file: &str, k: usize| -> Vec<String> {
        std::fs::read_to_string(d.join(file))
            .unwrap()
            .lines()
            .map(|l| l.split(',').nth(k).unwrap().to_string())
            .collect()
    };
    assert_eq!(column("cal/fit.csv", 4), column("cmp/fit.csv", 4));
    assert_eq!(column("cal/fit.csv", 4)[0], "calibrated");
    assert_ne!(column("cal/fit.csv", 3), column("cmp/fit.csv", 3));
    let fit = |form: &str| {
        ok(&diplosim(
            d,
            &[
                "fit",
                "small.ron",
                "--reference",
                "ref.csv",
                "--dynamics",
                form,
            ],
        ))
        .to_string()
    };
    assert!(fit("decaying").contains(", decaying dynamics\n"));
    let text = fit("accumulating");
    assert!(
        text.contains(", accumulating (gain 1, no drift) dynamics\n"),
        "{text}"
    );
    crate::common::refused(
        &diplosim(
            d,
            &[
                "fit",
                "small.ron",
                "--reference",
                "ref.csv",
                "--dynamics",
                "accumulating:11",
            ],
        ),
        2,
        "the gain \"11\"",
    );
}
