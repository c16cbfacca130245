//! Research commands end to end: a measured reference series beside runs (`--reference`,
//! `fit`), its bad inputs, and the scenario's default reference.

use std::path::Path;

use crate::common::{Text, diplosim, fixture, listing};

fn ok(ran: &crate::common::Ran) -> &str {
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
        let mut f = line.split(',');
        let (date, score) = (f.next().unwrap(), f.next().unwrap());
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
        fit.starts_with("date,reference,run,label\n1950-01,"),
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
        fit.starts_with("date,reference,baseline,no_incident,label\n"),
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
            "date,score\n1955,NaN\n",
            "bad.csv:2:6: `NaN` is not a number",
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
fn made_reference_with(dir: &Path, changes: &str, name: &str) {
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
        let mut f = line.split(',');
        let (date, mean) = (f.next().unwrap(), f.next().unwrap().parse::<f64>().unwrap());
        let noise = 0.15 * (((i * 7919) % 13) as f64 / 6.0 - 1.0);
        out.push_str(&format!("{},{:.4}\n", &date[..7], mean + noise));
    }
    std::fs::write(dir.join(name), out).unwrap();
}

/// The calibrated value of a parameter, from the table calibrate prints.
fn calibrated(text: &str, name: &str) -> f64 {
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
    assert!(csv.starts_with("parameter,from,to,oat_trajectory,oat_rmse_min,oat_rmse_max,morris_mu_star,morris_sigma,morris_fit_mu_star\n"), "{csv}");
    // Base moves the whole curve by about its range: one point of base is about one
    // point of score where the curve is far from the scale's ends.
    let base: Vec<f64> = csv
        .lines()
        .find(|l| l.starts_with("base,"))
        .unwrap()
        .split(',')
        .skip(3)
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
