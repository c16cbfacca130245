//! Calibration: the parameter values that bring the ensemble mean closest to a measured
//! series on a training period.
//!
//! A params file (RON) declares what may move and within which bounds. A candidate is
//! written as a counterfactual of the scenario (`Structure` for the structural part,
//! `Scale` for multipliers on events' values), applied and validated like any
//! counterfactual, and run on the same seeds every time (common random numbers), so the
//! objective is a deterministic function of the parameters. The search (see [`super::search`])
//! is argmin's Nelder-Mead on the unit cube of the bounds, from the scenario's own values
//! and other starts, in parallel, and stops after the budget of evaluations.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::date::{Date, Day};
use crate::experiment::{self, Seeds};
use crate::research::Reference;
use crate::research::fit;
use crate::scenario::counterfactual::{
    Counterfactual, LevelKind, Source, group_words, pair_keys, pair_states,
};
use crate::scenario::error::did_you_mean;
use crate::scenario::file::{DynamicsFile, FadeFile, ScenarioFile};
use crate::scenario::locate::{At, Outline};
use crate::scenario::{Scenario, ScenarioError};

/// What a params file says.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, rename = "Params")]
pub struct ParamsFile {
    /// The parameters that may move, in order.
    pub params: Vec<Param>,
}

/// One parameter and its bounds, `from < to`.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub enum Param {
    /// The structural part's base, of one pair.
    Base {
        /// The pair of states (ids); may be left out when the scenario models one pair.
        #[serde(default)]
        pair: Option<(String, String)>,
        /// Lower bound.
        from: f64,
        /// Upper bound.
        to: f64,
    },
    /// The structural part's affinity, of one pair.
    Affinity {
        /// The pair of states (ids); may be left out when the scenario models one pair.
        #[serde(default)]
        pair: Option<(String, String)>,
        /// Lower bound.
        from: f64,
        /// Upper bound.
        to: f64,
    },
    /// A multiplier on the values (and ideology shifts) of every event.
    Values {
        /// Lower bound.
        from: f64,
        /// Upper bound.
        to: f64,
    },
    /// A multiplier on the values (and ideology shifts) of one event.
    EventValue {
        /// The event's id.
        event: String,
        /// Lower bound.
        from: f64,
        /// Upper bound.
        to: f64,
    },
    /// A multiplier on the half-life of every fading modifier.
    HalfLives {
        /// Lower bound, above 0.
        from: f64,
        /// Upper bound.
        to: f64,
    },
    /// A multiplier on the half-lives of one event's fading modifiers.
    EventHalfLife {
        /// The event's id.
        event: String,
        /// Lower bound, above 0.
        from: f64,
        /// Upper bound.
        to: f64,
    },
    /// The gain of accumulating dynamics (a scenario that decays is switched to them).
    Gain {
        /// Lower bound, above 0.
        from: f64,
        /// Upper bound, at most 10.
        to: f64,
    },
    /// The drift half-life of accumulating dynamics, in years (a scenario that decays is
    /// switched to them).
    Drift {
        /// Lower bound, above 0.
        from: f64,
        /// Upper bound.
        to: f64,
    },
    /// The rate per year of the coupling between the pairs (see the model's
    /// documentation); a scenario without coupling starts from the lower bound.
    Coupling {
        /// Lower bound, at least 0.
        from: f64,
        /// Upper bound, at most 12.
        to: f64,
    },
    /// A multiplier on the values of a group's modifiers (see `ScaleValues`).
    GroupValues {
        /// The group's name in reports; by default its description.
        #[serde(default)]
        name: Option<String>,
        /// Only these events.
        #[serde(default)]
        events: Option<Vec<String>>,
        /// Only the dated events of this era.
        #[serde(default)]
        era: Option<String>,
        /// Only the modifiers at this level.
        #[serde(default)]
        level: Option<LevelKind>,
        /// Lower bound.
        from: f64,
        /// Upper bound.
        to: f64,
    },
    /// A multiplier on the half-lives of a group's fading modifiers (see `ScaleHalfLives`).
    GroupHalfLives {
        /// The group's name in reports; by default its description.
        #[serde(default)]
        name: Option<String>,
        /// Only these events.
        #[serde(default)]
        events: Option<Vec<String>>,
        /// Only the dated events of this era.
        #[serde(default)]
        era: Option<String>,
        /// Only the modifiers at this level.
        #[serde(default)]
        level: Option<LevelKind>,
        /// Lower bound, above 0.
        from: f64,
        /// Upper bound.
        to: f64,
    },
}

