//! The classroom: `diplosim serve` (the page) and `diplosim handout` (one HTML file).

use crate::output::shown;
use std::path::{Path, PathBuf};

use super::CliError;
use super::write::{default_out, file_in_the_way, write_one};
use crate::experiment::Seeds;
use crate::scenario::counterfactual::Counterfactual;
use crate::scenario::load;

/// The server's configuration from `diplosim serve`'s arguments, with the default limits.
pub fn serve_config(dir: &Path, host: &str, port: u16) -> crate::serve::Config {
    crate::serve::Config {
        dir: dir.to_path_buf(),
        host: host.to_string(),
        port,
        limits: crate::serve::Limits::default(),
    }
}

/// What `handout` works on: the scenario and the counterfactual's variant loaded, and the
/// file to write named and checked (a folder, or a path through a file, is refused), before
/// any run.
pub(super) struct HandoutConfig {
    base: load::Loaded,
    variant: Option<Counterfactual>,
    /// What the variant changed, as marked on the chart (none without a counterfactual).
    changes: Vec<crate::chart::ChangeMark>,
    seeds: Seeds,
    /// The file to write.
    file: PathBuf,
    /// What follows the two pages.
    appendix: crate::handout::Appendix,
}

impl HandoutConfig {
    /// Loads and checks what was typed.
    pub(super) fn new(
        path: &Path,
        cf: Option<&Path>,
        seeds: Seeds,
        out: Option<&Path>,
        appendix: crate::handout::Appendix,
    ) -> Result<HandoutConfig, CliError> {
        let base = load::scenario(path)?;
        let variant = match cf {
            Some(cf) => Some(load::source(cf)?.apply(&base.file, path)?),
            None => None,
        };
        let changes = variant.as_ref().map_or_else(Vec::new, |c| {
            crate::report::WhatIf::of(&base.file, &base.scenario, c).marks()
        });
        let mut config = HandoutConfig {
            base,
            variant,
            changes,
            seeds,
            file: PathBuf::new(),
            appendix,
        };
        let name = crate::handout::file_name(&config.base.scenario, config.what_if());
        config.file = match out {
            Some(file) if file.is_dir() => {
                return Err(CliError::Usage(format!(
                    "--out {}: this is a folder; name the file to write, e.g. --out {}",
                    shown(&file),
                    shown(&file.join(&name))
                )));
            }
            Some(file) => {
                let Some(name) = file.file_name() else {
                    return Err(CliError::Usage(format!(
                        "--out {}: name a file to write, e.g. --out handout.html",
                        shown(&file)
                    )));
                };
                file.parent()
                    .filter(|p| !p.as_os_str().is_empty())
                    .unwrap_or(Path::new("."))
                    .join(name)
            }
            None => default_out(&config.base.scenario).join(name),
        };
        if let Some(link) = super::write::link_to_nowhere(&config.file) {
            return Err(CliError::Usage(format!(
                "--out {}: {} is a symbolic link that leads nowhere (to a missing path, or round in a loop)\n  = help: remove the link, or name another file",
                shown(&config.file),
                shown(&link)
            )));
        }
        refuse_to_replace(&config.file, path, cf)?;
        let dir = config.file.parent().unwrap_or(Path::new(""));
        if let Some(in_the_way) = file_in_the_way(dir) {
            return Err(CliError::Usage(format!(
                "--out {}: {} is a file, not a folder\n  = help: name the file to write in a folder (it is created if missing), e.g. --out handout.html",
                shown(&config.file),
                shown(&in_the_way)
            )));
        }
        Ok(config)
    }

    /// The counterfactual's variant, as the classroom sees it.
    fn what_if(&self) -> Option<crate::lab::WhatIf<'_>> {
        self.variant.as_ref().map(|c| crate::lab::WhatIf {
            name: &c.name,
            title: &c.title,
            question: &c.question,
            scenario: &c.scenario,
            changes: &self.changes,
            told: crate::report::Told::of(&self.base.file, &self.base.scenario, c),
        })
    }
}

/// Refuses, before any run, a `--out` that names something other than a regular file (a
/// device, a FIFO, a socket: writing replaces the name) or a file the command reads.
fn refuse_to_replace(file: &Path, scenario: &Path, cf: Option<&Path>) -> Result<(), CliError> {
    let Ok(meta) = std::fs::metadata(file) else {
        return Ok(());
    };
    if !meta.is_file() {
        return Err(CliError::Usage(format!(
            "--out {}: this is not a regular file (a device, a FIFO or a socket), and writing the handout would replace it\n  = help: name a file to write, e.g. --out handout.html",
            shown(&file)
        )));
    }
    if let Some(input) = std::iter::once(scenario)
        .chain(cf)
        .find(|i| crate::output::same_target(file, i))
    {
        return Err(CliError::Usage(format!(
            "--out {}: this is {}, which the handout is made from\n  = help: name another file to write, e.g. --out handout.html",
            shown(&file),
            shown(&input)
        )));
    }
    Ok(())
}

pub(super) fn handout(config: HandoutConfig) -> Result<String, CliError> {
    let sc = &config.base.scenario;
    let o = crate::lab::study(sc, config.what_if(), config.seeds)?;
    let html = crate::handout::html_with(sc, config.what_if(), &o, config.appendix)?;
    write_one(&config.file, html.as_bytes())?;
    Ok(format!("wrote {}\n", shown(&config.file)))
}
