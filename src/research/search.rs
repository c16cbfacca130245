//! The calibration's search: argmin's Nelder-Mead from several starts, in parallel.
//!
//! The search moves on the unit cube of the bounds. argmin's Nelder-Mead knows no bounds,
//! so a point it proposes is folded into the cube (reflected at each face, like light
//! between two mirrors): inside the cube nothing changes, and a step past a face comes
//! back in, so the loss stays continuous and the simplex never sits on a flat plateau,
//! as it would if points were clamped.
//!
//! ## Starts and budget
//! A search of `K` starts begins from the scenario's own values (clamped into the bounds),
//! then from the points 1 to `K - 1` of a Halton sequence (bases 2, 3, 5, ... one per
//! parameter): a design that depends on nothing but `K` and the number of parameters.
//! Each start runs its own Nelder-Mead on its own share of the budget, `floor((i + 1) B /
//! K) - floor(i B / K)` evaluations for start `i` of `K` with budget `B`, and stops when
//! that share is used (or when its simplex has collapsed). The best of all starts wins,
//! the earliest start on a tie.
//!
//! Because no start hears from another, their order of running changes nothing: the
//! starts go over the rayon pool (each evaluation's runs go over the same pool, nested),
//! a shard runs some of them (`--shard I/N` splits the starts as it splits runs), and the
//! result is the same bytes on any number of threads or machines.

use std::cell::RefCell;
use std::ops::Range;

use argmin::core::{
    CostFunction, Error, Executor, IterState, KV, Problem as ArgminProblem, Solver, State as _,
    TerminationReason, TerminationStatus,
};
use argmin::solver::neldermead::NelderMead;
use argmin_math::{ArgminAdd, ArgminMul, ArgminSub};
use rayon::prelude::*;

use crate::date::Day;
use crate::experiment::{self, Progress};
use crate::research::calibrate::{Calibration, Param, Problem};
use crate::scenario::ScenarioError;

/// The length of the first simplex's edges, on the unit cube.
const STEP: f64 = 0.25;

/// What one start found.
#[derive(Clone, Debug, PartialEq)]
pub struct Start {
    /// The best parameters it found, one per declared parameter.
    pub best: Vec<f64>,
    /// Their loss.
    pub loss: f64,
    /// The loss at the point it started from.
    pub first_loss: f64,
    /// Evaluations it made.
    pub evaluations: usize,
}

impl Start {
    /// As a row of numbers for a shard file: the best parameters, the loss, the first
    /// loss and the evaluations.
    pub fn row(&self) -> Vec<f64> {
        let mut row = self.best.clone();
        row.extend([self.loss, self.first_loss, self.evaluations as f64]);
        row
    }

    /// Back from [`Start::row`], for `k` parameters; `None` for a row of another width.
    pub fn of_row(row: &[f64], k: usize) -> Option<Start> {
        if row.len() != k + 3 {
            return None;
        }
        // A loss is a finite number from 0, evaluations a whole number from 1: a row
        // that says otherwise was not made by a search.
        let (loss, first, evaluations) = (row[k], row[k + 1], row[k + 2]);
        let whole = evaluations >= 1.0 && evaluations.fract() == 0.0 && evaluations < 1e15;
        if !(loss >= 0.0 && first >= 0.0 && loss.is_finite() && first.is_finite() && whole)
            || row[..k].iter().any(|x| !x.is_finite())
        {
            return None;
        }
        Some(Start {
            best: row[..k].to_vec(),
            loss: row[k],
            first_loss: row[k + 1],
            evaluations: row[k + 2] as usize,
        })
    }
}

/// The numbers per start in a shard file, for `k` parameters.
pub fn row_width(k: usize) -> usize {
    k + 3
}

/// Start `i`'s share of a budget of `budget` evaluations over `starts` starts.
pub fn share(budget: usize, starts: usize, i: usize) -> usize {
    let at = |j: usize| ((j as u128 * budget as u128) / starts.max(1) as u128) as usize;
    at(i + 1) - at(i)
}

/// The `starts` points the search starts from, on the unit cube: the scenario's own
/// values first, then Halton points.
pub fn design(problem: &Problem<'_>, starts: usize) -> Vec<Vec<f64>> {
    let own: Vec<f64> = problem
        .params
        .params
        .iter()
        .map(|p| {
            let (a, b) = p.bounds();
            ((p.start(problem.file) - a) / (b - a)).clamp(0.0, 1.0)
        })
        .collect();
    let bases = primes(own.len());
    let mut out = vec![own];
    out.extend((1..starts).map(|i| bases.iter().map(|&b| halton(i as u64, b)).collect()));
    out.truncate(starts);
    out
}

