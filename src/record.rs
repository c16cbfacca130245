//! Data collection: a run's samples and event log, and the files they are written to.
//!
//! The model never writes files; the recorder fills rows here, and the writers turn them
//! into CSV with fixed decimals, so the same run gives the same bytes on any machine.
//! Files are tidy: one row per (date, pair), the pair named by its key (`a/b`, the ids of
//! its two states).

use crate::date::{Date, Day};
use crate::model::FiredEvent;
use crate::scenario::Scenario;
use crate::score::Parts;

/// One sample of a pair's relation, at the end of a day.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sample {
    /// The day.
    pub day: Day,
    /// Whether it is a monthly row of the trajectory (the first of a month).
    pub monthly: bool,
    /// The pair (index into the scenario's pairs).
    pub pair: usize,
    /// The parts of the raw score.
    pub parts: Parts,
    /// The score on the scale.
    pub score: f64,
}

/// The result of one run.
#[derive(Clone, Debug, PartialEq)]
pub struct Run {
    /// The seed it ran with.
    pub seed: u64,
    /// Samples in (day, pair) order: every first of the month, plus checkpoint days, each
    /// day one sample per pair.
    pub samples: Vec<Sample>,
    /// Events that fired, in the order they fired, each once per pair it is logged on.
    pub fired: Vec<FiredEvent>,
}

impl Run {
    /// An empty run for a seed.
    pub fn new(seed: u64) -> Run {
        Run {
            seed,
            samples: Vec::new(),
            fired: Vec::new(),
        }
    }

    /// The monthly samples of every pair, in (day, pair) order: the rows of
    /// `trajectory.csv`.
    pub fn monthly(&self) -> impl Iterator<Item = &Sample> {
        self.samples.iter().filter(|s| s.monthly)
    }

    /// The monthly samples of one pair, in day order.
    pub fn monthly_of(&self, pair: usize) -> impl Iterator<Item = &Sample> {
        self.samples
            .iter()
            .filter(move |s| s.monthly && s.pair == pair)
    }

    /// The samples of one pair, in day order.
    pub fn of_pair(&self, pair: usize) -> impl Iterator<Item = &Sample> {
        self.samples.iter().filter(move |s| s.pair == pair)
    }

    /// The events fired, as logged on one pair, in the order they fired.
    pub fn fired_on(&self, pair: usize) -> impl Iterator<Item = &FiredEvent> {
        self.fired.iter().filter(move |f| f.pair == pair)
    }

    /// The sample of `pair` taken on `day`, if any.
    pub fn at(&self, day: Day, pair: usize) -> Option<&Sample> {
        self.samples
            .binary_search_by(|s| (s.day, s.pair).cmp(&(day, pair)))
            .ok()
            .map(|i| &self.samples[i])
    }
}

/// A checkpoint of the documented timeline, met or missed by a run.
#[derive(Clone, Debug)]
pub struct Verdict {
    /// Index of the checkpoint.
    pub checkpoint: usize,
    /// Lowest score of the run over the checkpoint's days.
    pub low: f64,
    /// Highest score.
    pub high: f64,
    /// Whether every sample in the span lies in the expected range.
    pub met: bool,
}

/// Judges every checkpoint of the scenario against a run.
pub fn checkpoints(scenario: &Scenario, run: &Run) -> Vec<Verdict> {
    scenario
        .timeline
        .checkpoints
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let (from, to) = (c.from.day(), c.to.day());
            let scores: Vec<f64> = run
                .of_pair(c.pair)
                .filter(|s| s.day >= from && s.day <= to)
                .map(|s| s.score)
                .collect();
            let low = scores.iter().copied().fold(f64::INFINITY, f64::min);
            let high = scores.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let top = c.hi >= scenario.scale.bound;
            let met = !scores.is_empty()
                && scores
                    .iter()
                    .all(|&s| s >= c.lo && (s < c.hi || top && s <= c.hi));
            Verdict {
                checkpoint: i,
                low,
                high,
                met,
            }
        })
        .collect()
}

