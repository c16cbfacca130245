//! Loading: everything read from disk, scenarios and counterfactuals alike, with one error
//! path (file, line and column; the file-kind checks and the size cap of [`super::source`];
//! a counterfactual's `base` found relative to its own folder and checked to exist).
//!
//! The command line, the classroom server and the research commands all load through here.

use std::path::{Path, PathBuf};

use super::counterfactual::{self, Counterfactual, FileKind, Source};
use super::file::ScenarioFile;
use super::{Scenario, ScenarioError, compose, source, validate};
use crate::output::Input;

// Reading from disk lives here, beside the other loaders, so that the overlays
// (`counterfactual`) never reach back into loading: the dependency goes one way.
impl Source {
    /// Reads and parses a counterfactual file.
    pub fn read(path: &Path) -> Result<Source, ScenarioError> {
        source(path)
    }
}

impl Counterfactual {
    /// Loads a counterfactual and its base (found relative to the counterfactual's folder).
    pub fn load(path: &Path) -> Result<Counterfactual, ScenarioError> {
        counterfactual(path).map(|l| l.variant)
    }
}

/// A scenario file parsed and validated, keeping what the file says and the hash of its
/// bytes.
#[derive(Clone, Debug)]
pub struct Loaded {
    /// What the file says.
    pub file: ScenarioFile,
    /// The validated scenario.
    pub scenario: Scenario,
    /// The file's text.
    pub text: String,
    /// The file's path and the hash of its bytes on disk.
    pub input: Input,
    /// The files it includes, each with the hash of its bytes (empty without includes).
    pub included: Vec<Input>,
}

impl Loaded {
    /// Every file read: the scenario, then the files it includes.
    pub fn inputs(&self) -> Vec<Input> {
        std::iter::once(self.input.clone())
            .chain(self.included.iter().cloned())
            .collect()
    }
}

/// A counterfactual file, its base, and the variant made by applying one to the other.
#[derive(Clone, Debug)]
pub struct LoadedCounterfactual {
    /// The counterfactual as written.
    pub source: Source,
    /// The counterfactual's path and the hash of its bytes on disk.
    pub input: Input,
    /// Its base scenario (found relative to the counterfactual's folder).
    pub base: Loaded,
    /// The base's path.
    pub base_path: PathBuf,
    /// The variant: the base with the changes applied, validated.
    pub variant: Counterfactual,
}

/// A file of either kind, told apart by its top-level name.
#[derive(Clone, Debug)]
pub enum Any {
    /// A scenario.
    Scenario(Box<Loaded>),
    /// A counterfactual with its base.
    Counterfactual(Box<LoadedCounterfactual>),
}

/// Reads a file as UTF-8 text, without a byte-order mark, refusing folders, missing
/// files, binary files and files over the size cap.
pub fn read(path: &Path) -> Result<String, ScenarioError> {
    source::read(path)
}

/// Reads a file as text, with the hash of its bytes on disk (so `sha256sum` agrees with a
/// manifest even for a file that starts with a byte-order mark).
pub fn read_hashed(path: &Path) -> Result<(String, Input), ScenarioError> {
    let bytes = source::read_bytes(path)?;
    let text = source::decode(&bytes, path)?.to_string();
    Ok((text, Input::new(path, &bytes)))
}

/// Parses and validates scenario text; `path` is the name messages give it. Text has no
/// folder, so a scenario that includes other files is refused: load it with [`scenario`].
pub fn scenario_text(text: &str, path: &Path) -> Result<(ScenarioFile, Scenario), ScenarioError> {
    let file: ScenarioFile = source::parse(text, path)?;
    let scenario = validate::validate(file.clone(), text, path)?;
    Ok((file, scenario))
}

/// Loads and validates a scenario file, with the files it includes (found relative to
/// its folder).
pub fn scenario(path: &Path) -> Result<Loaded, ScenarioError> {
    let (text, input) = read_hashed(path)?;
    scenario_read(text, input, path)
}

/// Parses, composes and validates a scenario read from `path`.
fn scenario_read(text: String, input: Input, path: &Path) -> Result<Loaded, ScenarioError> {
    let file: ScenarioFile = source::parse(&text, path)?;
    if file.include.is_empty() {
        let scenario = validate::validate(file.clone(), &text, path)?;
        return Ok(Loaded {
            file,
            scenario,
            text,
            input,
            included: Vec::new(),
        });
    }
    let composed = compose::compose(file, text.clone(), path, input.clone())?;
    let scenario = validate::validate_composed(&composed)?;
    Ok(Loaded {
        included: composed.included(),
        file: composed.file,
        scenario,
        text,
        input,
    })
}

/// Reads and parses a counterfactual file, without its base.
pub fn source(path: &Path) -> Result<Source, ScenarioError> {
    Source::parse(read(path)?, path)
}

/// Loads a counterfactual and its base (found relative to the counterfactual's folder,
/// and valid on its own: its errors are reported against its own file).
pub fn counterfactual(path: &Path) -> Result<LoadedCounterfactual, ScenarioError> {
    let (text, input) = read_hashed(path)?;
    counterfactual_text(text, input, path)
}

fn counterfactual_text(
    text: String,
    input: Input,
    path: &Path,
) -> Result<LoadedCounterfactual, ScenarioError> {
    let source = Source::parse(text, path)?;
    source.check_base()?;
    let base_path = source.base_path();
    let base = scenario(&base_path)?;
    let variant = source.apply(&base.file, &base_path)?;
    Ok(LoadedCounterfactual {
        source,
        input,
        base,
        base_path,
        variant,
    })
}

/// Loads a scenario or a counterfactual with its base, told apart by the top-level name.
pub fn any(path: &Path) -> Result<Any, ScenarioError> {
    let (text, input) = read_hashed(path)?;
    if counterfactual::kind(&text) == FileKind::Counterfactual {
        return Ok(Any::Counterfactual(Box::new(counterfactual_text(
            text, input, path,
        )?)));
    }
    Ok(Any::Scenario(Box::new(scenario_read(text, input, path)?)))
}
