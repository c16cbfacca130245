//! Validation: every rule of the format, checked once, turning a [`ScenarioFile`] into a
//! [`Scenario`] whose references are indices.
//!
//! All problems are collected (in file order) rather than stopping at the first, so a user
//! fixes a file in one pass. Each problem names its subject (an entity id, or an event id
//! with its date), the rule, a hint (did-you-mean for unknown ids), and the line and column
//! of the subject's id in the text when it can be found there.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use super::error::{Location, Problem, ScenarioError, did_you_mean};
use super::file::*;
use super::*;

/// Default bound on the events one run may fire.
pub const DEFAULT_MAX_EVENTS: u32 = 100_000;

/// Half-life used for `Years(x)`: days in a mean Gregorian... Julian year.
const DAYS_PER_YEAR: f64 = 365.25;

/// Validates a parsed file. `text` is the file's source, used to locate problems.
pub fn validate(file: ScenarioFile, text: &str, path: &Path) -> Result<Scenario, ScenarioError> {
    let mut v = Validator {
        text,
        problems: Vec::new(),
    };
    let scenario = v.scenario(file);
    if v.problems.is_empty() {
        Ok(scenario)
    } else {
        v.problems.sort_by_key(|p| {
            p.location
                .as_ref()
                .map_or((usize::MAX, 0), |l| (l.line, l.col))
        });
        Err(ScenarioError::Invalid {
            path: path.to_path_buf(),
            problems: v.problems,
        })
    }
}

/// FNV-1a, 64 bits: the stream id of an event, stable across runs, machines and versions.
pub fn stream_id(id: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in id.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

struct Validator<'a> {
    text: &'a str,
    problems: Vec<Problem>,
}

/// Names of the entities that events and effects refer to.
struct Names {
    states: HashMap<String, usize>,
    parties: HashMap<String, usize>,
    leaders: HashMap<String, usize>,
    actors: HashMap<String, usize>,
    events: HashMap<String, usize>,
    axes: HashMap<String, usize>,
}

