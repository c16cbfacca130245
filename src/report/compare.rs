//! The files and words of a comparison: `compare.csv`, `divergence.csv`, `decades.csv`,
//! the divergence summary (`divergence.txt`, also printed) and the chart.

use std::fmt::Write as _;

use serde::Serialize;

use super::{Columns, Fixed, csv_of, seed_range};
use crate::chart::{self, ChangeMark, ChartModel, Layout, Panel, Series, SeriesRole};
use crate::date::Date;
use crate::experiment::{Comparison, PARTING, REJOIN, REJOIN_MONTHS};
use crate::record::{Run, fixed};
use crate::scenario::Scenario;
use crate::scenario::counterfactual::{Contradiction, Handover, Plausibility, Removal};

/// `compare.csv`: one row per (date, pair), `date,pair,baseline`, then for each variant
/// its mean score, the mean difference from the baseline, and the 5th and 95th percentiles
/// of the paired differences (`<name>,<name>_diff,<name>_diff_p5,<name>_diff_p95`).
/// Variants stay columns: each is paired with the baseline on the same row.
pub fn compare_csv(sc: &Scenario, c: &Comparison) -> Result<Vec<u8>, csv::Error> {
    let pairs = sc.pairs.len();
    let keys: Vec<String> = (0..pairs).map(|p| sc.pair_key(p)).collect();
    let n = c.days.len();
    // Row `i` is month `i / pairs` of pair `i % pairs`, its cell `pair * n + month`.
    let cell = move |i: usize| (i % pairs) * n + i / pairs;
    let mut t = Columns::new();
    t.column("date", |i| Date::from_day(c.days[i / pairs]).to_string());
    t.column("pair", |i| keys[i % pairs].clone());
    t.column("baseline", move |i| fixed(c.baseline[cell(i)]));
    for v in &c.variants {
        t.column(v.name.clone(), move |i| fixed(v.mean[cell(i)]));
        t.column(format!("{}_diff", v.name), move |i| fixed(v.diff[cell(i)]));
        t.column(format!("{}_diff_p5", v.name), move |i| {
            fixed(v.diff_p5[cell(i)])
        });
        t.column(format!("{}_diff_p95", v.name), move |i| {
            fixed(v.diff_p95[cell(i)])
        });
    }
    t.csv(n * pairs)
}

/// A row of `divergence.csv`: how one variant parts from the baseline on one pair.
#[derive(Serialize)]
struct DivergenceRow<'a> {
    variant: &'a str,
    pair: &'a str,
    parts: Option<Date>,
    mean_gap: Fixed,
    mean_abs_gap: Fixed,
    largest_gap: Option<Fixed>,
    largest_gap_date: Option<Date>,
}

/// `divergence.csv`: one row per variant and pair,
/// `variant,pair,parts,mean_gap,mean_abs_gap,largest_gap,largest_gap_date`.
pub fn divergence_csv(sc: &Scenario, c: &Comparison) -> Result<Vec<u8>, csv::Error> {
    let keys: Vec<String> = (0..sc.pairs.len()).map(|p| sc.pair_key(p)).collect();
    let rows = c.variants.iter().flat_map(|v| {
        v.divergence
            .iter()
            .zip(&keys)
            .map(|(d, key)| DivergenceRow {
                variant: &v.name,
                pair: key,
                parts: d.parts.map(Date::from_day),
                mean_gap: Fixed(d.mean_gap),
                mean_abs_gap: Fixed(d.mean_abs_gap),
                largest_gap: d.largest.map(|l| Fixed(l.1)),
                largest_gap_date: d.largest.map(|l| Date::from_day(l.0)),
            })
    });
    let empty = DivergenceRow {
        variant: "",
        pair: "",
        parts: None,
        mean_gap: Fixed(0.0),
        mean_abs_gap: Fixed(0.0),
        largest_gap: None,
        largest_gap_date: None,
    };
    csv_of(rows, empty)
}

/// `decades.csv`: one row per (decade, pair), `decade,pair,baseline,<variant>...`, the
/// band of each curve's mean score over each decade.
pub fn decades_csv(sc: &Scenario, c: &Comparison) -> Result<Vec<u8>, csv::Error> {
    let pairs = sc.pairs.len();
    let keys: Vec<String> = (0..pairs).map(|p| sc.pair_key(p)).collect();
    let band = |b: usize| sc.scale.bands[b].name.clone();
    let at = move |i: usize| &c.decades[i % pairs][i / pairs];
    let mut t = Columns::new();
    t.column("decade", move |i| decade(sc, at(i).0));
    t.column("pair", |i| keys[i % pairs].clone());
    t.column("baseline", move |i| band(at(i).1[0]));
    for (k, v) in c.variants.iter().enumerate() {
        t.column(v.name.clone(), move |i| band(at(i).1[k + 1]));
    }
    t.csv(c.decades.first().map_or(0, Vec::len) * pairs)
}

