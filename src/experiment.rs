//! Experiments: ensembles, paired comparisons, event rankings and explanations.
//!
//! This module computes and returns numbers; [`crate::report`] turns them into CSV files,
//! text and charts.
//!
//! An experiment is plain data (a scenario, its variants, a list of seeds) and a plain
//! function over it. Runs are independent, so they go in parallel (rayon), never the inside
//! of one run: each worker builds one [`Simulation`] per chunk of seeds and reuses it, since
//! building one costs more than a run.
//!
//! ## Determinism
//! Results are collected in seed order and every sum is taken in seed order, so the output
//! is the same for any number of threads. Run `i` of `n` uses seed `first + i` (wrapping),
//! so one run with seed `s` is exactly `diplosim run --seed s`.
//!
//! ## Pairing
//! A comparison runs the baseline and each variant on the same seeds. Streams belong to
//! event ids (see [`crate::engine`]), so a variant draws the same numbers as the baseline
//! for every event it leaves alone: the difference of a pair is the effect of the change,
//! not noise (common random numbers).
//!
//! ## Curves of many pairs
//! A run's curve is the monthly score of every pair the scenario models, pair after pair:
//! the scores of pair `p` in month `m` sit at `p * months + m` (a "cell"). Every statistic
//! below is taken cell by cell, so a scenario of one pair has exactly the numbers of one
//! curve, and the writers in [`crate::report`] turn cells into one row per (date, pair).
//!
//! ## Percentiles
//! Percentile `p` of `n` values is Hyndman and Fan's type 7 (the default of R and NumPy):
//! sort the values `x[0] <= .. <= x[n-1]`, let `h = (n - 1) p`, and take
//! `x[floor h] + (h - floor h) (x[floor h + 1] - x[floor h])`.

use std::sync::atomic::{AtomicU64, Ordering};

use rayon::prelude::*;

use crate::date::{Date, Day};
use crate::engine::{RunError, Simulation};
use crate::record::Run;
use crate::scenario::counterfactual::without;
use crate::scenario::file::ScenarioFile;
use crate::scenario::{Level, Scenario, ScenarioError, validate};
use crate::score;

/// Why an experiment stopped.
#[derive(Debug, thiserror::Error)]
pub enum ExperimentError {
    /// A run stopped (the first in seed order that did).
    #[error("{0}")]
    Run(#[from] RunError),
    /// A run of a named variant stopped (the first in seed order that did).
    #[error("in the variant \"{variant}\": {source}")]
    Variant {
        /// The variant's name.
        variant: String,
        /// Why its run stopped.
        source: RunError,
    },
    /// A variant built from the scenario is not valid.
    #[error("{0}")]
    Scenario(#[from] ScenarioError),
    /// The date to explain lies outside the scenario's span.
    #[error("{date} lies outside the scenario's span, {from} to {to}: pick a date inside it")]
    OutsideSpan {
        /// The date asked for.
        date: Date,
        /// The span's first day.
        from: Date,
        /// The span's last day.
        to: Date,
    },
    /// Zero runs were asked for.
    #[error("--runs must be at least 1")]
    NoRuns,
    /// The scores the experiment must keep would not fit its memory budget.
    #[error(
        "{runs} runs x {months} months{} is {} scores to keep in memory, more than the {} ({} GiB) an experiment may hold\n  = help: use fewer runs: at most {most_runs} for this scenario's span",
        if *curves == 1 { String::new() } else { format!(" x {curves} curves") },
        u128::from(*runs) * *months as u128 * u128::from(*curves),
        SCORE_BUDGET,
        (SCORE_BUDGET * 8) >> 30
    )]
    TooManyScores {
        /// Runs asked for.
        runs: u64,
        /// Months in the span.
        months: usize,
        /// Curves kept at once (2 for a comparison).
        curves: u64,
        /// The most runs that fit.
        most_runs: u64,
    },
}

impl ExperimentError {
    /// This error with a run that stopped named after the variant `name` it belonged to
    /// (other errors as they are).
    pub fn of_variant(self, name: &str) -> ExperimentError {
        match self {
            ExperimentError::Run(source) => ExperimentError::Variant {
                variant: name.to_string(),
                source,
            },
            e => e,
        }
    }
}

/// The seeds of an experiment: run `i` uses `first + i`, wrapping.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Seeds {
    /// Seed of the first run.
    pub first: u64,
    /// Number of runs, at least 1.
    pub runs: u64,
}

impl Seeds {
    /// `runs` seeds from `first`; an error for zero runs.
    pub fn new(first: u64, runs: u64) -> Result<Seeds, ExperimentError> {
        if runs == 0 {
            return Err(ExperimentError::NoRuns);
        }
        Ok(Seeds { first, runs })
    }

    /// The seeds in run order.
    pub fn list(&self) -> Vec<u64> {
        (0..self.runs).map(|i| self.first.wrapping_add(i)).collect()
    }
}

/// Hears how far an experiment has got; called from worker threads.
pub trait Progress: Sync {
    /// The experiment will make this many runs in all.
    fn start(&self, _runs: u64) {}
    /// This many more runs have finished.
    fn advance(&self, _runs: u64) {}
    /// The experiment is over.
    fn finish(&self) {}
}

/// No progress report.
impl Progress for () {}

/// The percentiles of an ensemble, as fractions.
pub const PERCENTILES: [f64; 5] = [0.05, 0.25, 0.5, 0.75, 0.95];

/// A difference of at least this many points, in any run, parts a variant from the
/// baseline.
pub const PARTING: f64 = 0.01;

/// The histories come back together when the mean paired difference stays within this
/// many points ...
pub const REJOIN: f64 = 0.5;

/// ... for this many months in a row (five years).
pub const REJOIN_MONTHS: usize = 60;

/// The most monthly scores an experiment keeps in memory at once: 2^28, 2 GiB of `f64`.
/// Exact percentiles need every run's score of a month at hand, so an ensemble keeps runs
/// x months scores, a comparison twice that (the baseline and one variant at a time), and
/// a ranking the baseline's.
pub const SCORE_BUDGET: u64 = 1 << 28;

