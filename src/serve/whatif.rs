//! The page's state, as it travels in the URL: a scenario of the served folder, an optional
//! preset (a counterfactual file of the folder), a list of simple changes, runs and seed.
//!
//! The changes are written `kind:subject[:value...]`, comma-separated, in one `c`
//! parameter: `remove:ID`, `move:ID:YYYY-MM-DD`, `scale:ID:FACTOR`, `chance:ID:P`,
//! `end:LEADER:YYYY-MM-DD`, `lead:LEADER:BY:YYYY-MM-DD`. They become the changes of a
//! counterfactual file (the preset's first), which is written out as RON text and read
//! back through the same parser and the same validation as a file on disk, so a bad change
//! gets the message `diplosim check` would give, located in that text.

use std::collections::BTreeMap;

use ron::ser::PrettyConfig;

use crate::date::Date;
use crate::scenario::Scenario;
use crate::scenario::counterfactual::{ChangeFile, CounterfactualFile};

/// The name of a counterfactual built from the page.
pub const NAME: &str = "whatif";

/// Why a change code could not be read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("change {index} (\"{code}\"): {reason}")]
pub struct CodeError {
    /// 1-based position in the list.
    pub index: usize,
    /// The code as given.
    pub code: String,
    /// What is wrong and what is expected.
    pub reason: String,
}

/// Reads the comma-separated change codes of the URL's `c` parameter.
pub fn parse_codes(text: &str) -> Result<Vec<ChangeFile>, CodeError> {
    text.split(',')
        .filter(|c| !c.is_empty())
        .enumerate()
        .map(|(i, code)| {
            parse_code(code).map_err(|reason| CodeError {
                index: i + 1,
                code: code.chars().take(80).collect(),
                reason,
            })
        })
        .collect()
}

fn parse_code(code: &str) -> Result<ChangeFile, String> {
    let parts: Vec<&str> = code.split(':').collect();
    let date = |s: &str| {
        s.parse::<Date>()
            .map_err(|e| format!("{e}; write dates YYYY-MM-DD"))
    };
    let number = |s: &str, what: &str| {
        s.parse::<f64>()
            .map_err(|_| format!("{what} must be a number, not \"{s}\""))
    };
    let id = |s: &str| s.to_string();
    Ok(match parts.as_slice() {
        ["remove", e] => ChangeFile::Remove(id(e)),
        ["move", e, d] => ChangeFile::Move {
            event: id(e),
            to: date(d)?,
        },
        ["scale", e, k] => ChangeFile::Scale {
            event: id(e),
            by: number(k, "the factor")?,
        },
        ["chance", e, p] => ChangeFile::Chance {
            event: id(e),
            chance: number(p, "the chance")?,
        },
        ["end", l, d] => ChangeFile::EndTenure {
            leader: id(l),
            on: date(d)?,
        },
        ["lead", l, by, d] => ChangeFile::ReplaceLeader {
            leader: id(l),
            by: id(by),
            from: date(d)?,
        },
        _ => {
            return Err("write remove:EVENT, move:EVENT:YYYY-MM-DD, scale:EVENT:FACTOR, chance:EVENT:P, end:LEADER:YYYY-MM-DD or lead:LEADER:BY:YYYY-MM-DD".to_string());
        }
    })
}

/// The code of a change the page can make; `None` for the others (a preset's `Add`).
pub fn code_of(change: &ChangeFile) -> Option<String> {
    Some(match change {
        ChangeFile::Remove(e) => format!("remove:{e}"),
        ChangeFile::Move { event, to } => format!("move:{event}:{to}"),
        ChangeFile::Scale { event, by } => format!("scale:{event}:{by}"),
        ChangeFile::Chance { event, chance } => format!("chance:{event}:{chance}"),
        ChangeFile::EndTenure { leader, on } => format!("end:{leader}:{on}"),
        ChangeFile::ReplaceLeader { leader, by, from } => format!("lead:{leader}:{by}:{from}"),
        _ => return None,
    })
}

/// A change in words, for a title or a question: "\"Secret speech\" never happens".
pub fn change_in_words(sc: &Scenario, change: &ChangeFile) -> String {
    let event = |id: &str| {
        sc.event_index(id)
            .map_or_else(|| id.to_string(), |i| format!("\"{}\"", sc.events[i].title))
    };
    let leader = |id: &str| {
        sc.leaders
            .iter()
            .find(|l| l.id == id)
            .map_or_else(|| id.to_string(), |l| l.name.clone())
    };
    match change {
        ChangeFile::Remove(e) => format!("{} never happened", event(e)),
        ChangeFile::Move { event: e, to } => format!("{} happened on {to}", event(e)),
        ChangeFile::Scale { event: e, by } => format!("{} weighed {by} times as much", event(e)),
        ChangeFile::ScaleValues {
            by,
            events,
            era,
            level,
        } => format!(
            "{} weighed {by} times as much",
            crate::scenario::counterfactual::group_words(events.as_deref(), era.as_deref(), *level)
        ),
        ChangeFile::ScaleHalfLives {
            by,
            events,
            era,
            level,
        } => format!(
            "the memory of {} lasted {by} times as long",
            crate::scenario::counterfactual::group_words(events.as_deref(), era.as_deref(), *level)
        ),
        ChangeFile::Chance { event: e, chance } => {
            format!("{} had a chance of {chance}", event(e))
        }
        ChangeFile::EndTenure { leader: l, on } => format!("{} left office on {on}", leader(l)),
        ChangeFile::ReplaceLeader {
            leader: l,
            by,
            from,
        } => {
            format!("{} took {}'s place from {from}", leader(by), leader(l))
        }
        ChangeFile::Replace(e) => format!("\"{}\" went differently", e.title),
        ChangeFile::Add(e) => format!("\"{}\" happened", e.title),
        ChangeFile::AddLeader(l) => format!("{} came on the scene", l.name),
        ChangeFile::Structure { .. } => "the structural part were different".to_string(),
        ChangeFile::Ideology { party, axis, value } => {
            format!("{party} started at {value} on {axis}")
        }
        ChangeFile::Accumulate { .. } => "events accumulated instead of fading".to_string(),
        ChangeFile::Decay => "events faded instead of accumulating".to_string(),
    }
}

