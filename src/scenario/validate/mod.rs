//! Validation: every rule of the format, checked once, turning a [`ScenarioFile`] into a
//! [`Scenario`] whose references are indices.
//!
//! All problems are collected (in file order) rather than stopping at the first, so a user
//! fixes a file in one pass. Each problem names its subject (an entity id, or an event id
//! with its date), the rule, a hint (did-you-mean for unknown ids), and a path ([`At`]) to
//! the item or field it concerns. Paths become lines and columns only when there is a
//! problem to report, so a valid file is checked in time linear in its size.
//!
//! The rules live by what they check:
//! - this file: the order of the checks, ids (one namespace for everything an event can
//!   name, events apart), the number of states, the span, `max_events`, and the helpers
//!   every rule uses (finite numbers, unknown ids with a did-you-mean);
//! - `pairs`: the structural part, the pairs of states modelled (declared, or every
//!   pair), a pair named by two state ids, and the pairs an event is logged on;
//! - `entities`: the scale and its bands, states, parties, leaders and their terms,
//!   third parties, and the timeline;
//! - `texts`: control characters in any text;
//! - `events`: timing, windows, chance, who acts, and the follow-up graph;
//! - `effects`: modifiers, values and their bounds, and whether a modifier can ever
//!   count; ideology, rule, office and follow-up effects;
//! - `conditions`: `when` guards, and the pair each score condition is about.

mod conditions;
mod effects;
mod entities;
mod events;
mod pairs;
mod readings;
mod texts;
mod triangle;

pub(crate) use readings::put_reading;
pub use readings::{MAX_CONTESTED, MAX_READINGS};

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::Path;

use super::compose::Composed;
use super::error::{Found, Kind, Problem, ScenarioError, Subject, When, plural, unknown_hint};
use super::file::*;
use super::locate::{At, Outline};
use super::*;

/// Default bound on the events one run may fire.
pub const DEFAULT_MAX_EVENTS: u32 = 100_000;

/// Validates a parsed file. `text` is the file's source, used to locate problems; with
/// an empty text, problems carry no location.
pub fn validate(file: ScenarioFile, text: &str, path: &Path) -> Result<Scenario, ScenarioError> {
    let (scenario, v) = check(file, path);
    if v.problems.is_empty() {
        let mut scenario = scenario;
        scenario.warnings = place(v.warnings, text);
        return Ok(scenario);
    }
    Err(ScenarioError::invalid(path, place(v.problems, text)))
}

/// Validates a composed file ([`super::compose`]): each problem is placed in the file
/// where its entry was written.
pub fn validate_composed(composed: &Composed) -> Result<Scenario, ScenarioError> {
    let path = &composed.parts[0].path;
    let (scenario, v) = check(composed.file.clone(), path);
    if v.problems.is_empty() {
        let mut scenario = scenario;
        scenario.warnings = place_composed(v.warnings, composed);
        return Ok(scenario);
    }
    Err(ScenarioError::invalid(
        path,
        place_composed(v.problems, composed),
    ))
}

fn check(file: ScenarioFile, path: &Path) -> (Scenario, Validator) {
    let start = file.prelude.unwrap_or(file.span.0).min(file.span.0);
    let end = file.span.1;
    let mut v = Validator {
        problems: Found::default(),
        warnings: Found::default(),
        span_days: (end.day() - start.day()).max(0) as u32,
    };
    let mut file = file;
    let (mut scenario, names) = v.scenario(&file, None);
    if (file.events.iter().any(|e| !e.readings.is_empty()))
        || (file.timeline.checkpoints.iter()).any(|c| !c.readings.is_empty())
    {
        let contested = v.readings(&file);
        if v.problems.is_empty() {
            v.each_reading(&mut file, &contested, &names, &scenario.events);
        }
        scenario.contested = contested;
        scenario.read_from = Some(Arc::new((file, path.to_path_buf())));
    }
    (scenario, v)
}

/// Places the problems of a composed file, each in its own file.
fn place_composed(Found(problems): Found<At>, composed: &Composed) -> Vec<Problem> {
    let total = problems.len();
    problems
        .into_iter()
        .enumerate()
        .map(|(k, (at, mut p))| {
            if k < limits::MAX_PROBLEMS || total <= limits::MAX_PROBLEMS {
                let (file, location) = composed.locate(&at);
                p.location = Some(location);
                p.file = file;
            }
            p
        })
        .collect()
}

