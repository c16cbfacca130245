//! The command line, in two layers: [`Cli`] holds only what was typed (clap), and each
//! command turns it into loaded, checked inputs before any work starts: for `run`,
//! `ensemble`, `compare`, `rank`, `explain`, `calibrate`, `sensitivity`, `fit`, `merge`
//! and `handout`, a config such as `run::RunConfig` built from the typed values; `serve`
//! builds the server's own config; `check` has none, its work being the loading.
//!
//! Commands return the text to print; the binary prints it and picks the exit code from
//! [`CliError::exit_code`]. Nothing is written to the output folder unless the whole
//! command succeeded.
//!
//! One file per command family: `check`, `run`, the experiments (ensemble, compare,
//! rank, explain), the research commands (calibrate, sensitivity, fit; merge is dispatched
//! here), the classroom (serve, handout); [`args`] defines the flags several commands
//! share, `inputs` turns typed paths into loaded inputs and `write` checks output folders
//! and writes files whole.

pub mod args;
mod check;
mod classroom;
mod error;
mod experiments;
mod inputs;
mod research;
mod run;
mod write;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::date::Date;
use crate::experiment::{ExperimentError, Progress, Seeds};
use crate::report;
use crate::research::shard::Shard;

pub use classroom::serve_config;
pub use error::CliError;
pub use inputs::{Subject, load_any};
pub use run::summary;
pub use write::default_out;

/// diplosim: simulate the diplomatic relations between states and draw them.
#[derive(Debug, Parser)]
#[command(name = "diplosim", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
    /// Show no progress on stderr: neither the bar on a terminal nor, without one, the
    /// line every 10% (or 10 s) a batch job's log gets.
    #[arg(long, global = true)]
    pub quiet: bool,
}

