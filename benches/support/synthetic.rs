//! Synthetic scenarios of any size, for the benchmarks and the reference's agreement test.
//!
//! [`scenario`]`(n)` is a valid scenario of exactly `n` events at a constant density of
//! 50 events a year, so the span, the leaders, the samples and the pairs that modifiers bind
//! all grow in proportion to `n` (10^5 events span the whole date range, 1000 to 2999).
//! It uses every feature the engine has: leaders with consecutive tenures, some returning
//! for a second term; modifiers at all three levels with every kind of fade and value;
//! date windows and chances; guards of every kind (ruling party, leader in office, score,
//! band, another event, dates, `All`/`Any`/`Not`); changes of ruling party; ideology
//! shifts; leaders ousted early and called back to a second office; follow-up chains; and
//! triggered events, repeating or not, that watch a window of years.
//!
//! The file is built as the scenario file types and validated like any file, so the engine
//! gets a `Scenario` it can trust; generation is deterministic (a fixed ChaCha seed).

use std::path::Path;

use diplosim::date::{Date, Day};
use diplosim::scenario::Scenario;
use diplosim::scenario::file::*;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Events per year of span.
pub const DENSITY: usize = 50;

/// The validated synthetic scenario of `n` events.
pub fn scenario(n: usize) -> Scenario {
    // The text is empty: validation then locates nothing, which costs nothing.
    diplosim::scenario::validate::validate(file(n), "", Path::new("synthetic.ron"))
        .unwrap_or_else(|e| panic!("the synthetic scenario of {n} events is invalid: {e}"))
}

/// One term in the office "leader": who, and the days [from, to).
struct Tenure {
    leader: usize,
    from: Day,
    to: Option<Day>,
}

