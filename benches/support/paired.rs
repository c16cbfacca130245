//! Scenarios of several states for the benchmarks: [`file`]`(n, k)` has `k` states, every
//! pair of them modelled, and `n` events dealt round-robin over the pairs, so `file(n, 2)`
//! holds the same events as `file(n, 3)` on one pair. Each state has two parties and a
//! leader per decade; events leave modifiers at every level with every kind of fade, some
//! on a drawn date, with a chance or a drawn value; every twentieth is a change of ruler;
//! one triggered event per pair watches that pair's score (`On`).
//!
//! Built as the scenario file types and validated like any file; generation is
//! deterministic (a fixed ChaCha seed).

use std::path::Path;

use diplosim::date::Date;
use diplosim::scenario::Scenario;
use diplosim::scenario::file::*;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::synthetic::ymd;

/// The validated scenario of `n` events over the pairs of `k` states.
pub fn scenario(n: usize, k: usize) -> Scenario {
    diplosim::scenario::validate::validate(file(n, k), "", Path::new("paired.ron"))
        .unwrap_or_else(|e| panic!("the paired scenario ({n} events, {k} states): {e}"))
}

/// The scenario of `n` events over the pairs of `k` states, as file types.
pub fn file(n: usize, k: usize) -> ScenarioFile {
    let mut rng = ChaCha8Rng::seed_from_u64(0x9a1e_0000 + n as u64);
    let (first, last) = (1950, 1991);
    let state = |s: usize| format!("s{s}");
    let party = |s: usize, p: usize| format!("p{s}_{p}");
    let leader = |s: usize, d: usize| format!("l{s}_{d}");
    let pairs: Vec<(usize, usize)> = (0..k)
        .flat_map(|a| (a + 1..k).map(move |b| (a, b)))
        .collect();
    let states = (0..k)
        .map(|s| StateFile {
            id: state(s),
            name: format!("State {s}"),
            names: Vec::new(),
            ruling: party(s, 0),
            office: "leader".to_string(),
        })
        .collect();
    let parties = (0..k)
        .flat_map(|s| (0..2).map(move |p| (s, p)))
        .map(|(s, p)| PartyFile {
            id: party(s, p),
            name: format!("Party {s}.{p}"),
            state: state(s),
            ideology: [("left".to_string(), rng.random_range(-1.0..=1.0))].into(),
        })
        .collect();
    let decades = ((last - first) / 10 + 1) as usize;
    // Each state's leaders change every ten years, a year later than the previous state's.
    let leaders = (0..k)
        .flat_map(|s| (0..decades).map(move |d| (s, d)))
        .filter(|&(s, d)| first + 10 * d as i32 + (s % 10) as i32 <= last)
        .map(|(s, d)| LeaderFile {
            id: leader(s, d),
            name: format!("Leader {s}.{d}"),
            short: None,
            state: state(s),
            party: None,
            terms: vec![TermFile {
                office: "leader".to_string(),
                from: ymd(first + 10 * d as i32 + (s % 10) as i32, 1, 1),
                to: Some(first + 10 * (d + 1) as i32 + (s % 10) as i32)
                    .filter(|&y| y <= last)
                    .map(|y| ymd(y, 1, 1)),
            }],
        })
        .collect();
    let pair_ids = |&(a, b): &(usize, usize)| (state(a), state(b));
    let mut events: Vec<EventFile> = pairs
        .iter()
        .enumerate()
        .map(|(i, pair)| EventFile {
            id: format!("watch{i}"),
            date: None,
            window: None,
            title: format!("Watch {i}"),
            source: "paired".to_string(),
            note: String::new(),
            actors: Vec::new(),
            when: Some(ConditionFile::On(
                pair_ids(pair),
                Box::new(ConditionFile::ScoreBelow(-2.0)),
            )),
            chance: None,
            mtth: Some(400.0),
            repeat: true,
            effects: vec![EffectFile::Modifier {
                level: LevelFile::States(pair_ids(pair).0, pair_ids(pair).1),
                value: ValueFile::Fixed(0.8),
                fade: FadeFile::Days(200.0),
                label: None,
            }],
            readings: Vec::new(),
        })
        .collect();
    let span = ymd(last, 12, 31).day() - ymd(first, 1, 1).day();
    for i in 0..n.saturating_sub(events.len()) {
        let &(a, b) = &pairs[i % pairs.len()];
        let day = ymd(first, 1, 1).day() + (i as i32 * span) / n as i32;
        let date = Date::from_day(day);
        let decade = ((date.year() - first - 1).max(0) / 10) as usize;
        let effects = if i % 20 == 19 {
            vec![EffectFile::Rule {
                state: state(a),
                party: party(a, rng.random_range(0..2)),
            }]
        } else {
            let level = match i % 3 {
                0 => LevelFile::States(state(a), state(b)),
                1 => LevelFile::Party(party(a, i % 2), party(b, 0)),
                _ => LevelFile::Leader(leader(a, decade.min(3)), leader(b, decade.min(3))),
            };
            let fade = match i % 4 {
                0 => FadeFile::Days(rng.random_range(60.0..720.0)),
                1 => FadeFile::Years(rng.random_range(1.0..8.0)),
                2 => FadeFile::Permanent,
                _ => FadeFile::Until(Date::from_day((day + 900).min(ymd(last, 12, 31).day()))),
            };
            let value = if i % 5 == 0 {
                ValueFile::Drawn(Distribution::Normal(rng.random_range(-3.0..3.0), 0.5))
            } else {
                ValueFile::Fixed(rng.random_range(-3.0..3.0))
            };
            vec![EffectFile::Modifier {
                level,
                value,
                fade,
                label: None,
            }]
        };
        events.push(EventFile {
            id: format!("e{i}"),
            date: Some(date),
            window: (i % 7 == 0).then_some(20),
            title: format!("Event {i}"),
            source: "paired".to_string(),
            note: String::new(),
            actors: Vec::new(),
            when: None,
            chance: (i % 6 == 0).then_some(0.8),
            mtth: None,
            repeat: false,
            effects,
            readings: Vec::new(),
        });
    }
    ScenarioFile {
        name: format!("paired_{n}_{k}"),
        title: format!("{n} events over the pairs of {k} states"),
        description: String::new(),
        span: (ymd(first, 1, 1), ymd(last, 12, 31)),
        scale: super::synthetic::scale(),
        structure: StructureFile {
            base: -0.5,
            affinity: 2.0,
        },
        sources: vec!["paired".to_string()],
        axes: vec!["left".to_string()],
        states,
        pairs: Vec::new(),
        parties,
        leaders,
        actors: Vec::new(),
        events,
        timeline: TimelineFile::default(),
        dynamics: None,
        coupling: None,
        max_events: None,
        reference: None,
        triangle: None,
        base_dates: Default::default(),
        include: Vec::new(),
        prelude: None,
    }
}