/// A preset as the page offers it.
#[derive(Clone, Debug)]
pub struct Preset {
    /// Its path relative to the served folder, with `/`: the key the URL carries.
    pub key: String,
    /// What the file says.
    pub file: CounterfactualFile,
}

/// Builds the counterfactual file of a page state: the preset's changes, then the page's.
/// `base` is the scenario's path as written in the file (relative to where the file is
/// meant to be saved).
pub fn counterfactual(
    sc: &Scenario,
    base: &str,
    preset: Option<&Preset>,
    changes: &[ChangeFile],
) -> CounterfactualFile {
    let mut all: Vec<ChangeFile> = preset.map_or_else(Vec::new, |p| p.file.changes.clone());
    all.extend(changes.iter().cloned());
    let words: Vec<String> = changes.iter().map(|c| change_in_words(sc, c)).collect();
    let (title, question) = match (preset, words.as_slice()) {
        (Some(p), []) => (p.file.title.clone(), p.file.question.clone()),
        (Some(p), more) => (
            format!(
                "{}, and {} more change{}",
                p.file.title,
                more.len(),
                if more.len() == 1 { "" } else { "s" }
            ),
            format!("{} And what if {}?", p.file.question, join_words(more)),
        ),
        (None, [one]) => (capitalize(one), format!("What if {one}?")),
        (None, many) => (
            format!("{} changes to the history", many.len()),
            format!("What if {}?", join_words(many)),
        ),
    };
    CounterfactualFile {
        base: base.to_string(),
        name: Some(NAME.to_string()),
        title,
        question,
        description: "Made with the diplosim classroom page.".to_string(),
        changes: all,
    }
}

fn join_words(words: &[String]) -> String {
    match words {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The counterfactual as the RON text of a file: what the page downloads, and what is
/// parsed and validated.
pub fn to_ron(file: &CounterfactualFile) -> Result<String, ron::Error> {
    let config = PrettyConfig::new().struct_names(true).indentor("    ");
    let mut text = ron::ser::to_string_pretty(file, config)?;
    text.push('\n');
    Ok(text)
}

/// The page's state, parsed from the URL's query.
#[derive(Clone, Debug, Default)]
pub struct PageState {
    /// The scenario's file name in the served folder.
    pub scenario: String,
    /// The preset's key, if any.
    pub preset: Option<String>,
    /// The page's own changes, in order.
    pub changes: Vec<ChangeFile>,
    /// Paired runs.
    pub runs: u64,
    /// Seed of the first run.
    pub seed: u64,
    /// The pairs of states to show, by key (`a/b`), comma-separated; empty for all.
    pub pairs: String,
    /// A line per pair or a panel per pair; `None` for the chart's default.
    pub layout: Option<crate::chart::Layout>,
}

/// Default number of paired runs, as `compare --runs 200`.
pub const DEFAULT_RUNS: u64 = 200;

impl PageState {
    /// Reads the state from query parameters (`s`, `p`, `c`, `runs`, `seed`, `pairs`,
    /// `layout`).
    pub fn from_query(q: &BTreeMap<String, String>) -> Result<PageState, String> {
        let scenario = q
            .get("s")
            .filter(|s| !s.is_empty())
            .ok_or("the scenario (parameter s) is missing")?
            .clone();
        let number = |key: &str, default: u64| -> Result<u64, String> {
            match q.get(key).filter(|s| !s.is_empty()) {
                None => Ok(default),
                Some(v) => v
                    .parse::<u64>()
                    .map_err(|_| format!("{key} must be a whole number from 0 up, not \"{v}\"")),
            }
        };
        Ok(PageState {
            scenario,
            preset: q.get("p").filter(|s| !s.is_empty()).cloned(),
            changes: parse_codes(q.get("c").map_or("", String::as_str))
                .map_err(|e| e.to_string())?,
            runs: number("runs", DEFAULT_RUNS)?,
            seed: number("seed", 1)?,
            pairs: q.get("pairs").cloned().unwrap_or_default(),
            layout: q
                .get("layout")
                .filter(|s| !s.is_empty())
                .map(|l| l.parse())
                .transpose()
                .map_err(|e| format!("layout: {e}"))?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_read_back_as_written() {
        let text = "remove:a,move:b:1950-02-14,scale:c:0.5,chance:d:1,end:e:1960-01-01,lead:f:g:1953-09-14";
        let changes = parse_codes(text).unwrap();
        assert_eq!(changes.len(), 6);
        let again: Vec<String> = changes.iter().filter_map(code_of).collect();
        assert_eq!(again.join(","), text);
    }

    #[test]
    fn a_bad_code_says_which_and_how_to_write_it() {
        let e = parse_codes("remove:a,scale:b:lots").unwrap_err();
        assert_eq!(e.index, 2);
        assert!(e.reason.contains("the factor must be a number"), "{e}");
        let e = parse_codes("explode:a").unwrap_err();
        assert!(e.reason.contains("remove:EVENT"), "{e}");
        let e = parse_codes("move:a:1950-02-30").unwrap_err();
        assert!(e.reason.contains("YYYY-MM-DD"), "{e}");
    }
}
