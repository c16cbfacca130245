//! From a scenario and a run to the chart model: the only place the chart meets the
//! engine's types.

use crate::date::Date;
use crate::record::{self, Run};
use crate::scenario::Scenario;

use super::{
    BandShade, ChartModel, CheckpointMark, EraSpan, EventMarker, Layout, Series, SeriesRole, Strip,
    Tenure,
};

/// How many events a run's chart numbers unless told otherwise: as many as a legend in
/// type large enough for the back of a room holds on the 1600x900 slide (five rows of two).
pub const NUMBERED: usize = 10;

/// A subtitle, led by the coupling between the pairs when the scenario couples them, so
/// that no chart of a coupled run passes for one of independent pairs (and a long
/// subtitle cut to the chart's width keeps it): `coupling between the pairs at 0.5 a year
/// · ...`; the subtitle as it is without coupling.
pub fn with_coupling(scenario: &Scenario, subtitle: &str) -> String {
    match scenario.coupling {
        Some(c) => format!("{c} · {subtitle}"),
        None => subtitle.to_string(),
    }
}

/// The chart of one run: bands, eras, checkpoints judged against the run, the trajectory as
/// the baseline, every fired event as a marker, and every state's tenure strip.
///
/// A scenario of several pairs gets a line per pair, named for it, each event on the line
/// of the pair it was logged on, in the layout [`Layout::default_for`] its pairs; set
/// [`ChartModel::layout`] to choose the other.
///
/// An event's influence, which decides who gets a label first when space is short, is the
/// size of the jump it made in its pair's score that day.
pub fn of_run(scenario: &Scenario, run: &Run) -> ChartModel {
    let (start, end) = scenario.span();
    let pairs = scenario.pairs.len();
    let mut m = ChartModel::new(
        scenario.title().to_string(),
        scenario.span(),
        scenario.scale.bound,
    );
    m.subtitle = if pairs == 1 {
        let (a, b) = scenario.pairs[0].states;
        format!(
            "{} and {}, {} to {}: relation score on Yan Xuetong's scale, against the documented timeline",
            scenario.states[a].name, scenario.states[b].name, start, end
        )
    } else {
        // Four or more states' names would crowd the line: the panels and the lines'
        // labels name them.
        let who = if scenario.states.len() <= 3 {
            listed(scenario.states.iter().map(|s| s.name.as_str()))
        } else {
            format!("{} states", scenario.states.len())
        };
        format!(
            "{who}, {start} to {end}: each pair's relation score on Yan Xuetong's scale, against the documented timeline"
        )
    };
    // A run of the other form says so where the reader looks first.
    if let crate::scenario::Dynamics::Accumulating { .. } = scenario.dynamics {
        m.subtitle = m.subtitle.replace(
            "against the documented timeline",
            &format!("events {}", scenario.dynamics),
        );
    }
    m.subtitle = with_coupling(scenario, &m.subtitle);
    m.pairs = (0..pairs).map(|p| scenario.pair_name(p)).collect();
    m.layout = Layout::default_for(pairs);
    m.small_print = format!(
        "seed {} · diplosim {} · data: trajectory.csv, events.csv",
        run.seed,
        env!("CARGO_PKG_VERSION")
    );
    m.events_file = "events.csv".into();
    m.most_numbers = Some(NUMBERED);
    m.simulated = format!("simulated run, seed {}", run.seed);
    m.bands = scenario
        .scale
        .bands
        .iter()
        .map(|b| BandShade {
            name: b.name.clone(),
            lo: b.lo,
            hi: b.hi,
        })
        .collect();
    m.eras = scenario
        .timeline
        .eras
        .iter()
        .map(|e| EraSpan {
            pair: e.pair,
            label: e.label.clone(),
            from: e.from,
            to: e.to,
        })
        .collect();
    m.checkpoints = record::checkpoints(scenario, run)
        .iter()
        .map(|v| {
            let c = &scenario.timeline.checkpoints[v.checkpoint];
            CheckpointMark {
                id: c.id.clone(),
                pair: c.pair,
                from: c.from,
                to: c.to,
                lo: c.lo,
                hi: c.hi,
                met: v.met,
            }
        })
        .collect();
    m.series = (0..pairs)
        .map(|p| Series {
            label: if pairs == 1 {
                m.simulated.clone()
            } else {
                scenario.pair_name(p)
            },
            pair: p,
            points: trajectory(run, p),
            role: SeriesRole::Baseline,
            band: Vec::new(),
        })
        .collect();
    m.markers = run
        .fired
        .iter()
        .map(|f| {
            let e = &scenario.events[f.event];
            EventMarker {
                date: Date::from_day(f.day),
                score: f.after,
                title: e.title.clone(),
                source: e.source.clone(),
                influence: (f.after - f.before).abs(),
                eligible: true,
                id: e.id.clone(),
                pair: f.pair,
            }
        })
        .collect();
    m.strips = strips(scenario);
    if scenario.triangle().is_some() {
        m.small_print = m
            .small_print
            .replace("events.csv", "events.csv, triangle.csv");
    }
    m.triangle = scenario
        .triangle()
        .map(|t| triangle_strips(scenario, t, &crate::triangle::of_run(t, run)));
    m
}

