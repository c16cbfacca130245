//! The command line, in two layers: [`Cli`] holds only what was typed (clap), and each
//! command turns it into loaded, checked inputs before any work starts.
//!
//! Commands return the text to print; the binary prints it and picks the exit code from
//! [`CliError::exit_code`]. Nothing is written to the output folder unless the whole
//! command succeeded.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand};

use crate::date::Date;
use crate::engine::{RunError, Simulation};
use crate::experiment::{self, ExperimentError, Progress, Seeds, Variant};
use crate::output::{self, Input, Manifest, OutputError};
use crate::record::{self, Run};
use crate::report;
use crate::research::shard::Shard;
use crate::scenario::counterfactual::{self, Counterfactual, FileKind, Source};
use crate::scenario::file::ScenarioFile;
use crate::scenario::{Scenario, ScenarioError};

/// diplosim: simulate the diplomatic relationship between two states and draw it.
#[derive(Debug, Parser)]
#[command(name = "diplosim", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate scenario and counterfactual files.
    Check {
        /// Files to check.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Run a scenario (or a counterfactual's variant) once: trajectory.csv, events.csv, manifest.json, chart.png, chart.svg.
    Run {
        /// The scenario file (or a counterfactual, to run its variant).
        scenario: PathBuf,
        /// Seed of the run's random streams.
        #[arg(long, default_value_t = 1, allow_negative_numbers = true, value_parser = parse_seed)]
        seed: u64,
        /// Which events the chart numbers: `all`, a count of the largest jumps, or event
        /// ids separated by commas.
        #[arg(long, default_value = "12")]
        events: report::Events,
        /// Output folder [default: output/<scenario name>/].
        #[arg(long)]
        out: Option<PathBuf>,
        /// A measured series to set beside the run (CSV `date,score[,label]`): drawn on
        /// the chart, with fit.csv and fit.txt [default: the scenario's `reference`].
        #[arg(long)]
        reference: Option<PathBuf>,
    },
    /// Many seeded runs drawn as bands: ensemble.csv (mean and percentiles 5/25/50/75/95).
    Ensemble {
        /// The scenario (or a counterfactual, to run its variant).
        scenario: PathBuf,
        /// Number of runs; run i uses seed + i.
        #[arg(long, allow_negative_numbers = true, value_parser = parse_runs)]
        runs: u64,
        /// Seed of the first run.
        #[arg(long, default_value_t = 1, allow_negative_numbers = true, value_parser = parse_seed)]
        seed: u64,
        /// Which events the chart numbers: `all`, a count of the largest jumps, or event
        /// ids separated by commas.
        #[arg(long, default_value = "12")]
        events: report::Events,
        /// Output folder [default: output/<scenario name>/ensemble/].
        #[arg(long)]
        out: Option<PathBuf>,
        /// Make only shard I of N (e.g. 3/10): its runs go to a shard file for
        /// `diplosim merge`, instead of the command's files.
        #[arg(long)]
        shard: Option<Shard>,
        /// A measured series to set beside the run (CSV `date,score[,label]`): drawn on
        /// the chart, with fit.csv and fit.txt [default: the scenario's `reference`].
        #[arg(long)]
        reference: Option<PathBuf>,
    },
    /// A scenario against counterfactuals on the same seeds: compare.csv and a divergence
    /// summary.
    Compare {
        /// The baseline scenario.
        scenario: PathBuf,
        /// Counterfactual files, applied to the baseline.
        #[arg(required = true)]
        counterfactuals: Vec<PathBuf>,
        /// Paired runs per curve; run i uses seed + i.
        #[arg(long, default_value_t = 1, allow_negative_numbers = true, value_parser = parse_runs)]
        runs: u64,
        /// Seed of the first run.
        #[arg(long, default_value_t = 1, allow_negative_numbers = true, value_parser = parse_seed)]
        seed: u64,
        /// Which events the chart numbers: `all`, a count of the largest jumps, or event
        /// ids separated by commas.
        #[arg(long, default_value = "12")]
        events: report::Events,
        /// Output folder [default: output/<scenario name>/compare/].
        #[arg(long)]
        out: Option<PathBuf>,
        /// Make only shard I of N (e.g. 3/10): its runs go to a shard file for
        /// `diplosim merge`, instead of the command's files.
        #[arg(long)]
        shard: Option<Shard>,
        /// A measured series to set beside the run (CSV `date,score[,label]`): drawn on
        /// the chart, with fit.csv and fit.txt [default: the scenario's `reference`].
        #[arg(long)]
        reference: Option<PathBuf>,
    },
    /// The parts of the score on one date: structural part, each modifier that counts,
    /// raw sum and squashed score.
    Explain {
        /// The scenario (or a counterfactual).
        scenario: PathBuf,
        /// The date to explain, YYYY-MM-DD.
        #[arg(long)]
        at: Date,
        /// Seed of the run.
        #[arg(long, default_value_t = 1, allow_negative_numbers = true, value_parser = parse_seed)]
        seed: u64,
        /// Print CSV instead of a table.
        #[arg(long)]
        csv: bool,
    },
    /// Events ordered by how much removing each one moves the trajectory: rank.csv.
    Rank {
        /// The scenario (or a counterfactual).
        scenario: PathBuf,
        /// Paired runs per event; run i uses seed + i.
        #[arg(long, default_value_t = 1, allow_negative_numbers = true, value_parser = parse_runs)]
        runs: u64,
        /// Seed of the first run.
        #[arg(long, default_value_t = 1, allow_negative_numbers = true, value_parser = parse_seed)]
        seed: u64,
        /// Output folder [default: output/<scenario name>/rank/].
        #[arg(long)]
        out: Option<PathBuf>,
        /// Make only shard I of N (e.g. 3/10): its runs go to a shard file for
        /// `diplosim merge`, instead of the command's files.
        #[arg(long)]
        shard: Option<Shard>,
    },
    /// Finds the parameter values (declared in a params file) that bring the ensemble
    /// mean closest to a measured series on a training period: calibrated.ron (a
    /// counterfactual), calibration.txt (train and test fit), chart.png/chart.svg.
    Calibrate {
        /// The scenario.
        scenario: PathBuf,
        /// The measured series (CSV `date,score[,label]`) [default: the scenario's
        /// `reference`].
        #[arg(long)]
        reference: Option<PathBuf>,
        /// What may move, within which bounds (RON `Params(params: [...])`).
        #[arg(long)]
        params: PathBuf,
        /// Training period, FROM..TO (years or dates) [default: every reference date].
        #[arg(long, value_parser = crate::research::calibrate::parse_period)]
        train: Option<(Date, Date)>,
        /// Held-out test period, FROM..TO.
        #[arg(long, value_parser = crate::research::calibrate::parse_period)]
        test: Option<(Date, Date)>,
        /// Runs per evaluation (the same seeds every time).
        #[arg(long, default_value_t = 20)]
        runs: u64,
        /// Seed of the first run.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Most evaluations of the objective.
        #[arg(long, default_value_t = 200)]
        budget: usize,
        /// The loss: RMSE, or the share of dates in another band.
        #[arg(long, value_enum, default_value = "rmse")]
        objective: crate::research::calibrate::Objective,
        /// Output folder [default: output/<scenario name>/calibrate/].
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Which declared parameters the trajectory (and its fit to a measured series)
    /// depends on: one-at-a-time sweeps and Morris elementary effects; sensitivity.csv
    /// and a bar chart.
    Sensitivity {
        /// The scenario.
        scenario: PathBuf,
        /// What may move, within which bounds (RON `Params(params: [...])`).
        #[arg(long)]
        params: PathBuf,
        /// A measured series, to rank the parameters by their effect on the fit too
        /// [default: the scenario's `reference`].
        #[arg(long)]
        reference: Option<PathBuf>,
        /// Runs per evaluation (the same seeds every time).
        #[arg(long, default_value_t = 20)]
        runs: u64,
        /// Seed of the first run, and of the Morris paths.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Morris paths (each costs one evaluation more than there are parameters).
        #[arg(long, default_value_t = 10)]
        paths: usize,
        /// Output folder [default: output/<scenario name>/sensitivity/].
        #[arg(long)]
        out: Option<PathBuf>,
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
    Fit {
        /// The baseline scenario.
        scenario: PathBuf,
        /// Counterfactual files, applied to the baseline.
        counterfactuals: Vec<PathBuf>,
        /// The measured series (CSV `date,score[,label]`) [default: the scenario's
        /// `reference`].
        #[arg(long)]
        reference: Option<PathBuf>,
        /// Runs per curve; run i uses seed + i.
        #[arg(long, default_value_t = 1)]
        runs: u64,
        /// Seed of the first run.
        #[arg(long, default_value_t = 1)]
        seed: u64,
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
    /// A self-contained HTML handout of a scenario, or of a what-if against it.
    Handout {
        /// The scenario.
        scenario: PathBuf,
        /// A counterfactual to compare with it.
        counterfactual: Option<PathBuf>,
        /// Paired runs (with a counterfactual); run i uses seed + i.
        #[arg(long, default_value_t = crate::serve::DEFAULT_RUNS)]
        runs: u64,
        /// Seed of the first run.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// The file to write [default: output/<scenario name>/<name>-handout.html].
        #[arg(long)]
        out: Option<PathBuf>,
    },
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

/// Refuses an output folder that cannot be one, before any work is done: a file, a path
/// through a file, or the folder the command runs in (or one that holds it), which
/// writing replaces as a whole.
fn check_out(out: &Path) -> Result<(), CliError> {
    if let (Ok(o), Ok(here)) = (out.canonicalize(), std::env::current_dir())
        && here.canonicalize().unwrap_or(here).starts_with(&o)
    {
        return Err(CliError::Usage(format!(
            "--out {}: this is the folder you are working in (or holds it); the output folder is replaced as a whole on every write\n  = help: name a folder of its own, e.g. --out {}",
            out.display(),
            out.join("diplosim-output").display()
        )));
    }
    // Every existing prefix of the path must be a folder.
    for dir in out.ancestors().filter(|a| !a.as_os_str().is_empty()) {
        if dir.exists() && !dir.is_dir() {
            return Err(CliError::Usage(format!(
                "--out {}: {} is a file, not a folder\n  = help: name a folder for the output files (it is created if missing)",
                out.display(),
                dir.display()
            )));
        }
    }
    Ok(())
}

/// Why a command failed.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// A scenario or counterfactual file is broken.
    #[error("{0}")]
    Scenario(#[from] ScenarioError),
    /// Several files were checked and some are broken.
    #[error("{}", .0.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n\n"))]
    Scenarios(Vec<ScenarioError>),
    /// `check` found broken files among others that passed.
    #[error("{}", errors.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n\n"))]
    Check {
        /// The summary lines of the files that passed, for standard output.
        passed: String,
        /// Why each broken file is broken.
        errors: Vec<ScenarioError>,
    },
    /// A run stopped.
    #[error("{0}")]
    Run(#[from] RunError),
    /// An experiment stopped.
    #[error("{0}")]
    Experiment(#[from] ExperimentError),
    /// A run or an experiment on a file stopped: the file, then why.
    #[error("{}: {source}", file.display())]
    InFile {
        /// The scenario or counterfactual named on the command line.
        file: PathBuf,
        /// Why it stopped.
        source: Box<CliError>,
    },
    /// Files could not be written.
    #[error("{0}")]
    Output(#[from] OutputError),
    /// A chart could not be drawn.
    #[error("{0}")]
    Chart(#[from] crate::chart::ChartError),
    /// The arguments make no sense together.
    #[error("{0}")]
    Usage(String),
    /// A reference series is broken or does not fit the scenario.
    #[error("{0}")]
    Reference(#[from] crate::research::ReferenceError),
    /// Shards could not be merged.
    #[error("{0}")]
    Shard(#[from] crate::research::shard::ShardError),
    /// The classroom page could not be served.
    #[error("{0}")]
    Serve(#[from] crate::serve::ServeError),
}

impl CliError {
    /// 2 for a user's mistake (a broken file, bad arguments, a runaway scenario), 1 for a
    /// failure of the machine (a file that cannot be written).
    pub fn exit_code(&self) -> i32 {
        match self {
            CliError::Output(_) | CliError::Chart(_) => 1,
            _ => 2,
        }
    }

    /// What still belongs on standard output although the command failed: the files that
    /// passed `check`.
    pub fn stdout(&self) -> &str {
        match self {
            CliError::Check { passed, .. } => passed,
            _ => "",
        }
    }
}

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
    Merged(Vec<Vec<Vec<f64>>>),
}

impl Work {
    fn of(shard: Option<Shard>, merged: &mut Option<Vec<Vec<Vec<f64>>>>) -> Work {
        match (merged.take(), shard) {
            (Some(rows), _) => Work::Merged(rows),
            (None, Some(s)) => Work::Shard(s),
            (None, None) => Work::All,
        }
    }
}

fn execute_work(
    cli: &Cli,
    argv: &[String],
    progress: &dyn Progress,
    merged: Option<Vec<Vec<Vec<f64>>>>,
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
    mut merged: Option<Vec<Vec<Vec<f64>>>>,
) -> Result<String, CliError> {
    match &cli.command {
        Command::Check { files } => check(files),
        Command::Run {
            scenario,
            seed,
            events,
            out,
            reference,
        } => run(
            scenario,
            *seed,
            events,
            out.as_deref(),
            reference.as_deref(),
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
        } => ensemble(
            scenario,
            Seeds::new(*seed, *runs)?,
            events,
            out.as_deref(),
            reference.as_deref(),
            Work::of(*shard, &mut merged),
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
        } => compare(
            scenario,
            counterfactuals,
            Seeds::new(*seed, *runs)?,
            events,
            out.as_deref(),
            reference.as_deref(),
            Work::of(*shard, &mut merged),
            argv,
            progress,
        ),
        Command::Explain {
            scenario,
            at,
            seed,
            csv,
        } => explain(scenario, *at, *seed, *csv),
        Command::Rank {
            scenario,
            runs,
            seed,
            out,
            shard,
        } => rank(
            scenario,
            Seeds::new(*seed, *runs)?,
            out.as_deref(),
            Work::of(*shard, &mut merged),
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
            objective,
            out,
        } => calibrate(
            scenario,
            reference.as_deref(),
            params,
            (*train, *test),
            Seeds::new(*seed, *runs)?,
            *budget,
            *objective,
            out.as_deref(),
            argv,
            progress,
        ),
        Command::Sensitivity {
            scenario,
            params,
            reference,
            runs,
            seed,
            paths,
            out,
        } => sensitivity(
            scenario,
            params,
            reference.as_deref(),
            Seeds::new(*seed, *runs)?,
            *paths,
            out.as_deref(),
            argv,
            progress,
        ),
        Command::Merge { dirs } => {
            let m = crate::research::shard::merge(dirs)?;
            let again = Cli::try_parse_from(&m.command_line).map_err(|e| {
                CliError::Usage(format!(
                    "the shards' command line does not parse: {}",
                    e.to_string().trim()
                ))
            })?;
            if !matches!(
                again.command,
                Command::Ensemble { .. } | Command::Compare { .. } | Command::Rank { .. }
            ) {
                return Err(CliError::Usage(
                    "the shards' command line is not one that makes shards".into(),
                ));
            }
            execute_work(&again, &m.command_line, progress, Some(m.curves))
        }
        Command::Fit {
            scenario,
            counterfactuals,
            reference,
            runs,
            seed,
        } => fit(
            scenario,
            counterfactuals,
            reference.as_deref(),
            Seeds::new(*seed, *runs)?,
            progress,
        ),
        Command::Serve { dir, host, port } => {
            crate::serve::run(serve_config(dir, host, *port), |_| {})?;
            Ok(String::new())
        }
        Command::Handout {
            scenario,
            counterfactual,
            runs,
            seed,
            out,
        } => handout(
            scenario,
            counterfactual.as_deref(),
            Seeds::new(*seed, *runs)?,
            out.as_deref(),
        ),
    }
}

/// Writes one file whole or not at all: into a temporary file beside it, then renamed
/// over it. Unlike an output folder, the folder around it is left as it is.
fn write_one(path: &Path, bytes: &[u8]) -> Result<(), OutputError> {
    use std::io::Write as _;
    let io = |source| OutputError::Io {
        path: path.to_path_buf(),
        source,
    };
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(io)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".diplosim-handout-")
        .tempfile_in(dir)
        .map_err(io)?;
    tmp.write_all(bytes).map_err(io)?;
    tmp.as_file().sync_all().map_err(io)?;
    tmp.persist(path).map_err(|e| io(e.error))?;
    Ok(())
}

/// The server's configuration from `diplosim serve`'s arguments, with the default limits.
pub fn serve_config(dir: &Path, host: &str, port: u16) -> crate::serve::Config {
    crate::serve::Config {
        dir: dir.to_path_buf(),
        host: host.to_string(),
        port,
        limits: crate::serve::Limits::default(),
    }
}

fn handout(
    path: &Path,
    cf: Option<&Path>,
    seeds: Seeds,
    out: Option<&Path>,
) -> Result<String, CliError> {
    let base = load_file(path)?;
    let variant = match cf {
        Some(cf) => Some(Source::read(cf)?.apply(&base.file, path)?),
        None => None,
    };
    let sc = &base.scenario;
    let whatif = variant.as_ref().map(|c| crate::lab::WhatIf {
        name: &c.name,
        title: &c.title,
        question: &c.question,
        scenario: &c.scenario,
    });
    let o = crate::lab::study(sc, whatif, seeds)?;
    let html = crate::handout::html(sc, whatif, &o)?;
    let name = crate::handout::file_name(sc, whatif);
    let (dir, name) = match out {
        Some(file) if file.is_dir() => {
            return Err(CliError::Usage(format!(
                "--out {}: this is a folder; name the file to write, e.g. --out {}",
                file.display(),
                file.join(&name).display()
            )));
        }
        Some(file) => {
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .ok_or_else(|| {
                    CliError::Usage(format!(
                        "--out {}: name a file to write, e.g. --out handout.html",
                        file.display()
                    ))
                })?;
            let dir = file
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
            (dir, name)
        }
        None => (default_out(sc), name),
    };
    let path = dir.join(&name);
    write_one(&path, html.as_bytes())?;
    Ok(format!("wrote {}\n", path.display()))
}

/// Reads a file as text, with the hash of its bytes on disk (so `sha256sum` agrees with
/// the manifest even for a file that starts with a byte-order mark).
fn read_hashed(path: &Path) -> Result<(String, Input), ScenarioError> {
    let bytes = crate::scenario::source::read_bytes(path)?;
    let text = crate::scenario::source::decode(&bytes, path)?.to_string();
    Ok((text, Input::new(path, &bytes)))
}

fn check(files: &[PathBuf]) -> Result<String, CliError> {
    let mut out = String::new();
    let mut errors = Vec::new();
    for path in files {
        let text = match crate::scenario::source::read(path) {
            Ok(t) => t,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        if counterfactual::kind(&text) == FileKind::Counterfactual {
            match Counterfactual::load(path) {
                Ok(c) => {
                    let reach = if c.changes == 0 {
                        "it changes nothing".to_string()
                    } else {
                        format!("the variant equals its base before {}", c.first_change)
                    };
                    let _ = writeln!(
                        out,
                        "{}: ok: counterfactual \"{}\" on \"{}\": {} change{}; {reach}",
                        path.display(),
                        c.title,
                        c.scenario.title,
                        c.changes,
                        if c.changes == 1 { "" } else { "s" },
                    );
                }
                Err(e) => errors.push(e),
            }
            continue;
        }
        match load_file(path) {
            Ok(l) => {
                let s = &l.scenario;
                let _ = writeln!(
                    out,
                    "{}: ok: \"{}\", {} to {}; {} states, {} parties, {} leaders, {} actors, {} events, {} checkpoints",
                    path.display(),
                    s.title,
                    s.span.0,
                    s.span.1,
                    s.states.len(),
                    s.parties.len(),
                    s.leaders.len(),
                    s.actors.len(),
                    s.events.len(),
                    s.timeline.checkpoints.len()
                );
                let _ = write!(
                    out,
                    "{}",
                    crate::scenario::error::Warnings(path, &s.warnings)
                );
            }
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(CliError::Check {
            passed: out,
            errors,
        })
    }
}

/// The default output folder of a scenario: `output/<name>/`.
pub fn default_out(scenario: &Scenario) -> PathBuf {
    Path::new("output").join(&scenario.name)
}

fn run(
    path: &Path,
    seed: u64,
    events: &report::Events,
    out: Option<&Path>,
    reference: Option<&Path>,
    argv: &[String],
) -> Result<String, CliError> {
    let mut loaded = load_any(path)?;
    let reference = measured(
        reference,
        &loaded.file,
        &loaded.scenario_path,
        &loaded.scenario,
    )?;
    let sc = &loaded.scenario;
    let dir = out.map_or_else(|| loaded.out.clone(), Path::to_path_buf);
    check_out(&dir)?;
    let mut sim = Simulation::new(sc);
    let run = sim.run(seed)?;
    let csv = |name: &str, r: Result<Vec<u8>, csv::Error>| {
        r.map_err(|source| OutputError::Csv {
            name: name.to_string(),
            source,
        })
    };
    let mut files = vec![
        (
            "trajectory.csv".to_string(),
            csv("trajectory.csv", record::trajectory_csv(sc, &run))?,
        ),
        (
            "events.csv".to_string(),
            csv("events.csv", record::events_csv(sc, &run))?,
        ),
    ];
    let mut model = report::run_chart(sc, &run, loaded.what_if.as_ref());
    events.apply(sc, &mut model).map_err(CliError::Usage)?;
    let monthly: Vec<f64> = run.monthly().map(|s| s.score).collect();
    let fit_text = beside(
        sc,
        reference.as_ref(),
        &[crate::research::Curve {
            name: "run",
            values: &monthly,
        }],
        &mut model,
        &mut files,
        &mut loaded.inputs,
    )?;
    let chart = crate::chart::render(&model)?;
    files.extend(chart.into_files());
    let files = Manifest::new("run", loaded.inputs.clone(), seed, 1, argv, &files).append_to(files);
    output::write_all(&dir, &files)?;
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    Ok(summary(sc, &run, &dir, &names) + &fit_text)
}

/// The reference series to set beside a run: the one given, else the one the scenario
/// file names (relative to its folder), else none. Read and checked before any run.
fn measured(
    given: Option<&Path>,
    file: &ScenarioFile,
    scenario_path: &Path,
    sc: &Scenario,
) -> Result<Option<(crate::research::Reference, Input)>, CliError> {
    let path = match (given, &file.reference) {
        (Some(p), _) => p.to_path_buf(),
        (None, Some(name)) => scenario_path.parent().unwrap_or(Path::new("")).join(name),
        (None, None) => return Ok(None),
    };
    Ok(Some(crate::research::load(&path, sc)?))
}

/// Sets a reference beside the curves, if there is one: its line and fit on the chart,
/// `fit.csv` and `fit.txt` among the files, its hash among the inputs. Returns the fit
/// summary to print (empty without a reference).
fn beside(
    sc: &Scenario,
    reference: Option<&(crate::research::Reference, Input)>,
    curves: &[crate::research::Curve<'_>],
    model: &mut crate::chart::ChartModel,
    files: &mut Vec<output::File>,
    inputs: &mut Vec<Input>,
) -> Result<String, CliError> {
    let Some((reference, input)) = reference else {
        return Ok(String::new());
    };
    let days = experiment::months(sc);
    let (fits, csv, text) =
        crate::research::report(sc, reference, &days, curves).map_err(|source| {
            OutputError::Csv {
                name: "fit.csv".to_string(),
                source,
            }
        })?;
    crate::research::annotate(model, reference, &fits);
    files.push(("fit.csv".to_string(), csv));
    files.push(("fit.txt".to_string(), text.clone().into_bytes()));
    inputs.push(input.clone());
    Ok(text)
}

/// The short text a run prints: start, end, lowest and highest, checkpoints, files.
pub fn summary(sc: &Scenario, run: &Run, dir: &Path, files: &[&str]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} (seed {})", sc.title, run.seed);
    let monthly: Vec<_> = run.monthly().collect();
    if let (Some(first), Some(last)) = (monthly.first(), monthly.last()) {
        let low = monthly
            .iter()
            .min_by(|a, b| a.score.total_cmp(&b.score))
            .unwrap_or(first);
        let high = monthly
            .iter()
            .max_by(|a, b| a.score.total_cmp(&b.score))
            .unwrap_or(first);
        for (label, s) in [
            ("start", first),
            ("end", last),
            ("lowest", low),
            ("highest", high),
        ] {
            let _ = writeln!(
                out,
                "  {label:<8} {}  {:>6.2}  {}",
                Date::from_day(s.day),
                s.score,
                sc.scale.band(s.score)
            );
        }
    }
    let verdicts = record::checkpoints(sc, run);
    if !verdicts.is_empty() {
        let met = verdicts.iter().filter(|v| v.met).count();
        let _ = writeln!(out, "  checkpoints met: {met} of {}", verdicts.len());
        for v in verdicts.iter().filter(|v| !v.met) {
            let c = &sc.timeline.checkpoints[v.checkpoint];
            let _ = writeln!(
                out,
                "    missed \"{}\" ({} to {}): expected {}, the run ranges {:.2} to {:.2}",
                c.id, c.from, c.to, c.expect, v.low, v.high
            );
        }
    }
    let _ = writeln!(
        out,
        "  {} events fired; wrote {} in {}",
        run.fired.len(),
        files.join(", "),
        dir.display()
    );
    out
}

/// What an experiment runs: a scenario, or a counterfactual's variant of its base.
pub struct Subject {
    /// The validated scenario (for a counterfactual, its base with the changes applied).
    pub scenario: Scenario,
    /// What its file says (changes applied).
    pub file: ScenarioFile,
    /// The text variants are located in: the scenario's, or the counterfactual's.
    pub text: String,
    /// The file named on the command line.
    pub path: PathBuf,
    /// The scenario file: `path`, or a counterfactual's base.
    pub scenario_path: PathBuf,
    /// The files read, with hashes: the scenario, or the counterfactual and its base.
    pub inputs: Vec<Input>,
    /// The default output folder.
    pub out: PathBuf,
    /// For a counterfactual: what its charts and texts must say about it.
    pub what_if: Option<report::WhatIf>,
}

/// Loads a scenario or a counterfactual (told apart by the top-level name).
pub fn load_any(path: &Path) -> Result<Subject, ScenarioError> {
    let (text, input) = read_hashed(path)?;
    if counterfactual::kind(&text) == FileKind::Counterfactual {
        let source = Source::parse(text.clone(), path)?;
        source.check_base()?;
        let base_path = source.base_path();
        let base = load_file(&base_path)?;
        let c = source.apply(&base.file, &base_path)?;
        let out = default_out(&c.scenario).join(&c.name);
        let what_if = report::WhatIf::of(&base.file, &base.scenario, &c);
        let mut scenario = c.scenario;
        // Everything made from the variant, printed or drawn, carries its own name.
        scenario.title = what_if.heading();
        return Ok(Subject {
            what_if: Some(what_if),
            scenario,
            file: c.file,
            text,
            path: path.to_path_buf(),
            scenario_path: base_path,
            inputs: vec![input, base.input],
            out,
        });
    }
    let file: ScenarioFile = crate::scenario::source::parse(&text, path)?;
    let scenario = crate::scenario::validate::validate(file.clone(), &text, path)?;
    Ok(Subject {
        what_if: None,
        out: default_out(&scenario),
        scenario,
        file,
        inputs: vec![input],
        text,
        path: path.to_path_buf(),
        scenario_path: path.to_path_buf(),
    })
}

/// A scenario file parsed and validated, keeping what the file says.
struct LoadedFile {
    file: ScenarioFile,
    scenario: Scenario,
    input: Input,
}

fn load_file(path: &Path) -> Result<LoadedFile, ScenarioError> {
    let (text, input) = read_hashed(path)?;
    let file: ScenarioFile = crate::scenario::source::parse(&text, path)?;
    let scenario = crate::scenario::validate::validate(file.clone(), &text, path)?;
    Ok(LoadedFile {
        file,
        scenario,
        input,
    })
}

fn csv_file(name: &str, r: Result<Vec<u8>, csv::Error>) -> Result<output::File, OutputError> {
    r.map(|bytes| (name.to_string(), bytes))
        .map_err(|source| OutputError::Csv {
            name: name.to_string(),
            source,
        })
}

/// Adds the manifest and writes every file, all or nothing.
fn finish(
    dir: &Path,
    files: Vec<output::File>,
    command: &str,
    inputs: Vec<Input>,
    seeds: Seeds,
    argv: &[String],
) -> Result<Vec<String>, CliError> {
    let files =
        Manifest::new(command, inputs, seeds.first, seeds.runs, argv, &files).append_to(files);
    output::write_all(dir, &files)?;
    Ok(files.into_iter().map(|(n, _)| n).collect())
}

fn ensemble(
    path: &Path,
    seeds: Seeds,
    events: &report::Events,
    out: Option<&Path>,
    reference: Option<&Path>,
    work: Work,
    argv: &[String],
    progress: &dyn Progress,
) -> Result<String, CliError> {
    let mut subject = load_any(path)?;
    let reference = measured(
        reference,
        &subject.file,
        &subject.scenario_path,
        &subject.scenario,
    )?;
    let sc = &subject.scenario;
    events.check(sc).map_err(CliError::Usage)?;
    let dir = out.map_or_else(|| subject.out.join("ensemble"), Path::to_path_buf);
    check_out(&dir)?;
    let e = match work {
        Work::All => experiment::ensemble(sc, seeds, progress)?,
        Work::Shard(shard) => {
            let mut inputs = subject.inputs.clone();
            inputs.extend(reference.iter().map(|r| r.1.clone()));
            let months = experiment::months(sc).len();
            return write_shard(
                &dir,
                shard,
                "ensemble",
                seeds,
                &inputs,
                &["mean"],
                argv,
                months,
                |part| {
                    Ok(vec![runs_of(
                        experiment::monthly_scores(sc, part, progress)?,
                        months,
                    )])
                },
            );
        }
        Work::Merged(mut curves) => {
            experiment::ensemble_of_scores(sc, seeds, curves.swap_remove(0).concat())
        }
    };
    let first = Simulation::new(sc).run(seeds.first)?;
    let mut model = report::ensemble_chart(sc, &e, &first);
    if let Some(w) = &subject.what_if {
        w.mark(&mut model);
    }
    events.apply(sc, &mut model).map_err(CliError::Usage)?;
    let mut files = vec![csv_file("ensemble.csv", report::ensemble_csv(&e))?];
    let fit_text = beside(
        sc,
        reference.as_ref(),
        &[crate::research::Curve {
            name: "mean",
            values: &e.mean,
        }],
        &mut model,
        &mut files,
        &mut subject.inputs,
    )?;
    let chart = crate::chart::render(&model)?;
    files.extend(chart.into_files());
    let names = finish(&dir, files, "ensemble", subject.inputs, seeds, argv)?;
    let mut text = report::ensemble_text(sc, &e);
    text.push_str(&fit_text);
    let _ = writeln!(text, "  wrote {} in {}", names.join(", "), dir.display());
    Ok(text)
}

/// A baseline and the variants of counterfactuals applied to it, with the inputs read and
/// notes on counterfactuals written for another base.
struct Variants {
    base: LoadedFile,
    variants: Vec<Counterfactual>,
    inputs: Vec<Input>,
    notes: String,
}

fn variants_of(path: &Path, cfs: &[PathBuf]) -> Result<Variants, CliError> {
    let base = load_file(path)?;
    let mut inputs = vec![base.input.clone()];
    let mut variants = Vec::new();
    let mut notes = String::new();
    let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    };
    let mut errors = Vec::new();
    for cf in cfs {
        let source = match Source::read(cf) {
            Ok(s) => s,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let other = !same(&source.base_path(), path);
        if other {
            let _ = writeln!(
                notes,
                "note: {} names {} as its base; its changes are applied to {}",
                cf.display(),
                source.base_path().display(),
                path.display()
            );
        }
        match source.apply(&base.file, path) {
            Ok(c) => {
                inputs.push(Input::new(cf, source.text.as_bytes()));
                variants.push(c);
            }
            // Written for another base, its problems are first of all that.
            Err(e) if other => errors.push(ScenarioError::OtherBase {
                path: cf.clone(),
                written_for: source.base_path(),
                applied_to: path.to_path_buf(),
                source: Box::new(e),
            }),
            Err(e) => errors.push(e),
        }
    }
    match errors.len() {
        0 => {}
        1 => return Err(CliError::Scenario(errors.remove(0))),
        _ => return Err(CliError::Scenarios(errors)),
    }
    let mut names: Vec<&str> = Vec::new();
    for v in &variants {
        if v.name == "baseline" || names.contains(&v.name.as_str()) {
            return Err(CliError::Usage(format!(
                "two curves would be named \"{}\": give the counterfactuals distinct `name`s (and none called \"baseline\")",
                v.name
            )));
        }
        names.push(&v.name);
    }
    Ok(Variants {
        base,
        variants,
        inputs,
        notes,
    })
}

fn compare(
    path: &Path,
    cfs: &[PathBuf],
    seeds: Seeds,
    events: &report::Events,
    out: Option<&Path>,
    reference: Option<&Path>,
    work: Work,
    argv: &[String],
    progress: &dyn Progress,
) -> Result<String, CliError> {
    let Variants {
        base,
        variants,
        mut inputs,
        notes,
    } = variants_of(path, cfs)?;
    let reference = measured(reference, &base.file, path, &base.scenario)?;
    let sc = &base.scenario;
    let dir = out.map_or_else(|| default_out(sc).join("compare"), Path::to_path_buf);
    check_out(&dir)?;
    let list: Vec<Variant> = variants
        .iter()
        .map(|v| Variant {
            name: &v.name,
            scenario: &v.scenario,
        })
        .collect();
    events.check(sc).map_err(CliError::Usage)?;
    let c = match work {
        Work::All => experiment::compare(sc, &list, seeds, progress)?,
        Work::Shard(shard) => {
            let mut all = inputs.clone();
            all.extend(reference.iter().map(|r| r.1.clone()));
            let mut curves = vec!["baseline"];
            curves.extend(list.iter().map(|v| v.name));
            let months = experiment::months(sc).len();
            return write_shard(
                &dir,
                shard,
                "compare",
                seeds,
                &all,
                &curves,
                argv,
                months,
                |part| {
                    let mut rows = vec![runs_of(
                        experiment::monthly_scores(sc, part, progress)?,
                        months,
                    )];
                    for v in &list {
                        rows.push(runs_of(
                            experiment::monthly_scores(v.scenario, part, progress)?,
                            months,
                        ));
                    }
                    Ok(rows)
                },
            );
        }
        Work::Merged(curves) => {
            let mut curves = curves.into_iter();
            let base_rows = curves.next().unwrap_or_default().concat();
            let mut rest: Vec<Vec<Vec<f64>>> = curves.collect();
            let names: Vec<&str> = list.iter().map(|v| v.name).collect();
            experiment::compare_of_scores(sc, &names, seeds, base_rows, |k| {
                Ok(std::mem::take(&mut rest[k]).concat())
            })?
        }
    };
    let titles: Vec<&str> = variants.iter().map(|v| v.title.as_str()).collect();
    let questions: Vec<&str> = variants.iter().map(|v| v.question.as_str()).collect();
    let summary = report::summary(sc, &c, &titles, &questions);
    let first = Simulation::new(sc).run(seeds.first)?;
    let mut model = report::compare_chart(sc, &c, &first, &titles, &questions);
    let marks = variants
        .iter()
        .map(|v| report::WhatIf::of(&base.file, sc, v).marks())
        .collect();
    report::mark_changes(&mut model, marks);
    events.apply(sc, &mut model).map_err(CliError::Usage)?;
    let mut files = vec![
        csv_file("compare.csv", report::compare_csv(&c))?,
        csv_file("divergence.csv", report::divergence_csv(&c))?,
        csv_file("decades.csv", report::decades_csv(sc, &c))?,
        ("divergence.txt".to_string(), summary.clone().into_bytes()),
    ];
    let fit_text = beside(
        sc,
        reference.as_ref(),
        &curves_of(&c),
        &mut model,
        &mut files,
        &mut inputs,
    )?;
    let chart = crate::chart::render(&model)?;
    files.extend(chart.into_files());
    let written = finish(&dir, files, "compare", inputs, seeds, argv)?;
    Ok(format!(
        "{notes}{summary}\n{fit_text}wrote {} in {}\n",
        written.join(", "),
        dir.display()
    ))
}

/// Runs one shard's seeds and writes its shard file (nothing else) to `dir`.
fn write_shard(
    dir: &Path,
    shard: Shard,
    command: &str,
    seeds: Seeds,
    inputs: &[Input],
    curves: &[&str],
    argv: &[String],
    months: usize,
    rows_of: impl FnOnce(Seeds) -> Result<Vec<Vec<Vec<f64>>>, CliError>,
) -> Result<String, CliError> {
    check_out(dir)?;
    let months = months as u64;
    let range = shard.range(seeds.runs);
    // Built by hand: a shard may cover no run when there are more shards than runs.
    let part = Seeds {
        first: seeds.first.wrapping_add(range.start),
        runs: range.end - range.start,
    };
    let list = part.list();
    let rows = rows_of(part)?;
    let header = crate::research::shard::Header {
        program: "diplosim".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        command: command.into(),
        shard: shard.index,
        of: shard.count,
        seed: seeds.first,
        runs: seeds.runs,
        from: range.start,
        to: range.end,
        seeds_covered: list.first().zip(list.last()).map(|(a, b)| (*a, *b)),
        inputs: crate::research::shard::hashed(inputs),
        command_line: crate::research::shard::without_shard(argv),
        curves: curves.iter().map(|c| c.to_string()).collect(),
        width: months,
    };
    let name = shard.file_name(command);
    output::write_all(
        dir,
        &[(name.clone(), crate::research::shard::encode(&header, &rows))],
    )?;
    let covered = header.seeds_covered.map_or_else(
        || "no runs".to_string(),
        |(a, b)| format!("seeds {a} to {b}"),
    );
    Ok(format!(
        "shard {} of {} of {command}: {} run{} ({covered}); wrote {name} in {}\n",
        shard.index,
        shard.count,
        list.len(),
        if list.len() == 1 { "" } else { "s" },
        dir.display()
    ))
}

/// A path to `to` from the folder `from`, both taken from the current folder, so that a
/// file written in `from` can name `to` relatively.
fn relative(to: &Path, from: &Path) -> PathBuf {
    let abs = |p: &Path| {
        let p = if p.is_absolute() {
            p.to_path_buf()
        } else {
            std::env::current_dir().unwrap_or_default().join(p)
        };
        let mut out = PathBuf::new();
        for c in p.components() {
            match c {
                std::path::Component::ParentDir => {
                    out.pop();
                }
                std::path::Component::CurDir => {}
                c => out.push(c),
            }
        }
        out
    };
    let (to, from) = (abs(to), abs(from));
    let common = to
        .components()
        .zip(from.components())
        .take_while(|(a, b)| a == b)
        .count();
    let mut out = PathBuf::new();
    for _ in from.components().skip(common) {
        out.push("..");
    }
    for c in to.components().skip(common) {
        out.push(c);
    }
    out
}

fn calibrate(
    path: &Path,
    reference: Option<&Path>,
    params: &Path,
    (train, test): (Option<(Date, Date)>, Option<(Date, Date)>),
    seeds: Seeds,
    budget: usize,
    objective: crate::research::calibrate::Objective,
    out: Option<&Path>,
    argv: &[String],
    progress: &dyn Progress,
) -> Result<String, CliError> {
    use crate::research::calibrate::{Params, Problem, train_test_text};
    let base = load_file(path)?;
    let sc = &base.scenario;
    let Some((reference, ref_input)) = measured(reference, &base.file, path, sc)? else {
        return Err(CliError::Usage(format!(
            "calibrate needs a measured series: give --reference FILE.csv, or name one in {} with `reference: \"FILE.csv\"`",
            path.display()
        )));
    };
    let ps = Params::load(params, &base.file)?;
    let (params_text, params_input) = read_hashed(params)?;
    drop(params_text);
    if budget == 0 {
        return Err(CliError::Usage(
            "--budget must be at least 1 evaluation".into(),
        ));
    }
    let days = experiment::months(sc);
    for (name, window) in [("--train", train), ("--test", test)] {
        if let Some(w) = window
            && crate::research::fit::pairs(
                &reference,
                &days,
                &days.iter().map(|_| 0.0).collect::<Vec<_>>(),
                Some(w),
                0,
            )
            .is_empty()
        {
            return Err(CliError::Usage(format!(
                "{name} {} to {} holds no date of {}: pick a period the series covers",
                w.0,
                w.1,
                reference.path.display()
            )));
        }
    }
    let dir = out.map_or_else(|| default_out(sc).join("calibrate"), Path::to_path_buf);
    check_out(&dir)?;
    let problem = Problem {
        file: &base.file,
        path,
        scenario: sc,
        reference: Some(&reference),
        params: &ps,
        train,
        seeds,
        budget,
        objective,
    };
    let about = format!(
        "calibrated to {} by diplosim calibrate ({} evaluations at most, {} runs from seed {})",
        reference.path.display(),
        budget,
        seeds.runs,
        seeds.first
    );
    let base_name = relative(path, &dir).display().to_string();
    let cal = problem.run(&base_name, &about, progress)?;
    let variant =
        Source::parse(cal.text.clone(), &dir.join("calibrated.ron"))?.apply(&base.file, path)?;
    let c = experiment::compare(
        sc,
        &[Variant {
            name: "calibrated",
            scenario: &variant.scenario,
        }],
        seeds,
        &(),
    )?;
    let mut text = String::new();
    let _ = writeln!(
        text,
        "{}: calibrated to {} in {} evaluations ({} runs each, from seed {})",
        sc.title,
        reference.path.display(),
        cal.evaluations,
        seeds.runs,
        seeds.first
    );
    let _ = writeln!(
        text,
        "  {:<28}  {:>10}  {:>10}",
        "parameter", "scenario", "calibrated"
    );
    for (i, p) in ps.params.iter().enumerate() {
        let _ = writeln!(
            text,
            "  {:<28}  {:>10.3}  {:>10.3}",
            p.name(),
            cal.start.0[i],
            cal.best[i]
        );
    }
    let _ = writeln!(
        text,
        "  {:<28}  {:>10.4}  {:>10.4}",
        format!("loss ({objective:?}, train)").to_lowercase(),
        cal.start.1,
        cal.loss
    );
    text.push_str(&train_test_text(
        sc,
        &reference,
        &[
            ("baseline", &c.baseline),
            ("calibrated", &c.variants[0].mean),
        ],
        train,
        test,
    ));
    let first = Simulation::new(sc).run(seeds.first)?;
    let mut model = report::compare_chart(
        sc,
        &c,
        &first,
        &["calibrated"],
        &[variant.question.as_str()],
    );
    let period = |p: Option<(Date, Date)>| {
        p.map_or_else(|| "all dates".to_string(), |(a, b)| format!("{a} to {b}"))
    };
    model.subtitle = format!(
        "the baseline, the run calibrated on {} (training) and the measured series{}",
        period(train),
        test.map_or_else(String::new, |t| format!(
            "; test period {}",
            period(Some(t))
        ))
    );
    model.small_print = format!(
        "seeds {} to {} · diplosim {} · data: fit.csv, calibration.txt",
        seeds.first,
        seeds.first.wrapping_add(seeds.runs - 1),
        env!("CARGO_PKG_VERSION")
    );
    let curves = curves_of(&c);
    let (mut fits, fit_csv, _) =
        crate::research::report(sc, &reference, &days, &curves).map_err(|source| {
            OutputError::Csv {
                name: "fit.csv".to_string(),
                source,
            }
        })?;
    // The footer gives the calibrated run's fit over all dates.
    fits.reverse();
    crate::research::annotate(&mut model, &reference, &fits);
    let chart = crate::chart::render(&model)?;
    let mut files = vec![
        ("calibrated.ron".to_string(), cal.text.clone().into_bytes()),
        ("calibration.txt".to_string(), text.clone().into_bytes()),
        ("fit.csv".to_string(), fit_csv),
    ];
    files.extend(chart.into_files());
    let names = finish(
        &dir,
        files,
        "calibrate",
        vec![base.input.clone(), ref_input, params_input],
        seeds,
        argv,
    )?;
    let _ = writeln!(text, "wrote {} in {}", names.join(", "), dir.display());
    Ok(text)
}

fn sensitivity(
    path: &Path,
    params: &Path,
    reference: Option<&Path>,
    seeds: Seeds,
    paths: usize,
    out: Option<&Path>,
    argv: &[String],
    progress: &dyn Progress,
) -> Result<String, CliError> {
    use crate::research::calibrate::{Objective, Params, Problem};
    let base = load_file(path)?;
    let sc = &base.scenario;
    let reference = measured(reference, &base.file, path, sc)?;
    let ps = Params::load(params, &base.file)?;
    let (_, params_input) = read_hashed(params)?;
    if paths == 0 {
        return Err(CliError::Usage("--paths must be at least 1".into()));
    }
    let dir = out.map_or_else(|| default_out(sc).join("sensitivity"), Path::to_path_buf);
    check_out(&dir)?;
    let problem = Problem {
        file: &base.file,
        path,
        scenario: sc,
        reference: reference.as_ref().map(|r| &r.0),
        params: &ps,
        train: None,
        seeds,
        budget: 0,
        objective: Objective::Rmse,
    };
    let k = ps.params.len();
    progress.start((1 + k * crate::research::sensitivity::LEVELS + paths * (k + 1)) as u64);
    let days = experiment::months(sc);
    let effects = crate::research::sensitivity::analyse(
        &problem,
        reference.as_ref().map(|r| &r.0),
        &days,
        paths,
        seeds.first,
        &|| progress.advance(1),
    );
    progress.finish();
    let effects = effects?;
    let mut order: Vec<&crate::research::sensitivity::Effect> = effects.iter().collect();
    order.sort_by(|a, b| b.mu_star.total_cmp(&a.mu_star));
    let mut text = String::new();
    let _ = writeln!(
        text,
        "{}: sensitivity of the mean of {} runs (seeds from {}), {} Morris paths",
        sc.title, seeds.runs, seeds.first, paths
    );
    let _ = writeln!(
        text,
        "  {:<28}  {:>9}  {:>10}  {:>7}  {:>13}  {:>7}",
        "parameter", "OAT range", "Morris mu*", "sigma", "RMSE range", "fit mu*"
    );
    for e in &order {
        let _ = writeln!(
            text,
            "  {:<28}  {:>9.3}  {:>10.3}  {:>7.3}  {:>13}  {:>7}",
            e.name,
            e.oat_trajectory,
            e.mu_star,
            e.sigma,
            e.oat_rmse
                .map_or_else(|| "-".to_string(), |(a, b)| format!("{a:.2} to {b:.2}")),
            e.fit_mu_star
                .map_or_else(|| "-".to_string(), |m| format!("{m:.3}"))
        );
    }
    let chart = crate::chart::render_bars(&report::sensitivity_chart(sc, &order, seeds, paths))?;
    let csv = crate::research::sensitivity::csv(&effects).map_err(|source| OutputError::Csv {
        name: "sensitivity.csv".to_string(),
        source,
    })?;
    let mut inputs = vec![base.input.clone(), params_input];
    inputs.extend(reference.map(|r| r.1));
    let mut files = vec![("sensitivity.csv".to_string(), csv)];
    files.extend(chart.into_files());
    let names = finish(&dir, files, "sensitivity", inputs, seeds, argv)?;
    let _ = writeln!(text, "wrote {} in {}", names.join(", "), dir.display());
    Ok(text)
}

/// Monthly scores laid out run after run, as one row per run.
fn runs_of(values: Vec<f64>, months: usize) -> Vec<Vec<f64>> {
    values.chunks(months.max(1)).map(<[f64]>::to_vec).collect()
}

/// The mean curves of a comparison, baseline first.
fn curves_of(c: &experiment::Comparison) -> Vec<crate::research::Curve<'_>> {
    let mut curves = vec![crate::research::Curve {
        name: "baseline",
        values: &c.baseline,
    }];
    curves.extend(c.variants.iter().map(|v| crate::research::Curve {
        name: &v.name,
        values: &v.mean,
    }));
    curves
}

fn fit(
    path: &Path,
    cfs: &[PathBuf],
    reference: Option<&Path>,
    seeds: Seeds,
    progress: &dyn Progress,
) -> Result<String, CliError> {
    let Variants {
        base,
        variants,
        notes,
        ..
    } = variants_of(path, cfs)?;
    let sc = &base.scenario;
    let Some((reference, _)) = measured(reference, &base.file, path, sc)? else {
        return Err(CliError::Usage(format!(
            "fit needs a measured series: give --reference FILE.csv, or name one in {} with `reference: \"FILE.csv\"`",
            path.display()
        )));
    };
    let list: Vec<Variant> = variants
        .iter()
        .map(|v| Variant {
            name: &v.name,
            scenario: &v.scenario,
        })
        .collect();
    let c = experiment::compare(sc, &list, seeds, progress)?;
    let days = experiment::months(sc);
    let (_, _, text) =
        crate::research::report(sc, &reference, &days, &curves_of(&c)).map_err(|source| {
            OutputError::Csv {
                name: "fit.csv".to_string(),
                source,
            }
        })?;
    Ok(format!(
        "{notes}{}: the mean of {} run{} from seed {}\n{text}",
        sc.title,
        seeds.runs,
        if seeds.runs == 1 { "" } else { "s" },
        seeds.first
    ))
}

fn explain(path: &Path, at: Date, seed: u64, csv: bool) -> Result<String, CliError> {
    let subject = load_any(path)?;
    let sc = &subject.scenario;
    let x = experiment::explain(sc, seed, at)?;
    if csv {
        let bytes = report::explain_csv(sc, &x).map_err(|source| OutputError::Csv {
            name: "the explanation".to_string(),
            source,
        })?;
        return Ok(String::from_utf8_lossy(&bytes).into_owned());
    }
    Ok(report::explain_text(sc, &x))
}

fn rank(
    path: &Path,
    seeds: Seeds,
    out: Option<&Path>,
    work: Work,
    argv: &[String],
    progress: &dyn Progress,
) -> Result<String, CliError> {
    let subject = load_any(path)?;
    let sc = &subject.scenario;
    let dir = out.map_or_else(|| subject.out.join("rank"), Path::to_path_buf);
    check_out(&dir)?;
    let ranking = match work {
        Work::All => {
            experiment::rank(&subject.file, &subject.text, &subject.path, seeds, progress)?
        }
        Work::Shard(shard) => {
            let width = sc.events.len() * experiment::RANK_WIDTH;
            return write_shard(
                &dir,
                shard,
                "rank",
                seeds,
                &subject.inputs,
                &["rank"],
                argv,
                width,
                |list| {
                    let rows = experiment::rank_rows(
                        &subject.file,
                        &subject.text,
                        &subject.path,
                        list,
                        progress,
                    )?;
                    Ok(vec![rows])
                },
            );
        }
        Work::Merged(mut curves) => experiment::rank_of_rows(&curves.swap_remove(0)),
    };
    let mut model = report::rank_chart(sc, &ranking, seeds, 20);
    if let Some(w) = &subject.what_if {
        model.subtitle = format!("{} · {}", w.question.trim_end(), model.subtitle);
    }
    let chart = crate::chart::render_bars(&model)?;
    let mut files = vec![csv_file("rank.csv", report::rank_csv(sc, &ranking))?];
    files.extend(chart.into_files());
    let names = finish(&dir, files, "rank", subject.inputs, seeds, argv)?;
    let mut text = report::rank_text(sc, &ranking, seeds, 20);
    let _ = writeln!(text, "wrote {} in {}", names.join(", "), dir.display());
    Ok(text)
}
