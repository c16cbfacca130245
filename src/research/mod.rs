//! Research tools: a measured reference series beside the runs, and the fit between them.
//!
//! [`reference`] reads and checks the series a researcher brings; [`fit`] measures how
//! close a monthly curve comes to it. This module turns a fit into what the commands
//! write: `fit.csv`, the summary text and the reference's line on the chart.

pub mod calibrate;
pub mod fit;
pub mod reference;
pub mod search;
pub mod sensitivity;
pub mod shard;

use std::fmt::Write as _;

use crate::chart::{ChartModel, Series, SeriesRole};
use crate::date::{Date, Day};
use crate::record::fixed;
use crate::scenario::Scenario;

pub use fit::Fit;
pub use reference::{Reference, ReferenceError};

/// A named monthly curve to fit: `values[i]` on the month of `days[i]`.
#[derive(Clone, Copy, Debug)]
pub struct Curve<'a> {
    /// Column name, e.g. "baseline" or a variant's name.
    pub name: &'a str,
    /// One value per month of the span.
    pub values: &'a [f64],
}

/// The reference as a chart line: one point in the middle of each period.
pub fn series(reference: &Reference) -> Series {
    let name = reference
        .path
        .file_name()
        .map_or_else(|| "reference".into(), |n| n.to_string_lossy().into_owned());
    Series {
        label: format!("measured: {name}"),
        points: reference
            .points
            .iter()
            .map(|p| {
                let mid = (p.from.day() + p.until.day() - 1) / 2;
                (Date::from_day(mid), p.score)
            })
            .collect(),
        role: SeriesRole::Reference,
        band: Vec::new(),
    }
}

/// `fit.csv`: per reference date, `date,reference`, each curve's value there (the mean
/// of its monthly values in the date's period), then the label.
pub fn fit_csv(
    reference: &Reference,
    days: &[Day],
    curves: &[Curve<'_>],
) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut head = vec!["date".to_string(), "reference".to_string()];
    head.extend(curves.iter().map(|c| c.name.to_string()));
    head.push("label".into());
    w.write_record(&head)?;
    let columns: Vec<Vec<fit::Pair>> = curves
        .iter()
        .map(|c| fit::pairs(reference, days, c.values, None, 0))
        .collect();
    for (i, p) in reference.points.iter().enumerate() {
        let mut row = vec![p.text.clone(), fixed(p.score)];
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

/// The fit summary: one row per curve.
pub fn fit_text(sc: &Scenario, reference: &Reference, fits: &[(&str, Fit)]) -> String {
    let mut out = String::new();
    let first = reference
        .points
        .first()
        .map_or(String::new(), |p| p.text.clone());
    let last = reference
        .points
        .last()
        .map_or(String::new(), |p| p.text.clone());
    let _ = writeln!(
        out,
        "fit to {} ({} dates, {first} to {last}; scale of {}):",
        reference.path.display(),
        reference.points.len(),
        sc.title()
    );
    let width = fits
        .iter()
        .map(|f| f.0.chars().count())
        .max()
        .unwrap_or(0)
        .max(5);
    let _ = writeln!(
        out,
        "  {:<width$}  {:>5}  {:>6}  {:>6}  {:>6}  {:>9}  best lag",
        "curve", "dates", "r", "RMSE", "bias", "same band"
    );
    for (name, f) in fits {
        let lag = f.lag.map_or_else(
            || "none".to_string(),
            |(k, r)| {
                format!(
                    "{k:+} month{} (r {r:.2})",
                    if k.abs() == 1 { "" } else { "s" }
                )
            },
        );
        let _ = writeln!(out, "  {name:<width$}  {}  {lag}", fit::columns(f));
    }
    out
}

/// The fits of every curve, with `fit.csv` and the summary text.
pub fn report(
    sc: &Scenario,
    reference: &Reference,
    days: &[Day],
    curves: &[Curve<'_>],
) -> Result<(Vec<(String, Fit)>, Vec<u8>, String), csv::Error> {
    let fits: Vec<(String, Fit)> = curves
        .iter()
        .map(|c| {
            (
                c.name.to_string(),
                Fit::of(sc, reference, days, c.values, None),
            )
        })
        .collect();
    let named: Vec<(&str, Fit)> = fits.iter().map(|(n, f)| (n.as_str(), f.clone())).collect();
    let text = fit_text(sc, reference, &named);
    Ok((fits, fit_csv(reference, days, curves)?, text))
}

/// Reads a reference file and checks it against the scenario, with its hash for the
/// manifest.
pub fn load(
    path: &std::path::Path,
    sc: &Scenario,
) -> Result<(Reference, crate::output::Input), ReferenceError> {
    let bytes = reference::read(path)?;
    let reference = Reference::parse(&bytes, path, sc)?;
    Ok((reference, crate::output::Input::new(path, &bytes)))
}

/// Puts the reference's line on a chart and its fit in the footer: r and RMSE of the
/// first curve (the run, the ensemble mean or the baseline).
pub fn annotate(model: &mut ChartModel, reference: &Reference, fits: &[(String, Fit)]) {
    model.series.push(series(reference));
    if let Some((name, f)) = fits.first() {
        // Say which curve: the footer sits under a chart that may show another line too
        // (the run of the first seed beside an ensemble's bands).
        let what = format!("{name} vs measured");
        model.small_print = format!("{} · {what}: {}", model.small_print, f.short());
    }
}
