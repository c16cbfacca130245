//! The ECS vocabulary: components (small nouns on entities), resources (singletons) and
//! messages (signals between the systems of one step).
//!
//! Entities carry the scenario's stable indices as components ([`StateIdx`], [`PartyIdx`],
//! [`LeaderIdx`], [`ActorIdx`]); no `Entity` ever reaches an output. In bevy_ecs 0.20
//! resources are entities too, so every query filters by one of these markers.

use bevy_ecs::prelude::*;
use rand_chacha::ChaCha8Rng;

use crate::date::Day;
use crate::scenario::{Condition, Level, Scale};
use crate::score::{self, Parts};

/// Marks a state entity with its index in the scenario.
#[derive(Component, Clone, Copy, Debug)]
pub struct StateIdx(pub usize);

/// The party ruling a state (index into the scenario's parties).
#[derive(Component, Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ruling(pub usize);

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

/// Marks a third party with its index.
#[derive(Component, Clone, Copy, Debug)]
pub struct ActorIdx(pub usize);

/// A modifier left by an event on the relation.
#[derive(Component, Clone, Debug)]
pub struct Modifier {
    /// The pair it binds.
    pub level: Level,
    /// Value on the day it started, raw scale.
    pub value: f64,
    /// Day it started.
    pub start: Day,
    /// Half-life, days (infinite for permanent and dated modifiers).
    pub half_life: f64,
    /// First day it no longer counts, for dated modifiers.
    pub until: Option<Day>,
    /// Index of the event that left it.
    pub source: usize,
    /// Index of the effect within that event.
    pub effect: usize,
    /// Index of the bucket it is summed in.
    pub bucket: usize,
}

impl Modifier {
    /// Its value on `day`, whether or not it counts.
    pub fn value_on(&self, day: Day) -> f64 {
        score::decay(self.value, f64::from(day - self.start), self.half_life)
    }
}

/// Today's date in the run.
#[derive(Resource, Clone, Copy, Debug, Default)]
pub struct Clock {
    /// Days since 1970-01-01.
    pub day: Day,
}

/// What the queue hands the schedule: one item per step.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Item {
    /// A leader's term ends (leader, term index).
    TermEnd(usize, usize),
    /// A leader's term starts (leader, term index).
    TermStart(usize, usize),
    /// A scenario event is due (index).
    Event(usize),
}

/// The item being processed in this step.
#[derive(Resource, Clone, Copy, Debug, Default)]
pub struct Due(pub Option<Item>);

/// One random stream per event, derived from the run's seed (see [`crate::engine`]).
#[derive(Resource, Clone, Debug, Default)]
pub struct Streams {
    /// The run's base generator; each stream is a clone of it with its own stream id.
    pub base: Option<ChaCha8Rng>,
    /// Streams opened so far, by event index.
    pub open: Vec<Option<ChaCha8Rng>>,
}

/// Follow-ups scheduled in this step, drained into the queue by the loop.
#[derive(Resource, Clone, Debug, Default)]
pub struct Outbox(pub Vec<(Day, Item)>);

/// What guards read: who rules, who is in office, which events have fired.
#[derive(Resource, Clone, Debug, Default)]
pub struct Status {
    /// Ruling party of each state.
    pub ruling: Vec<usize>,
    /// Whether each leader is in office.
    pub in_office: Vec<bool>,
    /// Times each event has fired.
    pub fired: Vec<u32>,
    /// Events fired in the run so far.
    pub total: u32,
}

impl Status {
    /// Whether a guard holds on `day` with the relation at `score`.
    pub fn holds(&self, c: &Condition, day: Day, score: f64) -> bool {
        match c {
            Condition::Rules(s, p) => self.ruling[*s] == *p,
            Condition::InOffice(l) => self.in_office[*l],
            Condition::ScoreAtLeast(x) => score >= *x,
            Condition::ScoreBelow(x) => score < *x,
            Condition::Band(lo, hi) => score >= *lo && score < *hi,
            Condition::Happened(e) => self.fired[*e] > 0,
            Condition::After(d) => day >= *d,
            Condition::Before(d) => day < *d,
            Condition::All(cs) => cs.iter().all(|c| self.holds(c, day, score)),
            Condition::Any(cs) => cs.iter().any(|c| self.holds(c, day, score)),
            Condition::Not(c) => !self.holds(c, day, score),
        }
    }
}