/// A group as a params file names it.
struct Group<'a> {
    name: Option<&'a str>,
    events: Option<&'a [String]>,
    era: Option<&'a str>,
    level: Option<LevelKind>,
}

impl Group<'_> {
    fn words(&self) -> String {
        self.name.map_or_else(
            || group_words(self.events, self.era, self.level),
            str::to_string,
        )
    }

    /// The change that scales the group by `by`: `ScaleValues` or `ScaleHalfLives`.
    fn change(&self, kind: &str, by: f64) -> String {
        let mut fields = Vec::new();
        if let Some(ids) = self.events {
            let ids: Vec<String> = ids.iter().map(|id| format!("{id:?}")).collect();
            fields.push(format!("events: [{}]", ids.join(", ")));
        }
        if let Some(era) = self.era {
            fields.push(format!("era: {era:?}"));
        }
        if let Some(level) = self.level {
            fields.push(format!("level: {level:?}"));
        }
        fields.push(format!("by: {by:?}"));
        format!("{kind}({})", fields.join(", "))
    }
}

impl Param {
    /// Its bounds, `(from, to)`.
    pub fn bounds(&self) -> (f64, f64) {
        match self {
            Param::Base { from, to, .. }
            | Param::Affinity { from, to, .. }
            | Param::Values { from, to }
            | Param::EventValue { from, to, .. }
            | Param::HalfLives { from, to }
            | Param::EventHalfLife { from, to, .. }
            | Param::GroupValues { from, to, .. }
            | Param::GroupHalfLives { from, to, .. }
            | Param::Gain { from, to }
            | Param::Drift { from, to }
            | Param::Coupling { from, to } => (*from, *to),
        }
    }