/// A decade as the span covers it: "1950s" whole, "1990-91" or "1917-19" in part.
pub fn decade(sc: &Scenario, first_year: i32) -> String {
    let from = first_year.max(sc.span().0.year());
    let to = (first_year + 9).min(sc.span().1.year());
    if from == first_year && to == first_year + 9 {
        format!("{first_year}s")
    } else if from == to {
        from.to_string()
    } else {
        format!("{from}-{:02}", to.rem_euclid(100))
    }
}

/// What the reader is told of a variant besides its curves: what its removals take with
/// them and leave, and how much of the history it rewrites.
#[derive(Clone, Copy, Debug, Default)]
pub struct Told<'a> {
    /// What each `Remove` takes with it and leaves, in the order of the changes.
    pub removals: &'a [Removal],
    /// How much of the history it rewrites, when known.
    pub rewrite: Option<Rewrite>,
    /// Each change and whether contemporaries considered it, in the order of the changes
    /// (none: nothing is said).
    pub plausibility: &'a [Plausibility],
    /// Events still in the run that presume what a change undid.
    pub contradictions: &'a [Contradiction],
    /// What each leader replacement hands to the stand-in.
    pub handovers: &'a [Handover],
}

impl<'a> Told<'a> {
    /// What the reader is told of the what-if `cf` of the scenario `base` (read from
    /// `base_file`).
    pub fn of(
        base_file: &crate::scenario::file::ScenarioFile,
        base: &Scenario,
        cf: &'a crate::scenario::counterfactual::Counterfactual,
    ) -> Told<'a> {
        Told {
            removals: &cf.removals,
            plausibility: &cf.plausibility,
            contradictions: &cf.contradictions,
            handovers: &cf.handovers,
            rewrite: Some(Rewrite {
                changes: cf.changes,
                touched: super::WhatIf::of(base_file, base, cf).touched,
                events: base.events.len(),
                first_change: cf.first_change,
            }),
        }
    }
}

/// How much of the history a what-if rewrites (the minimal-rewrite rule asks for little).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rewrite {
    /// The number of changes it lists.
    pub changes: usize,
    /// The base's events it removes, moves or changes.
    pub touched: usize,
    /// The base's events.
    pub events: usize,
    /// The earliest day a change can take effect.
    pub first_change: Date,
}

/// The divergence summary in words: printed, and saved as `divergence.txt`. Each
/// variant's block opens with what its removals take with them and leave, and closes with
/// its report card: how much of the history it rewrites, whether contemporaries
/// considered each change and their joint probability, what contradicts the changes
/// (cotenability), whether the histories come back together, and how far the largest gap
/// is from the first change (`told`, one per
/// variant, in order; a missing one says nothing).
pub fn divergence_text(sc: &Scenario, c: &Comparison, titles: &[&str], told: &[Told]) -> String {
    let mut out = String::new();
    let runs = if c.seeds.runs == 1 {
        format!("seed {}", c.seeds.first)
    } else {
        format!("{} paired runs, {}", c.seeds.runs, seed_range(c.seeds))
    };
    let _ = writeln!(out, "{} against its variants ({runs})", sc.title());
    let many = sc.pairs.len() > 1;
    let put = |out: &mut String, lines: Vec<CardLine>| {
        for l in lines {
            out.push_str(&l.to_string());
        }
    };
    for (k, v) in c.variants.iter().enumerate() {
        let title = titles.get(k).copied().unwrap_or(&v.name);
        let _ = writeln!(out, "\n{} ({title})", v.name);
        let told = told.get(k).copied().unwrap_or_default();
        for r in told.removals {
            out.push_str(&removal_text(r));
        }
        put(&mut out, card_of_changes(&told));
        for (p, d) in v.divergence.iter().enumerate() {
            if many {
                let _ = writeln!(out, "  {}:", sc.pair_name(p));
            }
            match (d.parts, d.largest) {
                (Some(p), Some((when, gap))) => {
                    let _ = writeln!(out, "  parts from the baseline   {}", Date::from_day(p));
                    let _ = writeln!(
                        out,
                        "  mean gap since then       {:+.2} (mean absolute gap {:.2})",
                        d.mean_gap, d.mean_abs_gap
                    );
                    let _ = writeln!(
                        out,
                        "  largest gap               {gap:+.2} in {}",
                        Date::from_day(when)
                    );
                    put(&mut out, card_of_pair(d, &told, None));
                }
                _ => {
                    let _ = writeln!(
                        out,
                        "  never parts from the baseline (no month differs by {PARTING} or more)"
                    );
                }
            }
        }
    }
    let band = |b: usize| sc.scale.bands[b].name.as_str();
    let _ = writeln!(
        out,
        "\nBand of the mean score per decade (decades.csv has the table)"
    );
    for (p, decades) in c.decades.iter().enumerate() {
        if many {
            let _ = writeln!(out, "  {}:", sc.pair_name(p));
        }
        let base: Vec<String> = decades
            .iter()
            .map(|(d, bands)| format!("{} {}", decade(sc, *d), band(bands[0])))
            .collect();
        let _ = writeln!(out, "  baseline: {}", base.join(", "));
        for (k, v) in c.variants.iter().enumerate() {
            let differs: Vec<String> = decades
                .iter()
                .filter(|(_, bands)| bands[k + 1] != bands[0])
                .map(|(d, bands)| {
                    format!(
                        "{} {} (not {})",
                        decade(sc, *d),
                        band(bands[k + 1]),
                        band(bands[0])
                    )
                })
                .collect();
            let _ = writeln!(
                out,
                "  {}: {}",
                v.name,
                if differs.is_empty() {
                    "the same band in every decade".to_string()
                } else {
                    differs.join(", ")
                }
            );
        }
    }
    out
}

