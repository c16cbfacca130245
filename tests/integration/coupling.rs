//! The coupling between the pairs (the friend-of-my-enemy rule): off is no coupling to the
//! byte; on, each pair's term follows the recurrence docs/model.md gives, whatever the
//! number of threads; a what-if on one pair reaches the other two only with it on; the
//! rate is validated where it is written, changed by a what-if and calibrated.

use std::path::Path;
use std::process::Command;

use diplosim::engine::Simulation;
use diplosim::scenario::Scenario;
use diplosim::scenario::counterfactual::Counterfactual;

use crate::common::{diplosim, fixture, fixture_text, listing, refused};
use crate::research::{calibrated, ok};

/// The three-state fixture with `line` written after its structure.
fn three_with(line: &str) -> String {
    let text = fixture_text("three_states.ron");
    let anchor = "    structure: (base: 0.0, affinity: 1.0),\n";
    assert!(text.contains(anchor), "the fixture's structure line moved");
    text.replacen(anchor, &format!("{anchor}{line}\n"), 1)
}

/// Every file of `a` and `b` but the manifests (which name their inputs), byte for byte.
fn same_files(a: &Path, b: &Path) {
    let names = listing(a);
    assert_eq!(names, listing(b));
    for name in names.iter().filter(|n| *n != "manifest.json") {
        assert!(
            std::fs::read(a.join(name)).unwrap() == std::fs::read(b.join(name)).unwrap(),
            "{name} differs"
        );
    }
}

#[test]
fn a_rate_of_zero_gives_the_numbers_and_files_of_no_coupling_to_the_byte() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("none.ron"), fixture_text("three_states.ron")).unwrap();
    std::fs::write(d.join("zero.ron"), three_with("    coupling: (rate: 0.0),")).unwrap();
    for f in ["none", "zero"] {
        ok(&diplosim(
            d,
            &["run", &format!("{f}.ron"), "--out", &format!("run_{f}")],
        ));
        let args = ["ensemble", &format!("{f}.ron"), "--runs", "20"];
        ok(&diplosim(
            d,
            &[&args[..], &["--out", &format!("ens_{f}")]].concat(),
        ));
    }
    same_files(&d.join("run_none"), &d.join("run_zero"));
    same_files(&d.join("ens_none"), &d.join("ens_zero"));
    let manifest = std::fs::read_to_string(d.join("run_zero/manifest.json")).unwrap();
    assert!(!manifest.contains("coupling"), "{manifest}");
    // Every sample and event of 20 seeds, to the bit.
    let none = Scenario::load(&d.join("none.ron")).unwrap();
    let zero = Scenario::load(&d.join("zero.ron")).unwrap();
    assert!(zero.coupling.is_none());
    let (mut a, mut b) = (Simulation::new(&none), Simulation::new(&zero));
    for seed in 1..=20 {
        let (x, y) = (a.run(seed).unwrap(), b.run(seed).unwrap());
        assert_eq!(x.samples.len(), y.samples.len());
        for (s, t) in x.samples.iter().zip(&y.samples) {
            assert_eq!(s.score.to_bits(), t.score.to_bits(), "seed {seed}");
            assert_eq!(s.parts.coupling, 0.0);
        }
        assert_eq!(x.fired, y.fired);
    }
}

/// One row of trajectory.csv: the date, the pair, the score, raw, and the parts.
struct Row {
    date: String,
    pair: String,
    score: f64,
    raw: f64,
    parts: [f64; 5],
}

fn rows(csv: &str) -> Vec<Row> {
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("date,pair,score,band,raw,structural,state,party,leader,coupling")
    );
    lines
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            let n = |i: usize| f[i].parse::<f64>().unwrap();
            Row {
                date: f[0].to_string(),
                pair: f[1].to_string(),
                score: n(2),
                raw: n(4),
                parts: [n(5), n(6), n(7), n(8), n(9)],
            }
        })
        .collect()
}

/// Days from the first of one month to the first of the next (`YYYY-MM-DD`).
fn days_between(a: &str, b: &str) -> f64 {
    let day = |s: &str| s.parse::<diplosim::date::Date>().unwrap().day();
    f64::from(day(b) - day(a))
}