/// Checks that `curves` x runs x months scores fit in [`SCORE_BUDGET`], before any run.
fn within_budget(seeds: Seeds, months: usize, curves: u64) -> Result<(), ExperimentError> {
    let needed = u128::from(seeds.runs) * months as u128 * u128::from(curves);
    if needed <= u128::from(SCORE_BUDGET) {
        return Ok(());
    }
    Err(ExperimentError::TooManyScores {
        runs: seeds.runs,
        months,
        curves,
        most_runs: SCORE_BUDGET / (months.max(1) as u64 * curves),
    })
}

/// Runs `work` on a pool of at most as many threads as the machine has cores and as
/// there are runs (fewer if `RAYON_NUM_THREADS` asks for fewer): a larger pool only adds
/// threads that wait. Inside a pool the caller built, `work` runs on that pool.
fn on_pool<T: Send>(runs: u64, work: impl FnOnce() -> T + Send) -> T {
    if rayon::current_thread_index().is_some() {
        return work();
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let asked = std::env::var("RAYON_NUM_THREADS").ok();
    let threads = pool_size(runs, asked.as_deref(), cores);
    match rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
        Ok(pool) => pool.install(work),
        // No thread could be started: the caller's thread does the work through rayon's
        // global pool, as before this cap.
        Err(_) => work(),
    }
}

/// Threads for `runs` runs on a machine with `cores`: no more than either, nor than
/// `asked` (the text of `RAYON_NUM_THREADS`) when that is a positive number.
fn pool_size(runs: u64, asked: Option<&str>, cores: usize) -> usize {
    let asked = asked
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|&n| n > 0)
        .unwrap_or(cores);
    asked
        .min(cores)
        .min(usize::try_from(runs).unwrap_or(usize::MAX))
        .max(1)
}

/// The monthly scores of every run of an experiment, kept once: run `k`'s cells (pair
/// after pair, each pair's months in order) are `values[k * months..(k + 1) * months]`,
/// in seed order; `months` counts cells, the months of the span times its pairs.
struct Scores {
    months: usize,
    values: Vec<f64>,
}

impl Scores {
    /// The score of run `k` in cell `m`.
    fn at(&self, k: usize, m: usize) -> f64 {
        self.values[k * self.months + m]
    }

    /// Number of runs.
    fn runs(&self) -> usize {
        self.values.len() / self.months.max(1)
    }
}

/// The fewest runs a chunk of [`scores_of`] is given (fewer when there are fewer runs).
const MIN_RUNS_PER_CHUNK: usize = 50;

/// Runs `sc` once per seed, in parallel, keeping each run's monthly scores; `observe`
/// chooses the runs kept whole and is shown each of them (in no set order), the others
/// give their scores only. A run that stops is reported: the first in seed order.
fn scores_of(
    sc: &Scenario,
    seeds: Seeds,
    months: usize,
    progress: &dyn Progress,
    observe: Observe<impl Fn(u64) -> bool + Sync, impl Fn(&Run) + Sync>,
) -> Result<Scores, RunError> {
    scores_of_each(&[sc], &[], seeds, months, progress, observe)
}

/// Which runs of an experiment are kept whole, and what is done with them; the others give
/// their monthly scores only ([`Simulation::run_scores_only`]: no samples, no log).
struct Observe<W, F> {
    /// Whether the run of a seed is kept whole.
    keep_whole: W,
    /// Called with each run kept whole.
    on_whole_run: F,
}

/// No run kept whole.
fn scores_only() -> Observe<impl Fn(u64) -> bool + Sync, impl Fn(&Run) + Sync> {
    Observe {
        keep_whole: |_| false,
        on_whole_run: |_: &Run| (),
    }
}

/// As [`scores_of`], run `k` running `scenarios[which[k]]` (the first when `which` is
/// empty): the scenario read under the run's readings.
fn scores_of_each(
    scenarios: &[&Scenario],
    which: &[usize],
    seeds: Seeds,
    months: usize,
    progress: &dyn Progress,
    observe: Observe<impl Fn(u64) -> bool + Sync, impl Fn(&Run) + Sync>,
) -> Result<Scores, RunError> {
    // `within_budget` has bounded runs x months, so these fit a usize.
    let runs = seeds.runs as usize;
    let mut values = vec![0.0; runs * months];
    // Eight chunks a thread balance a loaded machine; at least 50 runs a chunk keep the
    // assembling of its simulation (about a run's work) under 2% of it (a 200-run
    // what-if is four chunks).
    let per_chunk = runs
        .div_ceil(rayon::current_num_threads() * 8)
        .max(MIN_RUNS_PER_CHUNK);
    // One copy of each scenario read for every chunk's simulations.
    let shared: Vec<std::sync::Arc<Scenario>> = (scenarios.iter())
        .map(|sc| std::sync::Arc::new((*sc).clone()))
        .collect();
    let chunks: Vec<Result<(), RunError>> = values
        .par_chunks_mut((per_chunk * months).max(1))
        .enumerate()
        .map(|(c, block)| {
            // A simulation per scenario read, built when a run first needs it.
            let mut sims: Vec<Option<Simulation>> = scenarios.iter().map(|_| None).collect();
            for (k, row) in block.chunks_mut(months.max(1)).enumerate() {
                let index = c * per_chunk + k;
                let seed = seeds.first.wrapping_add(index as u64);
                let s = which.get(index).copied().unwrap_or(0);
                let sim = sims[s].get_or_insert_with(|| Simulation::shared(shared[s].clone()));
                if (observe.keep_whole)(seed) {
                    let run = sim.run_with_scores(seed, row)?;
                    (observe.on_whole_run)(&run);
                } else {
                    sim.run_scores_only(seed, row)?;
                }
                progress.advance(1);
            }
            Ok(())
        })
        .collect();
    chunks.into_iter().collect::<Result<(), _>>()?;
    Ok(Scores { months, values })
}

