//! Validation: every rule of the format, checked once, turning a [`ScenarioFile`] into a
//! [`Scenario`] whose references are indices.
//!
//! All problems are collected (in file order) rather than stopping at the first, so a user
//! fixes a file in one pass. Each problem names its subject (an entity id, or an event id
//! with its date), the rule, a hint (did-you-mean for unknown ids), and a path ([`At`]) to
//! the item or field it concerns. Paths become lines and columns only when there is a
//! problem to report, so a valid file is checked in time linear in its size.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::Path;

use super::error::{Found, Kind, Problem, ScenarioError, Subject, When, plural, unknown_hint};
use super::file::*;
use super::locate::{At, Outline};
use super::*;

/// Default bound on the events one run may fire.
pub const DEFAULT_MAX_EVENTS: u32 = 100_000;

/// Half-life used for `Years(x)`: days in a mean Gregorian... Julian year.
const DAYS_PER_YEAR: f64 = 365.25;

/// Validates a parsed file. `text` is the file's source, used to locate problems; with
/// an empty text, problems carry no location.
pub fn validate(file: ScenarioFile, text: &str, path: &Path) -> Result<Scenario, ScenarioError> {
    let (start, end) = file.span;
    let mut v = Validator {
        problems: Found::default(),
        warnings: Found::default(),
        span_days: (end.day() - start.day()).max(0) as u32,
    };
    let mut scenario = v.scenario(file);
    if v.problems.is_empty() {
        scenario.warnings = place(v.warnings, text);
        return Ok(scenario);
    }
    Err(ScenarioError::invalid(path, place(v.problems, text)))
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
struct Names {
    states: HashMap<String, usize>,
    parties: HashMap<String, usize>,
    leaders: HashMap<String, usize>,
    actors: HashMap<String, usize>,
    events: HashMap<String, usize>,
    axes: HashMap<String, usize>,
    /// Leaders some event puts in office (`TakeOffice`): their terms are not all there is.
    appointed: HashSet<String>,
    /// Parties that rule on the first day or that some event brings to power (`Rule`).
    rulers: HashSet<String>,
    /// The span's first and last day.
    span: (Day, Day),
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

    fn scenario(&mut self, f: ScenarioFile) -> Scenario {
        let top = Subject::Scenario;
        let root = At::root();
        if let Some((message, hint)) = folder_name_problem(&f.name) {
            self.problems
                .push(top.clone(), root.field("name"), message, Some(hint));
        }
        self.texts(&f);
        let (start, end) = f.span;
        if start >= end {
            self.problems.push(
                top.clone(),
                root.field("span"),
                format!("the span must end after it starts, but it runs from {start} to {end}"),
                Some("write span: (\"first day\", \"last day\")".to_string()),
            );
        }
        let scale = self.scale(&f.scale);
        let structure = Structure {
            base: f.structure.base,
            affinity: f.structure.affinity,
        };
        let at = root.field("structure");
        // Like an effect's value, each part may move the raw score by at most twice the
        // bound, so no accepted file can make a score, sum or explanation non-finite.
        let limit = 2.0 * scale.bound;
        for (field, x) in [("base", structure.base), ("affinity", structure.affinity)] {
            if self.finite(&top, &at.field(field), &format!("structure.{field}"), x)
                && x.abs() > limit
            {
                self.problems.push(
                    top.clone(),
                    at.field(field),
                    format!("structure.{field} is {}, beyond ±{limit}", num(x)),
                    Some(format!(
                        "the structural part may move the raw score by at most twice the scale's bound ({})",
                        scale.bound
                    )),
                );
            }
        }

        let mut names = Names {
            states: HashMap::new(),
            parties: HashMap::new(),
            leaders: HashMap::new(),
            actors: HashMap::new(),
            events: HashMap::new(),
            axes: HashMap::new(),
            appointed: HashSet::new(),
            rulers: f.states.iter().map(|s| s.ruling.clone()).collect(),
            span: (f.span.0.day(), f.span.1.day()),
        };
        for x in f.events.iter().flat_map(|e| &e.effects) {
            match x {
                EffectFile::TakeOffice { leader, .. } => {
                    names.appointed.insert(leader.clone());
                }
                EffectFile::Rule { party, .. } => {
                    names.rulers.insert(party.clone());
                }
                _ => {}
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
        if f.states.len() != 2 {
            self.problems.push(
                top.clone(),
                root.field("states"),
                format!(
                    "a scenario has exactly two states; this one has {}",
                    f.states.len()
                ),
                Some(
                    "the relation simulated is between the two states listed in `states`"
                        .to_string(),
                ),
            );
        }
        for (i, s) in f.states.iter().enumerate() {
            if declare(self, Kind::State, &s.id, root.field("states").index(i)) {
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

        let parties = self.parties(&f.parties, &names, f.axes.len());
        let states = self.states(&f.states, &names, &parties);
        let leaders = self.leaders(&f.leaders, &names, &parties, f.span);
        let actors = self.actors(&f.actors);
        let mut fades: Vec<f64> = Vec::new();
        let events: Vec<Event> = f
            .events
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let at = root.field("events").index(i);
                self.event(
                    e, at, &f, &names, &scale, &leaders, &actors, &parties, &mut fades,
                )
            })
            .collect();
        self.follow_ups(&events, &f.events, &names);
        let timeline = self.timeline(&f.timeline, &scale, f.span);
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
        Scenario {
            name: f.name,
            title: f.title,
            description: f.description,
            span: f.span,
            scale,
            structure,
            sources: f.sources,
            axes: f.axes,
            states,
            parties,
            leaders,
            actors,
            events,
            fades,
            timeline,
            max_events,
            warnings: Vec::new(),
        }
    }

    /// Every text of the file is free of control characters, which would disturb a
    /// terminal and make the SVG invalid XML; `description` and `note` may hold line
    /// breaks and tabs.
    fn texts(&mut self, f: &ScenarioFile) {
        let root = At::root();
        let mut all: Vec<(At, &str)> = vec![
            (root.field("name"), &f.name),
            (root.field("title"), &f.title),
        ];
        all.extend(
            f.sources
                .iter()
                .enumerate()
                .map(|(k, x)| (root.field("sources").index(k), x.as_str())),
        );
        all.extend(
            f.axes
                .iter()
                .enumerate()
                .map(|(k, x)| (root.field("axes").index(k), x.as_str())),
        );
        for (k, b) in f.scale.bands.iter().enumerate() {
            all.push((
                root.field("scale").field("bands").index(k).field("name"),
                &b.name,
            ));
        }
        for (k, x) in f.states.iter().enumerate() {
            let at = root.field("states").index(k);
            all.extend([
                (at.field("id"), x.id.as_str()),
                (at.field("name"), &x.name),
                (at.field("office"), &x.office),
            ]);
            all.extend(
                x.names
                    .iter()
                    .enumerate()
                    .map(|(j, (_, n))| (at.field("names").index(j), n.as_str())),
            );
        }
        for (k, x) in f.parties.iter().enumerate() {
            let at = root.field("parties").index(k);
            all.extend([(at.field("id"), x.id.as_str()), (at.field("name"), &x.name)]);
        }
        for (k, x) in f.leaders.iter().enumerate() {
            let at = root.field("leaders").index(k);
            all.extend([(at.field("id"), x.id.as_str()), (at.field("name"), &x.name)]);
            all.extend(x.short.iter().map(|s| (at.field("short"), s.as_str())));
            all.extend(
                x.terms
                    .iter()
                    .enumerate()
                    .map(|(j, t)| (at.field("terms").index(j), t.office.as_str())),
            );
        }
        for (k, x) in f.actors.iter().enumerate() {
            let at = root.field("actors").index(k);
            all.extend([(at.field("id"), x.id.as_str()), (at.field("name"), &x.name)]);
        }
        for (k, e) in f.events.iter().enumerate() {
            let at = root.field("events").index(k);
            all.extend([
                (at.field("id"), e.id.as_str()),
                (at.field("title"), &e.title),
                (at.field("source"), &e.source),
            ]);
            for (j, x) in e.effects.iter().enumerate() {
                match x {
                    EffectFile::Modifier { label: Some(l), .. } => {
                        all.push((at.field("effects").index(j).field("label"), l));
                    }
                    EffectFile::TakeOffice { office, .. } => {
                        all.push((at.field("effects").index(j).field("office"), office));
                    }
                    _ => {}
                }
            }
        }
        for (k, x) in f.timeline.eras.iter().enumerate() {
            all.push((
                root.field("timeline").field("eras").index(k).field("label"),
                &x.label,
            ));
        }
        for (k, x) in f.timeline.checkpoints.iter().enumerate() {
            let at = root.field("timeline").field("checkpoints").index(k);
            all.extend([
                (at.field("id"), x.id.as_str()),
                (at.field("quote"), &x.quote),
                (at.field("source"), &x.source),
            ]);
        }
        let mut found: Vec<(At, String)> = Vec::new();
        for (at, text) in all {
            if let Some(c) = text.chars().find(|c| c.is_control()) {
                found.push((at, control_message(text, c)));
            }
        }
        let long = [(root.field("description"), &f.description)]
            .into_iter()
            .chain(
                f.events
                    .iter()
                    .enumerate()
                    .map(|(k, e)| (root.field("events").index(k).field("note"), &e.note)),
            );
        for (at, text) in long {
            if let Some(c) = text
                .chars()
                .find(|&c| c.is_control() && c != '\n' && c != '\t' && c != '\r')
            {
                found.push((at, control_message(text, c)));
            }
        }
        for (at, message) in found {
            self.problems.push(
                Subject::Text,
                at,
                message,
                Some("control characters would disturb the terminal and break the SVG chart: remove it (a line break is allowed only in `description` and `note`)".to_string()),
            );
        }
    }

    fn scale(&mut self, s: &ScaleFile) -> Scale {
        let subject = Subject::Scale;
        let at = At::root().field("scale");
        let mut bands = Vec::new();
        // With a broken bound, bands are still read (so conditions and checkpoints can name
        // them) but nothing is measured against the bound.
        let bound_ok = s.bound.is_finite() && s.bound > 0.0 && s.bound <= limits::MAX_BOUND;
        if !bound_ok {
            self.problems.push(
                subject.clone(),
                at.field("bound"),
                format!(
                    "the bound is {}; it must be a positive number no larger than {}",
                    num(s.bound),
                    limits::MAX_BOUND
                ),
                Some("the shipped scenarios use bound: 9.0 (Yan Xuetong's scale)".to_string()),
            );
        }
        let bound = if bound_ok { s.bound } else { f64::INFINITY };
        if s.bands.is_empty() {
            self.problems.push(
                subject.clone(),
                at.field("bands"),
                "the scale has no bands".to_string(),
                Some("list at least one band, the first starting at -bound".to_string()),
            );
        }
        let mut names = BTreeSet::new();
        for (i, b) in s.bands.iter().enumerate() {
            let band_subject = Subject::entity(Kind::Band, &b.name);
            let bat = at.field("bands").index(i);
            if !names.insert(b.name.clone()) {
                self.problems.push(
                    band_subject.clone(),
                    bat.field("name"),
                    "duplicate band name".to_string(),
                    Some("each band needs its own name".to_string()),
                );
            }
            let from = bat.field("from");
            if !self.finite(&band_subject, &from, "its lower edge", b.from) {
                continue;
            }
            if bound_ok && i == 0 && b.from != -bound {
                self.problems.push(
                    band_subject.clone(),
                    from.clone(),
                    format!(
                        "the first band starts at {} but the scale starts at {}",
                        num(b.from),
                        -bound
                    ),
                    Some(format!("write from: {:?}", -bound)),
                );
            }
            if i > 0 && b.from <= s.bands[i - 1].from {
                self.problems.push(
                    band_subject.clone(),
                    from.clone(),
                    format!(
                        "bands must rise: this one starts at {}, the one before at {}",
                        num(b.from),
                        num(s.bands[i - 1].from)
                    ),
                    Some("list the bands from the lowest up".to_string()),
                );
            }
            if bound_ok && b.from >= bound {
                self.problems.push(
                    band_subject.clone(),
                    from.clone(),
                    format!(
                        "starts at {}, at or above the top of the scale ({bound})",
                        num(b.from)
                    ),
                    Some(format!("a band starts below the bound, {bound}")),
                );
            }
            let hi = s.bands.get(i + 1).map_or(bound, |n| n.from);
            bands.push(Band {
                name: b.name.clone(),
                lo: b.from,
                hi,
            });
        }
        if bands.is_empty() {
            bands.push(Band {
                name: "all".into(),
                lo: -bound,
                hi: bound,
            });
        }
        Scale { bound, bands }
    }

    fn parties(&mut self, ps: &[PartyFile], names: &Names, n_axes: usize) -> Vec<Party> {
        ps.iter()
            .enumerate()
            .map(|(i, p)| {
                let subject = Subject::entity(Kind::Party, &p.id);
                let at = At::root().field("parties").index(i);
                let state = match names.states.get(&p.state) {
                    Some(&s) => s,
                    None => {
                        self.unknown(
                            &subject,
                            &at.field("state"),
                            "state",
                            &p.state,
                            &names.states,
                        );
                        0
                    }
                };
                let mut ideology = vec![0.0; n_axes];
                for (axis, &x) in &p.ideology {
                    let xat = at.field("ideology").key(axis);
                    match names.axes.get(axis) {
                        Some(&a) => {
                            if self.finite(&subject, &xat, &format!("ideology on \"{axis}\""), x)
                                && !(-1.0..=1.0).contains(&x)
                            {
                                self.problems.push(
                                    subject.clone(),
                                    xat,
                                    format!(
                                        "ideology on \"{axis}\" is {}, outside [-1, 1]",
                                        num(x)
                                    ),
                                    Some("ideology coordinates run from -1 to 1".to_string()),
                                );
                            }
                            ideology[a] = x;
                        }
                        None => self.unknown(&subject, &xat, "axis", axis, &names.axes),
                    }
                }
                Party {
                    id: p.id.clone(),
                    name: p.name.clone(),
                    state,
                    ideology,
                }
            })
            .collect()
    }

    fn states(&mut self, ss: &[StateFile], names: &Names, parties: &[Party]) -> Vec<State> {
        ss.iter()
            .enumerate()
            .map(|(i, s)| {
                let subject = Subject::entity(Kind::State, &s.id);
                let at = At::root().field("states").index(i).field("ruling");
                let ruling = match names.parties.get(&s.ruling) {
                    Some(&p) => {
                        if parties[p].state != i {
                            self.problems.push(
                                subject.clone(),
                                at,
                                format!("ruling party \"{}\" belongs to another state", s.ruling),
                                Some("a state is ruled by one of its own parties".to_string()),
                            );
                        }
                        p
                    }
                    None => {
                        self.unknown(&subject, &at, "party", &s.ruling, &names.parties);
                        0
                    }
                };
                let mut period_names = s.names.clone();
                period_names.sort_by_key(|(d, _)| *d);
                State {
                    id: s.id.clone(),
                    name: s.name.clone(),
                    names: period_names,
                    ruling,
                    office: s.office.clone(),
                }
            })
            .collect()
    }

    fn leaders(
        &mut self,
        ls: &[LeaderFile],
        names: &Names,
        parties: &[Party],
        span: (Date, Date),
    ) -> Vec<Leader> {
        let mut out: Vec<Leader> = Vec::new();
        for (i, l) in ls.iter().enumerate() {
            let subject = Subject::entity(Kind::Leader, &l.id);
            let at = At::root().field("leaders").index(i);
            let state = match names.states.get(&l.state) {
                Some(&s) => s,
                None => {
                    self.unknown(
                        &subject,
                        &at.field("state"),
                        "state",
                        &l.state,
                        &names.states,
                    );
                    usize::MAX
                }
            };
            let party = match &l.party {
                Some(p) => match names.parties.get(p) {
                    Some(&i) => {
                        if state != usize::MAX && parties[i].state != state {
                            self.problems.push(
                                subject.clone(),
                                at.field("party"),
                                format!(
                                    "party \"{p}\" belongs to another state than \"{}\"",
                                    l.state
                                ),
                                Some("a leader belongs to a party of their own state".to_string()),
                            );
                        }
                        Some(i)
                    }
                    None => {
                        self.unknown(&subject, &at.field("party"), "party", p, &names.parties);
                        None
                    }
                },
                None => None,
            };
            if l.terms.is_empty() {
                self.problems.push(subject.clone(), at.field("terms"), "has no terms of office".to_string(), Some("add terms: [(office: \"leader\", from: \"YYYY-MM-DD\", to: \"YYYY-MM-DD\")]".to_string()));
            }
            let mut terms: Vec<Term> = Vec::new();
            for (k, t) in l.terms.iter().enumerate() {
                let tat = at.field("terms").index(k);
                if let Some(to) = t.to
                    && to <= t.from
                {
                    self.problems.push(
                        subject.clone(),
                        tat.field("to"),
                        format!("a term ends ({to}) on or before it starts ({})", t.from),
                        Some("`to` is the first day out of office".to_string()),
                    );
                }
                if t.to.is_some_and(|to| to <= span.0) || t.from > span.1 {
                    self.problems.push(
                        subject.clone(),
                        tat,
                        format!(
                            "the term from {} lies wholly outside the span {} to {}",
                            t.from, span.0, span.1
                        ),
                        Some("drop the term, or the leader".to_string()),
                    );
                }
                terms.push(Term {
                    office: t.office.clone(),
                    from: t.from.day(),
                    to: t.to.map(Date::day),
                });
            }
            terms.sort_by_key(|t| t.from);
            let short = l.short.clone().unwrap_or_else(|| initials(&l.name));
            out.push(Leader {
                id: l.id.clone(),
                name: l.name.clone(),
                short,
                state,
                party,
                terms,
            });
        }
        // Overlapping terms in one office of one state, between anyone: each term is
        // compared with the one reaching furthest among those that started before it.
        type Held<'t> = (usize, usize, &'t TermFile);
        let mut by_office: BTreeMap<(usize, &str), Vec<Held>> = BTreeMap::new();
        for (i, l) in ls.iter().enumerate() {
            for (k, t) in l.terms.iter().enumerate() {
                by_office
                    .entry((out[i].state, t.office.as_str()))
                    .or_default()
                    .push((i, k, t));
            }
        }
        let end = |t: &TermFile| t.to.map_or(Day::MAX, Date::day);
        for ((_, office), mut terms) in by_office {
            terms.sort_by_key(|&(i, k, t)| (t.from, i, k));
            let mut reach: Option<Held> = None;
            for &(b, k, tb) in &terms {
                if let Some((a, _, ta)) = reach
                    && tb.from.day() < end(ta)
                {
                    let other = if a == b {
                        "their own term".to_string()
                    } else {
                        format!("the term of \"{}\"", out[a].id)
                    };
                    let until = ta
                        .to
                        .map_or("with no end".to_string(), |t| format!("to {t}"));
                    self.problems.push(
                        Subject::entity(Kind::Leader, &out[b].id),
                        At::root().field("leaders").index(b).field("terms").index(k),
                        format!(
                            "the term in office \"{office}\" from {} overlaps {other} from {} {until}",
                            tb.from, ta.from
                        ),
                        Some("one office holds one person at a time: end the earlier term (`to`) on or before the later one starts".to_string()),
                    );
                }
                if reach.is_none_or(|(_, _, ta)| end(tb) > end(ta)) {
                    reach = Some((b, k, tb));
                }
            }
        }
        out
    }

    fn actors(&mut self, actors: &[ActorFile]) -> Vec<Actor> {
        actors
            .iter()
            .enumerate()
            .map(|(i, a)| {
                if let (Some(from), Some(to)) = (a.from, a.to)
                    && to <= from
                {
                    self.problems.push(
                        Subject::entity(Kind::Actor, &a.id),
                        At::root().field("actors").index(i).field("to"),
                        format!("ends ({to}) on or before it starts ({from})"),
                        Some("`to` is the first day it no longer exists".to_string()),
                    );
                }
                Actor {
                    id: a.id.clone(),
                    name: a.name.clone(),
                    from: a.from.map(Date::day),
                    to: a.to.map(Date::day),
                }
            })
            .collect()
    }

    fn event(
        &mut self,
        e: &EventFile,
        at: At,
        f: &ScenarioFile,
        names: &Names,
        scale: &Scale,
        leaders: &[Leader],
        actors: &[Actor],
        parties: &[Party],
        fades: &mut Vec<f64>,
    ) -> Event {
        let when = match e.date {
            Some(d) => When::Dated(d),
            None if e.mtth.is_some() => When::Triggered,
            None => When::FollowUp,
        };
        let subject = Subject::Event(e.id.clone(), Some(when));
        let timing = match (e.date, e.mtth) {
            (Some(_), Some(_)) => {
                self.problems.push(subject.clone(), at.field("mtth"), "has both a date and a mean time to happen".to_string(), Some("a dated event happens on its date; a triggered event (mtth) has no date: keep one".to_string()));
                Timing::FollowUp
            }
            (Some(date), None) => {
                if date < f.span.0 || date > f.span.1 {
                    self.problems.push(
                        subject.clone(),
                        at.field("date"),
                        format!(
                            "its date lies outside the scenario's span, {} to {}",
                            f.span.0, f.span.1
                        ),
                        Some("move the event, or widen `span`".to_string()),
                    );
                }
                if e.repeat {
                    self.problems.push(
                        subject.clone(),
                        at.field("repeat"),
                        "`repeat` is only for triggered events".to_string(),
                        Some("a dated event happens once: remove `repeat`".to_string()),
                    );
                }
                Timing::Dated {
                    date,
                    window: e.window.unwrap_or(0),
                }
            }
            (None, Some(mtth)) => {
                if !(mtth.is_finite() && mtth > 0.0) {
                    self.problems.push(
                        subject.clone(),
                        at.field("mtth"),
                        format!(
                            "mtth is {}; a mean time to happen must be a positive number of days",
                            num(mtth)
                        ),
                        Some(
                            "write e.g. mtth: 365.0 for about once a year while `when` holds"
                                .to_string(),
                        ),
                    );
                }
                if e.when.is_none() {
                    self.problems.push(
                        subject.clone(),
                        at.field("id"),
                        "a triggered event needs a `when` condition".to_string(),
                        Some(
                            "without one it would fire at random across the whole span".to_string(),
                        ),
                    );
                }
                Timing::Triggered {
                    mtth,
                    repeat: e.repeat,
                }
            }
            (None, None) => Timing::FollowUp,
        };
        if let Some(window) = e.window {
            if e.date.is_none() {
                self.problems.push(
                    subject.clone(),
                    at.field("window"),
                    "a date window needs a date".to_string(),
                    Some("give the event a `date`, or remove `window`".to_string()),
                );
            } else if window > self.span_days {
                self.problems.push(
                    subject.clone(),
                    at.field("window"),
                    format!(
                        "a window of {window} days is wider than the whole span ({} days)",
                        self.span_days
                    ),
                    Some(
                        "the window is how many days either side of `date` the event may fall"
                            .to_string(),
                    ),
                );
            }
        }
        let chance = e.chance.unwrap_or(1.0);
        if !(0.0..=1.0).contains(&chance) {
            self.problems.push(
                subject.clone(),
                at.field("chance"),
                format!("chance is {}; a probability lies in [0, 1]", num(chance)),
                Some("write e.g. chance: 0.25 for one in four".to_string()),
            );
        }
        let day = e.date.map(Date::day);
        // A windowed event may fall on any day of its window (within the span): those who
        // act in it must be there on every one of them.
        let window = e.date.map(|d| {
            let w = e.window.unwrap_or(0) as Day;
            (
                (d.day() - w).max(f.span.0.day()),
                (d.day() + w).min(f.span.1.day()),
            )
        });
        let mut refs = Vec::new();
        for (k, a) in e.actors.iter().enumerate() {
            let aat = at.field("actors").index(k);
            if let Some(&i) = names.states.get(a) {
                refs.push(ActorRef::State(i));
            } else if let Some(&i) = names.parties.get(a) {
                refs.push(ActorRef::Party(i));
            } else if let Some(&i) = names.leaders.get(a) {
                refs.push(ActorRef::Leader(i));
                if let Some(d) = window.and_then(|w| out_of_office(&leaders[i], w, day)) {
                    let terms: Vec<String> = leaders[i]
                        .terms
                        .iter()
                        .map(|t| {
                            format!(
                                "{} to {}",
                                Date::from_day(t.from),
                                t.to.map_or("the end".to_string(), |x| Date::from_day(x)
                                    .to_string())
                            )
                        })
                        .collect();
                    let terms = if terms.is_empty() {
                        "none".to_string()
                    } else {
                        terms.join(", ")
                    };
                    self.problems.push(
                        subject.clone(),
                        aat,
                        format!(
                            "leader \"{a}\" acts but is not in office on {}{}",
                            Date::from_day(d),
                            in_window(e, day, d)
                        ),
                        Some(format!(
                            "their terms: {terms}; move the event, or name someone in office"
                        )),
                    );
                }
            } else if let Some(&i) = names.actors.get(a) {
                refs.push(ActorRef::Actor(i));
                let x = &actors[i];
                let gone =
                    |d: Day| x.from.is_some_and(|from| d < from) || x.to.is_some_and(|to| d >= to);
                if let Some(d) = window
                    .and_then(|(lo, hi)| [day.unwrap_or(lo), lo, hi].into_iter().find(|&d| gone(d)))
                {
                    self.problems.push(
                        subject.clone(),
                        aat,
                        format!(
                            "actor \"{a}\" does not exist on {}{}",
                            Date::from_day(d),
                            in_window(e, day, d)
                        ),
                        Some(format!(
                            "it exists from {} to {}",
                            x.from
                                .map_or("the start".into(), |v| Date::from_day(v).to_string()),
                            x.to.map_or("the end".into(), |v| Date::from_day(v).to_string())
                        )),
                    );
                }
            } else {
                let mut all = names.states.clone();
                all.extend(names.parties.clone());
                all.extend(names.leaders.clone());
                all.extend(names.actors.clone());
                self.unknown(&subject, &aat, "actor", a, &all);
            }
        }
        let when = e
            .when
            .as_ref()
            .map(|c| self.condition(c, &subject, &at.field("when"), names, scale, parties));
        let effects = e
            .effects
            .iter()
            .enumerate()
            .filter_map(|(k, x)| {
                let xat = at.field("effects").index(k);
                self.effect(x, e, &subject, &xat, names, scale, parties, leaders, fades)
            })
            .collect();
        Event {
            id: e.id.clone(),
            timing,
            title: e.title.clone(),
            source: e.source.clone(),
            note: e.note.clone(),
            actors: refs,
            when,
            chance,
            effects,
            stream: crate::random::stream_id(&e.id),
        }
    }

    fn value(
        &mut self,
        v: &ValueFile,
        subject: &Subject,
        at: &At,
        what: &str,
        limit: f64,
    ) -> Value {
        let v = match *v {
            ValueFile::Fixed(x) => Value::Fixed(x),
            ValueFile::Drawn(Distribution::Uniform(a, b)) => Value::Uniform(a, b),
            ValueFile::Drawn(Distribution::Normal(m, s)) => Value::Normal(m, s),
        };
        let (a, b) = match v {
            Value::Fixed(x) => (x, x),
            Value::Uniform(a, b) | Value::Normal(a, b) => (a, b),
        };
        if !self.finite(subject, at, what, a) || !self.finite(subject, at, what, b) {
            return Value::Fixed(0.0);
        }
        match v {
            Value::Uniform(a, b) if a > b => self.problems.push(
                subject.clone(),
                at.clone(),
                format!(
                    "{what} is Uniform({}, {}): the low end exceeds the high end",
                    num(a),
                    num(b)
                ),
                Some(format!("write Uniform({b:?}, {a:?}): low first, then high")),
            ),
            Value::Normal(_, s) if s < 0.0 => self.problems.push(
                subject.clone(),
                at.clone(),
                format!("{what} has a negative standard deviation ({})", num(s)),
                Some("write Normal(mean, sd) with sd 0 or more".to_string()),
            ),
            _ => {}
        }
        // For a normal value the mean and the spread are each held to the limit.
        let off = match v {
            Value::Normal(m, s) => [m, s],
            _ => [a, b],
        }
        .into_iter()
        .find(|x| x.abs() > limit);
        if let Some(x) = off {
            let part = if matches!(v, Value::Normal(_, s) if s == x) {
                "its standard deviation "
            } else {
                ""
            };
            self.problems.push(
                subject.clone(),
                at.clone(),
                format!("{what} is off the scale: {part}{} is beyond ±{limit}", num(x)),
                Some(format!(
                    "one effect may move the raw score by at most ±{limit} (twice the scale's bound)"
                )),
            );
        }
        v
    }

    /// Warns of a party- or leader-level modifier that can never count: between parties
    /// one of which never rules, or between leaders who are never both in office from the
    /// event's earliest day until the modifier ends. Leaders that an event puts in office
    /// (`TakeOffice`) are not judged by their terms alone, and are let be.
    #[allow(clippy::too_many_arguments, reason = "the validator's shared context")]
    fn counts_ever(
        &mut self,
        level: &Level,
        e: &EventFile,
        until: Option<Day>,
        subject: &Subject,
        at: &At,
        names: &Names,
        leaders: &[Leader],
        parties: &[Party],
    ) {
        match *level {
            Level::State => {}
            Level::Party(a, b) => {
                if let Some(p) = [a, b]
                    .into_iter()
                    .find(|&p| !names.rulers.contains(&parties[p].id))
                {
                    self.warnings.push(
                        subject.clone(),
                        at.clone(),
                        format!(
                            "this party-level modifier can never count: \"{}\" never rules its state (it does not rule on the first day and no event brings it to power)",
                            parties[p].id
                        ),
                        Some("a party-level modifier counts only while both parties rule: bind the parties that rule, or use level: State".to_string()),
                    );
                }
            }
            Level::Leader(a, b) => {
                let (la, lb) = (&leaders[a], &leaders[b]);
                if names.appointed.contains(&la.id) || names.appointed.contains(&lb.id) {
                    return;
                }
                let from = e
                    .date
                    .map_or(names.span.0, |d| d.day() - e.window.unwrap_or(0) as Day);
                let to = until.unwrap_or(names.span.1 + 1).min(names.span.1 + 1);
                let end = |t: &Term| t.to.unwrap_or(Day::MAX);
                let together = la.terms.iter().any(|x| {
                    lb.terms.iter().any(|y| {
                        let lo = x.from.max(y.from).max(from);
                        let hi = end(x).min(end(y)).min(to);
                        lo < hi
                    })
                });
                if !together {
                    self.warnings.push(
                        subject.clone(),
                        at.clone(),
                        format!(
                            "this leader-level modifier can never count: \"{}\" and \"{}\" are never both in office from {} on",
                            la.id,
                            lb.id,
                            Date::from_day(from.max(names.span.0))
                        ),
                        Some("a leader-level modifier counts only while both leaders hold office: bind leaders in office together, or use level: Party or State".to_string()),
                    );
                }
            }
        }
    }

    fn effect(
        &mut self,
        x: &EffectFile,
        e: &EventFile,
        subject: &Subject,
        at: &At,
        names: &Names,
        scale: &Scale,
        parties: &[Party],
        leaders: &[Leader],
        fades: &mut Vec<f64>,
    ) -> Option<Effect> {
        let lookup = |v: &mut Self,
                      kind: &str,
                      id: &str,
                      map: &HashMap<String, usize>,
                      at: At|
         -> Option<usize> {
            let r = map.get(id).copied();
            if r.is_none() {
                v.unknown(subject, &at, kind, id, map);
            }
            r
        };
        match x {
            EffectFile::Modifier {
                level,
                value,
                fade,
                label,
            } => {
                let lat = at.field("level");
                let level = match level {
                    LevelFile::State => Level::State,
                    LevelFile::Party(a, b) => {
                        let (a, b) = (
                            lookup(self, "party", a, &names.parties, lat.index(0)),
                            lookup(self, "party", b, &names.parties, lat.index(1)),
                        );
                        let (a, b) = (a?, b?);
                        if parties[a].state == parties[b].state {
                            self.problems.push(subject.clone(), lat.clone(), format!("a party-level modifier binds a party of each state, but \"{}\" and \"{}\" belong to one state", parties[a].id, parties[b].id), None);
                        }
                        Level::Party(a, b)
                    }
                    LevelFile::Leader(a, b) => {
                        let (a, b) = (
                            lookup(self, "leader", a, &names.leaders, lat.index(0)),
                            lookup(self, "leader", b, &names.leaders, lat.index(1)),
                        );
                        let (a, b) = (a?, b?);
                        if leaders[a].state == leaders[b].state {
                            self.problems.push(subject.clone(), lat.clone(), format!("a leader-level modifier binds a leader of each state, but \"{}\" and \"{}\" serve one state", leaders[a].id, leaders[b].id), None);
                        }
                        Level::Leader(a, b)
                    }
                };
                let value = self.value(
                    value,
                    subject,
                    &at.field("value"),
                    "a modifier's value",
                    2.0 * scale.bound,
                );
                let fat = at.field("fade");
                let (half_life, until) = match *fade {
                    FadeFile::Days(d) => (d, None),
                    FadeFile::Years(y) => (y * DAYS_PER_YEAR, None),
                    FadeFile::Permanent => (f64::INFINITY, None),
                    FadeFile::Until(date) => {
                        if e.date.is_some_and(|d| date <= d) {
                            self.problems.push(
                                subject.clone(),
                                fat.clone(),
                                format!(
                                    "a modifier ends on {date}, not after the event's own date"
                                ),
                                Some("`Until` names the first day it no longer counts".to_string()),
                            );
                        }
                        (f64::INFINITY, Some(date.day()))
                    }
                };
                let endless = until.is_some() || matches!(fade, FadeFile::Permanent);
                if !(half_life > 0.0 && (half_life.is_finite() || endless)) {
                    self.problems.push(
                        subject.clone(),
                        fat,
                        format!(
                            "a half-life of {} days; it must be a positive, finite number",
                            num(half_life)
                        ),
                        Some(
                            "write Years(5.0), Days(90.0), Permanent or Until(\"YYYY-MM-DD\")"
                                .to_string(),
                        ),
                    );
                    return None;
                }
                self.counts_ever(&level, e, until, subject, &lat, names, leaders, parties);
                let fade = match fades.iter().position(|&h| h == half_life) {
                    Some(i) => i,
                    None => {
                        fades.push(half_life);
                        fades.len() - 1
                    }
                };
                Some(Effect::Modifier {
                    level,
                    value,
                    fade,
                    until,
                    label: label.clone().unwrap_or_else(|| e.title.clone()),
                })
            }
            EffectFile::Ideology { party, axis, shift } => {
                let p = lookup(self, "party", party, &names.parties, at.field("party"));
                let a = lookup(self, "axis", axis, &names.axes, at.field("axis"));
                let shift =
                    self.value(shift, subject, &at.field("shift"), "an ideology shift", 2.0);
                Some(Effect::Ideology {
                    party: p?,
                    axis: a?,
                    shift,
                })
            }
            EffectFile::Rule { state, party } => {
                let s = lookup(self, "state", state, &names.states, at.field("state"));
                let p = lookup(self, "party", party, &names.parties, at.field("party"));
                let (s, p) = (s?, p?);
                if parties[p].state != s {
                    self.problems.push(subject.clone(), at.field("party"), format!("party \"{party}\" cannot rule \"{state}\": it belongs to the other state"), Some("a state is ruled by one of its own parties".to_string()));
                }
                Some(Effect::Rule { state: s, party: p })
            }
            EffectFile::TakeOffice { leader, office } => Some(Effect::TakeOffice {
                leader: lookup(self, "leader", leader, &names.leaders, at.field("leader"))?,
                office: office.clone(),
            }),
            EffectFile::LeaveOffice { leader } => Some(Effect::LeaveOffice {
                leader: lookup(self, "leader", leader, &names.leaders, at.field("leader"))?,
            }),
            EffectFile::FollowUp { event, after } => {
                let i = lookup(self, "event", event, &names.events, at.field("event"))?;
                if *after > self.span_days {
                    self.problems.push(
                        subject.clone(),
                        at.field("after"),
                        format!(
                            "a follow-up after {after} days would fall beyond the end of the span ({} days long)",
                            self.span_days
                        ),
                        Some("`after` is the delay in days from this event to the follow-up".to_string()),
                    );
                }
                Some(Effect::FollowUp {
                    event: i,
                    after: *after,
                })
            }
        }
    }

    fn condition(
        &mut self,
        c: &ConditionFile,
        subject: &Subject,
        at: &At,
        names: &Names,
        scale: &Scale,
        parties: &[Party],
    ) -> Condition {
        // The arguments of a variant are its children: `Rules("a", "b")` has two.
        let arg = |k: usize| at.index(k);
        let get = |v: &mut Self,
                   kind: &str,
                   id: &str,
                   map: &HashMap<String, usize>,
                   at: At|
         -> Option<usize> {
            let r = map.get(id).copied();
            if r.is_none() {
                v.unknown(subject, &at, kind, id, map);
            }
            r
        };
        let threshold = |v: &mut Self, x: f64| {
            if v.finite(subject, &arg(0), "a score threshold", x) && x.abs() > scale.bound {
                v.problems.push(
                    subject.clone(),
                    arg(0),
                    format!(
                        "the score threshold {} is off the scale [-{1}, {1}]",
                        num(x),
                        scale.bound
                    ),
                    Some(
                        "a score never leaves the scale, so this condition is settled in advance"
                            .to_string(),
                    ),
                );
            }
            x
        };
        let list = |v: &mut Self, cs: &[ConditionFile]| -> Vec<Condition> {
            cs.iter()
                .enumerate()
                .map(|(k, c)| v.condition(c, subject, &arg(0).index(k), names, scale, parties))
                .collect()
        };
        match c {
            ConditionFile::Rules(s, p) => {
                let si = get(self, "state", s, &names.states, arg(0));
                let pi = get(self, "party", p, &names.parties, arg(1));
                if let (Some(si), Some(pi)) = (si, pi)
                    && parties[pi].state != si
                {
                    self.problems.push(
                        subject.clone(),
                        arg(1),
                        format!("Rules(\"{s}\", \"{p}\") can never hold: \"{p}\" is a party of the other state"),
                        Some(format!("name one of the parties of \"{s}\"")),
                    );
                }
                Condition::Rules(si.unwrap_or(0), pi.unwrap_or(0))
            }
            ConditionFile::InOffice(l) => {
                Condition::InOffice(get(self, "leader", l, &names.leaders, arg(0)).unwrap_or(0))
            }
            ConditionFile::ScoreAtLeast(x) => Condition::ScoreAtLeast(threshold(self, *x)),
            ConditionFile::ScoreBelow(x) => Condition::ScoreBelow(threshold(self, *x)),
            ConditionFile::Band(b) => match scale.find(b) {
                // The outer bands reach to infinity so that a saturated score still lies in one.
                Some(i) => Condition::Band(
                    if i == 0 {
                        f64::NEG_INFINITY
                    } else {
                        scale.bands[i].lo
                    },
                    if i + 1 == scale.bands.len() {
                        f64::INFINITY
                    } else {
                        scale.bands[i].hi
                    },
                ),
                None => {
                    let map = scale
                        .bands
                        .iter()
                        .enumerate()
                        .map(|(i, b)| (b.name.clone(), i))
                        .collect();
                    self.unknown(subject, &arg(0), "band", b, &map);
                    Condition::Band(0.0, 0.0)
                }
            },
            ConditionFile::Happened(ev) => {
                Condition::Happened(get(self, "event", ev, &names.events, arg(0)).unwrap_or(0))
            }
            ConditionFile::After(d) => Condition::After(d.day()),
            ConditionFile::Before(d) => Condition::Before(d.day()),
            ConditionFile::All(cs) => Condition::All(list(self, cs)),
            ConditionFile::Any(cs) => Condition::Any(list(self, cs)),
            ConditionFile::Not(c) => Condition::Not(Box::new(self.condition(
                c,
                subject,
                &arg(0),
                names,
                scale,
                parties,
            ))),
        }
    }

    /// Follow-up targets must be undated; chains of zero-delay follow-ups must not loop;
    /// an undated, untriggered event must be reachable by follow-ups from an event that has
    /// a date or an mtth of its own.
    fn follow_ups(&mut self, events: &[Event], files: &[EventFile], names: &Names) {
        let at = |i: usize| At::root().field("events").index(i);
        // Every follow-up edge: (from, to, effect position in the file, delay).
        let mut edges: Vec<Vec<(usize, usize, u32)>> = vec![Vec::new(); events.len()];
        for (i, e) in files.iter().enumerate() {
            for (k, x) in e.effects.iter().enumerate() {
                if let EffectFile::FollowUp { event, after } = x
                    && let Some(&to) = names.events.get(event)
                {
                    edges[i].push((to, k, *after));
                    if events[to].timing != Timing::FollowUp {
                        self.problems.push(
                            Subject::Event(e.id.clone(), None),
                            at(i).field("effects").index(k).field("event"),
                            format!("schedules \"{event}\" as a follow-up, but that event has a date or an mtth of its own"),
                            Some("a follow-up target has neither `date` nor `mtth`: remove them from it, or schedule another event".to_string()),
                        );
                    }
                }
            }
        }
        let mut reached: Vec<bool> = events
            .iter()
            .map(|e| e.timing != Timing::FollowUp)
            .collect();
        let mut todo: Vec<usize> = (0..events.len()).filter(|&i| reached[i]).collect();
        while let Some(i) = todo.pop() {
            for &(to, _, _) in &edges[i] {
                if !reached[to] {
                    reached[to] = true;
                    todo.push(to);
                }
            }
        }
        let mut targeted = vec![false; events.len()];
        for &(to, _, _) in edges.iter().flatten() {
            targeted[to] = true;
        }
        for (i, e) in events.iter().enumerate() {
            if !reached[i] && files[i].date.is_none() && files[i].mtth.is_none() {
                let message = if targeted[i] {
                    "can never happen: only events that can never happen themselves schedule it"
                } else {
                    "has no date, no mtth, and no event schedules it, so it can never happen"
                };
                self.problems.push(Subject::Event(e.id.clone(), None), at(i).field("id"), message.to_string(), Some("give it a `date`, or an `mtth` and `when`, or schedule it with FollowUp(event: ..., after: days) from an event that happens".to_string()));
            }
        }
        // Depth-first search for a cycle of zero-delay follow-ups.
        let zero: Vec<Vec<(usize, usize)>> = edges
            .iter()
            .map(|es| {
                es.iter()
                    .filter(|e| e.2 == 0)
                    .map(|&(to, k, _)| (to, k))
                    .collect()
            })
            .collect();
        let mut colour = vec![0u8; events.len()];
        for start in 0..events.len() {
            if colour[start] != 0 {
                continue;
            }
            let mut stack = vec![(start, 0usize)];
            let mut path = vec![start];
            colour[start] = 1;
            while let Some(&mut (node, ref mut next)) = stack.last_mut() {
                if let Some(&(to, k)) = zero[node].get(*next) {
                    *next += 1;
                    if colour[to] == 1 {
                        let first = path.iter().position(|&p| p == to).unwrap_or(0);
                        let mut cycle: Vec<&str> = path[first..]
                            .iter()
                            .map(|&p| events[p].id.as_str())
                            .collect();
                        cycle.push(&events[to].id);
                        self.problems.push(
                            Subject::Event(events[node].id.clone(), None),
                            at(node).field("effects").index(k).field("after"),
                            format!("follow-ups form a cycle that never advances time: {}", cycle.join(" -> ")),
                            Some("give one follow-up in the cycle a delay of at least one day (`after: 1`)".to_string()),
                        );
                    } else if colour[to] == 0 {
                        colour[to] = 1;
                        stack.push((to, 0));
                        path.push(to);
                    }
                } else {
                    colour[node] = 2;
                    stack.pop();
                    path.pop();
                }
            }
        }
    }

    fn timeline(&mut self, t: &TimelineFile, scale: &Scale, span: (Date, Date)) -> Timeline {
        let at = At::root().field("timeline");
        let outside = |from: Date, to: Date| {
            if to < from {
                Some((
                    format!("runs backwards, from {from} to {to}"),
                    "write `from` before `to`",
                ))
            } else if from < span.0 || to > span.1 {
                Some((
                    format!(
                        "runs {from} to {to}, outside the span {} to {}",
                        span.0, span.1
                    ),
                    "keep it within `span`, or widen the span",
                ))
            } else {
                None
            }
        };
        let mut eras = Vec::new();
        for (k, era) in t.eras.iter().enumerate() {
            if let Some((message, hint)) = outside(era.from, era.to) {
                self.problems.push(
                    Subject::entity(Kind::Era, &era.label),
                    at.field("eras").index(k).field("from"),
                    message,
                    Some(hint.to_string()),
                );
            }
            eras.push(Era {
                label: era.label.clone(),
                from: era.from,
                to: era.to,
            });
        }
        let mut ids = BTreeSet::new();
        let mut checkpoints = Vec::new();
        for (k, c) in t.checkpoints.iter().enumerate() {
            let subject = Subject::entity(Kind::Checkpoint, &c.id);
            let cat = at.field("checkpoints").index(k);
            if !ids.insert(c.id.clone()) {
                self.problems.push(
                    subject.clone(),
                    cat.field("id"),
                    "duplicate checkpoint id".to_string(),
                    Some("every checkpoint needs its own id".to_string()),
                );
            }
            let to = c.to.unwrap_or(c.from);
            if let Some((message, hint)) = outside(c.from, to) {
                self.problems.push(
                    subject.clone(),
                    cat.field("from"),
                    message,
                    Some(hint.to_string()),
                );
            }
            let eat = cat.field("expect");
            let band = |v: &mut Self, name: &str, k: usize| -> Option<usize> {
                let r = scale.find(name);
                if r.is_none() {
                    let map = scale
                        .bands
                        .iter()
                        .enumerate()
                        .map(|(i, b)| (b.name.clone(), i))
                        .collect();
                    v.unknown(&subject, &eat.index(k), "band", name, &map);
                }
                r
            };
            let (lo, hi, expect) = match &c.expect {
                ExpectFile::Band(b) => match band(self, b, 0) {
                    Some(i) => (scale.bands[i].lo, scale.bands[i].hi, b.clone()),
                    None => (0.0, 0.0, b.clone()),
                },
                ExpectFile::Bands(a, b) => match (band(self, a, 0), band(self, b, 1)) {
                    (Some(i), Some(j)) => {
                        if i > j {
                            self.problems.push(
                                subject.clone(),
                                eat.clone(),
                                format!("Bands(\"{a}\", \"{b}\") runs downwards"),
                                Some(format!(
                                    "write Bands(\"{b}\", \"{a}\"), the lower band first"
                                )),
                            );
                        }
                        (scale.bands[i].lo, scale.bands[j].hi, format!("{a} to {b}"))
                    }
                    _ => (0.0, 0.0, String::new()),
                },
                ExpectFile::Range(lo, hi) => {
                    if self.finite(&subject, &eat.index(0), "the range", *lo)
                        && self.finite(&subject, &eat.index(1), "the range", *hi)
                        && (lo >= hi || lo.abs() > scale.bound || hi.abs() > scale.bound)
                    {
                        self.problems.push(
                            subject.clone(),
                            eat.clone(),
                            format!(
                                "Range({}, {}) is empty or off the scale [-{2}, {2}]",
                                num(*lo),
                                num(*hi),
                                scale.bound
                            ),
                            Some(
                                "write Range(low, high) with low below high, both on the scale"
                                    .to_string(),
                            ),
                        );
                    }
                    (*lo, *hi, format!("{lo} to {hi}"))
                }
            };
            checkpoints.push(Checkpoint {
                id: c.id.clone(),
                from: c.from,
                to,
                lo,
                hi,
                expect,
                quote: c.quote.clone(),
                source: c.source.clone(),
            });
        }
        Timeline { eras, checkpoints }
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

/// "this text holds the control character U+0007 (after "Tre")".
fn control_message(text: &str, c: char) -> String {
    let head: String = text.chars().take_while(|&x| x != c).take(30).collect();
    format!(
        "this text holds the control character U+{:04X} (after \"{}\")",
        c as u32,
        head.escape_debug()
    )
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

/// The first day of `window` (the nominal `day` first) on which the leader is out of
/// office, if any. Holding office can only end on a term's `to`, so the window's first
/// day and every `to` inside it are the days to check.
fn out_of_office(leader: &Leader, (lo, hi): (Day, Day), day: Option<Day>) -> Option<Day> {
    let ends = leader
        .terms
        .iter()
        .filter_map(|t| t.to)
        .filter(|&t| lo < t && t <= hi);
    day.into_iter()
        .chain([lo])
        .chain(ends)
        .find(|&d| !leader.in_office_on(d))
}

/// ", a day its window of ±N days reaches" when `d` is not the event's nominal day.
fn in_window(e: &EventFile, day: Option<Day>, d: Day) -> String {
    if day == Some(d) {
        String::new()
    } else {
        format!(
            ", a day its window of ±{} days reaches",
            e.window.unwrap_or(0)
        )
    }
}

/// "Mao Zedong" -> "M.Z.".
fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|w| w.chars().next())
        .map(|c| format!("{c}."))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leader(terms: &[(Day, Option<Day>)]) -> Leader {
        Leader {
            id: "l".into(),
            name: "L".into(),
            short: "L".into(),
            state: 0,
            party: None,
            terms: terms
                .iter()
                .map(|&(from, to)| Term {
                    office: "leader".into(),
                    from,
                    to,
                })
                .collect(),
        }
    }

    #[test]
    fn a_window_is_checked_on_its_first_day_and_at_every_term_end_inside_it() {
        let l = leader(&[(0, Some(100)), (100, Some(200))]);
        // Two terms back to back cover the window across their seam.
        assert_eq!(out_of_office(&l, (90, 110), Some(100)), None);
        assert_eq!(out_of_office(&l, (150, 210), Some(180)), Some(200));
        assert_eq!(
            out_of_office(&leader(&[(10, None)]), (5, 20), Some(12)),
            Some(5)
        );
    }

    #[test]
    fn folder_names_are_short_plain_and_not_empty() {
        assert!(folder_name_problem("sino_soviet-2").is_none());
        assert!(folder_name_problem("").is_some());
        assert!(folder_name_problem("a/b").is_some());
        let (message, _) = folder_name_problem(&"x".repeat(65)).expect("too long");
        assert!(message.ends_with("has 65 characters; a name (the output folder) has at most 64"));
    }

    #[test]
    fn control_characters_are_named_by_code_point() {
        assert_eq!(
            control_message("ab\u{1b}[31m", '\u{1b}'),
            "this text holds the control character U+001B (after \"ab\")"
        );
    }
}