/// One line of a variant's report card: what it judges (`head`, empty for a line that
/// goes on under the one before) and what it says. `compare`'s text prints it as
/// `  <head, 24 wide>  <text>`; the handout sets it as a row of a table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CardLine {
    /// What the line judges: "minimal rewrite", "plausibility", ...; empty when it goes
    /// on under the line before.
    pub head: &'static str,
    /// What it says.
    pub text: String,
    /// The pair of states it is about (an index into the scenario's pairs), for the
    /// lines of a pair's curves; `None` for the lines of the changes.
    pub pair: Option<usize>,
}

impl CardLine {
    fn new(head: &'static str, text: String) -> CardLine {
        CardLine {
            head,
            text,
            pair: None,
        }
    }
}

impl std::fmt::Display for CardLine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "  {:<24}  {}", self.head, self.text)
    }
}

/// A variant's report card, line by line: what it hands to a stand-in, how much of the
/// history it rewrites, whether contemporaries considered each change and their joint
/// probability, what contradicts the changes, and for each pair of states whose curves
/// part how far the largest gap is from the first change and whether the histories come
/// back together. `compare`'s text and the handout print these same lines.
pub fn card(c: &crate::experiment::VariantResult, told: &Told) -> Vec<CardLine> {
    let mut lines = card_of_changes(told);
    for (p, d) in c.divergence.iter().enumerate() {
        lines.extend(card_of_pair(d, told, Some(p)));
    }
    lines
}

/// The lines of a report card about the changes themselves (none for a what-if of no
/// change).
fn card_of_changes(told: &Told) -> Vec<CardLine> {
    let mut lines: Vec<CardLine> = (told.handovers.iter())
        .map(|h| CardLine::new("hands over", handover(h)))
        .collect();
    if let Some(r) = told.rewrite {
        let share = 100.0 * r.touched as f64 / r.events.max(1) as f64;
        lines.push(CardLine::new(
            "minimal rewrite",
            format!(
                "{} change{}, touching {} of the history's {} events ({share:.1}%)",
                r.changes,
                if r.changes == 1 { "" } else { "s" },
                r.touched,
                r.events
            ),
        ));
    }
    lines.extend(plausibility_lines(told.plausibility));
    if told.rewrite.is_some() || !told.plausibility.is_empty() {
        lines.extend(cotenability_lines(told.contradictions));
    }
    lines
}