/// Per month, `f` of the column of that month (one value per run, in seed order), in
/// parallel over months with one column buffer per thread.
fn per_month<R: Send>(
    months: usize,
    runs: usize,
    column: impl Fn(usize, &mut Vec<f64>) + Sync,
    f: impl Fn(&mut Vec<f64>) -> R + Sync,
) -> Vec<R> {
    (0..months)
        .into_par_iter()
        .map_init(
            || Vec::with_capacity(runs),
            |col, m| {
                col.clear();
                column(m, col);
                f(col)
            },
        )
        .collect()
}

/// The mean of values, summed in order from -0.0 (as `Iterator::sum` does for floats).
fn mean(values: &[f64]) -> f64 {
    values.iter().fold(-0.0, |sum, x| sum + x) / values.len() as f64
}

/// Per cell, the mean over the runs of the cell's values, as [`mean`] computes it (the
/// same sums in the same order, bit for bit), from `row(k)`, run `k`'s cells: read row
/// by row, where gathering each cell's column strides across every run and misses the
/// cache at each step.
fn means_by_row<'a>(cells: usize, runs: usize, row: impl Fn(usize) -> &'a [f64]) -> Vec<f64> {
    let mut sums = vec![-0.0; cells];
    for k in 0..runs {
        for (sum, x) in sums.iter_mut().zip(row(k)) {
            *sum += x;
        }
    }
    sums.iter().map(|sum| sum / runs as f64).collect()
}

/// The cells of a run's curve: the months of the span times the pairs.
pub fn cells(sc: &Scenario) -> usize {
    months(sc).len() * sc.pairs.len()
}

/// The first days of the months of the span: the rows of every table.
pub fn months(sc: &Scenario) -> Vec<Day> {
    Date::month_starts(sc.span().0, sc.span().1)
        .into_iter()
        .map(Date::day)
        .collect()
}

/// Type-7 percentiles of `values` (reordered in place), for each fraction of `ps`.
pub fn percentiles(values: &mut [f64], ps: &[f64]) -> Vec<f64> {
    let n = values.len();
    if n == 0 {
        return vec![f64::NAN; ps.len()];
    }
    let mut ranks: Vec<usize> = ps
        .iter()
        .flat_map(|&p| {
            let h = (n - 1) as f64 * p;
            [h.floor() as usize, (h.floor() as usize + 1).min(n - 1)]
        })
        .collect();
    ranks.sort_unstable();
    ranks.dedup();
    // A column of one value (every run alike, as before a what-if's first change) is in
    // order already.
    if values.iter().any(|v| v.to_bits() != values[0].to_bits()) {
        // Selected as integers that order as `f64::total_cmp` orders the values (a plain
        // comparison costs less than `total_cmp`'s), then put back: the same values in
        // the places of the ranks, bit for bit.
        let mut keys: Vec<i64> = values.iter().map(|&v| total_order_key(v)).collect();
        select(&mut keys, &ranks, 0);
        for (v, &k) in values.iter_mut().zip(&keys) {
            *v = from_total_order_key(k);
        }
    }
    ps.iter()
        .map(|&p| {
            let h = (n - 1) as f64 * p;
            let lo = h.floor() as usize;
            let hi = (lo + 1).min(n - 1);
            values[lo] + (h - h.floor()) * (values[hi] - values[lo])
        })
        .collect()
}

/// An integer whose order is `f64::total_cmp`'s order of `v` (the transform the standard
/// library's `total_cmp` makes): for a negative value, every bit but the sign flipped;
/// any other value's bits as they are.
fn total_order_key(v: f64) -> i64 {
    let bits = v.to_bits() as i64;
    bits ^ (((bits >> 63) as u64) >> 1) as i64
}

/// The value whose [`total_order_key`] is `key` (the transform is its own inverse).
fn from_total_order_key(key: i64) -> f64 {
    f64::from_bits((key ^ (((key >> 63) as u64) >> 1) as i64) as u64)
}

/// Puts the order statistics of the given ranks (sorted, relative to the whole slice at
/// `offset`) in their places: selection, not a full sort.
fn select(v: &mut [i64], ranks: &[usize], offset: usize) {
    if ranks.is_empty() || v.is_empty() {
        return;
    }
    let mid = ranks.len() / 2;
    let r = ranks[mid] - offset;
    v.select_nth_unstable(r);
    let (left, rest) = v.split_at_mut(r);
    select(left, &ranks[..mid], offset);
    select(&mut rest[1..], &ranks[mid + 1..], offset + r + 1);
}

/// Bands over many seeded runs of one scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct Ensemble {
    /// The seeds.
    pub seeds: Seeds,
    /// First of each month of the span.
    pub days: Vec<Day>,
    /// Mean score in each cell (pair `p`, month `m` at `p * days.len() + m`).
    pub mean: Vec<f64>,
    /// The [`PERCENTILES`] of the score in each cell.
    pub percentiles: Vec<[f64; 5]>,
    /// With a triangle, how many runs have each configuration in each month, per reading
    /// (levels first); empty without one.
    pub triangle: Vec<crate::triangle::Shares>,
}

impl Ensemble {
    /// The cells of one pair: its months' range in [`Ensemble::mean`] and
    /// [`Ensemble::percentiles`].
    pub fn of_pair(&self, pair: usize) -> std::ops::Range<usize> {
        pair * self.days.len()..(pair + 1) * self.days.len()
    }
}

/// Runs a scenario once per seed and summarizes the scores month by month. Refused before
/// any run if runs x months exceeds [`SCORE_BUDGET`].
pub fn ensemble(
    sc: &Scenario,
    seeds: Seeds,
    progress: &dyn Progress,
) -> Result<Ensemble, ExperimentError> {
    let days = months(sc);
    within_budget(seeds, days.len(), sc.pairs.len() as u64)?;
    on_pool(seeds.runs, || {
        progress.start(seeds.runs);
        let scores = scores_of(sc, seeds, cells(sc), progress, scores_only());
        progress.finish();
        Ok(ensemble_of_scores(sc, seeds, scores?.values))
    })
}