/// The first `n` primes.
fn primes(n: usize) -> Vec<u64> {
    let mut out: Vec<u64> = Vec::with_capacity(n);
    let mut c = 2;
    while out.len() < n {
        if out.iter().take_while(|&&p| p * p <= c).all(|&p| c % p != 0) {
            out.push(c);
        }
        c += 1;
    }
    out
}

/// Point `i` of the van der Corput sequence in base `b`: the digits of `i` mirrored
/// behind the point.
fn halton(mut i: u64, b: u64) -> f64 {
    let (mut f, mut r) = (1.0, 0.0);
    while i > 0 {
        f /= b as f64;
        r += f * (i % b) as f64;
        i /= b;
    }
    r
}

/// A point folded into the unit cube: each coordinate reflected at 0 and 1.
fn fold(t: &[f64]) -> Vec<f64> {
    t.iter()
        .map(|&v| {
            let r = v.rem_euclid(2.0);
            if r <= 1.0 { r } else { 2.0 - r }
        })
        .collect()
}

/// Unit-cube coordinates into parameter values.
pub fn to_values(params: &[Param], u: &[f64]) -> Vec<f64> {
    params
        .iter()
        .zip(u)
        .map(|(p, &t)| {
            let (a, b) = p.bounds();
            a + t.clamp(0.0, 1.0) * (b - a)
        })
        .collect()
}

/// A point of the search space, for argmin's vector arithmetic.
#[derive(Clone, Debug)]
struct Point(Vec<f64>);

impl ArgminAdd<Point, Point> for Point {
    fn add(&self, other: &Point) -> Point {
        Point(self.0.iter().zip(&other.0).map(|(a, b)| a + b).collect())
    }
}

impl ArgminSub<Point, Point> for Point {
    fn sub(&self, other: &Point) -> Point {
        Point(self.0.iter().zip(&other.0).map(|(a, b)| a - b).collect())
    }
}

impl ArgminMul<f64, Point> for Point {
    fn mul(&self, by: &f64) -> Point {
        Point(self.0.iter().map(|a| a * by).collect())
    }
}

/// What one start's evaluations have seen.
#[derive(Default)]
struct Seen {
    used: usize,
    best: Option<(Vec<f64>, f64)>,
    first: Option<f64>,
    error: Option<ScenarioError>,
}

/// The loss of a start's points, within its budget. A point past the budget, or after a
/// candidate failed, costs nothing and is worth nothing (an infinite loss), so the search
/// ends at the end of that iteration without another run.
struct Cost<'p, 'a> {
    problem: &'p Problem<'a>,
    days: &'p [Day],
    budget: usize,
    progress: &'p dyn Progress,
    seen: RefCell<Seen>,
}

impl CostFunction for Cost<'_, '_> {
    type Param = Point;
    type Output = f64;

    fn cost(&self, t: &Point) -> Result<f64, Error> {
        let mut seen = self.seen.borrow_mut();
        if seen.used >= self.budget || seen.error.is_some() {
            return Ok(f64::INFINITY);
        }
        seen.used += 1;
        let u = fold(&t.0);
        let x = to_values(&self.problem.params.params, &u);
        let loss = self.problem.loss(self.days, &x);
        self.progress.advance(1);
        match loss {
            Ok(l) => {
                seen.first.get_or_insert(l);
                if seen.best.as_ref().is_none_or(|b| l < b.1) {
                    seen.best = Some((x, l));
                }
                Ok(l)
            }
            Err(e) => {
                seen.error = Some(e);
                Ok(f64::INFINITY)
            }
        }
    }
}

/// argmin's Nelder-Mead, stopped once the start's budget of calls is made (after a
/// candidate failed, the calls left are free).
struct Budgeted {
    solver: NelderMead<Point, f64>,
    budget: u64,
}

type State = IterState<Point, (), (), (), (), f64>;

impl<'p, 'a> Solver<Cost<'p, 'a>, State> for Budgeted {
    fn name(&self) -> &str {
        "Nelder-Mead within a budget"
    }

    fn init(
        &mut self,
        problem: &mut ArgminProblem<Cost<'p, 'a>>,
        state: State,
    ) -> Result<(State, Option<KV>), Error> {
        self.solver.init(problem, state)
    }

    fn next_iter(
        &mut self,
        problem: &mut ArgminProblem<Cost<'p, 'a>>,
        state: State,
    ) -> Result<(State, Option<KV>), Error> {
        self.solver.next_iter(problem, state)
    }

    fn terminate(&mut self, state: &State) -> TerminationStatus {
        let status = <NelderMead<Point, f64> as Solver<Cost<'p, 'a>, State>>::terminate(
            &mut self.solver,
            state,
        );
        if status.terminated() {
            return status;
        }
        // argmin counts every call, the free ones past the budget too.
        let calls = state.get_func_counts().get("cost_count").copied();
        if calls.unwrap_or(0) >= self.budget {
            return TerminationStatus::Terminated(TerminationReason::SolverExit(
                "budget used".into(),
            ));
        }
        TerminationStatus::NotTerminated
    }
}

