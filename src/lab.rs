//! A what-if study as the classroom sees it: a baseline, at most one counterfactual, and
//! paired runs, turned into the chart, the summary in words and the debrief questions.
//!
//! The web page ([`crate::serve`]) and the handout ([`crate::handout`]) both stand on
//! [`study`], which calls the same experiment functions as `diplosim compare` and draws
//! with the same chart module, so the page, the handout and the command line show the
//! same numbers for the same scenario, changes, runs and seed.

use crate::chart::{self, ChangeMark, ChartModel};
use crate::date::Date;
use crate::engine::Simulation;
use crate::experiment::{self, Comparison, ExperimentError, Seeds, Variant};
use crate::record::{self, Run};
use crate::scenario::Scenario;

/// The changed side of a study.
#[derive(Clone, Copy, Debug)]
pub struct WhatIf<'a> {
    /// Machine name (the counterfactual's `name`).
    pub name: &'a str,
    /// Title, for the legend.
    pub title: &'a str,
    /// The question it asks, for the subtitle.
    pub question: &'a str,
    /// The changed scenario.
    pub scenario: &'a Scenario,
    /// The events it changed, marked on the chart as `diplosim compare` marks them
    /// (`report::WhatIf::marks`).
    pub changes: &'a [ChangeMark],
}

/// What a study found.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// The seeds of the paired runs.
    pub seeds: Seeds,
    /// The baseline's run with the first seed: its events and checkpoints.
    pub first: Run,
    /// The variant's run with the first seed, when there is a variant.
    pub variant_first: Option<Run>,
    /// The paired comparison, when there is a variant.
    pub comparison: Option<Comparison>,
    /// The chart: `diplosim run`'s for the baseline alone, `diplosim compare`'s (with the
    /// variant's 5-95% band of paired runs) for a what-if.
    pub chart: ChartModel,
}

/// Runs the baseline alone (one run, as `diplosim run --seed`), or the baseline against a
/// what-if on `seeds` (as `diplosim compare --runs --seed`).
pub fn study(
    base: &Scenario,
    whatif: Option<WhatIf<'_>>,
    seeds: Seeds,
) -> Result<Outcome, ExperimentError> {
    let first = Simulation::new(base).run(seeds.first)?;
    let Some(w) = whatif else {
        let chart = chart::of_run(base, &first);
        return Ok(Outcome {
            seeds,
            first,
            variant_first: None,
            comparison: None,
            chart,
        });
    };
    let c = experiment::compare(
        base,
        &[Variant {
            name: w.name,
            scenario: w.scenario,
        }],
        seeds,
        &(),
    )?;
    let variant_first = Simulation::new(w.scenario).run(seeds.first)?;
    let mut chart = crate::report::compare_chart(base, &c, &first, &[w.title], &[w.question]);
    chart.title = format!("What if? {}", w.title);
    chart.changes = w.changes.to_vec();
    Ok(Outcome {
        seeds,
        first,
        variant_first: Some(variant_first),
        comparison: Some(c),
        chart,
    })
}

/// "seed 7" or "200 paired runs, seeds 7 to 206".
pub fn runs_in_words(seeds: Seeds) -> String {
    if seeds.runs == 1 {
        format!("one run, seed {}", seeds.first)
    } else {
        format!(
            "{} paired runs, seeds {} to {}",
            seeds.runs,
            seeds.first,
            seeds.first.wrapping_add(seeds.runs - 1)
        )
    }
}

/// The divergence summary in plain sentences, for the page and the handout.
pub fn in_words(sc: &Scenario, o: &Outcome) -> String {
    let Some(c) = &o.comparison else {
        return format!(
            "The history as scripted ({}). Make a change to see a what-if against it.",
            runs_in_words(o.seeds)
        );
    };
    let Some(v) = c.variants.first() else {
        return String::new();
    };
    let d = &v.divergence;
    let (Some(parts), Some((when, gap))) = (d.parts, d.largest) else {
        return format!(
            "Over {}, the what-if never parts from the history as scripted: no month differs by {} points or more.",
            runs_in_words(o.seeds),
            experiment::PARTING
        );
    };
    let warmer = |x: f64| if x >= 0.0 { "warmer" } else { "cooler" };
    let mut out = format!(
        "Over {}, the what-if first parts from the history as scripted in {}. From then on it is on average {:.2} points {} (a mean gap of {:.2} either way). The largest gap, {:+.2} points, comes in {}: {} against {}.",
        runs_in_words(o.seeds),
        Date::from_day(parts).month_in_words(),
        d.mean_gap.abs(),
        warmer(d.mean_gap),
        d.mean_abs_gap,
        gap,
        Date::from_day(when).month_in_words(),
        sc.scale
            .band(c.baseline[c.days.partition_point(|&x| x < when)] + gap),
        sc.scale
            .band(c.baseline[c.days.partition_point(|&x| x < when)]),
    );
    let changed: Vec<String> = c
        .decades
        .iter()
        .filter(|(_, b)| b.get(1).is_some_and(|&x| x != b[0]))
        .map(|(decade, b)| {
            format!(
                "the {decade}s turn {} instead of {}",
                sc.scale.bands[b[1]].name, sc.scale.bands[b[0]].name
            )
        })
        .collect();
    if changed.is_empty() {
        out.push_str(" Every decade stays in the same band on average.");
    } else {
        out.push_str(&format!(
            " On average over a decade, {}.",
            changed.join("; ")
        ));
    }
    out
}