    fn group(&self) -> Option<Group<'_>> {
        match self {
            Param::GroupValues {
                name,
                events,
                era,
                level,
                ..
            }
            | Param::GroupHalfLives {
                name,
                events,
                era,
                level,
                ..
            } => Some(Group {
                name: name.as_deref(),
                events: events.as_deref(),
                era: era.as_deref(),
                level: *level,
            }),
            _ => None,
        }
    }

    /// The parameter's name in reports, e.g. `base` or `value of clash (x)`.
    pub fn name(&self) -> String {
        let group = || self.group().map(|g| g.words()).unwrap_or_default();
        match self {
            Param::Base { pair, .. } => with_pair("base", pair.as_ref()),
            Param::Affinity { pair, .. } => with_pair("affinity", pair.as_ref()),
            Param::Values { .. } => "values of all events (x)".into(),
            Param::EventValue { event, .. } => format!("value of {event} (x)"),
            Param::HalfLives { .. } => "half-lives of all events (x)".into(),
            Param::EventHalfLife { event, .. } => format!("half-life of {event} (x)"),
            Param::GroupValues { .. } => format!("values of {} (x)", group()),
            Param::GroupHalfLives { .. } => format!("half-lives of {} (x)", group()),
            Param::Gain { .. } => "gain".into(),
            Param::Drift { .. } => "drift half-life (years)".into(),
            Param::Coupling { .. } => "coupling rate (a year)".into(),
        }
    }

    /// The pair of a structural parameter, as checked by [`Params::load`]: `None` in a
    /// scenario of one pair.
    fn pair(&self) -> Option<&(String, String)> {
        match self {
            Param::Base { pair, .. } | Param::Affinity { pair, .. } => pair.as_ref(),
            _ => None,
        }
    }

    /// Its value in the scenario as written (1 for a multiplier): a structural
    /// parameter's is its pair's structure.
    pub fn start(&self, file: &ScenarioFile) -> f64 {
        let structure = || {
            let entry = match self.pair() {
                Some((a, b)) => file.pairs.iter().find(|p| {
                    p.states == (a.clone(), b.clone()) || p.states == (b.clone(), a.clone())
                }),
                None => file.pairs.first(),
            };
            entry
                .and_then(|p| p.structure.as_ref())
                .unwrap_or(&file.structure)
        };
        let accumulating = match &file.dynamics {
            Some(DynamicsFile::Accumulating { gain, drift }) => Some((*gain, drift)),
            _ => None,
        };
        match self {
            Param::Base { .. } => structure().base,
            Param::Affinity { .. } => structure().affinity,
            // A scenario that decays, or drifts not at all, starts from the gain of 1 and
            // the slowest drift the bounds allow.
            Param::Gain { .. } => accumulating.map_or(1.0, |(g, _)| g),
            Param::Drift { to, .. } => match accumulating {
                Some((_, FadeFile::Years(y))) => *y,
                Some((_, FadeFile::Days(d))) => d / crate::scenario::DAYS_PER_YEAR,
                _ => *to,
            },
            Param::Coupling { from, to } => {
                let rate = file.coupling.as_ref().map_or(0.0, |c| c.rate);
                rate.max(*from).min(*to)
            }
            _ => 1.0,
        }
    }

    /// The change that sets the parameter to `v`, except the structural part's (which
    /// share one `Structure` change).
    fn change(&self, v: f64) -> Option<String> {
        let one = |id: &String| vec![id.clone()];
        Some(match self {
            Param::Base { .. } | Param::Affinity { .. } => return None,
            Param::Values { .. } => format!("ScaleValues(by: {v:?})"),
            Param::EventValue { event, .. } => format!("Scale(event: {event:?}, by: {v:?})"),
            Param::HalfLives { .. } => format!("ScaleHalfLives(by: {v:?})"),
            Param::EventHalfLife { event, .. } => Group {
                name: None,
                events: Some(&one(event)),
                era: None,
                level: None,
            }
            .change("ScaleHalfLives", v),
            Param::GroupValues { .. } => self.group()?.change("ScaleValues", v),
            Param::GroupHalfLives { .. } => self.group()?.change("ScaleHalfLives", v),
            Param::Gain { .. } => format!("Accumulate(gain: {v:?})"),
            Param::Drift { .. } => format!("Accumulate(drift: Years({v:?}))"),
            Param::Coupling { .. } => format!("Coupling(rate: {v:?})"),
        })
    }

    /// The event ids and the era the parameter names, with the ids' places under the
    /// parameter: `event`, or `events` and a position in it.
    fn names(&self, at: &At) -> (Vec<(&str, At)>, Option<&str>) {
        match self {
            Param::EventValue { event, .. } | Param::EventHalfLife { event, .. } => {
                (vec![(event.as_str(), at.field("event"))], None)
            }
            Param::GroupValues { events, era, .. } | Param::GroupHalfLives { events, era, .. } => (
                events
                    .iter()
                    .flatten()
                    .enumerate()
                    .map(|(j, id)| (id.as_str(), at.field("events").index(j)))
                    .collect(),
                era.as_deref(),
            ),
            _ => (Vec::new(), None),
        }
    }
}

/// Most parameters a params file declares: the search keeps a simplex of (k + 1) points of
/// k numbers, and sensitivity's design (k + 1) points per path, so memory grows with the
/// square of k.
pub const MAX_PARAMS: usize = 1000;

/// Longest `name` of a group, in characters: it heads a column of the reports.
pub const MAX_NAME_CHARS: usize = 200;

/// Checked parameters.
#[derive(Clone, Debug)]
pub struct Params {
    /// The parameters, in file order.
    pub params: Vec<Param>,
    /// Changes every candidate makes before the parameters' own, as a counterfactual
    /// writes them: the form that `--dynamics` chose over the file's.
    pub fixed: Vec<String>,
}