/// Written from docs/model.md, not from the engine: on the first of each month the term
/// moves to `T + (c − T)·exp(−rate·days/365.25)`, with T the product of the other two
/// pairs' scores that day over the bound (one third state each here) and `days` the
/// month's; the next month's sample reads it.
#[test]
fn each_pairs_term_relaxes_toward_the_product_of_the_other_two_at_the_rate() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let rate = 1.0;
    std::fs::write(
        d.join("coupled.ron"),
        three_with("    coupling: (rate: 1.0),"),
    )
    .unwrap();
    std::fs::write(d.join("none.ron"), fixture_text("three_states.ron")).unwrap();
    let out = ok(&diplosim(d, &["run", "coupled.ron", "--out", "on"])).to_string();
    ok(&diplosim(d, &["run", "none.ron", "--out", "off"]));
    let rows = rows(&std::fs::read_to_string(d.join("on/trajectory.csv")).unwrap());
    let keys = ["china/soviet_union", "china/us", "soviet_union/us"];
    let months: Vec<&[Row]> = rows.chunks(3).collect();
    for m in &months {
        for (row, key) in m.iter().zip(keys) {
            assert_eq!(row.pair, key);
            // The parts still add up to raw, and the score is M·tanh(raw/M).
            let sum: f64 = row.parts.iter().sum();
            assert!((sum - row.raw).abs() < 3e-4, "{} {key}", row.date);
            assert!((9.0 * (row.raw / 9.0).tanh() - row.score).abs() < 2e-4);
        }
    }
    assert!(
        months[0].iter().all(|r| r.parts[4] == 0.0),
        "no term on the first day"
    );
    let mut largest: f64 = 0.0;
    for w in months.windows(2) {
        let (before, now) = (w[0], w[1]);
        let keep = (-rate * days_between(&before[0].date, &now[0].date) / 365.25).exp();
        for p in 0..3 {
            let (q, r) = match p {
                0 => (1, 2),
                1 => (0, 2),
                _ => (0, 1),
            };
            let target = before[q].score * before[r].score / 9.0;
            let expected = target + (before[p].parts[4] - target) * keep;
            let found = now[p].parts[4];
            assert!(
                (found - expected).abs() < 5e-4,
                "{} {}: {found} for {expected}",
                now[p].date,
                keys[p]
            );
            largest = largest.max(found.abs());
        }
    }
    assert!(
        largest > 1.0,
        "the coupling moved the scores: at most {largest}"
    );
    // China, at odds with both the Soviet Union and the United States, pulls those two
    // together (the enemy of my enemy): their 1970 score is above the uncoupled run's.
    let off = std::fs::read_to_string(d.join("off/trajectory.csv")).unwrap();
    let score = |csv: &str, key: &str| -> f64 {
        let row = csv
            .lines()
            .find(|l| l.starts_with(&format!("1970-01-01,{key},")));
        row.unwrap().split(',').nth(2).unwrap().parse().unwrap()
    };
    let on = std::fs::read_to_string(d.join("on/trajectory.csv")).unwrap();
    assert!(score(&on, keys[2]) > score(&off, keys[2]) + 0.3, "{on}");
    // The chart, its words and the manifest say so.
    let words = std::fs::read_to_string(d.join("on/chart.txt")).unwrap();
    assert!(
        words.contains("coupling between the pairs at 1 a year"),
        "{words}"
    );
    let manifest = std::fs::read_to_string(d.join("on/manifest.json")).unwrap();
    assert!(
        manifest.contains("\"coupling\": {\n    \"three_states\": 1.0\n  }"),
        "{manifest}"
    );
    assert!(
        out.starts_with(
            "The strategic triangle, 1969-1976 (seed 1)\n  coupling between the pairs at 1 a year\n"
        ),
        "{out}"
    );
}

#[test]
fn a_coupled_ensemble_is_the_same_on_one_thread_and_on_two() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("coupled.ron"),
        three_with("    coupling: (rate: 2.0),"),
    )
    .unwrap();
    for threads in ["1", "2"] {
        let out = Command::new(env!("CARGO_BIN_EXE_diplosim"))
            .args(["ensemble", "coupled.ron", "--runs", "40", "--out", threads])
            .env("RAYON_NUM_THREADS", threads)
            .current_dir(d)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    same_files(&d.join("1"), &d.join("2"));
}