/// Modifiers that bind the same pair, fade alike and end alike, summed: their sum fades
/// exactly as each one does, so the relation needs one multiplication per bucket per step.
#[derive(Clone, Debug)]
pub struct Bucket {
    /// The pair.
    pub level: Level,
    /// Index into the scenario's half-lives.
    pub fade: usize,
    /// First day it no longer counts, for dated modifiers.
    pub until: Option<Day>,
    /// The sum of its modifiers' values on [`Relation::day`].
    pub value: f64,
    /// Whether its pair counts today (parties rule, leaders in office).
    pub counts: bool,
}

/// The relation's running sums, advanced in closed form from day to day.
#[derive(Resource, Clone, Debug)]
pub struct Relation {
    /// The day the sums are valid for.
    pub day: Day,
    /// The structural part today.
    pub structural: f64,
    /// All buckets the scenario can fill.
    pub buckets: Vec<Bucket>,
    /// Half-life of each fade, days.
    pub half_lives: Vec<f64>,
    /// Decay factor for 0..32 days, per fade: the loop's monthly steps never compute a power.
    pub factors: Vec<[f64; 32]>,
    /// The scale's bound, M.
    pub bound: f64,
}

impl Relation {
    /// Empty sums for the given buckets and half-lives.
    pub fn new(buckets: Vec<Bucket>, half_lives: Vec<f64>, scale: &Scale) -> Relation {
        let factors = half_lives
            .iter()
            .map(|&h| std::array::from_fn(|d| score::decay_factor(d as f64, h)))
            .collect();
        Relation {
            day: 0,
            structural: 0.0,
            buckets,
            half_lives,
            factors,
            bound: scale.bound,
        }
    }

    /// Fades every bucket to `day` (never backwards).
    pub fn advance(&mut self, day: Day) {
        let dt = day - self.day;
        if dt <= 0 {
            return;
        }
        self.day = day;
        if dt < 32 {
            let dt = dt as usize;
            for b in &mut self.buckets {
                b.value *= self.factors[b.fade][dt];
            }
        } else {
            let f: Vec<f64> = self
                .half_lives
                .iter()
                .map(|&h| score::decay_factor(f64::from(dt), h))
                .collect();
            for b in &mut self.buckets {
                b.value *= f[b.fade];
            }
        }
    }

    /// The parts of the raw score on [`Relation::day`].
    pub fn parts(&self) -> Parts {
        let mut p = Parts {
            structural: self.structural,
            ..Parts::default()
        };
        for b in &self.buckets {
            if !b.counts || b.until.is_some_and(|u| self.day >= u) {
                continue;
            }
            match b.level {
                Level::State => p.state += b.value,
                Level::Party(..) => p.party += b.value,
                Level::Leader(..) => p.leader += b.value,
            }
        }
        p
    }

    /// The score on [`Relation::day`].
    pub fn score(&self) -> f64 {
        self.parts().score(self.bound)
    }
}

/// An event fired in this step, with the score just before it.
#[derive(Message, Clone, Copy, Debug)]
pub struct Fired {
    /// Event index.
    pub event: usize,
    /// Score before its effects.
    pub before: f64,
}

/// A change to the world decided in this step, with its random values already drawn.
#[derive(Message, Clone, Debug)]
pub enum Change {
    /// Spawn a modifier.
    AddModifier {
        /// Source event.
        event: usize,
        /// Effect index in the event.
        effect: usize,
        /// The pair.
        level: Level,
        /// Starting value.
        value: f64,
        /// Bucket index.
        bucket: usize,
    },
    /// Shift a party on an axis.
    Shift {
        /// Party.
        party: usize,
        /// Axis.
        axis: usize,
        /// Signed shift.
        by: f64,
    },
    /// A party takes power.
    Rule {
        /// State.
        state: usize,
        /// Party.
        party: usize,
    },
    /// A leader takes an office.
    TakeOffice {
        /// Leader.
        leader: usize,
        /// Office.
        office: String,
    },
    /// A leader leaves one office, or all of them.
    LeaveOffice {
        /// Leader.
        leader: usize,
        /// The office left; `None` for all.
        office: Option<String>,
    },
}

/// The events fired in the run so far, with the score before and after each.
#[derive(Resource, Clone, Debug, Default)]
pub struct Log(pub Vec<FiredEvent>);

/// One fired event in a run's log.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FiredEvent {
    /// Event index.
    pub event: usize,
    /// Day it fired.
    pub day: Day,
    /// Score just before.
    pub before: f64,
    /// Score just after.
    pub after: f64,
}