impl Params {
    /// Reads a params file and checks it against the scenario: every event and era known,
    /// every group holding something, every bound finite with `from < to`, and the
    /// scenario valid with each parameter at its own value and at either bound. Problems
    /// are located in the params file.
    pub fn load(path: &Path, file: &ScenarioFile) -> Result<Params, ScenarioError> {
        let text = crate::scenario::load::read(path)?;
        Params::from_text(&text, path, file)
    }

    /// As [`Params::load`], on a params file's text already read; `path` names it in
    /// messages.
    pub fn from_text(
        text: &str,
        path: &Path,
        file: &ScenarioFile,
    ) -> Result<Params, ScenarioError> {
        let parsed: ParamsFile = crate::scenario::source::parse(text, path)?;
        let outline = Outline::new(text);
        let problem = |at: &At, message: String, hint: String| {
            ScenarioError::invalid(
                path,
                vec![crate::scenario::error::Problem {
                    subject: crate::scenario::error::Subject::Params,
                    message,
                    hint: Some(hint),
                    location: Some(outline.locate(at)),
                    file: None,
                }],
            )
        };
        if parsed.params.is_empty() {
            return Err(problem(
                &At::root().field("params"),
                "no parameter may move: the list is empty".into(),
                "declare at least one, e.g. Base(from: -3.0, to: 0.0)".into(),
            ));
        }
        if parsed.params.len() > MAX_PARAMS {
            return Err(problem(
                &At::root().field("params"),
                format!(
                    "{} parameters; a params file declares at most {MAX_PARAMS}",
                    parsed.params.len()
                ),
                "move fewer parameters at once, or group events (GroupValues, GroupHalfLives)"
                    .into(),
            ));
        }
        let mut params = Params {
            params: parsed.params,
            fixed: Vec::new(),
        };
        let pairs = pair_states(file);
        for (k, p) in params.params.iter_mut().enumerate() {
            let at = At::root().field("params").index(k);
            let what = if matches!(p, Param::Base { .. }) {
                "base"
            } else {
                "affinity"
            };
            let (Param::Base { pair, .. } | Param::Affinity { pair, .. }) = p else {
                continue;
            };
            match check_pair(pair.as_ref(), &pairs, file, what, &at) {
                Ok(checked) => *pair = checked,
                Err((place, message, hint)) => return Err(problem(&place, message, hint)),
            }
        }
        let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        for (k, p) in params.params.iter().enumerate() {
            let at = At::root().field("params").index(k);
            if let Some(Group {
                name: Some(name), ..
            }) = p.group()
            {
                if name.chars().count() > MAX_NAME_CHARS {
                    return Err(problem(
                        &at.field("name"),
                        format!(
                            "the group's name has {} characters; it may have at most {MAX_NAME_CHARS}",
                            name.chars().count()
                        ),
                        "give a short name: it heads a column of the reports".into(),
                    ));
                }
                if let Some(c) = name.chars().find(|&c| crate::output::acts_on_a_terminal(c)) {
                    return Err(problem(
                        &at.field("name"),
                        format!(
                            "the group's name holds the character {:?}, which would act on the terminal instead of being seen",
                            c
                        ),
                        "write the name in plain characters".into(),
                    ));
                }
            }
            // A parameter declared twice would be reported twice while only one of them
            // took effect (the structural part has one value).
            if let Some(j) = seen.insert(p.name(), k) {
                return Err(problem(
                    &at,
                    format!("{}: declared twice (params[{j}] and params[{k}])", p.name()),
                    "declare each parameter once, or give two groups different names".into(),
                ));
            }
            let (ids, era) = p.names(&at);
            if let Param::GroupValues {
                events: Some(e), ..
            }
            | Param::GroupHalfLives {
                events: Some(e), ..
            } = p
                && e.is_empty()
            {
                return Err(problem(
                    &at.field("events"),
                    format!(
                        "{}: `events` is an empty list, so the group holds no event",
                        p.name()
                    ),
                    "name at least one event id, or leave `events` out for every event".into(),
                ));
            }
            for (id, place) in ids {
                if !file.events.iter().any(|e| e.id == id) {
                    return Err(problem(
                        &place,
                        format!("no event \"{id}\" in the scenario"),
                        unknown_hint(id, file.events.iter().map(|e| e.id.as_str()), "event"),
                    ));
                }
            }
            if let Some(era) = era
                && !file.timeline.eras.iter().any(|e| e.label == era)
            {
                return Err(problem(
                    &at.field("era"),
                    format!("no era \"{era}\" in the scenario's timeline"),
                    unknown_hint(
                        era,
                        file.timeline.eras.iter().map(|e| e.label.as_str()),
                        "era",
                    ),
                ));
            }
            let (from, to) = p.bounds();
            if !(from.is_finite() && to.is_finite() && from < to) {
                let why = if !(from.is_finite() && to.is_finite()) {
                    "are not both finite numbers"
                } else if from == to {
                    "are empty"
                } else {
                    "are inverted"
                };
                return Err(problem(
                    &at.field("from"),
                    format!("{}: the bounds {from} to {to} {why}", p.name()),
                    "give from < to".into(),
                ));
            }
            for (field, v) in [("", p.start(file)), ("from", from), ("to", to)] {
                let Err(e) = params.alone(k, file, path, v) else {
                    continue;
                };
                let (why, hint) = e.problems().first().map_or_else(
                    || (e.to_string(), None),
                    |q| (q.message.clone(), q.hint.clone()),
                );
                let (place, message) = if field.is_empty() {
                    (at.clone(), format!("{}: {why}", p.name()))
                } else {
                    (
                        at.field(if field == "from" { "from" } else { "to" }),
                        format!(
                            "{}: at `{field}: {v:?}` the scenario is not valid: {why}",
                            p.name()
                        ),
                    )
                };
                return Err(problem(
                    &place,
                    message,
                    hint.unwrap_or_else(|| "narrow the bounds".into()),
                ));
            }
        }
        Ok(params)
    }

