//! Counterfactuals: a small file that names a base scenario and lists changes to it.
//!
//! A counterfactual is applied to the base's [`ScenarioFile`] (what the base file says),
//! before validation, so the changed scenario is checked by every rule of the format, like
//! any scenario. Changes apply in the order written, each to the result of the ones before.
//!
//! ## What each change means
//! - `Remove("id")`: the event never happens. Follow-ups that can no longer happen without
//!   it (reached only through it, or through themselves) are removed
//!   with it (and theirs, in turn); other events' `FollowUp` of it are dropped; a guard
//!   `Happened("id")` is false.
//! - `Move(event, to)`: a dated event happens on another nominal date (its window and its
//!   random draws are kept).
//! - `Scale(event, by)`: every modifier value and ideology shift of the event is multiplied
//!   by `by` (a distribution's ends or mean and deviation alike).
//! - `ScaleValues(by, events, era, level)`: the values of a group's modifiers are
//!   multiplied by `by`, and, when no `level` is named, its events' ideology shifts too.
//!   The group is every event, narrowed by what is given: `events` (a list of ids), `era`
//!   (a timeline era's label: the dated events whose nominal date lies in it; follow-ups
//!   and triggered events belong to no era) and `level` (only the modifiers at that
//!   level, `State` (which takes in `States(..)`), `Party` or `Leader`). A group that
//!   holds nothing is an error.
//! - `ScaleHalfLives(by, events, era, level)`: the half-life of every fading modifier
//!   (`Days`, `Years`) of the same kind of group is multiplied by `by`, which must be
//!   positive; `Permanent` and `Until` modifiers have no half-life and are left alone.
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
//! - `Accumulate(gain, drift)`: accumulating dynamics (docs/model.md), with the gain and
//!   drift given; either left out is the base's own if it accumulates, else a gain of 1
//!   and no drift (`Permanent`). `Decay`: decaying dynamics, the default.
//! - `Coupling(rate)`: the coupling between the pairs (docs/model.md) at this rate per
//!   year, in [0, 12], in place of the base's; 0 turns it off.
//! - `Structure(pair, base, affinity)`: the structural part's parameters (either may be
//!   left out) of one pair of states, `pair: ("a", "b")`, which may be left out when the
//!   base models one pair. A base that does not list its `pairs` gets the list of every
//!   pair written out, so that the one pair changed can carry its own structure.
//! - `Ideology(party, axis, value)`: a party's starting position on an axis.
//!
//! `considered` lists the changes contemporaries considered, each with a source and
//! optionally a chance; the rest are "miracles" ([`Plausibility`]). After the changes, the
//! events still in the run that presume what a change undid are found
//! ([`Contradiction`]), and each `ReplaceLeader` counts what it hands over ([`Handover`]).
//!
//! Event streams belong to event ids, so every event a change does not touch draws the
//! same numbers as in the base: the variant equals the base until the first change takes
//! effect ([`Counterfactual::first_change`]).

use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap, HashMap};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::error::{Found, Kind, Problem, ScenarioError, Subject, unknown_hint};
use super::file::{
    ConditionFile, EffectFile, EventFile, FadeFile, LeaderFile, LevelFile, PairFile, ScenarioFile,
    ValueFile,
};
use super::locate::{At, Outline};
use super::{Scenario, limits, validate};
use crate::date::{Date, Day};

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
    /// The changes that contemporaries considered, each with the source that says so and,
    /// when the source gives one, its chance. A change listed nowhere here is a "miracle"
    /// counterfactual (Lebow): no source says anyone considered it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub considered: Vec<ConsideredFile>,
}

/// That contemporaries considered one change, as a counterfactual file says it:
/// `(change: 0, source: "Shevchenko, Breaking with Moscow (1985)", chance: 0.1)`.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, rename = "Considered")]
pub struct ConsideredFile {
    /// The change, by its position in `changes`, from 0.
    pub change: usize,
    /// Who or what says it was considered at the time (a document, a memoir, a study).
    pub source: String,
    /// The chance the source gives it, in [0, 1], if it gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chance: Option<f64>,
}

/// One change to the base scenario. See the module documentation for what each means.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename = "Change")]
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
    /// The values of a group's modifiers (and ideology shifts, with no level) are
    /// multiplied.
    ScaleValues {
        /// The factor.
        by: f64,
        /// Only these events.
        #[serde(default)]
        events: Option<Vec<String>>,
        /// Only the dated events of this era (its label).
        #[serde(default)]
        era: Option<String>,
        /// Only the modifiers at this level.
        #[serde(default)]
        level: Option<LevelKind>,
    },
    /// The half-lives of a group's fading modifiers are multiplied.
    ScaleHalfLives {
        /// The factor, positive.
        by: f64,
        /// Only these events.
        #[serde(default)]
        events: Option<Vec<String>>,
        /// Only the dated events of this era (its label).
        #[serde(default)]
        era: Option<String>,
        /// Only the modifiers at this level.
        #[serde(default)]
        level: Option<LevelKind>,
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
    /// The structural part's parameters, of one pair.
    Structure {
        /// The pair of states (ids) whose structure changes; may be left out when the
        /// base models one pair.
        #[serde(default)]
        pair: Option<(String, String)>,
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
    /// Accumulating dynamics, with the gain and drift given; what is left out is the
    /// base's own if it accumulates, else a gain of 1 and no drift.
    Accumulate {
        /// The gain.
        #[serde(default)]
        gain: Option<f64>,
        /// The drift's half-life (`Days`, `Years` or `Permanent`).
        #[serde(default)]
        drift: Option<FadeFile>,
    },
    /// Decaying dynamics (the default form).
    Decay,
    /// The coupling between the pairs at this rate per year (0: none), in place of the
    /// base's.
    Coupling {
        /// Per year, in [0, 12].
        rate: f64,
    },
}

/// A modifier's level, without its pair: what a group change narrows to.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename = "Level")]
pub enum LevelKind {
    /// Between two states (`State` or `States(..)`).
    State,
    /// Between two parties.
    Party,
    /// Between two leaders.
    Leader,
}

impl LevelKind {
    /// Whether a modifier's level is of this kind.
    pub fn holds(self, level: &LevelFile) -> bool {
        matches!(
            (self, level),
            (LevelKind::State, LevelFile::State | LevelFile::States(..))
                | (LevelKind::Party, LevelFile::Party(..))
                | (LevelKind::Leader, LevelFile::Leader(..))
        )
    }
}

/// A group of events as a group change or a params file writes it, e.g.
/// `era Split; leader level`; `every event` when nothing narrows it.
pub fn group_words(
    events: Option<&[String]>,
    era: Option<&str>,
    level: Option<LevelKind>,
) -> String {
    let mut parts = Vec::new();
    match events {
        Some([]) => parts.push("no event".to_string()),
        Some([one]) => parts.push(format!("event {one}")),
        Some(ids) => parts.push(format!("events {}", ids.join(" + "))),
        None => {}
    }
    if let Some(era) = era {
        parts.push(format!("era {era}"));
    }
    if let Some(level) = level {
        parts.push(format!("{level:?} level").to_lowercase());
    }
    if parts.is_empty() {
        "every event".to_string()
    } else {
        // No commas: the name is a CSV field in sensitivity.csv.
        parts.join("; ")
    }
}

/// A change in short, as a counterfactual file writes it, with its ids and dates but
/// without the events and leaders it adds written out: `Remove("zhenbao_ambush")`,
/// `ReplaceLeader(leader: "khrushchev", by: "malenkov", from: "1953-09-14")`.
pub fn change_label(change: &ChangeFile) -> String {
    match change {
        ChangeFile::Remove(id) => format!("Remove(\"{id}\")"),
        ChangeFile::Move { event, to } => format!("Move(event: \"{event}\", to: \"{to}\")"),
        ChangeFile::Scale { event, by } => format!("Scale(event: \"{event}\", by: {by})"),
        ChangeFile::ScaleValues {
            by,
            events,
            era,
            level,
        } => format!(
            "ScaleValues({}, by: {by})",
            group_words(events.as_deref(), era.as_deref(), *level)
        ),
        ChangeFile::ScaleHalfLives {
            by,
            events,
            era,
            level,
        } => format!(
            "ScaleHalfLives({}, by: {by})",
            group_words(events.as_deref(), era.as_deref(), *level)
        ),
        ChangeFile::Chance { event, chance } => {
            format!("Chance(event: \"{event}\", chance: {chance})")
        }
        ChangeFile::Replace(e) => format!("Replace(\"{}\")", e.id),
        ChangeFile::Add(e) => format!("Add(\"{}\")", e.id),
        ChangeFile::AddLeader(l) => format!("AddLeader(\"{}\")", l.id),
        ChangeFile::EndTenure { leader, on } => {
            format!("EndTenure(leader: \"{leader}\", on: \"{on}\")")
        }
        ChangeFile::ReplaceLeader { leader, by, from } => {
            format!("ReplaceLeader(leader: \"{leader}\", by: \"{by}\", from: \"{from}\")")
        }
        ChangeFile::Structure { pair, .. } => match pair {
            Some((a, b)) => format!("Structure(pair: (\"{a}\", \"{b}\"))"),
            None => "Structure".to_string(),
        },
        ChangeFile::Ideology { party, axis, value } => {
            format!("Ideology(party: \"{party}\", axis: \"{axis}\", value: {value})")
        }
        ChangeFile::Accumulate { .. } => "Accumulate".to_string(),
        ChangeFile::Decay => "Decay".to_string(),
        ChangeFile::Coupling { rate } => format!("Coupling(rate: {rate})"),
    }
}

/// Names a counterfactual may not have: its variant's files go in
/// `output/<scenario>/<name>/`, next to the folders of these commands (and "baseline" is
/// the base's column in `compare.csv`).
pub const RESERVED_NAMES: [&str; 4] = ["baseline", "compare", "ensemble", "rank"];

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
    /// What each `Remove` takes with it and what it leaves, in the order of the changes.
    pub removals: Vec<Removal>,
    /// Each change in short (`Remove("zhenbao_ambush")`) with what contemporaries
    /// considered of it, in the order of the changes.
    pub plausibility: Vec<Plausibility>,
    /// Events still in the run that presume what a change undid (cotenability), in the
    /// order of the changes.
    pub contradictions: Vec<Contradiction>,
    /// What each `ReplaceLeader` hands to the stand-in, in the order of the changes.
    pub handovers: Vec<Handover>,
}

