//! Counterfactuals: a small file that names a base scenario and lists changes to it.
//!
//! A counterfactual is applied to the base's [`ScenarioFile`] (what the base file says),
//! before validation, so the changed scenario is checked by every rule of the format, like
//! any scenario. Changes apply in the order written, each to the result of the ones before.
//!
//! ## What each change means
//! - `Remove("id")`: the event never happens. Follow-ups it alone schedules are removed
//!   with it (and theirs, in turn); other events' `FollowUp` of it are dropped; a guard
//!   `Happened("id")` is false.
//! - `Move(event, to)`: a dated event happens on another nominal date (its window and its
//!   random draws are kept).
//! - `Scale(event, by)`: every modifier value and ideology shift of the event is multiplied
//!   by `by` (a distribution's ends or mean and deviation alike).
//! - `Chance(event, chance)`: the probability that the event happens.
//! - `Replace((id: "id", ...))`: a whole new event in the place of the one with that id.
//! - `Add((id: ...))`: a new event, placed after every event of the base in scenario order
//!   (so it comes last among the events of its day).
//! - `AddLeader((id: ...))`: a new leader, e.g. a rival who did not win.
//! - `EndTenure(leader, on)`: the leader leaves office on that day and never returns; they
//!   are dropped from the actors of dated events from that day on. Leader-level modifiers
//!   tied to them stop counting then, as at any departure.
//! - `ReplaceLeader(leader, by, from)`: from that day on `by` holds the leader's offices
//!   for the rest of their terms, and stands in their place in every dated event from
//!   that day on (actors, leader-level modifiers, offices and `InOffice` guards).
//!   Follow-up and triggered events keep their references; replace them if they must change.
//!   A leader whose every term is handed over never held office: `by` takes their place in
//!   every event, dated or not, and they leave the scenario.
//! - `Structure(base, affinity)`: the structural part's parameters (either may be left out).
//! - `Ideology(party, axis, value)`: a party's starting position on an axis.
//!
//! Event streams belong to event ids, so every event a change does not touch draws the
//! same numbers as in the base: the variant equals the base until the first change takes
//! effect ([`Counterfactual::first_change`]).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::error::{Location, Problem, ScenarioError, did_you_mean};
use super::file::{
    ConditionFile, EffectFile, EventFile, LeaderFile, LevelFile, ScenarioFile, ValueFile,
};
use super::{Scenario, validate};
use crate::date::Date;

/// What a counterfactual file says.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename = "Counterfactual")]
pub struct CounterfactualFile {
    /// The base scenario, as a path relative to the counterfactual file's folder.
    pub base: String,
    /// Short machine name, used as its column in `compare.csv`; defaults to the file's
    /// stem. Letters, digits, `_` and `-` only.
    #[serde(default)]
    pub name: Option<String>,
    /// Title, for the chart's legend.
    pub title: String,
    /// The question it asks, for the chart's subtitle.
    pub question: String,
    /// What it shows, for the reader of the file.
    #[serde(default)]
    pub description: String,
    /// The changes, applied in order.
    pub changes: Vec<ChangeFile>,
}