    /// The scenario with only parameter `k` moved, to `v`.
    fn alone(
        &self,
        k: usize,
        file: &ScenarioFile,
        path: &Path,
        v: f64,
    ) -> Result<Counterfactual, ScenarioError> {
        let one = Params {
            params: vec![self.params[k].clone()],
            fixed: self.fixed.clone(),
        };
        let text = one.counterfactual("scenario", &[v], "a bound");
        Source::parse(text, &path.with_file_name("calibrated.ron"))?.apply(file, path)
    }

    /// The counterfactual text of a candidate: `x[i]` is the value of parameter `i`.
    pub fn counterfactual(&self, base: &str, x: &[f64], about: &str) -> String {
        let mut changes = self.fixed.clone();
        // One `Structure` change per pair, in the order of the pairs' first parameters:
        // (pair, base, affinity).
        type Structural<'a> = (Option<&'a (String, String)>, Option<f64>, Option<f64>);
        let mut structural: Vec<Structural> = Vec::new();
        let mut scaled: Vec<String> = Vec::new();
        for (p, &v) in self.params.iter().zip(x) {
            if !matches!(p, Param::Base { .. } | Param::Affinity { .. }) {
                scaled.extend(p.change(v));
                continue;
            }
            let k = match structural.iter().position(|s| s.0 == p.pair()) {
                Some(k) => k,
                None => {
                    structural.push((p.pair(), None, None));
                    structural.len() - 1
                }
            };
            match p {
                Param::Base { .. } => structural[k].1 = Some(v),
                _ => structural[k].2 = Some(v),
            }
        }
        for (pair, base_v, affinity) in structural {
            let mut parts = Vec::new();
            if let Some((a, b)) = pair {
                parts.push(format!("pair: ({a:?}, {b:?})"));
            }
            if let Some(b) = base_v {
                parts.push(format!("base: {b:?}"));
            }
            if let Some(a) = affinity {
                parts.push(format!("affinity: {a:?}"));
            }
            changes.push(format!("Structure({})", parts.join(", ")));
        }
        changes.extend(scaled);
        let mut out = String::new();
        let _ = writeln!(out, "// {about}");
        let _ = writeln!(out, "Counterfactual(");
        let _ = writeln!(out, "    base: {base:?},");
        let _ = writeln!(out, "    name: \"calibrated\",");
        let _ = writeln!(out, "    title: \"Calibrated\",");
        let _ = writeln!(
            out,
            "    question: {:?},",
            format!("What do the parameters fitted to the measured series give? ({about})")
        );
        let _ = writeln!(out, "    changes: [");
        for c in changes {
            let _ = writeln!(out, "        {c},");
        }
        let _ = writeln!(out, "    ],");
        let _ = writeln!(out, ")");
        out
    }
}

