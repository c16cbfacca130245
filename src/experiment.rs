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
//! ## Percentiles
//! Percentile `p` of `n` values is Hyndman and Fan's type 7 (the default of R and NumPy):
//! sort the values `x[0] <= .. <= x[n-1]`, let `h = (n - 1) p`, and take
//! `x[floor h] + (h - floor h) (x[floor h + 1] - x[floor h])`.

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

/// The monthly scores of every run, in seed order, each with the events it fired.
fn runs_of<T: Send>(
    sc: &Scenario,
    seeds: &[u64],
    progress: &dyn Progress,
    keep: impl Fn(Run) -> T + Sync,
) -> Result<Vec<T>, RunError> {
    let chunk = seeds
        .len()
        .div_ceil(rayon::current_num_threads() * 8)
        .max(1);
    let results: Vec<Vec<Result<T, RunError>>> = seeds
        .par_chunks(chunk)
        .map(|chunk| {
            let mut sim = Simulation::new(sc);
            chunk
                .iter()
                .map(|&seed| {
                    let r = sim.run(seed).map(&keep);
                    progress.advance(1);
                    r
                })
                .collect()
        })
        .collect();
    results.into_iter().flatten().collect()
}

/// A run's monthly scores.
fn monthly(run: Run) -> Vec<f64> {
    run.monthly().map(|s| s.score).collect()
}

/// The first days of the months of the span: the rows of every table.
pub fn months(sc: &Scenario) -> Vec<Day> {
    Date::month_starts(sc.span.0, sc.span.1)
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
    select(values, &ranks, 0);
    ps.iter()
        .map(|&p| {
            let h = (n - 1) as f64 * p;
            let lo = h.floor() as usize;
            let hi = (lo + 1).min(n - 1);
            values[lo] + (h - h.floor()) * (values[hi] - values[lo])
        })
        .collect()
}

/// Puts the order statistics of the given ranks (sorted, relative to the whole slice at
/// `offset`) in their places: selection, not a full sort.
fn select(v: &mut [f64], ranks: &[usize], offset: usize) {
    if ranks.is_empty() || v.is_empty() {
        return;
    }
    let mid = ranks.len() / 2;
    let r = ranks[mid] - offset;
    v.select_nth_unstable_by(r, f64::total_cmp);
    let (left, rest) = v.split_at_mut(r);
    select(left, &ranks[..mid], offset);
    select(&mut rest[1..], &ranks[mid + 1..], offset + r + 1);
}

/// Per month, the mean and chosen percentiles of a column of values (one per run).
fn summarize(columns: Vec<Vec<f64>>, ps: &[f64]) -> Vec<(f64, Vec<f64>)> {
    columns
        .into_par_iter()
        .map(|mut col| {
            let mean = col.iter().sum::<f64>() / col.len() as f64;
            (mean, percentiles(&mut col, ps))
        })
        .collect()
}

/// Turns per-run rows into per-month columns.
fn columns(rows: &[Vec<f64>], months: usize) -> Vec<Vec<f64>> {
    (0..months)
        .into_par_iter()
        .map(|m| rows.iter().map(|r| r[m]).collect())
        .collect()
}

/// Bands over many seeded runs of one scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct Ensemble {
    /// The seeds.
    pub seeds: Seeds,
    /// First of each month of the span.
    pub days: Vec<Day>,
    /// Mean score each month.
    pub mean: Vec<f64>,
    /// The [`PERCENTILES`] of the score each month.
    pub percentiles: Vec<[f64; 5]>,
}

/// Runs a scenario once per seed and summarizes the scores month by month.
pub fn ensemble(
    sc: &Scenario,
    seeds: Seeds,
    progress: &dyn Progress,
) -> Result<Ensemble, ExperimentError> {
    progress.start(seeds.runs);
    let rows = runs_of(sc, &seeds.list(), progress, monthly);
    progress.finish();
    Ok(ensemble_of_rows(sc, seeds, rows?))
}

/// The monthly scores of one run per seed, in seed order: what an ensemble or a
/// comparison summarizes, and what a shard of one carries to the merge.
pub fn monthly_rows(
    sc: &Scenario,
    seeds: &[u64],
    progress: &dyn Progress,
) -> Result<Vec<Vec<f64>>, RunError> {
    runs_of(sc, seeds, progress, monthly)
}

