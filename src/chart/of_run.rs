//! From a scenario and a run to the chart model: the only place the chart meets the
//! engine's types.

use crate::date::Date;
use crate::record::{self, Run};
use crate::scenario::Scenario;

use super::{
    BandShade, ChartModel, CheckpointMark, EraSpan, EventMarker, Series, SeriesRole, Strip, Tenure,
};

/// The chart of one run: bands, eras, checkpoints judged against the run, the trajectory as
/// the baseline, every fired event as a marker, and both states' tenure strips.
///
/// An event's influence, which decides who gets a label first when space is short, is the
/// size of the jump it made in the score that day.
pub fn of_run(scenario: &Scenario, run: &Run) -> ChartModel {
    let (start, end) = scenario.span;
    let mut m = ChartModel::new(scenario.title.clone(), scenario.span, scenario.scale.bound);
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

/// The monthly scores of a run, as chart points.
pub fn trajectory(run: &Run) -> Vec<(Date, f64)> {
    run.monthly()
        .map(|s| (Date::from_day(s.day), s.score))
        .collect()
}