/// The monthly scores of the runs of `seeds`, run `k`'s cells at
/// `[k * cells, (k + 1) * cells)`: what a shard of an ensemble or a comparison carries.
pub fn monthly_scores(
    sc: &Scenario,
    seeds: Seeds,
    progress: &dyn Progress,
) -> Result<Vec<f64>, ExperimentError> {
    let days = months(sc);
    within_budget(seeds, days.len(), sc.pairs.len() as u64)?;
    on_pool(seeds.runs, || {
        Ok(scores_of(sc, seeds, cells(sc), progress, scores_only())?.values)
    })
}

/// As [`monthly_scores`], with the run of the first seed kept whole (its samples and the
/// events that fired), which a chart marks: taken from the runs themselves, not run
/// again.
pub fn monthly_scores_and_first(
    sc: &Scenario,
    seeds: Seeds,
    progress: &dyn Progress,
) -> Result<(Vec<f64>, Run), ExperimentError> {
    let days = months(sc);
    within_budget(seeds, days.len(), sc.pairs.len() as u64)?;
    let first = std::sync::Mutex::new(None);
    let values = on_pool(seeds.runs, || {
        let observe = Observe {
            keep_whole: |seed| seed == seeds.first,
            on_whole_run: |run: &Run| {
                *first.lock().unwrap_or_else(|e| e.into_inner()) = Some(run.clone())
            },
        };
        scores_of(sc, seeds, cells(sc), progress, observe)
    })?
    .values;
    let first = first.into_inner().unwrap_or_else(|e| e.into_inner());
    let first = match first {
        Some(run) => run,
        // No runs asked: the first seed's run alone.
        None => Simulation::new(sc).run(seeds.first)?,
    };
    Ok((values, first))
}

/// As [`monthly_scores`], each run reading the scenario as `plan` says: the scenario
/// read under each distinct choice of readings ([`Scenario::read`]) is validated once.
pub fn monthly_scores_read(
    sc: &Scenario,
    seeds: Seeds,
    plan: &crate::readings::Plan,
    progress: &dyn Progress,
) -> Result<Vec<f64>, ExperimentError> {
    if plan.choices.is_empty() {
        return monthly_scores(sc, seeds, progress);
    }
    let days = months(sc);
    within_budget(seeds, days.len(), sc.pairs.len() as u64)?;
    let distinct = plan.distinct();
    let read: Vec<Scenario> = (distinct.iter())
        .map(|c| sc.read(c))
        .collect::<Result<_, _>>()?;
    let refs: Vec<&Scenario> = read.iter().collect();
    let which: Vec<usize> = (plan.choices.iter())
        .map(|c| distinct.binary_search(c).unwrap_or(0))
        .collect();
    on_pool(seeds.runs, || {
        Ok(scores_of_each(&refs, &which, seeds, cells(sc), progress, scores_only())?.values)
    })
}

/// An ensemble from the monthly scores of the runs of `seeds` (as [`monthly_scores`]
/// lays them out).
pub fn ensemble_of_scores(sc: &Scenario, seeds: Seeds, values: Vec<f64>) -> Ensemble {
    let days = months(sc);
    let scores = Scores {
        months: cells(sc),
        values,
    };
    let stats = per_month(
        scores.months,
        scores.runs(),
        |m, col| col.extend((0..scores.runs()).map(|k| scores.at(k, m))),
        |col| {
            let mean = mean(col);
            let p = percentiles(col, &PERCENTILES);
            (mean, [p[0], p[1], p[2], p[3], p[4]])
        },
    );
    let months = days.len();
    let triangle = sc.triangle().map_or_else(Vec::new, |t| {
        let run = |k: usize, p: usize| {
            let at = k * scores.months + t.pairs[p] * months;
            &scores.values[at..at + months]
        };
        crate::triangle::shares(t, scores.runs(), months, run).to_vec()
    });
    Ensemble {
        seeds,
        mean: stats.iter().map(|s| s.0).collect(),
        percentiles: stats.iter().map(|s| s.1).collect(),
        days,
        triangle,
    }
}

/// A variant of a comparison: a name and its scenario.
#[derive(Clone, Copy, Debug)]
pub struct Variant<'a> {
    /// Column name.
    pub name: &'a str,
    /// The changed scenario. Its span must equal the baseline's.
    pub scenario: &'a Scenario,
}

/// How a variant parts from the baseline.
#[derive(Clone, Debug, PartialEq)]
pub struct Divergence {
    /// The first month whose score differs from the baseline's by at least [`PARTING`]
    /// in some run; `None` if the curves never part.
    pub parts: Option<Day>,
    /// Mean over the months from `parts` on of the mean difference (variant - baseline).
    pub mean_gap: f64,
    /// Mean over the months from `parts` on of the mean absolute difference.
    pub mean_abs_gap: f64,
    /// The month of the largest absolute mean difference, and that difference.
    pub largest: Option<(Day, f64)>,
    /// The first month, from `parts` on, that begins [`REJOIN_MONTHS`] months in a row
    /// whose mean difference stays within [`REJOIN`] points: the histories come back
    /// together. `None` if they part and never do (or never part).
    pub rejoins: Option<Day>,
}

/// One variant's curves in a comparison, cell by cell (pair after pair, each pair's
/// months in order; see the module's doc).
#[derive(Clone, Debug, PartialEq)]
pub struct VariantResult {
    /// Column name.
    pub name: String,
    /// Mean score in each cell.
    pub mean: Vec<f64>,
    /// Mean paired difference (variant - baseline) in each cell.
    pub diff: Vec<f64>,
    /// 5th percentile of the paired differences in each cell.
    pub diff_p5: Vec<f64>,
    /// 95th percentile of the paired differences in each cell.
    pub diff_p95: Vec<f64>,
    /// How it parts from the baseline, pair by pair.
    pub divergence: Vec<Divergence>,
}