#[test]
fn a_rate_that_is_negative_not_a_number_or_absurd_is_refused_where_it_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for (rate, why) in [
        (
            "-0.5",
            "the coupling's rate is -0.5, below 0: a coupling cannot run backwards",
        ),
        ("NaN", "the coupling's rate is not a number"),
        (
            "inf",
            "the coupling's rate is inf, above the most allowed (12 a year)",
        ),
        (
            "400.0",
            "the coupling's rate is 400, above the most allowed (12 a year)",
        ),
    ] {
        let text = three_with(&format!("    coupling: (rate: {rate}),"));
        std::fs::write(d.join("bad.ron"), &text).unwrap();
        let line = text.lines().position(|l| l.contains("coupling:")).unwrap() + 1;
        let col = text.lines().nth(line - 1).unwrap().find(rate).unwrap() + 1;
        let ran = diplosim(d, &["check", "bad.ron"]);
        refused(&ran, 2, why);
        assert!(
            ran.stderr.contains(&format!("bad.ron:{line}:{col}")),
            "{rate}: {}",
            ran.stderr
        );
    }
}

/// The fixture with coupling `rate` (none for 0), and a what-if without SALT I (an event
/// of the Soviet–US pair only) on it.
fn what_if_without_salt(d: &Path, rate: f64) -> (Scenario, Scenario) {
    let base = if rate > 0.0 {
        three_with(&format!("    coupling: (rate: {rate:?}),"))
    } else {
        fixture_text("three_states.ron")
    };
    std::fs::write(d.join("base.ron"), base).unwrap();
    std::fs::write(
        d.join("no_salt.ron"),
        "Counterfactual(base: \"base.ron\", title: \"No SALT\", question: \"What if SALT I was not signed?\",\n  changes: [Remove(\"salt\")])\n",
    )
    .unwrap();
    let cf = Counterfactual::load(&d.join("no_salt.ron")).unwrap_or_else(|e| panic!("{e}"));
    (Scenario::load(&d.join("base.ron")).unwrap(), cf.scenario)
}

/// The largest gap between two scenarios' monthly scores of `pair` over seeds 1 to 10.
fn gap(a: &Scenario, b: &Scenario, pair: usize) -> f64 {
    let (mut x, mut y) = (Simulation::new(a), Simulation::new(b));
    let mut most: f64 = 0.0;
    for seed in 1..=10 {
        let (r, s) = (x.run(seed).unwrap(), y.run(seed).unwrap());
        for (u, v) in r.monthly_of(pair).zip(s.monthly_of(pair)) {
            most = most.max((u.score - v.score).abs());
        }
    }
    most
}

#[test]
fn with_coupling_a_what_if_on_one_pair_reaches_the_other_two_and_without_it_does_not() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (base, variant) = what_if_without_salt(d, 0.0);
    let salt = base.find_pair("soviet_union/us").unwrap();
    assert!(gap(&base, &variant, salt) > 1.0);
    for other in ["china/soviet_union", "china/us"] {
        let p = base.find_pair(other).unwrap();
        assert_eq!(gap(&base, &variant, p), 0.0, "{other} without coupling");
    }
    let (base, variant) = what_if_without_salt(d, 1.0);
    assert!(gap(&base, &variant, salt) > 1.0);
    for other in ["china/soviet_union", "china/us"] {
        let p = base.find_pair(other).unwrap();
        let moved = gap(&base, &variant, p);
        assert!(moved > 0.1, "{other} moved {moved} with coupling");
    }
}

#[test]
fn a_what_if_turns_the_coupling_on_and_a_bad_rate_in_it_is_located() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::copy(fixture("three_states.ron"), d.join("three.ron")).unwrap();
    let what_if = |rate: &str| {
        format!(
            "Counterfactual(base: \"three.ron\", title: \"Coupled\", question: \"What if each pair felt the other two?\",\n  changes: [Coupling(rate: {rate})])\n"
        )
    };
    std::fs::write(d.join("on.ron"), what_if("0.8")).unwrap();
    let cf = Counterfactual::load(&d.join("on.ron")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(cf.scenario.coupling.map(|c| c.rate), Some(0.8));
    let text = ok(&diplosim(
        d,
        &[
            "compare",
            "three.ron",
            "on.ron",
            "--runs",
            "5",
            "--out",
            "cmp",
        ],
    ))
    .to_string();
    let manifest = std::fs::read_to_string(d.join("cmp/manifest.json")).unwrap();
    assert!(manifest.contains("\"on\": 0.8"), "{manifest}");
    assert!(text.contains("Coupling(rate: 0.8)"), "{text}");
    // A run of the what-if says so before its question.
    ok(&diplosim(d, &["run", "on.ron", "--out", "variant"]));
    let words = std::fs::read_to_string(d.join("variant/chart.txt")).unwrap();
    let subtitle = words.lines().nth(1).unwrap();
    assert!(
        subtitle.starts_with("coupling between the pairs at 0.8 a year · What if each pair"),
        "{words}"
    );
    std::fs::write(d.join("bad.ron"), what_if("-1.0")).unwrap();
    let ran = diplosim(d, &["check", "bad.ron"]);
    refused(
        &ran,
        2,
        "the coupling's rate -1 is not a rate per year from 0 to 12",
    );
    assert!(ran.stderr.contains("bad.ron:2:22"), "{}", ran.stderr);
}

