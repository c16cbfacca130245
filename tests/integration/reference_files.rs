//! Reference series as researchers keep them: `NA` and empty scores, a pandas index
//! column, ISO timestamps, an uncertainty column that weights the fit and is drawn as a
//! band, a dense series drawn as a line, the warning on few dates, and `fit --out`.

use std::path::Path;

use crate::common::{diplosim, fixture, listing};

fn ok(ran: &crate::common::Ran) -> &str {
    assert_eq!(ran.code, Some(0), "stderr: {}", ran.stderr);
    &ran.stdout
}

/// `fit` of the small fixture (one run, seed 1) against `csv`, written as `ref.csv`, with
/// `--out out`; the printed text.
fn fit_out(dir: &Path, csv: &str) -> String {
    std::fs::write(dir.join("ref.csv"), csv).unwrap();
    let small = fixture("small.ron");
    let ran = diplosim(
        dir,
        &[
            "fit",
            small.to_str().unwrap(),
            "--reference",
            "ref.csv",
            "--out",
            "out",
        ],
    );
    ok(&ran).to_string()
}

/// The rows of `fit.csv` as (date, reference, run).
fn fit_rows(dir: &Path) -> Vec<(String, f64, f64)> {
    let text = std::fs::read_to_string(dir.join("out/fit.csv")).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("date,pair,reference,baseline,label"),
        "{text}"
    );
    lines
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (
                f[0].to_string(),
                f[2].parse().unwrap(),
                f[3].parse().unwrap(),
            )
        })
        .collect()
}

/// The baseline row's RMSE and bias in the printed table.
fn rmse_and_bias(text: &str) -> (f64, f64) {
    let row = text
        .lines()
        .find(|l| l.trim_start().starts_with("baseline"))
        .unwrap_or_else(|| panic!("no baseline row in\n{text}"));
    let f: Vec<&str> = row.split_whitespace().collect();
    (f[3].parse().unwrap(), f[4].parse().unwrap())
}

#[test]
fn a_pandas_export_with_an_index_timestamps_and_missing_scores_is_read() {
    let dir = tempfile::tempdir().unwrap();
    // What `df.to_csv()` writes for a frame with a datetime column and NaN scores, and
    // what R writes for NA; a zone does not move the date.
    let csv = ",date,score,label\n\
               0,1951-01-01 00:00:00,1.5,first\n\
               1,1951-02-01T00:00:00,,\n\
               2,1951-03-01T00:00:00Z,NA,gap\n\
               3,1951-04-01T12:30:00+08:00,2.0,\n\
               4,1951-05-01T00:00,NaN,\n\
               5,1951-06-01,2.5,last\n";
    let text = fit_out(dir.path(), csv);
    assert!(
        text.contains("  3 rows without a score (NA, NaN or empty) skipped\n"),
        "{text}"
    );
    assert!(
        text.contains("(3 dates, 1951-01-01 to 1951-06-01;"),
        "{text}"
    );
    let rows = fit_rows(dir.path());
    let dates: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(dates, ["1951-01-01", "1951-04-01", "1951-06-01"]);
    assert_eq!(
        rows.iter().map(|r| r.1).collect::<Vec<_>>(),
        [1.5, 2.0, 2.5]
    );
    // fit.txt is what was printed; the folder has the manifest beside it.
    let written = std::fs::read_to_string(dir.path().join("out/fit.txt")).unwrap();
    assert!(text.starts_with(&written), "{written}\n---\n{text}");
    assert!(
        text.ends_with("wrote fit.csv, fit.txt, manifest.json in out\n"),
        "{text}"
    );
    assert_eq!(
        listing(&dir.path().join("out")),
        ["fit.csv", "fit.txt", "manifest.json"]
    );
    let manifest = std::fs::read_to_string(dir.path().join("out/manifest.json")).unwrap();
    assert!(manifest.contains("ref.csv"), "{manifest}");
}

