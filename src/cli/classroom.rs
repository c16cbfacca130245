//! The classroom: `diplosim serve` (the page) and `diplosim handout` (one HTML file).

use std::path::{Path, PathBuf};

use super::CliError;
use super::write::{default_out, write_one};
use crate::experiment::Seeds;
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

pub(super) fn handout(
    path: &Path,
    cf: Option<&Path>,
    seeds: Seeds,
    out: Option<&Path>,
) -> Result<String, CliError> {
    let base = load::scenario(path)?;
    let variant = match cf {
        Some(cf) => Some(load::source(cf)?.apply(&base.file, path)?),
        None => None,
    };
    let sc = &base.scenario;
    let changes = variant.as_ref().map_or_else(Vec::new, |c| {
        crate::report::WhatIf::of(&base.file, sc, c).marks()
    });
    let whatif = variant.as_ref().map(|c| crate::lab::WhatIf {
        name: &c.name,
        title: &c.title,
        question: &c.question,
        scenario: &c.scenario,
        changes: &changes,
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