/// A reference made by the fixture with coupling at 1.5 a year (the mean of 20 runs, with
/// a small deterministic noise), one series per pair, and the rate calibrated back from
/// the uncoupled fixture.
#[test]
fn calibrate_recovers_a_known_coupling_rate_from_a_noisy_reference() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::copy(fixture("three_states.ron"), d.join("three.ron")).unwrap();
    std::fs::write(
        d.join("truth.ron"),
        "Counterfactual(base: \"three.ron\", name: \"truth\", title: \"t\", question: \"q\",\n  changes: [Coupling(rate: 1.5)])\n",
    )
    .unwrap();
    ok(&diplosim(
        d,
        &["ensemble", "truth.ron", "--runs", "20", "--out", "truth"],
    ));
    let csv = std::fs::read_to_string(d.join("truth/ensemble.csv")).unwrap();
    let mut reference = String::from("# made by the test: not a measurement\ndate,pair,score\n");
    for (i, line) in csv.lines().skip(1).enumerate() {
        let f: Vec<&str> = line.split(',').collect();
        let noise = 0.15 * (((i * 7919) % 13) as f64 / 6.0 - 1.0);
        let mean: f64 = f[2].parse().unwrap();
        reference.push_str(&format!("{},{},{:.4}\n", &f[0][..7], f[1], mean + noise));
    }
    std::fs::write(d.join("ref.csv"), reference).unwrap();
    std::fs::write(
        d.join("params.ron"),
        "Params(params: [Coupling(from: 0.0, to: 4.0)])\n",
    )
    .unwrap();
    let args = [
        "calibrate",
        "three.ron",
        "--reference",
        "ref.csv",
        "--params",
        "params.ron",
        "--runs",
        "20",
        "--budget",
        "60",
        "--out",
        "cal",
    ];
    let text = ok(&diplosim(d, &args)).to_string();
    // Stated tolerance: within 0.1 of 1.5 a year.
    let rate = calibrated(&text, "coupling rate (a year)");
    assert!((rate - 1.5).abs() < 0.1, "rate {rate}\n{text}");
    let cal = std::fs::read_to_string(d.join("cal/calibrated.ron")).unwrap();
    assert!(cal.contains("Coupling(rate: "), "{cal}");
    // A bound that is no rate is refused where the params file writes it.
    std::fs::write(
        d.join("bad.ron"),
        "Params(params: [Coupling(from: -1.0, to: 4.0)])\n",
    )
    .unwrap();
    let ran = diplosim(
        d,
        &[
            "calibrate",
            "three.ron",
            "--reference",
            "ref.csv",
            "--params",
            "bad.ron",
        ],
    );
    refused(
        &ran,
        2,
        "coupling rate (a year): at `from: -1.0` the scenario is not valid",
    );
    assert!(ran.stderr.contains("bad.ron:1:32"), "{}", ran.stderr);
}

#[test]
fn explain_lists_the_coupling_term_in_the_sum() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("coupled.ron"),
        three_with("    coupling: (rate: 1.0),"),
    )
    .unwrap();
    let args = [
        "explain",
        "coupled.ron",
        "--at",
        "1973-06-01",
        "--pair",
        "soviet_union/us",
    ];
    let text = ok(&diplosim(d, &args)).to_string();
    let value = |label: &str| -> f64 {
        let line = text.lines().find(|l| l.trim_start().starts_with(label));
        let line = line.unwrap_or_else(|| panic!("no {label} in {text}"));
        line.split_whitespace().last().unwrap().parse().unwrap()
    };
    let (structural, coupling, raw) = (
        value("structural part"),
        value("coupling between the pairs"),
        value("raw (the sum)"),
    );
    let salt = text.lines().find(|l| l.contains("salt: SALT I")).unwrap();
    let salt: f64 = salt.split_whitespace().nth(6).unwrap().parse().unwrap();
    assert!(coupling > 0.5, "{text}");
    assert!((structural + salt + coupling - raw).abs() < 2e-4, "{text}");
}
