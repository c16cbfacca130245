//! The files and words of a ranking: `rank.csv`, the printed table, the bar chart.

use std::fmt::Write as _;

use serde::Serialize;

use super::{Fixed, csv_of, runs_from};
use crate::chart::{BarChart, Direction};
use crate::date::Date;
use crate::experiment::{Influence, Seeds};
use crate::scenario::Scenario;

/// A row of `rank.csv`: one event and how much removing it moves one pair's trajectory.
#[derive(Serialize)]
struct RankRow<'a> {
    rank: usize,
    id: &'a str,
    pair: String,
    date: Option<Date>,
    title: &'a str,
    mean_abs_change: Fixed,
    mean_effect: Fixed,
    largest_change: Fixed,
    fired: Fixed,
}

/// `rank.csv`: one row per (event, pair) (`fired` is the event's, whichever pair it was
/// logged on),
/// `rank,id,pair,date,title,mean_abs_change,mean_effect,largest_change,fired`.
pub fn rank_csv(sc: &Scenario, ranking: &[Influence]) -> Result<Vec<u8>, csv::Error> {
    let rows = ranking.iter().enumerate().map(|(k, r)| {
        let e = &sc.events[r.event];
        RankRow {
            rank: k + 1,
            id: &e.id,
            pair: sc.pair_key(r.pair),
            date: e.date(),
            title: &e.title,
            mean_abs_change: Fixed(r.mean_abs_change),
            mean_effect: Fixed(r.mean_effect),
            largest_change: Fixed(r.largest_change),
            fired: Fixed(r.fired),
        }
    });
    let empty = RankRow {
        rank: 0,
        id: "",
        pair: String::new(),
        date: None,
        title: "",
        mean_abs_change: Fixed(0.0),
        mean_effect: Fixed(0.0),
        largest_change: Fixed(0.0),
        fired: Fixed(0.0),
    };
    csv_of(rows, empty)
}

/// The ranking as a table, the top `top` rows.
pub fn rank_text(sc: &Scenario, ranking: &[Influence], seeds: Seeds, top: usize) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}: events by how much removing each moves the trajectory ({})",
        sc.title(),
        runs_from(seeds)
    );
    let idw = ranking
        .iter()
        .take(top)
        .map(|r| sc.events[r.event].id.len())
        .max()
        .unwrap_or(2)
        .max(2);
    // With several pairs, a row is an event on one pair: the pair gets a column.
    let many = sc.pairs.len() > 1;
    let pw = if many {
        (ranking.iter().take(top))
            .map(|r| sc.pair_key(r.pair).chars().count())
            .max()
            .unwrap_or(4)
            .max(4)
    } else {
        0
    };
    let pair_cell = |text: &str| {
        if many {
            format!("{text:<pw$}  ")
        } else {
            String::new()
        }
    };
    let _ = writeln!(
        out,
        "  {:>4}  {:<idw$}  {}{:<10}  {:>10}  {:>8}  {:<9}  {:>6}  title",
        "rank",
        "id",
        pair_cell("pair"),
        "date",
        "mean |Δ|",
        "effect",
        "way",
        "fired"
    );
    for (k, r) in ranking.iter().take(top).enumerate() {
        let e = &sc.events[r.event];
        let _ = writeln!(
            out,
            "  {:>4}  {:<idw$}  {}{:<10}  {:>10.3}  {:>+8.3}  {:<9}  {:>5.0}%  {}",
            k + 1,
            e.id,
            pair_cell(&sc.pair_key(r.pair)),
            e.date().map_or("-".to_string(), |d| d.to_string()),
            r.mean_abs_change,
            r.mean_effect,
            way(direction(r)),
            r.fired * 100.0,
            e.title
        );
    }
    if ranking.len() > top {
        let _ = writeln!(out, "  ... {} more in rank.csv", ranking.len() - top);
    }
    out
}

