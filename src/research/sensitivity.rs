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

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

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

/// Runs both methods with `paths` Morris paths; `progress(n)` hears each evaluation.
pub fn analyse(
    problem: &Problem<'_>,
    reference: Option<&Reference>,
    days: &[Day],
    paths: usize,
    seed: u64,
    progress: &dyn Fn(),
) -> Result<Vec<Effect>, ScenarioError> {
    let params = &problem.params.params;
    let k = params.len();
    let bounds: Vec<(f64, f64)> = params.iter().map(|p| p.bounds()).collect();
    let to_x = |u: &[f64]| -> Vec<f64> {
        u.iter()
            .zip(&bounds)
            .map(|(&t, &(a, b))| a + t * (b - a))
            .collect()
    };
    let eval = |x: &[f64]| -> Result<Vec<f64>, ScenarioError> {
        progress();
        problem.mean(x)
    };
    let rmse = |curve: &[f64]| reference.map(|r| fit::rmse(&fit::pairs(r, days, curve, None, 0)));
    let start: Vec<f64> = params.iter().map(|p| p.start(problem.file)).collect();
    let base_curve = eval(&start)?;
    let mut effects = Vec::with_capacity(k);
    for (i, p) in params.iter().enumerate() {
        let (a, b) = bounds[i];
        let (mut largest, mut lo, mut hi) = (0.0f64, f64::INFINITY, f64::NEG_INFINITY);
        for l in 0..LEVELS {
            let mut x = start.clone();
            x[i] = a + (b - a) * l as f64 / (LEVELS - 1) as f64;
            let curve = eval(&x)?;
            largest = largest.max(mean_abs(&curve, &base_curve));
            if let Some(r) = rmse(&curve) {
                lo = lo.min(r);
                hi = hi.max(r);
            }
        }
        effects.push(Effect {
            name: p.name(),
            bounds: (a, b),
            oat_trajectory: largest,
            oat_rmse: reference.map(|_| (lo, hi)),
            mu_star: 0.0,
            sigma: 0.0,
            fit_mu_star: None,
        });
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut ee: Vec<Vec<f64>> = vec![Vec::new(); k];
    let mut ee_fit: Vec<Vec<f64>> = vec![Vec::new(); k];
    for _ in 0..paths {
        let mut u: Vec<f64> = (0..k)
            .map(|_| if rng.random_bool(0.5) { 1.0 / 3.0 } else { 0.0 })
            .collect();
        let mut order: Vec<usize> = (0..k).collect();
        for i in (1..k).rev() {
            let j = rng.random_range(0..=i);
            order.swap(i, j);
        }
        let mut curve = eval(&to_x(&u))?;
        let mut fit_now = rmse(&curve);
        for &i in &order {
            u[i] += DELTA;
            let next = eval(&to_x(&u))?;
            ee[i].push(mean_abs(&next, &curve) / DELTA);
            let fit_next = rmse(&next);
            if let (Some(a), Some(b)) = (fit_now, fit_next) {
                ee_fit[i].push((b - a) / DELTA);
            }
            curve = next;
            fit_now = fit_next;
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
    Ok(effects)
}

/// `sensitivity.csv`: one row per parameter, in the order of the params file.
pub fn csv(effects: &[Effect]) -> Result<Vec<u8>, csv::Error> {
    use crate::record::fixed;
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "parameter",
        "from",
        "to",
        "oat_trajectory",
        "oat_rmse_min",
        "oat_rmse_max",
        "morris_mu_star",
        "morris_sigma",
        "morris_fit_mu_star",
    ])?;
    let opt = |x: Option<f64>| x.map_or_else(String::new, fixed);
    for e in effects {
        w.write_record([
            e.name.clone(),
            fixed(e.bounds.0),
            fixed(e.bounds.1),
            fixed(e.oat_trajectory),
            opt(e.oat_rmse.map(|r| r.0)),
            opt(e.oat_rmse.map(|r| r.1)),
            fixed(e.mu_star),
            fixed(e.sigma),
            opt(e.fit_mu_star),
        ])?;
    }
    w.into_inner().map_err(|e| e.into_error().into())
}