/// Each checkpoint: id, what the sources say, met by the baseline's first run, met by the
/// variant's first run (when there is one).
pub fn checkpoints(sc: &Scenario, o: &Outcome) -> Vec<(usize, bool, Option<bool>)> {
    let base = record::checkpoints(sc, &o.first);
    let var = o.variant_first.as_ref().map(|r| record::checkpoints(sc, r));
    base.iter()
        .enumerate()
        .map(|(i, v)| {
            (
                v.checkpoint,
                v.met,
                var.as_ref().and_then(|w| w.get(i)).map(|w| w.met),
            )
        })
        .collect()
}

/// Three questions for the debrief, made from the run: the biggest gap, the first
/// parting, a checkpoint that changed. Without a what-if: the biggest jump, a missed
/// checkpoint, the band at the end.
pub fn debrief(sc: &Scenario, o: &Outcome) -> Vec<String> {
    let mut out = Vec::new();
    let checks = checkpoints(sc, o);
    if let Some(c) = &o.comparison
        && let Some(v) = c.variants.first()
    {
        let d = &v.divergence;
        match (d.largest, d.parts) {
            (Some((when, gap)), Some(parts)) => {
                out.push(format!(
                    "The biggest gap ({gap:+.2} points) comes in {}. What happened in the history as scripted around then, and why would the change reach that far?",
                    Date::from_day(when).month_in_words()
                ));
                let fired_near = o
                    .first
                    .fired
                    .iter()
                    .rfind(|f| f.day <= parts)
                    .map(|f| sc.events[f.event].title.clone());
                out.push(format!(
                    "The two histories first part in {}{}. Why not earlier, and why not later?",
                    Date::from_day(parts).month_in_words(),
                    fired_near.map_or(String::new(), |t| format!(
                        " (the last scripted event before it: \"{t}\")"
                    ))
                ));
            }
            _ => {
                out.push("The what-if never parts from the history as scripted. Why does this change make no difference to the relation?".to_string());
                out.push("Which other change to the same event or era would you expect to make a difference, and why?".to_string());
            }
        }
        let changed = checks.iter().find(|(_, b, v)| v.is_some_and(|v| v != *b));
        out.push(match changed {
            Some((i, b, _)) => {
                let cp = &sc.timeline.checkpoints[*i];
                format!(
                    "The checkpoint \"{}\" ({}, {}) is {} in the history as scripted but {} in the what-if. Do the sources ({}) still describe the relation the what-if draws?",
                    cp.id,
                    cp.from,
                    cp.expect,
                    if *b { "met" } else { "missed" },
                    if *b { "missed" } else { "met" },
                    cp.source
                )
            }
            None => "No checkpoint of the documented timeline changes between the two histories. Which documented moment would you expect the change to reach, and why doesn't it?".to_string(),
        });
        return out;
    }
    let biggest = o.first.fired.iter().max_by(|a, b| {
        (a.after - a.before)
            .abs()
            .total_cmp(&(b.after - b.before).abs())
    });
    if let Some(f) = biggest {
        out.push(format!(
            "The biggest single move ({:+.2} points) comes with \"{}\" in {}. Why does this event weigh so much?",
            f.after - f.before,
            sc.events[f.event].title,
            Date::from_day(f.day).month_in_words()
        ));
    }
    let missed = checks.iter().find(|(_, b, _)| !b);
    out.push(match missed {
        Some((i, _, _)) => {
            let cp = &sc.timeline.checkpoints[*i];
            format!(
                "The run misses the checkpoint \"{}\" ({}, {}). What does the model leave out there?",
                cp.id, cp.from, cp.expect
            )
        }
        None => "The run meets every checkpoint. Which moment of the history would be the hardest for a model to get right?".to_string(),
    });
    if let Some(last) = o.first.monthly().last() {
        out.push(format!(
            "The relation ends {} ({:.2}) in {}. Which event would you remove to change that, and what do you expect?",
            sc.scale.band(last.score),
            last.score,
            Date::from_day(last.day).month_in_words()
        ));
    }
    out
}