/// A triangle's strips (one per reading) and its checkpoints judged on them, as a chart
/// draws them.
pub fn triangle_strips(
    scenario: &Scenario,
    t: &crate::triangle::Triangle,
    strips: &[crate::triangle::Strip],
) -> super::TriangleStrips {
    let names = crate::triangle::names(scenario, t);
    let named = [names[0].as_str(), names[1].as_str(), names[2].as_str()];
    let checkpoints = &scenario.timeline.triangle_checkpoints;
    let marks = crate::triangle::verdicts(checkpoints, strips)
        .into_iter()
        .map(|v| {
            let c = &checkpoints[v.checkpoint];
            super::TriangleCheckpointMark {
                id: c.id.clone(),
                from: c.from,
                to: c.to,
                contested: c.contested,
                readings: c
                    .readings
                    .iter()
                    .zip(v.readings)
                    .map(|(e, r)| super::TriangleReadingMark {
                        name: e.name.clone(),
                        reading: e.reading,
                        expect: e.expect.describe(named),
                        matching: r.matching,
                        months: r.months,
                        most: r.most.map_or("none".to_string(), |k| k.describe(named)),
                        met: r.met,
                    })
                    .collect(),
            }
        })
        .collect();
    super::TriangleStrips {
        rows: strips
            .iter()
            .map(|s| super::TriangleRow {
                label: String::new(),
                reading: s.reading,
                periods: s.periods(),
                shares: Vec::new(),
            })
            .collect(),
        names,
        checkpoints: marks,
    }
}

/// Every state's leader strip over the scenario's span, from the terms of `scenario`: for
/// a what-if, the variant's own (a tenure it ends early ends there, a stand-in holds the
/// office from the day they take it).
pub fn strips(scenario: &Scenario) -> Vec<Strip> {
    let (start, end) = scenario.span();
    (0..scenario.states.len())
        .map(|s| Strip {
            state: scenario.states[s].name.clone(),
            tenures: scenario
                .strip(s)
                .into_iter()
                .filter(|(_, t)| t.to.is_none_or(|to| to > start.day()) && t.from <= end.day())
                .map(|(l, t)| {
                    let leader = &scenario.leaders[l];
                    Tenure {
                        name: leader.name.clone(),
                        short: leader.short.clone(),
                        from: Date::from_day(t.from.max(start.day())),
                        to: Date::from_day(t.to.map_or(end.day(), |to| to.min(end.day()))),
                    }
                })
                .collect(),
        })
        .collect()
}

/// The line of one pair in a run: its monthly scores and the exact score just after each
/// event logged on it, so that the line passes through every event's dot and shows a dip
/// that lasts less than a month. (Between two points the line is straight; at this scale
/// a month is under two pixels, so a jump still reads as one.)
///
/// A monthly sample is read at the end of its day, after that day's events.
pub fn trajectory(run: &Run, pair: usize) -> Vec<(Date, f64)> {
    let mut points: Vec<(i32, u8, usize, f64)> = run
        .monthly_of(pair)
        .map(|s| (s.day, 1, 0, s.score))
        .collect();
    points.extend(
        run.fired
            .iter()
            .enumerate()
            .filter(|(_, f)| f.pair == pair)
            .map(|(k, f)| (f.day, 0, k, f.after)),
    );
    points.sort_by_key(|p| (p.0, p.1, p.2));
    points
        .into_iter()
        .map(|(day, _, _, score)| (Date::from_day(day), score))
        .collect()
}

/// "A, B and C".
fn listed<'a>(names: impl Iterator<Item = &'a str>) -> String {
    let names: Vec<&str> = names.collect();
    match names.as_slice() {
        [] => String::new(),
        [one] => one.to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}
