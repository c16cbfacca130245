//! Effects: modifiers (level, value, fade) and whether they can ever count, ideology
//! shifts, changes of government and office, and follow-ups; values and their bounds.

use super::*;

/// The hint of both warnings about a party-level modifier that can never count.
const PARTY_HINT: &str = "a party-level modifier counts only while both parties rule: bind the parties that rule, or use level: State";

impl Validator {
    pub(super) fn value(
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
    /// one of which never rules, or that never both rule, or between leaders who are never
    /// both in office, from the event's earliest day until the modifier ends. Leaders that
    /// an event puts in office (`TakeOffice`) are not judged by their terms alone, and are
    /// let be.
    #[allow(clippy::too_many_arguments, reason = "the validator's shared context")]
    pub(super) fn counts_ever(
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
        // The days the modifier may count on: from the event's earliest day to its end.
        let from = e
            .date
            .map_or(names.span.0, |d| d.day() - e.window.unwrap_or(0) as Day);
        let to = until.unwrap_or(names.span.1 + 1).min(names.span.1 + 1);
        let since = Date::from_day(from.max(names.span.0));
        match *level {
            Level::State => {}
            Level::Party(a, b) => {
                let ruling = |p: usize| names.rulers.get(&parties[p].id);
                if let Some(p) = [a, b].into_iter().find(|&p| ruling(p).is_none()) {
                    self.warnings.push(
                        subject.clone(),
                        at.clone(),
                        format!(
                            "this party-level modifier can never count: \"{}\" never rules its state (it does not rule on the first day and no event brings it to power)",
                            parties[p].id
                        ),
                        Some(PARTY_HINT.to_string()),
                    );
                } else if let (Some(pa), Some(pb)) = (ruling(a), ruling(b))
                    && !together(pa, pb, (from, to))
                {
                    self.warnings.push(
                        subject.clone(),
                        at.clone(),
                        format!(
                            "this party-level modifier can never count: \"{}\" and \"{}\" never both rule from {since} on",
                            parties[a].id, parties[b].id
                        ),
                        Some(PARTY_HINT.to_string()),
                    );
                }
            }
            Level::Leader(a, b) => {
                let (la, lb) = (&leaders[a], &leaders[b]);
                if names.appointed.contains(&la.id) || names.appointed.contains(&lb.id) {
                    return;
                }
                let held = |l: &Leader| -> Vec<(Day, Day)> {
                    l.terms
                        .iter()
                        .map(|t| (t.from, t.to.unwrap_or(Day::MAX)))
                        .collect()
                };
                if !together(&held(la), &held(lb), (from, to)) {
                    self.warnings.push(
                        subject.clone(),
                        at.clone(),
                        format!(
                            "this leader-level modifier can never count: \"{}\" and \"{}\" are never both in office from {} on",
                            la.id, lb.id, since
                        ),
                        Some("a leader-level modifier counts only while both leaders hold office: bind leaders in office together, or use level: Party or State".to_string()),
                    );
                }
            }
        }
    }

    /// The end of a modifier tied to event `id` (`UntilEvent`): an event of the file, or
    /// one a counterfactual's change removed (an end that never comes).
    fn tied_end(
        &mut self,
        subject: &Subject,
        at: &At,
        e: &EventFile,
        id: &str,
        names: &Names,
    ) -> Option<End> {
        let event = names.events.get(id).copied();
        if event.is_none() && !names.removed.contains(id) {
            self.unknown(subject, at, "event", id, &names.events);
            return None;
        }
        if id == e.id {
            self.problems.push(
                subject.clone(),
                at.clone(),
                format!("a modifier that ends when its own event \"{id}\" happens never counts"),
                Some("tie it to the event whose coming ends it, or write Permanent".to_string()),
            );
            return None;
        }
        let day = names.nominal.get(id).copied().flatten().unwrap_or(Day::MAX);
        Some(End {
            day,
            cause: Some(Cause {
                id: id.to_string(),
                event,
            }),
        })
    }

    pub(super) fn effect(
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
        let lookup = |v: &mut Self, kind: &str, id: &str, map: &HashMap<String, usize>, at: At| {
            v.lookup(subject, &at, kind, id, map)
        };
        match x {
            EffectFile::Modifier {
                level,
                value,
                fade,
                label,
            } => {
                let lat = at.field("level");
                // The level, and the pair of states it moves (`None` once a problem is
                // found, so the effect is left out).
                let (level, pair) = match level {
                    LevelFile::State => {
                        let p = self.only_pair(subject, &lat, names, "level: State", |all| {
                            format!(
                                "write level: States{} with the two states whose relation it moves; the file's pairs: {all}",
                                names.example()
                            )
                        });
                        (Level::State, Some(p))
                    }
                    LevelFile::States(a, b) => (
                        Level::State,
                        self.named_pair(subject, &lat, (a, b), names, "an effect"),
                    ),
                    LevelFile::Party(a, b) => {
                        let (a, b) = (
                            lookup(self, "party", a, &names.parties, lat.index(0)),
                            lookup(self, "party", b, &names.parties, lat.index(1)),
                        );
                        let (a, b) = (a?, b?);
                        let (sa, sb) = (parties[a].state, parties[b].state);
                        let pair = if sa == sb {
                            self.problems.push(subject.clone(), lat.clone(), format!("a party-level modifier binds a party of each state, but \"{}\" and \"{}\" belong to one state", parties[a].id, parties[b].id), None);
                            None
                        } else {
                            self.modelled(subject, &lat, (sa, sb), names, "an effect")
                        };
                        (Level::Party(a, b), pair)
                    }
                    LevelFile::Leader(a, b) => {
                        let (a, b) = (
                            lookup(self, "leader", a, &names.leaders, lat.index(0)),
                            lookup(self, "leader", b, &names.leaders, lat.index(1)),
                        );
                        let (a, b) = (a?, b?);
                        let (sa, sb) = (leaders[a].state, leaders[b].state);
                        let pair = if sa == sb {
                            self.problems.push(subject.clone(), lat.clone(), format!("a leader-level modifier binds a leader of each state, but \"{}\" and \"{}\" serve one state", leaders[a].id, leaders[b].id), None);
                            None
                        } else {
                            self.modelled(subject, &lat, (sa, sb), names, "an effect")
                        };
                        (Level::Leader(a, b), pair)
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
                let (half_life, until) = match fade {
                    FadeFile::Days(d) => (*d, None),
                    FadeFile::Years(y) => (y * DAYS_PER_YEAR, None),
                    FadeFile::Permanent => (f64::INFINITY, None),
                    FadeFile::Until(date) => {
                        if e.date.is_some_and(|d| *date <= d) {
                            self.problems.push(
                                subject.clone(),
                                fat.clone(),
                                format!(
                                    "a modifier ends on {date}, not after the event's own date"
                                ),
                                Some("`Until` names the first day it no longer counts".to_string()),
                            );
                        } else if let Some(ids) = names.dated.get(&date.day()) {
                            let ids: Vec<String> = ids
                                .iter()
                                .map(|id| format!("UntilEvent(\"{id}\")"))
                                .collect();
                            self.warnings.push(
                                subject.clone(),
                                fat.clone(),
                                format!(
                                    "this modifier ends on {date}, the date of {}; if it ends because that happens, tie it to the event, so that a what-if that removes or moves the event keeps or moves the end",
                                    names.dated_titles(date.day())
                                ),
                                Some(format!("did you mean {}?", ids.join(" or "))),
                            );
                        }
                        (f64::INFINITY, Some(End::on(date.day())))
                    }
                    FadeFile::UntilEvent(id) => {
                        let end = self.tied_end(subject, &fat.index(0), e, id, names)?;
                        (f64::INFINITY, Some(end))
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
                            "write Years(5.0), Days(90.0), Permanent, Until(\"YYYY-MM-DD\") or UntilEvent(\"event id\")"
                                .to_string(),
                        ),
                    );
                    return None;
                }
                let last = until.as_ref().and_then(End::fixed);
                self.counts_ever(&level, e, last, subject, &lat, names, leaders, parties);
                let fade = match fades.iter().position(|&h| h == half_life) {
                    Some(i) => i,
                    None => {
                        fades.push(half_life);
                        fades.len() - 1
                    }
                };
                Some(Effect::Modifier {
                    pair: pair?,
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
                    self.problems.push(
                        subject.clone(),
                        at.field("party"),
                        format!(
                            "party \"{party}\" cannot rule \"{state}\": it belongs to another state"
                        ),
                        Some("a state is ruled by one of its own parties".to_string()),
                    );
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
            EffectFile::Reanchor { states, to } => {
                let pair = match states {
                    Some((a, b)) => {
                        self.named_pair(subject, &at.field("states"), (a, b), names, "a re-anchor")
                    }
                    None => Some(self.only_pair(subject, at, names, "a re-anchor without states", |all| {
                        format!(
                            "write Reanchor(states: {}) with the two states whose relation starts again; the file's pairs: {all}",
                            names.example()
                        )
                    })),
                };
                if let Some(x) = to
                    && self.finite(subject, &at.field("to"), "a re-anchor's level", *x)
                    && x.abs() > scale.bound
                {
                    self.problems.push(
                        subject.clone(),
                        at.field("to"),
                        format!(
                            "a re-anchor's level is off the scale: {} is beyond ±{}",
                            num(*x),
                            num(scale.bound)
                        ),
                        Some("`to` is a score on the scale; leave it out to start from the structural part".to_string()),
                    );
                }
                Some(Effect::Reanchor {
                    pair: pair?,
                    to: *to,
                })
            }
        }
    }

    /// The scenario's dynamics: a gain in (0, 10] and a drift that is a positive,
    /// finite half-life or `Permanent` (no drift).
    pub(super) fn dynamics(&mut self, d: Option<&DynamicsFile>, at: &At) -> Dynamics {
        let Some(file @ DynamicsFile::Accumulating { gain, drift: fade }) = d else {
            return Dynamics::Decaying;
        };
        let top = Subject::Scenario;
        if !(gain.is_finite() && *gain > 0.0 && *gain <= 10.0) {
            self.problems.push(
                top.clone(),
                at.field("gain"),
                format!("the gain is {}; it must be above 0 and at most 10", num(*gain)),
                Some("an event of value v moves the level by gain·v at the middle of the scale: 1 keeps the events' sizes".to_string()),
            );
        }
        let dynamics = Dynamics::of(file);
        // A drift that ends is no half-life; `Dynamics::of` reads it as none.
        let ends = matches!(fade, FadeFile::Until(_) | FadeFile::UntilEvent(_));
        if let Dynamics::Accumulating { drift, .. } = dynamics
            && (ends || drift.is_nan() || drift <= 0.0)
        {
            self.problems.push(
                top,
                at.field("drift"),
                "the drift must be a positive half-life (Days(..) or Years(..)), or Permanent for none".to_string(),
                Some("write drift: Years(10.0), or drift: Permanent".to_string()),
            );
        }
        dynamics
    }
}

impl Validator {
    /// The coupling between the pairs: a rate per year in [0, the most allowed]; `None`
    /// when it is left out or 0, so that the engine computes nothing for it.
    pub(super) fn coupling(&mut self, c: Option<&CouplingFile>, at: &At) -> Option<Coupling> {
        let rate = c?.rate;
        let most = limits::MAX_COUPLING_RATE;
        if !(rate.is_finite() && (0.0..=most).contains(&rate)) {
            let why = if rate.is_nan() {
                "is not a number".to_string()
            } else if rate < 0.0 {
                format!("is {}, below 0: a coupling cannot run backwards", num(rate))
            } else {
                format!("is {}, above the most allowed ({most} a year)", num(rate))
            };
            self.problems.push(
                Subject::Scenario,
                at.field("rate"),
                format!("the coupling's rate {why}"),
                Some(format!("a rate per year from 0 (no coupling) to {most} (a coupling term that closes most of its gap within a month, the step it is updated at); 0.5 closes 39% of it in a year")),
            );
            return None;
        }
        (rate > 0.0).then_some(Coupling { rate })
    }
}

/// Whether two sets of days [from, to) share a day within `(from, to)`: two leaders'
/// terms, or the days two parties may rule.
fn together(a: &[(Day, Day)], b: &[(Day, Day)], (from, to): (Day, Day)) -> bool {
    a.iter().any(|&(a_from, a_to)| {
        b.iter()
            .any(|&(b_from, b_to)| a_from.max(b_from).max(from) < a_to.min(b_to).min(to))
    })
}

/// For each party that may rule, the days [from, to) on which it may, as wide as any run
/// of the scenario allows; `span` is the span simulated.
///
/// A state whose every change of government (`Rule`) is certain (a dated event with
/// chance 1 and no guard) and whose changes' windows do not overlap has one order of
/// rulers: each rules from the earliest day it may come to power to the latest day the
/// next change may fall. Any other change (chance below 1, a guard, a follow-up or
/// triggered event, overlapping windows) may happen or not, early or late, so each party
/// of such a state may rule from the earliest day it may come to power on.
pub(super) fn rule_periods(
    f: &ScenarioFile,
    span: (Date, Date),
) -> HashMap<String, Vec<(Day, Day)>> {
    let (start, end) = (span.0.day(), span.1.day() + 1);
    let mut out: HashMap<String, Vec<(Day, Day)>> = HashMap::new();
    for s in &f.states {
        // Each change of government: (earliest day, latest day, party, certain).
        let mut rises: Vec<(Day, Day, &str, bool)> = Vec::new();
        for e in &f.events {
            for x in &e.effects {
                let EffectFile::Rule { state, party } = x else {
                    continue;
                };
                if *state != s.id {
                    continue;
                }
                rises.push(match e.date {
                    Some(d) => {
                        let w = e.window.unwrap_or(0) as Day;
                        let certain = e.chance.unwrap_or(1.0) >= 1.0 && e.when.is_none();
                        (d.day() - w, d.day() + w, party, certain)
                    }
                    None => (start, end, party, false),
                });
            }
        }
        rises.sort_by_key(|&(lo, hi, _, _)| (lo, hi));
        let one_order = rises.iter().all(|r| r.3) && rises.windows(2).all(|w| w[0].1 < w[1].0);
        let mut may_rule = |party: &str, period: (Day, Day)| {
            out.entry(party.to_string()).or_default().push(period)
        };
        if one_order {
            let ends = rises.iter().map(|r| r.1 + 1).chain([Day::MAX]);
            let starts = [(start, s.ruling.as_str())]
                .into_iter()
                .chain(rises.iter().map(|r| (r.0, r.2)));
            for ((from, party), to) in starts.zip(ends) {
                may_rule(party, (from, to));
            }
        } else {
            may_rule(&s.ruling, (start, Day::MAX));
            for &(from, _, party, _) in &rises {
                may_rule(party, (from, Day::MAX));
            }
        }
    }
    out
}
