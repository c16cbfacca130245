//! The report layer: what the experiments' numbers become for a reader. CSV files (one
//! `Serialize` row type per file, so a header cannot drift from its column), text
//! summaries, and the chart models of ensembles, comparisons and rankings.
//!
//! [`crate::experiment`] computes and returns plain numbers; nothing here runs a
//! simulation. The command line and any other front end (a web page) build their files
//! from these functions, so every front end says the same thing.
//!
//! Numbers in CSV files have four decimals ([`fixed`]) and dates are ISO, so the same
//! results give the same bytes on any machine.

mod calibration;
mod compare;
mod ensemble;
mod explain;
mod fit;
mod rank;
mod readings;
mod runs;
mod sensitivity;
mod what_if;
mod zoom;

pub use calibration::{calibration_csv, diagnostics_text};
pub use compare::{
    CardLine, Rewrite, Told, card, compare_chart, compare_csv, cotenability_text, decade,
    decades_csv, divergence_csv, divergence_text, handover_text, mark_changes, plausibility_text,
    probability, removal_text, summary,
};
pub use ensemble::{ensemble_chart, ensemble_csv, ensemble_text};
pub use explain::{Detail, FEW, explain_csv, explain_text, explain_with, pair};
pub use fit::{annotate, fit_csv, fit_report, fit_text, reference_series, train_test_text};
pub use rank::{ONE_WAY_SHARE, direction, rank_bars, rank_chart, rank_csv, rank_text};
pub use readings::readings_text;
pub use runs::{MOST_ROWS, RunsCsv, check_runs_csv};
pub use sensitivity::{sensitivity_chart, sensitivity_csv, sensitivity_table};
pub use what_if::WhatIf;
pub use zoom::{Bound, zoom, zoom_span};

use serde::Serialize;

use crate::chart::{self, ChartModel};
use crate::experiment::Seeds;
use crate::record::{Run, fixed};
use crate::scenario::Scenario;

/// The chart of one run: as [`chart::of_run`] draws it, and for a what-if's variant with
/// its question and its changed events. A scenario of several pairs gets the layout
/// [`chart::Layout::default_for`] its pairs: set the model's `layout` to choose.
pub fn run_chart(sc: &Scenario, run: &Run, what_if: Option<&WhatIf>) -> ChartModel {
    let mut m = chart::of_run(sc, run);
    if let Some(w) = what_if {
        w.mark(sc, &mut m);
    }
    m
}

/// Which events a chart numbers (`--events`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Events {
    /// Every event, as many as the legend has room for.
    All,
    /// The `n` largest jumps in score.
    Largest(usize),
    /// These event ids.
    Only(Vec<String>),
}

impl Default for Events {
    fn default() -> Events {
        Events::Largest(chart::NUMBERED)
    }
}

/// As typed: `all`, the count, or the ids separated by commas.
impl std::fmt::Display for Events {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Events::All => f.write_str("all"),
            Events::Largest(n) => write!(f, "{n}"),
            Events::Only(ids) => f.write_str(&ids.join(",")),
        }
    }
}

impl std::str::FromStr for Events {
    type Err = String;

    /// `all`, a count, or event ids separated by commas.
    fn from_str(text: &str) -> Result<Events, String> {
        let text = text.trim();
        if text == "all" {
            return Ok(Events::All);
        }
        if let Ok(n) = text.parse::<usize>() {
            return Ok(Events::Largest(n));
        }
        let ids: Vec<String> = text
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect();
        if ids.is_empty() {
            return Err("write `all`, a number, or event ids separated by commas".into());
        }
        Ok(Events::Only(ids))
    }
}

impl Events {
    /// An error that names an id `sc` has no event for.
    pub fn check(&self, sc: &Scenario) -> Result<(), String> {
        if let Events::Only(ids) = self
            && let Some(bad) = ids
                .iter()
                .find(|id| !sc.events.iter().any(|e| &e.id == *id))
        {
            return Err(format!(
                "--events: the scenario has no event `{bad}` (its ids are in events.csv)"
            ));
        }
        Ok(())
    }