/// A structural parameter's name: `base`, or `base a/b` with a pair.
fn with_pair(what: &str, pair: Option<&(String, String)>) -> String {
    match pair {
        Some((a, b)) => format!("{what} {a}/{b}"),
        None => what.to_string(),
    }
}

/// The pair of a `Base` or `Affinity` parameter, checked against the scenario's `pairs`:
/// `None` in a scenario of one pair, else the pair in the scenario's order of its states.
/// A problem is its place under the parameter `at`, its message and its hint.
fn check_pair(
    pair: Option<&(String, String)>,
    pairs: &[(String, String)],
    file: &ScenarioFile,
    what: &str,
    at: &At,
) -> Result<Option<(String, String)>, (At, String, String)> {
    let Some((a, b)) = pair else {
        if pairs.len() > 1 {
            let (x, y) = &pairs[0];
            return Err((
                at.clone(),
                format!(
                    "{what}: the parameter names no pair, but the scenario models {} pairs",
                    pairs.len()
                ),
                format!(
                    "write e.g. {}(pair: ({x:?}, {y:?}), from: .., to: ..); the scenario's pairs: {}",
                    if what == "base" { "Base" } else { "Affinity" },
                    pair_keys(pairs)
                ),
            ));
        }
        return Ok(None);
    };
    let place = at.field("pair");
    for (j, id) in [a, b].into_iter().enumerate() {
        if !file.states.iter().any(|s| &s.id == id) {
            return Err((
                place.index(j),
                format!("no state \"{id}\" in the scenario"),
                unknown_hint(id, file.states.iter().map(|s| s.id.as_str()), "state"),
            ));
        }
    }
    if a == b {
        return Err((
            place,
            format!("{what}: state \"{a}\" is paired with itself"),
            "a pair is two different states".into(),
        ));
    }
    let found = pairs
        .iter()
        .find(|(x, y)| (x, y) == (a, b) || (x, y) == (b, a));
    match found {
        None => Err((
            place,
            format!("{what}: the scenario does not model the pair of \"{a}\" and \"{b}\""),
            format!("the scenario's pairs: {}", pair_keys(pairs)),
        )),
        Some(_) if pairs.len() == 1 => Ok(None),
        Some(p) => Ok(Some(p.clone())),
    }
}

/// A did-you-mean, or the known names.
fn unknown_hint<'a>(id: &str, known: impl Iterator<Item = &'a str> + Clone, kind: &str) -> String {
    match did_you_mean(id, known.clone()) {
        Some(s) => format!("did you mean \"{s}\"?"),
        None => {
            let all: Vec<&str> = known.collect();
            if all.is_empty() {
                format!("the scenario has no {kind}")
            } else {
                format!("the scenario's {kind}s: {}", all.join(", "))
            }
        }
    }
}

/// The loss a calibration minimises.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Objective {
    /// RMSE of the ensemble mean against the reference on the training period.
    Rmse,
    /// Share of training dates whose bands differ.
    Band,
}

/// A calibration's inputs.
pub struct Problem<'a> {
    /// The scenario file as read.
    pub file: &'a ScenarioFile,
    /// Its path.
    pub path: &'a Path,
    /// The validated scenario.
    pub scenario: &'a Scenario,
    /// The reference series (sensitivity may go without one; calibration needs it).
    pub reference: Option<&'a Reference>,
    /// The parameters.
    pub params: &'a Params,
    /// The training period (first days of reference periods), all dates when `None`.
    pub train: Option<(Date, Date)>,
    /// The runs of every evaluation.
    pub seeds: Seeds,
    /// Most evaluations.
    pub budget: usize,
    /// The loss.
    pub objective: Objective,
}