/// Summarizes the monthly scores of the runs of `seeds` (one row per seed, in seed
/// order) into an ensemble.
pub fn ensemble_of_rows(sc: &Scenario, seeds: Seeds, rows: Vec<Vec<f64>>) -> Ensemble {
    let days = months(sc);
    let cols = columns(&rows, days.len());
    drop(rows);
    let stats = summarize(cols, &PERCENTILES);
    Ensemble {
        seeds,
        days,
        mean: stats.iter().map(|s| s.0).collect(),
        percentiles: stats
            .iter()
            .map(|s| [s.1[0], s.1[1], s.1[2], s.1[3], s.1[4]])
            .collect(),
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
}

/// One variant's curves in a comparison.
#[derive(Clone, Debug, PartialEq)]
pub struct VariantResult {
    /// Column name.
    pub name: String,
    /// Mean score each month.
    pub mean: Vec<f64>,
    /// Mean paired difference (variant - baseline) each month.
    pub diff: Vec<f64>,
    /// 5th percentile of the paired differences each month.
    pub diff_p5: Vec<f64>,
    /// 95th percentile of the paired differences each month.
    pub diff_p95: Vec<f64>,
    /// How it parts from the baseline.
    pub divergence: Divergence,
}

/// A baseline against variants on common random numbers.
#[derive(Clone, Debug, PartialEq)]
pub struct Comparison {
    /// The seeds, shared by every curve.
    pub seeds: Seeds,
    /// First of each month of the span.
    pub days: Vec<Day>,
    /// Mean baseline score each month.
    pub baseline: Vec<f64>,
    /// The variants, in the order given.
    pub variants: Vec<VariantResult>,
    /// Per decade (its first year), the band of the mean score over its months: the
    /// baseline's first, then each variant's (band indices of the baseline's scale).
    pub decades: Vec<(i32, Vec<usize>)>,
}

/// Runs the baseline and every variant on the same seeds and measures how they part.
pub fn compare(
    baseline: &Scenario,
    variants: &[Variant<'_>],
    seeds: Seeds,
    progress: &dyn Progress,
) -> Result<Comparison, ExperimentError> {
    let list = seeds.list();
    progress.start(seeds.runs * (1 + variants.len() as u64));
    let result = (|| {
        let base_rows = runs_of(baseline, &list, progress, monthly)?;
        let names: Vec<&str> = variants.iter().map(|v| v.name).collect();
        compare_of_rows(baseline, &names, seeds, base_rows, |k| {
            runs_of(variants[k].scenario, &list, progress, monthly)
        })
    })();
    progress.finish();
    result
}

/// A comparison from the monthly scores of the runs (one row per seed, in seed order):
/// the baseline's, and each variant's as `variant_rows(k)` gives them, one variant at a
/// time.
pub fn compare_of_rows(
    baseline: &Scenario,
    names: &[&str],
    seeds: Seeds,
    base_rows: Vec<Vec<f64>>,
    mut variant_rows: impl FnMut(usize) -> Result<Vec<Vec<f64>>, RunError>,
) -> Result<Comparison, ExperimentError> {
    {
        let days = months(baseline);
        let base_cols = columns(&base_rows, days.len());
        let base_mean: Vec<f64> = base_cols
            .iter()
            .map(|c| c.iter().sum::<f64>() / c.len() as f64)
            .collect();
        let mut out = Vec::new();
        for (k, name) in names.iter().enumerate() {
            let rows = variant_rows(k)?;
            let diffs: Vec<Vec<f64>> = rows
                .iter()
                .zip(&base_rows)
                .map(|(r, b)| r.iter().zip(b).map(|(x, y)| x - y).collect())
                .collect();
            let var_cols = columns(&rows, days.len());
            let mean: Vec<f64> = var_cols
                .iter()
                .map(|c| c.iter().sum::<f64>() / c.len() as f64)
                .collect();
            let diff_cols = columns(&diffs, days.len());
            let abs: Vec<f64> = diff_cols
                .iter()
                .map(|c| c.iter().map(|d| d.abs()).sum::<f64>() / c.len() as f64)
                .collect();
            let widest: Vec<f64> = diff_cols
                .iter()
                .map(|c| c.iter().fold(0.0f64, |m, d| m.max(d.abs())))
                .collect();
            let stats = summarize(diff_cols, &[0.05, 0.95]);
            let diff: Vec<f64> = stats.iter().map(|s| s.0).collect();
            let divergence = divergence(&days, &diff, &abs, &widest);
            out.push(VariantResult {
                name: name.to_string(),
                mean,
                diff,
                diff_p5: stats.iter().map(|s| s.1[0]).collect(),
                diff_p95: stats.iter().map(|s| s.1[1]).collect(),
                divergence,
            });
        }
        let decades = decades(baseline, &days, &base_mean, &out);
        Ok(Comparison {
            seeds,
            days,
            baseline: base_mean,
            variants: out,
            decades,
        })
    }
}

fn divergence(days: &[Day], diff: &[f64], abs: &[f64], widest: &[f64]) -> Divergence {
    let Some(first) = widest.iter().position(|&w| w >= PARTING) else {
        return Divergence {
            parts: None,
            mean_gap: 0.0,
            mean_abs_gap: 0.0,
            largest: None,
        };
    };
    let n = (diff.len() - first) as f64;
    let largest = (first..diff.len())
        .max_by(|&a, &b| diff[a].abs().total_cmp(&diff[b].abs()).then(b.cmp(&a)))
        .map(|i| (days[i], diff[i]));
    Divergence {
        parts: Some(days[first]),
        mean_gap: diff[first..].iter().sum::<f64>() / n,
        mean_abs_gap: abs[first..].iter().sum::<f64>() / n,
        largest,
    }
}

fn decades(
    sc: &Scenario,
    days: &[Day],
    baseline: &[f64],
    variants: &[VariantResult],
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
        bands.extend(variants.iter().map(|v| band(&v.mean)));
        out.push((decade, bands));
        i = j;
    }
    out
}

/// How much one event moves the trajectory: the event removed, paired with the baseline.
#[derive(Clone, Debug, PartialEq)]
pub struct Influence {
    /// Index of the event in the scenario.
    pub event: usize,
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
/// `Remove` does), runs it paired with the baseline, and orders the events by the mean
/// absolute change of the trajectory, largest first (ties in scenario order).
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
    let rows = rank_rows(file, text, path, &seeds.list(), progress)?;
    Ok(rank_of_rows(&rows))
}

/// Numbers per event in a row of [`rank_rows`]: fired (0 or 1), then over the run's
/// months the sum of |without - baseline|, the sum of (baseline - without), the largest
/// |without - baseline|, and the number of months.
pub const RANK_WIDTH: usize = 5;

/// What ranking needs from the run of each seed (in seed order), as one row per seed of
/// [`RANK_WIDTH`] numbers per event: the sums a ranking adds up, so that the runs of
/// several machines can be ranked together.
pub fn rank_rows(
    file: &ScenarioFile,
    text: &str,
    path: &std::path::Path,
    list: &[u64],
    progress: &dyn Progress,
) -> Result<Vec<Vec<f64>>, ExperimentError> {
    let base = validate::validate(file.clone(), text, path)?;
    // A removal never makes a valid scenario invalid; should it, the problems name their
    // event by id (the file's lines and columns describe the scenario before the removal).
    let _ = text;
    let variants: Vec<Scenario> = base
        .events
        .par_iter()
        .map(|e| validate::validate(without(file, &e.id), "", path))
        .collect::<Vec<_>>()
        .into_iter()
        .collect::<Result<_, _>>()?;
    progress.start(list.len() as u64 * (1 + variants.len() as u64));
    let result = (|| {
        let n = base.events.len();
        let base_rows: Vec<(Vec<f64>, Vec<bool>)> = runs_of(&base, list, progress, |run| {
            let mut fired = vec![false; n];
            for f in &run.fired {
                fired[f.event] = true;
            }
            (monthly(run), fired)
        })?;
        let per_event: Vec<Result<Vec<[f64; 4]>, RunError>> = variants
            .par_iter()
            .map(|v| {
                let mut sim = Simulation::new(v);
                let mut sums = Vec::with_capacity(list.len());
                for (k, &seed) in list.iter().enumerate() {
                    let run = sim.run(seed)?;
                    let (mut abs, mut signed, mut largest, mut count) = (0.0, 0.0, 0.0f64, 0.0);
                    for (x, b) in run.monthly().zip(&base_rows[k].0) {
                        let d = x.score - b;
                        abs += d.abs();
                        signed -= d;
                        largest = largest.max(d.abs());
                        count += 1.0;
                    }
                    sums.push([abs, signed, largest, count]);
                    progress.advance(1);
                }
                Ok(sums)
            })
            .collect();
        let per_event: Vec<Vec<[f64; 4]>> = per_event.into_iter().collect::<Result<_, _>>()?;
        Ok(base_rows
            .iter()
            .enumerate()
            .map(|(k, (_, fired))| {
                (0..n)
                    .flat_map(|e| {
                        let [a, s, l, c] = per_event[e][k];
                        [f64::from(u8::from(fired[e])), a, s, l, c]
                    })
                    .collect()
            })
            .collect())
    })();
    progress.finish();
    result
}

/// The ranking from the rows of [`rank_rows`] (one per seed, in seed order): sums in
/// seed order, so the same rows give the same ranking however they were made.
pub fn rank_of_rows(rows: &[Vec<f64>]) -> Vec<Influence> {
    let n = rows.first().map_or(0, |r| r.len() / RANK_WIDTH);
    let mut out: Vec<Influence> = (0..n)
        .map(|event| {
            let (mut fired, mut abs, mut signed, mut largest, mut count) =
                (0.0, 0.0, 0.0, 0.0f64, 0.0);
            for row in rows {
                let p = &row[event * RANK_WIDTH..(event + 1) * RANK_WIDTH];
                fired += p[0];
                abs += p[1];
                signed += p[2];
                largest = largest.max(p[3]);
                count += p[4];
            }
            let count = count.max(1.0);
            Influence {
                event,
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

/// One modifier's share of the score on the explained day.
#[derive(Clone, Debug, PartialEq)]
pub struct Part {
    /// Index of the event that left it.
    pub event: usize,
    /// Index of the effect within the event.
    pub effect: usize,
    /// Its label.
    pub label: String,
    /// The pair it binds.
    pub level: Level,
    /// Day it started.
    pub start: Day,
    /// Value when it started, raw scale.
    pub start_value: f64,
    /// Value on the explained day, raw scale.
    pub value: f64,
}

/// The parts of the score on one day of one run.
#[derive(Clone, Debug, PartialEq)]
pub struct Explanation {
    /// The day.
    pub day: Day,
    /// The run's seed.
    pub seed: u64,
    /// The ruling party of each state.
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
    /// The raw score: structural plus the parts.
    pub raw: f64,
    /// The score on the scale: M tanh(raw / M).
    pub score: f64,
}

/// Explains the score on `date` in the run with `seed`.
pub fn explain(sc: &Scenario, seed: u64, date: Date) -> Result<Explanation, ExperimentError> {
    if date < sc.span.0 || date > sc.span.1 {
        return Err(ExperimentError::OutsideSpan {
            date,
            from: sc.span.0,
            to: sc.span.1,
        });
    }
    let day = date.day();
    let mut sim = Simulation::with_days(sc, &[day]);
    let snap = sim.explain(seed, day)?;
    let ruling = [snap.ruling[0], snap.ruling[1]];
    let similarity = score::similarity(&snap.ideologies[ruling[0]], &snap.ideologies[ruling[1]]);
    let structural = snap.parts.structural;
    let mut parts = Vec::new();
    let mut not_counting = 0;
    for (m, counts) in &snap.modifiers {
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
    let raw = structural + parts.iter().map(|p| p.value).sum::<f64>();
    Ok(Explanation {
        day,
        seed,
        ruling,
        similarity,
        structural,
        parts,
        not_counting,
        raw,
        score: score::squash(raw, sc.scale.bound),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn selection_matches_a_full_sort() {
        let mut v: Vec<f64> = (0..1001)
            .map(|i| ((i * 7919) % 1001) as f64 * 0.5)
            .collect();
        let mut sorted = v.clone();
        sorted.sort_by(f64::total_cmp);
        let ps = [0.0, 0.013, 0.5, 0.77, 1.0];
        let got = percentiles(&mut v, &ps);
        for (g, p) in got.iter().zip(ps) {
            let h = 1000.0 * p;
            let lo = h.floor() as usize;
            let hi = (lo + 1).min(1000);
            let want = sorted[lo] + (h - h.floor()) * (sorted[hi] - sorted[lo]);
            assert_eq!(*g, want);
        }
    }

    #[test]
    fn seeds_wrap() {
        assert_eq!(Seeds::new(u64::MAX, 2).unwrap().list(), [u64::MAX, 0]);
        assert!(Seeds::new(1, 0).is_err());
    }
}
