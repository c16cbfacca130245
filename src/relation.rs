//! The relation of a pair of states: the buckets its modifiers are summed in, their
//! layout, and their fading in closed form. Each pair the scenario models has a relation
//! of its own, on an entity of its own.
//!
//! A modifier moves one pair of states and binds, within it, the states, two parties or
//! two leaders (its [`Level`]); it fades with a half-life, or ends on a date or on the day
//! an event happens. Modifiers of one relation that bind the same level, fade alike
//! and end alike are summed in one [`Bucket`]: the sum fades exactly as each of its terms does, so one
//! multiplication a step fades them all. [`layout`] finds the buckets a scenario can fill
//! and puts them in a canonical order; [`Relation`] holds their sums for one run, on the
//! relation's entity, beside the [`Ledger`] of every modifier left so far (which `explain`
//! reads).
//!
//! Under accumulating [`Dynamics`] the same buckets hold, instead of modifier values, the
//! moves each event made from the level of its day ([`accumulated`]), all fading with the
//! drift's half-life, and the structural part is the level's anchor
//! ([`Relation::reanchor`]).
//!
//! ## Order
//! The parts are summed over buckets in the canonical order (level, half-life, end: an end
//! tied to an event by the event's nominal date, see [`End`]),
//! not in order of first use, so a variant that removes or adds an event sums the same
//! numbers in the same order as its baseline until the change takes effect, and the two
//! agree to the last bit before it. Fading multiplies a bucket by the factor of each step
//! in turn (a step is the days between two days the relation is read or changed on), so a
//! bucket's value is the same product, bit for bit, however late it is brought up to date.

use std::collections::BTreeMap;

use bevy_ecs::prelude::*;

use crate::date::Day;
use crate::scenario::{Dynamics, Effect, End, Level, Scale, Scenario};
use crate::score::{self, Parts};