/// The synthetic scenario of `n` events as file types.
pub fn file(n: usize) -> ScenarioFile {
    let mut rng = ChaCha8Rng::seed_from_u64(0x5eed_0000 + n as u64);
    let years = n.div_ceil(DENSITY).max(2) as i32;
    let start = ymd(1000, 1, 1);
    let end = ymd(1000 + years - 1, 12, 31);
    let (d0, d1) = (start.day(), end.day());

    let parties: Vec<PartyFile> = (0..6)
        .map(|i| PartyFile {
            id: format!("p{}{}", i / 3, i % 3),
            name: format!("Party {i}"),
            state: format!("s{}", i / 3),
            ideology: [
                ("left".to_string(), rng.random_range(-1.0..=1.0)),
                ("open".to_string(), rng.random_range(-1.0..=1.0)),
            ]
            .into(),
        })
        .collect();
    let states = (0..2)
        .map(|s| StateFile {
            id: format!("s{s}"),
            name: format!("State {s}"),
            names: Vec::new(),
            ruling: format!("p{s}0"),
            office: "leader".to_string(),
        })
        .collect();

    // Each state's office "leader" passes from hand to hand, with short vacancies; one
    // term in four goes to a recent leader returning.
    let mut leaders: Vec<LeaderFile> = Vec::new();
    let mut tenures: [Vec<Tenure>; 2] = [Vec::new(), Vec::new()];
    for (s, list) in tenures.iter_mut().enumerate() {
        let mut day = d0;
        let mut recent: Vec<usize> = Vec::new();
        while day <= d1 {
            let len = rng.random_range(180..=1460);
            let to = day + len;
            let leader = if recent.len() > 1 && rng.random_bool(0.25) {
                recent[rng.random_range(0..recent.len() - 1)]
            } else {
                leaders.push(LeaderFile {
                    id: format!("l{s}_{}", leaders.len()),
                    name: format!("Leader {}", leaders.len()),
                    short: None,
                    state: format!("s{s}"),
                    party: Some(format!("p{s}{}", rng.random_range(0..3))),
                    terms: Vec::new(),
                });
                leaders.len() - 1
            };
            recent.retain(|&l| l != leader);
            recent.push(leader);
            if recent.len() > 4 {
                recent.remove(0);
            }
            let to = (to <= d1).then_some(to);
            leaders[leader].terms.push(TermFile {
                office: "leader".to_string(),
                from: Date::from_day(day),
                to: to.map(Date::from_day),
            });
            list.push(Tenure {
                leader,
                from: day,
                to,
            });
            day += len
                + if rng.random_bool(0.2) {
                    rng.random_range(1..60)
                } else {
                    0
                };
        }
    }
    let holder = |s: usize, day: Day| -> Option<usize> {
        let k = tenures[s]
            .partition_point(|t| t.from <= day)
            .checked_sub(1)?;
        let t = &tenures[s][k];
        t.to.is_none_or(|to| day < to).then_some(t.leader)
    };
    let leader_id = |l: usize| leaders[l].id.clone();

    let mut g = Gen {
        rng,
        events: Vec::with_capacity(n),
        d0,
        d1,
    };
    // Two triggered events that watch the whole span.
    if n >= 10 {
        g.events
            .push(span_trigger(0, ConditionFile::ScoreBelow(-2.5)));
        g.events
            .push(span_trigger(1, ConditionFile::Band("friendly".to_string())));
    }
    while g.events.len() < n {
        let left = n - g.events.len();
        // Nominal days rise steadily through the span, in scenario order.
        let day = d0 + ((d1 - d0) as f64 * g.events.len() as f64 / n as f64) as Day;
        let day = (day + g.rng.random_range(0..7)).min(d1);
        let id = format!("e{}", g.events.len());
        let pair = match (holder(0, day), holder(1, day)) {
            (Some(a), Some(b)) => Some((leader_id(a), leader_id(b))),
            _ => None,
        };
        let kind = g.rng.random_range(0..100u32);
        let mut e = g.dated(&id, day);
        match kind {
            // Plain modifier events, one or two effects, one in three guarded.
            0..55 => {
                for _ in 0..g.rng.random_range(1..=2) {
                    let m = g.modifier(day, pair.as_ref());
                    e.effects.push(m);
                }
                if g.rng.random_bool(0.35) {
                    e.when = Some(g.condition(day, pair.as_ref(), 2));
                }
            }
            // A change of ruling party.
            55..62 => {
                let s = g.rng.random_range(0..2);
                e.effects.push(EffectFile::Rule {
                    state: format!("s{s}"),
                    party: format!("p{s}{}", g.rng.random_range(0..3)),
                });
                e.when = Some(ConditionFile::Not(Box::new(ConditionFile::Rules(
                    format!("s{s}"),
                    format!("p{s}1"),
                ))));
            }
            // An ideology shift, with a modifier.
            62..70 => {
                e.effects.push(EffectFile::Ideology {
                    party: format!("p{}{}", g.rng.random_range(0..2), g.rng.random_range(0..3)),
                    axis: ["left", "open"][g.rng.random_range(0..2)].to_string(),
                    shift: g.value(0.3),
                });
                let m = g.modifier(day, pair.as_ref());
                e.effects.push(m);
            }
            // A leader ousted early; or a former leader called back as envoy for a while.
            70..74 if left >= 2 => {
                let s = g.rng.random_range(0..2);
                // The last leader whose term ended before this day.
                let ended = tenures[s].partition_point(|t| t.to.is_some_and(|to| to <= day));
                let past = ended.checked_sub(1).map(|k| tenures[s][k].leader);
                match (holder(s, day), past) {
                    (Some(l), _) if kind < 72 => {
                        e.effects.push(EffectFile::LeaveOffice {
                            leader: leader_id(l),
                        });
                    }
                    (_, Some(l)) => {
                        let back = format!("{id}_end");
                        e.effects.push(EffectFile::TakeOffice {
                            leader: leader_id(l),
                            office: "envoy".to_string(),
                        });
                        e.effects.push(EffectFile::FollowUp {
                            event: back.clone(),
                            after: g.rng.random_range(90..=720),
                        });
                        let mut f = g.follow_up(&back);
                        f.effects.push(EffectFile::LeaveOffice {
                            leader: leader_id(l),
                        });
                        g.events.push(e);
                        g.events.push(f);
                        continue;
                    }
                    _ => {
                        let m = g.modifier(day, pair.as_ref());
                        e.effects.push(m);
                    }
                }
            }
            // A chain: the event, a follow-up, sometimes a second.
            74..90 if left >= 3 => {
                let m = g.modifier(day, pair.as_ref());
                e.effects.push(m);
                let first = format!("{id}_a");
                e.effects.push(EffectFile::FollowUp {
                    event: first.clone(),
                    after: g.rng.random_range(0..=400),
                });
                let mut a = g.follow_up(&first);
                let m = g.modifier(day, None);
                a.effects.push(m);
                if g.rng.random_bool(0.5) {
                    a.when = Some(g.condition(day, None, 1));
                }
                g.events.push(e);
                if g.rng.random_bool(0.4) {
                    let second = format!("{id}_b");
                    a.effects.push(EffectFile::FollowUp {
                        event: second.clone(),
                        after: g.rng.random_range(1..=200),
                    });
                    let mut b = g.follow_up(&second);
                    let m = g.modifier(day, None);
                    b.effects.push(m);
                    g.events.push(a);
                    g.events.push(b);
                } else {
                    g.events.push(a);
                }
                continue;
            }
            // A triggered event watching a window of years.
            90..100 => {
                let until = (day + g.rng.random_range(2 * 365..=10 * 365)).min(d1);
                let mut conditions = vec![
                    ConditionFile::After(Date::from_day(day)),
                    ConditionFile::Before(Date::from_day(until)),
                ];
                conditions.push(g.condition(day, pair.as_ref(), 1));
                e.date = None;
                e.window = None;
                e.chance = None;
                e.mtth = Some(g.rng.random_range(60.0..3000.0));
                e.repeat = g.rng.random_bool(0.4);
                e.when = Some(ConditionFile::All(conditions));
                let m = g.modifier(day, None);
                e.effects.push(m);
            }
            _ => {
                let m = g.modifier(day, pair.as_ref());
                e.effects.push(m);
            }
        }
        g.events.push(e);
    }
    let checkpoints = (0..years / 20 + 1)
        .map(|k| {
            let from = d0 + 365 * 20 * k + 100;
            CheckpointFile {
                pair: None,
                id: format!("c{k}"),
                from: Date::from_day(from.min(d1)),
                to: Some(Date::from_day((from + 200).min(d1))),
                expect: ExpectFile::Bands("tense".to_string(), "good".to_string()),
                quote: "Synthetic.".to_string(),
                source: "synthetic".to_string(),
                readings: Vec::new(),
            }
        })
        .collect();

    ScenarioFile {
        pairs: Vec::new(),
        name: format!("synthetic_{n}"),
        title: format!("Synthetic scenario of {n} events"),
        description: String::new(),
        span: (start, end),
        scale: scale(),
        structure: StructureFile {
            base: 0.4,
            affinity: 2.0,
        },
        sources: vec!["synthetic".to_string()],
        axes: vec!["left".to_string(), "open".to_string()],
        states,
        parties,
        leaders,
        actors: vec![ActorFile {
            id: "third".to_string(),
            name: "A third state".to_string(),
            from: None,
            to: None,
        }],
        events: g.events,
        timeline: TimelineFile {
            eras: Vec::new(),
            checkpoints,
            triangle_checkpoints: Vec::new(),
        },
        // Room for runaway chains, within the most any file may ask for.
        dynamics: None,
        coupling: None,
        max_events: Some(
            (n as u32)
                .saturating_mul(20)
                .min(diplosim::scenario::limits::MAX_EVENTS_PER_RUN),
        ),
        reference: None,
        triangle: None,
        base_dates: Default::default(),
        include: Vec::new(),
        prelude: None,
    }
}

