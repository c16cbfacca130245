//! Contested readings in experiments: which reading each run takes of each contested event
//! or checkpoint ([`Plan`]), and whether a conclusion holds under every reading
//! ([`Holding`]), computed from the runs grouped by reading.
//!
//! With `--readings all`, each run draws a reading per contested item on the item's own
//! random stream ([`crate::random::reading`]), so every other draw of the run is what it
//! is without readings. A run then runs the scenario read under its readings
//! ([`Scenario::read`]); the runs that took reading `r` of item `c` are a group, and a
//! conclusion holds under every reading when every group of every item comes to it too.

use crate::date::Date;
use crate::experiment::Seeds;
use crate::scenario::{Contested, ContestedItem, Scenario};

/// Which readings the runs of an experiment take.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Mode {
    /// Every run takes each item's first reading: the scenario as written.
    #[default]
    Default,
    /// Each run draws a reading per contested item, by weight, on the item's own stream.
    All,
    /// Named items take the named reading, the others their first: `(id, reading)`.
    Pinned(Vec<(String, String)>),
}

impl Mode {
    /// Reads `default`, `all` or `ID=NAME[,ID=NAME...]`.
    pub fn parse(text: &str) -> Result<Mode, String> {
        match text {
            "default" => Ok(Mode::Default),
            "all" => Ok(Mode::All),
            _ => {
                let mut pins = Vec::new();
                for part in text.split(',') {
                    let Some((id, name)) = part.split_once('=') else {
                        return Err(format!(
                            "--readings {text}: write `default`, `all`, or ID=READING (several joined by commas), e.g. --readings zhenbao_ambush=soviet_patrol_first"
                        ));
                    };
                    pins.push((id.trim().to_string(), name.trim().to_string()));
                }
                Ok(Mode::Pinned(pins))
            }
        }
    }

    /// The mode as typed: `default`, `all`, or the pins.
    pub fn name(&self) -> String {
        match self {
            Mode::Default => "default".into(),
            Mode::All => "all".into(),
            Mode::Pinned(pins) => (pins.iter())
                .map(|(i, n)| format!("{i}={n}"))
                .collect::<Vec<_>>()
                .join(","),
        }
    }
}

/// The readings of the runs of an experiment of a scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    /// How they were chosen.
    pub mode: Mode,
    /// The scenario's contested items.
    pub contested: Vec<Contested>,
    /// For each run, in seed order, its reading of each contested item (empty when
    /// nothing is contested).
    pub choices: Vec<Vec<usize>>,
}

impl Plan {
    /// The readings the runs of `seeds` take of `sc` under `mode`. A pin that names no
    /// contested item, or no reading of it, is refused with what there is.
    pub fn new(sc: &Scenario, mode: &Mode, seeds: Seeds) -> Result<Plan, String> {
        let contested = sc.contested.clone();
        let runs = seeds.runs as usize;
        let choices = if contested.is_empty() {
            Vec::new()
        } else {
            match mode {
                Mode::Default => vec![vec![0; contested.len()]; runs],
                Mode::All => (0..seeds.runs)
                    .map(|k| {
                        let seed = seeds.first.wrapping_add(k);
                        (contested.iter())
                            .map(|c| {
                                let weights: Vec<f64> =
                                    c.readings.iter().map(|r| r.weight).collect();
                                crate::random::reading(seed, &c.stream_key(), &weights)
                            })
                            .collect()
                    })
                    .collect(),
                Mode::Pinned(pins) => {
                    let mut choice = vec![0; contested.len()];
                    for (id, name) in pins {
                        let Some(c) = contested.iter().position(|c| &c.id == id) else {
                            return Err(format!(
                                "--readings {id}={name}: \"{id}\" is not contested in {}; {}",
                                sc.title(),
                                contested_list(&contested)
                            ));
                        };
                        let Some(r) = contested[c].find(name) else {
                            return Err(format!(
                                "--readings {id}={name}: {} has no reading \"{name}\"; its readings are {}",
                                contested[c].what(),
                                names(&contested[c])
                            ));
                        };
                        choice[c] = r;
                    }
                    vec![choice; runs]
                }
            }
        };
        if let Mode::Pinned(pins) = mode
            && contested.is_empty()
            && let Some((id, name)) = pins.first()
        {
            return Err(format!(
                "--readings {id}={name}: nothing is contested in {}: its events and checkpoints give no readings",
                sc.title()
            ));
        }
        Ok(Plan {
            mode: mode.clone(),
            contested,
            choices,
        })
    }

    /// Whether runs differ in their readings, so that whether a conclusion holds under
    /// every reading can be told.
    pub fn drawn(&self) -> bool {
        self.mode == Mode::All && !self.contested.is_empty()
    }

    /// The distinct choices of the runs, sorted.
    pub fn distinct(&self) -> Vec<Vec<usize>> {
        let mut all = self.choices.clone();
        all.sort_unstable();
        all.dedup();
        all
    }