/// A modifier left by an event on a relation.
#[derive(Clone, Debug)]
pub struct Modifier {
    /// The pair of states whose relation it moves (scenario index).
    pub pair: usize,
    /// Whom it binds within that pair.
    pub level: Level,
    /// Value on the day it started, raw scale.
    pub value: f64,
    /// Day it started.
    pub start: Day,
    /// Half-life, days (infinite for permanent and dated modifiers).
    pub half_life: f64,
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

/// Every modifier left on the relation in the run so far, in the order they were left:
/// what `explain` lists. Its storage is kept from run to run.
#[derive(Component, Clone, Debug, Default)]
pub struct Ledger(pub Vec<Modifier>);

/// Modifiers that bind the same pair, fade alike and end alike, summed: their sum fades
/// exactly as each one does, so one multiplication a step fades them all.
#[derive(Clone, Debug)]
pub struct Bucket {
    /// The pair.
    pub level: Level,
    /// The pair's level: 0 state, 1 party, 2 leader ([`Level::rank`]).
    rank: usize,
    /// Index into the scenario's half-lives.
    pub fade: usize,
    /// How it ends, if it does: on a day, or on the day an event happens.
    pub end: Option<End>,
    /// The first day it no longer counts, in this run: a dated end's day, or the day its
    /// event happened (`None` while it has not).
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
    pub fn new(level: Level, fade: usize, end: Option<End>) -> Bucket {
        Bucket {
            level,
            rank: level.rank(),
            fade,
            until: end.as_ref().and_then(End::fixed),
            end,
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
#[derive(Component, Clone, Debug)]
pub struct Relation {
    /// The day the sums are valid for.
    pub day: Day,
    /// The structural part today.
    pub structural: f64,
    /// The coupling between the pairs' term ([`crate::coupling`]), on the raw scale: 0 for
    /// the whole run without coupling.
    pub coupling: f64,
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
    /// Buckets that count, have been filled and have not ended, by the rank of their level
    /// (state, party, leader), each list in index order.
    counting: [Vec<usize>; 3],
    /// The first day on which a bucket in `counting` ends (`Day::MAX` if none does).
    next_end: Day,
    /// Decay factors of each fade for one long step (reused).
    scratch: Vec<f64>,
    /// The last raw score squashed (its bits) and its score: a raw score that has not
    /// moved since (the same day's next event, the sample after it) is not squashed again.
    squashed: (u64, f64),
    /// How events move the relation. Under [`Dynamics::Accumulating`], every bucket fades
    /// with the drift's half-life, a modifier adds the move its value makes from the level
    /// of the day ([`Relation::add`]), and the structural part of [`Relation::parts`] is
    /// the level's anchor, which drifts toward the structural part's score.
    dynamics: Dynamics,
    /// The anchor of an accumulating level, on the scale (unused when decaying).
    anchor: f64,
}

impl Relation {
    /// Empty sums for the given buckets and the scenario's half-lives (`fades`), under
    /// `dynamics` (which, when accumulating, puts the drift's half-life in place of every
    /// fade's).
    pub fn new(buckets: Vec<Bucket>, fades: &[f64], scale: &Scale, dynamics: Dynamics) -> Relation {
        let half_lives: Vec<f64> = match dynamics {
            Dynamics::Decaying => fades.to_vec(),
            Dynamics::Accumulating { drift, .. } => vec![drift; fades.len()],
        };
        let factors = half_lives
            .iter()
            .map(|&h| std::array::from_fn(|d| score::decay_factor(d as f64, h)))
            .collect();
        Relation {
            day: 0,
            structural: 0.0,
            coupling: 0.0,
            buckets,
            half_lives,
            factors,
            bound: scale.bound,
            steps: Vec::new(),
            faded: Vec::new(),
            counting: Default::default(),
            next_end: Day::MAX,
            scratch: Vec::new(),
            squashed: (f64::NAN.to_bits(), f64::NAN),
            dynamics,
            anchor: 0.0,
        }
    }

    /// How events move this relation.
    pub fn dynamics(&self) -> Dynamics {
        self.dynamics
    }

    /// Restarts an accumulating level on [`Relation::day`]: every bucket is emptied (the
    /// events so far stop counting) and the anchor is `to`, or the structural part's
    /// score. Does nothing under decaying dynamics.
    pub fn reanchor(&mut self, to: Option<f64>) {
        if let Dynamics::Accumulating { .. } = self.dynamics {
            self.anchor = to.unwrap_or_else(|| score::squash(self.structural, self.bound));
            let step = self.steps.len();
            for b in &mut self.buckets {
                b.value = 0.0;
                b.step = step;
            }
        }
    }

    /// Empties and ungates every bucket, on `day`.
    pub fn reset(&mut self, day: Day) {
        self.day = day;
        self.coupling = 0.0;
        for b in &mut self.buckets {
            b.value = 0.0;
            b.counts = false;
            b.filled = false;
            b.faded = false;
            b.step = 0;
            b.until = b.end.as_ref().and_then(End::fixed);
        }
        self.steps.clear();
        self.faded.clear();
        for counting in &mut self.counting {
            counting.clear();
        }
        self.next_end = Day::MAX;
    }

    /// The buckets.
    pub fn buckets(&self) -> &[Bucket] {
        &self.buckets
    }

    /// Adds a modifier of value `value` to bucket `b` on [`Relation::day`], and returns
    /// what was added: the value itself under decaying dynamics; under accumulating ones,
    /// the move it makes from today's level ([`accumulated`]).
    pub fn add(&mut self, b: usize, value: f64) -> f64 {
        let value = match self.dynamics {
            Dynamics::Decaying => value,
            Dynamics::Accumulating { gain, .. } => {
                let level = self.parts().raw().clamp(-self.bound, self.bound);
                accumulated(level, gain * value, self.bound) - level
            }
        };
        self.catch_up(b);
        let bucket = &mut self.buckets[b];
        bucket.value += value;
        if !bucket.filled {
            bucket.filled = true;
            self.list(b);
        }
        self.keep_fading(b);
        value
    }

    /// Ends bucket `b`, tied to an event that happens on [`Relation::day`]: it no longer
    /// counts from this day on. Whether it was counting (so the score moves); a bucket
    /// already ended is left as it is.
    pub fn end(&mut self, b: usize) -> bool {
        let bucket = &mut self.buckets[b];
        if bucket.until.is_some() {
            return false;
        }
        bucket.until = Some(self.day);
        let counting = &mut self.counting[bucket.rank];
        match counting.binary_search(&b) {
            Ok(k) => {
                counting.remove(k);
                true
            }
            Err(_) => false,
        }
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
            let counting = &mut self.counting[self.buckets[b].rank];
            if let Ok(k) = counting.binary_search(&b) {
                counting.remove(k);
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
            let counting = &mut self.counting[bucket.rank];
            if let Err(k) = counting.binary_search(&b) {
                counting.insert(k, b);
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
        if let Dynamics::Accumulating { drift, .. } = self.dynamics
            && drift.is_finite()
        {
            let target = score::squash(self.structural, self.bound);
            self.anchor =
                target + (self.anchor - target) * score::decay_factor(f64::from(dt), drift);
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
            for counting in &mut self.counting {
                counting.retain(|&i| buckets[i].until.is_none_or(|u| day < u));
            }
            self.next_end = (self.counting.iter().flatten())
                .filter_map(|&i| buckets[i].until)
                .min()
                .unwrap_or(Day::MAX);
        }
    }

    /// The parts of the raw score on [`Relation::day`].
    pub fn parts(&self) -> Parts {
        // Summed level by level (state, party, leader), in bucket order, each sum in a
        // register of its own: a sum kept in an array indexed by the level stays in memory,
        // and every addition then waits for the store of the one before (that took a third
        // of a run's time).
        let sum = |rank: usize| {
            (self.counting[rank].iter()).fold(0.0, |sum, &i| sum + self.buckets[i].value)
        };
        Parts {
            structural: match self.dynamics {
                Dynamics::Decaying => self.structural,
                Dynamics::Accumulating { .. } => self.anchor,
            },
            state: sum(0),
            party: sum(1),
            leader: sum(2),
            coupling: self.coupling,
        }
    }

    /// The score for `parts` on this relation's scale: `parts.score(bound)`, computed
    /// again only when the raw score has moved since the last call.
    pub fn squash(&mut self, parts: &Parts) -> f64 {
        let raw = parts.raw();
        if let Dynamics::Accumulating { .. } = self.dynamics {
            // The level is the score; a modifier's end taking its move back may overshoot.
            return raw.clamp(-self.bound, self.bound);
        }
        if raw.to_bits() != self.squashed.0 {
            self.squashed = (raw.to_bits(), score::squash(raw, self.bound));
        }
        self.squashed.1
    }

    /// The score on [`Relation::day`].
    pub fn score(&mut self) -> f64 {
        let parts = self.parts();
        self.squash(&parts)
    }
}

/// Where an accumulating level `level` goes under a move of `by` (gain times the event's
/// value) on a scale of bound `m`: toward the bound B on the side of the move,
/// `B − (B − level)·exp(−|by|/m)`. A small move is `by·(1 − level/B)`: `by` at the middle
/// of the scale, shrinking to nothing as the level nears the bound it moves toward (which
/// it never crosses), growing to twice `by` next to the other bound.
pub fn accumulated(level: f64, by: f64, m: f64) -> f64 {
    let bound = m.copysign(by);
    bound - (bound - level) * (-by.abs() / m).exp()
}

/// Which of a relation's buckets each party and leader gates: the buckets of the party- and
/// leader-level pairs they are in. Lives on the relation's entity beside [`Relation`].
#[derive(Component, Clone, Debug, Default)]
pub struct Gates {
    /// For each party (scenario index), this relation's buckets of the party-level pairs
    /// it is in.
    pub of_party: Vec<Vec<usize>>,
    /// For each leader (scenario index), this relation's buckets of the leader-level pairs
    /// they are in.
    pub of_leader: Vec<Vec<usize>>,
}

/// The buckets of every relation of a scenario, and where each modifier is summed.
#[derive(Clone, Debug)]
pub struct Layout {
    /// For each pair of states (scenario index): its relation's buckets in canonical order,
    /// and which of them each party and leader gates.
    pub pairs: Vec<(Vec<Bucket>, Gates)>,
    /// For each event and effect, the bucket its modifier is summed in, among the buckets
    /// of the modifier's pair (`usize::MAX` for effects that are not modifiers).
    pub of_effect: Vec<Vec<usize>>,
    /// For each event, the buckets (pair, bucket) whose end is tied to it, in pair and
    /// bucket order: the event ends them when it happens.
    pub ends: Vec<Vec<(usize, usize)>>,
}

/// The buckets a scenario can fill, pair by pair in their canonical order, and where each
/// modifier, party and leader belongs among them.
pub fn layout(scenario: &Scenario) -> Layout {
    // Buckets: one per (pair of states, level, half-life, end) that some modifier
    // effect names, numbered per pair in order of first use.
    let pairs = scenario.pairs.len();
    let mut buckets: Vec<Vec<Bucket>> = vec![Vec::new(); pairs];
    let mut found = BTreeMap::new();
    let of_effect: Vec<Vec<usize>> = scenario
        .events
        .iter()
        .map(|e| {
            e.effects
                .iter()
                .map(|x| match x {
                    Effect::Modifier {
                        pair,
                        level,
                        fade,
                        until,
                        ..
                    } => *found
                        .entry((*pair, *level, *fade, until.clone()))
                        .or_insert_with(|| {
                            buckets[*pair].push(Bucket::new(*level, *fade, until.clone()));
                            buckets[*pair].len() - 1
                        }),
                    _ => usize::MAX,
                })
                .collect()
        })
        .collect();

    // Buckets in a canonical order (level, half-life, end), not in order of first use:
    // the parts are summed over buckets in this order, so a variant that removes or adds
    // an event sums the same numbers in the same order as its baseline until the change
    // takes effect, and the two runs agree to the last bit before it.
    let mut rank: Vec<Vec<usize>> = Vec::with_capacity(pairs);
    let mut laid = Vec::with_capacity(pairs);
    for buckets in buckets {
        let mut order: Vec<usize> = (0..buckets.len()).collect();
        order.sort_by(|&a, &b| {
            let (x, y) = (&buckets[a], &buckets[b]);
            x.level
                .cmp(&y.level)
                .then(scenario.fades[x.fade].total_cmp(&scenario.fades[y.fade]))
                .then(x.end.cmp(&y.end))
        });
        let mut to = vec![0; buckets.len()];
        for (k, &from) in order.iter().enumerate() {
            to[from] = k;
        }
        rank.push(to);
        let buckets: Vec<Bucket> = order.iter().map(|&i| buckets[i].clone()).collect();
        let mut gates = Gates {
            of_party: vec![Vec::new(); scenario.parties.len()],
            of_leader: vec![Vec::new(); scenario.leaders.len()],
        };
        for (b, bucket) in buckets.iter().enumerate() {
            match bucket.level {
                Level::State => {}
                Level::Party(p, q) => {
                    gates.of_party[p].push(b);
                    gates.of_party[q].push(b);
                }
                Level::Leader(l, m) => {
                    gates.of_leader[l].push(b);
                    gates.of_leader[m].push(b);
                }
            }
        }
        laid.push((buckets, gates));
    }
    let of_effect: Vec<Vec<usize>> = (scenario.events.iter().zip(of_effect))
        .map(|(e, effects)| {
            (e.effects.iter().zip(effects))
                .map(|(x, b)| match x {
                    Effect::Modifier { pair, .. } => rank[*pair][b],
                    _ => b,
                })
                .collect()
        })
        .collect();
    let mut ends = vec![Vec::new(); scenario.events.len()];
    for (p, (buckets, _)) in laid.iter().enumerate() {
        for (b, bucket) in buckets.iter().enumerate() {
            let cause = bucket.end.as_ref().and_then(|e| e.cause.as_ref());
            if let Some(i) = cause.and_then(|c| c.event) {
                ends[i].push((p, b));
            }
        }
    }
    Layout {
        pairs: laid,
        of_effect,
        ends,
    }
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
                Bucket::new(Level::State, 1, Some(End::on(141))),
            ],
            &[90.0, f64::INFINITY],
            &scale(),
            Dynamics::Decaying,
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
                &[365.0],
                &scale(),
                Dynamics::Decaying,
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
