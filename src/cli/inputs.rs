//! From typed paths to loaded inputs: the scenario or counterfactual an experiment runs,
//! the counterfactuals compared with a baseline, and the measured series set beside them.

use crate::output::shown;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::CliError;
use super::write::default_out;
use crate::experiment;
use crate::output::{self, Input, OutputError};
use crate::report;
use crate::scenario::counterfactual::Counterfactual;
use crate::scenario::file::ScenarioFile;
use crate::scenario::{Scenario, ScenarioError, load};

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
    match load::any(path)? {
        load::Any::Counterfactual(l) => {
            let load::LoadedCounterfactual {
                source,
                input,
                base,
                base_path,
                variant: c,
            } = *l;
            let out = default_out(&c.scenario).join(&c.name);
            let what_if = report::WhatIf::of(&base.file, &base.scenario, &c);
            // Everything made from the variant, printed or drawn, carries its own name.
            let scenario = c.scenario.with_title(what_if.heading());
            Ok(Subject {
                what_if: Some(what_if),
                scenario,
                file: c.file,
                text: source.text,
                path: path.to_path_buf(),
                scenario_path: base_path,
                inputs: std::iter::once(input).chain(base.inputs()).collect(),
                out,
            })
        }
        load::Any::Scenario(l) => {
            let l = *l;
            let inputs = l.inputs();
            Ok(Subject {
                what_if: None,
                out: default_out(&l.scenario),
                scenario: l.scenario,
                file: l.file,
                inputs,
                text: l.text,
                path: path.to_path_buf(),
                scenario_path: path.to_path_buf(),
            })
        }
    }
}

/// A measured series and the files it was read from, with their hashes.
pub(super) type Measured = (crate::research::Reference, Vec<Input>);

/// The reference series to set beside a run: the one given, else the ones the scenario
/// file names (relative to its folder: its `reference`, then each pair's own, combined),
/// else none. Read and checked before any run.
pub(super) fn measured(
    given: Option<&Path>,
    file: &ScenarioFile,
    scenario_path: &Path,
    sc: &Scenario,
) -> Result<Option<Measured>, CliError> {
    if let Some(p) = given {
        let (reference, input) = crate::research::load(p, sc)?;
        return Ok(Some((reference, vec![input])));
    }
    let folder = scenario_path.parent().unwrap_or(Path::new(""));
    let mut named: Vec<(PathBuf, Option<usize>)> = Vec::new();
    named.extend(file.reference.iter().map(|name| (folder.join(name), None)));
    for (p, pair) in sc.pairs.iter().enumerate() {
        named.extend(
            pair.reference
                .iter()
                .map(|name| (folder.join(name), Some(p))),
        );
    }
    let mut references = Vec::new();
    let mut inputs = Vec::new();
    for (path, pair) in named {
        let (reference, input) = crate::research::load_for(&path, sc, pair)?;
        references.push(reference);
        inputs.push(input);
    }
    Ok(crate::research::Reference::combine(references)?.map(|r| (r, inputs)))
}

/// Sets a reference beside the curves, if there is one: its line and fit on the chart,
/// `fit.csv` and `fit.txt` among the files, its hash among the inputs. Returns the fit
/// summary to print (empty without a reference).
pub(super) fn beside(
    sc: &Scenario,
    reference: Option<&Measured>,
    curves: &[crate::research::Curve<'_>],
    model: &mut crate::chart::ChartModel,
    files: &mut Vec<output::File>,
    inputs: &mut Vec<Input>,
) -> Result<String, CliError> {
    let Some((reference, read)) = reference else {
        return Ok(String::new());
    };
    let days = experiment::months(sc);
    let (fits, csv, text) =
        report::fit_report(sc, reference, &days, curves).map_err(|source| OutputError::Csv {
            name: "fit.csv".to_string(),
            source,
        })?;
    if let Some(first) = fits.first() {
        report::annotate(model, sc, reference, first);
    }
    files.push(("fit.csv".to_string(), csv));
    files.push(("fit.txt".to_string(), text.clone().into_bytes()));
    inputs.extend(read.iter().cloned());
    Ok(text)
}

/// A baseline and the variants of counterfactuals applied to it, with the inputs read and
/// notes on counterfactuals written for another base.
pub(super) struct Variants {
    pub(super) base: load::Loaded,
    pub(super) variants: Vec<Counterfactual>,
    pub(super) inputs: Vec<Input>,
    pub(super) notes: String,
}

pub(super) fn variants_of(path: &Path, cfs: &[PathBuf]) -> Result<Variants, CliError> {
    let base = load::scenario(path)?;
    let mut inputs = base.inputs();
    let mut variants = Vec::new();
    let mut notes = String::new();
    let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    };
    let mut errors = Vec::new();
    for cf in cfs {
        let source = match load::source(cf) {
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
                shown(&cf),
                shown(&source.base_path()),
                shown(&path)
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
