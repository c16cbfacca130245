//! `runs.csv` (`--per-run`): every run's monthly score of every pair, in long form, one
//! row per (run, date, pair) of each curve: `run,seed,variant,date,pair,score`.
//!
//! Rows go curve by curve (the baseline first, as `baseline`), then run by run in seed
//! order, then month by month, each month pair by pair. `run` is the run's index from 0:
//! run `i` used seed `first + i`.

use crate::date::Date;
use crate::experiment::{self, Seeds};
use crate::record::fixed;
use crate::scenario::Scenario;

/// How many scores of the experiment's budget ([`experiment::SCORE_BUDGET`]) a row of
/// `runs.csv` costs: a row is about 50 to 80 bytes of text, kept in memory until the
/// files are written as one set, against 8 bytes for a score.
pub const ROW_COST: u64 = 8;

/// The most rows `runs.csv` may hold: the score budget's memory, in rows.
pub const MOST_ROWS: u64 = experiment::SCORE_BUDGET / ROW_COST;

/// `runs.csv` being written, curve after curve.
pub struct RunsCsv {
    w: csv::Writer<Vec<u8>>,
    dates: Vec<String>,
    keys: Vec<String>,
}

impl RunsCsv {
    /// An empty `runs.csv` for the scenario's months and pairs, its header written.
    pub fn new(sc: &Scenario) -> Result<RunsCsv, csv::Error> {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(["run", "seed", "variant", "date", "pair", "score"])?;
        Ok(RunsCsv {
            w,
            dates: experiment::months(sc)
                .into_iter()
                .map(|d| Date::from_day(d).to_string())
                .collect(),
            keys: (0..sc.pairs.len()).map(|p| sc.pair_key(p)).collect(),
        })
    }

    /// Adds the rows of one curve's runs: `values` as [`experiment::monthly_scores`] lays
    /// them out (run `k`'s cells at `k * cells..(k + 1) * cells`), the runs of `seeds`.
    pub fn add(&mut self, variant: &str, seeds: Seeds, values: &[f64]) -> Result<(), csv::Error> {
        let months = self.dates.len();
        let cells = (months * self.keys.len()).max(1);
        for (k, run) in values.chunks(cells).enumerate() {
            let run_index = k.to_string();
            let seed = seeds.first.wrapping_add(k as u64).to_string();
            for (m, date) in self.dates.iter().enumerate() {
                for (p, key) in self.keys.iter().enumerate() {
                    self.w.write_record([
                        run_index.as_str(),
                        seed.as_str(),
                        variant,
                        date.as_str(),
                        key.as_str(),
                        fixed(run[p * months + m]).as_str(),
                    ])?;
                }
            }
        }
        Ok(())
    }

    /// The file's bytes.
    pub fn finish(self) -> Result<Vec<u8>, csv::Error> {
        self.w.into_inner().map_err(|e| e.into_error().into())
    }
}

/// Refuses, before any run, a `runs.csv` of more than [`MOST_ROWS`] rows: `runs` runs of
/// `curves` curves over the scenario's months and pairs. The message gives the most runs
/// that fit.
pub fn check_runs_csv(sc: &Scenario, runs: u64, curves: u64) -> Result<(), String> {
    let months = experiment::months(sc).len() as u64;
    let pairs = sc.pairs.len() as u64;
    let rows = u128::from(runs) * u128::from(months) * u128::from(pairs) * u128::from(curves);
    if rows <= u128::from(MOST_ROWS) {
        return Ok(());
    }
    let per_run = (months * pairs * curves).max(1);
    Err(format!(
        "--per-run: {runs} runs x {months} months x {pairs} pair{} x {curves} curve{} is {rows} rows of runs.csv, more than the {MOST_ROWS} it may hold (a row takes the memory of {ROW_COST} scores of the {} GiB an experiment may hold)\n  = help: use fewer runs: at most {} with --per-run for this scenario",
        if pairs == 1 { "" } else { "s" },
        if curves == 1 { "" } else { "s" },
        (experiment::SCORE_BUDGET * 8) >> 30,
        MOST_ROWS / per_run
    ))
}
