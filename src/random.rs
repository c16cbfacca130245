//! The random streams of a run: their ids, how they are derived from the run's seed, and
//! the order in which an event draws from its own.
//!
//! Randomness comes only from the run's seed. Every event has its own stream: a
//! `ChaCha8Rng` seeded with `seed_from_u64(run seed)` and switched to stream
//! [`stream_id`]`(event id)` (FNV-1a 64 of the id) with `set_stream`. An event draws, in
//! this order:
//! 1. its date offset, at the start of the run, if it has a window ([`offset`]);
//! 2. on each monthly pulse while its guard holds (triggered events), whether it fires
//!    ([`fires`]);
//! 3. its chance, if below 1 ([`passes`]);
//! 4. each drawn value, in effect order ([`draw`]).
//!
//! An effect's number is a [`Value`]: fixed in the file, or a distribution drawn on the
//! event's stream.
//!
//! A stream belongs to the event id, not to its position in the file, so removing, moving
//! or adding an event leaves every other event's draws as they were (common random
//! numbers).
//!
//! A contested event or checkpoint whose reading each run draws (`--readings all`) draws
//! it on a stream of its own ([`reading`]): the same generator switched to the stream id
//! of `reading of event ID` (or `checkpoint ID`), which holds spaces and so is no event's
//! id. Drawing readings leaves every event's stream as it was.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::Distribution;

/// FNV-1a, 64 bits: the stream id of an event, stable across runs, machines and versions.
pub fn stream_id(id: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in id.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// A number fixed in the file or drawn on the event's stream.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Value {
    /// Fixed.
    Fixed(f64),
    /// Uniform on [lo, hi].
    Uniform(f64, f64),
    /// Normal(mean, sd).
    Normal(f64, f64),
}

impl Value {
    /// The same value multiplied by `k` (a counterfactual's re-weighting).
    pub fn scaled(self, k: f64) -> Value {
        match self {
            Value::Fixed(v) => Value::Fixed(v * k),
            Value::Uniform(a, b) => Value::Uniform(a * k, b * k),
            Value::Normal(m, s) => Value::Normal(m * k, s * k.abs()),
        }
    }
}

/// One random stream per event, derived from the run's seed.
///
/// Streams are opened on an event's first draw and kept in order of opening, so a run
/// pays for the streams it uses, not for one per event.
#[derive(Clone, Debug)]
pub struct Streams {
    /// The run's base generator; each stream is a clone of it with its own stream id.
    base: ChaCha8Rng,
    /// For each event, the index of its stream in `open`; `u32::MAX` until it is opened.
    index: Vec<u32>,
    /// The streams opened so far, in order of opening.
    open: Vec<ChaCha8Rng>,
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

/// Draw 1: a dated event's offset from its nominal day, uniform in `[-window, window]`.
pub fn offset(rng: &mut ChaCha8Rng, window: u32) -> i32 {
    let w = window as i32;
    rng.random_range(-w..=w)
}

/// Draw 2: whether a triggered event fires on a pulse, with probability `p`.
pub fn fires(rng: &mut ChaCha8Rng, p: f64) -> bool {
    rng.random::<f64>() < p
}

/// Draw 3: whether an event with chance `chance` below 1 happens.
pub fn passes(rng: &mut ChaCha8Rng, chance: f64) -> bool {
    rng.random::<f64>() < chance
}

/// Draw 4: a value of an effect, on the stream `rng` gives; a fixed value (or an empty
/// range) draws nothing and does not ask for the stream.
pub fn draw<'a>(value: Value, rng: impl FnOnce() -> &'a mut ChaCha8Rng) -> f64 {
    match value {
        Value::Fixed(x) => x,
        Value::Uniform(a, b) if a == b => a,
        Value::Uniform(a, b) => rng().random_range(a..=b),
        // Validation guarantees a finite mean and a finite, non-negative deviation.
        Value::Normal(m, s) => match rand_distr::Normal::new(m, s) {
            Ok(n) => n.sample(rng()),
            Err(_) => m,
        },
    }
}

/// The reading a run of `seed` takes of a contested item whose stream key is `key`: one
/// uniform draw on the item's own stream, against the readings' cumulative `weights`
/// (positive and finite).
pub fn reading(seed: u64, key: &str, weights: &[f64]) -> usize {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(stream_id(key));
    let total: f64 = weights.iter().sum();
    let x = rng.random::<f64>() * total;
    let mut sum = 0.0;
    for (k, w) in weights.iter().enumerate() {
        sum += w;
        if x < sum {
            return k;
        }
    }
    weights.len().saturating_sub(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stream_is_the_same_whenever_it_is_opened() {
        let (a, b) = (stream_id("treaty"), stream_id("clash"));
        let mut early = Streams::default();
        early.reset(7, 2);
        let first = early.get(0, a).random::<u64>();
        let second = early.get(1, b).random::<u64>();
        // Opened in the other order, each stream still starts with the same number.
        let mut late = Streams::default();
        late.reset(7, 2);
        assert_eq!(late.get(1, b).random::<u64>(), second);
        assert_eq!(late.get(0, a).random::<u64>(), first);
        assert_ne!(first, second);
    }

    #[test]
    fn a_value_that_draws_nothing_does_not_open_the_stream() {
        for v in [Value::Fixed(2.5), Value::Uniform(2.5, 2.5)] {
            assert_eq!(draw(v, || unreachable!("{v:?} draws nothing")), 2.5);
        }
        // A value that draws takes the stream's next number, as a draw on it would.
        let mut streams = Streams::default();
        streams.reset(7, 1);
        let drawn = draw(Value::Uniform(0.0, 1.0), || streams.get(0, stream_id("e")));
        let mut again = Streams::default();
        again.reset(7, 1);
        let want: f64 = again.get(0, stream_id("e")).random_range(0.0..=1.0);
        assert_eq!(drawn.to_bits(), want.to_bits());
    }

    #[test]
    fn stream_ids_are_fnv_1a() {
        // The published FNV-1a 64 test vectors.
        assert_eq!(stream_id(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(stream_id("a"), 0xaf63_dc4c_8601_ec8c);
    }
}