/// The lines of a report card about one pair's curves, once they part: how far the
/// largest gap comes from the first change, and whether the histories come back together
/// (none when the curves never part).
fn card_of_pair(
    d: &crate::experiment::Divergence,
    told: &Told,
    pair: Option<usize>,
) -> Vec<CardLine> {
    let mut lines = Vec::new();
    let (Some(_), Some((when, _))) = (d.parts, d.largest) else {
        return lines;
    };
    if let Some(r) = told.rewrite {
        let years = f64::from(when - r.first_change.day()) / 365.25;
        lines.push(CardLine::new(
            "largest gap comes",
            format!(
                "{years:.1} years after the first change ({})",
                r.first_change
            ),
        ));
    }
    lines.push(CardLine::new(
        "comes back together",
        match d.rejoins {
            Some(day) => format!(
                "{} (within {REJOIN} points for {} years from then)",
                Date::from_day(day),
                REJOIN_MONTHS / 12
            ),
            None => format!(
                "never (the mean gap does not stay within {REJOIN} points for {} years)",
                REJOIN_MONTHS / 12
            ),
        },
    ));
    for l in &mut lines {
        l.pair = pair;
    }
    lines
}

/// Whether contemporaries considered each change, and the changes' joint probability, as
/// the lines of a variant's report card (nothing for a what-if of no change):
///
/// ```text
///   plausibility              Remove("recall"): considered (Zhou's memo, 1960), chance 0.2
///                             Move(event: "summit", to: "1986-10-01"): a miracle counterfactual (Lebow): no source says it was considered
///   joint probability         not given: 1 of 2 changes has no chance
/// ```
pub fn plausibility_text(all: &[Plausibility]) -> String {
    plausibility_lines(all)
        .iter()
        .map(|l| l.to_string())
        .collect()
}

fn plausibility_lines(all: &[Plausibility]) -> Vec<CardLine> {
    let mut lines = Vec::new();
    for (k, p) in all.iter().enumerate() {
        let head = if k == 0 { "plausibility" } else { "" };
        let said = match &p.considered {
            Some((source, Some(chance))) => format!("considered ({source}), chance {chance}"),
            Some((source, None)) => format!("considered ({source})"),
            None => {
                "a miracle counterfactual (Lebow): no source says it was considered".to_string()
            }
        };
        lines.push(CardLine::new(head, format!("{}: {said}", p.change)));
    }
    if all.is_empty() {
        return lines;
    }
    let missing = (all.iter())
        .filter(|p| !matches!(p.considered, Some((_, Some(_)))))
        .count();
    let joint = match Plausibility::joint(all) {
        Some(joint) if all.len() == 1 => {
            format!("{} (the chance of its one change)", probability(joint))
        }
        Some(joint) => format!(
            "{} (the product of the {} changes' chances, as if independent)",
            probability(joint),
            all.len()
        ),
        None => format!(
            "not given: {missing} of {} change{} {} no chance",
            all.len(),
            if all.len() == 1 { "" } else { "s" },
            if missing == 1 { "has" } else { "have" }
        ),
    };
    lines.push(CardLine::new("joint probability", joint));
    lines
}

/// The events still in the run that presume what a change undid, as the lines of a
/// variant's report card:
///
/// ```text
///   cotenability              Remove("treaty") leaves "Treaty renewed" (treaty_renewed, 1956-03-01): it names the same thing as "Treaty"
/// ```
pub fn cotenability_text(all: &[Contradiction]) -> String {
    cotenability_lines(all)
        .iter()
        .map(|l| l.to_string())
        .collect()
}

fn cotenability_lines(all: &[Contradiction]) -> Vec<CardLine> {
    if all.is_empty() {
        return vec![CardLine::new(
            "cotenability",
            "no change contradicts an event still in the run".to_string(),
        )];
    }
    (all.iter().enumerate())
        .map(|(k, c)| {
            let head = if k == 0 { "cotenability" } else { "" };
            let (id, title, date) = &c.event;
            let when = date.map_or(String::new(), |d| format!(", {d}"));
            CardLine::new(
                head,
                format!("{} leaves \"{title}\" ({id}{when}): {}", c.change, c.why),
            )
        })
        .collect()
}

/// What a leader replacement hands to the stand-in, as a line of a variant's block:
///
/// ```text
///   hands over                Khrushchev's place (khrushchev) to Malenkov (malenkov) from 1953-09-14: 1 office (leader 1953-09-14 to 1964-10-14), 12 events, 3 leader-level modifiers
/// ```
pub fn handover_text(h: &Handover) -> String {
    CardLine::new("hands over", handover(h)).to_string()
}