    /// The runs (positions in seed order) that took reading `r` of contested item `c`.
    pub fn group(&self, c: usize, r: usize) -> Vec<usize> {
        (self.choices.iter().enumerate())
            .filter(|(_, x)| x[c] == r)
            .map(|(k, _)| k)
            .collect()
    }
}

fn names(c: &Contested) -> String {
    (c.readings.iter())
        .map(|r| format!("\"{}\"", r.name))
        .collect::<Vec<_>>()
        .join(", ")
}

fn contested_list(all: &[Contested]) -> String {
    if all.is_empty() {
        return "nothing is contested in it".into();
    }
    let items: Vec<String> = (all.iter())
        .map(|c| format!("{} ({})", c.id, names(c)))
        .collect();
    format!("its contested items are {}", items.join("; "))
}

/// A conclusion of an experiment and whether it holds under every reading.
#[derive(Clone, Debug, PartialEq)]
pub struct Holding {
    /// The conclusion, in words ("1960s bad", "closest_ally met by the median").
    pub conclusion: String,
    /// The readings under which the runs come to another conclusion: the contested
    /// item's position, the reading's, and what those runs come to instead.
    pub breaks: Vec<(usize, usize, String)>,
    /// The readings no run took (item, reading): nothing can be said of them.
    pub undrawn: Vec<(usize, usize)>,
}

impl Holding {
    /// Whether every reading was drawn and none breaks it.
    pub fn holds(&self) -> bool {
        self.breaks.is_empty() && self.undrawn.is_empty()
    }
}

/// Checks one conclusion, `outcome` of a set of runs, against every group of runs of
/// every reading of the items that bear on it (`bears(c)`): `outcome(runs, reading)`
/// says what the runs conclude (the reading given for the checkpoint's own range).
fn check(
    plan: &Plan,
    conclusion: String,
    all: &str,
    bears: impl Fn(usize) -> bool,
    outcome: impl Fn(&[usize], Option<(usize, usize)>) -> String,
) -> Holding {
    let mut breaks = Vec::new();
    let mut undrawn = Vec::new();
    for (c, item) in plan.contested.iter().enumerate() {
        if !bears(c) {
            continue;
        }
        for r in 0..item.readings.len() {
            let runs = plan.group(c, r);
            if runs.is_empty() {
                undrawn.push((c, r));
                continue;
            }
            let said = outcome(&runs, Some((c, r)));
            if said != all {
                breaks.push((c, r, said));
            }
        }
    }
    Holding {
        conclusion,
        breaks,
        undrawn,
    }
}

/// Whether contested item `c` is an event: only an event's readings change the scores.
fn is_event(plan: &Plan, c: usize) -> bool {
    matches!(plan.contested[c].item, ContestedItem::Event(_))
}

/// The mean over `runs` of each cell of `values` (`cells` a run).
fn mean_of(values: &[f64], cells: usize, runs: &[usize]) -> Vec<f64> {
    let mut out = vec![0.0; cells];
    for &k in runs {
        for (o, v) in out.iter_mut().zip(&values[k * cells..(k + 1) * cells]) {
            *o += v;
        }
    }
    let n = runs.len().max(1) as f64;
    out.iter_mut().for_each(|o| *o /= n);
    out
}

/// The band of the mean score of each decade of one pair's months.
fn decade_bands(sc: &Scenario, days: &[i32], curve: &[f64]) -> Vec<(i32, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < days.len() {
        let decade = Date::from_day(days[i]).year().div_euclid(10) * 10;
        let j = (i..days.len())
            .find(|&k| Date::from_day(days[k]).year().div_euclid(10) * 10 != decade)
            .unwrap_or(days.len());
        let mean = curve[i..j].iter().sum::<f64>() / (j - i) as f64;
        out.push((decade, sc.scale.band_index(mean)));
        i = j;
    }
    out
}

/// The bands per decade of the mean of the runs `values` (run after run, `cells` a run),
/// pair by pair: one conclusion per pair and decade, headed `label` ("baseline: ", or
/// nothing).
pub fn decades(sc: &Scenario, plan: &Plan, values: &[f64], label: &str) -> Vec<Holding> {
    let days = crate::experiment::months(sc);
    let cells = days.len() * sc.pairs.len();
    let n = days.len();
    let runs: Vec<usize> = (0..plan.choices.len()).collect();
    let all = mean_of(values, cells, &runs);
    let mut out = Vec::new();
    for p in 0..sc.pairs.len() {
        let of = p * n..(p + 1) * n;
        let overall = decade_bands(sc, &days, &all[of.clone()]);
        for (d, &(decade, band)) in overall.iter().enumerate() {
            let name = |b: usize| sc.scale.bands[b].name.clone();
            let pair = if sc.pairs.len() > 1 {
                format!("{}: ", sc.pair_name(p))
            } else {
                String::new()
            };
            out.push(check(
                plan,
                format!(
                    "{pair}{label}{} {}",
                    crate::report::decade(sc, decade),
                    name(band)
                ),
                &name(band),
                |c| is_event(plan, c),
                |group, _| {
                    let m = mean_of(values, cells, group);
                    name(decade_bands(sc, &days, &m[of.clone()])[d].1)
                },
            ));
        }
    }
    out
}

