//! The ECS vocabulary: components (small nouns on entities), resources (singletons) and
//! messages (signals between the systems of one step).
//!
//! Entities carry the scenario's stable indices as components ([`StateIdx`], [`PartyIdx`],
//! [`LeaderIdx`], [`ActorIdx`]); no `Entity` ever reaches an output. In bevy_ecs 0.20
//! resources are entities too, so every query filters by one of these markers.

use bevy_ecs::prelude::*;
use rand::SeedableRng;
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

/// The step in hand, between the loop and the schedule: the day, the item the loop hands
/// over, and the follow-ups the step schedules, which the loop queues after it. (One
/// resource rather than three: each costs a lookup in every system that reads it.)
#[derive(Resource, Clone, Debug, Default)]
pub struct Today {
    /// Days since 1970-01-01.
    pub day: Day,
    /// The item being processed; `None` for none.
    pub due: Option<Item>,
    /// Follow-ups scheduled in this step.
    pub outbox: Vec<(Day, Item)>,
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

/// One random stream per event, derived from the run's seed (see [`crate::engine`]).
///
/// Streams are opened on an event's first draw and kept in order of opening, so a run
/// pays for the streams it uses, not for one per event.
#[derive(Resource, Clone, Debug)]
pub struct Streams {
    /// The run's base generator; each stream is a clone of it with its own stream id.
    pub base: ChaCha8Rng,
    /// For each event, the index of its stream in `open`; `u32::MAX` until it is opened.
    pub index: Vec<u32>,
    /// The streams opened so far, in order of opening.
    pub open: Vec<ChaCha8Rng>,
}

impl Default for Streams {
    fn default() -> Streams {
        Streams {
            base: ChaCha8Rng::seed_from_u64(0),
            index: Vec::new(),
            open: Vec::new(),
        }
    }
}

impl Streams {
    /// Starts a run with `seed` for a scenario of `events` events: no stream is open.
    pub fn reset(&mut self, seed: u64, events: usize) {
        self.base = ChaCha8Rng::seed_from_u64(seed);
        self.index.clear();
        self.index.resize(events, u32::MAX);
        self.open.clear();
    }

    /// The stream of event `event`, whose stream id is `id`; opened on first use.
    pub fn get(&mut self, event: usize, id: u64) -> &mut ChaCha8Rng {
        if self.index[event] == u32::MAX {
            let mut rng = self.base.clone();
            rng.set_stream(id);
            self.index[event] = self.open.len() as u32;
            self.open.push(rng);
        }
        &mut self.open[self.index[event] as usize]
    }
}

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
/// exactly as each one does, so one multiplication a step fades them all.
#[derive(Clone, Debug)]
pub struct Bucket {
    /// The pair.
    pub level: Level,
    /// Index into the scenario's half-lives.
    pub fade: usize,
    /// First day it no longer counts, for dated modifiers.
    pub until: Option<Day>,
    /// The sum of its modifiers' values, as of step `step` of [`Relation`]'s log (today,
    /// while it counts).
    value: f64,
    /// Whether its pair counts today (parties rule, leaders in office).
    counts: bool,
    /// Whether a modifier has been added to it this run.
    filled: bool,
    /// Whether it is in [`Relation`]'s list of buckets faded at every step, and where.
    faded: bool,
    slot: usize,
    /// While not in that list: the number of steps of the log its value has been faded by.
    step: usize,
}

impl Bucket {
    /// An empty bucket that does not count yet.
    pub fn new(level: Level, fade: usize, until: Option<Day>) -> Bucket {
        Bucket {
            level,
            fade,
            until,
            value: 0.0,
            counts: false,
            filled: false,
            faded: false,
            slot: 0,
            step: 0,
        }
    }