/// Runs starts `range` of a search of `starts` starts, over the rayon pool, each on its
/// share of the problem's budget; `progress` hears each evaluation. The first failure in
/// start order is the error.
pub fn search(
    problem: &Problem<'_>,
    starts: usize,
    range: Range<usize>,
    progress: &dyn Progress,
) -> Result<Vec<Start>, ScenarioError> {
    let days = experiment::months(problem.scenario);
    let design = design(problem, starts);
    let found: Vec<Result<Start, ScenarioError>> = range
        .into_par_iter()
        .map(|i| {
            one(
                problem,
                &days,
                &design[i],
                share(problem.budget, starts, i),
                progress,
            )
        })
        .collect();
    found.into_iter().collect()
}

/// One start: Nelder-Mead from `u0` (unit cube) on `budget` evaluations.
fn one(
    problem: &Problem<'_>,
    days: &[Day],
    u0: &[f64],
    budget: usize,
    progress: &dyn Progress,
) -> Result<Start, ScenarioError> {
    let n = u0.len();
    // The first simplex: the start and one step along each axis, inwards.
    let mut simplex = vec![Point(u0.to_vec())];
    for i in 0..n {
        let mut p = u0.to_vec();
        p[i] += if p[i] + STEP <= 1.0 { STEP } else { -STEP };
        simplex.push(Point(p));
    }
    let cost = Cost {
        problem,
        days,
        budget,
        progress,
        seen: RefCell::new(Seen::default()),
    };
    let solver = Budgeted {
        solver: NelderMead::new(simplex),
        budget: budget as u64,
    };
    let ran = Executor::new(cost, solver)
        .configure(|state| state.max_iters(u64::MAX).counting(true))
        .timer(false)
        .run();
    let seen = match ran {
        Ok(mut result) => result
            .problem
            .take_problem()
            .map(|c| c.seen.into_inner())
            .unwrap_or_default(),
        // The cost never fails and the solver's steps are sound: nothing to say but that.
        Err(e) => {
            return Err(ScenarioError::Unusable {
                path: problem.path.to_path_buf(),
                message: format!("the search stopped: {e}"),
                hint: None,
            });
        }
    };
    if let Some(e) = seen.error {
        return Err(e);
    }
    let start_values = to_values(&problem.params.params, u0);
    let (best, loss) = seen.best.unwrap_or((start_values, f64::INFINITY));
    Ok(Start {
        best,
        loss,
        first_loss: seen.first.unwrap_or(f64::INFINITY),
        evaluations: seen.used,
    })
}

/// The calibration from every start's result, in start order: the best loss wins, the
/// earliest start on a tie.
pub fn calibration(
    problem: &Problem<'_>,
    starts: &[Start],
    base_name: &str,
    about: &str,
) -> Calibration {
    let own = to_values(
        &problem.params.params,
        design(problem, 1).first().map_or(&[][..], Vec::as_slice),
    );
    let mut best: Option<&Start> = None;
    for s in starts {
        if best.is_none_or(|b| s.loss < b.loss) {
            best = Some(s);
        }
    }
    let (best, loss) = best.map_or_else(
        || (own.clone(), f64::INFINITY),
        |b| (b.best.clone(), b.loss),
    );
    Calibration {
        text: problem.params.counterfactual(base_name, &best, about),
        best,
        loss,
        start: (own, starts.first().map_or(f64::INFINITY, |s| s.first_loss)),
        evaluations: starts.iter().map(|s| s.evaluations).sum(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A shard's row back into a start: a NaN or negative loss, or evaluations that are
    /// not a whole number from 1, were not made by a search, and are refused rather than
    /// picked as the best start.
    #[test]
    fn a_row_no_search_makes_is_refused() {
        let start = Start::of_row(&[0.5, 0.25, 1.5, 2.0, 30.0], 2).unwrap();
        assert_eq!(start.best, [0.5, 0.25]);
        assert_eq!(start.evaluations, 30);
        for bad in [
            [0.5, 0.25, -1.0, 2.0, 30.0],
            [0.5, 0.25, f64::NAN, 2.0, 30.0],
            [0.5, 0.25, 1.5, f64::INFINITY, 30.0],
            [0.5, 0.25, 1.5, 2.0, 0.0],
            [0.5, 0.25, 1.5, 2.0, 2.5],
            [f64::NAN, 0.25, 1.5, 2.0, 30.0],
        ] {
            assert!(Start::of_row(&bad, 2).is_none(), "{bad:?}");
        }
    }
}