/// One change to the base scenario. See the module documentation for what each means.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub enum ChangeFile {
    /// The event never happens.
    Remove(String),
    /// A dated event happens on another nominal date.
    Move {
        /// The event.
        event: String,
        /// Its new nominal date.
        to: Date,
    },
    /// The event's modifier values and ideology shifts are multiplied.
    Scale {
        /// The event.
        event: String,
        /// The factor.
        by: f64,
    },
    /// The probability that the event happens.
    Chance {
        /// The event.
        event: String,
        /// The new probability, in [0, 1].
        chance: f64,
    },
    /// A new event in place of the base's event with the same id.
    Replace(EventFile),
    /// A new event, after all of the base's.
    Add(EventFile),
    /// A new leader.
    AddLeader(LeaderFile),
    /// The leader leaves office on a day and does not return.
    EndTenure {
        /// The leader.
        leader: String,
        /// First day out of office.
        on: Date,
    },
    /// Another leader holds the leader's offices from a day on.
    ReplaceLeader {
        /// The leader replaced.
        leader: String,
        /// The leader who takes their place.
        by: String,
        /// First day of the replacement.
        from: Date,
    },
    /// The structural part's parameters.
    Structure {
        /// New base value, raw scale.
        #[serde(default)]
        base: Option<f64>,
        /// New weight of ideological similarity.
        #[serde(default)]
        affinity: Option<f64>,
    },
    /// A party's starting position on an ideology axis.
    Ideology {
        /// The party.
        party: String,
        /// The axis.
        axis: String,
        /// The position, in [-1, 1].
        value: f64,
    },
}

/// A validated counterfactual: its changed scenario, ready to run.
#[derive(Clone, Debug)]
pub struct Counterfactual {
    /// Short machine name (column in `compare.csv`).
    pub name: String,
    /// Title, for the legend.
    pub title: String,
    /// The question it asks.
    pub question: String,
    /// What it shows.
    pub description: String,
    /// Number of changes.
    pub changes: usize,
    /// The earliest day any change can take effect (a dated event's window included): the
    /// variant equals the base before it. The span's first day when a change reaches back
    /// that far, e.g. a parameter or an event with no date of its own.
    pub first_change: Date,
    /// The base scenario with the changes applied, validated.
    pub scenario: Scenario,
    /// The base scenario file with the changes applied, as validated.
    pub file: ScenarioFile,
}

/// What kind of file a text is, from its top-level struct name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// `Scenario(...)`, or no name at all.
    Scenario,
    /// `Counterfactual(...)`.
    Counterfactual,
}

/// Tells a scenario from a counterfactual by the name before the first `(`, skipping
/// comments and `#![...]` attributes.
pub fn kind(text: &str) -> FileKind {
    let mut rest = text;
    loop {
        rest = rest.trim_start();
        if let Some(r) = rest.strip_prefix("//") {
            rest = r.split_once('\n').map_or("", |(_, after)| after);
        } else if let Some(r) = rest.strip_prefix("/*") {
            rest = r.split_once("*/").map_or("", |(_, after)| after);
        } else if let Some(r) = rest.strip_prefix("#!") {
            rest = r.split_once(']').map_or("", |(_, after)| after);
        } else {
            break;
        }
    }
    let name: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    if name == "Counterfactual" {
        FileKind::Counterfactual
    } else {
        FileKind::Scenario
    }
}

/// A counterfactual file parsed and its base read: everything needed to apply it.
#[derive(Clone, Debug)]
pub struct Source {
    /// The counterfactual as written.
    pub file: CounterfactualFile,
    /// Its text.
    pub text: String,
    /// Its path.
    pub path: PathBuf,
}

impl Source {
    /// Reads and parses a counterfactual file.
    pub fn read(path: &Path) -> Result<Source, ScenarioError> {
        let text = super::source::read(path)?;
        Source::parse(text, path)
    }

    /// Parses counterfactual text; `path` is used in messages and to find the base.
    pub fn parse(text: String, path: &Path) -> Result<Source, ScenarioError> {
        let file: CounterfactualFile = super::source::parse(&text, path)?;
        Ok(Source {
            file,
            text,
            path: path.to_path_buf(),
        })
    }

    /// The base scenario's path: `base` taken relative to the counterfactual's folder.
    pub fn base_path(&self) -> PathBuf {
        let base = Path::new(&self.file.base);
        match self.path.parent() {
            Some(dir) if base.is_relative() => dir.join(base),
            _ => base.to_path_buf(),
        }
    }