/// An event still in the run that presumes what a change undid: the what-if contradicts
/// itself there (the cotenability rule asks that it does not).
#[derive(Clone, Debug, PartialEq)]
pub struct Contradiction {
    /// The change in short: `Remove("treaty")`.
    pub change: String,
    /// The event still in the run: id, title and nominal date (none for a follow-up or a
    /// triggered event).
    pub event: (String, String, Option<Date>),
    /// How it presumes what the change undid, in words: `its guard asks that "Treaty"
    /// happened`.
    pub why: String,
}

/// What a `ReplaceLeader` hands to the stand-in, counted.
#[derive(Clone, Debug, PartialEq)]
pub struct Handover {
    /// The leader replaced: id and name.
    pub leader: (String, String),
    /// The stand-in: id and name.
    pub by: (String, String),
    /// First day of the replacement.
    pub from: Date,
    /// The offices handed over, with the days held: `leader 1953-09-14 to 1964-10-14`.
    pub offices: Vec<String>,
    /// The events in which the stand-in now stands in the leader's place (as actor, in a
    /// modifier, an office change or an `InOffice` guard).
    pub events: usize,
    /// The leader-level modifiers that now name the stand-in.
    pub modifiers: usize,
}

/// One change of a what-if and whether contemporaries considered it: the report card's
/// plausibility line.
#[derive(Clone, Debug, PartialEq)]
pub struct Plausibility {
    /// The change in short, as written in the file: `Remove("zhenbao_ambush")`.
    pub change: String,
    /// The source saying it was considered, with its chance in [0, 1] when it gives one;
    /// `None` for a "miracle" counterfactual.
    pub considered: Option<(String, Option<f64>)>,
}

impl Plausibility {
    /// The joint probability of the changes, the product of their chances (as if they
    /// were independent), when every change has a chance; `None` when one has none.
    pub fn joint(all: &[Plausibility]) -> Option<f64> {
        all.iter()
            .map(|p| p.considered.as_ref().and_then(|(_, chance)| *chance))
            .product()
    }
}

/// What a `Remove` does beyond the event it names, for the reader to see before the
/// runs: what goes with the event, and what it leaves running.
#[derive(Clone, Debug, PartialEq)]
pub struct Removal {
    /// The event removed: its id, title and nominal date (none for an event with no
    /// date of its own).
    pub event: (String, String, Option<Date>),
    /// The follow-ups that go with it (they could happen only through it), id and title.
    pub follow_ups: Vec<(String, String)>,
    /// Events that stay but whose guard asks that a removed event happened, so they can
    /// no longer fire on that ground: id and title.
    pub guarded: Vec<(String, String)>,
    /// Modifiers that ended when a removed event happened (`UntilEvent`), which now count
    /// to the end of the run: the id of the event that leaves each, and its label.
    pub kept: Vec<(String, String)>,
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

    /// Refuses a base that does not exist, with its place in this file and how `base`
    /// paths are read.
    pub fn check_base(&self) -> Result<(), ScenarioError> {
        let base = self.base_path();
        if base.exists() {
            return Ok(());
        }
        let dir = match self.path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.display().to_string(),
            _ => "the current folder".to_string(),
        };
        let elsewhere = if Path::new(&self.file.base).is_relative()
            && Path::new(&self.file.base).exists()
        {
            format!(
                "; \"{}\" exists from the current folder, but `base` starts from the counterfactual's folder",
                self.file.base
            )
        } else {
            String::new()
        };
        let outline = Outline::new(&self.text);
        let location = outline.location(outline.offset(&At::root().field("base")));
        Err(ScenarioError::invalid(
            &self.path,
            vec![Problem {
                subject: Subject::Counterfactual {
                    named_after_file: false,
                },
                message: if self.file.base.is_empty() {
                    "`base` is empty: it must name the scenario this counterfactual changes"
                        .to_string()
                } else {
                    format!("its base scenario {} does not exist", base.display())
                },
                hint: Some(format!(
                    "`base` is a path relative to the counterfactual's own folder ({dir}){elsewhere}"
                )),
                location: Some(location),
                file: None,
            }],
        ))
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
        let outline = Outline::new(&self.text);
        let mut changer = Changer {
            text: &self.text,
            outline: &outline,
            change: (0, 0),
            index: 0,
            cursor: 0,
            problems: Found::default(),
            located: Vec::new(),
            removed: BTreeSet::new(),
            removals: Vec::new(),
            handovers: Vec::new(),
        };
        let name = self.name(&mut changer);
        if self.file.changes.len() > limits::MAX_CHANGES {
            changer.problems.push(
                Subject::Counterfactual {
                    named_after_file: false,
                },
                Some(outline.offset(&At::root().field("changes"))),
                format!(
                    "{} changes; a counterfactual lists at most {}",
                    self.file.changes.len(),
                    limits::MAX_CHANGES
                ),
                Some("split it into several counterfactuals".to_string()),
            );
            return Err(changer.invalid(&self.path));
        }
        let mut file = base.clone();
        remember_dates(&mut file);
        let mut first = base.span.1;
        let changes = At::root().field("changes");
        let starts: Vec<usize> = (0..self.file.changes.len())
            .map(|k| outline.offset(&changes.index(k)))
            .collect();
        for (k, change) in self.file.changes.iter().enumerate() {
            let end = starts.get(k + 1).copied().unwrap_or(self.text.len());
            changer.change = (starts[k], end.max(starts[k]));
            changer.index = k;
            changer.cursor = starts[k];
            if let Some(d) = changer.apply(change, &mut file) {
                first = first.min(d);
            }
        }
        // Read before the guards on removed events are made false below.
        let contradictions = contradictions(base, &file, &self.file.changes);
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
        let plausibility = self.plausibility(&mut changer);
        if !changer.problems.is_empty() {
            return Err(changer.invalid(&self.path));
        }
        let first = first.max(base.span.0);
        // The changed base has no text of its own: its problems are placed at the change
        // that names their subject, in the counterfactual file.
        let scenario = validate::validate(file.clone(), "", &self.path).map_err(|e| {
            ScenarioError::Changed {
                path: self.path.clone(),
                base: base_path.to_path_buf(),
                source: Box::new(relocate(e, &changer)),
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
            removals: changer.removals,
            plausibility,
            contradictions,
            handovers: changer.handovers,
        })
    }