#[test]
fn fit_without_out_writes_nothing_and_with_it_the_same_bytes_twice() {
    let dir = tempfile::tempdir().unwrap();
    let csv = "date,score\n1951,1.0\n1952,2.0\n1953,-1.0\n";
    std::fs::write(dir.path().join("ref.csv"), csv).unwrap();
    let small = fixture("small.ron");
    let ran = diplosim(
        dir.path(),
        &["fit", small.to_str().unwrap(), "--reference", "ref.csv"],
    );
    ok(&ran);
    assert_eq!(listing(dir.path()), ["ref.csv"]);
    fit_out(dir.path(), csv);
    let first = std::fs::read(dir.path().join("out/fit.csv")).unwrap();
    let first_txt = std::fs::read(dir.path().join("out/fit.txt")).unwrap();
    fit_out(dir.path(), csv);
    assert_eq!(
        std::fs::read(dir.path().join("out/fit.csv")).unwrap(),
        first
    );
    assert_eq!(
        std::fs::read(dir.path().join("out/fit.txt")).unwrap(),
        first_txt
    );
    // --out is checked as every command checks it: not a file in the way.
    std::fs::write(dir.path().join("afile"), "x").unwrap();
    let ran = diplosim(
        dir.path(),
        &[
            "fit",
            small.to_str().unwrap(),
            "--reference",
            "ref.csv",
            "--out",
            "afile",
        ],
    );
    assert_eq!(ran.code, Some(2), "{}", ran.stderr);
    assert!(
        ran.stderr.contains("afile is a file, not a folder"),
        "{}",
        ran.stderr
    );
}

#[test]
fn an_sd_column_weights_the_fit_by_one_over_its_square() {
    let dir = tempfile::tempdir().unwrap();
    // The run's own months of 1955, 0.25 off, and June 6 points off but very uncertain.
    let small = fixture("small.ron");
    ok(&diplosim(
        dir.path(),
        &["run", small.to_str().unwrap(), "--out", "own"],
    ));
    let trajectory = std::fs::read_to_string(dir.path().join("own/trajectory.csv")).unwrap();
    let mut csv = String::from("date,score,sd\n");
    for line in trajectory.lines().filter(|l| l.starts_with("1955-")) {
        let f: Vec<&str> = line.split(',').collect();
        let run: f64 = f[2].parse().unwrap();
        let (off, sd) = if f[0].starts_with("1955-06") {
            (6.0, 4.0)
        } else {
            (0.25, 0.5)
        };
        let score = if run > 0.0 { run - off } else { run + off };
        csv.push_str(&format!("{},{score},{sd}\n", &f[0][..7]));
    }
    let text = fit_out(dir.path(), &csv);
    assert!(
        text.contains("  weighted by the series' uncertainty: each date by 1/sd²"),
        "{text}"
    );
    let rows = fit_rows(dir.path());
    assert_eq!(rows.len(), 12);
    // The weighted figures, computed here from fit.csv's columns.
    let (mut sw, mut swd, mut swd2, mut sd2) = (0.0, 0.0, 0.0, 0.0);
    for (k, (_, reference, run)) in rows.iter().enumerate() {
        let sd: f64 = if k == 5 { 4.0 } else { 0.5 };
        let w = 1.0 / (sd * sd);
        let d = run - reference;
        sw += w;
        swd += w * d;
        swd2 += w * d * d;
        sd2 += d * d;
    }
    let (rmse, bias) = rmse_and_bias(&text);
    assert!((rmse - (swd2 / sw).sqrt()).abs() <= 0.005, "{rmse} {text}");
    assert!((bias - swd / sw).abs() <= 0.005, "{bias} {text}");
    // Unweighted, the far date would count as much as the others.
    let plain = (sd2 / 12.0).sqrt();
    assert!(plain > 1.7 && rmse < 0.4, "plain {plain}, weighted {rmse}");
}