/// Gives problems their places in `text` (none when the text is empty: a counterfactual's
/// changed base, whose problems the caller places in its own file) and puts them in file
/// order. Only the problems that will be reported are turned into lines and columns.
fn place(Found(problems): Found<At>, text: &str) -> Vec<Problem> {
    if text.is_empty() {
        return problems.into_iter().map(|(_, p)| p).collect();
    }
    let outline = Outline::new(text);
    let mut placed: Vec<(usize, Problem)> = problems
        .into_iter()
        .map(|(at, p)| (outline.offset(&at), p))
        .collect();
    // A stable sort keeps the order of problems found at one place.
    placed.sort_by_key(|(offset, _)| *offset);
    let total = placed.len();
    placed
        .into_iter()
        .enumerate()
        .map(|(k, (offset, mut p))| {
            if k < limits::MAX_PROBLEMS || total <= limits::MAX_PROBLEMS {
                p.location = Some(outline.location(offset));
            }
            p
        })
        .collect()
}

struct Validator {
    /// Every problem found, with the path of what it concerns.
    problems: Found<At>,
    /// What is valid but probably not meant, with its path.
    warnings: Found<At>,
    /// Days from the span's first day to its last.
    span_days: u32,
}

/// Names of the entities that events and effects refer to.
#[derive(PartialEq)]
struct Names {
    states: HashMap<String, usize>,
    parties: HashMap<String, usize>,
    leaders: HashMap<String, usize>,
    actors: HashMap<String, usize>,
    events: HashMap<String, usize>,
    axes: HashMap<String, usize>,
    /// Leaders some event puts in office (`TakeOffice`): their terms are not all there is.
    appointed: HashSet<String>,
    /// For each party that rules on the first day or that some event brings to power
    /// (`Rule`), the days on which it may rule ([`effects::rule_periods`]).
    rulers: HashMap<String, Vec<(Day, Day)>>,
    /// The span's first and last day.
    span: (Day, Day),
    /// Every state's id, in file order (declared twice or not).
    state_ids: Vec<String>,
    /// The pairs modelled, as state indices, in the order of [`Scenario::pairs`].
    pairs: Vec<(usize, usize)>,
    /// The nominal day of every event an end may be tied to, by id (`None`: no date of
    /// its own): the base scenario's dates for a counterfactual's variant, which orders
    /// the buckets of tied ends alike in the variant and its base.
    nominal: HashMap<String, Option<Day>>,
    /// Events of the base scenario that a counterfactual removed: an end tied to one
    /// never comes.
    removed: HashSet<String>,
    /// The ids and titles of the dated events on each nominal day, in file order.
    dated: BTreeMap<Day, Vec<String>>,
    titles: HashMap<String, String>,
}

/// The file's own validation, which validates each contested reading with less work.
///
/// A reading changes one event's effects, or one checkpoint's range, quote and source
/// ([`put_reading`]), and readings are validated only in a file without a problem. An
/// event's validation ([`Validator::event`]) reads the event, its place in the file, the
/// span, the names, and the scale, leaders, actors and parties, which are made from
/// parts of the file that no reading changes and from the names. So under a reading whose
/// names are the file's (a reading's effects can change who takes office or comes to
/// power), every event but the one whose effects it replaces has the problems it had
/// in the file's own validation: none. Those events are taken from there; the rest of the
/// file is validated anew, the follow-up graph among it. Likewise only the item's texts
/// are checked for control characters: no other text changes.
struct Known<'a> {
    /// The file's names.
    names: &'a Names,
    /// The file's events, validated.
    events: &'a [Event],
    /// The item whose reading is in place.
    item: ContestedItem,
}

impl Names {
    /// The pair of two states (indices), in either order, if the file models it.
    fn pair_of(&self, a: usize, b: usize) -> Option<usize> {
        self.pairs.iter().position(|&p| p == (a, b) || p == (b, a))
    }

    /// The events dated `day`, for a message: `"Title" (id)`, joined by "and".
    fn dated_titles(&self, day: Day) -> String {
        let ids = self.dated.get(&day).map_or(&[][..], Vec::as_slice);
        let named: Vec<String> = ids
            .iter()
            .map(|id| format!("event \"{id}\" ({})", self.titles[id]))
            .collect();
        named.join(" and ")
    }

    /// A pair's key, `a/b`.
    fn key(&self, (a, b): (usize, usize)) -> String {
        format!("{}/{}", self.state_ids[a], self.state_ids[b])
    }