fn handover(h: &Handover) -> String {
    let count =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    format!(
        "{}'s place ({}) to {} ({}) from {}: {} ({}), {}, {}",
        h.leader.1,
        h.leader.0,
        h.by.1,
        h.by.0,
        h.from,
        count(h.offices.len(), "office", "offices"),
        h.offices.join("; "),
        count(h.events, "event", "events"),
        count(
            h.modifiers,
            "leader-level modifier",
            "leader-level modifiers"
        ),
    )
}

/// A probability to three significant figures, without an exponent down to 0.0001:
/// `0.3`, `0.0125`, `2.5e-6`.
pub fn probability(p: f64) -> String {
    if p == 0.0 || p >= 1e-4 {
        let digits = if p == 0.0 || p >= 0.1 {
            3
        } else {
            (2 - p.log10().floor() as i32).max(3) as usize
        };
        let text = format!("{p:.digits$}");
        let text = text.trim_end_matches('0').trim_end_matches('.');
        if text.is_empty() {
            "0".to_string()
        } else {
            text.to_string()
        }
    } else {
        format!("{p:.2e}")
    }
}

/// What a removal takes with it and leaves, as the lines of a variant's block:
///
/// ```text
///   removes                   "Moscow recalls its experts" (experts_withdrawn, 1960-07-16)
///     takes with it           nothing else (no follow-up of it, no guard that asks for it)
///     leaves running          "Soviet engineers and plants" (plants_agreement), which ended with it: now to the end of the run
/// ```
pub fn removal_text(r: &Removal) -> String {
    let named = |(id, title): &(String, String)| format!("\"{title}\" ({id})");
    let (id, title, date) = &r.event;
    let when = date.map_or(String::new(), |d| format!(", {d}"));
    let mut out = format!("  removes                   \"{title}\" ({id}{when})\n");
    let mut takes: Vec<String> = (r.follow_ups.iter())
        .map(|f| format!("its follow-up {}", named(f)))
        .collect();
    takes.extend((r.guarded.iter()).map(|g| {
        format!(
            "{}, whose guard asks whether it happened (now it never has)",
            named(g)
        )
    }));
    let takes = if takes.is_empty() {
        "nothing else (no follow-up of it, no guard that asks for it)".to_string()
    } else {
        takes.join("; ")
    };
    let _ = writeln!(out, "    takes with it           {takes}");
    let kept = if r.kept.is_empty() {
        "no modifier ended with it".to_string()
    } else {
        let all: Vec<String> = r.kept.iter().map(named).collect();
        format!(
            "{}, which ended with it: now to the end of the run",
            all.join(", ")
        )
    };
    let _ = writeln!(out, "    leaves running          {kept}");
    out
}

/// What `compare` prints and saves as `divergence.txt`: the divergence summary, then
/// each variant's question.
pub fn summary(
    sc: &Scenario,
    c: &Comparison,
    titles: &[&str],
    questions: &[&str],
    told: &[Told],
) -> String {
    let mut out = divergence_text(sc, c, titles, told);
    for (v, question) in c.variants.iter().zip(questions) {
        let _ = writeln!(out, "\n{}: {question}", v.name);
    }
    out
}

/// The most variants drawn as lines on one plot; more get a panel each.
pub const LINES: usize = 3;

