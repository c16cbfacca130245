//! Why a command failed, and the exit code that says so.

use std::path::PathBuf;

use crate::engine::RunError;
use crate::experiment::ExperimentError;
use crate::output::OutputError;
use crate::scenario::ScenarioError;

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
    #[error("{}", errors.join("\n\n"))]
    Check {
        /// The summary lines of the files that passed, for standard output.
        passed: String,
        /// Why each broken file is broken (a scenario's reference series included).
        errors: Vec<String>,
    },
    /// A run stopped.
    #[error("{0}")]
    Run(#[from] RunError),
    /// An experiment stopped.
    #[error("{0}")]
    Experiment(#[from] ExperimentError),
    /// A run or an experiment on a file stopped: the file, then why.
    #[error("{}: {source}", crate::output::shown(file))]
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