    /// The pairs modelled, for a hint: `a/b, a/c, b/c`, cut after the first ten.
    fn pair_list(&self) -> String {
        const SHOWN: usize = 10;
        let mut keys: Vec<String> = self
            .pairs
            .iter()
            .take(SHOWN)
            .map(|&p| self.key(p))
            .collect();
        if self.pairs.len() > SHOWN {
            keys.push(format!("and {} more", self.pairs.len() - SHOWN));
        }
        keys.join(", ")
    }

    /// The first pair written as RON, `("a", "b")`, for a hint's example.
    fn example(&self) -> String {
        match self.pairs.first() {
            Some(&(a, b)) => format!("(\"{}\", \"{}\")", self.state_ids[a], self.state_ids[b]),
            None => "(\"a\", \"b\")".to_string(),
        }
    }
}

impl Validator {
    fn finite(&mut self, subject: &Subject, at: &At, what: &str, x: f64) -> bool {
        if x.is_finite() {
            return true;
        }
        self.problems.push(
            subject.clone(),
            at.clone(),
            format!("{what} is not a finite number ({x})"),
            Some("write an ordinary number such as 2.5: `NaN`, `inf` and numbers beyond about 1.8e308 have no place on a scale".to_string()),
        );
        false
    }

    /// The index of `id` among the `known` ids of its kind, or an unknown-id problem.
    fn lookup(
        &mut self,
        subject: &Subject,
        at: &At,
        kind: &str,
        id: &str,
        known: &HashMap<String, usize>,
    ) -> Option<usize> {
        let found = known.get(id).copied();
        if found.is_none() {
            self.unknown(subject, at, kind, id, known);
        }
        found
    }

    /// The index of a band of the scale by name, or an unknown-band problem.
    fn band(&mut self, subject: &Subject, at: &At, scale: &Scale, name: &str) -> Option<usize> {
        let found = scale.find(name);
        if found.is_none() {
            let known = scale
                .bands
                .iter()
                .enumerate()
                .map(|(i, b)| (b.name.clone(), i))
                .collect();
            self.unknown(subject, at, "band", name, &known);
        }
        found
    }

    fn unknown(
        &mut self,
        subject: &Subject,
        at: &At,
        kind: &str,
        id: &str,
        known: &HashMap<String, usize>,
    ) {
        let hint = unknown_hint(
            id,
            known.keys().map(String::as_str).collect(),
            || format!("the file declares no {}", plural(kind)),
            |all| format!("known {}: {all}", plural(kind)),
        );
        self.problems.push(
            subject.clone(),
            at.clone(),
            format!("unknown {kind} \"{id}\""),
            Some(hint),
        );
    }

