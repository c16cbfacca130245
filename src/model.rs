//! The ECS vocabulary: the components of the entities the score is computed from, the
//! resources of a run, and the guards that read them.
//!
//! Entities: each state ([`StateIdx`], [`Ruling`]), each party ([`PartyIdx`], [`Ideology`]),
//! each leader ([`LeaderIdx`], [`Offices`]) and the relation of each pair of states the
//! scenario models ([`PairIdx`], [`crate::relation::Relation`], [`crate::relation::Gates`],
//! [`crate::relation::Ledger`]). They carry the scenario's stable indices as components; no
//! `Entity` ever reaches an output. In bevy_ecs 0.20 resources are entities too, so every
//! query names one of these components.
//!
//! Relationships tie the entities together: a party and a leader are [`MemberOf`] their
//! state, and a relation is [`Between`] its first state [`And`] its second. A state's
//! [`Members`], [`RelationsFirst`] and [`RelationsSecond`] are kept by bevy from those, so
//! "this state changed its government" finds the state's relations by traversal.

use bevy_ecs::prelude::*;

use crate::date::Day;
use crate::random::Streams;
use crate::scenario::Condition;

/// Marks a state entity with its index in the scenario.
#[derive(Component, Clone, Copy, Debug)]
pub struct StateIdx(pub usize);

/// The party ruling a state (index into the scenario's parties).
#[derive(Component, Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ruling(pub usize);

/// Marks a relation's entity with the index of its pair of states in the scenario.
#[derive(Component, Clone, Copy, Debug)]
pub struct PairIdx(pub usize);

/// A party or leader belongs to a state.
#[derive(Component, Clone, Copy, Debug, PartialEq, Eq)]
#[relationship(relationship_target = Members)]
pub struct MemberOf(pub Entity);

/// The parties and leaders of a state (kept by bevy from their [`MemberOf`]).
#[derive(Component, Debug, Default, PartialEq, Eq)]
#[relationship_target(relationship = MemberOf)]
pub struct Members(Vec<Entity>);

/// A relation is between this state (the first of its pair) ...
#[derive(Component, Clone, Copy, Debug, PartialEq, Eq)]
#[relationship(relationship_target = RelationsFirst)]
pub struct Between(pub Entity);

/// ... and this one (the second).
#[derive(Component, Clone, Copy, Debug, PartialEq, Eq)]
#[relationship(relationship_target = RelationsSecond)]
pub struct And(pub Entity);

/// The relations a state is the first state of (kept by bevy from [`Between`]).
#[derive(Component, Debug, Default, PartialEq, Eq)]
#[relationship_target(relationship = Between)]
pub struct RelationsFirst(Vec<Entity>);

/// The relations a state is the second state of (kept by bevy from [`And`]).
#[derive(Component, Debug, Default, PartialEq, Eq)]
#[relationship_target(relationship = And)]
pub struct RelationsSecond(Vec<Entity>);

/// Marks a party entity with its index.
#[derive(Component, Clone, Copy, Debug)]
pub struct PartyIdx(pub usize);

/// A party's position on each ideology axis, each in [−1, 1].
#[derive(Component, Clone, Debug, PartialEq)]
pub struct Ideology(pub Vec<f64>);

/// Marks a leader entity with its index.
#[derive(Component, Clone, Copy, Debug)]
pub struct LeaderIdx(pub usize);

/// The offices a leader holds today; empty when out of office.
#[derive(Component, Clone, Debug, Default, PartialEq)]
pub struct Offices(pub Vec<String>);

/// What the loop hands the step system for one day and gets back: the day, the items due
/// (every item due that day, in queue order), the follow-ups the day's events schedule
/// (which the loop queues after them), and the run's random streams and history, which the
/// loop's monthly pulse uses too. The system gets it as its input (`InMut<Turn>`): no
/// resource lookup, and the loop owns it between days.
#[derive(Clone, Debug, Default)]
pub struct Turn {
    /// Days since 1970-01-01.
    pub day: Day,
    /// The items due today, in queue order.
    pub due: Vec<Item>,
    /// Follow-ups scheduled today, in the order they were scheduled.
    pub outbox: Vec<(Day, Item)>,
    /// The run's random streams.
    pub streams: Streams,
    /// What has fired so far.
    pub history: History,
    /// Each pair's score before the event in hand, in pair order (reused).
    pub scores: Vec<f64>,
    /// Whether only the run's scores are kept: the events that fire are then not logged
    /// in [`History::log`], and no score is taken only for the log. `false` (the
    /// default): every event is logged with its pairs' scores before and after it.
    pub scores_only: bool,
}

/// What the queue holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Item {
    /// A leader's term ends (leader, term index).
    TermEnd(usize, usize),
    /// A leader's term starts (leader, term index).
    TermStart(usize, usize),
    /// A scenario event is due (index).
    Event(usize),
}

/// What has happened in the run so far: how often each event fired, and the log.
#[derive(Clone, Debug, Default)]
pub struct History {
    /// Times each event has fired.
    pub fired: Vec<u32>,
    /// Events fired in the run so far.
    pub total: u32,
    /// The events fired, in the order they fired, once per pair each is logged on (unless
    /// [`Turn::scores_only`]).
    pub log: Vec<FiredEvent>,
    /// The last event that fired, and its day.
    pub last: Option<(usize, Day)>,
}