/// The subcommands. The flags several share are defined once, in [`args`]; a command's
/// own help text for one is set beside it with `mut_arg`.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate scenario and counterfactual files.
    Check {
        /// Files to check.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Run a scenario (or a counterfactual's variant) once: trajectory.csv, events.csv, manifest.json, chart.png, chart.svg.
    #[command(
        mut_arg("seed", args::help("Seed of the run's random streams")),
        mut_arg("out", args::help("Output folder [default: output/<scenario name>/]"))
    )]
    Run {
        /// The scenario file (or a counterfactual, to run its variant).
        scenario: PathBuf,
        #[command(flatten)]
        seed: args::Seed,
        #[command(flatten)]
        events: args::Events,
        #[command(flatten)]
        out: args::Out,
        #[command(flatten)]
        reference: args::Reference,
        #[command(flatten)]
        layout: args::Layout,
    },
    /// Many seeded runs drawn as bands: ensemble.csv (mean and percentiles 5/25/50/75/95).
    #[command(mut_arg(
        "out",
        args::help("Output folder [default: output/<scenario name>/ensemble/]")
    ))]
    Ensemble {
        /// The scenario (or a counterfactual, to run its variant).
        scenario: PathBuf,
        #[command(flatten)]
        runs: args::Runs,
        #[command(flatten)]
        seed: args::Seed,
        #[command(flatten)]
        events: args::Events,
        #[command(flatten)]
        out: args::Out,
        #[command(flatten)]
        shard: args::ShardOf,
        #[command(flatten)]
        reference: args::Reference,
        #[command(flatten)]
        per_run: args::PerRun,
        #[command(flatten)]
        layout: args::Layout,
        #[command(flatten)]
        readings: args::Readings,
    },
    /// A scenario against counterfactuals on the same seeds: compare.csv and a divergence
    /// summary.
    #[command(
        mut_arg("runs", args::help("Paired runs per curve; run i uses seed + i")),
        mut_arg(
            "out",
            args::help("Output folder [default: output/<scenario name>/compare/]")
        ),
        mut_arg(
            "layout",
            args::help(
                "How a scenario of several pairs is drawn: a comparison of several pairs always gets a panel per pair (`panels`; `lines` is refused for it)"
            )
        )
    )]
    Compare {
        /// The baseline scenario.
        scenario: PathBuf,
        /// Counterfactual files, applied to the baseline.
        #[arg(required = true)]
        counterfactuals: Vec<PathBuf>,
        #[command(flatten)]
        runs: args::RunsOr1,
        #[command(flatten)]
        seed: args::Seed,
        #[command(flatten)]
        events: args::Events,
        #[command(flatten)]
        out: args::Out,
        #[command(flatten)]
        shard: args::ShardOf,
        #[command(flatten)]
        reference: args::Reference,
        /// Zoom the chart to start here: a year (1956) or a date (1956-02-25) inside
        /// the span. The CSV files keep the whole span.
        #[arg(long)]
        from: Option<report::Bound>,
        /// Zoom the chart to end here: a year (1969, to its last day) or a date.
        #[arg(long)]
        to: Option<report::Bound>,
        #[command(flatten)]
        per_run: args::PerRun,
        #[command(flatten)]
        layout: args::Layout,
        #[command(flatten)]
        readings: args::Readings,
    },
    /// The parts of the score on one date: structural part, each modifier that counts,
    /// raw sum and squashed score.
    #[command(mut_arg("seed", args::help("Seed of the run")))]
    Explain {
        /// The scenario (or a counterfactual).
        scenario: PathBuf,
        /// The date to explain: a day (YYYY-MM-DD), or a month (YYYY-MM, its first day,
        /// where the monthly score is read)
        #[arg(long, value_parser = args::day_or_month)]
        at: Date,
        #[command(flatten)]
        seed: args::Seed,
        /// Print CSV instead of a table.
        #[arg(long)]
        csv: bool,
        /// Print every modifier that counts, in date order, instead of the 5 that count
        /// most and one row for the rest.
        #[arg(long)]
        full: bool,
        /// Explain only this pair of states (`a/b`, the ids of its two states) [default:
        /// every pair in turn].
        #[arg(long)]
        pair: Option<String>,
    },
    /// Events ordered by how much removing each one moves the trajectory: rank.csv.
    #[command(
        mut_arg("runs", args::help("Paired runs per event; run i uses seed + i")),
        mut_arg(
            "out",
            args::help("Output folder [default: output/<scenario name>/rank/]")
        )
    )]
    Rank {
        /// The scenario (or a counterfactual).
        scenario: PathBuf,
        #[command(flatten)]
        runs: args::RunsOr1,
        #[command(flatten)]
        seed: args::Seed,
        #[command(flatten)]
        out: args::Out,
        #[command(flatten)]
        shard: args::ShardOf,
    },
    /// Finds the parameter values (declared in a params file) that bring the ensemble
    /// mean closest to a measured series on a training period: calibrated.ron (a
    /// counterfactual), calibration.txt (train and test fit, and diagnostics),
    /// calibration.csv, chart.png/chart.svg.
    #[command(
        mut_arg("reference", args::help(REFERENCE_FITTED)),
        mut_arg("runs", args::help(RUNS_PER_EVALUATION)),
        mut_arg(
            "out",
            args::help("Output folder [default: output/<scenario name>/calibrate/]")
        ),
        mut_arg("shard", args::help(SHARD_STARTS))
    )]
    Calibrate {
        /// The scenario.
        scenario: PathBuf,
        #[command(flatten)]
        reference: args::Reference,
        /// What may move, within which bounds (RON `Params(params: [...])`).
        #[arg(long)]
        params: PathBuf,
        /// Training period, FROM..TO (years or dates) [default: every reference date].
        #[arg(long, value_parser = crate::research::calibrate::parse_period)]
        train: Option<(Date, Date)>,
        /// Held-out test period, FROM..TO.
        #[arg(long, value_parser = crate::research::calibrate::parse_period)]
        test: Option<(Date, Date)>,
        #[command(flatten)]
        runs: args::RunsOr20,
        #[command(flatten)]
        seed: args::Seed,
        /// Most evaluations of the objective, shared evenly between the starts.
        #[arg(long, default_value_t = 200)]
        budget: usize,
        /// Starts of the search, run in parallel: the scenario's own values, then points
        /// of a Halton sequence over the bounds.
        #[arg(long, default_value_t = 4)]
        starts: usize,
        /// The loss: RMSE, or the share of dates in another band.
        #[arg(long, value_enum, default_value = "rmse")]
        objective: crate::research::calibrate::Objective,
        /// Rolling-origin cross-validation in time: cut the training dates in K + 1
        /// parts, calibrate on the first k and test on the next, for k = 1..K (each a
        /// whole search) [default: none].
        #[arg(long, default_value_t = 0)]
        folds: usize,
        #[command(flatten)]
        out: args::Out,
        #[command(flatten)]
        shard: args::ShardOf,
        #[command(flatten)]
        dynamics: args::DynamicsFlag,
    },
    /// Which declared parameters the trajectory (and its fit to a measured series)
    /// depends on: one-at-a-time sweeps and Morris elementary effects; sensitivity.csv
    /// and a bar chart.
    #[command(
        mut_arg("reference", args::help(REFERENCE_RANKED)),
        mut_arg("runs", args::help(RUNS_PER_EVALUATION)),
        mut_arg("seed", args::help("Seed of the first run, and of the Morris paths")),
        mut_arg(
            "out",
            args::help("Output folder [default: output/<scenario name>/sensitivity/]")
        ),
        mut_arg("shard", args::help(SHARD_POINTS))
    )]
    Sensitivity {
        /// The scenario.
        scenario: PathBuf,
        /// What may move, within which bounds (RON `Params(params: [...])`).
        #[arg(long)]
        params: PathBuf,
        #[command(flatten)]
        reference: args::Reference,
        #[command(flatten)]
        runs: args::RunsOr20,
        #[command(flatten)]
        seed: args::Seed,
        /// Morris paths (each costs one evaluation more than there are parameters).
        #[arg(long, default_value_t = 10)]
        paths: usize,
        #[command(flatten)]
        out: args::Out,
        #[command(flatten)]
        shard: args::ShardOf,
    },
    /// Joins the shard files that `--shard I/N` runs wrote into the files one machine
    /// would have written, in the folder the command line names.
    Merge {
        /// Folders holding the shard files (`<command>-shard-I-of-N.bin`).
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
    },
    /// How well the ensemble mean of the scenario, and of each counterfactual's variant,
    /// fits a measured series: r, RMSE, bias, share in the same band, best lag.
    #[command(
        mut_arg("reference", args::help(REFERENCE_FITTED)),
        mut_arg("runs", args::help("Runs per curve; run i uses seed + i")),
        mut_arg(
            "out",
            args::help(
                "Also write fit.txt (what is printed) and fit.csv, with a manifest, to this folder [default: print only]"
            )
        )
    )]
    Fit {
        /// The baseline scenario.
        scenario: PathBuf,
        /// Counterfactual files, applied to the baseline.
        counterfactuals: Vec<PathBuf>,
        #[command(flatten)]
        reference: args::Reference,
        #[command(flatten)]
        runs: args::RunsOr1,
        #[command(flatten)]
        seed: args::Seed,
        #[command(flatten)]
        dynamics: args::DynamicsFlag,
        #[command(flatten)]
        out: args::Out,
    },
    /// The classroom page: a what-if lab in the browser, on this machine only by default.
    Serve {
        /// The folder of scenarios and counterfactuals to offer.
        #[arg(long, default_value = "scenarios")]
        dir: PathBuf,
        /// Address to listen on; 0.0.0.0 opens the page to the whole network.
        #[arg(long, default_value = "127.0.0.1")]
        host: String,
        /// Port to listen on.
        #[arg(long, default_value_t = 8080)]
        port: u16,
    },
    /// A self-contained HTML handout of a scenario, or of a what-if against it: two
    /// landscape pages of A4 or Letter (the question, the chart and what the runs say; the
    /// debrief questions and the checkpoints with their sources).
    #[command(
        mut_arg(
            "runs",
            args::help("Paired runs (with a counterfactual); run i uses seed + i")
        ),
        mut_arg(
            "out",
            args::help("The file to write [default: output/<scenario name>/<name>-handout.html]")
        )
    )]
    Handout {
        /// The scenario.
        scenario: PathBuf,
        /// A counterfactual to compare with it.
        counterfactual: Option<PathBuf>,
        #[command(flatten)]
        runs: args::ClassroomRuns,
        #[command(flatten)]
        seed: args::Seed,
        #[command(flatten)]
        out: args::Out,
        /// Add an appendix: the events of the run with their sources and the monthly
        /// scores behind the chart (several more pages)
        #[arg(long)]
        table: bool,
    },
}