    /// The scenario `f` describes, its problems and warnings noted, and the names it
    /// declares. `f` is borrowed, not taken: the contested readings validate the file
    /// once for each, with the reading put in place and taken out again
    /// ([`Validator::each_reading`]), not a copy each. `known` is the file's own
    /// validation when `f` is the file under one reading.
    fn scenario(&mut self, f: &ScenarioFile, known: Option<&Known>) -> (Scenario, Names) {
        let top = Subject::Scenario;
        let root = At::root();
        if let Some((message, hint)) = folder_name_problem(&f.name) {
            self.problems
                .push(top.clone(), root.field("name"), message, Some(hint));
        }
        match known {
            Some(k) => self.texts_of_reading(f, k.item),
            None => self.texts(f),
        }
        if !f.include.is_empty() {
            self.problems.push(
                top.clone(),
                root.field("include"),
                "this scenario includes other files, and it was given as text with no folder to find them in".to_string(),
                Some("load it from its file (`diplosim check FILE`), so that the included files are found beside it".to_string()),
            );
        }
        // Checkpoints and eras lie in the span shown; everything else in the span
        // simulated, which starts earlier when included files run a prelude.
        let shown = f.span;
        let span = (f.prelude.unwrap_or(shown.0).min(shown.0), shown.1);
        let (start, end) = span;
        if start >= end {
            self.problems.push(
                top.clone(),
                root.field("span"),
                format!("the span must end after it starts, but it runs from {start} to {end}"),
                Some("write span: (\"first day\", \"last day\")".to_string()),
            );
        }
        let scale = self.scale(&f.scale);
        let structure = self.structure(&f.structure, &top, &root.field("structure"), &scale);

        let mut names = Names {
            states: HashMap::new(),
            parties: HashMap::new(),
            leaders: HashMap::new(),
            actors: HashMap::new(),
            events: HashMap::new(),
            axes: HashMap::new(),
            appointed: HashSet::new(),
            rulers: effects::rule_periods(f, span),
            span: (span.0.day(), span.1.day()),
            state_ids: f.states.iter().map(|s| s.id.clone()).collect(),
            pairs: Vec::new(),
            nominal: HashMap::new(),
            removed: HashSet::new(),
            dated: BTreeMap::new(),
            titles: HashMap::new(),
        };
        for e in &f.events {
            names
                .nominal
                .entry(e.id.clone())
                .or_insert(e.date.map(|d| d.day()));
            if let Some(d) = e.date
                && !names.titles.contains_key(&e.id)
            {
                names.dated.entry(d.day()).or_default().push(e.id.clone());
            }
            names
                .titles
                .entry(e.id.clone())
                .or_insert_with(|| e.title.clone());
        }
        for (id, date) in &f.base_dates {
            names.nominal.insert(id.clone(), date.map(|d| d.day()));
            if !names.titles.contains_key(id) {
                names.removed.insert(id.clone());
            }
        }
        for x in f.events.iter().flat_map(|e| &e.effects) {
            if let EffectFile::TakeOffice { leader, .. } = x {
                names.appointed.insert(leader.clone());
            }
        }
        for (i, a) in f.axes.iter().enumerate() {
            if names.axes.insert(a.clone(), i).is_some() {
                self.problems.push(
                    top.clone(),
                    root.field("axes").index(i),
                    format!("axis \"{a}\" is declared twice"),
                    Some("remove one of them".to_string()),
                );
            }
        }
        // One namespace for everything an event can name.
        let mut seen: BTreeMap<String, &'static str> = BTreeMap::new();
        let mut declare = |v: &mut Self, kind: Kind, id: &str, at: At| {
            if let Some(prev) = seen.insert(id.to_string(), kind.name()) {
                seen.insert(id.to_string(), prev);
                v.problems.push(
                    Subject::entity(kind, id),
                    at.field("id"),
                    format!("duplicate id: \"{id}\" is already used by a {prev}"),
                    Some("ids of states, parties, leaders and actors must all differ".to_string()),
                );
                false
            } else {
                true
            }
        };
        if f.states.len() < 2 {
            self.problems.push(
                top.clone(),
                root.field("states"),
                format!(
                    "a scenario has at least two states; this one has {}",
                    f.states.len()
                ),
                Some(
                    "a relation is simulated for each pair of the states listed in `states`"
                        .to_string(),
                ),
            );
        } else if f.states.len() > limits::MAX_STATES {
            self.problems.push(
                top.clone(),
                root.field("states"),
                format!(
                    "{} states; a scenario has at most {}",
                    f.states.len(),
                    limits::MAX_STATES
                ),
                Some("every pair of states may be a relation to simulate: split the scenario into several".to_string()),
            );
        }
        for (i, s) in f.states.iter().enumerate() {
            let at = root.field("states").index(i);
            if s.id.contains('/') {
                self.problems.push(
                    Subject::entity(Kind::State, &s.id),
                    at.field("id"),
                    format!(
                        "state id \"{}\" holds a `/`, which joins the two ids of a pair (\"a/b\")",
                        s.id
                    ),
                    Some("use letters, digits, `_` and `-` in a state's id".to_string()),
                );
            }
            if declare(self, Kind::State, &s.id, at) {
                names.states.insert(s.id.clone(), i);
            }
        }
        for (i, p) in f.parties.iter().enumerate() {
            if declare(self, Kind::Party, &p.id, root.field("parties").index(i)) {
                names.parties.insert(p.id.clone(), i);
            }
        }
        for (i, l) in f.leaders.iter().enumerate() {
            if declare(self, Kind::Leader, &l.id, root.field("leaders").index(i)) {
                names.leaders.insert(l.id.clone(), i);
            }
        }
        for (i, a) in f.actors.iter().enumerate() {
            if declare(self, Kind::Actor, &a.id, root.field("actors").index(i)) {
                names.actors.insert(a.id.clone(), i);
            }
        }
        for (i, e) in f.events.iter().enumerate() {
            if let Some(&first) = names.events.get(&e.id) {
                self.problems.push(
                    Subject::Event(e.id.clone(), None),
                    root.field("events").index(i).field("id"),
                    format!(
                        "duplicate event id \"{}\": event number {} has it too",
                        e.id,
                        first + 1
                    ),
                    Some("every event needs its own id".to_string()),
                );
            } else {
                names.events.insert(e.id.clone(), i);
            }
        }

        let pairs = self.pairs(&f.pairs, structure, &scale, &mut names);
        let parties = self.parties(&f.parties, &names, f.axes.len());
        let states = self.states(&f.states, &names, &parties);
        let leaders = self.leaders(&f.leaders, &names, &parties, span);
        let actors = self.actors(&f.actors);
        let mut fades: Vec<f64> = Vec::new();
        // Under a reading, an event the reading leaves as it is was validated with the
        // file, without a problem, and is taken as validated there when the names are the
        // file's (see `Known`).
        let known = known.filter(|k| *k.names == names);
        let events: Vec<Event> = f
            .events
            .iter()
            .enumerate()
            .map(|(i, e)| match known {
                Some(k)
                    if k.item != ContestedItem::Event(i)
                        && let Some(event) = k.events.get(i) =>
                {
                    event.clone()
                }
                _ => {
                    let at = root.field("events").index(i);
                    self.event(
                        e, at, span, &names, &scale, &leaders, &actors, &parties, &mut fades,
                    )
                }
            })
            .collect();
        self.follow_ups(&events, &f.events, &names);
        let mut timeline = self.timeline(&f.timeline, &scale, shown, &names);
        let triangle = self.triangle(f.triangle.as_ref(), &scale, &names);
        timeline.triangle_checkpoints = self.triangle_checkpoints(
            &f.timeline,
            triangle.as_ref(),
            f.triangle.is_some(),
            shown,
            &names,
        );
        let dynamics = self.dynamics(f.dynamics.as_ref(), &root.field("dynamics"));
        let coupling = self.coupling(f.coupling.as_ref(), &root.field("coupling"));
        let max_events = f.max_events.unwrap_or(DEFAULT_MAX_EVENTS);
        if max_events == 0 {
            self.problems.push(
                top.clone(),
                root.field("max_events"),
                "max_events is 0: no event could fire".to_string(),
                Some("leave it out for the default of 100000".to_string()),
            );
        } else if max_events > limits::MAX_EVENTS_PER_RUN {
            self.problems.push(
                top.clone(),
                root.field("max_events"),
                format!(
                    "max_events is {max_events}, above the most a run may fire ({})",
                    limits::MAX_EVENTS_PER_RUN
                ),
                Some("a run keeps every event it fires; leave it out for the default of 100000, which catches runaway follow-ups in well under a second".to_string()),
            );
        }
        if f.events.len() > limits::MAX_EVENTS {
            self.problems.push(
                top.clone(),
                root.field("events"),
                format!(
                    "{} events; a scenario has at most {}",
                    f.events.len(),
                    limits::MAX_EVENTS
                ),
                Some("split the span into several scenarios".to_string()),
            );
        }
        let scenario = Scenario {
            name: f.name.clone(),
            title: f.title.clone(),
            description: f.description.clone(),
            span: shown,
            start: span.0,
            scale,
            sources: f.sources.clone(),
            axes: f.axes.clone(),
            states,
            pairs,
            parties,
            leaders,
            actors,
            events,
            fades,
            timeline,
            max_events,
            dynamics,
            triangle,
            coupling,
            warnings: Vec::new(),
            contested: Vec::new(),
            read_from: None,
        };
        (scenario, names)
    }
}