/// The result of a calibration.
#[derive(Clone, Debug)]
pub struct Calibration {
    /// The best parameters found, one per declared parameter.
    pub best: Vec<f64>,
    /// Their loss.
    pub loss: f64,
    /// The scenario's own values (clamped into the bounds) and their loss.
    pub start: (Vec<f64>, f64),
    /// Evaluations made.
    pub evaluations: usize,
    /// The calibrated counterfactual's text.
    pub text: String,
}

impl Problem<'_> {
    /// The ensemble mean of a candidate, or why it is not a valid scenario.
    pub fn mean(&self, x: &[f64]) -> Result<Vec<f64>, ScenarioError> {
        let c = self.variant(x)?;
        let values = experiment::monthly_scores(&c.scenario, self.seeds, &()).map_err(|e| {
            ScenarioError::Unusable {
                path: self.path.to_path_buf(),
                message: format!("a calibration candidate stopped: {e}"),
                hint: Some("narrow the bounds in the params file".into()),
            }
        })?;
        // A run's cells: every pair's months.
        let months = experiment::cells(self.scenario).max(1);
        let n = (values.len() / months) as f64;
        // Summed in seed order, cell by cell.
        Ok((0..months)
            .map(|m| values.iter().skip(m).step_by(months).sum::<f64>() / n)
            .collect())
    }

    fn variant(&self, x: &[f64]) -> Result<Counterfactual, ScenarioError> {
        let name = self
            .path
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        let text = self.params.counterfactual(&name, x, "candidate");
        let cf_path: PathBuf = self.path.with_file_name("calibrated.ron");
        Source::parse(text, &cf_path)?.apply(self.file, self.path)
    }

    /// The loss of parameters `x` on the training period: every pair's reference points
    /// pooled, so a pair weighs by the dates the series gives it.
    pub fn loss(&self, days: &[Day], x: &[f64]) -> Result<f64, ScenarioError> {
        let mean = self.mean(x)?;
        let Some(reference) = self.reference else {
            return Ok(0.0);
        };
        let pairs = fit::pairs(reference, days, &mean, self.train, 0);
        Ok(match self.objective {
            Objective::Rmse => fit::rmse(&pairs),
            Objective::Band => fit::band_miss(self.scenario, &pairs),
        })
    }
}

/// A period typed as `FROM..TO`: years (`1950..1960`, the whole of both years) or days.
pub fn parse_period(text: &str) -> Result<(Date, Date), String> {
    let bad = || {
        format!(
            "`{text}` is not a period: write FROM..TO with years or dates, e.g. 1920..1960 or 1920-01-01..1960-12-31"
        )
    };
    let (a, b) = text.split_once("..").ok_or_else(bad)?;
    let date = |s: &str, end: bool| -> Result<Date, String> {
        let s = s.trim();
        if s.len() == 4 && s.bytes().all(|c| c.is_ascii_digit()) {
            let y: i32 = s.parse().map_err(|_| bad())?;
            return if end {
                Date::from_ymd(y, 12, 31)
            } else {
                Date::from_ymd(y, 1, 1)
            }
            .map_err(|e| e.to_string());
        }
        s.parse::<Date>().map_err(|e| e.to_string())
    };
    let (from, to) = (date(a, false)?, date(b, true)?);
    if to < from {
        return Err(format!("the period {text} ends before it starts"));
    }
    Ok((from, to))
}

#[cfg(test)]
mod tests {
    use super::*;

    const THREE: &str = include_str!("../../tests/fixtures/three_states.ron");
    const SMALL: &str = include_str!("../../tests/fixtures/small.ron");

    /// The params text loaded against a scenario's text.
    fn load(scenario: &str, params: &str) -> Result<Params, ScenarioError> {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let path = dir.path().join("params.ron");
        std::fs::write(&path, params).expect("written");
        let file = ScenarioFile::parse(scenario, &dir.path().join("scenario.ron"))
            .expect("the scenario parses");
        Params::load(&path, &file)
    }

