//! The words of an explanation: the table `explain` prints, and its CSV form.

use std::fmt::Write as _;

use serde::Serialize;

use super::{Fixed, csv_of};
use crate::date::Date;
use crate::experiment::{Explanation, Part};
use crate::scenario::{Level, Scenario};

/// The pair a level binds, in words: "state", "party red-blue", "leader ann-cid".
pub fn pair(sc: &Scenario, level: Level) -> String {
    match level {
        Level::State => "state".to_string(),
        Level::Party(a, b) => format!("party {}-{}", sc.parties[a].id, sc.parties[b].id),
        Level::Leader(a, b) => format!("leader {}-{}", sc.leaders[a].id, sc.leaders[b].id),
    }
}

/// Modifiers worth less than this today print as 0.0000; the table folds them into one row.
const FADED: f64 = 0.00005;

/// How many modifiers the explanation for a class shows, the largest today first.
pub const FEW: usize = 5;

/// How much of the explanation is told.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Detail {
    /// For a class: the [`FEW`] modifiers that count most today, largest first (by
    /// absolute size), then one row that sums the rest and says how many they are.
    #[default]
    Few,
    /// For researchers: every modifier that counts, in date order (those faded below
    /// four decimals folded into one row).
    Full,
}

/// The explanation for a class ([`Detail::Few`]): a table that sums down to the score.
pub fn explain_text(sc: &Scenario, x: &Explanation) -> String {
    explain_with(sc, x, Detail::Few)
}

/// The explanation as a table that sums down to the score, told in `detail`. Whatever is
/// left out is summed into one row, so the rows always add up.
pub fn explain_with(sc: &Scenario, x: &Explanation, detail: Detail) -> String {
    let mut out = String::new();
    let date = Date::from_day(x.day);
    let of = if sc.pairs.len() > 1 {
        format!(" of {}", sc.pair_name(x.pair))
    } else {
        String::new()
    };
    let _ = writeln!(
        out,
        "{}: the score{of} on {date} (seed {})",
        sc.title(),
        x.seed
    );
    let [a, b] = x.ruling;
    total(&mut out, "structural part", x.structural);
    let _ = writeln!(
        out,
        "    = base {} + affinity {} x similarity {:.4} of the ruling parties:",
        sc.pairs[x.pair].structure.base, sc.pairs[x.pair].structure.affinity, x.similarity
    );
    let _ = writeln!(
        out,
        "      {} ({}) and {} ({})",
        sc.parties[a].name, sc.parties[a].id, sc.parties[b].name, sc.parties[b].id
    );
    let (shown, faded): (Vec<&Part>, Vec<&Part>) = match detail {
        Detail::Full => x.parts.iter().partition(|p| p.value.abs() >= FADED),
        Detail::Few => {
            // Largest today first; equal sizes keep their date order (the sort is stable).
            let mut by_size: Vec<&Part> = x.parts.iter().collect();
            by_size.sort_by(|a, b| b.value.abs().total_cmp(&a.value.abs()));
            let rest = by_size.split_off(FEW.min(by_size.len()));
            (by_size, rest)
        }
    };
    let pw = shown
        .iter()
        .map(|p| pair(sc, p.level).chars().count())
        .max()
        .unwrap_or(5)
        .max(5);
    if x.parts.is_empty() {
        let _ = writeln!(out, "  no modifier counts on this day");
    } else {
        let heading = match detail {
            Detail::Full => "modifiers that count (event: label)".to_string(),
            Detail::Few if shown.len() < x.parts.len() => {
                format!("the {} that count most (event: label)", shown.len())
            }
            Detail::Few => "modifiers that count, largest first".to_string(),
        };
        let _ = writeln!(
            out,
            "  {:<44} {:>8}  {:<pw$}  {:<10} {:>8}",
            heading, "today", "level", "started", "at start"
        );
    }
    for p in &shown {
        let e = &sc.events[p.event];
        let what = format!("{}: {}", e.id, p.label);
        let what: String = if what.chars().count() > 42 {
            what.chars().take(41).chain(['…']).collect()
        } else {
            what
        };
        let _ = writeln!(
            out,
            "    {:<42} {:>8}  {:<pw$}  {:<10} {:>8}",
            what,
            format!("{:+.4}", p.value),
            pair(sc, p.level),
            Date::from_day(p.start).to_string(),
            format!("{:+.4}", p.start_value)
        );
    }
    if !faded.is_empty() {
        let sum: f64 = faded.iter().map(|p| p.value).sum();
        let n = faded.len();
        let rest = match detail {
            Detail::Full => format!("{n} more that have faded below {FADED}"),
            Detail::Few if n == 1 => "1 more, smaller".to_string(),
            Detail::Few => format!("the {n} others, together"),
        };
        let _ = writeln!(out, "    {:<42} {:>8}", rest, signed(sum));
    }
    if !x.parts.is_empty() {
        let level = |rank: usize| -> f64 {
            x.parts
                .iter()
                .filter(|p| p.level.rank() == rank)
                .map(|p| p.value)
                .sum()
        };
        let _ = writeln!(
            out,
            "    by level: state {}, party {}, leader {}",
            signed(level(0)),
            signed(level(1)),
            signed(level(2))
        );
    }
    if x.not_counting > 0 {
        let _ = writeln!(
            out,
            "  ({} earlier modifier{} not count today: their leaders are out of office, their parties out of power, or their end date has passed)",
            x.not_counting,
            if x.not_counting == 1 { " does" } else { "s do" }
        );
    }
    if let Some(c) = sc.coupling {
        total(&mut out, "coupling between the pairs", x.coupling);
        let _ = writeln!(
            out,
            "    toward the other two pairs' product, at {} a year (set on the first of the month)",
            c.rate
        );
    }
    total(&mut out, "raw (the sum)", x.raw);
    let _ = writeln!(
        out,
        "  {:<44} {:>8}  {}",
        format!("score = {0} tanh(raw / {0})", sc.scale.bound),
        format!("{:+.4}", x.score),
        sc.scale.band(x.score)
    );
    out
}

