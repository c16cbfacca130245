//! Events: timing (a date with its window, an mtth, or neither), chance, who acts and
//! whether they are there on every day the event may fall, and the follow-up graph
//! (targets undated, every event reachable, no zero-delay cycle).

use super::*;

impl Validator {
    /// The event `e` (at `at`) as the engine runs it, its problems noted; `span` is the
    /// span simulated, which starts with the prelude of included files.
    pub(super) fn event(
        &mut self,
        e: &EventFile,
        at: At,
        span: (Date, Date),
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
                if date < span.0 || date > span.1 {
                    self.problems.push(
                        subject.clone(),
                        at.field("date"),
                        format!(
                            "its date lies outside the scenario's span, {} to {}",
                            span.0, span.1
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
                (d.day() - w).max(span.0.day()),
                (d.day() + w).min(span.1.day()),
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
            .map(|c| self.condition(c, &subject, &at.field("when"), names, scale, parties, None));
        let effects: Vec<Effect> = e
            .effects
            .iter()
            .enumerate()
            .filter_map(|(k, x)| {
                let xat = at.field("effects").index(k);
                self.effect(x, e, &subject, &xat, names, scale, parties, leaders, fades)
            })
            .collect();
        let pairs = pairs::event_pairs(&effects, &refs, names, parties, leaders);
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
            pairs,
            stream: crate::random::stream_id(&e.id),
        }
    }

    /// Follow-up targets must be undated; chains of zero-delay follow-ups must not loop;
    /// an undated, untriggered event must be reachable by follow-ups from an event that has
    /// a date or an mtth of its own.
    pub(super) fn follow_ups(&mut self, events: &[Event], files: &[EventFile], names: &Names) {
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
}