/// `--reference` where the series is what the runs are fitted to.
const REFERENCE_FITTED: &str = "The measured series (CSV `date,score[,label]`, or `date,pair,score[,label]` for several pairs; optionally `sd`, or `lo` and `hi`, weighting the fit; `NA` scores skipped) [default: the scenario's `reference`]";
/// `--reference` where the series is optional, to rank parameters by the fit.
const REFERENCE_RANKED: &str = "A measured series, to rank the parameters by their effect on the fit too [default: the scenario's `reference`]";
/// `--shard` where the work shared out is the starts of a search.
const SHARD_STARTS: &str = "Make only shard I of N (e.g. 3/10): its starts go to a shard file for `diplosim merge`, instead of the command's files";
/// `--shard` where the work shared out is the points of a sweep.
const SHARD_POINTS: &str = "Make only shard I of N (e.g. 3/10): its points go to a shard file for `diplosim merge`, instead of the command's files";
/// `--runs` where every evaluation of a search runs the same seeds.
const RUNS_PER_EVALUATION: &str = "Runs per evaluation (the same seeds every time)";

/// Runs a parsed command line. `argv` is recorded in manifests as typed.
pub fn execute(cli: &Cli, argv: &[String]) -> Result<String, CliError> {
    execute_with(cli, argv, &())
}