    /// Applies the changes to a base scenario file and validates the result.
    ///
    /// A change naming something the base does not have is an error located in the
    /// counterfactual file, with a did-you-mean. A change that leaves the scenario broken
    /// is reported as [`ScenarioError::Changed`], wrapping the scenario's own problems.
    pub fn apply(
        &self,
        base: &ScenarioFile,
        base_path: &Path,
    ) -> Result<Counterfactual, ScenarioError> {
        let mut changer = Changer {
            text: &self.text,
            cursor: 0,
            problems: Vec::new(),
            located: Vec::new(),
            removed: BTreeSet::new(),
        };
        let name = self.name(&mut changer);
        let mut file = base.clone();
        let mut first = base.span.1;
        for change in &self.file.changes {
            if let Some(d) = changer.apply(change, &mut file) {
                first = first.min(d);
            }
        }
        // A guard on a removed event is false, in the base's events and in added ones alike.
        let gone: BTreeSet<String> = changer
            .removed
            .iter()
            .filter(|id| !file.events.iter().any(|e| &e.id == *id))
            .cloned()
            .collect();
        for e in &mut file.events {
            if let Some(c) = &mut e.when {
                forget(c, &gone);
            }
        }
        if !changer.problems.is_empty() {
            return Err(ScenarioError::Invalid {
                path: self.path.clone(),
                problems: changer.problems,
            });
        }
        let first = first.max(base.span.0);
        // The changed base has no text of its own: its problems are placed at the change
        // that names their subject, in the counterfactual file.
        let scenario = validate::validate(file.clone(), "", &self.path).map_err(|e| {
            ScenarioError::Changed {
                path: self.path.clone(),
                base: base_path.to_path_buf(),
                source: Box::new(relocate(e, &changer.located)),
            }
        })?;
        Ok(Counterfactual {
            name,
            title: self.file.title.clone(),
            question: self.file.question.clone(),
            description: self.file.description.clone(),
            changes: self.file.changes.len(),
            first_change: first,
            scenario,
            file,
        })
    }

    fn name(&self, changer: &mut Changer) -> String {
        let name = self.file.name.clone().unwrap_or_else(|| {
            self.path
                .file_stem()
                .map_or_else(String::new, |s| s.to_string_lossy().into_owned())
        });
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            let location = find(&self.text, 0, &name).map(|(l, _)| l);
            changer.problems.push(Problem {
                subject: "counterfactual".to_string(),
                message: format!("name \"{name}\" cannot be a column or folder name"),
                hint: Some(
                    "use letters, digits, `_` and `-` only, e.g. name: \"no_split\"".to_string(),
                ),
                location,
            });
        }
        name
    }
}

impl Counterfactual {
    /// Loads a counterfactual and its base (found relative to the counterfactual's folder).
    pub fn load(path: &Path) -> Result<Counterfactual, ScenarioError> {
        let source = Source::read(path)?;
        let base_path = source.base_path();
        let base_text = super::source::read(&base_path)?;
        let base: ScenarioFile = super::source::parse(&base_text, &base_path)?;
        // The base must be valid on its own: its errors are reported against its own file.
        validate::validate(base.clone(), &base_text, &base_path)?;
        source.apply(&base, &base_path)
    }
}

/// Applies changes to a file, collecting problems located in the counterfactual text.
struct Changer<'a> {
    text: &'a str,
    /// Byte offset after the last id found: changes are searched for in file order.
    cursor: usize,
    problems: Vec<Problem>,
    /// Ids named by changes, with where they stand: to place the scenario's problems.
    located: Vec<(String, Location)>,
    /// Ids of the events removed so far (with their orphaned follow-ups).
    removed: BTreeSet<String>,
}

/// Where `"id"` stands in `text` at or after `from`, and the offset just past it.
fn find(text: &str, from: usize, id: &str) -> Option<(Location, usize)> {
    let needle = format!("\"{id}\"");
    let at = from + text.get(from..)?.find(&needle)?;
    Some((Location::of_offset(text, at), at + needle.len()))
}