    /// Each change in short with what contemporaries considered of it; an entry of
    /// `considered` naming no change, a change named twice, an empty source or a chance
    /// outside [0, 1] is a problem placed at the entry's field.
    fn plausibility(&self, changer: &mut Changer) -> Vec<Plausibility> {
        let mut all: Vec<Plausibility> = (self.file.changes.iter())
            .map(|c| Plausibility {
                change: change_label(c),
                considered: None,
            })
            .collect();
        let n = all.len();
        for (k, c) in self.file.considered.iter().enumerate() {
            let entry = At::root().field("considered").index(k);
            let mut problem = |field: &'static str, message: String, hint: String| {
                let at = changer.outline.offset(&entry.field(field));
                changer.problems.push(
                    Subject::Considered { index: k },
                    Some(at),
                    message,
                    Some(hint),
                );
            };
            let Some(p) = all.get_mut(c.change) else {
                problem(
                    "change",
                    format!(
                        "names change {}, but the counterfactual lists {n} change{}",
                        c.change,
                        if n == 1 { "" } else { "s" }
                    ),
                    match n {
                        0 => "list the changes first; `change` is a change's position in `changes`"
                            .to_string(),
                        1 => "`change` is a change's position in `changes`, from 0: here only 0"
                            .to_string(),
                        _ => format!(
                            "`change` is a change's position in `changes`, from 0: here 0 to {}",
                            n - 1
                        ),
                    },
                );
                continue;
            };
            if p.considered.is_some() {
                problem(
                    "change",
                    format!("names change {} ({}) a second time", c.change, p.change),
                    "give each change one entry; put several sources in one `source`".to_string(),
                );
                continue;
            }
            if c.source.trim().is_empty() {
                problem(
                    "source",
                    "has an empty `source`".to_string(),
                    "name who or what says the change was considered at the time; a change no source supports is left out of `considered`".to_string(),
                );
            }
            if let Some(chance) = c.chance
                && !(0.0..=1.0).contains(&chance)
            {
                problem(
                    "chance",
                    format!("has a chance of {chance}, outside [0, 1]"),
                    "a chance is a probability: 0.3 for three in ten; leave `chance` out if the source gives none".to_string(),
                );
            }
            p.considered = Some((c.source.clone(), c.chance));
        }
        all
    }

    fn name(&self, changer: &mut Changer) -> String {
        let name = self.file.name.clone().unwrap_or_else(|| {
            self.path
                .file_stem()
                .map_or_else(String::new, |s| s.to_string_lossy().into_owned())
        });
        let problem = validate::folder_name_problem(&name).or_else(|| {
            RESERVED_NAMES.contains(&name.as_str()).then(|| {
                (
                    format!("name \"{name}\" is taken: `{name}` writes its files in the folder of that name"),
                    format!("pick another name, e.g. \"{name}_what_if\"; a counterfactual cannot be called {}", RESERVED_NAMES.join(", ")),
                )
            })
        });
        if let Some((message, hint)) = problem {
            // A name taken from the file's stem has no place in the text.
            let at = self
                .file
                .name
                .is_some()
                .then(|| changer.outline.offset(&At::root().field("name")));
            let subject = Subject::Counterfactual {
                named_after_file: self.file.name.is_none(),
            };
            changer.problems.push(subject, at, message, Some(hint));
        }
        name
    }
}

/// Applies changes to a file, collecting problems located in the counterfactual text.
///
/// Places are byte offsets into the counterfactual's text, turned into lines and columns
/// only for the problems reported, so a counterfactual with tens of thousands of changes
/// is checked in time linear in its size.
struct Changer<'a> {
    text: &'a str,
    outline: &'a Outline<'a>,
    /// The byte range of the change being applied.
    change: (usize, usize),
    /// The position of the change being applied in `changes`, from 0.
    index: usize,
    /// Byte offset after the last id found in the current change.
    cursor: usize,
    problems: Found<Option<usize>>,
    /// What changes name (kind and id), with where it stands: to place the scenario's
    /// problems.
    located: Vec<((Kind, String), usize)>,
    /// Ids of the events removed so far (with their orphaned follow-ups).
    removed: BTreeSet<String>,
    /// What each `Remove` took with it and left.
    removals: Vec<Removal>,
    /// What each `ReplaceLeader` handed to the stand-in.
    handovers: Vec<Handover>,
}

