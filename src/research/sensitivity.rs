//! Sensitivity: which declared parameters the trajectory, and its fit to a measured
//! series, depend on.
//!
//! Two methods over the parameters of a params file (see [`super::calibrate`]), every
//! evaluation the ensemble mean on the same seeds:
//!
//! - **one at a time**: each parameter is set to [`LEVELS`] evenly spaced values across its
//!   bounds, the others kept at the scenario's own values; the effect on the trajectory is
//!   the largest mean absolute change of the monthly mean from the scenario's, and the fit
//!   is the RMSE against the reference at each level;
//! - **Morris elementary effects**: `r` random paths on a grid of 4 levels of the unit box,
//!   each moving one parameter at a time by 2/3 of its range; the elementary effect on the
//!   trajectory is the mean absolute change of the curve over the step, divided by the step,
//!   and on the fit the change of RMSE over the step. `mu*` is the mean of the absolute
//!   effects (the overall influence), `sigma` their standard deviation (interactions and
//!   non-linearity). The paths come from a ChaCha8 stream seeded with the command's seed.
//!
//! With several pairs, the curve is every pair's cells and the fit pools every pair's
//! reference points (see [`super::fit`]); [`effects`] takes a pair to measure one pair's
//! trajectory and fit instead.
//!
//! Every point to evaluate is known before the first run ([`Design`]), so the points go
//! over the rayon pool, and `--shard I/N` splits them between machines like runs; the
//! effects come from the curves of all points, in point order, wherever they were made.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use crate::date::Day;
use crate::research::Reference;
use crate::research::calibrate::Problem;
use crate::research::fit;
use crate::scenario::ScenarioError;

/// Levels of a one-at-a-time sweep.
pub const LEVELS: usize = 5;

/// Grid step of the Morris method on the unit box: p / (2 (p - 1)) with p = 4 levels.
const DELTA: f64 = 2.0 / 3.0;

/// How much one parameter matters.
#[derive(Clone, Debug, PartialEq)]
pub struct Effect {
    /// The parameter's name.
    pub name: String,
    /// The pair whose trajectory and fit it measures (index into the scenario's pairs),
    /// or `None` for every pair's cells and points pooled.
    pub pair: Option<usize>,
    /// Its bounds.
    pub bounds: (f64, f64),
    /// One at a time: the largest mean absolute change of the mean curve, in points.
    pub oat_trajectory: f64,
    /// One at a time: the lowest and highest RMSE against the reference over the levels.
    pub oat_rmse: Option<(f64, f64)>,
    /// Morris: mean absolute elementary effect on the trajectory (points per unit range).
    pub mu_star: f64,
    /// Morris: standard deviation of the elementary effects on the trajectory.
    pub sigma: f64,
    /// Morris: mean absolute elementary effect on the RMSE.
    pub fit_mu_star: Option<f64>,
}

fn mean_abs(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| (x - y).abs()).sum::<f64>() / a.len().max(1) as f64
}

/// The points a sensitivity analysis evaluates, in parameter values, in order: the
/// scenario's own values; the one-at-a-time levels, parameter by parameter; then every
/// Morris path's `k + 1` points. `moved[j]` names the parameter that point `j` moved
/// from point `j - 1` on a Morris path.
#[derive(Clone, Debug, PartialEq)]
pub struct Design {
    /// The points.
    pub points: Vec<Vec<f64>>,
    /// Per point, the parameter its Morris step moved, if it is one.
    pub moved: Vec<Option<usize>>,
}

impl Design {
    /// The design of `paths` Morris paths, drawn from a ChaCha8 stream seeded with `seed`.
    pub fn new(problem: &Problem<'_>, paths: usize, seed: u64) -> Design {
        let params = &problem.params.params;
        let k = params.len();
        let bounds: Vec<(f64, f64)> = params.iter().map(|p| p.bounds()).collect();
        let to_x = |u: &[f64]| -> Vec<f64> {
            u.iter()
                .zip(&bounds)
                .map(|(&t, &(a, b))| a + t * (b - a))
                .collect()
        };
        let start: Vec<f64> = params.iter().map(|p| p.start(problem.file)).collect();
        let mut points = vec![start.clone()];
        for (i, &(a, b)) in bounds.iter().enumerate() {
            for l in 0..LEVELS {
                let mut x = start.clone();
                x[i] = a + (b - a) * l as f64 / (LEVELS - 1) as f64;
                points.push(x);
            }
        }
        let mut moved = vec![None; points.len()];
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        for _ in 0..paths {
            let mut u: Vec<f64> = (0..k)
                .map(|_| if rng.random_bool(0.5) { 1.0 / 3.0 } else { 0.0 })
                .collect();
            let mut order: Vec<usize> = (0..k).collect();
            for i in (1..k).rev() {
                let j = rng.random_range(0..=i);
                order.swap(i, j);
            }
            points.push(to_x(&u));
            moved.push(None);
            for &i in &order {
                u[i] += DELTA;
                points.push(to_x(&u));
                moved.push(Some(i));
            }
        }
        Design { points, moved }
    }
}

