//! The page's state, as it travels in the URL: a scenario of the served folder, an optional
//! preset (a counterfactual file of the folder), a list of simple changes, the what-if's
//! title if the teacher wrote one (which also names its file), runs and seed.
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
use crate::scenario::counterfactual::{
    ChangeFile, Counterfactual, CounterfactualFile, Plausibility,
};
use crate::scenario::error::{Kind, Subject};
use crate::scenario::{Problem, Scenario, ScenarioError};

/// The name of a counterfactual built from the page when its title gives none (a title
/// of no Latin letter or digit).
pub const NAME: &str = "whatif";

/// The longest title the teacher may give a what-if, in characters.
pub const MAX_TITLE_CHARS: usize = 120;

/// The machine name of a what-if titled `title`: what its file, its `name:` and its
/// column in `compare.csv` are called. ASCII letters and digits lowercased, every other
/// run of characters one `_` (accents dropped with their letters: `Zhou Enlai's era` is
/// `zhou_enlai_s_era`), cut at a `_` to at most 60 characters; [`NAME`] when nothing is
/// left, and `_what_if` added to a name a command's folder takes.
pub fn name_of(title: &str) -> String {
    let mut name = String::new();
    for c in title.chars() {
        if c.is_ascii_alphanumeric() {
            name.push(c.to_ascii_lowercase());
        } else if !name.is_empty() && !name.ends_with('_') {
            name.push('_');
        }
    }
    const MOST: usize = 60;
    if name.len() > MOST {
        let cut = name[..=MOST].rfind('_').filter(|&i| i > 0).unwrap_or(MOST);
        name.truncate(cut);
    }
    let name = name.trim_end_matches('_');
    if name.is_empty() {
        NAME.to_string()
    } else if crate::scenario::counterfactual::RESERVED_NAMES.contains(&name) {
        format!("{name}_what_if")
    } else {
        name.to_string()
    }
}

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
        ChangeFile::Coupling { rate } if *rate > 0.0 => {
            format!("each pair were pulled toward the product of the other two, at {rate} a year")
        }
        ChangeFile::Coupling { .. } => "the pairs were not coupled".to_string(),
    }
}

/// The report card of a page's what-if in plain sentences, for the teacher: whether
/// contemporaries considered each change, the changes' joint probability, what in the
/// run contradicts them, and what each leader replacement hands to the stand-in. The
/// figures and the rules are those of `compare`'s text.
pub fn card_in_words(sc: &Scenario, file: &CounterfactualFile, cf: &Counterfactual) -> Vec<String> {
    let mut card = Vec::new();
    for (change, p) in file.changes.iter().zip(&cf.plausibility) {
        let what = capitalize(&change_in_words(sc, change));
        card.push(match &p.considered {
            Some((source, Some(chance))) => {
                format!("{what}: considered at the time ({source}), with a chance of {chance}.")
            }
            Some((source, None)) => format!("{what}: considered at the time ({source})."),
            None => format!(
                "{what}: a miracle counterfactual, as Lebow calls it: no source says it was considered at the time."
            ),
        });
    }
    let n = cf.plausibility.len();
    if n > 1 {
        card.push(match Plausibility::joint(&cf.plausibility) {
            Some(joint) => format!(
                "Together, the {n} changes have a chance of {} (their chances multiplied, as if independent).",
                crate::report::probability(joint)
            ),
            None => "The chance of the changes together is not given: not every change has a chance.".to_string(),
        });
    }
    for h in &cf.handovers {
        let count = |n: usize, one: &str| format!("{n} {one}{}", if n == 1 { "" } else { "s" });
        card.push(format!(
            "{} takes {}'s place from {}: {} ({}), {} and {}.",
            h.by.1,
            h.leader.1,
            h.from,
            count(h.offices.len(), "office"),
            h.offices.join("; "),
            count(h.events, "event"),
            count(h.modifiers, "leader-level modifier"),
        ));
    }
    if cf.contradictions.is_empty() {
        card.push("Nothing still in the run contradicts the changes.".to_string());
    }
    for c in &cf.contradictions {
        let (_, title, date) = &c.event;
        let when = date.map_or(String::new(), |d| format!(" ({d})"));
        card.push(format!(
            "Does not hold together: \u{201c}{title}\u{201d}{when} stays, but {}.",
            c.why
        ));
    }
    card
}

