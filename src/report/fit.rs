//! The fit to a measured series, for a reader: `fit.csv`, the fit summary (`fit.txt`, and
//! what `fit` and `calibrate` print), and the reference's line and fit on a chart.
//!
//! With one pair every output reads as it always has (the CSV with its `pair` column);
//! with several, the text gives a row per pair the series measures and one for all pairs
//! pooled, and the chart a line per measured pair.

use std::fmt::Write as _;

use crate::chart::{ChartModel, Series, SeriesRole};
use crate::date::{Date, Day};
use crate::experiment;
use crate::record::fixed;
use crate::research::fit::{self, Fit};
use crate::research::{Curve, CurveFit, Reference};
use crate::scenario::Scenario;

/// The label of the pooled row in the texts.
const ALL: &str = "all pairs";

/// The reference as chart lines: one per pair it measures, a point in the middle of each
/// period.
pub fn reference_series(sc: &Scenario, reference: &Reference) -> Vec<Series> {
    let name = reference
        .path
        .file_name()
        .map_or_else(|| "reference".into(), |n| n.to_string_lossy().into_owned());
    let many = sc.pairs.len() > 1;
    reference
        .pairs()
        .into_iter()
        .map(|pair| Series {
            pair,
            label: if many {
                format!("measured {}: {name}", sc.pair_key(pair))
            } else {
                format!("measured: {name}")
            },
            points: reference
                .points
                .iter()
                .filter(|p| p.pair == pair)
                .map(|p| {
                    let mid = (p.from.day() + p.until.day() - 1) / 2;
                    (Date::from_day(mid), p.score)
                })
                .collect(),
            role: SeriesRole::Reference,
            // The 95% interval of each date that has one.
            band: reference
                .points
                .iter()
                .filter(|p| p.pair == pair)
                .filter_map(|p| {
                    let mid = (p.from.day() + p.until.day() - 1) / 2;
                    p.uncertainty.map(|u| (Date::from_day(mid), u.lo, u.hi))
                })
                .collect(),
        })
        .collect()
}

/// `fit.csv`: per reference date and pair, `date,pair,reference`, each curve's value
/// there (the mean of its monthly values of the pair in the date's period), then the
/// label.
pub fn fit_csv(
    sc: &Scenario,
    reference: &Reference,
    days: &[Day],
    curves: &[Curve<'_>],
) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut head = vec![
        "date".to_string(),
        "pair".to_string(),
        "reference".to_string(),
    ];
    head.extend(curves.iter().map(|c| c.name.to_string()));
    head.push("label".into());
    w.write_record(&head)?;
    let columns: Vec<Vec<fit::Pair>> = curves
        .iter()
        .map(|c| fit::pairs(reference, days, c.values, None, 0))
        .collect();
    for (i, p) in reference.points.iter().enumerate() {
        let mut row = vec![p.text.clone(), sc.pair_key(p.pair), fixed(p.score)];
        for col in &columns {
            row.push(
                col.iter()
                    .find(|q| q.point == i)
                    .map_or_else(String::new, |q| fixed(q.run)),
            );
        }
        row.push(p.label.clone());
        w.write_record(&row)?;
    }
    w.into_inner().map_err(|e| e.into_error().into())
}

/// The best lag in words: `+6 months (r 0.91)`, or `none`.
fn lag_text(f: &Fit) -> String {
    f.lag.map_or_else(
        || "none".to_string(),
        |(k, r)| {
            format!(
                "{k:+} month{} (r {r:.2})",
                if k.abs() == 1 { "" } else { "s" }
            )
        },
    )
}

/// The rows of a curve's fit: `(pair label, fit)`, per measured pair then all pairs
/// pooled; with one pair, its one fit under an empty label.
fn rows<'a>(sc: &Scenario, f: &'a CurveFit) -> Vec<(String, &'a Fit)> {
    if sc.pairs.len() == 1 {
        return vec![(String::new(), &f.overall)];
    }
    let mut out: Vec<(String, &Fit)> = f.pairs.iter().map(|(p, x)| (sc.pair_key(*p), x)).collect();
    out.push((ALL.to_string(), &f.overall));
    out
}

/// The width of the pair column: the longest key, or "all pairs".
fn pair_width(sc: &Scenario) -> usize {
    (0..sc.pairs.len())
        .map(|p| sc.pair_key(p).chars().count())
        .max()
        .unwrap_or(0)
        .max(ALL.len())
}

/// What the fit's reader must know of the series before its figures: the rows without a
/// score that were skipped, how the uncertainty weights the fit, and a warning for a
/// series (or a pair's) of fewer than 12 dates.
pub fn notes(sc: &Scenario, reference: &Reference) -> String {
    let mut out = String::new();
    if reference.skipped > 0 {
        let _ = writeln!(
            out,
            "  {} row{} without a score (NA, NaN or empty) skipped",
            reference.skipped,
            if reference.skipped == 1 { "" } else { "s" }
        );
    }
    if reference.points.iter().any(|p| p.uncertainty.is_some()) {
        let _ = writeln!(
            out,
            "  weighted by the series' uncertainty: each date by 1/sd² (r, RMSE and bias; same band counts dates)"
        );
    }
    let many = sc.pairs.len() > 1;
    for pair in reference.pairs() {
        let n = reference.points.iter().filter(|p| p.pair == pair).count();
        let what = if many {
            format!("the series of {}", sc.pair_key(pair))
        } else {
            "the series".to_string()
        };
        if let Some(w) = fit::few_dates_warning(&what, n) {
            let _ = writeln!(out, "  {w}");
        }
    }
    out
}

