//! The strategic triangle: the configuration of three states' relations, month by month,
//! computed from a run's monthly scores and kept apart from its drawing.
//!
//! A *configuration* classes a triangle of three states by the signs of its three
//! bilateral relations (Lowell Dittmer, "The Strategic Triangle: An Elementary
//! Game-Theoretical Analysis", World Politics 33(4), 1981; the fourth form in Dittmer,
//! "The Strategic Triangle: A Critical Review", in I. J. Kim (ed.), The Strategic
//! Triangle, 1987):
//!
//! | signs | configuration | roles |
//! | --- | --- | --- |
//! | + + + | ménage à trois | three friends |
//! | + + − | romantic triangle | the pivot (in both positive pairs), two wings |
//! | + − − | stable marriage | two partners, one outcast |
//! | − − − | unit veto | three foes |
//!
//! A configuration is *balanced* when the product of its signs is positive (Heider's
//! balance; Cartwright & Harary, Psychological Review 63(5), 1956): the ménage à trois
//! and the stable marriage. Yu-Shan Wu ("Exploring Dual Triangles", Issues & Studies
//! 32(10), 1996) named and ranked the roles; his ranking is reproduced by a payoff per
//! state ([`payoff`]): +1 for each positive pair it is in, −1 for each negative one, +1
//! when the other two are enemies, −1 when they are friends (pivot +3, friend +1,
//! partner +1, wing −1, foe −1, outcast −3).
//!
//! Two readings of a run ([`Reading`]): the *levels* of the three monthly scores, and
//! their *trend*, each score's change over the last 12 months. The rule, shared with
//! the scenario format's reference (docs/scenario-format.md), is:
//! 1. a pair's sign becomes + when its value (the score, or its 12-month change) is at
//!    least +dead band, − when it is at most −dead band, and otherwise keeps its previous
//!    sign (hysteresis); before its first value outside the band a pair has no sign, and
//!    the triangle no configuration; the trend reading has no value in the first 12
//!    months;
//! 2. the three signs give the configuration and the roles ([`Configuration::of_signs`]);
//! 3. a run of consecutive months with the same configuration and roles shorter than the
//!    dwell (6 months by default) is absorbed into the configuration before it, so the
//!    strip does not flicker ([`dwell`]). A short run with no configuration before it
//!    (at the very start, or right after the months without one) stays as it is. The
//!    filter never moves a transition it keeps: a change of configuration is dated to
//!    the month its signs change.

mod checkpoints;
#[cfg(test)]
mod tests;

pub use checkpoints::{Checkpoint, Expectation, MET_SHARE, ReadingVerdict, Verdict, verdicts};

use crate::date::Date;
use crate::record::Run;
use crate::scenario::Scenario;

/// The dead band of the levels reading when the scenario gives none, on the score scale.
pub const DEFAULT_DEAD_BAND: f64 = 1.0;
/// The dead band of the trend reading when the scenario gives none, in score points over
/// 12 months.
pub const DEFAULT_TREND_DEAD_BAND: f64 = 0.5;
/// The shortest run of one configuration kept, in months, when the scenario gives none.
pub const DEFAULT_DWELL_MONTHS: usize = 6;
/// The trend reading's window: a score's change over this many months.
pub const TREND_MONTHS: usize = 12;

/// The triangle's three pairs, as positions of its states: (0, 1), (0, 2), (1, 2).
pub const PAIRS: [(usize, usize); 3] = [(0, 1), (0, 2), (1, 2)];

/// A scenario's triangle, validated: three of its states and the pairs between them.
#[derive(Clone, Debug, PartialEq)]
pub struct Triangle {
    /// The three states (indices into the scenario's states), in the order the file
    /// names them; a configuration's positions 0, 1, 2 refer to these.
    pub states: [usize; 3],
    /// The scenario's pair (index into its pairs) of each of [`PAIRS`].
    pub pairs: [usize; 3],
    /// The levels reading's dead band, on the score scale, positive.
    pub dead_band: f64,
    /// The trend reading's dead band, score points over 12 months, positive.
    pub trend_dead_band: f64,
    /// The shortest run of one configuration kept, months (1 keeps every run).
    pub dwell_months: usize,
}