/// A line of the table that the rows above it add up to.
fn total(out: &mut String, label: &str, value: f64) {
    let _ = writeln!(out, "  {:<44} {:>8}", label, signed(value));
}

/// A sum with its sign and four decimals; one that rounds to zero is `+0.0000`, never
/// `-0.0000` (a sum of faded modifiers can be a hair below zero).
fn signed(x: f64) -> String {
    let s = format!("{x:+.4}");
    if s == "-0.0000" {
        "+0.0000".to_string()
    } else {
        s
    }
}

/// A row of the explanation as CSV: the structural part, a modifier, the raw sum or
/// the score.
#[derive(Serialize)]
struct PartRow {
    pair: String,
    part: &'static str,
    event: Option<String>,
    label: Option<String>,
    level: Option<String>,
    started: Option<Date>,
    start_value: Option<Fixed>,
    value: Fixed,
}

/// The explanations of one day as CSV: `pair,part,event,label,level,started,start_value,value`;
/// for each pair in turn, one row for the structural part, one per modifier that counts,
/// then `raw` and `score`.
pub fn explain_csv(sc: &Scenario, xs: &[Explanation]) -> Result<Vec<u8>, csv::Error> {
    let rows = xs.iter().flat_map(|x| explain_rows(sc, x));
    let empty = PartRow {
        pair: String::new(),
        part: "",
        event: None,
        label: None,
        level: None,
        started: None,
        start_value: None,
        value: Fixed(0.0),
    };
    csv_of(rows, empty)
}

/// The rows of one pair's explanation.
fn explain_rows<'a>(sc: &'a Scenario, x: &'a Explanation) -> impl Iterator<Item = PartRow> + 'a {
    let key = sc.pair_key(x.pair);
    let total = move |part: &'static str, value: f64| PartRow {
        pair: key.clone(),
        part,
        event: None,
        label: None,
        level: None,
        started: None,
        start_value: None,
        value: Fixed(value),
    };
    let structural = PartRow {
        label: Some(format!(
            "{} and {}",
            sc.parties[x.ruling[0]].name, sc.parties[x.ruling[1]].name
        )),
        ..total("structural", x.structural)
    };
    let modifiers = x.parts.iter().map(move |p| PartRow {
        pair: sc.pair_key(x.pair),
        part: "modifier",
        event: Some(sc.events[p.event].id.clone()),
        label: Some(p.label.clone()),
        level: Some(pair(sc, p.level)),
        started: Some(Date::from_day(p.start)),
        start_value: Some(Fixed(p.start_value)),
        value: Fixed(p.value),
    });
    std::iter::once(structural)
        .chain(modifiers)
        .chain([total("raw", x.raw), total("score", x.score)])
}