/// The mean curves of points `range` of the design, over the rayon pool (each point's
/// runs nested in it), in point order; `progress` hears each point.
pub fn curves(
    problem: &Problem<'_>,
    design: &Design,
    range: std::ops::Range<usize>,
    progress: &(dyn Fn() + Sync),
) -> Result<Vec<Vec<f64>>, ScenarioError> {
    let found: Vec<Result<Vec<f64>, ScenarioError>> = design.points[range]
        .par_iter()
        .map(|x| {
            let curve = problem.mean(x);
            progress();
            curve
        })
        .collect();
    found.into_iter().collect()
}

/// Runs both methods with `paths` Morris paths; `progress` hears each evaluation.
pub fn analyse(
    problem: &Problem<'_>,
    reference: Option<&Reference>,
    days: &[Day],
    paths: usize,
    seed: u64,
    progress: &(dyn Fn() + Sync),
) -> Result<Vec<Effect>, ScenarioError> {
    let design = Design::new(problem, paths, seed);
    let curves = curves(problem, &design, 0..design.points.len(), progress)?;
    Ok(effects(problem, reference, days, &design, &curves, None))
}

/// The effects of every parameter from the curves of every point of the design: on the
/// cells and reference points of one pair, or of every pair pooled (`only` `None`).
pub fn effects(
    problem: &Problem<'_>,
    reference: Option<&Reference>,
    days: &[Day],
    design: &Design,
    curves: &[Vec<f64>],
    only: Option<usize>,
) -> Vec<Effect> {
    let params = &problem.params.params;
    let k = params.len();
    let rmse =
        |curve: &[f64]| reference.map(|r| fit::rmse(&fit::pairs_of(r, days, curve, None, 0, only)));
    let months = days.len();
    let cells = |c: &[f64]| -> Vec<f64> {
        match only {
            Some(p) => c[p * months..(p + 1) * months].to_vec(),
            None => c.to_vec(),
        }
    };
    let mean_abs = |a: &[f64], b: &[f64]| mean_abs(&cells(a), &cells(b));
    let base_curve = &curves[0];
    let mut effects = Vec::with_capacity(k);
    for (i, p) in params.iter().enumerate() {
        let (mut largest, mut lo, mut hi) = (0.0f64, f64::INFINITY, f64::NEG_INFINITY);
        for curve in &curves[1 + i * LEVELS..1 + (i + 1) * LEVELS] {
            largest = largest.max(mean_abs(curve, base_curve));
            if let Some(r) = rmse(curve) {
                lo = lo.min(r);
                hi = hi.max(r);
            }
        }
        effects.push(Effect {
            name: p.name(),
            pair: only,
            bounds: p.bounds(),
            oat_trajectory: largest,
            oat_rmse: reference.map(|_| (lo, hi)),
            mu_star: 0.0,
            sigma: 0.0,
            fit_mu_star: None,
        });
    }
    let mut ee: Vec<Vec<f64>> = vec![Vec::new(); k];
    let mut ee_fit: Vec<Vec<f64>> = vec![Vec::new(); k];
    for j in 1 + k * LEVELS..curves.len() {
        let Some(i) = design.moved[j] else { continue };
        let (before, after) = (&curves[j - 1], &curves[j]);
        ee[i].push(mean_abs(after, before) / DELTA);
        if let (Some(a), Some(b)) = (rmse(before), rmse(after)) {
            ee_fit[i].push((b - a) / DELTA);
        }
    }
    for (i, e) in effects.iter_mut().enumerate() {
        let n = ee[i].len().max(1) as f64;
        e.mu_star = ee[i].iter().sum::<f64>() / n;
        e.sigma = (ee[i].iter().map(|v| (v - e.mu_star).powi(2)).sum::<f64>() / n).sqrt();
        if reference.is_some() {
            e.fit_mu_star = Some(
                ee_fit[i].iter().map(|v| v.abs()).sum::<f64>() / ee_fit[i].len().max(1) as f64,
            );
        }
    }
    effects
}
