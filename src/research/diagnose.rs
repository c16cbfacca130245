//! What a calibration's reader must check before trusting it: parameters that ended on
//! (or near) a bound, a test period the calibration made worse (overfitting), each
//! start's result, how sharply the loss fixes each parameter, and rolling-origin
//! cross-validation in time.
//!
//! Everything here is a deterministic function of the problem (its losses are run on the
//! same seeds every time), so the diagnostics are the same bytes on every machine. The
//! evaluations of a profile go over the rayon pool and are collected in order; the folds
//! run one after another, each a whole search over the pool.

use std::ops::Range;

use rayon::prelude::*;

use crate::date::{Date, Day};
use crate::experiment::Progress;
use crate::research::Reference;
use crate::research::calibrate::{Objective, Param, Problem};
use crate::research::fit;
use crate::research::search::{self, Start};
use crate::scenario::ScenarioError;

/// A parameter within this share of its range from a bound is flagged.
pub const NEAR: f64 = 0.01;

/// Points of the loss's profile along each parameter, evenly spaced from bound to bound.
pub const PROFILE_POINTS: usize = 21;

/// Which bound a value sits on or near.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// The lower bound, `from`.
    Lower,
    /// The upper bound, `to`.
    Upper,
}

/// The bound `v` lies on or within [`NEAR`] of the range from, if any; and whether it is
/// on it (to rounding).
pub fn near_bound(p: &Param, v: f64) -> Option<(Side, bool)> {
    let (a, b) = p.bounds();
    let room = NEAR * (b - a);
    let on = |x: f64| (v - x).abs() <= 1e-9 * (b - a);
    if v - a <= room {
        Some((Side::Lower, on(a)))
    } else if b - v <= room {
        Some((Side::Upper, on(b)))
    } else {
        None
    }
}

/// The loss along one parameter, the others at their calibrated values, and the interval
/// of values whose loss stays within the threshold of the best.
#[derive(Clone, Debug, PartialEq)]
pub struct Profile {
    /// (value, loss), by value: the grid and the calibrated value.
    pub points: Vec<(f64, f64)>,
    /// The interval around the calibrated value where the loss is within the
    /// threshold, its ends found by linear interpolation between grid points.
    pub interval: (f64, f64),
    /// Whether each end reached the bound (the loss never crossed the threshold there).
    pub open: (bool, bool),
}

/// The loss up to which a value is in a parameter's interval, given the best loss and the
/// number of training dates. For the RMSE, the likelihood-ratio rule of a Gaussian error
/// of the best fit's size: the sum of squares may grow by 3.84 variances (the 95% point of
/// χ² with one degree of freedom), so RMSE ≤ best · sqrt(1 + 3.84 / n). For the band
/// share, one date more in another band.
pub fn threshold(objective: Objective, best: f64, n: usize) -> f64 {
    let n = n.max(1) as f64;
    match objective {
        Objective::Rmse => best * (1.0 + 3.84 / n).sqrt(),
        Objective::Band => best + 1.0 / n,
    }
}

/// Evaluations a profile makes: [`PROFILE_POINTS`] per parameter.
pub fn profile_evaluations(params: usize) -> usize {
    params * PROFILE_POINTS
}

/// The profiles of every parameter around `best` (loss `best_loss`), with the threshold
/// `limit`; `progress` hears each evaluation.
pub fn profiles(
    problem: &Problem<'_>,
    days: &[Day],
    best: &[f64],
    best_loss: f64,
    limit: f64,
    progress: &dyn Progress,
) -> Result<Vec<Profile>, ScenarioError> {
    let params = &problem.params.params;
    let grid: Vec<(usize, f64)> = params
        .iter()
        .enumerate()
        .flat_map(|(j, p)| {
            let (a, b) = p.bounds();
            (0..PROFILE_POINTS).map(move |g| {
                let t = g as f64 / (PROFILE_POINTS - 1) as f64;
                (
                    j,
                    if g + 1 == PROFILE_POINTS {
                        b
                    } else {
                        a + t * (b - a)
                    },
                )
            })
        })
        .collect();
    let losses: Vec<Result<f64, ScenarioError>> = grid
        .par_iter()
        .map(|&(j, v)| {
            let mut x = best.to_vec();
            x[j] = v;
            let loss = problem.loss(days, &x);
            progress.advance(1);
            loss
        })
        .collect();
    let losses: Vec<f64> = losses.into_iter().collect::<Result<_, _>>()?;
    Ok((0..params.len())
        .map(|j| {
            let mut points: Vec<(f64, f64)> = grid
                .iter()
                .zip(&losses)
                .filter(|((k, _), _)| *k == j)
                .map(|((_, v), l)| (*v, *l))
                .collect();
            points.push((best[j], best_loss));
            points.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
            points.dedup_by(|a, b| a.0 == b.0);
            interval(points, best[j], limit)
        })
        .collect())
}