impl Changer<'_> {
    /// The location of the next mention of `id`, remembered for later problems.
    fn locate(&mut self, id: &str) -> Option<Location> {
        let found = find(self.text, self.cursor, id).or_else(|| find(self.text, 0, id));
        let (loc, end) = found?;
        self.cursor = self.cursor.max(end);
        self.located.push((id.to_string(), loc.clone()));
        Some(loc)
    }

    fn problem(
        &mut self,
        subject: String,
        loc: Option<Location>,
        message: String,
        hint: Option<String>,
    ) {
        self.problems.push(Problem {
            subject,
            message,
            hint,
            location: loc,
        });
    }

    fn unknown<'b>(
        &mut self,
        subject: &str,
        loc: Option<Location>,
        kind: &str,
        id: &str,
        known: impl Iterator<Item = &'b str>,
    ) {
        let known: Vec<&str> = known.collect();
        let hint = match did_you_mean(id, known.iter().copied()) {
            Some(s) => format!("did you mean \"{s}\"?"),
            None if known.is_empty() => format!("the base declares no {kind}"),
            None => {
                let mut all = known.clone();
                all.sort_unstable();
                format!("the base's {kind}s: {}", all.join(", "))
            }
        };
        self.problem(
            subject.to_string(),
            loc,
            format!("unknown {kind} \"{id}\": the base scenario has no such {kind}"),
            Some(hint),
        );
    }

    /// The index of an event by id, or a located problem.
    fn event(&mut self, subject: &str, file: &ScenarioFile, id: &str) -> Option<usize> {
        let loc = self.locate(id);
        let i = file.events.iter().position(|e| e.id == id);
        if i.is_none() {
            self.unknown(
                subject,
                loc,
                "event",
                id,
                file.events.iter().map(|e| e.id.as_str()),
            );
        }
        i
    }

    /// The index of a leader by id, or a located problem.
    fn leader(&mut self, subject: &str, file: &ScenarioFile, id: &str) -> Option<usize> {
        let loc = self.locate(id);
        let i = file.leaders.iter().position(|l| l.id == id);
        if i.is_none() {
            self.unknown(
                subject,
                loc,
                "leader",
                id,
                file.leaders.iter().map(|l| l.id.as_str()),
            );
        }
        i
    }

    /// The earliest day an event's change can reach: a dated event's date less its
    /// window; for a follow-up, the earliest reach of the events that schedule it plus
    /// their delay; the span's start for a triggered event (or a chain through one).
    fn reach(file: &ScenarioFile, e: &EventFile) -> Date {
        reach(file, e, 0)
    }

    /// Applies one change; returns the earliest day it can take effect.
    fn apply(&mut self, change: &ChangeFile, file: &mut ScenarioFile) -> Option<Date> {
        match change {
            ChangeFile::Remove(id) => {
                let i = self.event(&format!("Remove(\"{id}\")"), file, id)?;
                let from = Self::reach(file, &file.events[i]);
                self.removed.extend(remove(file, id));
                Some(from)
            }
            ChangeFile::Move { event, to } => {
                let subject = format!("Move(event: \"{event}\")");
                let i = self.event(&subject, file, event)?;
                let e = &mut file.events[i];
                let Some(old) = e.date else {
                    let loc = self.located.last().map(|(_, l)| l.clone());
                    self.problem(
                        subject,
                        loc,
                        format!("event \"{event}\" has no date of its own, so it cannot be moved"),
                        Some("only dated events move; use Replace to change a follow-up or triggered event".to_string()),
                    );
                    return None;
                };
                let w = e.window.unwrap_or(0) as i32;
                e.date = Some(*to);
                Some(Date::from_day(old.min(*to).day() - w))
            }
            ChangeFile::Scale { event, by } => {
                let i = self.event(&format!("Scale(event: \"{event}\")"), file, event)?;
                let e = &mut file.events[i];
                for x in &mut e.effects {
                    match x {
                        EffectFile::Modifier { value, .. } => *value = scaled(value, *by),
                        EffectFile::Ideology { shift, .. } => *shift = scaled(shift, *by),
                        _ => {}
                    }
                }
                Some(Self::reach(file, &file.events[i]))
            }
            ChangeFile::Chance { event, chance } => {
                let i = self.event(&format!("Chance(event: \"{event}\")"), file, event)?;
                file.events[i].chance = Some(*chance);
                Some(Self::reach(file, &file.events[i]))
            }
            ChangeFile::Replace(new) => {
                let i = self.event(&format!("Replace(id: \"{}\")", new.id), file, &new.id)?;
                let from = Self::reach(file, &file.events[i]).min(Self::reach(file, new));
                file.events[i] = new.clone();
                Some(from)
            }
            ChangeFile::Add(new) => {
                self.locate(&new.id);
                file.events.push(new.clone());
                Some(Self::reach(file, new))
            }
            ChangeFile::AddLeader(new) => {
                self.locate(&new.id);
                file.leaders.push(new.clone());
                new.terms.iter().map(|t| t.from).min()
            }
            ChangeFile::EndTenure { leader, on } => {
                let subject = format!("EndTenure(leader: \"{leader}\")");
                let l = self.leader(&subject, file, leader)?;
                let terms = &mut file.leaders[l].terms;
                let before = terms.len();
                terms.retain(|t| t.from < *on);
                let mut cut = terms.len() < before;
                for t in terms.iter_mut() {
                    if t.to.is_none_or(|to| to > *on) {
                        t.to = Some(*on);
                        cut = true;
                    }
                }
                if terms.is_empty() || !cut {
                    let loc = self.located.last().map(|(_, l)| l.clone());
                    self.problem(
                        subject,
                        loc,
                        format!(
                            "\"{leader}\" is not in office on {on}{}",
                            if terms.is_empty() { " or before" } else { " or after" }
                        ),
                        Some("EndTenure cuts short a term that has begun: pick a day inside one of the leader's terms".to_string()),
                    );
                    return None;
                }
                for e in file
                    .events
                    .iter_mut()
                    .filter(|e| e.date.is_some_and(|d| d >= *on))
                {
                    e.actors.retain(|a| a != leader);
                }
                Some(*on)
            }
            ChangeFile::ReplaceLeader { leader, by, from } => {
                let subject = format!("ReplaceLeader(leader: \"{leader}\")");
                let a = self.leader(&subject, file, leader);
                let b = self.leader(&subject, file, by);
                let (a, b) = (a?, b?);
                if file.leaders[a].state != file.leaders[b].state {
                    let loc = self.located.last().map(|(_, l)| l.clone());
                    self.problem(
                        subject,
                        loc,
                        format!("\"{by}\" serves another state than \"{leader}\""),
                        Some("a leader is replaced by someone of the same state".to_string()),
                    );
                    return None;
                }
                let mut handed = Vec::new();
                for t in &mut file.leaders[a].terms {
                    if t.from >= *from {
                        handed.push(t.clone());
                    } else if t.to.is_none_or(|to| to > *from) {
                        let mut rest = t.clone();
                        rest.from = *from;
                        t.to = Some(*from);
                        handed.push(rest);
                    }
                }
                if handed.is_empty() {
                    let loc = self.located.last().map(|(_, l)| l.clone());
                    self.problem(
                        subject,
                        loc,
                        format!("\"{leader}\" holds no office on or after {from}"),
                        Some("pick a day inside one of the leader's terms".to_string()),
                    );
                    return None;
                }
                file.leaders[a].terms.retain(|t| t.from < *from);
                file.leaders[b].terms.extend(handed);
                // A leader left with no term never held office: `by` takes their place
                // everywhere, and they leave the scenario.
                let never = file.leaders[a].terms.is_empty();
                if never {
                    file.leaders.remove(a);
                }
                for e in file
                    .events
                    .iter_mut()
                    .filter(|e| never || e.date.is_some_and(|d| d >= *from))
                {
                    stand_in(e, leader, by);
                }
                Some(*from)
            }
            ChangeFile::Structure { base, affinity } => {
                if let Some(b) = base {
                    file.structure.base = *b;
                }
                if let Some(a) = affinity {
                    file.structure.affinity = *a;
                }
                Some(file.span.0)
            }
            ChangeFile::Ideology { party, axis, value } => {
                let subject = format!("Ideology(party: \"{party}\")");
                let ploc = self.locate(party);
                let aloc = self.locate(axis);
                let p = file.parties.iter().position(|p| p.id == *party);
                if p.is_none() {
                    self.unknown(
                        &subject,
                        ploc,
                        "party",
                        party,
                        file.parties.iter().map(|p| p.id.as_str()),
                    );
                }
                if !file.axes.contains(axis) {
                    self.unknown(
                        &subject,
                        aloc,
                        "axis",
                        axis,
                        file.axes.iter().map(String::as_str),
                    );
                    return None;
                }
                file.parties[p?].ideology.insert(axis.clone(), *value);
                Some(file.span.0)
            }
        }
    }
}