/// Why a page's changes cannot be tried, in one plain sentence that names the change and
/// says what to do: no file, line or field names, which the teacher never saw (the
/// located message of the file goes with the reply for whoever downloads it). The first
/// problem speaks for all: fixing it is the next step.
pub fn change_error(sc: &Scenario, file: &CounterfactualFile, e: &ScenarioError) -> String {
    let Some(p) = e.problems().first() else {
        return "These changes cannot be tried together: undo the last one.".to_string();
    };
    let (reason, todo) = reason_and_todo(sc, p);
    match change_of(p, &file.changes) {
        Some(k) => format!(
            "The change \u{201c}{}\u{201d} cannot be tried: {reason}; {todo}.",
            change_in_words(sc, &file.changes[k]).replace('"', "")
        ),
        None => format!("These changes cannot be tried together: {reason}; {todo}."),
    }
}

/// The change (its position) a problem is about: the one it names, or the first one that
/// names its event or leader.
fn change_of(p: &Problem, changes: &[ChangeFile]) -> Option<usize> {
    let names = |c: &ChangeFile, id: &str| match c {
        ChangeFile::Remove(e)
        | ChangeFile::Move { event: e, .. }
        | ChangeFile::Scale { event: e, .. }
        | ChangeFile::Chance { event: e, .. } => e == id,
        ChangeFile::Replace(e) | ChangeFile::Add(e) => e.id == id,
        ChangeFile::EndTenure { leader, .. } => leader == id,
        ChangeFile::ReplaceLeader { leader, by, .. } => leader == id || by == id,
        _ => false,
    };
    match &p.subject {
        Subject::Change { index, .. } | Subject::Group { index, .. } => Some(*index),
        Subject::Event(id, _) | Subject::Entity(Kind::Leader, id) => {
            changes.iter().position(|c| names(c, id))
        }
        _ if changes.len() == 1 => Some(0),
        _ => None,
    }
}

/// A problem's message with every quoted id of the scenario put as its reader knows it:
/// an event by its title, a leader, state or party by name.
fn plain(sc: &Scenario, message: &str) -> String {
    let named = |id: &str| -> Option<String> {
        if let Some(i) = sc.event_index(id) {
            return Some(format!("\u{201c}{}\u{201d}", sc.events[i].title));
        }
        (sc.leaders.iter().map(|l| (&l.id, &l.name)))
            .chain(sc.states.iter().map(|x| (&x.id, &x.name)))
            .chain(sc.parties.iter().map(|x| (&x.id, &x.name)))
            .find(|(i, _)| *i == id)
            .map(|(_, name)| name.clone())
    };
    let mut out = String::new();
    let mut rest = message;
    while let Some(open) = rest.find('"') {
        let Some(len) = rest[open + 1..].find('"') else {
            break;
        };
        let id = &rest[open + 1..open + 1 + len];
        out.push_str(&rest[..open]);
        // "event \"x\"" and "leader \"x\"" read as the title or name alone.
        for word in ["event ", "leader "] {
            if named(id).is_some() && out.ends_with(word) {
                out.truncate(out.len() - word.len());
            }
        }
        out.push_str(&named(id).unwrap_or_else(|| format!("\"{id}\"")));
        rest = &rest[open + len + 2..];
    }
    out.push_str(rest);
    out
}