    /// Whether its pair counts today.
    pub fn counts(&self) -> bool {
        self.counts
    }
}

/// The relation's running sums, advanced in closed form from day to day.
///
/// Each step multiplies a bucket's sum by its fade's factor for the days stepped, so every
/// bucket's value is the same product, bit for bit, however it is computed. The work is
/// kept to the buckets that matter: [`Relation::advance`] multiplies only the buckets that
/// count and hold a value that fades; a bucket whose pair stops counting is left alone,
/// and when it counts again (or a modifier is added to it) it catches up by replaying the
/// factors of the steps it missed, from a log of the run's steps. A pair that never counts
/// again costs nothing more. [`Relation::parts`] sums, in bucket order, the buckets that
/// count, have been filled and have not ended.
#[derive(Resource, Clone, Debug)]
pub struct Relation {
    /// The day the sums are valid for.
    pub day: Day,
    /// The structural part today.
    pub structural: f64,
    /// All buckets the scenario can fill; change them with [`Relation::add`] and
    /// [`Relation::set_counts`].
    buckets: Vec<Bucket>,
    /// Half-life of each fade, days.
    pub half_lives: Vec<f64>,
    /// Decay factor for 0..32 days, per fade: the loop's monthly steps never compute a power.
    pub factors: Vec<[f64; 32]>,
    /// The scale's bound, M.
    pub bound: f64,
    /// The length in days of each step since the run began.
    steps: Vec<Day>,
    /// Buckets multiplied at every step, with their fades, in any order.
    faded: Vec<(usize, usize)>,
    /// Buckets that count, have been filled and have not ended, in index order.
    counting: Vec<usize>,
    /// The first day on which a bucket in `counting` ends (`Day::MAX` if none does).
    next_end: Day,
    /// Decay factors of each fade for one long step (reused).
    scratch: Vec<f64>,
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
            steps: Vec::new(),
            faded: Vec::new(),
            counting: Vec::new(),
            next_end: Day::MAX,
            scratch: Vec::new(),
        }
    }

    /// Empties and ungates every bucket, on `day`.
    pub fn reset(&mut self, day: Day) {
        self.day = day;
        for b in &mut self.buckets {
            b.value = 0.0;
            b.counts = false;
            b.filled = false;
            b.faded = false;
            b.step = 0;
        }
        self.steps.clear();
        self.faded.clear();
        self.counting.clear();
        self.next_end = Day::MAX;
    }

    /// The buckets.
    pub fn buckets(&self) -> &[Bucket] {
        &self.buckets
    }

    /// Adds a modifier's value to bucket `b` on [`Relation::day`].
    pub fn add(&mut self, b: usize, value: f64) {
        self.catch_up(b);
        let bucket = &mut self.buckets[b];
        bucket.value += value;
        if !bucket.filled {
            bucket.filled = true;
            self.list(b);
        }
        self.keep_fading(b);
    }

    /// Gates bucket `b`: whether its pair counts from now on.
    pub fn set_counts(&mut self, b: usize, counts: bool) {
        if self.buckets[b].counts == counts {
            return;
        }
        self.buckets[b].counts = counts;
        if counts {
            self.catch_up(b);
            self.list(b);
            self.keep_fading(b);
        } else {
            if let Ok(k) = self.counting.binary_search(&b) {
                self.counting.remove(k);
            }
            // Left out of the steps from now on, its value current as of now.
            let bucket = &mut self.buckets[b];
            if bucket.faded {
                bucket.faded = false;
                bucket.step = self.steps.len();
                let slot = bucket.slot;
                self.faded.swap_remove(slot);
                if let Some(&(moved, _)) = self.faded.get(slot) {
                    self.buckets[moved].slot = slot;
                }
            }
        }
    }

    /// Puts bucket `b` in the list of buckets summed, in its place, if it counts, has been
    /// filled and has not ended. (An empty bucket adds exactly nothing.)
    fn list(&mut self, b: usize) {
        let bucket = &self.buckets[b];
        if bucket.counts && bucket.filled && bucket.until.is_none_or(|u| self.day < u) {
            if let Err(k) = self.counting.binary_search(&b) {
                self.counting.insert(k, b);
            }
            self.next_end = self.next_end.min(bucket.until.unwrap_or(Day::MAX));
        }
    }

    /// Brings a bucket left out of the steps up to today, with the factors it missed.
    fn catch_up(&mut self, b: usize) {
        let bucket = &mut self.buckets[b];
        if !bucket.faded && bucket.value != 0.0 {
            let (h, table) = (self.half_lives[bucket.fade], &self.factors[bucket.fade]);
            for &dt in &self.steps[bucket.step..] {
                bucket.value *= match table.get(dt as usize) {
                    Some(&f) => f,
                    None => score::decay_factor(f64::from(dt), h),
                };
            }
        }
        bucket.step = self.steps.len();
    }

    /// Puts a counting bucket whose value fades into the list of buckets faded at every
    /// step.
    fn keep_fading(&mut self, b: usize) {
        let bucket = &mut self.buckets[b];
        if bucket.counts
            && !bucket.faded
            && bucket.value != 0.0
            && self.half_lives[bucket.fade].is_finite()
        {
            bucket.faded = true;
            bucket.slot = self.faded.len();
            self.faded.push((b, bucket.fade));
        }
    }

    /// Fades every bucket to `day` (never backwards).
    pub fn advance(&mut self, day: Day) {
        let dt = day - self.day;
        if dt <= 0 {
            return;
        }
        self.day = day;
        self.steps.push(dt);
        let buckets = &mut self.buckets;
        if dt < 32 {
            let dt = dt as usize;
            for &(b, fade) in &self.faded {
                buckets[b].value *= self.factors[fade][dt];
            }
        } else {
            self.scratch.clear();
            self.scratch.extend(
                self.half_lives
                    .iter()
                    .map(|&h| score::decay_factor(f64::from(dt), h)),
            );
            for &(b, fade) in &self.faded {
                buckets[b].value *= self.scratch[fade];
            }
        }
        if day >= self.next_end {
            self.counting
                .retain(|&i| buckets[i].until.is_none_or(|u| day < u));
            self.next_end = self
                .counting
                .iter()
                .filter_map(|&i| buckets[i].until)
                .min()
                .unwrap_or(Day::MAX);
        }
    }

    /// The parts of the raw score on [`Relation::day`].
    pub fn parts(&self) -> Parts {
        let mut p = Parts {
            structural: self.structural,
            ..Parts::default()
        };
        for &i in &self.counting {
            let b = &self.buckets[i];
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Band;

    fn scale() -> Scale {
        Scale {
            bound: 9.0,
            bands: vec![Band {
                name: "all".into(),
                lo: -9.0,
                hi: 9.0,
            }],
        }
    }

    /// Days on which the tests step, uneven, some more than a month apart.
    const DAYS: [Day; 12] = [3, 10, 31, 61, 62, 100, 140, 141, 200, 260, 300, 400];

    #[test]
    fn buckets_fade_in_closed_form() {
        let mut rel = Relation::new(
            vec![
                Bucket::new(Level::State, 0, None),
                Bucket::new(Level::Party(0, 1), 1, None),
                Bucket::new(Level::State, 1, Some(141)),
            ],
            vec![90.0, f64::INFINITY],
            &scale(),
        );
        rel.reset(0);
        for b in 0..3 {
            rel.set_counts(b, true);
            rel.add(b, [4.0, -2.0, 1.5][b]);
        }
        for day in DAYS {
            rel.advance(day);
            let p = rel.parts();
            let state =
                4.0 * 0.5f64.powf(f64::from(day) / 90.0) + if day < 141 { 1.5 } else { 0.0 };
            assert!(
                (p.state - state).abs() < 1e-12,
                "{day}: {} vs {state}",
                p.state
            );
            assert_eq!(p.party, -2.0);
        }
    }

    #[test]
    fn a_bucket_that_stops_counting_catches_up_bit_for_bit() {
        let new = || {
            let mut rel = Relation::new(
                vec![Bucket::new(Level::Leader(0, 1), 0, None)],
                vec![365.0],
                &scale(),
            );
            rel.reset(0);
            rel.set_counts(0, true);
            rel.add(0, 3.0);
            rel
        };
        // One relation's pair counts throughout; the other's stops counting on day 31,
        // gets a modifier on day 100 while out, and counts again on day 200.
        let (mut always, mut gated) = (new(), new());
        for day in DAYS {
            always.advance(day);
            gated.advance(day);
            if day == 100 {
                always.add(0, 1.0);
                gated.add(0, 1.0);
            }
            if day == 31 {
                gated.set_counts(0, false);
            }
            if day == 200 {
                gated.set_counts(0, true);
            }
            let out = (31..200).contains(&day);
            assert_eq!(
                gated.parts().leader,
                if out { 0.0 } else { always.parts().leader }
            );
        }
        assert_eq!(
            gated.parts().leader.to_bits(),
            always.parts().leader.to_bits()
        );
        assert!(always.parts().leader > 0.0);
    }
}