/// The interval of a profile's points around `at` whose loss stays within `limit`.
fn interval(points: Vec<(f64, f64)>, at: f64, limit: f64) -> Profile {
    let i = points
        .iter()
        .position(|p| p.0 == at)
        .unwrap_or(points.len() / 2);
    let cross = |inside: (f64, f64), outside: (f64, f64)| {
        // Where the straight line between the two crosses the limit.
        let t = (limit - inside.1) / (outside.1 - inside.1);
        inside.0 + t.clamp(0.0, 1.0) * (outside.0 - inside.0)
    };
    let mut lo = i;
    while lo > 0 && points[lo - 1].1 <= limit {
        lo -= 1;
    }
    let mut hi = i;
    while hi + 1 < points.len() && points[hi + 1].1 <= limit {
        hi += 1;
    }
    let low = if lo == 0 {
        points[0].0
    } else {
        cross(points[lo], points[lo - 1])
    };
    let high = if hi + 1 == points.len() {
        points[hi].0
    } else {
        cross(points[hi], points[hi + 1])
    };
    Profile {
        open: (lo == 0, hi + 1 == points.len()),
        interval: (low.min(at), high.max(at)),
        points,
    }
}

/// How a start ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stop {
    /// It used its share of the budget.
    Budget,
    /// Its simplex collapsed (every vertex's loss the same) before the share was used.
    Collapsed,
}

impl Stop {
    /// How start `i` of `starts` ended, from the evaluations it made.
    pub fn of(start: &Start, budget: usize, starts: usize, i: usize) -> Stop {
        if start.evaluations < search::share(budget, starts, i) {
            Stop::Collapsed
        } else {
            Stop::Budget
        }
    }

    /// In words, for the reports.
    pub fn words(self) -> &'static str {
        match self {
            Stop::Budget => "budget",
            Stop::Collapsed => "collapsed simplex",
        }
    }
}

/// One fold of the rolling-origin cross-validation.
#[derive(Clone, Debug, PartialEq)]
pub struct Fold {
    /// The training window (first days of reference periods, inclusive) and its dates.
    pub train: ((Date, Date), usize),
    /// The test window and its dates.
    pub test: ((Date, Date), usize),
    /// The parameters the fold's search found on its training dates.
    pub best: Vec<f64>,
    /// RMSE on the fold's test dates: the scenario as written, then calibrated.
    pub test_rmse: (f64, f64),
    /// RMSE on the fold's training dates: the scenario as written, then calibrated.
    pub train_rmse: (f64, f64),
}

/// The windows of `k` folds over the reference dates within `train` (all when `None`):
/// the distinct period starts, in date order, cut into `k + 1` consecutive parts of
/// (nearly) equal counts; fold `i` (from 0) trains on parts `0..=i` and tests on part
/// `i + 1`. `None` when there are fewer dates than parts.
pub fn fold_windows(
    reference: &Reference,
    train: Option<(Date, Date)>,
    k: usize,
) -> Option<Vec<((Date, Date), (Date, Date))>> {
    let mut dates: Vec<Date> = reference
        .points
        .iter()
        .map(|p| p.from)
        .filter(|d| train.is_none_or(|(a, b)| a <= *d && *d <= b))
        .collect();
    dates.sort_unstable();
    dates.dedup();
    let parts = k.checked_add(1)?;
    if k == 0 || dates.len() < parts {
        return None;
    }
    let cut = |b: usize| b * dates.len() / parts;
    let part = |b: usize| -> Range<usize> { cut(b)..cut(b + 1) };
    Some(
        (0..k)
            .map(|i| {
                let (t, s) = (part(i), part(i + 1));
                (
                    (dates[0], dates[t.end - 1]),
                    (dates[s.start], dates[s.end - 1]),
                )
            })
            .collect(),
    )
}