/// How the signs of the three pairs are read from their scores.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Reading {
    /// From the monthly score of each pair (Dittmer's amity and enmity: states).
    Levels,
    /// From each score's change over the last 12 months (Kissinger's triangular
    /// diplomacy: a movement).
    Trend,
}

impl Reading {
    /// Both readings, levels first.
    pub const ALL: [Reading; 2] = [Reading::Levels, Reading::Trend];

    /// `levels` or `trend`, as files and `triangle.csv` write it.
    pub fn name(self) -> &'static str {
        match self {
            Reading::Levels => "levels",
            Reading::Trend => "trend",
        }
    }
}

/// The sign of a pair: friends or foes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Sign {
    /// Friends: the value reached +dead band.
    Plus,
    /// Foes: the value reached −dead band.
    Minus,
}

impl Sign {
    /// +1 or −1.
    pub fn unit(self) -> i32 {
        match self {
            Sign::Plus => 1,
            Sign::Minus => -1,
        }
    }
}

/// Dittmer's configuration of a triangle, with the state (a position 0, 1 or 2 of the
/// triangle's states) that its roles single out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Configuration {
    /// + + +: three friends.
    MenageATrois,
    /// + + −: the pivot is friends with both wings, which are foes.
    RomanticTriangle {
        /// The pivot's position.
        pivot: usize,
    },
    /// + − −: two partners, both foes of the outcast.
    StableMarriage {
        /// The outcast's position; the other two are the partners.
        outcast: usize,
    },
    /// − − −: three foes.
    UnitVeto,
}

/// A state's role in a configuration (Wu 1996).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    /// The romantic triangle's pivot.
    Pivot,
    /// One of the romantic triangle's two wings.
    Wing,
    /// One of the ménage à trois's three friends.
    Friend,
    /// One of the stable marriage's two partners.
    Partner,
    /// The stable marriage's outcast.
    Outcast,
    /// One of the unit veto's three foes.
    Foe,
}

impl Role {
    /// Wu's payoff of the role: pivot +3, friend and partner +1, wing and foe −1,
    /// outcast −3 (what [`payoff`] gives from the signs).
    pub fn payoff(self) -> i32 {
        match self {
            Role::Pivot => 3,
            Role::Friend | Role::Partner => 1,
            Role::Wing | Role::Foe => -1,
            Role::Outcast => -3,
        }
    }

    /// The role in words: "pivot", "wing", "friend", "partner", "outcast", "foe".
    pub fn name(self) -> &'static str {
        match self {
            Role::Pivot => "pivot",
            Role::Wing => "wing",
            Role::Friend => "friend",
            Role::Partner => "partner",
            Role::Outcast => "outcast",
            Role::Foe => "foe",
        }
    }
}

/// The position (0, 1, 2) that is not in a pair of positions.
fn third((a, b): (usize, usize)) -> usize {
    3 - a - b
}

impl Configuration {
    /// The configuration of three signs, given in the order of [`PAIRS`].
    pub fn of_signs(signs: [Sign; 3]) -> Configuration {
        let plus: Vec<usize> = (0..3).filter(|&k| signs[k] == Sign::Plus).collect();
        match plus.len() {
            3 => Configuration::MenageATrois,
            // The pivot is in both positive pairs: it is the state the negative one leaves out.
            2 => {
                let minus = (0..3).find(|k| !plus.contains(k)).unwrap_or(0);
                Configuration::RomanticTriangle {
                    pivot: third(PAIRS[minus]),
                }
            }
            1 => Configuration::StableMarriage {
                outcast: third(PAIRS[plus[0]]),
            },
            _ => Configuration::UnitVeto,
        }
    }