/// The bars of the ranking chart: the top `top` events, labelled with their year and
/// title, by their mean absolute change.
pub fn rank_bars(sc: &Scenario, ranking: &[Influence], top: usize) -> Vec<(String, f64)> {
    ranking
        .iter()
        .take(top)
        .map(|r| {
            let e = &sc.events[r.event];
            let title: String = if e.title.chars().count() > 60 {
                e.title.chars().take(59).chain(['…']).collect()
            } else {
                e.title.clone()
            };
            let mut label = match e.date() {
                Some(d) => format!("{} {title}", d.year()),
                None => title,
            };
            // With several pairs a bar is an event on one pair: say which.
            if sc.pairs.len() > 1 {
                label.push_str(&format!(" ({})", sc.pair_name(r.pair)));
            }
            (label, r.mean_abs_change)
        })
        .collect()
}

/// An event claims a direction only when its mean effect is more than this share of its
/// mean absolute change: at or below it, the months it raised and the months it lowered nearly
/// cancel (the proclamation of the PRC in 1949 was one, with a mean of -0.06 against a mean
/// change of 1.09, before its ties), and calling it "cooled the relation" would read as a
/// historical claim.
pub const ONE_WAY_SHARE: f64 = 0.5;

/// Which way an event moved the relation on average: warmed or cooled, or both ways when
/// its mean effect is at most [`ONE_WAY_SHARE`] of its mean absolute change (an event
/// that changes nothing claims nothing either).
pub fn direction(r: &Influence) -> Direction {
    if r.mean_effect.abs() <= ONE_WAY_SHARE * r.mean_abs_change {
        Direction::BothWays
    } else if r.mean_effect < 0.0 {
        Direction::Cooled
    } else {
        Direction::Warmed
    }
}

/// The word of a direction in the printed table.
fn way(d: Direction) -> &'static str {
    match d {
        Direction::Warmed => "warmed",
        Direction::Cooled => "cooled",
        Direction::BothWays => "both ways",
    }
}

/// The chart of a ranking: the top `top` events as bars.
pub fn rank_chart(sc: &Scenario, ranking: &[Influence], seeds: Seeds, top: usize) -> BarChart {
    let top = ranking.len().min(top);
    BarChart {
        title: format!("{}: the {top} events that move it most", sc.title()),
        subtitle: format!(
            "mean absolute change of the monthly score when the event is removed, over {}",
            if seeds.runs == 1 {
                "one simulated run".to_string()
            } else {
                format!("{} paired simulated runs", seeds.runs)
            }
        ),
        axis: "mean absolute change of the monthly score, in score points".into(),
        small_print: format!(
            "{} · diplosim {} · data: rank.csv",
            super::seed_range(seeds),
            env!("CARGO_PKG_VERSION")
        ),
        directions: ranking.iter().take(top).map(direction).collect(),
        bars: rank_bars(sc, ranking, top),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn influence(mean_effect: f64, mean_abs_change: f64) -> Influence {
        Influence {
            event: 0,
            pair: 0,
            mean_abs_change,
            mean_effect,
            largest_change: mean_abs_change,
            fired: 1.0,
        }
    }

    #[test]
    fn an_event_whose_months_nearly_cancel_claims_no_direction() {
        // The 1949 proclamation of the PRC: a mean of -0.06 against a mean change of 1.09.
        assert_eq!(direction(&influence(-0.06, 1.09)), Direction::BothWays);
        assert_eq!(direction(&influence(0.4, 1.0)), Direction::BothWays);
        // Every month one way, or mostly.
        assert_eq!(direction(&influence(-0.93, 0.93)), Direction::Cooled);
        assert_eq!(direction(&influence(0.6, 0.605)), Direction::Warmed);
        assert_eq!(direction(&influence(-0.51, 1.0)), Direction::Cooled);
        assert_eq!(direction(&influence(-0.5, 1.0)), Direction::BothWays);
        // An event that changes nothing claims nothing.
        assert_eq!(direction(&influence(0.0, 0.0)), Direction::BothWays);
    }
}
