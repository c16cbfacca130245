//! Research tools: a measured reference series beside the runs, and the fit between them.
//!
//! [`reference`](mod@reference) reads and checks the series a researcher brings; [`fit`] measures how
//! close a monthly curve comes to it; [`calibrate`], [`search`] and [`sensitivity`] move
//! declared parameters against it, and [`diagnose`] says when to doubt a calibration; [`shard`] splits experiments between machines. This
//! module computes numbers only: [`crate::report`] turns them into `fit.csv`, the summary
//! text and the reference's line on the chart.

pub mod calibrate;
pub mod diagnose;
pub mod fit;
pub mod reference;
pub mod search;
pub mod sensitivity;
pub mod shard;

use crate::date::Day;
use crate::scenario::Scenario;

pub use fit::Fit;
pub use reference::{Reference, ReferenceError};

/// A named monthly curve to fit: `values[p * months + m]` for pair `p` on the month of
/// `days[m]` (the cells of [`crate::experiment`]).
#[derive(Clone, Copy, Debug)]
pub struct Curve<'a> {
    /// Column name, e.g. "baseline" or a variant's name.
    pub name: &'a str,
    /// One value per month of the span and pair.
    pub values: &'a [f64],
}

/// The fits of one curve: per pair the reference measures, and all of them pooled.
#[derive(Clone, Debug, PartialEq)]
pub struct CurveFit {
    /// The curve's name.
    pub name: String,
    /// Per pair with reference points (index into the scenario's pairs, ascending), its
    /// fit.
    pub pairs: Vec<(usize, Fit)>,
    /// Every pair's points pooled: with one pair, that pair's fit.
    pub overall: Fit,
}

/// The fits of every curve, per pair and overall.
pub fn fits(
    sc: &Scenario,
    reference: &Reference,
    days: &[Day],
    curves: &[Curve<'_>],
) -> Vec<CurveFit> {
    let measured = reference.pairs();
    curves
        .iter()
        .map(|c| CurveFit {
            name: c.name.to_string(),
            pairs: measured
                .iter()
                .map(|&p| {
                    (
                        p,
                        Fit::of_pair(sc, reference, days, c.values, None, Some(p)),
                    )
                })
                .collect(),
            overall: Fit::of(sc, reference, days, c.values, None),
        })
        .collect()
}

/// Reads a reference file and checks it against the scenario, with its hash for the
/// manifest.
pub fn load(
    path: &std::path::Path,
    sc: &Scenario,
) -> Result<(Reference, crate::output::Input), ReferenceError> {
    load_for(path, sc, None)
}

/// As [`load`], for the series of one pair (a scenario's `pairs[].reference`), or of the
/// file's own pairs when `pair` is `None`.
pub fn load_for(
    path: &std::path::Path,
    sc: &Scenario,
    pair: Option<usize>,
) -> Result<(Reference, crate::output::Input), ReferenceError> {
    let bytes = reference::read(path)?;
    let reference = Reference::parse_for(&bytes, path, sc, pair)?;
    Ok((reference, crate::output::Input::new(path, &bytes)))
}