fn reach(file: &ScenarioFile, e: &EventFile, depth: usize) -> Date {
    if let Some(d) = e.date {
        return Date::from_day(d.day() - e.window.unwrap_or(0) as i32);
    }
    // Chains are short; a deep (or cyclic) one gives up on the span's start.
    if e.mtth.is_some() || depth > 64 {
        return file.span.0;
    }
    file.events
        .iter()
        .flat_map(|s| {
            s.effects.iter().filter_map(move |x| match x {
                EffectFile::FollowUp { event, after } if *event == e.id => {
                    let from = reach(file, s, depth + 1).day() + *after as i32;
                    Some(Date::from_day(from))
                }
                _ => None,
            })
        })
        .min()
        .unwrap_or(file.span.0)
        .max(file.span.0)
}

/// A value multiplied by `k`; a uniform's ends stay in order.
fn scaled(v: &ValueFile, k: f64) -> ValueFile {
    use super::file::Distribution::{Normal, Uniform};
    match v {
        ValueFile::Fixed(x) => ValueFile::Fixed(x * k),
        ValueFile::Drawn(Uniform(a, b)) => {
            let (a, b) = (a * k, b * k);
            ValueFile::Drawn(Uniform(a.min(b), a.max(b)))
        }
        ValueFile::Drawn(Normal(m, s)) => ValueFile::Drawn(Normal(m * k, s * k.abs())),
    }
}