/// Whether the median of the runs meets each checkpoint in every month of its span (the
/// month of its first day when no month starts in it), as the ensemble's chart judges
/// it: one conclusion per checkpoint. A contested checkpoint's own groups are judged by
/// the range of their reading.
pub fn checkpoints(sc: &Scenario, plan: &Plan, values: &[f64]) -> Vec<Holding> {
    let days = crate::experiment::months(sc);
    let cells = days.len() * sc.pairs.len();
    let n = days.len();
    // Each contested checkpoint's range under each of its readings.
    let ranges: Vec<Option<Vec<(f64, f64)>>> = (plan.contested.iter().enumerate())
        .map(|(c, item)| match item.item {
            ContestedItem::Checkpoint(i) => Some(
                (0..item.readings.len())
                    .map(|r| {
                        let mut choice = vec![0; plan.contested.len()];
                        choice[c] = r;
                        sc.read(&choice).map_or(
                            (sc.timeline.checkpoints[i].lo, sc.timeline.checkpoints[i].hi),
                            |s| (s.timeline.checkpoints[i].lo, s.timeline.checkpoints[i].hi),
                        )
                    })
                    .collect(),
            ),
            ContestedItem::Event(_) => None,
        })
        .collect();
    let mut out = Vec::new();
    for (i, cp) in sc.timeline.checkpoints.iter().enumerate() {
        let mut months: Vec<usize> = (0..n)
            .filter(|&m| cp.from.day() <= days[m] && days[m] <= cp.to.day())
            .collect();
        if months.is_empty() {
            months = (0..n)
                .rev()
                .find(|&m| days[m] <= cp.from.day())
                .into_iter()
                .collect();
        }
        let cells_of: Vec<usize> = months.iter().map(|m| cp.pair * n + m).collect();
        let met = |group: &[usize], (lo, hi): (f64, f64)| -> String {
            let ok = cells_of.iter().all(|&cell| {
                let mut col: Vec<f64> = group.iter().map(|&k| values[k * cells + cell]).collect();
                let median = crate::experiment::percentiles(&mut col, &[0.5])[0];
                (lo..=hi).contains(&median)
            });
            if ok { "met" } else { "missed" }.to_string()
        };
        let runs: Vec<usize> = (0..plan.choices.len()).collect();
        let all = met(&runs, (cp.lo, cp.hi));
        out.push(check(
            plan,
            format!("checkpoint {} {all} by the median", cp.id),
            &all,
            |c| is_event(plan, c) || plan.contested[c].item == ContestedItem::Checkpoint(i),
            |group, at| {
                let range = at
                    .and_then(|(c, r)| match plan.contested[c].item {
                        ContestedItem::Checkpoint(j) if j == i => ranges[c].as_ref().map(|x| x[r]),
                        _ => None,
                    })
                    .unwrap_or((cp.lo, cp.hi));
                met(group, range)
            },
        ));
    }
    out
}

/// The sign of a what-if's mean gap from the month its curves part, for each pair whose
/// curves part: `base` and `variant` the runs' scores (run after run), `parts` each
/// pair's parting day.
pub fn signs(
    sc: &Scenario,
    plan: &Plan,
    base: &[f64],
    variant: &[f64],
    name: &str,
    parts: &[Option<i32>],
) -> Vec<Holding> {
    let days = crate::experiment::months(sc);
    let cells = days.len() * sc.pairs.len();
    let n = days.len();
    let diff: Vec<f64> = variant.iter().zip(base).map(|(v, b)| v - b).collect();
    let sign = |x: f64| if x >= 0.0 { "warmer" } else { "colder" }.to_string();
    let mut out = Vec::new();
    for (p, parts) in parts.iter().enumerate() {
        let Some(from) = parts else { continue };
        let months: Vec<usize> = (0..n).filter(|&m| days[m] >= *from).collect();
        let gap = |group: &[usize]| -> f64 {
            let m = mean_of(&diff, cells, group);
            months.iter().map(|&i| m[p * n + i]).sum::<f64>() / months.len().max(1) as f64
        };
        let runs: Vec<usize> = (0..plan.choices.len()).collect();
        let all = sign(gap(&runs));
        let pair = if sc.pairs.len() > 1 {
            format!(" ({})", sc.pair_name(p))
        } else {
            String::new()
        };
        out.push(check(
            plan,
            format!("{name}{pair} {all} on average from the parting"),
            &all,
            |c| is_event(plan, c),
            |group, _| format!("{} ({:+.2})", sign(gap(group)), gap(group)),
        ));
        // What a group says carries its gap; a group breaks only if its sign differs.
        if let Some(h) = out.last_mut() {
            h.breaks.retain(|(_, _, said)| !said.starts_with(&all));
        }
    }
    out
}