/// Why a `name` cannot be an output folder, with a hint: empty, characters other than
/// letters, digits, `_` and `-`, or longer than [`limits::MAX_NAME_CHARS`].
pub(crate) fn folder_name_problem(name: &str) -> Option<(String, String)> {
    let shown: String = name.chars().take(40).collect();
    let shown = if shown.len() < name.len() {
        format!("{shown}...")
    } else {
        shown
    };
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        Some((
            format!("name \"{}\" cannot be a folder name", shown.escape_debug()),
            "use letters, digits, `_` and `-` only, e.g. \"sino_soviet\"".to_string(),
        ))
    } else if name.len() > limits::MAX_NAME_CHARS {
        Some((
            format!(
                "name \"{shown}\" has {} characters; a name (the output folder) has at most {}",
                name.len(),
                limits::MAX_NAME_CHARS
            ),
            "use a short machine name, e.g. \"sino_soviet\"; the `title` is for people".to_string(),
        ))
    } else {
        None
    }
}

/// A number for a message: plain when it is of an everyday size, else in e-notation (so
/// 1e300 is not printed with three hundred digits).
fn num(x: f64) -> String {
    if x != 0.0 && x.is_finite() && !(1e-6..1e9).contains(&x.abs()) {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

#[cfg(test)]
mod tests;