/// `trajectory.csv`: one row per month and pair,
/// `date,pair,score,band,raw,structural,state,party,leader`, and a last column `coupling`
/// when the scenario couples its pairs (so the parts still add up to `raw`).
pub fn trajectory_csv(scenario: &Scenario, run: &Run) -> Result<Vec<u8>, csv::Error> {
    let keys: Vec<String> = (0..scenario.pairs.len())
        .map(|p| scenario.pair_key(p))
        .collect();
    let coupled = scenario.coupling.is_some();
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut head = vec![
        "date",
        "pair",
        "score",
        "band",
        "raw",
        "structural",
        "state",
        "party",
        "leader",
    ];
    if coupled {
        head.push("coupling");
    }
    w.write_record(head)?;
    for s in run.monthly() {
        let mut row = vec![
            Date::from_day(s.day).to_string(),
            keys[s.pair].clone(),
            fixed(s.score),
            scenario.scale.band(s.score).to_string(),
            fixed(s.parts.raw()),
            fixed(s.parts.structural),
            fixed(s.parts.state),
            fixed(s.parts.party),
            fixed(s.parts.leader),
        ];
        if coupled {
            row.push(fixed(s.parts.coupling));
        }
        w.write_record(row)?;
    }
    w.into_inner().map_err(|e| e.into_error().into())
}

/// `events.csv`: each event that happened, once per pair it is logged on,
/// `date,pair,id,title,source,score_before,score_after,band_after`.
pub fn events_csv(scenario: &Scenario, run: &Run) -> Result<Vec<u8>, csv::Error> {
    let keys: Vec<String> = (0..scenario.pairs.len())
        .map(|p| scenario.pair_key(p))
        .collect();
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "date",
        "pair",
        "id",
        "title",
        "source",
        "score_before",
        "score_after",
        "band_after",
    ])?;
    for f in &run.fired {
        let e = &scenario.events[f.event];
        w.write_record([
            Date::from_day(f.day).to_string(),
            keys[f.pair].clone(),
            e.id.clone(),
            e.title.clone(),
            e.source.clone(),
            fixed(f.before),
            fixed(f.after),
            scenario.scale.band(f.after).to_string(),
        ])?;
    }
    w.into_inner().map_err(|e| e.into_error().into())
}

/// `triangle.csv`: the strategic triangle's configuration under each reading, one row per
/// (month, reading, state of the triangle), months first, then `levels` before `trend`,
/// then the states in the triangle's order:
/// `date,reading,configuration,pivot_or_outcast,balanced,state,role,payoff`. A month
/// without a configuration (a pair has no sign yet) has `none` and empty cells after it.
pub fn triangle_csv(
    scenario: &Scenario,
    triangle: &crate::triangle::Triangle,
    strips: &[crate::triangle::Strip],
) -> Result<Vec<u8>, csv::Error> {
    let ids = triangle.states.map(|k| scenario.states[k].id.as_str());
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "date",
        "reading",
        "configuration",
        "pivot_or_outcast",
        "balanced",
        "state",
        "role",
        "payoff",
    ])?;
    let months = strips.iter().map(|s| s.months.len()).min().unwrap_or(0);
    for m in 0..months {
        for strip in strips {
            let (date, configuration) = strip.months[m];
            for (k, id) in ids.iter().enumerate() {
                let row = match configuration {
                    Some(c) => [
                        c.key().to_string(),
                        c.singled_out().map_or("", |s| ids[s]).to_string(),
                        c.balanced().to_string(),
                        id.to_string(),
                        c.role(k).name().to_string(),
                        c.role(k).payoff().to_string(),
                    ],
                    None => [
                        "none".to_string(),
                        String::new(),
                        String::new(),
                        id.to_string(),
                        String::new(),
                        String::new(),
                    ],
                };
                w.write_record(
                    [date.to_string(), strip.reading.name().to_string()]
                        .into_iter()
                        .chain(row),
                )?;
            }
        }
    }
    w.into_inner().map_err(|e| e.into_error().into())
}

/// A number with four decimals, and no negative zero.
pub fn fixed(x: f64) -> String {
    let s = format!("{x:.4}");
    if s == "-0.0000" {
        "0.0000".to_string()
    } else {
        s
    }
}