/// Why a problem stands in the way and what to do about it, in a teacher's words.
fn reason_and_todo(sc: &Scenario, p: &Problem) -> (String, String) {
    let (start, end) = sc.span();
    let hint = p.hint.as_deref().unwrap_or("");
    let m = p.message.as_str();
    let undo = "undo the change, or try another".to_string();
    if m.contains("outside the scenario's span") {
        (
            format!("the scenario runs from {start} to {end} only"),
            "pick a date in between, or undo the change".to_string(),
        )
    } else if let Some(at) = m.find(" acts but is not in office on ") {
        let who = plain(sc, &m[..at]);
        let day = &m[at + " acts but is not in office on ".len()..];
        let terms = (hint.strip_prefix("their terms: "))
            .and_then(|t| t.split_once(';'))
            .map_or(String::new(), |(t, _)| format!(" ({t})"));
        (
            format!("{who}, who takes part in it, is not in office on {day}"),
            format!("pick a date when {who} holds office{terms}, or undo the change"),
        )
    } else if m.contains("is not in office on") && m.contains("or before") {
        (
            plain(sc, m),
            "pick a day inside one of their terms, or undo the change".to_string(),
        )
    } else if m.contains("no date of its own") {
        (
            "it has no date of its own".to_string(),
            "it happens when another event brings it about, so change or remove that event instead"
                .to_string(),
        )
    } else if m.contains("already removed") {
        (
            "an earlier change already removes that event".to_string(),
            "undo one of the two".to_string(),
        )
    } else if m.contains("a probability lies in [0, 1]") {
        (
            "a chance is a probability".to_string(),
            "give one from 0 to 1".to_string(),
        )
    } else if m.starts_with("unknown") {
        (
            format!(
                "the scenario has no {}",
                plain(sc, m.trim_start_matches("unknown "))
                    .split(':')
                    .next()
                    .unwrap_or_default()
            ),
            "pick it from the page's lists instead".to_string(),
        )
    } else {
        (plain(sc, m), undo)
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

impl Preset {
    /// Its machine name: the file's `name`, else its file name without `.ron`, as
    /// `diplosim compare` names it.
    pub fn name(&self) -> String {
        self.file.name.clone().unwrap_or_else(|| {
            let file = self.key.rsplit('/').next().unwrap_or(&self.key);
            file.strip_suffix(".ron").unwrap_or(file).to_string()
        })
    }
}

/// Builds the counterfactual file of a page state: the preset's changes, then the page's.
/// `base` is the scenario's path as written in the file (relative to where the file is
/// meant to be saved). `title` is the teacher's, if they gave one; else the title is made
/// from the preset and the changes. The name is the preset's own for a preset alone,
/// else the title's machine name (`name_of`).
pub fn counterfactual(
    sc: &Scenario,
    base: &str,
    preset: Option<&Preset>,
    changes: &[ChangeFile],
    title: Option<&str>,
) -> CounterfactualFile {
    let mut all: Vec<ChangeFile> = preset.map_or_else(Vec::new, |p| p.file.changes.clone());
    all.extend(changes.iter().cloned());
    let words: Vec<String> = changes.iter().map(|c| change_in_words(sc, c)).collect();
    let (made, question) = match (preset, words.as_slice()) {
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
    let name = match (preset, changes, title) {
        (Some(p), [], None) => p.name(),
        _ => name_of(title.unwrap_or(&made)),
    };
    CounterfactualFile {
        base: base.to_string(),
        name: Some(name),
        title: title.map_or(made, str::to_string),
        question,
        description: "Made with the diplosim classroom page.".to_string(),
        changes: all,
        // The preset's changes come first, so its entries keep their positions.
        considered: preset.map_or_else(Vec::new, |p| p.file.considered.clone()),
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
    /// The what-if's title as the teacher wrote it (`t`); `None` for the one made from
    /// the changes.
    pub title: Option<String>,
}

/// Default number of paired runs, as `compare --runs 200`.
pub const DEFAULT_RUNS: u64 = 200;

impl PageState {
    /// Reads the state from query parameters (`s`, `p`, `c`, `runs`, `seed`, `pairs`,
    /// `layout`, `t`).
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
            title: title_of(q.get("t").map_or("", String::as_str))?,
        })
    }
}

/// The teacher's title, spaces trimmed and runs of white space made one: `None` when
/// empty; refused when too long.
fn title_of(t: &str) -> Result<Option<String>, String> {
    let t = t.split_whitespace().collect::<Vec<_>>().join(" ");
    let chars = t.chars().count();
    if chars > MAX_TITLE_CHARS {
        return Err(format!(
            "the title (parameter t) has {chars} characters; a what-if's title has at most {MAX_TITLE_CHARS}"
        ));
    }
    Ok((!t.is_empty()).then_some(t))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_title_gives_a_safe_machine_name() {
        assert_eq!(
            name_of("What if? \"Khrushchev denounces Stalin\" never happened"),
            "what_if_khrushchev_denounces_stalin_never_happened"
        );
        assert_eq!(
            name_of("2 changes to the history"),
            "2_changes_to_the_history"
        );
        assert_eq!(name_of("  Без Хрущёва  "), NAME);
        assert_eq!(
            name_of("Zhou Enlai's era (1959–76)"),
            "zhou_enlai_s_era_1959_76"
        );
        assert_eq!(name_of("Baseline"), "baseline_what_if");
        let long = name_of(&"a long title ".repeat(10));
        assert!(long.len() <= 60 && !long.ends_with('_'), "{long}");
        assert_eq!(
            long,
            "a_long_title_a_long_title_a_long_title_a_long_title_a_long"
        );
        assert_eq!(name_of(&"x".repeat(100)), "x".repeat(60));
    }

    #[test]
    fn a_title_is_trimmed_and_has_a_length_limit() {
        assert_eq!(
            title_of("  Two\n changes  "),
            Ok(Some("Two changes".into()))
        );
        assert_eq!(title_of("   "), Ok(None));
        let e = title_of(&"é".repeat(121)).unwrap_err();
        assert!(
            e.contains("121 characters") && e.contains("at most 120"),
            "{e}"
        );
    }

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