/// Runs the folds: a search of `starts` starts on each fold's training dates, then the
/// RMSE of the scenario as written (`baseline`, its monthly mean on the same seeds) and
/// of the fold's calibration on the fold's dates. `progress` hears each evaluation.
pub fn folds(
    problem: &Problem<'_>,
    windows: &[((Date, Date), (Date, Date))],
    starts: usize,
    baseline: &[f64],
    progress: &dyn Progress,
) -> Result<Vec<Fold>, ScenarioError> {
    let Some(reference) = problem.reference else {
        return Ok(Vec::new());
    };
    let days = crate::experiment::months(problem.scenario);
    let mut out = Vec::new();
    for &(train, test) in windows {
        let fold = Problem {
            train: Some(train),
            ..*problem
        };
        let found = search::search(&fold, starts, 0..starts, progress)?;
        let cal = search::calibration(&fold, &found, "", "");
        let mean = fold.mean(&cal.best)?;
        let rmse = |curve: &[f64], w: (Date, Date)| {
            let pairs = fit::pairs(reference, &days, curve, Some(w), 0);
            (fit::rmse(&pairs), pairs.len())
        };
        let (base_test, n_test) = rmse(baseline, test);
        let (base_train, n_train) = rmse(baseline, train);
        out.push(Fold {
            train: (train, n_train),
            test: (test, n_test),
            best: cal.best,
            test_rmse: (base_test, rmse(&mean, test).0),
            train_rmse: (base_train, rmse(&mean, train).0),
        });
    }
    Ok(out)
}

/// A calibration's diagnostics, for the reports.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostics {
    /// Per parameter, the bound its calibrated value lies on or near, and whether on it.
    pub bounds: Vec<Option<(Side, bool)>>,
    /// Per parameter, the loss along it and its interval.
    pub profiles: Vec<Profile>,
    /// The loss up to which a value is in an interval ([`threshold`]).
    pub limit: f64,
    /// The calibrated values' loss, from which the limit is taken.
    pub best_loss: f64,
    /// The training dates the loss is taken on.
    pub train_dates: usize,
    /// Each start's result and how it ended, in start order.
    pub starts: Vec<(Start, Stop)>,
    /// The RMSE on the test period, of the scenario as written and of the calibrated
    /// run, when a test period was given.
    pub test: Option<(f64, f64)>,
    /// The folds of `--folds`, none without it.
    pub folds: Vec<Fold>,
}

impl Diagnostics {
    /// Whether the calibration fits the test period worse than the scenario as written.
    pub fn overfit(&self) -> bool {
        self.test.is_some_and(|(base, cal)| cal > base)
    }
}

impl Fold {
    /// Whether the fold's calibration fits its test dates worse than the scenario as
    /// written.
    pub fn overfit(&self) -> bool {
        self.test_rmse.1 > self.test_rmse.0
    }
}

/// The mean and the sample standard deviation of some numbers (the deviation 0 for one).
pub fn mean_and_spread(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    if xs.len() < 2 {
        return (mean, 0.0);
    }
    let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, var.sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_within_one_percent_of_a_bound_is_near_it() {
        let p = Param::Values { from: 0.5, to: 1.5 };
        assert_eq!(near_bound(&p, 0.5), Some((Side::Lower, true)));
        assert_eq!(near_bound(&p, 0.509), Some((Side::Lower, false)));
        assert_eq!(near_bound(&p, 0.52), None);
        assert_eq!(near_bound(&p, 1.0), None);
        assert_eq!(near_bound(&p, 1.495), Some((Side::Upper, false)));
        assert_eq!(near_bound(&p, 1.5), Some((Side::Upper, true)));
    }

    #[test]
    fn the_interval_is_where_the_loss_stays_under_the_limit() {
        // A parabola of minimum 1 at 0.3, on a grid from 0 to 1 by 0.1.
        let points: Vec<(f64, f64)> = (0..=10)
            .map(|g| {
                let v = g as f64 / 10.0;
                (v, 1.0 + (v - 0.3) * (v - 0.3) * 10.0)
            })
            .collect();
        // Within 1.1: |v - 0.3| <= 0.1, found between grid points by interpolation.
        let p = interval(points.clone(), 0.3, 1.1);
        assert!((p.interval.0 - 0.2).abs() < 1e-9, "{p:?}");
        assert!((p.interval.1 - 0.4).abs() < 1e-9, "{p:?}");
        assert_eq!(p.open, (false, false));
        // A loose limit reaches the lower bound, which is then open.
        let p = interval(points, 0.3, 2.0);
        assert_eq!(p.interval.0, 0.0);
        assert_eq!(p.open, (true, false));
    }

    #[test]
    fn the_rmse_threshold_is_the_likelihood_ratio_rule() {
        // n RMSE² grows by 3.84 RMSE²: on 96 dates, by 4%.
        assert!((threshold(Objective::Rmse, 1.0, 96) - 1.04f64.sqrt()).abs() < 1e-12);
        assert!((threshold(Objective::Band, 0.25, 20) - 0.3).abs() < 1e-12);
    }

    #[test]
    fn the_spread_is_the_sample_standard_deviation() {
        let (m, s) = mean_and_spread(&[1.0, 2.0, 3.0, 4.0]);
        assert_eq!(m, 2.5);
        assert!((s - (5.0f64 / 3.0).sqrt()).abs() < 1e-12);
        assert_eq!(mean_and_spread(&[2.0]), (2.0, 0.0));
    }
}
