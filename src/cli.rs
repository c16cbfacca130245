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
        /// Output folder [default: output/<scenario name>/].
        #[arg(long)]
        out: Option<PathBuf>,
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
        /// Output folder [default: output/<scenario name>/ensemble/].
        #[arg(long)]
        out: Option<PathBuf>,
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
        /// Output folder [default: output/<scenario name>/compare/].
        #[arg(long)]
        out: Option<PathBuf>,
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
    /// Files could not be written.
    #[error("{0}")]
    Output(#[from] OutputError),
    /// A chart could not be drawn.
    #[error("{0}")]
    Chart(#[from] crate::chart::ChartError),
    /// The arguments make no sense together.
    #[error("{0}")]
    Usage(String),
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
    match &cli.command {
        Command::Check { files } => check(files),
        Command::Run {
            scenario,
            seed,
            out,
        } => run(scenario, *seed, out.as_deref(), argv),
        Command::Ensemble {
            scenario,
            runs,
            seed,
            out,
        } => ensemble(
            scenario,
            Seeds::new(*seed, *runs)?,
            out.as_deref(),
            argv,
            progress,
        ),
        Command::Compare {
            scenario,
            counterfactuals,
            runs,
            seed,
            out,
        } => compare(
            scenario,
            counterfactuals,
            Seeds::new(*seed, *runs)?,
            out.as_deref(),
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
        } => rank(
            scenario,
            Seeds::new(*seed, *runs)?,
            out.as_deref(),
            argv,
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

fn run(path: &Path, seed: u64, out: Option<&Path>, argv: &[String]) -> Result<String, CliError> {
    let loaded = load_any(path)?;
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
    let chart = crate::chart::render(&crate::chart::of_run(sc, &run))?;
    files.push(("chart.png".to_string(), chart.png));
    files.push(("chart.svg".to_string(), chart.svg.into_bytes()));
    let files = Manifest::new("run", loaded.inputs.clone(), seed, 1, argv, &files).append_to(files);
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
    /// The files read, with hashes: the scenario, or the counterfactual and its base.
    pub inputs: Vec<Input>,
    /// The default output folder.
    pub out: PathBuf,
}

/// Loads a scenario or a counterfactual (told apart by the top-level name).
pub fn load_any(path: &Path) -> Result<Subject, ScenarioError> {
    let (text, input) = read_hashed(path)?;
    if counterfactual::kind(&text) == FileKind::Counterfactual {
        let source = Source::parse(text.clone(), path)?;
        let base_path = source.base_path();
        let base = load_file(&base_path)?;
        let c = source.apply(&base.file, &base_path)?;
        let out = default_out(&c.scenario).join(&c.name);
        return Ok(Subject {
            scenario: c.scenario,
            file: c.file,
            text,
            path: path.to_path_buf(),
            inputs: vec![input, base.input],
            out,
        });
    }
    let file: ScenarioFile = crate::scenario::source::parse(&text, path)?;
    let scenario = crate::scenario::validate::validate(file.clone(), &text, path)?;
    Ok(Subject {
        out: default_out(&scenario),
        scenario,
        file,
        inputs: vec![input],
        text,
        path: path.to_path_buf(),
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
    out: Option<&Path>,
    argv: &[String],
    progress: &dyn Progress,
) -> Result<String, CliError> {
    let subject = load_any(path)?;
    let sc = &subject.scenario;
    let dir = out.map_or_else(|| subject.out.join("ensemble"), Path::to_path_buf);
    check_out(&dir)?;
    let e = experiment::ensemble(sc, seeds, progress)?;
    let first = Simulation::new(sc).run(seeds.first)?;
    let chart = crate::chart::render(&report::ensemble_chart(sc, &e, &first))?;
    let files = vec![
        csv_file("ensemble.csv", report::ensemble_csv(&e))?,
        ("chart.png".to_string(), chart.png),
        ("chart.svg".to_string(), chart.svg.into_bytes()),
    ];
    let names = finish(&dir, files, "ensemble", subject.inputs, seeds, argv)?;
    let mut text = report::ensemble_text(sc, &e);
    let _ = writeln!(text, "  wrote {} in {}", names.join(", "), dir.display());
    Ok(text)
}

fn compare(
    path: &Path,
    cfs: &[PathBuf],
    seeds: Seeds,
    out: Option<&Path>,
    argv: &[String],
    progress: &dyn Progress,
) -> Result<String, CliError> {
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
        if !same(&source.base_path(), path) {
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
    let c = experiment::compare(sc, &list, seeds, progress)?;
    let titles: Vec<&str> = variants.iter().map(|v| v.title.as_str()).collect();
    let questions: Vec<&str> = variants.iter().map(|v| v.question.as_str()).collect();
    let summary = report::summary(sc, &c, &titles, &questions);
    let first = Simulation::new(sc).run(seeds.first)?;
    let chart = crate::chart::render(&report::compare_chart(sc, &c, &first, &titles, &questions))?;
    let files = vec![
        csv_file("compare.csv", report::compare_csv(&c))?,
        csv_file("divergence.csv", report::divergence_csv(&c))?,
        csv_file("decades.csv", report::decades_csv(sc, &c))?,
        ("divergence.txt".to_string(), summary.clone().into_bytes()),
        ("chart.png".to_string(), chart.png),
        ("chart.svg".to_string(), chart.svg.into_bytes()),
    ];
    let written = finish(&dir, files, "compare", inputs, seeds, argv)?;
    Ok(format!(
        "{notes}{summary}\nwrote {} in {}\n",
        written.join(", "),
        dir.display()
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
    argv: &[String],
    progress: &dyn Progress,
) -> Result<String, CliError> {
    let subject = load_any(path)?;
    let sc = &subject.scenario;
    let dir = out.map_or_else(|| subject.out.join("rank"), Path::to_path_buf);
    check_out(&dir)?;
    let ranking = experiment::rank(&subject.file, &subject.text, &subject.path, seeds, progress)?;
    let chart = crate::chart::render_bars(&report::rank_chart(sc, &ranking, seeds, 20))?;
    let files = vec![
        csv_file("rank.csv", report::rank_csv(sc, &ranking))?,
        ("chart.png".to_string(), chart.png),
        ("chart.svg".to_string(), chart.svg.into_bytes()),
    ];
    let names = finish(&dir, files, "rank", subject.inputs, seeds, argv)?;
    let mut text = report::rank_text(sc, &ranking, seeds, 20);
    let _ = writeln!(text, "wrote {} in {}", names.join(", "), dir.display());
    Ok(text)
}