impl Changer<'_> {
    /// Where the next mention of `id` in the current change stands (the change's start if
    /// it is not written there), remembered for later problems.
    fn locate(&mut self, kind: Kind, id: &str) -> Option<usize> {
        let (start, end) = self.change;
        let needle = format!("\"{id}\"");
        let within = |from: usize| {
            self.text
                .get(from..end)
                .and_then(|t| t.find(&needle))
                .map(|i| from + i)
        };
        let at = within(self.cursor).or_else(|| within(start));
        if let Some(at) = at {
            self.cursor = self.cursor.max(at + needle.len());
        }
        let at = at.unwrap_or(start);
        self.located.push(((kind, id.to_string()), at));
        Some(at)
    }

    /// The place of the last id located.
    fn last(&self) -> Option<usize> {
        self.located.last().map(|&(_, at)| at)
    }

    /// The subject of the group change being applied: its kind and its group in words.
    fn group_subject(&self, kind: &'static str, group: String) -> Subject {
        Subject::Group {
            index: self.index,
            kind,
            group,
        }
    }

    /// The subject of the change being applied: its kind, the field naming `id` (`None`
    /// for `Remove("id")`) and the id.
    fn subject(&self, kind: &'static str, field: Option<&'static str>, id: &str) -> Subject {
        Subject::Change {
            index: self.index,
            kind,
            field,
            id: id.to_string(),
        }
    }

    /// The error for the problems found, placed in the counterfactual's text.
    fn invalid(&mut self, path: &Path) -> ScenarioError {
        let Found(mut problems) = std::mem::take(&mut self.problems);
        problems.sort_by_key(|(at, _)| at.unwrap_or(usize::MAX));
        let problems = problems
            .into_iter()
            .enumerate()
            .map(|(k, (at, mut p))| {
                if k < limits::MAX_PROBLEMS {
                    p.location = at.map(|at| self.outline.location(at));
                }
                p
            })
            .collect();
        ScenarioError::invalid(path, problems)
    }

    fn unknown<'b>(
        &mut self,
        subject: &Subject,
        loc: Option<usize>,
        kind: &str,
        id: &str,
        known: impl Iterator<Item = &'b str>,
    ) {
        let hint = unknown_hint(
            id,
            known.collect(),
            || format!("the base declares no {kind}"),
            |all| format!("the base's {kind}s: {all}"),
        );
        self.problems.push(
            subject.clone(),
            loc,
            format!("unknown {kind} \"{id}\": the base scenario has no such {kind}"),
            Some(hint),
        );
    }

    /// The index of an event by id, or a located problem.
    fn event(&mut self, subject: &Subject, file: &ScenarioFile, id: &str) -> Option<usize> {
        let loc = self.locate(Kind::Event, id);
        let i = file.events.iter().position(|e| e.id == id);
        if i.is_none() && self.removed.contains(id) {
            self.problems.push(
                subject.clone(),
                loc,
                format!("event \"{id}\" is already removed by an earlier change (a Remove, or the removal of the only event that schedules it)"),
                Some("name each event once; a removed event cannot be changed".to_string()),
            );
        } else if i.is_none() {
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
    fn leader(&mut self, subject: &Subject, file: &ScenarioFile, id: &str) -> Option<usize> {
        let loc = self.locate(Kind::Leader, id);
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

    /// Where the field `name` of the current change is written (its start if it is not).
    fn field(&self, name: &str) -> Option<usize> {
        let (start, end) = self.change;
        let text = self.text.get(start..end).unwrap_or("");
        let mut from = 0;
        while let Some(i) = text[from..].find(name) {
            let at = from + i;
            let before = text[..at].chars().next_back();
            let after = text[at + name.len()..].trim_start();
            if before.is_none_or(|c| !c.is_alphanumeric() && c != '_') && after.starts_with(':') {
                return Some(start + at);
            }
            from = at + name.len();
        }
        Some(start)
    }

    /// Scales, in each of the `picked` events, every effect `scale` changes (it says
    /// whether it did), and returns the earliest day the change reaches; a group in which
    /// it changed nothing is a located problem with the given message and hint.
    fn scale_group(
        &mut self,
        subject: Subject,
        file: &mut ScenarioFile,
        picked: Vec<usize>,
        mut scale: impl FnMut(&mut EffectFile) -> bool,
        (message, hint): (&str, &str),
    ) -> Option<Date> {
        let touched: Vec<usize> = picked
            .into_iter()
            .filter(|&i| {
                // Every effect is visited, not only up to the first one scaled.
                let mut changed = false;
                for x in all_effects_mut(&mut file.events[i]) {
                    changed |= scale(x);
                }
                changed
            })
            .collect();
        if touched.is_empty() {
            let loc = Some(self.change.0);
            self.problems
                .push(subject, loc, message.to_string(), Some(hint.to_string()));
            return None;
        }
        Some(self.touched(file, &touched))
    }

    /// The earliest day a group change reaches, the events it touched placed at the change
    /// (so the changed scenario's problems with them are shown there).
    fn touched(&mut self, file: &ScenarioFile, touched: &[usize]) -> Date {
        for &i in touched {
            self.located
                .push(((Kind::Event, file.events[i].id.clone()), self.change.0));
        }
        touched
            .iter()
            .map(|&i| reach(file, &file.events[i]))
            .min()
            .unwrap_or(file.span.0)
    }

    /// The indices of a group's events: every event, narrowed to those named in `events`
    /// and to the dated events of `era`. Unknown ids and eras, an empty list and a group
    /// with no event are located problems.
    fn group(
        &mut self,
        subject: &Subject,
        file: &ScenarioFile,
        events: Option<&[String]>,
        era: Option<&str>,
    ) -> Option<Vec<usize>> {
        let mut known = true;
        let mut picked = vec![true; file.events.len()];
        if let Some(ids) = events {
            if ids.is_empty() {
                let loc = self.field("events");
                self.problems.push(
                    subject.clone(),
                    loc,
                    "`events` is an empty list: the group would hold no event".to_string(),
                    Some(
                        "name at least one event id, or leave `events` out for every event"
                            .to_string(),
                    ),
                );
                known = false;
            }
            for id in ids {
                known &= self.event(subject, file, id).is_some();
            }
            for (i, e) in file.events.iter().enumerate() {
                picked[i] &= ids.contains(&e.id);
            }
        }
        if let Some(label) = era {
            let loc = self.locate(Kind::Era, label);
            match file.timeline.eras.iter().find(|e| e.label == label) {
                Some(e) => {
                    for (i, ev) in file.events.iter().enumerate() {
                        picked[i] &= ev.date.is_some_and(|d| e.from <= d && d <= e.to);
                    }
                }
                None => {
                    self.unknown(
                        subject,
                        loc,
                        "era",
                        label,
                        file.timeline.eras.iter().map(|e| e.label.as_str()),
                    );
                    known = false;
                }
            }
        }
        if !known {
            return None;
        }
        let picked: Vec<usize> = (0..picked.len()).filter(|&i| picked[i]).collect();
        if picked.is_empty() {
            let loc = Some(self.change.0);
            self.problems.push(
                subject.clone(),
                loc,
                "the group holds no event".to_string(),
                Some("an era holds the dated events whose nominal date lies in it; follow-ups and triggered events belong to no era: name them in `events`".to_string()),
            );
            return None;
        }
        Some(picked)
    }

    /// The earliest day an event's change can reach: a dated event's date less its
    /// window; for a follow-up, the earliest reach of the events that schedule it plus
    /// their delay; the span's start for a triggered event (or a chain through one).
    fn reach(file: &ScenarioFile, e: &EventFile) -> Date {
        reach(file, e)
    }

    /// Where a `Structure` change writes: `None` for the file's own `structure` (a base
    /// of one pair that does not list its pairs), else the entry of its pair in the file's
    /// `pairs`, written out first from the derived pairs if the file lists none. A pair
    /// left out with several pairs, or one the base does not model, is a located problem.
    fn structure_pair(
        &mut self,
        pair: Option<&(String, String)>,
        file: &mut ScenarioFile,
    ) -> Option<Option<usize>> {
        let pairs = pair_states(file);
        let subject = |words: String| Subject::Group {
            index: self.index,
            kind: "Structure",
            group: words,
        };
        let i = match pair {
            None if pairs.len() > 1 => {
                let loc = Some(self.change.0);
                let (a, b) = &pairs[0];
                self.problems.push(
                    subject("no pair".to_string()),
                    loc,
                    format!(
                        "the change names no pair, but the base scenario models {} pairs",
                        pairs.len()
                    ),
                    Some(format!(
                        "add pair: (\"{a}\", \"{b}\") naming the pair whose structure it changes; the base's pairs: {}",
                        pair_keys(&pairs)
                    )),
                );
                return None;
            }
            None => 0,
            Some((a, b)) => {
                let subject = subject(format!("pair {a}/{b}"));
                let mut known = true;
                for id in [a, b] {
                    let loc = self.locate(Kind::State, id);
                    if !file.states.iter().any(|s| &s.id == id) {
                        self.unknown(
                            &subject,
                            loc,
                            "state",
                            id,
                            file.states.iter().map(|s| s.id.as_str()),
                        );
                        known = false;
                    }
                }
                if !known {
                    return None;
                }
                let loc = self.field("pair");
                if a == b {
                    self.problems.push(
                        subject,
                        loc,
                        format!("state \"{a}\" is paired with itself"),
                        Some("a pair is two different states".to_string()),
                    );
                    return None;
                }
                let found = pairs
                    .iter()
                    .position(|(x, y)| (x, y) == (a, b) || (x, y) == (b, a));
                let Some(i) = found else {
                    self.problems.push(
                        subject,
                        loc,
                        format!("the base scenario does not model the pair of \"{a}\" and \"{b}\""),
                        Some(format!("the base's pairs: {}", pair_keys(&pairs))),
                    );
                    return None;
                };
                i
            }
        };
        if file.pairs.is_empty() {
            if pairs.len() == 1 {
                return Some(None);
            }
            file.pairs = pairs
                .into_iter()
                .map(|states| PairFile {
                    states,
                    structure: None,
                    reference: None,
                })
                .collect();
        }
        Some(Some(i))
    }

    /// Applies one change; returns the earliest day it can take effect.
    fn apply(&mut self, change: &ChangeFile, file: &mut ScenarioFile) -> Option<Date> {
        match change {
            ChangeFile::Remove(id) => {
                let i = self.event(&self.subject("Remove", None, id), file, id)?;
                let from = Self::reach(file, &file.events[i]);
                let before = file.clone();
                let gone = remove(file, id);
                self.removals
                    .push(removal(&before, &before.events[i], &gone));
                self.removed.extend(gone);
                Some(from)
            }
            ChangeFile::Move { event, to } => {
                let subject = self.subject("Move", Some("event"), event);
                let i = self.event(&subject, file, event)?;
                let e = &mut file.events[i];
                let Some(old) = e.date else {
                    let loc = self.last();
                    self.problems.push(
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
                let i = self.event(&self.subject("Scale", Some("event"), event), file, event)?;
                let e = &mut file.events[i];
                for x in all_effects_mut(e) {
                    match x {
                        EffectFile::Modifier { value, .. } => *value = scaled(value, *by),
                        EffectFile::Ideology { shift, .. } => *shift = scaled(shift, *by),
                        _ => {}
                    }
                }
                Some(Self::reach(file, &file.events[i]))
            }
            ChangeFile::ScaleValues {
                by,
                events,
                era,
                level,
            } => {
                let subject = self.group_subject(
                    "ScaleValues",
                    group_words(events.as_deref(), era.as_deref(), *level),
                );
                let picked = self.group(&subject, file, events.as_deref(), era.as_deref());
                if !by.is_finite() {
                    let loc = self.field("by");
                    self.problems.push(
                        subject.clone(),
                        loc,
                        format!("the factor {by} is not a finite number"),
                        Some("write a number, e.g. by: 1.5".to_string()),
                    );
                }
                self.scale_group(
                    subject,
                    file,
                    picked?,
                    |x| match x {
                        EffectFile::Modifier {
                            level: l, value, ..
                        } if level.is_none_or(|k| k.holds(l)) => {
                            *value = scaled(value, *by);
                            true
                        }
                        EffectFile::Ideology { shift, .. } if level.is_none() => {
                            *shift = scaled(shift, *by);
                            true
                        }
                        _ => false,
                    },
                    (
                        "the group holds no modifier value or ideology shift to scale",
                        "name a group whose events leave modifiers (at that level, if one is named)",
                    ),
                )
            }
            ChangeFile::ScaleHalfLives {
                by,
                events,
                era,
                level,
            } => {
                let subject = self.group_subject(
                    "ScaleHalfLives",
                    group_words(events.as_deref(), era.as_deref(), *level),
                );
                let picked = self.group(&subject, file, events.as_deref(), era.as_deref());
                if !(by.is_finite() && *by > 0.0) {
                    let loc = self.field("by");
                    self.problems.push(
                        subject.clone(),
                        loc,
                        format!("the factor {by} would leave half-lives that are not positive and finite"),
                        Some("a half-life is multiplied, not set: by: 2.0 doubles it, by: 0.5 halves it; the factor must be above 0".to_string()),
                    );
                    return None;
                }
                self.scale_group(
                    subject,
                    file,
                    picked?,
                    |x| match x {
                        EffectFile::Modifier { level: l, fade, .. }
                            if level.is_none_or(|k| k.holds(l)) =>
                        {
                            match fade {
                                FadeFile::Days(d) => *d *= by,
                                FadeFile::Years(y) => *y *= by,
                                FadeFile::Permanent
                                | FadeFile::Until(_)
                                | FadeFile::UntilEvent(_) => return false,
                            }
                            true
                        }
                        _ => false,
                    },
                    (
                        "the group holds no modifier that fades by a half-life",
                        "only Days(..) and Years(..) fades have a half-life; Permanent and Until(..) are left as they are",
                    ),
                )
            }
            ChangeFile::Chance { event, chance } => {
                let i = self.event(&self.subject("Chance", Some("event"), event), file, event)?;
                file.events[i].chance = Some(*chance);
                Some(Self::reach(file, &file.events[i]))
            }
            ChangeFile::Replace(new) => {
                let i = self.event(&self.subject("Replace", Some("id"), &new.id), file, &new.id)?;
                let from = Self::reach(file, &file.events[i]).min(Self::reach(file, new));
                file.events[i] = new.clone();
                Some(from)
            }
            ChangeFile::Add(new) => {
                self.locate(Kind::Event, &new.id);
                file.events.push(new.clone());
                Some(Self::reach(file, new))
            }
            ChangeFile::AddLeader(new) => {
                self.locate(Kind::Leader, &new.id);
                file.leaders.push(new.clone());
                new.terms.iter().map(|t| t.from).min()
            }
            ChangeFile::EndTenure { leader, on } => {
                let subject = self.subject("EndTenure", Some("leader"), leader);
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
                    let loc = self.last();
                    self.problems.push(
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
                let subject = self.subject("ReplaceLeader", Some("leader"), leader);
                let a = self.leader(&subject, file, leader);
                let b = self.leader(&subject, file, by);
                let (a, b) = (a?, b?);
                if a == b {
                    let loc = self.last();
                    self.problems.push(
                        subject,
                        loc,
                        format!("\"{leader}\" is replaced by themselves: nothing would change"),
                        Some("name another leader of the same state as `by`".to_string()),
                    );
                    return None;
                }
                if file.leaders[a].state != file.leaders[b].state {
                    let loc = self.last();
                    self.problems.push(
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
                    let loc = self.last();
                    self.problems.push(
                        subject,
                        loc,
                        format!("\"{leader}\" holds no office on or after {from}"),
                        Some("pick a day inside one of the leader's terms".to_string()),
                    );
                    return None;
                }
                file.leaders[a].terms.retain(|t| t.from < *from);
                let offices = (handed.iter())
                    .map(|t| match t.to {
                        Some(to) => format!("{} {} to {to}", t.office, t.from),
                        None => format!("{} from {}", t.office, t.from),
                    })
                    .collect();
                file.leaders[b].terms.extend(handed);
                // A leader left with no term never held office: `by` takes their place
                // everywhere, and they leave the scenario.
                let leader_name = file.leaders[a].name.clone();
                let never = file.leaders[a].terms.is_empty();
                if never {
                    file.leaders.remove(a);
                }
                let (mut events, mut modifiers) = (0, 0);
                for e in file
                    .events
                    .iter_mut()
                    .filter(|e| never || e.date.is_some_and(|d| d >= *from))
                {
                    let (changed, swapped) = stand_in(e, leader, by);
                    events += usize::from(changed);
                    modifiers += swapped;
                }
                let who = |l: &LeaderFile| (l.id.clone(), l.name.clone());
                let named = |id: &str| {
                    (file.leaders.iter().find(|l| l.id == id))
                        .map_or_else(|| (id.to_string(), id.to_string()), who)
                };
                self.handovers.push(Handover {
                    leader: (leader.clone(), leader_name),
                    by: named(by),
                    from: *from,
                    offices,
                    events,
                    modifiers,
                });
                Some(*from)
            }
            ChangeFile::Structure {
                pair,
                base,
                affinity,
            } => {
                let target = self.structure_pair(pair.as_ref(), file)?;
                let structure = match target {
                    None => &mut file.structure,
                    Some(i) => {
                        let top = &file.structure;
                        file.pairs[i].structure.get_or_insert_with(|| top.clone())
                    }
                };
                if let Some(b) = base {
                    structure.base = *b;
                }
                if let Some(a) = affinity {
                    structure.affinity = *a;
                }
                Some(file.span.0)
            }
            ChangeFile::Accumulate { gain, drift } => {
                let (g, d) = match &file.dynamics {
                    Some(super::file::DynamicsFile::Accumulating { gain, drift }) => {
                        (*gain, drift.clone())
                    }
                    _ => (1.0, FadeFile::Permanent),
                };
                file.dynamics = Some(super::file::DynamicsFile::Accumulating {
                    gain: gain.unwrap_or(g),
                    drift: drift.clone().unwrap_or(d),
                });
                Some(file.span.0)
            }
            ChangeFile::Decay => {
                file.dynamics = Some(super::file::DynamicsFile::Decaying);
                Some(file.span.0)
            }
            ChangeFile::Coupling { rate } => {
                let most = limits::MAX_COUPLING_RATE;
                if !(rate.is_finite() && (0.0..=most).contains(rate)) {
                    let subject = self.group_subject("Coupling", "every pair".to_string());
                    let loc = self.field("rate");
                    self.problems.push(
                        subject,
                        loc,
                        format!("the coupling's rate {rate} is not a rate per year from 0 to {most}"),
                        Some("write e.g. Coupling(rate: 0.5): the coupling term closes 39% of its gap to its target in a year; 0 turns the coupling off".to_string()),
                    );
                    return None;
                }
                file.coupling = Some(super::file::CouplingFile { rate: *rate });
                Some(file.span.0)
            }
            ChangeFile::Ideology { party, axis, value } => {
                let subject = self.subject("Ideology", Some("party"), party);
                let ploc = self.locate(Kind::Party, party);
                let aloc = self.locate(Kind::Axis, axis);
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

/// The pairs of states a scenario file models, by their ids: those its `pairs` lists,
/// else every pair of its states in file order, as validation derives them.
pub fn pair_states(file: &ScenarioFile) -> Vec<(String, String)> {
    if !file.pairs.is_empty() {
        return file.pairs.iter().map(|p| p.states.clone()).collect();
    }
    let ids: Vec<&String> = file.states.iter().map(|s| &s.id).collect();
    let mut out = Vec::new();
    for (k, a) in ids.iter().enumerate() {
        for b in &ids[k + 1..] {
            out.push(((*a).clone(), (*b).clone()));
        }
    }
    out
}

/// Pairs for a hint: `a/b, a/c, b/c`, cut after the first ten.
pub fn pair_keys(pairs: &[(String, String)]) -> String {
    const SHOWN: usize = 10;
    let mut keys: Vec<String> = pairs
        .iter()
        .take(SHOWN)
        .map(|(a, b)| format!("{a}/{b}"))
        .collect();
    if pairs.len() > SHOWN {
        keys.push(format!("and {} more", pairs.len() - SHOWN));
    }
    keys.join(", ")
}

/// The earliest day `e` can happen (see [`Changer::reach`]): a shortest-path search from
/// every event with a date or an mtth of its own along follow-up delays, so each event is
/// settled once however the follow-ups branch, loop or schedule themselves.
fn reach(file: &ScenarioFile, e: &EventFile) -> Date {
    if let Some(d) = e.date {
        return Date::from_day(d.day() - e.window.unwrap_or(0) as i32);
    }
    let start = file.span.0.day();
    if e.mtth.is_some() {
        return file.span.0;
    }
    let index = first_index(file);
    let mut settled = vec![false; file.events.len()];
    let mut queue: BinaryHeap<Reverse<(i64, usize)>> = file
        .events
        .iter()
        .enumerate()
        .filter_map(|(i, s)| match (s.date, s.mtth) {
            (Some(d), _) => Some((i64::from(d.day()) - i64::from(s.window.unwrap_or(0)), i)),
            (None, Some(_)) => Some((i64::from(start), i)),
            (None, None) => None,
        })
        .map(Reverse)
        .collect();
    while let Some(Reverse((day, i))) = queue.pop() {
        if std::mem::replace(&mut settled[i], true) {
            continue;
        }
        if file.events[i].id == e.id {
            let day = day.clamp(i64::from(start), i64::from(Day::MAX));
            return Date::from_day(day as Day);
        }
        for x in all_effects(&file.events[i]) {
            if let EffectFile::FollowUp { event, after } = x
                && let Some(&j) = index.get(event.as_str())
                && !settled[j]
            {
                queue.push(Reverse((day + i64::from(*after), j)));
            }
        }
    }
    file.span.0
}

/// Every effect of an event, those of its contested readings too: a change to what the
/// event does reaches every reading of it.
fn all_effects_mut(e: &mut EventFile) -> impl Iterator<Item = &mut EffectFile> {
    (e.effects.iter_mut()).chain(
        (e.readings.iter_mut())
            .filter_map(|r| r.effects.as_mut())
            .flatten(),
    )
}

/// As [`all_effects_mut`], to read.
fn all_effects(e: &EventFile) -> impl Iterator<Item = &EffectFile> {
    (e.effects.iter()).chain(
        (e.readings.iter())
            .filter_map(|r| r.effects.as_ref())
            .flatten(),
    )
}

/// The index of each event id's first event.
fn first_index(file: &ScenarioFile) -> HashMap<&str, usize> {
    let mut index = HashMap::new();
    for (i, e) in file.events.iter().enumerate() {
        index.entry(e.id.as_str()).or_insert(i);
    }
    index
}

/// Which events can happen: those with a date or an mtth of their own, and the follow-ups
/// they schedule, in turn, leaving out the events in `gone`.
fn reachable(file: &ScenarioFile, gone: &BTreeSet<String>) -> Vec<bool> {
    let index = first_index(file);
    let mut reached = vec![false; file.events.len()];
    let mut todo: Vec<usize> = Vec::new();
    for (i, e) in file.events.iter().enumerate() {
        if (e.date.is_some() || e.mtth.is_some()) && !gone.contains(&e.id) {
            reached[i] = true;
            todo.push(i);
        }
    }
    while let Some(i) = todo.pop() {
        for x in all_effects(&file.events[i]) {
            if let EffectFile::FollowUp { event, .. } = x
                && let Some(&j) = index.get(event.as_str())
                && !reached[j]
                && !gone.contains(event)
            {
                reached[j] = true;
                todo.push(j);
            }
        }
    }
    reached
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
    remember_dates(&mut file);
    remove(&mut file, id);
    file
}

/// Notes the nominal date of every event of the file before it is changed (see
/// [`ScenarioFile::base_dates`]), unless an earlier change did.
fn remember_dates(file: &mut ScenarioFile) {
    if file.base_dates.is_empty() {
        for e in &file.events {
            file.base_dates.entry(e.id.clone()).or_insert(e.date);
        }
    }
}

/// Removes an event, the follow-ups only it schedules, and every reference to them;
/// returns the ids removed.
///
/// "Only it schedules" is read through reachability: a follow-up goes when it could happen
/// before the removal and no longer can after it (it was reached only through the removed
/// event, or only through itself and other such follow-ups). So a removal never leaves a
/// follow-up that can never happen, which validation would refuse.
fn remove(file: &mut ScenarioFile, id: &str) -> BTreeSet<String> {
    let mut gone: BTreeSet<String> = BTreeSet::from([id.to_string()]);
    let before = reachable(file, &BTreeSet::new());
    let after = reachable(file, &gone);
    for (i, e) in file.events.iter().enumerate() {
        if before[i] && !after[i] && e.date.is_none() && e.mtth.is_none() {
            gone.insert(e.id.clone());
        }
    }
    file.events.retain(|e| !gone.contains(&e.id));
    for e in &mut file.events {
        let kept = |x: &EffectFile| !matches!(x, EffectFile::FollowUp { event, .. } if gone.contains(event));
        e.effects.retain(kept);
        for r in &mut e.readings {
            if let Some(effects) = &mut r.effects {
                effects.retain(kept);
            }
        }
        if let Some(c) = &mut e.when {
            forget(c, &gone);
        }
    }
    gone
}

/// What removing `event` from `before` took with it (`gone`: the event and its
/// follow-ups) and what it left: see [`Removal`].
fn removal(before: &ScenarioFile, event: &EventFile, gone: &BTreeSet<String>) -> Removal {
    let named = |e: &EventFile| (e.id.clone(), e.title.clone());
    let stay = || before.events.iter().filter(|e| !gone.contains(&e.id));
    Removal {
        event: (event.id.clone(), event.title.clone(), event.date),
        follow_ups: (before.events.iter())
            .filter(|e| e.id != event.id && gone.contains(&e.id))
            .map(named)
            .collect(),
        guarded: stay()
            .filter(|e| e.when.as_ref().is_some_and(|c| asks(c, gone)))
            .map(named)
            .collect(),
        kept: stay()
            .flat_map(|e| {
                e.effects.iter().filter_map(move |x| match x {
                    EffectFile::Modifier {
                        fade: FadeFile::UntilEvent(cause),
                        label,
                        ..
                    } if gone.contains(cause) => Some((
                        e.id.clone(),
                        label.clone().unwrap_or_else(|| e.title.clone()),
                    )),
                    _ => None,
                })
            })
            .collect(),
    }
}

/// Whether a guard asks that one of the events in `gone` happened.
fn asks(c: &ConditionFile, gone: &BTreeSet<String>) -> bool {
    match c {
        ConditionFile::Happened(x) => gone.contains(x),
        ConditionFile::All(cs) | ConditionFile::Any(cs) => cs.iter().any(|c| asks(c, gone)),
        ConditionFile::Not(c) | ConditionFile::On(_, c) => asks(c, gone),
        _ => false,
    }
}

/// Turns `Happened(x)` for a removed `x` into a guard that never holds.
fn forget(c: &mut ConditionFile, gone: &BTreeSet<String>) {
    match c {
        ConditionFile::Happened(x) if gone.contains(x) => *c = never(),
        ConditionFile::All(cs) | ConditionFile::Any(cs) => {
            cs.iter_mut().for_each(|c| forget(c, gone));
        }
        ConditionFile::Not(c) | ConditionFile::On(_, c) => forget(c, gone),
        _ => {}
    }
}

/// Puts `by` where `leader` stands in an event: actors, leader pairs, offices, guards.
/// Puts `by` in `leader`'s place in an event; says whether anything changed, and how many
/// leader-level modifiers now name `by`.
fn stand_in(e: &mut EventFile, leader: &str, by: &str) -> (bool, usize) {
    let before = serde_json::to_string(&*e).ok();
    let swapped = (e.effects.iter())
        .filter(|x| {
            matches!(x, EffectFile::Modifier { level: LevelFile::Leader(p, q), .. }
                if p == leader || q == leader)
        })
        .count();
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
    for x in all_effects_mut(e) {
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
            ConditionFile::Not(c) | ConditionFile::On(_, c) => guard(c, swap),
            _ => {}
        }
    }
    if let Some(c) = &mut e.when {
        guard(c, &swap);
    }
    (serde_json::to_string(&*e).ok() != before, swapped)
}

/// The events still in the run (`after`) that presume what a change undid in `before`:
/// - after a `Remove`, an event that stays although its guard asks that the removed event
///   happened, a modifier that ended with it (`UntilEvent`), a follow-up of it kept because
///   something else schedules it too, and a later event that names the same thing: its id
///   is the removed one's with a part added (`treaty` and `treaty_renewed`), or its title
///   holds the removed one's whole title ("Treaty" in "Treaty renewed");
/// - after a `ReplaceLeader`, an event that can come on or after the day and still names
///   the leader replaced: as an actor, in a leader-level modifier, or by surname in its
///   title (the stand-in acting under the leader's name).
fn contradictions(
    before: &ScenarioFile,
    after: &ScenarioFile,
    changes: &[ChangeFile],
) -> Vec<Contradiction> {
    let mut found = Vec::new();
    let here: BTreeSet<&str> = after.events.iter().map(|e| e.id.as_str()).collect();
    let stays = |id: &str| here.contains(id);
    let was = |id: &str| before.events.iter().find(|e| e.id == id);
    for change in changes {
        let label = change_label(change);
        let mut say = |e: &EventFile, why: String| {
            found.push(Contradiction {
                change: label.clone(),
                event: (e.id.clone(), e.title.clone(), e.date),
                why,
            });
        };
        match change {
            ChangeFile::Remove(id) => {
                let Some(gone) = was(id) else { continue };
                let one = BTreeSet::from([id.clone()]);
                for e in after.events.iter().filter(|e| &e.id != id) {
                    if e.when.as_ref().is_some_and(|c| asks(c, &one)) {
                        say(
                            e,
                            format!("its guard asks that \"{}\" happened", gone.title),
                        );
                    }
                    if e.effects.iter().any(|x| {
                        matches!(x, EffectFile::Modifier { fade: FadeFile::UntilEvent(c), .. } if c == id)
                    }) {
                        say(e, format!("a modifier of it ended with \"{}\"", gone.title));
                    }
                    let follows = gone
                        .effects
                        .iter()
                        .any(|x| matches!(x, EffectFile::FollowUp { event, .. } if *event == e.id));
                    if follows && stays(&e.id) {
                        say(
                            e,
                            format!(
                                "it followed \"{}\" and stays, scheduled by another event",
                                gone.title
                            ),
                        );
                    }
                    let later = match (e.date, gone.date) {
                        (Some(d), Some(g)) => d > g,
                        _ => true,
                    };
                    let same_id =
                        e.id.starts_with(&format!("{id}_")) || e.id.ends_with(&format!("_{id}"));
                    let title = gone.title.to_lowercase();
                    let same_title =
                        title.chars().count() >= 5 && e.title.to_lowercase().contains(&title);
                    if later && (same_id || same_title) {
                        say(e, format!("it names the same thing as \"{}\"", gone.title));
                    }
                }
            }
            ChangeFile::ReplaceLeader { leader, from, .. } => {
                let Some(l) = before.leaders.iter().find(|l| &l.id == leader) else {
                    continue;
                };
                let mut names: Vec<&str> = l.name.split_whitespace().last().into_iter().collect();
                if let Some(short) = &l.short
                    && short.chars().count() >= 4
                    && short.chars().all(char::is_alphabetic)
                    && !names.contains(&short.as_str())
                {
                    names.push(short);
                }
                for e in (after.events.iter()).filter(|e| e.date.is_none_or(|d| d >= *from)) {
                    let whose = if e.date.is_none() {
                        " (it has no date of its own, so it kept its references)"
                    } else {
                        ""
                    };
                    if e.actors.iter().any(|a| a == leader) {
                        say(e, format!("it still names {} as an actor{whose}", l.name));
                    } else if e.effects.iter().any(|x| {
                        matches!(x, EffectFile::Modifier { level: LevelFile::Leader(p, q), .. } if p == leader || q == leader)
                    }) {
                        say(e, format!("a leader-level modifier of it still names {}{whose}", l.name));
                    }
                    let words: Vec<&str> = e.title.split(|c: char| !c.is_alphanumeric()).collect();
                    if let Some(name) = names.iter().find(|n| words.contains(n)) {
                        say(
                            e,
                            format!("its title names {name}, whose place the stand-in has taken"),
                        );
                    }
                }
            }
            _ => {}
        }
    }
    found
}

/// Places the scenario's unlocated problems at the change that names their subject.
fn relocate(e: ScenarioError, changer: &Changer) -> ScenarioError {
    let ScenarioError::Invalid {
        path,
        problems,
        more,
    } = e
    else {
        return e;
    };
    let mut first: HashMap<(Kind, &str), usize> = HashMap::new();
    for ((kind, id), at) in &changer.located {
        first.entry((*kind, id.as_str())).or_insert(*at);
    }
    let problems = problems
        .into_iter()
        .map(|mut p| {
            if let Some(&at) = p.subject.named().and_then(|named| first.get(&named)) {
                p.location = Some(changer.outline.location(at));
            }
            p
        })
        .collect();
    match ScenarioError::invalid(&path, problems) {
        ScenarioError::Invalid {
            path,
            problems,
            more: cut,
        } => ScenarioError::Invalid {
            path,
            problems,
            more: more + cut,
        },
        other => other,
    }
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

    /// The small fixture, as its file says.
    fn small() -> ScenarioFile {
        let text = include_str!("../../tests/fixtures/small.ron");
        super::super::source::parse(text, Path::new("small.ron")).expect("the fixture parses")
    }

    /// The counterfactual with these changes, applied to the small fixture.
    fn apply(changes: &str) -> Result<Counterfactual, ScenarioError> {
        let text = format!(
            "Counterfactual(\n    base: \"small.ron\",\n    title: \"t\",\n    question: \"q\",\n    changes: [\n{changes}\n    ],\n)\n"
        );
        let source = Source::parse(text, Path::new("what_if.ron")).expect("it parses");
        source.apply(&small(), Path::new("small.ron"))
    }

    /// Each problem as the user reads its first line, with its line and column.
    fn read(e: &ScenarioError) -> Vec<(String, Option<(usize, usize)>)> {
        e.problems()
            .iter()
            .map(|p| {
                (
                    format!("{}: {}", p.subject, p.message),
                    p.location.as_ref().map(|l| (l.line, l.col)),
                )
            })
            .collect()
    }

    #[test]
    fn a_change_naming_what_the_base_lacks_is_located_with_the_likely_typo() {
        let e = apply("        Remove(\"treaty\"),\n        Remove(\"incidnet\"),")
            .expect_err("an unknown event");
        assert_eq!(
            read(&e),
            [(
                "Remove(\"incidnet\"): unknown event \"incidnet\": the base scenario has no such event"
                    .to_string(),
                Some((7, 16))
            )]
        );
        let p = &e.problems()[0];
        assert_eq!(p.hint.as_deref(), Some("did you mean \"incident\"?"));
        assert_eq!(
            p.subject,
            Subject::Change {
                index: 1,
                kind: "Remove",
                field: None,
                id: "incidnet".to_string()
            }
        );
    }

    #[test]
    fn a_change_that_cannot_apply_says_why() {
        let e = apply("        Move(event: \"apology\", to: \"1958-01-01\"),")
            .expect_err("an undated event");
        assert_eq!(
            read(&e),
            [(
                "Move(event: \"apology\"): event \"apology\" has no date of its own, so it cannot be moved"
                    .to_string(),
                Some((6, 21))
            )]
        );
        let e = apply("        EndTenure(leader: \"ann\", on: \"1957-01-01\"),")
            .expect_err("not in office");
        assert_eq!(
            read(&e)[0].0,
            "EndTenure(leader: \"ann\"): \"ann\" is not in office on 1957-01-01 or after"
        );
    }

    #[test]
    fn a_change_that_breaks_the_base_is_placed_at_the_change_naming_it() {
        let e = apply("        Chance(event: \"treaty\", chance: 2.0),").expect_err("chance 2");
        assert!(matches!(e, ScenarioError::Changed { .. }), "{e}");
        assert_eq!(
            read(&e),
            [(
                "event \"treaty\" (1951-03-01): chance is 2; a probability lies in [0, 1]"
                    .to_string(),
                Some((6, 23))
            )]
        );
    }

    #[test]
    fn problems_are_placed_by_the_kind_of_what_they_concern_not_only_its_id() {
        // A leader and an event may share an id: the event's problem goes to the change
        // naming the event, not to the leader added first.
        let e = apply(concat!(
            "        AddLeader((id: \"treaty\", name: \"T\", state: \"north\",\n",
            "                   terms: [(office: \"envoy\", from: \"1950-01-01\")])),\n",
            "        Chance(event: \"treaty\", chance: 2.0),",
        ))
        .expect_err("chance 2");
        assert_eq!(
            read(&e),
            [(
                "event \"treaty\" (1951-03-01): chance is 2; a probability lies in [0, 1]"
                    .to_string(),
                Some((8, 23))
            )]
        );
    }

    /// The counterfactual with these changes, applied to the three-state example as
    /// `base` has it.
    fn apply_three(base: &str, changes: &str) -> Result<Counterfactual, ScenarioError> {
        let file = super::super::source::parse(base, Path::new("three_states.ron"))
            .expect("the example parses");
        let text = format!(
            "Counterfactual(\n    base: \"three_states.ron\",\n    title: \"t\",\n    question: \"q\",\n    changes: [\n{changes}\n    ],\n)\n"
        );
        let source = Source::parse(text, Path::new("what_if.ron")).expect("it parses");
        source.apply(&file, Path::new("three_states.ron"))
    }

    const THREE: &str = include_str!("../../tests/fixtures/three_states.ron");

    #[test]
    fn a_structure_change_of_one_pair_writes_the_pairs_out() {
        let c = apply_three(
            THREE,
            "        Structure(pair: (\"us\", \"china\"), base: 2.0),",
        )
        .expect("valid");
        let states: Vec<(&str, &str)> = c
            .file
            .pairs
            .iter()
            .map(|p| (p.states.0.as_str(), p.states.1.as_str()))
            .collect();
        assert_eq!(
            states,
            [
                ("china", "soviet_union"),
                ("china", "us"),
                ("soviet_union", "us")
            ]
        );
        let structures: Vec<(f64, f64)> = c
            .scenario
            .pairs
            .iter()
            .map(|p| (p.structure.base, p.structure.affinity))
            .collect();
        assert_eq!(structures, [(0.0, 1.0), (2.0, 1.0), (0.0, 1.0)]);
        // A base of one pair keeps its one `structure`.
        let c = apply("        Structure(affinity: 2.5),").expect("valid");
        assert!(c.file.pairs.is_empty());
        assert_eq!(c.file.structure.affinity, 2.5);
        assert_eq!(c.scenario.pairs[0].structure.affinity, 2.5);
    }

    #[test]
    fn a_structure_change_names_its_pair_when_the_base_has_several() {
        let e = apply_three(THREE, "        Structure(base: 2.0),").expect_err("no pair");
        assert_eq!(
            read(&e),
            [(
                "Structure(no pair): the change names no pair, but the base scenario models 3 pairs"
                    .to_string(),
                Some((6, 9))
            )]
        );
        assert_eq!(
            e.problems()[0].hint.as_deref(),
            Some(
                "add pair: (\"china\", \"soviet_union\") naming the pair whose structure it changes; the base's pairs: china/soviet_union, china/us, soviet_union/us"
            )
        );
        let e = apply_three(
            THREE,
            "        Structure(pair: (\"us\", \"chna\"), base: 2.0),",
        )
        .expect_err("a typo");
        assert_eq!(
            read(&e),
            [(
                "Structure(pair us/chna): unknown state \"chna\": the base scenario has no such state"
                    .to_string(),
                Some((6, 32))
            )]
        );
        assert_eq!(
            e.problems()[0].hint.as_deref(),
            Some("did you mean \"china\"?")
        );
        let e = apply_three(
            THREE,
            "        Structure(pair: (\"us\", \"us\"), base: 2.0),",
        )
        .expect_err("a state with itself");
        assert_eq!(
            read(&e),
            [(
                "Structure(pair us/us): state \"us\" is paired with itself".to_string(),
                Some((6, 19))
            )]
        );
        let two = THREE.replacen(
            "    parties: [",
            "    pairs: [(states: (\"china\", \"soviet_union\")), (states: (\"china\", \"us\"))],\n    parties: [",
            1,
        );
        let two = two
            .replacen(
                "States(\"soviet_union\", \"us\")",
                "States(\"china\", \"us\")",
                1,
            )
            .replacen(
                "pair: (\"soviet_union\", \"us\")",
                "pair: (\"china\", \"us\")",
                1,
            );
        let e = apply_three(
            &two,
            "        Structure(pair: (\"us\", \"soviet_union\"), base: 2.0),",
        )
        .expect_err("a pair not modelled");
        assert_eq!(
            read(&e),
            [(
                "Structure(pair us/soviet_union): the base scenario does not model the pair of \"us\" and \"soviet_union\""
                    .to_string(),
                Some((6, 19))
            )]
        );
    }

    #[test]
    fn scaling_keeps_a_uniform_in_order() {
        use super::super::file::Distribution::Uniform;
        let v = scaled(&ValueFile::Drawn(Uniform(-4.0, -2.0)), -0.5);
        assert!(matches!(v, ValueFile::Drawn(Uniform(a, b)) if a == 1.0 && b == 2.0));
    }
}