/// A date the generators know to be valid.
pub fn ymd(y: i32, m: u32, d: u32) -> Date {
    Date::from_ymd(y, m, d).unwrap_or_else(|e| panic!("{e}"))
}

/// The scale of the generated scenarios: Yan Xuetong's six bands of three points on
/// -9..9.
pub fn scale() -> ScaleFile {
    ScaleFile {
        bound: 9.0,
        bands: [
            "confrontation",
            "tense",
            "bad",
            "ordinary",
            "good",
            "friendly",
        ]
        .iter()
        .enumerate()
        .map(|(i, name)| BandFile {
            name: name.to_string(),
            from: -9.0 + 3.0 * i as f64,
        })
        .collect(),
    }
}

/// A repeating triggered event with no window of dates.
fn span_trigger(k: usize, cond: ConditionFile) -> EventFile {
    EventFile {
        id: format!("t{k}"),
        date: None,
        window: None,
        title: format!("Span-long trigger {k}"),
        source: "synthetic".to_string(),
        note: String::new(),
        actors: Vec::new(),
        when: Some(cond),
        chance: None,
        mtth: Some(900.0 + 600.0 * k as f64),
        repeat: true,
        effects: vec![EffectFile::Modifier {
            level: LevelFile::State,
            value: ValueFile::Drawn(Distribution::Uniform(-1.0 + 2.0 * k as f64, 2.0 * k as f64)),
            fade: FadeFile::Days(365.0),
            label: None,
        }],
        readings: Vec::new(),
    }
}

struct Gen {
    rng: ChaCha8Rng,
    events: Vec<EventFile>,
    d0: Day,
    d1: Day,
}