/// As [`execute`], reporting the progress of long experiments to `progress`.
pub fn execute_with(
    cli: &Cli,
    argv: &[String],
    progress: &dyn Progress,
) -> Result<String, CliError> {
    execute_work(cli, argv, progress, None)
}

/// What an experiment command does with its runs: all of them, one shard of them, or
/// none, the runs coming from merged shards.
enum Work {
    All,
    Shard(Shard),
    Merged(MergedRows),
}

/// The runs of merged shards: per curve, per run, its row of numbers, in seed order; and
/// how many shards they came from.
pub(super) struct MergedRows {
    curves: Vec<Vec<Vec<f64>>>,
    shards: u64,
}

impl MergedRows {
    /// Makes again the first run of every shard that has one (`rows_of` gives, for a
    /// slice of seeds, the rows of every curve, as the shard was made) and refuses the
    /// merge if a single bit differs: the simulation is deterministic, so only a shard
    /// made with other settings, or changed with its checksum made anew, differs.
    /// Calibrate's starts and sensitivity's points, each a whole search or ensemble, are
    /// not made again.
    fn check_again(
        &self,
        seeds: Seeds,
        rows_of: impl Fn(Seeds) -> Result<Vec<Vec<Vec<f64>>>, CliError>,
    ) -> Result<(), CliError> {
        for index in 1..=self.shards {
            let range = Shard {
                index,
                count: self.shards,
            }
            .range(seeds.runs);
            if range.is_empty() {
                continue;
            }
            let run = range.start;
            let seed = seeds.first.wrapping_add(run);
            let again = rows_of(Seeds {
                first: seed,
                runs: 1,
            })?;
            let bits = |rows: &[Vec<f64>]| -> Vec<u64> {
                rows.iter().flatten().map(|x| x.to_bits()).collect()
            };
            let same = again.len() == self.curves.len()
                && again.iter().zip(&self.curves).all(|(a, merged)| {
                    merged
                        .get(run as usize)
                        .is_some_and(|row| bits(a) == bits(std::slice::from_ref(row)))
                });
            if !same {
                return Err(CliError::Usage(format!(
                    "shard {index} of {}: its run of seed {seed}, made again, is not the run it holds: it was made with other settings or changed\n  = help: make the shards again",
                    self.shards
                )));
            }
        }
        Ok(())
    }
}

impl Work {
    fn of(shard: Option<Shard>, merged: &mut Option<MergedRows>) -> Work {
        match (merged.take(), shard) {
            (Some(rows), _) => Work::Merged(rows),
            (None, Some(s)) => Work::Shard(s),
            (None, None) => Work::All,
        }
    }
}

/// Refuses merged rows that are not `width` numbers each (a shard header's width that is
/// not the scenario's).
fn rows_of_width(curves: &[Vec<Vec<f64>>], width: usize) -> Result<(), CliError> {
    match curves.iter().flatten().find(|r| r.len() != width) {
        Some(r) => Err(CliError::Usage(format!(
            "the shards hold rows of {} numbers where this scenario makes {width}: they were made from another scenario or changed\n  = help: make the shards again",
            r.len()
        ))),
        None => Ok(()),
    }
}

/// What `merge` works on: the shards read and checked against each other, and the
/// command line they were made by, parsed again and checked to be one that makes shards,
/// before the command is replayed on the merged runs (which builds its own config).
struct MergeConfig {
    again: Cli,
    command_line: Vec<String>,
    curves: MergedRows,
}