#[test]
fn lo_and_hi_give_the_same_fit_as_the_sd_they_stand_for() {
    let dir = tempfile::tempdir().unwrap();
    let mut with_sd = String::from("date,score,sd\n");
    let mut with_interval = String::from("date,score,lo,hi\n");
    for (y, score, sd) in [(1951, 1.0, 0.5), (1952, 3.0, 2.0), (1953, -1.0, 0.25)] {
        with_sd.push_str(&format!("{y},{score},{sd}\n"));
        // A 95% interval: the score ± 1.96 sd.
        with_interval.push_str(&format!(
            "{y},{score},{},{}\n",
            score - 1.96 * sd,
            score + 1.96 * sd
        ));
    }
    let a = fit_out(dir.path(), &with_sd);
    let b = fit_out(dir.path(), &with_interval);
    assert_eq!(rmse_and_bias(&a), rmse_and_bias(&b), "{a}\n{b}");
}

#[test]
fn a_series_of_fewer_than_12_dates_is_warned_about() {
    let dir = tempfile::tempdir().unwrap();
    let five = "date,score\n1951,1\n1952,2\n1953,1.5\n1954,0\n1955,-1\n";
    let text = fit_out(dir.path(), five);
    // The 5% point of |r| on 5 dates, t(0.975, 3) / sqrt(t² + 3) = 0.878.
    assert!(
        text.contains("  warning: the series has 5 dates, fewer than 12: one date moves r and RMSE much, and an r of 0.88 or more in size comes by chance one time in twenty on 5 dates of unrelated values\n"),
        "{text}"
    );
    let two = "date,score\n1951,1\n1952,2\n";
    let text = fit_out(dir.path(), two);
    assert!(
        text.contains("warning: the series has 2 dates, fewer than 12: on 2 dates r is undefined or exactly 1 or -1"),
        "{text}"
    );
    let mut twelve = String::from("date,score\n");
    for m in 1..=12 {
        twelve.push_str(&format!("1955-{m:02},1\n"));
    }
    let text = fit_out(dir.path(), &twelve);
    assert!(!text.contains("warning"), "{text}");
}

/// The chart of `run` on the small fixture with `csv` as its reference: the SVG.
fn chart_with(dir: &Path, csv: &str) -> String {
    std::fs::write(dir.join("ref.csv"), csv).unwrap();
    let small = fixture("small.ron");
    let ran = diplosim(
        dir,
        &[
            "run",
            small.to_str().unwrap(),
            "--reference",
            "ref.csv",
            "--out",
            "chart",
        ],
    );
    ok(&ran);
    std::fs::read_to_string(dir.join("chart/chart.svg")).unwrap()
}

/// The reference's dots on a chart: circles filled with its colour.
fn dots(svg: &str) -> usize {
    of_colour(svg, "<circle")
}

/// The elements of `tag` filled with the reference's colour.
fn of_colour(svg: &str, tag: &str) -> usize {
    svg.split(tag)
        .skip(1)
        .filter(|c| c[..c.find('>').unwrap_or(c.len())].contains("fill=\"#5E2B7E\""))
        .count()
}

/// The polygons of the reference's colour: its band.
fn bands(svg: &str) -> usize {
    of_colour(svg, "<polygon")
}

#[test]
fn a_monthly_series_is_a_line_and_a_yearly_one_has_dots_and_a_band_shows_the_uncertainty() {
    let dir = tempfile::tempdir().unwrap();
    let mut monthly = String::from("date,score\n");
    for y in 1950..=1960 {
        for m in 1..=12 {
            monthly.push_str(&format!("{y}-{m:02},{}\n", (m as f64 - 6.0) / 2.0));
        }
    }
    let svg = chart_with(dir.path(), &monthly);
    assert_eq!(dots(&svg), 0, "a dense series has no dots");
    assert_eq!(bands(&svg), 0);
    let yearly = "date,score\n1951,1\n1953,2\n1955,1.5\n1957,0\n1959,-1\n";
    let svg = chart_with(dir.path(), yearly);
    // A dot at each of the five dates, and one in the key.
    assert_eq!(dots(&svg), 6, "{svg}");
    assert_eq!(bands(&svg), 0);
    let with_sd = "date,score,sd\n1951,1,0.5\n1953,2,1\n1955,1.5,0.5\n1957,0,1\n1959,-1,0.5\n";
    let svg = chart_with(dir.path(), with_sd);
    // The band on the plot (the key's swatch is a rectangle).
    assert_eq!(bands(&svg), 1, "{svg}");
    assert_eq!(dots(&svg), 6);
}