/// The chart of a comparison: the baseline (with the events of its first run) and every
/// variant as a line, the mean over the paired runs when there are several (one variant
/// also gets the band of 90% of its paired runs); the question as the subtitle. With
/// more than `LINES` (3) variants, small multiples instead: a panel per variant against the
/// baseline, titled with its question. With several pairs of states, a panel per pair,
/// each with the pair's baseline against every variant (whatever the layout asked for:
/// a what-if's lines and its pairs' lines on one plot would be too many to tell apart).
/// `titles` and `questions` are the variants', in order.
pub fn compare_chart(
    sc: &Scenario,
    c: &Comparison,
    first: &Run,
    titles: &[&str],
    questions: &[&str],
) -> ChartModel {
    let mut m = chart::of_run(sc, first);
    // One what-if of a triangle: the strips of the baseline and of the what-if, one
    // above the other, from their (mean) scores; the checkpoints are judged by `run`.
    m.triangle = match (sc.triangle(), c.variants.as_slice(), m.triangle.take()) {
        (Some(t), [v], Some(mut strips)) => {
            strips.checkpoints.clear();
            let mean = if c.seeds.runs > 1 { " mean" } else { "" };
            strips.rows = crate::triangle::Reading::ALL
                .iter()
                .flat_map(|&reading| {
                    [("baseline", &c.baseline), ("what-if", &v.mean)].map(|(who, ys)| {
                        let s = |p: usize| &ys[c.of_pair(t.pairs[p])];
                        let configurations = crate::triangle::read([s(0), s(1), s(2)], reading, t);
                        let strip = crate::triangle::Strip {
                            reading,
                            months: c
                                .days
                                .iter()
                                .map(|&d| Date::from_day(d))
                                .zip(configurations)
                                .collect(),
                        };
                        chart::TriangleRow {
                            label: format!("{who}{mean}, {}", reading.name()),
                            reading,
                            periods: strip.periods(),
                            shares: Vec::new(),
                        }
                    })
                })
                .collect();
            Some(strips)
        }
        _ => None,
    };
    let many = sc.pairs.len() > 1;
    if many {
        m.layout = Layout::Panels;
    }
    let mean = c.seeds.runs > 1;
    let points = |ys: &[f64]| -> Vec<(Date, f64)> {
        c.days
            .iter()
            .zip(ys)
            .map(|(&d, &y)| (Date::from_day(d), y))
            .collect()
    };
    if mean {
        m.simulated = format!("mean of {} simulated runs", c.seeds.runs);
    }
    for line in &mut m.series {
        line.points = points(&c.baseline[c.of_pair(line.pair)]);
        line.label = format!("baseline: {}", m.simulated);
    }
    if mean {
        // Events sit on their pair's mean line, in the month after they fired.
        for marker in &mut m.markers {
            let k = c
                .days
                .partition_point(|&d| d < marker.date.day())
                .min(c.days.len().saturating_sub(1));
            if let Some(&y) = c.baseline[c.of_pair(marker.pair)].get(k) {
                marker.score = y;
            }
        }
    }
    let one = c.variants.len() == 1;
    if c.variants.len() > LINES && !many {
        m.panels = c
            .variants
            .iter()
            .enumerate()
            .map(|(k, v)| Panel {
                title: questions
                    .get(k)
                    .or(titles.get(k))
                    .map_or(v.name.clone(), |q| q.to_string()),
                points: points(&v.mean[c.of_pair(0)]),
                changes: Vec::new(),
            })
            .collect();
    }
    for pair in 0..sc.pairs.len() {
        let cells = c.of_pair(pair);
        for (k, v) in c
            .variants
            .iter()
            .enumerate()
            .filter(|_| m.panels.is_empty())
        {
            let title = titles.get(k).map_or(v.name.clone(), |t| t.to_string());
            // One variant of many runs: its mean, and the band where 90% of its paired
            // runs lie (the baseline's mean plus the 5th to 95th percentile of the
            // differences).
            let (label, band) = if one && mean {
                let band = cells
                    .clone()
                    .zip(&c.days)
                    .map(|(i, &d)| {
                        (
                            Date::from_day(d),
                            c.baseline[i] + v.diff_p5[i],
                            c.baseline[i] + v.diff_p95[i],
                        )
                    })
                    .collect();
                (format!("{title}: mean, 90% of paired runs"), band)
            } else {
                (title, Vec::new())
            };
            m.series.push(Series {
                label,
                pair,
                points: points(&v.mean[cells.clone()]),
                role: SeriesRole::Variant,
                band,
            });
        }
    }
    m.subtitle = match questions {
        [one] => one.to_string(),
        many if many.len() > LINES => format!(
            "{} what-ifs, each against the history as scripted{}",
            many.len(),
            if mean {
                format!(" (means of {} paired runs)", c.seeds.runs)
            } else {
                String::new()
            }
        ),
        many => {
            let all = many.join(" · ");
            if all.chars().count() <= 150 {
                all
            } else {
                format!("{} what-ifs against the history as scripted", many.len())
            }
        }
    };
    m.subtitle = chart::with_coupling(sc, &m.subtitle);
    m.small_print = format!(
        "{} · diplosim {} · data: compare.csv, divergence.txt",
        seed_range(c.seeds),
        env!("CARGO_PKG_VERSION")
    );
    m.events_file = String::new();
    m
}

/// Marks on a comparison's chart what each variant changed (`marks`, one list per variant
/// in order): on the plot for one variant, in its panel for small multiples; two or three
/// variants on one plot would crowd it, so they get none.
pub fn mark_changes(m: &mut ChartModel, marks: Vec<Vec<ChangeMark>>) {
    if !m.panels.is_empty() {
        for (panel, marks) in m.panels.iter_mut().zip(marks) {
            panel.changes = marks;
        }
    } else if marks.len() == 1 {
        m.changes = marks.into_iter().next().unwrap_or_default();
    }
}