impl Validator<'_> {
    /// Where `id: "<id>"` (or `"<id>"` after `key:`) first stands in the text.
    fn find(&self, key: &str, id: &str) -> Option<Location> {
        let needle = format!("\"{id}\"");
        let mut from = 0;
        while let Some(i) = self.text[from..].find(&needle) {
            let at = from + i;
            let before = self.text[..at].trim_end();
            if before.ends_with(':') && before[..before.len() - 1].trim_end().ends_with(key) {
                return Some(Location::of_offset(self.text, at));
            }
            from = at + needle.len();
        }
        None
    }

    fn problem(
        &mut self,
        subject: String,
        location: Option<Location>,
        message: String,
        hint: Option<String>,
    ) {
        self.problems.push(Problem {
            subject,
            message,
            hint,
            location,
        });
    }

    fn finite(&mut self, subject: &str, loc: &Option<Location>, what: &str, x: f64) -> bool {
        if x.is_finite() {
            return true;
        }
        self.problem(
            subject.to_string(),
            loc.clone(),
            format!("{what} is {x}, which is not a finite number"),
            Some("write an ordinary number such as 2.5".to_string()),
        );
        false
    }

    fn unknown(
        &mut self,
        subject: &str,
        loc: &Option<Location>,
        kind: &str,
        id: &str,
        known: &HashMap<String, usize>,
    ) {
        let hint = match did_you_mean(id, known.keys().map(String::as_str)) {
            Some(s) => format!("did you mean \"{s}\"?"),
            None => {
                let mut all: Vec<&str> = known.keys().map(String::as_str).collect();
                all.sort_unstable();
                if all.is_empty() {
                    format!("the file declares no {kind}")
                } else {
                    format!("known {kind}s: {}", all.join(", "))
                }
            }
        };
        self.problem(
            subject.to_string(),
            loc.clone(),
            format!("unknown {kind} \"{id}\""),
            Some(hint),
        );
    }

    fn scenario(&mut self, f: ScenarioFile) -> Scenario {
        let top = "scenario".to_string();
        let top_loc = self.find("name", &f.name);
        if f.name.is_empty()
            || !f
                .name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            self.problem(
                top.clone(),
                top_loc.clone(),
                format!("name \"{}\" cannot be a folder name", f.name),
                Some("use letters, digits, `_` and `-` only, e.g. \"sino_soviet\"".to_string()),
            );
        }
        let (start, end) = f.span;
        if start >= end {
            self.problem(
                top.clone(),
                top_loc.clone(),
                format!("the span ends ({end}) before it starts ({start})"),
                Some("write span: (\"first day\", \"last day\")".to_string()),
            );
        }
        let scale = self.scale(&f.scale);
        let structure = Structure {
            base: f.structure.base,
            affinity: f.structure.affinity,
        };
        self.finite(&top, &top_loc, "structure.base", structure.base);
        self.finite(&top, &top_loc, "structure.affinity", structure.affinity);

        let mut names = Names {
            states: HashMap::new(),
            parties: HashMap::new(),
            leaders: HashMap::new(),
            actors: HashMap::new(),
            events: HashMap::new(),
            axes: HashMap::new(),
        };
        for (i, a) in f.axes.iter().enumerate() {
            if names.axes.insert(a.clone(), i).is_some() {
                self.problem(
                    top.clone(),
                    self.find("axes", a),
                    format!("axis \"{a}\" is declared twice"),
                    None,
                );
            }
        }
        // One namespace for everything an event can name.
        let mut seen: BTreeMap<String, &'static str> = BTreeMap::new();
        let mut declare = |v: &mut Self, kind: &'static str, id: &str| {
            if let Some(prev) = seen.insert(id.to_string(), kind) {
                let loc = v.find("id", id);
                v.problem(
                    format!("{kind} \"{id}\""),
                    loc,
                    format!("duplicate id: \"{id}\" is already used by a {prev}"),
                    Some("ids of states, parties, leaders and actors must all differ".to_string()),
                );
                false
            } else {
                true
            }
        };
        if f.states.len() != 2 {
            self.problem(
                top.clone(),
                top_loc.clone(),
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
            if declare(self, "state", &s.id) {
                names.states.insert(s.id.clone(), i);
            }
        }
        for (i, p) in f.parties.iter().enumerate() {
            if declare(self, "party", &p.id) {
                names.parties.insert(p.id.clone(), i);
            }
        }
        for (i, l) in f.leaders.iter().enumerate() {
            if declare(self, "leader", &l.id) {
                names.leaders.insert(l.id.clone(), i);
            }
        }
        for (i, a) in f.actors.iter().enumerate() {
            if declare(self, "actor", &a.id) {
                names.actors.insert(a.id.clone(), i);
            }
        }
        for (i, e) in f.events.iter().enumerate() {
            if names.events.insert(e.id.clone(), i).is_some() {
                let loc = self.find("id", &e.id);
                self.problem(
                    format!("event \"{}\"", e.id),
                    loc,
                    format!("duplicate event id \"{}\"", e.id),
                    Some("every event needs its own id".to_string()),
                );
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
            .map(|e| {
                self.event(
                    e, &f, &names, &scale, &leaders, &actors, &parties, &mut fades,
                )
            })
            .collect();
        self.follow_ups(&events);
        let timeline = self.timeline(&f.timeline, &scale, f.span);
        let max_events = f.max_events.unwrap_or(DEFAULT_MAX_EVENTS);
        if max_events == 0 {
            self.problem(
                top.clone(),
                top_loc,
                "max_events is 0: no event could fire".to_string(),
                Some("leave it out for the default of 100000".to_string()),
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
        }
    }

    fn scale(&mut self, s: &ScaleFile) -> Scale {
        let subject = "scale".to_string();
        let loc = None;
        let mut bands = Vec::new();
        if !(s.bound.is_finite() && s.bound > 0.0) {
            self.problem(
                subject.clone(),
                loc.clone(),
                format!("the bound is {}; it must be a positive number", s.bound),
                Some("the shipped scenarios use bound: 9.0".to_string()),
            );
            return Scale {
                bound: 1.0,
                bands: vec![Band {
                    name: "all".into(),
                    lo: -1.0,
                    hi: 1.0,
                }],
            };
        }
        if s.bands.is_empty() {
            self.problem(
                subject.clone(),
                loc.clone(),
                "the scale has no bands".to_string(),
                Some("list at least one band, the first starting at -bound".to_string()),
            );
        }
        let mut names = BTreeSet::new();
        for (i, b) in s.bands.iter().enumerate() {
            let bloc = self.find("name", &b.name);
            if !names.insert(b.name.clone()) {
                self.problem(
                    format!("band \"{}\"", b.name),
                    bloc.clone(),
                    "duplicate band name".to_string(),
                    None,
                );
            }
            if !self.finite(
                &format!("band \"{}\"", b.name),
                &bloc,
                "its lower edge",
                b.from,
            ) {
                continue;
            }
            if i == 0 && b.from != -s.bound {
                self.problem(
                    format!("band \"{}\"", b.name),
                    bloc.clone(),
                    format!(
                        "the first band starts at {} but the scale starts at {}",
                        b.from, -s.bound
                    ),
                    Some(format!("write from: {}", -s.bound)),
                );
            }
            if i > 0 && b.from <= s.bands[i - 1].from {
                self.problem(
                    format!("band \"{}\"", b.name),
                    bloc.clone(),
                    format!(
                        "bands must rise: this one starts at {}, the one before at {}",
                        b.from,
                        s.bands[i - 1].from
                    ),
                    None,
                );
            }
            if b.from >= s.bound {
                self.problem(
                    format!("band \"{}\"", b.name),
                    bloc.clone(),
                    format!(
                        "starts at {}, at or above the top of the scale ({})",
                        b.from, s.bound
                    ),
                    None,
                );
            }
            let hi = s.bands.get(i + 1).map_or(s.bound, |n| n.from);
            bands.push(Band {
                name: b.name.clone(),
                lo: b.from,
                hi,
            });
        }
        if bands.is_empty() {
            bands.push(Band {
                name: "all".into(),
                lo: -s.bound,
                hi: s.bound,
            });
        }
        Scale {
            bound: s.bound,
            bands,
        }
    }

    fn parties(&mut self, ps: &[PartyFile], names: &Names, n_axes: usize) -> Vec<Party> {
        ps.iter()
            .map(|p| {
                let subject = format!("party \"{}\"", p.id);
                let loc = self.find("id", &p.id);
                let state = match names.states.get(&p.state) {
                    Some(&s) => s,
                    None => {
                        self.unknown(&subject, &loc, "state", &p.state, &names.states);
                        0
                    }
                };
                let mut ideology = vec![0.0; n_axes];
                for (axis, &x) in &p.ideology {
                    match names.axes.get(axis) {
                        Some(&a) => {
                            if self.finite(&subject, &loc, &format!("ideology on \"{axis}\""), x)
                                && !(-1.0..=1.0).contains(&x)
                            {
                                self.problem(
                                    subject.clone(),
                                    loc.clone(),
                                    format!("ideology on \"{axis}\" is {x}, outside [-1, 1]"),
                                    Some("ideology coordinates run from -1 to 1".to_string()),
                                );
                            }
                            ideology[a] = x;
                        }
                        None => self.unknown(&subject, &loc, "axis", axis, &names.axes),
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
                let subject = format!("state \"{}\"", s.id);
                let loc = self.find("id", &s.id);
                let ruling = match names.parties.get(&s.ruling) {
                    Some(&p) => {
                        if parties[p].state != i {
                            self.problem(
                                subject.clone(),
                                loc.clone(),
                                format!("ruling party \"{}\" belongs to another state", s.ruling),
                                Some("a state is ruled by one of its own parties".to_string()),
                            );
                        }
                        p
                    }
                    None => {
                        self.unknown(&subject, &loc, "party", &s.ruling, &names.parties);
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
        for l in ls {
            let subject = format!("leader \"{}\"", l.id);
            let loc = self.find("id", &l.id);
            let state = match names.states.get(&l.state) {
                Some(&s) => s,
                None => {
                    self.unknown(&subject, &loc, "state", &l.state, &names.states);
                    usize::MAX
                }
            };
            let party = match &l.party {
                Some(p) => match names.parties.get(p) {
                    Some(&i) => {
                        if state != usize::MAX && parties[i].state != state {
                            self.problem(
                                subject.clone(),
                                loc.clone(),
                                format!(
                                    "party \"{p}\" belongs to another state than \"{}\"",
                                    l.state
                                ),
                                None,
                            );
                        }
                        Some(i)
                    }
                    None => {
                        self.unknown(&subject, &loc, "party", p, &names.parties);
                        None
                    }
                },
                None => None,
            };
            if l.terms.is_empty() {
                self.problem(subject.clone(), loc.clone(), "has no terms of office".to_string(), Some("add terms: [(office: \"leader\", from: \"YYYY-MM-DD\", to: \"YYYY-MM-DD\")]".to_string()));
            }
            let mut terms: Vec<Term> = Vec::new();
            for t in &l.terms {
                if let Some(to) = t.to
                    && to <= t.from
                {
                    self.problem(
                        subject.clone(),
                        loc.clone(),
                        format!("a term ends ({to}) on or before it starts ({})", t.from),
                        Some("`to` is the first day out of office".to_string()),
                    );
                }
                if t.to.is_some_and(|to| to <= span.0) || t.from > span.1 {
                    self.problem(
                        subject.clone(),
                        loc.clone(),
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
        // Overlapping terms in one office of one state, between anyone.
        let mut by_office: BTreeMap<(usize, &str), Vec<(usize, &Term)>> = BTreeMap::new();
        for (i, l) in out.iter().enumerate() {
            for t in &l.terms {
                by_office
                    .entry((l.state, t.office.as_str()))
                    .or_default()
                    .push((i, t));
            }
        }
        let mut found = Vec::new();
        for ((_, office), mut terms) in by_office {
            terms.sort_by_key(|(_, t)| t.from);
            for w in terms.windows(2) {
                let ((a, ta), (b, tb)) = (w[0], w[1]);
                if ta.to.is_none_or(|end| tb.from < end) {
                    found.push((
                        b,
                        format!(
                            "term in office \"{office}\" from {} overlaps {}'s term from {}{}",
                            Date::from_day(tb.from),
                            if a == b {
                                "their own".to_string()
                            } else {
                                format!("\"{}\"", out[a].id)
                            },
                            Date::from_day(ta.from),
                            ta.to.map_or(" (which has no end)".to_string(), |t| format!(
                                " to {}",
                                Date::from_day(t)
                            ))
                        ),
                    ));
                }
            }
        }
        for (b, msg) in found {
            let loc = self.find("id", &out[b].id);
            self.problem(format!("leader \"{}\"", out[b].id), loc, msg, Some("one office holds one person at a time: end the earlier term (`to`) on or before the later one starts".to_string()));
        }
        out
    }

    fn actors(&mut self, actors: &[ActorFile]) -> Vec<Actor> {
        actors
            .iter()
            .map(|a| {
                if let (Some(from), Some(to)) = (a.from, a.to)
                    && to <= from
                {
                    let loc = self.find("id", &a.id);
                    self.problem(
                        format!("actor \"{}\"", a.id),
                        loc,
                        format!("ends ({to}) on or before it starts ({from})"),
                        None,
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
        f: &ScenarioFile,
        names: &Names,
        scale: &Scale,
        leaders: &[Leader],
        actors: &[Actor],
        parties: &[Party],
        fades: &mut Vec<f64>,
    ) -> Event {
        let loc = self.find("id", &e.id);
        let subject = match e.date {
            Some(d) => format!("event \"{}\" ({d})", e.id),
            None if e.mtth.is_some() => format!("event \"{}\" (triggered)", e.id),
            None => format!("event \"{}\" (follow-up)", e.id),
        };
        let timing = match (e.date, e.mtth) {
            (Some(_), Some(_)) => {
                self.problem(subject.clone(), loc.clone(), "has both a date and a mean time to happen".to_string(), Some("a dated event happens on its date; a triggered event (mtth) has no date: keep one".to_string()));
                Timing::FollowUp
            }
            (Some(date), None) => {
                if date < f.span.0 || date > f.span.1 {
                    self.problem(
                        subject.clone(),
                        loc.clone(),
                        format!(
                            "its date lies outside the scenario's span, {} to {}",
                            f.span.0, f.span.1
                        ),
                        Some("move the event, or widen `span`".to_string()),
                    );
                }
                if e.repeat {
                    self.problem(
                        subject.clone(),
                        loc.clone(),
                        "`repeat` is only for triggered events".to_string(),
                        None,
                    );
                }
                Timing::Dated {
                    date,
                    window: e.window.unwrap_or(0),
                }
            }
            (None, Some(mtth)) => {
                if !(mtth.is_finite() && mtth > 0.0) {
                    self.problem(subject.clone(), loc.clone(), format!("mtth is {mtth}; a mean time to happen must be a positive number of days"), None);
                }
                if e.when.is_none() {
                    self.problem(
                        subject.clone(),
                        loc.clone(),
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
        if e.window.is_some() && e.date.is_none() {
            self.problem(
                subject.clone(),
                loc.clone(),
                "a date window needs a date".to_string(),
                None,
            );
        }
        let chance = e.chance.unwrap_or(1.0);
        if !(0.0..=1.0).contains(&chance) {
            self.problem(
                subject.clone(),
                loc.clone(),
                format!("chance is {chance}; a probability lies in [0, 1]"),
                Some("write e.g. chance: 0.25 for one in four".to_string()),
            );
        }
        let day = e.date.map(Date::day);
        let mut refs = Vec::new();
        for a in &e.actors {
            if let Some(&i) = names.states.get(a) {
                refs.push(ActorRef::State(i));
            } else if let Some(&i) = names.parties.get(a) {
                refs.push(ActorRef::Party(i));
            } else if let Some(&i) = names.leaders.get(a) {
                refs.push(ActorRef::Leader(i));
                if let Some(d) = day
                    && !leaders[i].in_office_on(d)
                {
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
                    self.problem(
                        subject.clone(),
                        loc.clone(),
                        format!(
                            "leader \"{a}\" acts but is not in office on {}",
                            e.date.unwrap_or(f.span.0)
                        ),
                        Some(format!("their terms: {}", terms.join(", "))),
                    );
                }
            } else if let Some(&i) = names.actors.get(a) {
                refs.push(ActorRef::Actor(i));
                let x = &actors[i];
                if let Some(d) = day
                    && (x.from.is_some_and(|from| d < from) || x.to.is_some_and(|to| d >= to))
                {
                    self.problem(
                        subject.clone(),
                        loc.clone(),
                        format!("actor \"{a}\" does not exist on {}", Date::from_day(d)),
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
                self.unknown(&subject, &loc, "actor", a, &all);
            }
        }
        let when = e
            .when
            .as_ref()
            .map(|c| self.condition(c, &subject, &loc, names, scale));
        let effects = e
            .effects
            .iter()
            .filter_map(|x| {
                self.effect(x, e, &subject, &loc, names, scale, parties, leaders, fades)
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
            stream: stream_id(&e.id),
        }
    }

    fn value(
        &mut self,
        v: &ValueFile,
        subject: &str,
        loc: &Option<Location>,
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
        if !self.finite(subject, loc, what, a) || !self.finite(subject, loc, what, b) {
            return Value::Fixed(0.0);
        }
        match v {
            Value::Uniform(a, b) if a > b => self.problem(
                subject.to_string(),
                loc.clone(),
                format!("{what} is Uniform({a}, {b}): the low end exceeds the high end"),
                Some("write Uniform(low, high)".to_string()),
            ),
            Value::Normal(_, s) if s < 0.0 => self.problem(
                subject.to_string(),
                loc.clone(),
                format!("{what} has a negative standard deviation ({s})"),
                None,
            ),
            _ => {}
        }
        let mean_or_ends = match v {
            Value::Normal(m, _) => (m, m),
            _ => (a, b),
        };
        if mean_or_ends.0.abs() > limit || mean_or_ends.1.abs() > limit {
            self.problem(subject.to_string(), loc.clone(), format!("{what} is off the scale: {} is beyond ±{limit}", if mean_or_ends.0.abs() > limit { mean_or_ends.0 } else { mean_or_ends.1 }), Some(format!("one effect may move the raw score by at most ±{limit} (twice the scale's bound)")));
        }
        v
    }

    fn effect(
        &mut self,
        x: &EffectFile,
        e: &EventFile,
        subject: &str,
        loc: &Option<Location>,
        names: &Names,
        scale: &Scale,
        parties: &[Party],
        leaders: &[Leader],
        fades: &mut Vec<f64>,
    ) -> Option<Effect> {
        let lookup =
            |v: &mut Self, kind: &str, id: &str, map: &HashMap<String, usize>| -> Option<usize> {
                let r = map.get(id).copied();
                if r.is_none() {
                    v.unknown(subject, loc, kind, id, map);
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
                let level = match level {
                    LevelFile::State => Level::State,
                    LevelFile::Party(a, b) => {
                        let (a, b) = (
                            lookup(self, "party", a, &names.parties)?,
                            lookup(self, "party", b, &names.parties)?,
                        );
                        if parties[a].state == parties[b].state {
                            self.problem(subject.to_string(), loc.clone(), format!("a party-level modifier binds a party of each state, but \"{}\" and \"{}\" belong to one state", parties[a].id, parties[b].id), None);
                        }
                        Level::Party(a, b)
                    }
                    LevelFile::Leader(a, b) => {
                        let (a, b) = (
                            lookup(self, "leader", a, &names.leaders)?,
                            lookup(self, "leader", b, &names.leaders)?,
                        );
                        if leaders[a].state == leaders[b].state {
                            self.problem(subject.to_string(), loc.clone(), format!("a leader-level modifier binds a leader of each state, but \"{}\" and \"{}\" serve one state", leaders[a].id, leaders[b].id), None);
                        }
                        Level::Leader(a, b)
                    }
                };
                let value =
                    self.value(value, subject, loc, "a modifier's value", 2.0 * scale.bound);
                let (half_life, until) = match *fade {
                    FadeFile::Days(d) => (d, None),
                    FadeFile::Years(y) => (y * DAYS_PER_YEAR, None),
                    FadeFile::Permanent => (f64::INFINITY, None),
                    FadeFile::Until(date) => {
                        if e.date.is_some_and(|d| date <= d) {
                            self.problem(
                                subject.to_string(),
                                loc.clone(),
                                format!(
                                    "a modifier ends on {date}, not after the event's own date"
                                ),
                                None,
                            );
                        }
                        (f64::INFINITY, Some(date.day()))
                    }
                };
                if half_life.is_nan() || half_life <= 0.0 {
                    self.problem(
                        subject.to_string(),
                        loc.clone(),
                        format!("a half-life of {half_life} days; it must be a positive number"),
                        Some(
                            "write Years(5.0), Days(90.0), Permanent or Until(\"YYYY-MM-DD\")"
                                .to_string(),
                        ),
                    );
                    return None;
                }
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
                let p = lookup(self, "party", party, &names.parties);
                let a = lookup(self, "axis", axis, &names.axes);
                let shift = self.value(shift, subject, loc, "an ideology shift", 2.0);
                Some(Effect::Ideology {
                    party: p?,
                    axis: a?,
                    shift,
                })
            }
            EffectFile::Rule { state, party } => {
                let s = lookup(self, "state", state, &names.states)?;
                let p = lookup(self, "party", party, &names.parties)?;
                if parties[p].state != s {
                    self.problem(subject.to_string(), loc.clone(), format!("party \"{party}\" cannot rule \"{state}\": it belongs to the other state"), None);
                }
                Some(Effect::Rule { state: s, party: p })
            }
            EffectFile::TakeOffice { leader, office } => Some(Effect::TakeOffice {
                leader: lookup(self, "leader", leader, &names.leaders)?,
                office: office.clone(),
            }),
            EffectFile::LeaveOffice { leader } => Some(Effect::LeaveOffice {
                leader: lookup(self, "leader", leader, &names.leaders)?,
            }),
            EffectFile::FollowUp { event, after } => {
                let i = lookup(self, "event", event, &names.events)?;
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
        subject: &str,
        loc: &Option<Location>,
        names: &Names,
        scale: &Scale,
    ) -> Condition {
        let get = |v: &mut Self, kind: &str, id: &str, map: &HashMap<String, usize>| -> usize {
            map.get(id).copied().unwrap_or_else(|| {
                v.unknown(subject, loc, kind, id, map);
                0
            })
        };
        let threshold = |v: &mut Self, x: f64| {
            if v.finite(subject, loc, "a score threshold", x) && x.abs() > scale.bound {
                v.problem(
                    subject.to_string(),
                    loc.clone(),
                    format!(
                        "the score threshold {x} is off the scale [-{0}, {0}]",
                        scale.bound
                    ),
                    None,
                );
            }
            x
        };
        match c {
            ConditionFile::Rules(s, p) => Condition::Rules(
                get(self, "state", s, &names.states),
                get(self, "party", p, &names.parties),
            ),
            ConditionFile::InOffice(l) => {
                Condition::InOffice(get(self, "leader", l, &names.leaders))
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
                    self.unknown(subject, loc, "band", b, &map);
                    Condition::Band(0.0, 0.0)
                }
            },
            ConditionFile::Happened(ev) => {
                Condition::Happened(get(self, "event", ev, &names.events))
            }
            ConditionFile::After(d) => Condition::After(d.day()),
            ConditionFile::Before(d) => Condition::Before(d.day()),
            ConditionFile::All(cs) => Condition::All(
                cs.iter()
                    .map(|c| self.condition(c, subject, loc, names, scale))
                    .collect(),
            ),
            ConditionFile::Any(cs) => Condition::Any(
                cs.iter()
                    .map(|c| self.condition(c, subject, loc, names, scale))
                    .collect(),
            ),
            ConditionFile::Not(c) => {
                Condition::Not(Box::new(self.condition(c, subject, loc, names, scale)))
            }
        }
    }

    /// Follow-up targets must be undated; chains of zero-delay follow-ups must not loop;
    /// an undated, untriggered event must be the target of some follow-up.
    fn follow_ups(&mut self, events: &[Event]) {
        let mut targeted = vec![false; events.len()];
        let mut zero: Vec<Vec<usize>> = vec![Vec::new(); events.len()];
        for (i, e) in events.iter().enumerate() {
            for x in &e.effects {
                if let Effect::FollowUp { event, after } = *x {
                    targeted[event] = true;
                    if events[event].timing != Timing::FollowUp {
                        let loc = self.find("id", &e.id);
                        self.problem(format!("event \"{}\"", e.id), loc, format!("schedules \"{}\" as a follow-up, but that event has a date or an mtth of its own", events[event].id), Some("a follow-up target has neither `date` nor `mtth`".to_string()));
                    }
                    if after == 0 {
                        zero[i].push(event);
                    }
                }
            }
        }
        for (i, e) in events.iter().enumerate() {
            if e.timing == Timing::FollowUp && !targeted[i] {
                let loc = self.find("id", &e.id);
                self.problem(format!("event \"{}\"", e.id), loc, "has no date, no mtth, and no event schedules it, so it can never happen".to_string(), Some("give it a `date`, or an `mtth` and `when`, or schedule it with FollowUp(event: ..., after: days)".to_string()));
            }
        }
        // Depth-first search for a cycle of zero-delay follow-ups.
        let mut colour = vec![0u8; events.len()];
        for start in 0..events.len() {
            let mut stack = vec![(start, 0usize)];
            let mut path = vec![start];
            if colour[start] != 0 {
                continue;
            }
            colour[start] = 1;
            while let Some(&mut (node, ref mut next)) = stack.last_mut() {
                if let Some(&to) = zero[node].get(*next) {
                    *next += 1;
                    if colour[to] == 1 {
                        let at = path.iter().position(|&p| p == to).unwrap_or(0);
                        let mut cycle: Vec<&str> =
                            path[at..].iter().map(|&p| events[p].id.as_str()).collect();
                        cycle.push(&events[to].id);
                        let loc = self.find("id", &events[to].id);
                        self.problem(format!("event \"{}\"", events[to].id), loc, format!("follow-ups form a cycle that never advances time: {}", cycle.join(" -> ")), Some("give one follow-up in the cycle a delay of at least one day (`after: 1`)".to_string()));
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
        let mut eras = Vec::new();
        for era in &t.eras {
            if era.to < era.from || era.from < span.0 || era.to > span.1 {
                let loc = self.find("label", &era.label);
                self.problem(
                    format!("era \"{}\"", era.label),
                    loc,
                    format!(
                        "runs {} to {}, which is backwards or outside the span {} to {}",
                        era.from, era.to, span.0, span.1
                    ),
                    None,
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
        for c in &t.checkpoints {
            let subject = format!("checkpoint \"{}\"", c.id);
            let loc = self.find("id", &c.id);
            if !ids.insert(c.id.clone()) {
                self.problem(
                    subject.clone(),
                    loc.clone(),
                    "duplicate checkpoint id".to_string(),
                    None,
                );
            }
            let to = c.to.unwrap_or(c.from);
            if to < c.from || c.from < span.0 || to > span.1 {
                self.problem(
                    subject.clone(),
                    loc.clone(),
                    format!(
                        "runs {} to {}, which is backwards or outside the span {} to {}",
                        c.from, to, span.0, span.1
                    ),
                    None,
                );
            }
            let band = |v: &mut Self, name: &str| -> Option<usize> {
                let r = scale.find(name);
                if r.is_none() {
                    let map = scale
                        .bands
                        .iter()
                        .enumerate()
                        .map(|(i, b)| (b.name.clone(), i))
                        .collect();
                    v.unknown(&subject, &loc, "band", name, &map);
                }
                r
            };
            let (lo, hi, expect) = match &c.expect {
                ExpectFile::Band(b) => match band(self, b) {
                    Some(i) => (scale.bands[i].lo, scale.bands[i].hi, b.clone()),
                    None => (0.0, 0.0, b.clone()),
                },
                ExpectFile::Bands(a, b) => match (band(self, a), band(self, b)) {
                    (Some(i), Some(j)) => {
                        if i > j {
                            self.problem(
                                subject.clone(),
                                loc.clone(),
                                format!("Bands(\"{a}\", \"{b}\") runs downwards"),
                                Some(format!("write Bands(\"{b}\", \"{a}\")")),
                            );
                        }
                        (scale.bands[i].lo, scale.bands[j].hi, format!("{a} to {b}"))
                    }
                    _ => (0.0, 0.0, String::new()),
                },
                ExpectFile::Range(lo, hi) => {
                    if self.finite(&subject, &loc, "the range", *lo)
                        && self.finite(&subject, &loc, "the range", *hi)
                        && (lo >= hi || lo.abs() > scale.bound || hi.abs() > scale.bound)
                    {
                        self.problem(
                            subject.clone(),
                            loc.clone(),
                            format!(
                                "Range({lo}, {hi}) is empty or off the scale [-{0}, {0}]",
                                scale.bound
                            ),
                            None,
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

/// "Mao Zedong" -> "M.Z.".
fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|w| w.chars().next())
        .map(|c| format!("{c}."))
        .collect()
}