impl MergeConfig {
    /// Reads and checks the shards in `dirs`.
    fn new(dirs: &[PathBuf]) -> Result<MergeConfig, CliError> {
        let m = crate::research::shard::merge(dirs)?;
        // The shards' curves hold the cells of the pairs they were made for.
        let pairs_now = |scenario: &PathBuf| -> Result<Vec<String>, CliError> {
            let sc = load_any(scenario)?.scenario;
            Ok((0..sc.pairs.len()).map(|p| sc.pair_key(p)).collect())
        };
        let again = Cli::try_parse_from(&m.command_line).map_err(|e| {
            CliError::Usage(format!(
                "the shards' command line does not parse: {}",
                e.to_string().trim()
            ))
        })?;
        // What the headers say must be what their command line says: the command, the
        // first seed, and the runs (calibrate: the starts) split; sensitivity's points
        // and every row's width are checked by the command against the scenario.
        let (name, seed, units) = match &again.command {
            Command::Ensemble { seed, runs, .. } => ("ensemble", seed.seed, Some(runs.runs)),
            Command::Compare { seed, runs, .. } => ("compare", seed.seed, Some(runs.runs)),
            Command::Rank { seed, runs, .. } => ("rank", seed.seed, Some(runs.runs)),
            Command::Calibrate { seed, starts, .. } => {
                ("calibrate", seed.seed, Some(*starts as u64))
            }
            Command::Sensitivity { seed, .. } => ("sensitivity", seed.seed, None),
            _ => {
                return Err(CliError::Usage(
                    "the shards' command line is not one that makes shards".into(),
                ));
            }
        };
        let h = &m.header;
        let differs = if h.command != name {
            Some(format!("the command {:?}", h.command))
        } else if h.seed != seed {
            Some(format!("the first seed {}", h.seed))
        } else if units.is_some_and(|u| u != h.runs) {
            Some(format!("{} runs (or starts)", h.runs))
        } else {
            None
        };
        if let Some(what) = differs {
            return Err(CliError::Usage(format!(
                "the shards' headers say {what}, which their command line does not: the files were changed\n  = help: make the shards again"
            )));
        }
        if let Command::Ensemble { scenario, .. }
        | Command::Compare { scenario, .. }
        | Command::Rank { scenario, .. }
        | Command::Calibrate { scenario, .. }
        | Command::Sensitivity { scenario, .. } = &again.command
        {
            let now = pairs_now(scenario)?;
            if now != m.pairs {
                return Err(
                    crate::research::shard::ShardError::Pairs { made: m.pairs, now }.into(),
                );
            }
        }
        Ok(MergeConfig {
            again,
            command_line: m.command_line,
            curves: MergedRows {
                curves: m.curves,
                shards: h.of,
            },
        })
    }
}

fn execute_work(
    cli: &Cli,
    argv: &[String],
    progress: &dyn Progress,
    merged: Option<MergedRows>,
) -> Result<String, CliError> {
    let file = match &cli.command {
        Command::Check { .. } | Command::Merge { .. } | Command::Serve { .. } => None,
        Command::Run { scenario, .. }
        | Command::Ensemble { scenario, .. }
        | Command::Compare { scenario, .. }
        | Command::Explain { scenario, .. }
        | Command::Rank { scenario, .. }
        | Command::Calibrate { scenario, .. }
        | Command::Sensitivity { scenario, .. }
        | Command::Fit { scenario, .. }
        | Command::Handout { scenario, .. } => Some(scenario.clone()),
    };
    // A run that stops names the file it ran (the variant is named by the experiment).
    execute_command(cli, argv, progress, merged).map_err(|e| match (e, file) {
        (
            e @ (CliError::Run(_)
            | CliError::Experiment(ExperimentError::Run(_) | ExperimentError::Variant { .. })),
            Some(file),
        ) => CliError::InFile {
            file,
            source: Box::new(e),
        },
        (e, _) => e,
    })
}