    /// The first problem's message and its line and column.
    fn refused(scenario: &str, params: &str) -> (String, (usize, usize), Option<String>) {
        let e = load(scenario, params).expect_err("refused");
        let p = &e.problems()[0];
        let l = p.location.as_ref().expect("located");
        (p.message.clone(), (l.line, l.col), p.hint.clone())
    }

    #[test]
    fn a_structural_parameter_names_its_pair_when_there_are_several() {
        let ps = load(
            THREE,
            "Params(params: [Base(pair: (\"us\", \"china\"), from: -2.0, to: 2.0), Affinity(pair: (\"china\", \"us\"), from: 0.0, to: 2.0), Base(pair: (\"china\", \"soviet_union\"), from: -2.0, to: 2.0)])",
        )
        .expect("valid");
        let names: Vec<String> = ps.params.iter().map(Param::name).collect();
        assert_eq!(
            names,
            [
                "base china/us",
                "affinity china/us",
                "base china/soviet_union"
            ]
        );
        let file = ScenarioFile::parse(THREE, Path::new("three_states.ron")).expect("parses");
        let starts: Vec<f64> = ps.params.iter().map(|p| p.start(&file)).collect();
        assert_eq!(starts, [0.0, 1.0, 0.0]);
        let text = ps.counterfactual("three_states.ron", &[1.0, 2.0, -1.0], "a test");
        assert!(
            text.contains("Structure(pair: (\"china\", \"us\"), base: 1.0, affinity: 2.0),"),
            "{text}"
        );
        assert!(
            text.contains("Structure(pair: (\"china\", \"soviet_union\"), base: -1.0),"),
            "{text}"
        );
        // A pair given in a file of one pair is the only pair: the name stays "base".
        let ps = load(
            SMALL,
            "Params(params: [Base(pair: (\"south\", \"north\"), from: -2.0, to: 2.0)])",
        )
        .expect("valid");
        assert_eq!(ps.params[0].name(), "base");
        assert_eq!(
            ps.params[0],
            Param::Base {
                pair: None,
                from: -2.0,
                to: 2.0
            }
        );
    }

    #[test]
    fn a_structural_parameter_without_a_known_modelled_pair_is_refused() {
        assert_eq!(
            refused(THREE, "Params(params: [Base(from: -2.0, to: 2.0)])"),
            (
                "base: the parameter names no pair, but the scenario models 3 pairs".to_string(),
                (1, 17),
                Some("write e.g. Base(pair: (\"china\", \"soviet_union\"), from: .., to: ..); the scenario's pairs: china/soviet_union, china/us, soviet_union/us".to_string())
            )
        );
        assert_eq!(
            refused(
                THREE,
                "Params(params: [Affinity(pair: (\"us\", \"chna\"), from: 0.0, to: 2.0)])"
            ),
            (
                "no state \"chna\" in the scenario".to_string(),
                (1, 39),
                Some("did you mean \"china\"?".to_string())
            )
        );
        assert_eq!(
            refused(
                THREE,
                "Params(params: [Base(pair: (\"us\", \"us\"), from: 0.0, to: 2.0)])"
            )
            .0,
            "base: state \"us\" is paired with itself"
        );
        let two = THREE
            .replacen(
                "    parties: [",
                "    pairs: [(states: (\"china\", \"soviet_union\")), (states: (\"china\", \"us\"))],\n    parties: [",
                1,
            )
            .replacen("States(\"soviet_union\", \"us\")", "States(\"china\", \"us\")", 1)
            .replacen("pair: (\"soviet_union\", \"us\")", "pair: (\"china\", \"us\")", 1);
        assert_eq!(
            refused(
                &two,
                "Params(params: [Base(pair: (\"us\", \"soviet_union\"), from: 0.0, to: 2.0)])"
            ),
            (
                "base: the scenario does not model the pair of \"us\" and \"soviet_union\""
                    .to_string(),
                (1, 28),
                Some("the scenario's pairs: china/soviet_union, china/us".to_string())
            )
        );
    }
}