#[test]
fn bad_uncertainties_timestamps_and_columns_are_located() {
    let cases: &[(&str, &str)] = &[
        (
            "date,score,sd\n1955,1,0\n",
            "ref.csv:2:8: the sd 0 is not above 0",
        ),
        (
            "date,score,sd\n1955,1,NA\n",
            "ref.csv:2:8: the row has a score and no sd",
        ),
        (
            "date,score,sd\n1955,1,0.0001\n",
            "ref.csv:2:8: the standard deviation 0.0001 lies outside 0.001 to 18",
        ),
        (
            "date,score,lo,hi\n1955,1,2,3\n",
            "ref.csv:2:8: the interval 2 to 3 does not hold the score 1 with lo below hi",
        ),
        (
            "date,score,lo\n1955,1,2\n",
            "ref.csv:1:12: an interval needs both `lo` and `hi` columns",
        ),
        (
            "date,score,sd,lo,hi\n1955,1,2,0,3\n",
            "ref.csv:1:12: give the uncertainty as `sd` or as `lo` and `hi`, not both",
        ),
        (
            "date,score,weight\n1955,1,2\n",
            "ref.csv:1:12: `weight` is not a column a reference has",
        ),
        (
            "date,score,score\n1955,1,2\n",
            "ref.csv:1:12: the column `score` is given twice",
        ),
        (
            "date,score\n1955-03-01T25:00,1\n",
            "ref.csv:2:1: `1955-03-01T25:00` is not a timestamp",
        ),
        (
            "date,score\n1955-03-01T10:00+8,1\n",
            "ref.csv:2:1: `1955-03-01T10:00+8` is not a timestamp",
        ),
        // A row without a score still has a date that must read.
        (
            "date,score\n1955,1\n19x6,NA\n",
            "ref.csv:3:1: `19x6` is not a date",
        ),
        (
            "date,score\n1955,NA\n1956,\n",
            "ref.csv:3:1: the file has no row with a score (2 without one, NA or empty, skipped)",
        ),
        (
            ",date,score\n0,1955,1,x,y\n",
            "ref.csv:2:12: a row has 3 or 4 fields (index, date, score, optional label), this one has 5",
        ),
    ];
    let small = fixture("small.ron");
    for (text, expected) in cases {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("ref.csv"), text).unwrap();
        let ran = diplosim(
            dir.path(),
            &[
                "fit",
                small.to_str().unwrap(),
                "--reference",
                "ref.csv",
                "--out",
                "out",
            ],
        );
        assert_eq!(ran.code, Some(2), "{text:?}: {}", ran.stderr);
        assert!(
            ran.stderr.contains(expected),
            "{text:?}: expected {expected:?} in\n{}",
            ran.stderr
        );
        assert_eq!(
            listing(dir.path()),
            ["ref.csv"],
            "{text:?}: nothing written"
        );
    }
}

#[test]
fn the_shipped_monthly_series_reads_as_pandas_wrote_it() {
    let dir = tempfile::tempdir().unwrap();
    let ran = diplosim(
        dir.path(),
        &[
            "fit",
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("scenarios/sino_soviet_1917_1991.ron")
                .to_str()
                .unwrap(),
            "--reference",
            fixture("sino_soviet_synthetic_monthly.csv")
                .to_str()
                .unwrap(),
        ],
    );
    let text = ok(&ran);
    assert!(
        text.contains("(491 dates, 1950-01-01 to 1991-12-01;"),
        "{text}"
    );
    assert!(
        text.contains("  13 rows without a score (NA, NaN or empty) skipped\n"),
        "{text}"
    );
    assert!(
        text.contains("  weighted by the series' uncertainty"),
        "{text}"
    );
}
