//! The files and words of an ensemble: `ensemble.csv`, its printed summary, its chart.

use std::fmt::Write as _;

use serde::Serialize;

use super::{Fixed, csv_of, runs_from, seed_range};
use crate::chart::{self, ChartModel, EnsembleBand, EnsemblePoint};
use crate::date::Date;
use crate::experiment::Ensemble;
use crate::record::Run;
use crate::scenario::Scenario;

/// A row of `ensemble.csv`: the first of a month, a pair, the mean score and its
/// percentiles.
#[derive(Serialize)]
struct EnsembleRow {
    date: Date,
    pair: String,
    mean: Fixed,
    p5: Fixed,
    p25: Fixed,
    p50: Fixed,
    p75: Fixed,
    p95: Fixed,
}

/// `ensemble.csv`: one row per (date, pair), `date,pair,mean,p5,p25,p50,p75,p95`.
pub fn ensemble_csv(sc: &Scenario, e: &Ensemble) -> Result<Vec<u8>, csv::Error> {
    let pairs = sc.pairs.len();
    let row = |r: usize| {
        let (m, pair) = (r / pairs, r % pairs);
        let i = e.of_pair(pair).start + m;
        let p = e.percentiles[i];
        EnsembleRow {
            date: Date::from_day(e.days[m]),
            pair: sc.pair_key(pair),
            mean: Fixed(e.mean[i]),
            p5: Fixed(p[0]),
            p25: Fixed(p[1]),
            p50: Fixed(p[2]),
            p75: Fixed(p[3]),
            p95: Fixed(p[4]),
        }
    };
    let empty = EnsembleRow {
        date: Date::from_day(0),
        pair: String::new(),
        mean: Fixed(0.0),
        p5: Fixed(0.0),
        p25: Fixed(0.0),
        p50: Fixed(0.0),
        p75: Fixed(0.0),
        p95: Fixed(0.0),
    };
    csv_of((0..e.days.len() * pairs).map(row), empty)
}

/// What `ensemble` prints: the runs, then the median and the 90% range at the start, at
/// the end and where the runs spread widest.
pub fn ensemble_text(sc: &Scenario, e: &Ensemble) -> String {
    let mut text = String::new();
    let seeds = e.seeds;
    let _ = writeln!(text, "{}: {}", sc.title(), runs_from(seeds));
    if let Some(c) = sc.coupling {
        let _ = writeln!(text, "  {c}");
    }
    // One block per pair (named when there are several); `i` is a month of pair `pair`.
    let many = sc.pairs.len() > 1;
    let indent = if many { "    " } else { "  " };
    let row = |t: &mut String, label: &str, pair: usize, i: usize| {
        let p = e.percentiles[e.of_pair(pair).start + i];
        let _ = writeln!(
            t,
            "{indent}{label:<8} {}  median {:>6.2} ({})  90% of runs in [{:.2}, {:.2}]",
            Date::from_day(e.days[i]),
            p[2],
            sc.scale.band(p[2]),
            p[0],
            p[4]
        );
    };
    for pair in 0..sc.pairs.len() {
        if e.days.is_empty() {
            break;
        }
        if many {
            let _ = writeln!(text, "  {}", sc.pair_name(pair));
        }
        let cells = &e.percentiles[e.of_pair(pair)];
        row(&mut text, "start", pair, 0);
        row(&mut text, "end", pair, e.days.len() - 1);
        let widest = (0..e.days.len())
            .max_by(|&a, &b| {
                let w = |i: usize| cells[i][4] - cells[i][0];
                w(a).total_cmp(&w(b)).then(b.cmp(&a))
            })
            .unwrap_or(0);
        row(&mut text, "widest", pair, widest);
    }
    text
}

/// The chart of an ensemble: the median of all runs as the line, with the middle half and
/// 90% of runs as bands; the checkpoints judged on the median; the events of the run of
/// the first seed, placed on the median in the month they fired. With several pairs, a
/// median and bands per pair, each checkpoint judged on its pair's median and each event
/// placed on the median of the pair it was logged on.
pub fn ensemble_chart(sc: &Scenario, e: &Ensemble, first: &Run) -> ChartModel {
    let mut m = chart::of_run(sc, first);
    m.series.clear();
    m.subtitle = if sc.pairs.len() > 1 {
        format!(
            "{} runs: each pair's median, middle half and 90% of runs; checkpoints judged on the median, events of the run of seed {}",
            e.seeds.runs, first.seed
        )
    } else {
        format!(
            "{} runs: the median, the middle half (25th to 75th percentile) and 90% of runs (5th to 95th); checkpoints judged on the median, events of the run of seed {}",
            e.seeds.runs, first.seed
        )
    };
    m.subtitle = chart::with_coupling(sc, &m.subtitle);
    m.small_print = format!(
        "{} · diplosim {} · data: ensemble.csv",
        seed_range(e.seeds),
        env!("CARGO_PKG_VERSION")
    );
    m.events_file = String::new();
    m.simulated = format!("median of {} simulated runs", e.seeds.runs);
    let median = |pair: usize, day: i32| -> Option<f64> {
        let k = e
            .days
            .partition_point(|&d| d < day)
            .min(e.days.len().checked_sub(1)?);
        Some(e.percentiles[e.of_pair(pair).start + k][2])
    };
    for marker in &mut m.markers {
        if let Some(y) = median(marker.pair, marker.date.day()) {
            marker.score = y;
        }
    }
    let top = sc.scale.bound;
    for c in &mut m.checkpoints {
        let (from, to) = (c.from.day(), c.to.day());
        let mut inside: Vec<f64> = e
            .days
            .iter()
            .zip(&e.percentiles[e.of_pair(c.pair)])
            .filter(|(d, _)| (from..=to).contains(*d))
            .map(|(_, p)| p[2])
            .collect();
        if inside.is_empty() {
            inside.extend(median(c.pair, from));
        }
        c.met = !inside.is_empty()
            && inside
                .iter()
                .all(|&s| s >= c.lo && (s < c.hi || c.hi >= top && s <= c.hi));
    }
    // The triangle of many runs: the share of runs in each configuration, month by
    // month; its checkpoints are judged on single runs (`run`), not here.
    if let Some(t) = &mut m.triangle {
        t.checkpoints.clear();
        t.rows = e
            .triangle
            .iter()
            .map(|s| chart::TriangleRow {
                label: String::new(),
                reading: s.reading,
                periods: Vec::new(),
                shares: e
                    .days
                    .iter()
                    .map(|&d| Date::from_day(d))
                    .zip(s.counts.iter().copied())
                    .collect(),
            })
            .collect();
    }
    for pair in 0..sc.pairs.len() {
        m.ensembles.push(EnsembleBand {
            label: format!("{} simulated runs", e.seeds.runs),
            pair,
            points: e
                .days
                .iter()
                .zip(&e.percentiles[e.of_pair(pair)])
                .map(|(&d, p)| EnsemblePoint {
                    date: Date::from_day(d),
                    p5: p[0],
                    p25: p[1],
                    p50: p[2],
                    p75: p[3],
                    p95: p[4],
                })
                .collect(),
        });
    }
    m
}