/// The fit summary: one row per curve; with several pairs, one per curve and measured
/// pair, and one per curve for all pairs pooled.
pub fn fit_text(sc: &Scenario, reference: &Reference, fits: &[CurveFit]) -> String {
    let mut out = String::new();
    let first = reference
        .points
        .first()
        .map_or(String::new(), |p| p.text.clone());
    let last = reference
        .points
        .last()
        .map_or(String::new(), |p| p.text.clone());
    let many = sc.pairs.len() > 1;
    let dates = if many {
        let n = reference.pairs().len();
        format!(
            "{} dates of {n} pair{}",
            reference.points.len(),
            if n == 1 { "" } else { "s" }
        )
    } else {
        format!("{} dates", reference.points.len())
    };
    let _ = writeln!(
        out,
        "fit to {} ({dates}, {first} to {last}; scale of {}):",
        reference.files(),
        sc.title()
    );
    out.push_str(&notes(sc, reference));
    let width = fits
        .iter()
        .map(|f| f.name.chars().count())
        .max()
        .unwrap_or(0)
        .max(5);
    let pw = pair_width(sc);
    let pair_head = if many {
        format!("  {:<pw$}", "pair")
    } else {
        String::new()
    };
    let _ = writeln!(
        out,
        "  {:<width$}{pair_head}  {:>5}  {:>6}  {:>6}  {:>6}  {:>9}  best lag",
        "curve", "dates", "r", "RMSE", "bias", "same band"
    );
    for f in fits {
        for (pair, x) in rows(sc, f) {
            let pair = if many {
                format!("  {pair:<pw$}")
            } else {
                String::new()
            };
            let _ = writeln!(
                out,
                "  {:<width$}{pair}  {}  {}",
                f.name,
                fit::columns(x),
                lag_text(x)
            );
        }
    }
    out
}

/// The fits of every curve, with `fit.csv` and the summary text.
pub fn fit_report(
    sc: &Scenario,
    reference: &Reference,
    days: &[Day],
    curves: &[Curve<'_>],
) -> Result<(Vec<CurveFit>, Vec<u8>, String), csv::Error> {
    let fits = crate::research::fits(sc, reference, days, curves);
    let text = fit_text(sc, reference, &fits);
    Ok((fits, fit_csv(sc, reference, days, curves)?, text))
}

/// Puts the reference's lines on a chart and the fit of `first` (the run, the ensemble
/// mean, the baseline or the calibrated run) in the footer: r and RMSE, per measured pair
/// and for all pairs when there are several.
pub fn annotate(model: &mut ChartModel, sc: &Scenario, reference: &Reference, first: &CurveFit) {
    model.series.extend(reference_series(sc, reference));
    // Say which curve: the footer sits under a chart that may show another line too
    // (the run of the first seed beside an ensemble's bands).
    let what = format!("{} vs measured", first.name);
    let words = if sc.pairs.len() == 1 {
        first.overall.short()
    } else {
        rows(sc, first)
            .iter()
            .map(|(pair, f)| format!("{pair} {}", f.short()))
            .collect::<Vec<_>>()
            .join("; ")
    };
    model.small_print = format!("{} · {what}: {words}", model.small_print);
}

/// The fit of the baseline and the calibrated mean on the training and test periods,
/// side by side (`calibration.txt`); with several pairs, per measured pair and pooled.
pub fn train_test_text(
    sc: &Scenario,
    reference: &Reference,
    curves: &[(&str, &[f64])],
    train: Option<(Date, Date)>,
    test: Option<(Date, Date)>,
) -> String {
    let days = experiment::months(sc);
    let mut out = String::new();
    let period = |p: Option<(Date, Date)>| {
        p.map_or_else(|| "all dates".to_string(), |(a, b)| format!("{a} to {b}"))
    };
    let many = sc.pairs.len() > 1;
    let pw = pair_width(sc);
    let mut selections: Vec<(String, Option<usize>)> = Vec::new();
    if many {
        selections.extend(
            reference
                .pairs()
                .into_iter()
                .map(|p| (sc.pair_key(p), Some(p))),
        );
        selections.push((ALL.to_string(), None));
    } else {
        selections.push((String::new(), None));
    }
    let pair_cell = |label: &str| {
        if many {
            format!("  {label:<pw$}")
        } else {
            String::new()
        }
    };
    let _ = writeln!(
        out,
        "  {:<10}{}  {:<7}  {:>5}  {:>6}  {:>6}  {:>6}  {:>9}",
        "curve",
        pair_cell("pair"),
        "period",
        "dates",
        "r",
        "RMSE",
        "bias",
        "same band"
    );
    for (name, values) in curves {
        for (label, only) in &selections {
            for (what, window) in [("train", train), ("test", test)] {
                if what == "test" && test.is_none() {
                    continue;
                }
                let f = Fit::of_pair(sc, reference, &days, values, window, *only);
                // A pair the period holds no date of has nothing to say.
                if only.is_some() && f.n == 0 {
                    continue;
                }
                let _ = writeln!(
                    out,
                    "  {name:<10}{}  {what:<7}  {}",
                    pair_cell(label),
                    fit::columns(&f)
                );
            }
        }
    }
    let _ = writeln!(
        out,
        "  (train: {}; test: {})",
        period(train),
        if test.is_some() {
            period(test)
        } else {
            "none given".into()
        }
    );
    for (what, window) in [
        ("the training period", Some(train)),
        ("the test period", test.map(Some)),
    ] {
        let Some(window) = window else { continue };
        let n = reference
            .points
            .iter()
            .filter(|p| window.is_none_or(|(a, b)| a <= p.from && p.from <= b))
            .count();
        if let Some(w) = fit::few_dates_warning(what, n) {
            let _ = writeln!(out, "  {w}");
        }
    }
    out
}
