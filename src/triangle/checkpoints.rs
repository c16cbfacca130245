//! Triangle checkpoints: what the literature says the configuration was, and whether a
//! run agrees.
//!
//! A reading of a checkpoint is met when the run has the expected configuration, with
//! the expected pivot, partners or outcast, in at least [`MET_SHARE`] of the checkpoint's
//! months (its firsts of the month). Not in all of them: the literature's periods have
//! soft edges ("1960/63-1969"), and a configuration the run reaches a few months after
//! the book's year is the same story. Not in a bare majority either: a checkpoint of ten
//! years met in six would let a third of the period tell another story. A contested
//! checkpoint (two readings in the literature) reports each reading met or not and never
//! counts as missed.

use super::{Configuration, Reading, Strip};
use crate::date::Date;

/// The share of a checkpoint's months that must have the expected configuration.
pub const MET_SHARE: f64 = 0.75;

/// A triangle checkpoint of the documented timeline: one reading, or several where the
/// literature is contested.
#[derive(Clone, Debug, PartialEq)]
pub struct Checkpoint {
    /// Stable id.
    pub id: String,
    /// First day.
    pub from: Date,
    /// Last day.
    pub to: Date,
    /// What is expected: one reading, or (contested) every reading the literature gives.
    pub readings: Vec<Expectation>,
    /// Whether the file gives it as contested (`readings: [..]`): it is then never
    /// counted as missed.
    pub contested: bool,
}

/// One reading of a triangle checkpoint.
#[derive(Clone, Debug, PartialEq)]
pub struct Expectation {
    /// Its name ("Kissinger's design"); empty for an uncontested checkpoint.
    pub name: String,
    /// Which strip it judges.
    pub reading: Reading,
    /// The configuration, with its pivot or outcast (positions of the triangle's states).
    pub expect: Configuration,
    /// The sentence of the source.
    pub quote: String,
    /// Where it stands.
    pub source: String,
}

/// How a run fares on one reading of a checkpoint.
#[derive(Clone, Debug, PartialEq)]
pub struct ReadingVerdict {
    /// The months of the checkpoint (firsts of the month in its span).
    pub months: usize,
    /// Of those, the months with the expected configuration.
    pub matching: usize,
    /// The configuration the run has most often in the span (none: no configuration),
    /// the earliest of equals first.
    pub most: Option<Configuration>,
    /// Whether `matching` is at least [`MET_SHARE`] of `months` (and `months` is not 0).
    pub met: bool,
}

/// How a run fares on a checkpoint.
#[derive(Clone, Debug, PartialEq)]
pub struct Verdict {
    /// Index of the checkpoint in the timeline's triangle checkpoints.
    pub checkpoint: usize,
    /// One per reading of the checkpoint, in its order.
    pub readings: Vec<ReadingVerdict>,
}

impl Verdict {
    /// Whether it counts as met: every reading met, for an uncontested checkpoint;
    /// `None` for a contested one, which is neither met nor missed.
    pub fn met(&self, checkpoint: &Checkpoint) -> Option<bool> {
        (!checkpoint.contested).then(|| self.readings.iter().all(|r| r.met))
    }
}

/// Judges each checkpoint against the strips of a run (one per reading).
pub fn verdicts(checkpoints: &[Checkpoint], strips: &[Strip]) -> Vec<Verdict> {
    checkpoints
        .iter()
        .enumerate()
        .map(|(i, c)| Verdict {
            checkpoint: i,
            readings: c
                .readings
                .iter()
                .map(|e| judge(c, e, strips.iter().find(|s| s.reading == e.reading)))
                .collect(),
        })
        .collect()
}

fn judge(c: &Checkpoint, e: &Expectation, strip: Option<&Strip>) -> ReadingVerdict {
    let inside: Vec<Option<Configuration>> = strip
        .map(|s| {
            s.months
                .iter()
                .filter(|(d, _)| (c.from..=c.to).contains(d))
                .map(|&(_, k)| k)
                .collect()
        })
        .unwrap_or_default();
    let matching = inside.iter().filter(|k| **k == Some(e.expect)).count();
    let mut counts: Vec<(Option<Configuration>, usize)> = Vec::new();
    for k in &inside {
        match counts.iter_mut().find(|(c, _)| c == k) {
            Some((_, n)) => *n += 1,
            None => counts.push((*k, 1)),
        }
    }
    // The first of the most frequent: max_by_key keeps the last of equals, so reverse.
    let most = counts
        .iter()
        .rev()
        .max_by_key(|(_, n)| *n)
        .and_then(|(k, _)| *k);
    let months = inside.len();
    ReadingVerdict {
        months,
        matching,
        most,
        met: months > 0 && matching as f64 >= MET_SHARE * months as f64,
    }
}
