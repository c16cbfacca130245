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
use crate::output::{self, Input, Manifest, OutputError};
use crate::record::{self, Run};
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
    /// Run a scenario once: trajectory.csv, events.csv, manifest.json, chart.png, chart.svg.
    Run {
        /// The scenario file.
        scenario: PathBuf,
        /// Seed of the run's random streams.
        #[arg(long, default_value_t = 1, allow_negative_numbers = true, value_parser = parse_seed)]
        seed: u64,
        /// Output folder [default: output/<scenario name>/].
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

/// Refuses an output folder that cannot be one, before any work is done.
fn check_out(out: &Path) -> Result<(), CliError> {
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
    /// A run stopped.
    #[error("{0}")]
    Run(#[from] RunError),
    /// Files could not be written.
    #[error("{0}")]
    Output(#[from] OutputError),
    /// A chart could not be drawn.
    #[error("{0}")]
    Chart(#[from] crate::chart::ChartError),
    /// The arguments make no sense together.
    #[error("{0}")]
    Usage(String),
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
}

/// Runs a parsed command line. `argv` is recorded in manifests as typed.
pub fn execute(cli: &Cli, argv: &[String]) -> Result<String, CliError> {
    match &cli.command {
        Command::Check { files } => check(files),
        Command::Run {
            scenario,
            seed,
            out,
        } => run(scenario, *seed, out.as_deref(), argv),
    }
}

/// A scenario file, loaded and validated, with its bytes for the manifest.
pub struct Loaded {
    /// The validated scenario.
    pub scenario: Scenario,
    /// The path and hash.
    pub input: Input,
}

/// Loads and validates a scenario, keeping its hash.
pub fn load(path: &Path) -> Result<Loaded, ScenarioError> {
    // The manifest hashes the bytes on disk, so `sha256sum` agrees with it.
    let bytes = crate::scenario::source::read_bytes(path)?;
    let text = crate::scenario::source::decode(&bytes, path)?;
    let scenario = Scenario::from_str(text, path)?;
    Ok(Loaded {
        scenario,
        input: Input::new(path, &bytes),
    })
}

fn check(files: &[PathBuf]) -> Result<String, CliError> {
    let mut out = String::new();
    let mut errors = Vec::new();
    for path in files {
        match load(path) {
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
            }
            Err(e) => errors.push(e),
        }
    }
    match errors.len() {
        0 => Ok(out),
        1 => Err(CliError::Scenario(errors.remove(0))),
        _ => Err(CliError::Scenarios(errors)),
    }
}

/// The default output folder of a scenario: `output/<name>/`.
pub fn default_out(scenario: &Scenario) -> PathBuf {
    Path::new("output").join(&scenario.name)
}

fn run(path: &Path, seed: u64, out: Option<&Path>, argv: &[String]) -> Result<String, CliError> {
    let loaded = load(path)?;
    let sc = &loaded.scenario;
    let dir = out.map_or_else(|| default_out(sc), Path::to_path_buf);
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
    let chart = crate::chart::render(&crate::chart::of_run(sc, &run))?;
    files.push(("chart.png".to_string(), chart.png));
    files.push(("chart.svg".to_string(), chart.svg.into_bytes()));
    let manifest = Manifest {
        program: "diplosim".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        command: "run".into(),
        inputs: vec![loaded.input.clone()],
        seed,
        runs: 1,
        command_line: argv.to_vec(),
        files: files.iter().map(|(n, _)| n.clone()).collect(),
    };
    files.push(("manifest.json".to_string(), manifest.to_json()));
    output::write_all(&dir, &files)?;
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    Ok(summary(sc, &run, &dir, &names))
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