/// A baseline against variants on common random numbers.
#[derive(Clone, Debug, PartialEq)]
pub struct Comparison {
    /// The seeds, shared by every curve.
    pub seeds: Seeds,
    /// First of each month of the span.
    pub days: Vec<Day>,
    /// Mean baseline score in each cell.
    pub baseline: Vec<f64>,
    /// The variants, in the order given.
    pub variants: Vec<VariantResult>,
    /// Per pair, per decade (its first year), the band of the mean score over its months:
    /// the baseline's first, then each variant's (band indices of the baseline's scale).
    pub decades: Vec<Vec<(i32, Vec<usize>)>>,
}

impl Comparison {
    /// The cells of one pair: its months' range in the curves.
    pub fn of_pair(&self, pair: usize) -> std::ops::Range<usize> {
        pair * self.days.len()..(pair + 1) * self.days.len()
    }
}

/// Runs the baseline and every variant on the same seeds and measures how they part.
/// Refused before any run if twice runs x months exceeds [`SCORE_BUDGET`] (the baseline's
/// scores and one variant's are kept at a time).
pub fn compare(
    baseline: &Scenario,
    variants: &[Variant<'_>],
    seeds: Seeds,
    progress: &dyn Progress,
) -> Result<Comparison, ExperimentError> {
    let days = months(baseline);
    within_budget(seeds, days.len(), 2 * baseline.pairs.len() as u64)?;
    on_pool(seeds.runs, || {
        progress.start(seeds.runs * (1 + variants.len() as u64));
        let result = compare_on(baseline, variants, seeds, days, progress);
        progress.finish();
        result
    })
}

fn compare_on(
    baseline: &Scenario,
    variants: &[Variant<'_>],
    seeds: Seeds,
    days: Vec<Day>,
    progress: &dyn Progress,
) -> Result<Comparison, ExperimentError> {
    let cells = days.len() * baseline.pairs.len();
    let base = scores_of(baseline, seeds, cells, progress, scores_only())?;
    let names: Vec<&str> = variants.iter().map(|v| v.name).collect();
    compare_of_scores(baseline, &names, seeds, &base.values, |k| {
        let v = &variants[k];
        let scores =
            scores_of(v.scenario, seeds, cells, progress, scores_only()).map_err(|source| {
                ExperimentError::Variant {
                    variant: v.name.to_string(),
                    source,
                }
            })?;
        Ok(scores.values)
    })
}

/// A comparison from the monthly scores of the runs (laid out as [`monthly_scores`]
/// does): the baseline's, and each variant's as `variant_scores(k)` gives them, one
/// variant at a time.
pub fn compare_of_scores(
    baseline: &Scenario,
    names: &[&str],
    seeds: Seeds,
    base_values: &[f64],
    mut variant_scores: impl FnMut(usize) -> Result<Vec<f64>, ExperimentError>,
) -> Result<Comparison, ExperimentError> {
    let days = months(baseline);
    let cells = cells(baseline);
    let runs = base_values.len() / cells.max(1);
    let base = |k: usize, m: usize| base_values[k * cells + m];
    let base_mean = means_by_row(cells, runs, |k| &base_values[k * cells..(k + 1) * cells]);
    let mut out = Vec::new();
    for (k, name) in names.iter().enumerate() {
        let var = Scores {
            months: cells,
            values: variant_scores(k)?,
        };
        let var_mean = means_by_row(cells, runs, |k| &var.values[k * cells..(k + 1) * cells]);
        // Per month, the paired differences: their mean, mean absolute value, largest
        // absolute value, and 5th and 95th percentiles.
        let stats = per_month(
            cells,
            runs,
            |m, col| col.extend((0..runs).map(|k| var.at(k, m) - base(k, m))),
            |col| {
                let diff = mean(col);
                let abs = col.iter().map(|d| d.abs()).sum::<f64>() / col.len() as f64;
                let widest = col.iter().fold(0.0f64, |w, d| w.max(d.abs()));
                let p = percentiles(col, &[0.05, 0.95]);
                (diff, abs, widest, p[0], p[1])
            },
        );
        drop(var);
        let diff: Vec<f64> = stats.iter().map(|s| s.0).collect();
        let abs: Vec<f64> = stats.iter().map(|s| s.1).collect();
        let widest: Vec<f64> = stats.iter().map(|s| s.2).collect();
        let n = days.len();
        let divergence = (0..baseline.pairs.len())
            .map(|p| {
                let of = p * n..(p + 1) * n;
                divergence(&days, &diff[of.clone()], &abs[of.clone()], &widest[of])
            })
            .collect();
        out.push(VariantResult {
            name: name.to_string(),
            mean: var_mean,
            diff,
            diff_p5: stats.iter().map(|s| s.3).collect(),
            diff_p95: stats.iter().map(|s| s.4).collect(),
            divergence,
        });
    }
    let n = days.len();
    let decades = (0..baseline.pairs.len())
        .map(|p| {
            let of = p * n..(p + 1) * n;
            let variants: Vec<&[f64]> = out.iter().map(|v| &v.mean[of.clone()]).collect();
            decades(baseline, &days, &base_mean[of.clone()], &variants)
        })
        .collect();
    Ok(Comparison {
        seeds,
        days,
        baseline: base_mean,
        variants: out,
        decades,
    })
}

fn divergence(days: &[Day], diff: &[f64], abs: &[f64], widest: &[f64]) -> Divergence {
    let Some(first) = widest.iter().position(|&w| w >= PARTING) else {
        return Divergence {
            parts: None,
            mean_gap: 0.0,
            mean_abs_gap: 0.0,
            largest: None,
            rejoins: None,
        };
    };
    // Months from `first` on, counted back from the end: the first month that opens a
    // run of REJOIN_MONTHS within REJOIN points.
    let mut within = 0;
    let mut rejoins = None;
    for i in (first..diff.len()).rev() {
        within = if diff[i].abs() < REJOIN {
            within + 1
        } else {
            0
        };
        if within >= REJOIN_MONTHS {
            rejoins = Some(days[i]);
        }
    }
    let n = (diff.len() - first) as f64;
    let largest = (first..diff.len())
        .max_by(|&a, &b| diff[a].abs().total_cmp(&diff[b].abs()).then(b.cmp(&a)))
        .map(|i| (days[i], diff[i]));
    Divergence {
        parts: Some(days[first]),
        mean_gap: diff[first..].iter().sum::<f64>() / n,
        mean_abs_gap: abs[first..].iter().sum::<f64>() / n,
        largest,
        rejoins,
    }
}

fn decades(
    sc: &Scenario,
    days: &[Day],
    baseline: &[f64],
    variants: &[&[f64]],
) -> Vec<(i32, Vec<usize>)> {
    let mut out: Vec<(i32, Vec<usize>)> = Vec::new();
    let mut i = 0;
    while i < days.len() {
        let decade = Date::from_day(days[i]).year().div_euclid(10) * 10;
        let j = (i..days.len())
            .find(|&k| Date::from_day(days[k]).year().div_euclid(10) * 10 != decade)
            .unwrap_or(days.len());
        let band = |xs: &[f64]| {
            sc.scale
                .band_index(xs[i..j].iter().sum::<f64>() / (j - i) as f64)
        };
        let mut bands = vec![band(baseline)];
        bands.extend(variants.iter().map(|v| band(v)));
        out.push((decade, bands));
        i = j;
    }
    out
}

/// How much one event moves one pair's trajectory: the event removed, paired with the
/// baseline.
#[derive(Clone, Debug, PartialEq)]
pub struct Influence {
    /// Index of the event in the scenario.
    pub event: usize,
    /// Index of the pair whose trajectory it is.
    pub pair: usize,
    /// Mean over runs and months of |without - baseline|, points.
    pub mean_abs_change: f64,
    /// Mean over runs and months of (baseline - without): what the event adds to the
    /// score on average (positive = it warmed the relation).
    pub mean_effect: f64,
    /// Largest |without - baseline| in any run and month, points.
    pub largest_change: f64,
    /// Share of the baseline runs in which the event fired, [0, 1].
    pub fired: f64,
}

/// Removes each event in turn (with the follow-ups only it schedules, as a counterfactual's
/// `Remove` does), runs it paired with the baseline, and orders the (event, pair)s by the
/// mean absolute change of the pair's trajectory, largest first (ties in scenario order,
/// then pair order).
///
/// `file` is what the scenario file says and `text` its source; each variant is validated
/// like any scenario.
pub fn rank(
    file: &ScenarioFile,
    text: &str,
    path: &std::path::Path,
    seeds: Seeds,
    progress: &dyn Progress,
) -> Result<Vec<Influence>, ExperimentError> {
    let pairs = validate::validate(file.clone(), text, path)?.pairs.len();
    Ok(rank_of_rows(
        &rank_rows(file, text, path, seeds, progress)?,
        pairs,
    ))
}

/// Numbers per (event, pair) in a row of [`rank_rows`]: fired (0 or 1), then over the
/// pair's months in the run the sum of |without - baseline|, the sum of
/// (baseline - without), the largest |without - baseline|, and the number of months.
pub const RANK_WIDTH: usize = 5;

/// What ranking needs from the run of each seed (in seed order), as one row per seed of
/// [`RANK_WIDTH`] numbers per event and pair (event after event, each event's pairs in
/// order): the sums a ranking adds up, so that the runs of several machines can be ranked
/// together.
pub fn rank_rows(
    file: &ScenarioFile,
    text: &str,
    path: &std::path::Path,
    seeds: Seeds,
    progress: &dyn Progress,
) -> Result<Vec<Vec<f64>>, ExperimentError> {
    let base = validate::validate(file.clone(), text, path)?;
    let days = months(&base);
    within_budget(seeds, days.len(), base.pairs.len() as u64)?;
    on_pool(seeds.runs, || {
        rank_on(&base, file, path, seeds, cells(&base), progress)
    })
}

fn rank_on(
    base: &Scenario,
    file: &ScenarioFile,
    path: &std::path::Path,
    seeds: Seeds,
    months: usize,
    progress: &dyn Progress,
) -> Result<Vec<Vec<f64>>, ExperimentError> {
    // A removal never makes a valid scenario invalid; should it, the problems name their
    // event by id (the file's lines and columns describe the scenario before the removal,
    // so the text is not used to locate them).
    let variants: Vec<Scenario> = base
        .events
        .par_iter()
        .map(|e| validate::validate(without(file, &e.id), "", path))
        .collect::<Vec<_>>()
        .into_iter()
        .collect::<Result<_, _>>()?;
    progress.start(seeds.runs * (1 + variants.len() as u64));
    let result = (|| {
        let n = base.events.len();
        // Per run and event, whether it fired (runs are observed in no set order, so each
        // writes its own slots).
        let fired: Vec<AtomicU64> = (0..seeds.runs as usize * n)
            .map(|_| AtomicU64::new(0))
            .collect();
        let observe = Observe {
            keep_whole: |_| true,
            on_whole_run: |run: &Run| {
                let k = run.seed.wrapping_sub(seeds.first) as usize;
                for f in &run.fired {
                    fired[k * n + f.event].store(1, Ordering::Relaxed);
                }
            },
        };
        let rows = scores_of(base, seeds, months, progress, observe)?;
        let pairs = base.pairs.len();
        let span = months / pairs.max(1);
        // Per event, per run, per pair: the sums.
        let per_event: Vec<Result<Vec<[f64; 4]>, RunError>> = variants
            .par_iter()
            .map(|v| {
                let mut sim = Simulation::new(v);
                let mut sums = vec![[0.0, 0.0, 0.0, 0.0]; rows.runs() * pairs];
                for k in 0..rows.runs() {
                    let run = sim.run(seeds.first.wrapping_add(k as u64))?;
                    for (i, x) in run.monthly().enumerate().take(months) {
                        let d = x.score - rows.at(k, x.pair * span + i / pairs);
                        let [abs, signed, largest, count] = &mut sums[k * pairs + x.pair];
                        *abs += d.abs();
                        *signed -= d;
                        *largest = largest.max(d.abs());
                        *count += 1.0;
                    }
                    progress.advance(1);
                }
                Ok(sums)
            })
            .collect();
        let per_event: Vec<Vec<[f64; 4]>> = per_event.into_iter().collect::<Result<_, _>>()?;
        Ok((0..rows.runs())
            .map(|k| {
                (0..n)
                    .flat_map(|e| (0..pairs).map(move |p| (e, p)))
                    .flat_map(|(e, p)| {
                        let [a, s, l, c] = per_event[e][k * pairs + p];
                        [fired[k * n + e].load(Ordering::Relaxed) as f64, a, s, l, c]
                    })
                    .collect()
            })
            .collect())
    })();
    progress.finish();
    result
}

/// The ranking from the rows of [`rank_rows`] (one per seed, in seed order) of a scenario
/// of `pairs` pairs: sums in seed order, so the same rows give the same ranking however
/// they were made.
pub fn rank_of_rows(rows: &[Vec<f64>], pairs: usize) -> Vec<Influence> {
    let n = rows.first().map_or(0, |r| r.len() / RANK_WIDTH);
    let pairs = pairs.max(1);
    let mut out: Vec<Influence> = (0..n)
        .map(|entry| {
            let (mut fired, mut abs, mut signed, mut largest, mut count) =
                (0.0, 0.0, 0.0, 0.0f64, 0.0);
            for row in rows {
                let p = &row[entry * RANK_WIDTH..(entry + 1) * RANK_WIDTH];
                fired += p[0];
                abs += p[1];
                signed += p[2];
                largest = largest.max(p[3]);
                count += p[4];
            }
            let count = count.max(1.0);
            Influence {
                event: entry / pairs,
                pair: entry % pairs,
                mean_abs_change: abs / count,
                mean_effect: signed / count,
                largest_change: largest,
                fired: fired / rows.len().max(1) as f64,
            }
        })
        .collect();
    out.sort_by(|a, b| b.mean_abs_change.total_cmp(&a.mean_abs_change));
    out
}

/// One modifier's share of a pair's score on the explained day.
#[derive(Clone, Debug, PartialEq)]
pub struct Part {
    /// Index of the event that left it.
    pub event: usize,
    /// Index of the effect within the event.
    pub effect: usize,
    /// Its label.
    pub label: String,
    /// Whom it binds within the pair.
    pub level: Level,
    /// Day it started.
    pub start: Day,
    /// Value when it started, raw scale.
    pub start_value: f64,
    /// Value on the explained day, raw scale.
    pub value: f64,
}

/// The parts of one pair's score on one day of one run.
#[derive(Clone, Debug, PartialEq)]
pub struct Explanation {
    /// The day.
    pub day: Day,
    /// The run's seed.
    pub seed: u64,
    /// The pair explained (index into the scenario's pairs).
    pub pair: usize,
    /// The ruling party of each of the pair's two states.
    pub ruling: [usize; 2],
    /// Their ideological similarity, [-1, 1].
    pub similarity: f64,
    /// The structural part: base + affinity x similarity, raw scale.
    pub structural: f64,
    /// Every modifier that counts that day, in order of start.
    pub parts: Vec<Part>,
    /// Modifiers left earlier that do not count that day (their pair is out of power or
    /// office, or their end date has passed).
    pub not_counting: usize,
    /// The coupling between the pairs' term that day ([`crate::coupling`]); 0 without
    /// coupling.
    pub coupling: f64,
    /// The raw score: structural plus the parts (plus the coupling term).
    pub raw: f64,
    /// The score on the scale: M tanh(raw / M).
    pub score: f64,
}

/// Explains the score of pair `pair` (an index into the scenario's pairs) on `date` in the
/// run with `seed`.
pub fn explain(
    sc: &Scenario,
    seed: u64,
    date: Date,
    pair: usize,
) -> Result<Explanation, ExperimentError> {
    if date < sc.span().0 || date > sc.span().1 {
        return Err(ExperimentError::OutsideSpan {
            date,
            from: sc.span().0,
            to: sc.span().1,
        });
    }
    let day = date.day();
    let mut sim = Simulation::with_days(sc, &[day]);
    let snap = sim.explain(seed, day)?;
    let (a, b) = sc.pairs[pair].states;
    let ruling = [snap.ruling[a], snap.ruling[b]];
    let similarity = score::similarity(&snap.ideologies[ruling[0]], &snap.ideologies[ruling[1]]);
    let structural = snap.parts[pair].structural;
    let mut parts = Vec::new();
    let mut not_counting = 0;
    for (m, counts) in snap.modifiers.iter().filter(|(m, _)| m.pair == pair) {
        if !counts {
            not_counting += 1;
            continue;
        }
        let label = match &sc.events[m.source].effects[m.effect] {
            crate::scenario::Effect::Modifier { label, .. } => label.clone(),
            _ => sc.events[m.source].title.clone(),
        };
        parts.push(Part {
            event: m.source,
            effect: m.effect,
            label,
            level: m.level,
            start: m.start,
            start_value: m.value,
            value: m.value_on(day),
        });
    }
    let coupling = snap.parts[pair].coupling;
    let raw = structural + parts.iter().map(|p| p.value).sum::<f64>() + coupling;
    Ok(Explanation {
        day,
        seed,
        pair,
        ruling,
        similarity,
        structural,
        parts,
        not_counting,
        coupling,
        raw,
        score: score::squash(raw, sc.scale.bound),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The divergence of a mean difference that is 0 for 10 months, `gap` for `wide`
    /// months, then `tail` to the end of `months`.
    fn parted(months: usize, wide: usize, gap: f64, tail: f64) -> Divergence {
        let days: Vec<Day> = (0..months as Day).map(|m| m * 30).collect();
        let diff: Vec<f64> = (0..months)
            .map(|m| match m {
                m if m < 10 => 0.0,
                m if m < 10 + wide => gap,
                _ => tail,
            })
            .collect();
        let abs: Vec<f64> = diff.iter().map(|d| d.abs()).collect();
        divergence(&days, &diff, &abs, &abs)
    }

    #[test]
    fn the_histories_come_back_together_after_five_years_within_half_a_point() {
        // Apart by 2 points for 20 months, then 0.4: together from month 30 on.
        let d = parted(200, 20, 2.0, 0.4);
        assert_eq!(d.parts, Some(10 * 30));
        assert_eq!(d.rejoins, Some(30 * 30));
        // A gap of -0.49 is within half a point too; -0.5 is not.
        assert_eq!(parted(200, 20, -3.0, -0.49).rejoins, Some(30 * 30));
        assert_eq!(parted(200, 20, -3.0, -0.5).rejoins, None);
        // Together for 59 months before the end of the span: not five years, never.
        assert_eq!(parted(89, 20, 2.0, 0.1).rejoins, None);
        assert_eq!(parted(90, 20, 2.0, 0.1).rejoins, Some(30 * 30));
        // Never more than half a point apart: together from the parting month.
        assert_eq!(parted(200, 20, 0.3, 0.1).rejoins, Some(10 * 30));
        // Never parted: nothing to come back from.
        assert_eq!(parted(200, 20, 0.0, 0.0).rejoins, None);
    }

    #[test]
    fn percentiles_interpolate_like_numpy() {
        // numpy.percentile([1, 2, 3, 4, 10], [5, 25, 50, 75, 95]) = 1.2, 2, 3, 4, 8.8
        let mut v = vec![10.0, 3.0, 1.0, 4.0, 2.0];
        let p = percentiles(&mut v, &PERCENTILES);
        let want = [1.2, 2.0, 3.0, 4.0, 8.8];
        for (a, b) in p.iter().zip(want) {
            assert!((a - b).abs() < 1e-12, "{p:?}");
        }
        assert_eq!(percentiles(&mut [7.0], &PERCENTILES), vec![7.0; 5]);
    }

    #[test]
    fn a_column_of_one_value_gives_it_at_every_percentile() {
        // Every run alike, as before a what-if's first change: the value itself, signed
        // zero included, as the interpolation between equal neighbours gives it.
        for x in [0.0, -0.0, 1.5, -2.25] {
            let want: Vec<u64> = PERCENTILES
                .iter()
                .map(|&p| {
                    let h = 199.0 * p;
                    (x + (h - h.floor()) * (x - x)).to_bits()
                })
                .collect();
            let got: Vec<u64> = (percentiles(&mut vec![x; 200], &PERCENTILES).iter())
                .map(|g| g.to_bits())
                .collect();
            assert_eq!(got, want, "{x}");
        }
    }

    #[test]
    fn the_first_run_kept_from_the_runs_is_the_run_of_the_first_seed() {
        let sc = Scenario::load(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/small.ron"),
        )
        .expect("the fixture loads");
        let seeds = Seeds { first: 7, runs: 60 };
        let (scores, first) = monthly_scores_and_first(&sc, seeds, &()).expect("the runs run");
        assert_eq!(
            scores,
            monthly_scores(&sc, seeds, &()).expect("the runs run")
        );
        assert_eq!(first, Simulation::new(&sc).run(7).expect("the run runs"));
        assert_eq!(first.seed, 7);
    }

    #[test]
    fn selection_matches_a_full_sort() {
        let mut v: Vec<f64> = (0..1001)
            .map(|i| ((i * 7919) % 1001) as f64 * 0.5)
            .collect();
        selected_as_sorted(&mut v, &[0.0, 0.013, 0.5, 0.77, 1.0]);
    }

    /// Checks that [`percentiles`] of `v` are, bit for bit, those of `v` fully sorted.
    fn selected_as_sorted(v: &mut [f64], ps: &[f64]) {
        let mut sorted = v.to_vec();
        sorted.sort_by(f64::total_cmp);
        let n = v.len();
        let got = percentiles(v, ps);
        for (g, &p) in got.iter().zip(ps) {
            let h = (n - 1) as f64 * p;
            let lo = h.floor() as usize;
            let hi = (lo + 1).min(n - 1);
            let want = sorted[lo] + (h - h.floor()) * (sorted[hi] - sorted[lo]);
            assert_eq!(g.to_bits(), want.to_bits(), "{p}");
        }
    }

    #[test]
    fn total_order_keys_order_as_total_cmp_and_give_the_values_back() {
        let v = [
            f64::NEG_INFINITY,
            -1.5,
            -f64::MIN_POSITIVE / 4.0,
            -0.0,
            0.0,
            f64::MIN_POSITIVE / 4.0,
            2.25,
            f64::MAX,
            f64::INFINITY,
            f64::NAN,
            -f64::NAN,
        ];
        for a in v {
            assert_eq!(
                from_total_order_key(total_order_key(a)).to_bits(),
                a.to_bits()
            );
            for b in v {
                assert_eq!(
                    total_order_key(a).cmp(&total_order_key(b)),
                    a.total_cmp(&b),
                    "{a} {b}"
                );
            }
        }
        // Negative values and both zeros, selected as a full sort orders them.
        let mut w: Vec<f64> = (0..401)
            .map(|i| f64::from((i * 37) % 401) - 200.0)
            .collect();
        w[7] = -0.0;
        selected_as_sorted(&mut w, &[0.05, 0.25, 0.5, 0.75, 0.95]);
    }

    #[test]
    fn the_pool_has_no_more_threads_than_cores_or_runs() {
        assert_eq!(pool_size(20, Some("10000"), 2), 2);
        assert_eq!(pool_size(20, None, 8), 8);
        assert_eq!(pool_size(3, None, 8), 3);
        assert_eq!(pool_size(20, Some("1"), 8), 1);
        assert_eq!(pool_size(20, Some("0"), 4), 4);
        assert_eq!(pool_size(20, Some("many"), 4), 4);
        assert_eq!(pool_size(u64::MAX, None, 4), 4);
    }

    #[test]
    fn seeds_wrap() {
        assert_eq!(Seeds::new(u64::MAX, 2).unwrap().list(), [u64::MAX, 0]);
        assert!(Seeds::new(1, 0).is_err());
    }
}