    /// The role of the state at `position` (0, 1 or 2).
    pub fn role(self, position: usize) -> Role {
        match self {
            Configuration::MenageATrois => Role::Friend,
            Configuration::RomanticTriangle { pivot } if pivot == position => Role::Pivot,
            Configuration::RomanticTriangle { .. } => Role::Wing,
            Configuration::StableMarriage { outcast } if outcast == position => Role::Outcast,
            Configuration::StableMarriage { .. } => Role::Partner,
            Configuration::UnitVeto => Role::Foe,
        }
    }

    /// Whether the product of its signs is positive (Heider; Cartwright & Harary).
    pub fn balanced(self) -> bool {
        matches!(
            self,
            Configuration::MenageATrois | Configuration::StableMarriage { .. }
        )
    }

    /// The state its roles single out: the pivot or the outcast.
    pub fn singled_out(self) -> Option<usize> {
        match self {
            Configuration::RomanticTriangle { pivot } => Some(pivot),
            Configuration::StableMarriage { outcast } => Some(outcast),
            Configuration::MenageATrois | Configuration::UnitVeto => None,
        }
    }

    /// Its name in words: "ménage à trois", "romantic triangle", "stable marriage",
    /// "unit veto".
    pub fn name(self) -> &'static str {
        match self {
            Configuration::MenageATrois => "ménage à trois",
            Configuration::RomanticTriangle { .. } => "romantic triangle",
            Configuration::StableMarriage { .. } => "stable marriage",
            Configuration::UnitVeto => "unit veto",
        }
    }

    /// Its key in files: `menage_a_trois`, `romantic_triangle`, `stable_marriage`,
    /// `unit_veto`.
    pub fn key(self) -> &'static str {
        match self {
            Configuration::MenageATrois => "menage_a_trois",
            Configuration::RomanticTriangle { .. } => "romantic_triangle",
            Configuration::StableMarriage { .. } => "stable_marriage",
            Configuration::UnitVeto => "unit_veto",
        }
    }

    /// The configuration with its roles, for people, the states named by `names` (in
    /// the triangle's order): "stable marriage, China and Soviet Union partners, United
    /// States the outcast".
    pub fn describe(self, names: [&str; 3]) -> String {
        match self {
            Configuration::MenageATrois => format!(
                "ménage à trois, {}, {} and {} friends",
                names[0], names[1], names[2]
            ),
            Configuration::RomanticTriangle { pivot } => {
                let (a, b) = others(pivot);
                format!(
                    "romantic triangle, {} the pivot, {} and {} the wings",
                    names[pivot], names[a], names[b]
                )
            }
            Configuration::StableMarriage { outcast } => {
                let (a, b) = others(outcast);
                format!(
                    "stable marriage, {} and {} partners, {} the outcast",
                    names[a], names[b], names[outcast]
                )
            }
            Configuration::UnitVeto => format!(
                "unit veto, {}, {} and {} foes",
                names[0], names[1], names[2]
            ),
        }
    }
}

/// The two positions other than `k`, in order.
fn others(k: usize) -> (usize, usize) {
    match k {
        0 => (1, 2),
        1 => (0, 2),
        _ => (0, 1),
    }
}

/// Wu's payoff of the state at `position` under three signs (in the order of [`PAIRS`]):
/// +1 for each positive pair it is in, −1 for each negative one, +1 when the other two
/// are enemies, −1 when they are friends.
pub fn payoff(signs: [Sign; 3], position: usize) -> i32 {
    PAIRS
        .iter()
        .zip(signs)
        .map(|(&(a, b), s)| {
            if a == position || b == position {
                s.unit()
            } else {
                -s.unit()
            }
        })
        .sum()
}