impl Gen {
    /// A dated event with no effects yet; some have a date window, some a chance.
    fn dated(&mut self, id: &str, day: Day) -> EventFile {
        EventFile {
            id: id.to_string(),
            date: Some(Date::from_day(day)),
            window: self
                .rng
                .random_bool(0.2)
                .then(|| self.rng.random_range(1..=60)),
            title: format!("Event {id}"),
            source: "synthetic".to_string(),
            note: String::new(),
            actors: vec!["s0".to_string(), "s1".to_string()],
            when: None,
            chance: self
                .rng
                .random_bool(0.2)
                .then(|| self.rng.random_range(0.3..0.95)),
            mtth: None,
            repeat: false,
            effects: Vec::new(),
            readings: Vec::new(),
        }
    }

    /// An undated event that only a follow-up schedules.
    fn follow_up(&mut self, id: &str) -> EventFile {
        let mut e = self.dated(id, self.d0);
        e.date = None;
        e.window = None;
        e
    }

    /// A value of size about `scale`: fixed, uniform or normal.
    fn value(&mut self, scale: f64) -> ValueFile {
        let m = self.rng.random_range(-scale..=scale);
        match self.rng.random_range(0..3) {
            0 => ValueFile::Fixed(m),
            1 => ValueFile::Drawn(Distribution::Uniform(m - scale / 4.0, m + scale / 4.0)),
            _ => ValueFile::Drawn(Distribution::Normal(m, scale / 4.0)),
        }
    }

    /// A modifier at any level; leader level binds the two leaders in office on `day`.
    fn modifier(&mut self, day: Day, pair: Option<&(String, String)>) -> EffectFile {
        let level = match (self.rng.random_range(0..100u32), pair) {
            (0..40, _) | (70.., None) => LevelFile::State,
            (40..70, _) => LevelFile::Party(
                format!("p0{}", self.rng.random_range(0..3)),
                format!("p1{}", self.rng.random_range(0..3)),
            ),
            (_, Some((a, b))) => LevelFile::Leader(a.clone(), b.clone()),
        };
        let fade = match self.rng.random_range(0..6) {
            0 => FadeFile::Days(90.0),
            1 => FadeFile::Days(365.0),
            2 => FadeFile::Years(5.0),
            3 => FadeFile::Years(20.0),
            4 => FadeFile::Permanent,
            _ => {
                // Ends on the first of a year one to five years on, inside the span.
                let y = Date::from_day(day).year() + self.rng.random_range(1..=5);
                let until = Date::from_ymd(y, 1, 1).ok().filter(|u| u.day() <= self.d1);
                until.map_or(FadeFile::Permanent, FadeFile::Until)
            }
        };
        EffectFile::Modifier {
            level,
            value: self.value(3.0),
            fade,
            label: None,
        }
    }

    /// A guard that can go either way on `day`, nested up to `depth`.
    fn condition(
        &mut self,
        day: Day,
        pair: Option<&(String, String)>,
        depth: usize,
    ) -> ConditionFile {
        let k: u32 = self.rng.random_range(0..if depth > 0 { 10 } else { 7 });
        match k {
            0 => {
                let s = self.rng.random_range(0..2);
                ConditionFile::Rules(
                    format!("s{s}"),
                    format!("p{s}{}", self.rng.random_range(0..3)),
                )
            }
            1 => match pair {
                Some((a, b)) => {
                    ConditionFile::InOffice(if self.rng.random_bool(0.5) { a } else { b }.clone())
                }
                None => ConditionFile::ScoreAtLeast(0.37),
            },
            2 => ConditionFile::ScoreAtLeast(self.rng.random_range(-4.0..4.0)),
            3 => ConditionFile::ScoreBelow(self.rng.random_range(-3.0..5.0)),
            4 => ConditionFile::Band(
                ["bad", "ordinary", "good", "tense"][self.rng.random_range(0..4)].to_string(),
            ),
            5 if !self.events.is_empty() => {
                let back = self.events.len().saturating_sub(40);
                let e = self.rng.random_range(back..self.events.len());
                ConditionFile::Happened(self.events[e].id.clone())
            }
            5 | 6 => {
                let d = (day + self.rng.random_range(-30..=30)).clamp(self.d0, self.d1);
                if self.rng.random_bool(0.5) {
                    ConditionFile::After(Date::from_day(d))
                } else {
                    ConditionFile::Before(Date::from_day(d))
                }
            }
            7 => ConditionFile::Not(Box::new(self.condition(day, pair, depth - 1))),
            8 => ConditionFile::Any(vec![
                self.condition(day, pair, depth - 1),
                self.condition(day, pair, depth - 1),
            ]),
            _ => ConditionFile::All(vec![
                self.condition(day, pair, depth - 1),
                self.condition(day, pair, depth - 1),
            ]),
        }
    }
}