impl History {
    /// Empties the history for a scenario of `events` events.
    pub fn reset(&mut self, events: usize) {
        self.fired.clear();
        self.fired.resize(events, 0);
        self.total = 0;
        self.log.clear();
        self.last = None;
    }
}

/// What a guard reads of the world, however it is reached: who rules each state, whether
/// a leader is in office, which events have fired.
pub trait Facts {
    /// The party ruling state `state`.
    fn ruling(&self, state: usize) -> usize;
    /// Whether leader `leader` holds an office.
    fn in_office(&self, leader: usize) -> bool;
    /// How many times event `event` has fired.
    fn fired(&self, event: usize) -> u32;
}

/// Whether a guard holds on `day` with each pair's relation at `scores[pair]`.
pub fn holds(c: &Condition, day: Day, scores: &[f64], facts: &impl Facts) -> bool {
    match c {
        Condition::Rules(s, p) => facts.ruling(*s) == *p,
        Condition::InOffice(l) => facts.in_office(*l),
        Condition::ScoreAtLeast(p, x) => scores[*p] >= *x,
        Condition::ScoreBelow(p, x) => scores[*p] < *x,
        Condition::Band(p, lo, hi) => scores[*p] >= *lo && scores[*p] < *hi,
        Condition::Happened(e) => facts.fired(*e) > 0,
        Condition::After(d) => day >= *d,
        Condition::Before(d) => day < *d,
        Condition::All(cs) => cs.iter().all(|c| holds(c, day, scores, facts)),
        Condition::Any(cs) => cs.iter().any(|c| holds(c, day, scores, facts)),
        Condition::Not(c) => !holds(c, day, scores, facts),
    }
}

/// One fired event in a run's log, on one of its pairs: an event logged on two pairs
/// (its [`crate::scenario::Event::pairs`]) gives two entries, in pair order.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FiredEvent {
    /// Event index.
    pub event: usize,
    /// Day it fired.
    pub day: Day,
    /// The pair (index into the scenario's pairs) whose scores these are.
    pub pair: usize,
    /// The pair's score just before.
    pub before: f64,
    /// The pair's score just after.
    pub after: f64,
}

/// What a guard is on `day` with each pair's relation at `scores[pair]`, if the day and
/// scores decide it whatever the world says: `Some(true)` or `Some(false)`, and `None`
/// when it depends on who rules, who is in office or what has fired. Lets the loop's pulse
/// skip reading the world for a guard such as `All([Rules(..), ScoreBelow(-6.0)])` while
/// the score is high.
pub fn settled(c: &Condition, day: Day, scores: &[f64]) -> Option<bool> {
    match c {
        Condition::Rules(..) | Condition::InOffice(_) | Condition::Happened(_) => None,
        Condition::ScoreAtLeast(p, x) => Some(scores[*p] >= *x),
        Condition::ScoreBelow(p, x) => Some(scores[*p] < *x),
        Condition::Band(p, lo, hi) => Some(scores[*p] >= *lo && scores[*p] < *hi),
        Condition::After(d) => Some(day >= *d),
        Condition::Before(d) => Some(day < *d),
        Condition::All(cs) => {
            let mut open = false;
            for c in cs {
                match settled(c, day, scores) {
                    Some(false) => return Some(false),
                    None => open = true,
                    Some(true) => {}
                }
            }
            if open { None } else { Some(true) }
        }
        Condition::Any(cs) => {
            let mut open = false;
            for c in cs {
                match settled(c, day, scores) {
                    Some(true) => return Some(true),
                    None => open = true,
                    Some(false) => {}
                }
            }
            if open { None } else { Some(false) }
        }
        Condition::Not(c) => settled(c, day, scores).map(|b| !b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Facts that always answer `true`-ish, and facts that answer the opposite.
    struct World(bool);

    impl Facts for World {
        fn ruling(&self, _: usize) -> usize {
            if self.0 { 0 } else { 1 }
        }
        fn in_office(&self, _: usize) -> bool {
            self.0
        }
        fn fired(&self, _: usize) -> u32 {
            u32::from(self.0)
        }
    }

    #[test]
    fn a_settled_guard_is_what_it_is_in_any_world() {
        let guards = [
            Condition::All(vec![Condition::Rules(0, 0), Condition::ScoreBelow(0, -6.0)]),
            Condition::Any(vec![
                Condition::InOffice(1),
                Condition::ScoreAtLeast(0, 2.0),
            ]),
            Condition::Not(Box::new(Condition::All(vec![
                Condition::Happened(3),
                Condition::After(100),
            ]))),
            Condition::Band(0, -3.0, 0.0),
        ];
        let mut open = 0;
        for c in &guards {
            for (day, score) in [(50, -7.0), (150, -1.0), (150, 4.0)] {
                let either = [World(true), World(false)].map(|w| holds(c, day, &[score], &w));
                match settled(c, day, &[score]) {
                    Some(x) => assert_eq!(either, [x, x], "{c:?} on {day} at {score}"),
                    None => {
                        assert_ne!(either[0], either[1], "{c:?} on {day} at {score}");
                        open += 1;
                    }
                }
            }
        }
        assert!(open >= 3, "some guards depend on the world: {open}");
    }
}