/// The signs of one pair's monthly values under a dead band, with hysteresis: + from a
/// value ≥ `band`, − from one ≤ `−band`, else the sign before; `None` before the first
/// value outside the band and where the value is missing (`None`, the trend's first
/// months) before that.
pub fn signs(values: &[Option<f64>], band: f64) -> Vec<Option<Sign>> {
    let mut sign = None;
    values
        .iter()
        .map(|v| {
            match *v {
                Some(x) if x >= band => sign = Some(Sign::Plus),
                Some(x) if x <= -band => sign = Some(Sign::Minus),
                _ => {}
            }
            sign
        })
        .collect()
}

/// Each month's change of a monthly series over the last [`TREND_MONTHS`] months;
/// `None` for the first 12 months.
pub fn trend(scores: &[f64]) -> Vec<Option<f64>> {
    (0..scores.len())
        .map(|m| {
            m.checked_sub(TREND_MONTHS)
                .map(|before| scores[m] - scores[before])
        })
        .collect()
}

/// The minimum run-length filter: every run of equal months (same configuration and
/// roles, or none) shorter than `months` that has a configuration before it takes that
/// configuration. Runs are taken in date order, so a short run after an absorbed one
/// takes the configuration that absorbed it; the months without a configuration are
/// kept as they are, and so is a short run right after them.
pub fn dwell(raw: &[Option<Configuration>], months: usize) -> Vec<Option<Configuration>> {
    let mut out: Vec<Option<Configuration>> = Vec::with_capacity(raw.len());
    let mut start = 0;
    while start < raw.len() {
        let end = (start..raw.len())
            .find(|&m| raw[m] != raw[start])
            .unwrap_or(raw.len());
        let before = out.last().copied().flatten();
        let value = match before {
            Some(c) if end - start < months && raw[start].is_some() => Some(c),
            _ => raw[start],
        };
        out.extend(std::iter::repeat_n(value, end - start));
        start = end;
    }
    out
}

/// The configuration of each month of three monthly score series (one per pair, in the
/// order of [`PAIRS`], all of one length) under a reading: signs, configurations, dwell.
pub fn read(
    scores: [&[f64]; 3],
    reading: Reading,
    triangle: &Triangle,
) -> Vec<Option<Configuration>> {
    let signs: Vec<Vec<Option<Sign>>> = scores
        .iter()
        .map(|series| match reading {
            Reading::Levels => {
                let values: Vec<Option<f64>> = series.iter().copied().map(Some).collect();
                signs(&values, triangle.dead_band)
            }
            Reading::Trend => signs(&trend(series), triangle.trend_dead_band),
        })
        .collect();
    let months = scores.iter().map(|s| s.len()).min().unwrap_or(0);
    let raw: Vec<Option<Configuration>> = (0..months)
        .map(|m| match (signs[0][m], signs[1][m], signs[2][m]) {
            (Some(a), Some(b), Some(c)) => Some(Configuration::of_signs([a, b, c])),
            _ => None,
        })
        .collect();
    dwell(&raw, triangle.dwell_months)
}

/// A run's triangle under one reading: the configuration of each month.
#[derive(Clone, Debug, PartialEq)]
pub struct Strip {
    /// The reading.
    pub reading: Reading,
    /// Each first of the month of the run, with its configuration (none before every
    /// pair has a sign).
    pub months: Vec<(Date, Option<Configuration>)>,
}

/// A stretch of months with one configuration.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Period {
    /// Its first month (a first of the month).
    pub from: Date,
    /// Its last month (a first of the month).
    pub to: Date,
    /// The configuration, or none.
    pub configuration: Option<Configuration>,
}

impl Strip {
    /// The months grouped into periods of one configuration, in date order.
    pub fn periods(&self) -> Vec<Period> {
        let mut out: Vec<Period> = Vec::new();
        for &(date, configuration) in &self.months {
            match out.last_mut() {
                Some(p) if p.configuration == configuration => p.to = date,
                _ => out.push(Period {
                    from: date,
                    to: date,
                    configuration,
                }),
            }
        }
        out
    }
}

