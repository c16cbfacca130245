//! The flags several commands share, each defined once here and flattened into the
//! commands with `#[command(flatten)]`, so `--seed`, `--runs`, `--out`, `--events`,
//! `--reference`, `--shard`, `--layout`, `--per-run` and `--dynamics` parse and are refused
//! the same way in every command.
//!
//! What may differ between commands stays beside the command: a default number of runs
//! is the choice of a `--runs` struct ([`Runs`] requires it), and where a flag means
//! something more precise in one command, its help text is replaced there with clap's
//! `mut_arg`, which keeps the flag's place in the help.

use std::path::PathBuf;

use clap::Args;

use crate::report;
use crate::research::shard::Shard;

/// `--seed S`: a whole number that fits 64 bits, 1 if not given.
#[derive(Debug, Clone, Copy, Args)]
pub struct Seed {
    /// Seed of the first run.
    #[arg(long, default_value_t = 1, allow_negative_numbers = true, value_parser = parse_seed)]
    pub seed: u64,
}

/// Defines a `--runs N` struct: a whole number from 1, with the given default or else
/// required. A struct per default, because clap keeps a default's text in one static per
/// type: a const generic default would show, and parse, the first one's in every command.
macro_rules! runs {
    ($(#[$doc:meta])* $name:ident $(, $default:expr)?) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, Args)]
        pub struct $name {
            /// Number of runs; run i uses seed + i.
            #[arg(long, $(default_value_t = $default,)? allow_negative_numbers = true, value_parser = parse_runs)]
            pub runs: u64,
        }
    };
}

runs!(
    /// `--runs N`, where the command cannot do without it.
    Runs
);
runs!(
    /// `--runs N`, 1 if not given.
    RunsOr1,
    1
);
runs!(
    /// `--runs N`, 20 if not given: the runs of each evaluation of a search.
    RunsOr20,
    20
);
runs!(
    /// `--runs N`, as many as the classroom page runs if not given.
    ClassroomRuns,
    crate::serve::DEFAULT_RUNS
);

/// `--out PATH`: where the command writes. Its default depends on the command and the
/// scenario, so it is the config's to choose, and each command's help names it.
#[derive(Debug, Clone, Args)]
pub struct Out {
    /// Output folder [default: a folder of the command's own under output/].
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// `--events E`: which events a chart numbers.
#[derive(Debug, Clone, Args)]
pub struct Events {
    /// Which events the chart numbers: `all`, a count of the largest jumps, or event
    /// ids separated by commas.
    #[arg(long, default_value_t = report::Events::default())]
    pub events: report::Events,
}

/// `--reference FILE.csv`: a measured series, the scenario's own if not given.
#[derive(Debug, Clone, Args)]
pub struct Reference {
    /// A measured series to set beside the run (CSV `date,score[,label]`, or
    /// `date,pair,score[,label]` for several pairs; optionally `sd`, or `lo` and `hi`,
    /// weighting the fit; `NA` scores skipped): drawn on the chart, with fit.csv and
    /// fit.txt [default: the scenario's `reference`].
    #[arg(long)]
    pub reference: Option<PathBuf>,
}

/// `--shard I/N`: one share of a command's work, for `diplosim merge`.
#[derive(Debug, Clone, Copy, Args)]
pub struct ShardOf {
    /// Make only shard I of N (e.g. 3/10): its runs go to a shard file for
    /// `diplosim merge`, instead of the command's files.
    #[arg(long)]
    pub shard: Option<Shard>,
}

/// `--dynamics FORM`: the model's form for this command, over the scenario file's.
#[derive(Debug, Clone, Args)]
pub struct DynamicsFlag {
    /// The model's form instead of the scenario's: `decaying`, or
    /// `accumulating[:GAIN[:DRIFT]]` with DRIFT the drift's half-life in years or `none`
    /// (default gain 1, no drift), e.g. `accumulating:1:10`.
    #[arg(long, value_parser = parse_dynamics)]
    pub dynamics: Option<crate::scenario::file::DynamicsFile>,
}

impl DynamicsFlag {
    /// The change a counterfactual writes for the form chosen, if one was.
    pub fn change(&self) -> Option<String> {
        use crate::scenario::file::{DynamicsFile, FadeFile};
        Some(match self.dynamics.as_ref()? {
            DynamicsFile::Decaying => "Decay".to_string(),
            DynamicsFile::Accumulating { gain, drift } => {
                let drift = match drift {
                    FadeFile::Years(y) => format!("Years({y:?})"),
                    _ => "Permanent".to_string(),
                };
                format!("Accumulate(gain: {gain:?}, drift: {drift})")
            }
        })
    }
}

/// A form as typed: `decaying` or `accumulating[:GAIN[:DRIFT_YEARS|none]]`, its numbers
/// held to the ranges a scenario file's are.
fn parse_dynamics(text: &str) -> Result<crate::scenario::file::DynamicsFile, String> {
    use crate::scenario::file::{DynamicsFile, FadeFile};
    let usage = "write decaying, or accumulating[:GAIN[:DRIFT]] with GAIN above 0 and at most 10 and DRIFT a half-life in years above 0 or `none`, e.g. accumulating:1:10";
    let mut parts = text.trim().split(':');
    match parts.next() {
        Some("decaying") if parts.next().is_none() => Ok(DynamicsFile::Decaying),
        Some("accumulating") => {
            let gain = match parts.next() {
                None => 1.0,
                Some(g) => match g.trim().parse::<f64>() {
                    Ok(g) if g > 0.0 && g <= 10.0 => g,
                    _ => return Err(format!("the gain {g:?}: {usage}")),
                },
            };
            let drift = match parts.next() {
                None | Some("none") => FadeFile::Permanent,
                Some(d) => match d.trim().parse::<f64>() {
                    Ok(y) if y > 0.0 && y.is_finite() => FadeFile::Years(y),
                    _ => return Err(format!("the drift {d:?}: {usage}")),
                },
            };
            if parts.next().is_some() {
                return Err(usage.to_string());
            }
            Ok(DynamicsFile::Accumulating { gain, drift })
        }
        _ => Err(usage.to_string()),
    }
}

/// Replaces a shared flag's help text in one command, for `mut_arg`.
pub(super) fn help(text: &'static str) -> impl FnOnce(clap::Arg) -> clap::Arg {
    move |arg| arg.help(text)
}

/// A seed as typed: a whole number that fits 64 bits, with a message that says so.
fn parse_seed(text: &str) -> Result<u64, String> {
    text.trim().parse().map_err(|_| {
        format!(
            "a seed is a whole number from 0 to {}, e.g. --seed 42",
            u64::MAX
        )
    })
}

/// A number of runs as typed: a whole number from 1, with a message that says so (how
/// many fit in memory depends on the scenario's span, and the experiment checks it).
fn parse_runs(text: &str) -> Result<u64, String> {
    match text.trim().parse::<u64>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err(format!(
            "a number of runs is a whole number from 1 to {}, e.g. --runs 1000",
            u64::MAX
        )),
    }
}

/// `--layout lines|panels`: how a scenario of several pairs is drawn; the chart's own
/// choice for the number of pairs if not given.
#[derive(Debug, Clone, Copy, Args)]
pub struct Layout {
    /// How a scenario of several pairs is drawn: `lines` (a line per pair on one plot)
    /// or `panels` (a panel per pair) [default: lines up to 4 pairs, panels above].
    #[arg(long)]
    pub layout: Option<crate::chart::Layout>,
}

/// `--readings`: which readings of the contested events and checkpoints the runs take.
#[derive(Debug, Clone, Args)]
pub struct Readings {
    /// Readings of the contested events and checkpoints: `default` (each one's first, the
    /// scenario as written), `all` (each run draws one per contested item, by weight, on
    /// the item's own random stream; the report says which conclusions hold under every
    /// reading), or ID=READING[,ID=READING] to pin some.
    #[arg(long, default_value = "default", value_parser = crate::readings::Mode::parse)]
    pub readings: crate::readings::Mode,
}

/// `--per-run`: also write every run's monthly scores.
#[derive(Debug, Clone, Copy, Args)]
pub struct PerRun {
    /// Also write runs.csv: every run's monthly score of every pair, in long form
    /// (`run,seed,variant,date,pair,score`).
    #[arg(long)]
    pub per_run: bool,
}

/// `--at` of `explain`: a day (`1962-06-14`), or a month (`1962-06`) read as its first
/// day, where the run's monthly score is read, as the page's "Why is the score what it
/// is?" reads it.
pub fn day_or_month(text: &str) -> Result<crate::date::Date, String> {
    let text = text.trim();
    let month = text.len() == 7
        && text.as_bytes()[4] == b'-'
        && text
            .bytes()
            .enumerate()
            .all(|(i, b)| i == 4 || b.is_ascii_digit());
    let day = if month {
        format!("{text}-01")
    } else {
        text.to_string()
    };
    // A month's error names the month as typed, not the first day it was read as.
    day.parse().map_err(|e: crate::date::DateError| {
        format!(
            "{}; write a day (1962-06-14) or a month (1962-06)",
            e.to_string().replace(&day, text)
        )
    })
}