    /// Applies the choice to a chart of `sc`; an error names an id `sc` has no event for.
    pub fn apply(&self, sc: &Scenario, m: &mut ChartModel) -> Result<(), String> {
        self.check(sc)?;
        match self {
            Events::All => m.most_numbers = None,
            Events::Largest(n) => m.most_numbers = Some(*n),
            Events::Only(ids) => {
                m.most_numbers = None;
                for marker in &mut m.markers {
                    marker.eligible = ids.contains(&marker.id);
                }
            }
        }
        Ok(())
    }
}

/// A number written with four decimals and no negative zero, as every CSV file writes
/// scores.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Fixed(pub f64);

impl Serialize for Fixed {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&fixed(self.0))
    }
}

/// A CSV file of `rows`, headed by the field names of `R`. With no rows, the header of
/// `empty` is written alone (a row type cannot name its fields without a value).
fn csv_of<R: Serialize>(
    rows: impl IntoIterator<Item = R>,
    empty: R,
) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut any = false;
    for row in rows {
        w.serialize(row)?;
        any = true;
    }
    let mut bytes = w.into_inner().map_err(|e| e.into_error())?;
    if !any {
        let mut head = csv::Writer::from_writer(Vec::new());
        head.serialize(empty)?;
        let all = head.into_inner().map_err(|e| e.into_error())?;
        let end = all
            .iter()
            .position(|&b| b == b'\n')
            .map_or(all.len(), |i| i + 1);
        bytes = all[..end].to_vec();
    }
    Ok(bytes)
}

/// A CSV file whose columns are known only at run time (one group per variant): each
/// column is its header with the function that gives its cell in row `i`, so a header
/// cannot lose its column.
struct Columns<'a> {
    columns: Vec<(String, Box<dyn Fn(usize) -> String + 'a>)>,
}

impl<'a> Columns<'a> {
    fn new() -> Columns<'a> {
        Columns {
            columns: Vec::new(),
        }
    }

    /// Adds a column.
    fn column(&mut self, header: impl Into<String>, cell: impl Fn(usize) -> String + 'a) {
        self.columns.push((header.into(), Box::new(cell)));
    }

    /// The file with `rows` rows under the header.
    fn csv(&self, rows: usize) -> Result<Vec<u8>, csv::Error> {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(self.columns.iter().map(|(h, _)| h.as_str()))?;
        for i in 0..rows {
            w.write_record(self.columns.iter().map(|(_, cell)| cell(i)))?;
        }
        w.into_inner().map_err(|e| e.into_error().into())
    }
}

/// "1 run from seed 7", or "100 runs from seed 7".
fn runs_from(seeds: Seeds) -> String {
    format!(
        "{} run{} from seed {}",
        seeds.runs,
        if seeds.runs == 1 { "" } else { "s" },
        seeds.first
    )
}

/// "seed 7", or "seeds 7 to 106".
pub fn seed_range(seeds: Seeds) -> String {
    if seeds.runs == 1 {
        format!("seed {}", seeds.first)
    } else {
        format!(
            "seeds {} to {}",
            seeds.first,
            seeds.first.wrapping_add(seeds.runs - 1)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Row {
        date: &'static str,
        score: Fixed,
        note: Option<&'static str>,
    }

    #[test]
    fn rows_are_headed_by_their_fields() {
        let rows = [
            Row {
                date: "1950-02-14",
                score: Fixed(-0.00001),
                note: None,
            },
            Row {
                date: "1950-03-01",
                score: Fixed(2.5),
                note: Some("a, b"),
            },
        ];
        let empty = Row {
            date: "",
            score: Fixed(0.0),
            note: None,
        };
        let text = String::from_utf8(csv_of(rows, empty).unwrap()).unwrap();
        assert_eq!(
            text,
            "date,score,note\n1950-02-14,0.0000,\n1950-03-01,2.5000,\"a, b\"\n"
        );
        let empty = Row {
            date: "",
            score: Fixed(0.0),
            note: None,
        };
        let none: [Row; 0] = [];
        assert_eq!(csv_of(none, empty).unwrap(), b"date,score,note\n");
    }

    #[test]
    fn columns_keep_their_headers() {
        let mut t = Columns::new();
        t.column("i", |i| i.to_string());
        t.column("twice", |i| (2 * i).to_string());
        assert_eq!(t.csv(2).unwrap(), b"i,twice\n0,0\n1,2\n");
    }
}