/// The monthly scores of the triangle's three pairs in a run, in the order of [`PAIRS`],
/// with the months they are taken on.
pub fn monthly_scores(triangle: &Triangle, run: &Run) -> (Vec<Date>, [Vec<f64>; 3]) {
    let series = triangle
        .pairs
        .map(|p| run.monthly_of(p).map(|s| s.score).collect::<Vec<f64>>());
    let dates = run
        .monthly_of(triangle.pairs[0])
        .map(|s| Date::from_day(s.day))
        .collect();
    (dates, series)
}

/// A run's triangle under both readings, levels first.
pub fn of_run(triangle: &Triangle, run: &Run) -> [Strip; 2] {
    let (dates, series) = monthly_scores(triangle, run);
    Reading::ALL.map(|reading| {
        let configurations = read([&series[0], &series[1], &series[2]], reading, triangle);
        Strip {
            reading,
            months: dates.iter().copied().zip(configurations).collect(),
        }
    })
}

/// The names of the triangle's states, in its order.
pub fn names(scenario: &Scenario, triangle: &Triangle) -> [String; 3] {
    triangle.states.map(|s| scenario.states[s].name.clone())
}

/// The number of categories of a month in [`Shares`]: none, ménage à trois, a romantic
/// triangle per pivot, a stable marriage per outcast, unit veto.
pub const CATEGORIES: usize = 9;

/// A month's configuration as a category of [`Shares`], in the order the ensemble's strip
/// stacks them: none, ménage à trois, romantic triangle (pivot 0, 1, 2), stable marriage
/// (outcast 0, 1, 2), unit veto.
pub fn category(c: Option<Configuration>) -> usize {
    match c {
        None => 0,
        Some(Configuration::MenageATrois) => 1,
        Some(Configuration::RomanticTriangle { pivot }) => 2 + pivot,
        Some(Configuration::StableMarriage { outcast }) => 5 + outcast,
        Some(Configuration::UnitVeto) => 8,
    }
}

/// The configuration of a category of [`Shares`] (the inverse of [`category`]).
pub fn of_category(k: usize) -> Option<Configuration> {
    match k {
        1 => Some(Configuration::MenageATrois),
        2..=4 => Some(Configuration::RomanticTriangle { pivot: k - 2 }),
        5..=7 => Some(Configuration::StableMarriage { outcast: k - 5 }),
        8 => Some(Configuration::UnitVeto),
        _ => None,
    }
}

/// Many runs' triangle under one reading: how many runs have each configuration (and
/// roles) in each month.
#[derive(Clone, Debug, PartialEq)]
pub struct Shares {
    /// The reading.
    pub reading: Reading,
    /// Per month, the runs in each category ([`category`]).
    pub counts: Vec<[u32; CATEGORIES]>,
}

/// Counts the configurations of many runs under both readings (levels first). `scores(k,
/// p)` is run `k`'s monthly series of the triangle's pair `p` (in the order of
/// [`PAIRS`]); every series has `months` months. The counts do not depend on the order
/// of the runs.
pub fn shares<'a>(
    triangle: &Triangle,
    runs: usize,
    months: usize,
    scores: impl Fn(usize, usize) -> &'a [f64] + Sync,
) -> [Shares; 2] {
    use rayon::prelude::*;
    Reading::ALL.map(|reading| {
        // Runs are read in parallel; counts are sums of integers, the same in any order.
        let counts = (0..runs)
            .into_par_iter()
            .fold(
                || vec![[0u32; CATEGORIES]; months],
                |mut counts, k| {
                    let series = [scores(k, 0), scores(k, 1), scores(k, 2)];
                    for (m, c) in read(series, reading, triangle).into_iter().enumerate() {
                        counts[m][category(c)] += 1;
                    }
                    counts
                },
            )
            .reduce(
                || vec![[0u32; CATEGORIES]; months],
                |mut a, b| {
                    for (x, y) in a.iter_mut().zip(&b) {
                        for (p, q) in x.iter_mut().zip(y) {
                            *p += q;
                        }
                    }
                    a
                },
            );
        Shares { reading, counts }
    })
}