/// A guard that never holds: `Not(All([]))`.
fn never() -> ConditionFile {
    ConditionFile::Not(Box::new(ConditionFile::All(Vec::new())))
}

/// The scenario file without an event: what `Remove(id)` does (see the module docs).
pub fn without(file: &ScenarioFile, id: &str) -> ScenarioFile {
    let mut file = file.clone();
    remove(&mut file, id);
    file
}

/// Removes an event, the follow-ups only it schedules, and every reference to them;
/// returns the ids removed.
fn remove(file: &mut ScenarioFile, id: &str) -> BTreeSet<String> {
    let mut gone: BTreeSet<String> = BTreeSet::new();
    let mut next = vec![id.to_string()];
    while let Some(id) = next.pop() {
        if !gone.insert(id.clone()) {
            continue;
        }
        let Some(e) = file.events.iter().find(|e| e.id == id) else {
            continue;
        };
        for x in &e.effects {
            if let EffectFile::FollowUp { event, .. } = x {
                // An orphan is a follow-up that no remaining event schedules.
                let scheduled_elsewhere = file.events.iter().any(|o| {
                    !gone.contains(&o.id)
                        && o.id != id
                        && o.effects.iter().any(
                            |y| matches!(y, EffectFile::FollowUp { event: t, .. } if t == event),
                        )
                });
                let undated = file
                    .events
                    .iter()
                    .any(|t| t.id == *event && t.date.is_none() && t.mtth.is_none());
                if undated && !scheduled_elsewhere {
                    next.push(event.clone());
                }
            }
        }
    }
    file.events.retain(|e| !gone.contains(&e.id));
    for e in &mut file.events {
        e.effects
            .retain(|x| !matches!(x, EffectFile::FollowUp { event, .. } if gone.contains(event)));
        if let Some(c) = &mut e.when {
            forget(c, &gone);
        }
    }
    gone
}