fn execute_command(
    cli: &Cli,
    argv: &[String],
    progress: &dyn Progress,
    mut merged: Option<MergedRows>,
) -> Result<String, CliError> {
    match &cli.command {
        // `check`'s work is the loading itself, file by file: a config would hold only
        // the typed paths, so there is none.
        Command::Check { files } => check::check(files),
        Command::Run {
            scenario,
            seed,
            events,
            out,
            reference,
            layout,
        } => run::run(
            run::RunConfig::new(
                scenario,
                seed.seed,
                &events.events,
                out.out.as_deref(),
                reference.reference.as_deref(),
                layout.layout,
            )?,
            argv,
        ),
        Command::Ensemble {
            scenario,
            runs,
            seed,
            events,
            out,
            reference,
            shard,
            per_run,
            layout,
            readings,
        } => experiments::ensemble(
            experiments::EnsembleConfig::new(
                scenario,
                Seeds::new(seed.seed, runs.runs)?,
                &events.events,
                out.out.as_deref(),
                reference.reference.as_deref(),
                per_run.per_run,
                layout.layout,
                &readings.readings,
            )?,
            Work::of(shard.shard, &mut merged),
            argv,
            progress,
        ),
        Command::Compare {
            scenario,
            counterfactuals,
            runs,
            seed,
            events,
            out,
            reference,
            shard,
            from,
            to,
            per_run,
            layout,
            readings,
        } => experiments::compare(
            experiments::CompareConfig::new(
                scenario,
                counterfactuals,
                Seeds::new(seed.seed, runs.runs)?,
                &events.events,
                out.out.as_deref(),
                reference.reference.as_deref(),
                (*from, *to),
                per_run.per_run,
                layout.layout,
                &readings.readings,
            )?,
            Work::of(shard.shard, &mut merged),
            argv,
            progress,
        ),
        Command::Explain {
            scenario,
            at,
            seed,
            csv,
            full,
            pair,
        } => experiments::explain(experiments::ExplainConfig::new(
            scenario,
            *at,
            seed.seed,
            *csv,
            if *full {
                report::Detail::Full
            } else {
                report::Detail::Few
            },
            pair.as_deref(),
        )?),
        Command::Rank {
            scenario,
            runs,
            seed,
            out,
            shard,
        } => experiments::rank(
            experiments::RankConfig::new(
                scenario,
                Seeds::new(seed.seed, runs.runs)?,
                out.out.as_deref(),
            )?,
            Work::of(shard.shard, &mut merged),
            argv,
            progress,
        ),
        Command::Calibrate {
            scenario,
            reference,
            params,
            train,
            test,
            runs,
            seed,
            budget,
            starts,
            objective,
            folds,
            out,
            shard,
            dynamics,
        } => research::calibrate(
            research::CalibrateConfig::new(
                scenario,
                reference.reference.as_deref(),
                params,
                (*train, *test),
                Seeds::new(seed.seed, runs.runs)?,
                (*budget, *starts, *folds),
                *objective,
                out.out.as_deref(),
                dynamics,
                shard.shard.is_some(),
            )?,
            argv,
            progress,
            Work::of(shard.shard, &mut merged),
        ),
        Command::Sensitivity {
            scenario,
            params,
            reference,
            runs,
            seed,
            paths,
            out,
            shard,
        } => research::sensitivity(
            research::SensitivityConfig::new(
                scenario,
                params,
                reference.reference.as_deref(),
                Seeds::new(seed.seed, runs.runs)?,
                *paths,
                out.out.as_deref(),
            )?,
            argv,
            progress,
            Work::of(shard.shard, &mut merged),
        ),
        Command::Merge { dirs } => {
            let m = MergeConfig::new(dirs)?;
            execute_work(&m.again, &m.command_line, progress, Some(m.curves))
        }
        Command::Fit {
            scenario,
            counterfactuals,
            reference,
            runs,
            seed,
            dynamics,
            out,
        } => research::fit(
            research::FitConfig::new(
                scenario,
                counterfactuals,
                reference.reference.as_deref(),
                Seeds::new(seed.seed, runs.runs)?,
                dynamics,
                out.out.as_deref(),
            )?,
            argv,
            progress,
        ),
        // The server's config is `crate::serve::Config`, from `serve_config`; the server
        // loads and checks the folder itself, as the page reloads it.
        Command::Serve { dir, host, port } => {
            crate::serve::run(serve_config(dir, host, *port), |_, _| {})?;
            Ok(String::new())
        }
        Command::Handout {
            scenario,
            counterfactual,
            runs,
            seed,
            out,
            table,
        } => classroom::handout(classroom::HandoutConfig::new(
            scenario,
            counterfactual.as_deref(),
            Seeds::new(seed.seed, runs.runs)?,
            out.out.as_deref(),
            if *table {
                crate::handout::Appendix::Table
            } else {
                crate::handout::Appendix::None
            },
        )?),
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    /// clap's own checks of the definitions (a `mut_arg` naming no flag, a required flag
    /// with a default), which otherwise show only when that command is parsed.
    #[test]
    fn the_command_line_is_well_formed() {
        super::Cli::command().debug_assert();
    }
}
