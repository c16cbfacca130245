//! From a scenario and a run to the chart model: the only place the chart meets the
//! engine's types.

use crate::date::Date;
use crate::record::{self, Run};
use crate::scenario::Scenario;

use super::{
    BandShade, ChartModel, CheckpointMark, EraSpan, EventMarker, Series, SeriesRole, Strip, Tenure,
};

/// How many events a run's chart numbers unless told otherwise: as many as a legend in
/// type large enough for the back of a room holds.
pub const NUMBERED: usize = 12;

/// The chart of one run: bands, eras, checkpoints judged against the run, the trajectory as
/// the baseline, every fired event as a marker, and both states' tenure strips.
///
/// An event's influence, which decides who gets a label first when space is short, is the
/// size of the jump it made in the score that day.
pub fn of_run(scenario: &Scenario, run: &Run) -> ChartModel {
    let (start, end) = scenario.span();
    let mut m = ChartModel::new(
        scenario.title().to_string(),
        scenario.span(),
        scenario.scale.bound,
    );
    m.subtitle = format!(
        "{} and {}, {} to {}: relation score on Yan Xuetong's scale, against the documented timeline",
        scenario.states[0].name, scenario.states[1].name, start, end
    );
    m.small_print = format!(
        "seed {} · diplosim {} · data: trajectory.csv, events.csv",
        run.seed,
        env!("CARGO_PKG_VERSION")
    );
    m.events_file = "events.csv".into();
    m.most_numbers = Some(NUMBERED);
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
                from: c.from,
                to: c.to,
                lo: c.lo,
                hi: c.hi,
                met: v.met,
            }
        })
        .collect();
    m.series.push(Series {
        label: "baseline".into(),
        points: trajectory(run),
        role: SeriesRole::Baseline,
        band: Vec::new(),
    });
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
            }
        })
        .collect();
    m.strips = (0..scenario.states.len())
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
        .collect();
    m
}

/// The line of a run: its monthly scores and the exact score just after each event, so
/// that the line passes through every event's dot and shows a dip that lasts less than
/// a month. (Between two points the line is straight; at this scale a month is under
/// two pixels, so a jump still reads as one.)
///
/// A monthly sample is read at the end of its day, after that day's events.
pub fn trajectory(run: &Run) -> Vec<(Date, f64)> {
    let mut points: Vec<(i32, u8, usize, f64)> =
        run.monthly().map(|s| (s.day, 1, 0, s.score)).collect();
    points.extend(
        run.fired
            .iter()
            .enumerate()
            .map(|(k, f)| (f.day, 0, k, f.after)),
    );
    points.sort_by_key(|p| (p.0, p.1, p.2));
    points
        .into_iter()
        .map(|(day, _, _, score)| (Date::from_day(day), score))
        .collect()
}