/// Turns `Happened(x)` for a removed `x` into a guard that never holds.
fn forget(c: &mut ConditionFile, gone: &BTreeSet<String>) {
    match c {
        ConditionFile::Happened(x) if gone.contains(x) => *c = never(),
        ConditionFile::All(cs) | ConditionFile::Any(cs) => {
            cs.iter_mut().for_each(|c| forget(c, gone));
        }
        ConditionFile::Not(c) => forget(c, gone),
        _ => {}
    }
}

/// Puts `by` where `leader` stands in an event: actors, leader pairs, offices, guards.
fn stand_in(e: &mut EventFile, leader: &str, by: &str) {
    let swap = |x: &mut String| {
        if x == leader {
            *x = by.to_string();
        }
    };
    for a in &mut e.actors {
        swap(a);
    }
    let mut seen = BTreeSet::new();
    e.actors.retain(|a| seen.insert(a.clone()));
    for x in &mut e.effects {
        match x {
            EffectFile::Modifier {
                level: LevelFile::Leader(p, q),
                ..
            } => {
                swap(p);
                swap(q);
            }
            EffectFile::TakeOffice { leader: l, .. } | EffectFile::LeaveOffice { leader: l } => {
                swap(l)
            }
            _ => {}
        }
    }
    fn guard(c: &mut ConditionFile, swap: &dyn Fn(&mut String)) {
        match c {
            ConditionFile::InOffice(l) => swap(l),
            ConditionFile::All(cs) | ConditionFile::Any(cs) => {
                cs.iter_mut().for_each(|c| guard(c, swap));
            }
            ConditionFile::Not(c) => guard(c, swap),
            _ => {}
        }
    }
    if let Some(c) = &mut e.when {
        guard(c, &swap);
    }
}

/// Places the scenario's unlocated problems at the change that names their subject.
fn relocate(e: ScenarioError, located: &[(String, Location)]) -> ScenarioError {
    let ScenarioError::Invalid { path, mut problems } = e else {
        return e;
    };
    for p in problems.iter_mut().filter(|p| p.location.is_none()) {
        let id = p.subject.split('"').nth(1).unwrap_or("");
        if let Some((_, l)) = located.iter().find(|(x, _)| x == id) {
            p.location = Some(l.clone());
        }
    }
    problems.sort_by_key(|p| {
        p.location
            .as_ref()
            .map_or((usize::MAX, 0), |l| (l.line, l.col))
    });
    ScenarioError::Invalid { path, problems }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_the_kinds_apart() {
        assert_eq!(
            kind("// a\n#![enable(implicit_some)]\nCounterfactual(base: \"x\")"),
            FileKind::Counterfactual
        );
        assert_eq!(kind("/* c */ Scenario(name: \"x\")"), FileKind::Scenario);
        assert_eq!(kind("(name: \"x\")"), FileKind::Scenario);
    }

    #[test]
    fn scaling_keeps_a_uniform_in_order() {
        use super::super::file::Distribution::Uniform;
        let v = scaled(&ValueFile::Drawn(Uniform(-4.0, -2.0)), -0.5);
        assert!(matches!(v, ValueFile::Drawn(Uniform(a, b)) if a == 1.0 && b == 2.0));
    }
}
