//! `diplosim check`: validates scenario and counterfactual files.

use crate::output::shown;
use std::fmt::Write as _;
use std::path::PathBuf;

use super::CliError;
use crate::scenario::counterfactual::{self, FileKind};
use crate::scenario::load;

pub(super) fn check(files: &[PathBuf]) -> Result<String, CliError> {
    let mut out = String::new();
    let mut errors = Vec::new();
    for path in files {
        let text = match load::read(path) {
            Ok(t) => t,
            Err(e) => {
                errors.push(e.to_string());
                continue;
            }
        };
        if counterfactual::kind(&text) == FileKind::Counterfactual {
            match load::counterfactual(path) {
                Ok(load::LoadedCounterfactual { variant: c, .. }) => {
                    let reach = if c.changes == 0 {
                        "it changes nothing".to_string()
                    } else {
                        format!("the variant equals its base before {}", c.first_change)
                    };
                    let _ = writeln!(
                        out,
                        "{}: ok: counterfactual \"{}\" on \"{}\": {} change{}; {reach}",
                        shown(&path),
                        c.title,
                        c.scenario.title(),
                        c.changes,
                        if c.changes == 1 { "" } else { "s" },
                    );
                }
                Err(e) => errors.push(e.to_string()),
            }
            continue;
        }
        match load::scenario(path) {
            // The measured series it names is read and checked as `run` would.
            Ok(l) if let Err(e) = super::inputs::measured(None, &l.file, path, &l.scenario) => {
                errors.push(e.to_string());
            }
            Ok(l) => {
                let s = &l.scenario;
                // A file of one pair reads as it always has.
                let pairs = match s.pairs.len() {
                    1 => String::new(),
                    n => format!(" ({n} pairs)"),
                };
                // Only a file with a triangle says so: the line of others is unchanged.
                let triangle = match s.triangle() {
                    Some(t) => format!(
                        "; a triangle of {}, {} triangle checkpoints",
                        t.states.map(|k| s.states[k].id.as_str()).join(", "),
                        s.timeline.triangle_checkpoints.len()
                    ),
                    None => String::new(),
                };
                // Contested items, when there are any: each with its readings.
                let contested = if s.contested.is_empty() {
                    String::new()
                } else {
                    let items: Vec<String> = (s.contested.iter())
                        .map(|c| {
                            let names: Vec<&str> =
                                c.readings.iter().map(|r| r.name.as_str()).collect();
                            format!("{} ({})", c.id, names.join(", "))
                        })
                        .collect();
                    format!("; contested: {}", items.join(", "))
                };
                let _ = writeln!(
                    out,
                    "{}: ok: \"{}\", {} to {}; {} states{pairs}, {} parties, {} leaders, {} actors, {} events, {} checkpoints{triangle}{contested}",
                    shown(&path),
                    s.title(),
                    s.span().0,
                    s.span().1,
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
            Err(e) => errors.push(e.to_string()),
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
