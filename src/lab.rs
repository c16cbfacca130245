//! A what-if study as the classroom sees it: a baseline, at most one counterfactual, and
//! paired runs, turned into the chart, the summary in words and the debrief questions.
//!
//! The web page ([`crate::serve`]) and the handout ([`crate::handout`]) both stand on
//! [`study`], which calls the same experiment functions as `diplosim compare` and draws
//! with the same chart module, so the page, the handout and the command line show the
//! same numbers for the same scenario, changes, runs and seed.
//!
//! A study of a scenario of several pairs of states shows the pairs a [`Show`] picks (all
//! of them by default): the chart, the summary, the checkpoints and the debrief speak of
//! those pairs only, each named by [`Scenario::pair_name`]. A scenario of one pair reads
//! exactly as before, with no pair named anywhere.

use crate::chart::{self, ChangeMark, ChartModel, Layout};
use crate::date::Date;
use crate::engine::Simulation;
use crate::experiment::{self, Comparison, ExperimentError, Seeds, Variant};
use crate::record::{self, Run};
use crate::scenario::Scenario;
use crate::scenario::counterfactual::Removal;

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
    /// What the reader is told of it besides its curves: its report card's facts.
    pub told: crate::report::Told<'a>,
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
    /// variant's 5-95% band of paired runs) for a what-if, of the pairs shown.
    pub chart: ChartModel,
    /// The pairs shown (indices into the scenario's pairs, ascending, at least one).
    pub pairs: Vec<usize>,
    /// With readings drawn per run ([`study_drawn`]): what holds under every reading, as
    /// `compare --readings all` says it.
    pub held: Option<String>,
}

/// Which pairs of states a study shows, and how its chart draws several.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Show {
    /// The pairs to show (indices into the scenario's pairs); empty for all of them.
    pub pairs: Vec<usize>,
    /// A line per pair or a panel per pair; `None` for the chart's default for that many
    /// pairs ([`Layout::default_for`]).
    pub layout: Option<Layout>,
}

impl Show {
    /// Reads the pairs from their keys (`a/b` or `b/a`), separated by commas: an empty
    /// text is every pair. Refused with a message naming the scenario's pairs when a key
    /// names no pair of it.
    pub fn pairs_of(sc: &Scenario, keys: &str) -> Result<Vec<usize>, String> {
        let mut out = Vec::new();
        for key in keys.split(',').map(str::trim).filter(|k| !k.is_empty()) {
            let Some(p) = sc.find_pair(key) else {
                let all: Vec<String> = (0..sc.pairs.len()).map(|p| sc.pair_key(p)).collect();
                return Err(format!(
                    "pairs: \"{}\" is not a pair of this scenario; its pairs are {}",
                    key.chars().take(80).collect::<String>(),
                    all.join(", ")
                ));
            };
            if !out.contains(&p) {
                out.push(p);
            }
        }
        out.sort_unstable();
        Ok(out)
    }

    /// The pairs shown of `sc`: those asked for that it has, or all of them.
    pub fn of(&self, sc: &Scenario) -> Vec<usize> {
        let mut pairs: Vec<usize> = self
            .pairs
            .iter()
            .copied()
            .filter(|&p| p < sc.pairs.len())
            .collect();
        pairs.sort_unstable();
        pairs.dedup();
        if pairs.is_empty() {
            (0..sc.pairs.len()).collect()
        } else {
            pairs
        }
    }
}

/// Runs the baseline alone (one run, as `diplosim run --seed`), or the baseline against a
/// what-if on `seeds` (as `diplosim compare --runs --seed`), showing every pair.
pub fn study(
    base: &Scenario,
    whatif: Option<WhatIf<'_>>,
    seeds: Seeds,
) -> Result<Outcome, ExperimentError> {
    study_of(base, whatif, seeds, &Show::default())
}

/// [`study`], showing the pairs `show` picks in its layout. The numbers are those of the
/// whole scenario: only what is shown changes.
pub fn study_of(
    base: &Scenario,
    whatif: Option<WhatIf<'_>>,
    seeds: Seeds,
    show: &Show,
) -> Result<Outcome, ExperimentError> {
    let pairs = show.of(base);
    let first = Simulation::new(base).run(seeds.first)?;
    let Some(w) = whatif else {
        let mut chart = chart::of_run(base, &first);
        keep_pairs(base, &mut chart, &pairs, show.layout);
        if pairs.len() < base.pairs.len() {
            let (from, to) = base.span();
            chart.subtitle = format!(
                "{}, {from} to {to}: relation score on Yan Xuetong's scale, against the documented timeline",
                names(base, &pairs)
            );
        }
        return Ok(Outcome {
            seeds,
            first,
            variant_first: None,
            comparison: None,
            chart,
            pairs,
            held: None,
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
    what_if_outcome(base, w, seeds, show, (first, variant_first), pairs, c)
}

/// The baseline's side of every what-if on one scenario and seeds: the monthly scores of
/// its runs (as [`experiment::monthly_scores`] lays them out) and its run of the first
/// seed, whose events the chart marks. The server keeps it for every what-if to share.
#[derive(Clone, Debug)]
pub struct Baseline {
    /// The monthly scores of the runs.
    pub scores: Vec<f64>,
    /// The run of the first seed, whole.
    pub first: Run,
}

impl Baseline {
    /// Runs the baseline on `seeds`.
    pub fn of(base: &Scenario, seeds: Seeds) -> Result<Baseline, ExperimentError> {
        let (scores, first) = experiment::monthly_scores_and_first(base, seeds, &())?;
        Ok(Baseline { scores, first })
    }

    /// Bytes it holds, about: what a cache of baselines counts.
    pub fn bytes(&self) -> usize {
        self.scores.len() * size_of::<f64>()
            + self.first.samples.len() * size_of::<record::Sample>()
            + self.first.fired.len() * size_of::<crate::model::FiredEvent>()
    }
}

/// [`study_of`] of a what-if, from the baseline's side computed before ([`Baseline`]):
/// the same outcome, bit for bit, without running the baseline again. The what-if's run of
/// the first seed, which the chart marks, is one of its paired runs, kept.
pub fn study_on_baseline(
    base: &Scenario,
    w: WhatIf<'_>,
    seeds: Seeds,
    show: &Show,
    baseline: &Baseline,
) -> Result<Outcome, ExperimentError> {
    let pairs = show.of(base);
    let mut variant_first = None;
    let c = experiment::compare_of_scores(base, &[w.name], seeds, &baseline.scores, |_| {
        let (scores, first) = experiment::monthly_scores_and_first(w.scenario, seeds, &())
            .map_err(|e| e.of_variant(w.name))?;
        variant_first = Some(first);
        Ok(scores)
    })?;
    let variant_first = match variant_first {
        Some(run) => run,
        None => Simulation::new(w.scenario).run(seeds.first)?,
    };
    let first = baseline.first.clone();
    what_if_outcome(base, w, seeds, show, (first, variant_first), pairs, c)
}

fn what_if_outcome(
    base: &Scenario,
    w: WhatIf<'_>,
    seeds: Seeds,
    show: &Show,
    (first, variant_first): (Run, Run),
    pairs: Vec<usize>,
    c: Comparison,
) -> Result<Outcome, ExperimentError> {
    let mut chart = crate::report::compare_chart(base, &c, &first, &[w.title], &[w.question]);
    chart.title = format!("What if? {}", w.title);
    chart.changes = w.changes.to_vec();
    // The leaders are the what-if's: a tenure it ends early ends there on the strip.
    chart.strips = chart::strips(w.scenario);
    keep_pairs(base, &mut chart, &pairs, show.layout);
    Ok(Outcome {
        seeds,
        first,
        variant_first: Some(variant_first),
        comparison: Some(c),
        chart,
        pairs,
        held: None,
    })
}

/// [`study_of`] with each run drawing its readings of the contested items as `plan`
/// says (`--readings all`; `variant` is the what-if's plan, the same draws item by item).
/// The numbers are those of `diplosim compare --readings all` (or, for the history
/// alone, of `ensemble --readings all`); the run shown with the first seed is read under
/// that run's draw; [`Outcome::held`] says what holds under every reading.
pub fn study_drawn(
    base: &Scenario,
    whatif: Option<WhatIf<'_>>,
    seeds: Seeds,
    show: &Show,
    plan: &crate::readings::Plan,
    variant: Option<&crate::readings::Plan>,
) -> Result<Outcome, ExperimentError> {
    let first_choice = |p: &crate::readings::Plan| p.choices.first().cloned().unwrap_or_default();
    let base_read = base.read(&first_choice(plan))?;
    let base_rows = experiment::monthly_scores_read(base, seeds, plan, &())?;
    let Some(w) = whatif else {
        let mut all = crate::readings::decades(base, plan, &base_rows, "");
        all.extend(crate::readings::checkpoints(base, plan, &base_rows));
        let mut o = study_of(&base_read, None, seeds, show)?;
        o.held = Some(crate::report::readings_text(plan, &all));
        return Ok(o);
    };
    let variant = variant.unwrap_or(plan);
    let mut variant_rows = Vec::new();
    let c = experiment::compare_of_scores(base, &[w.name], seeds, &base_rows, |_| {
        let rows = experiment::monthly_scores_read(w.scenario, seeds, variant, &())
            .map_err(|e| e.of_variant(w.name))?;
        variant_rows = rows.clone();
        Ok(rows)
    })?;
    // Labelled as `compare` labels them, so the lines are the command's, word for word.
    let mut all = crate::readings::decades(base, plan, &base_rows, "baseline: ");
    if let Some(v) = c.variants.first() {
        all.extend(crate::readings::decades(
            base,
            plan,
            &variant_rows,
            &format!("{}: ", v.name),
        ));
        let parts: Vec<Option<i32>> = v.divergence.iter().map(|d| d.parts).collect();
        all.extend(crate::readings::signs(
            base,
            plan,
            &base_rows,
            &variant_rows,
            &v.name,
            &parts,
        ));
    }
    let first = Simulation::new(&base_read).run(seeds.first)?;
    let variant_read = w.scenario.read(&first_choice(variant))?;
    let w = WhatIf {
        scenario: &variant_read,
        ..w
    };
    let variant_first = Simulation::new(&variant_read).run(seeds.first)?;
    let mut o = what_if_outcome(
        base,
        w,
        seeds,
        show,
        (first, variant_first),
        show.of(base),
        c,
    )?;
    o.held = Some(crate::report::readings_text(plan, &all));
    Ok(o)
}

/// Keeps in `m` what belongs to `pairs` (ascending indices into the scenario's pairs),
/// renumbered to their places in that list, the leader strips of their states, and sets
/// the layout. Nothing changes for a chart of every pair in its default layout.
fn keep_pairs(sc: &Scenario, m: &mut ChartModel, pairs: &[usize], layout: Option<Layout>) {
    m.layout = layout.unwrap_or_else(|| Layout::default_for(pairs.len()));
    if pairs.len() == sc.pairs.len() || m.pairs.len() != sc.pairs.len() {
        return;
    }
    let at = |p: usize| pairs.iter().position(|&q| q == p);
    m.pairs = pairs.iter().map(|&p| sc.pair_name(p)).collect();
    m.series
        .retain_mut(|s| at(s.pair).map(|i| s.pair = i).is_some());
    m.ensembles
        .retain_mut(|s| at(s.pair).map(|i| s.pair = i).is_some());
    m.checkpoints
        .retain_mut(|c| at(c.pair).map(|i| c.pair = i).is_some());
    m.markers
        .retain_mut(|e| at(e.pair).map(|i| e.pair = i).is_some());
    m.eras.retain_mut(|e| match e.pair {
        None => true,
        Some(p) => at(p).map(|i| e.pair = Some(i)).is_some(),
    });
    let states: Vec<&str> = pairs
        .iter()
        .flat_map(|&p| {
            let (a, b) = sc.pairs[p].states;
            [sc.states[a].name.as_str(), sc.states[b].name.as_str()]
        })
        .collect();
    // A state of the file with no leader would leave an empty strip under the plot.
    m.strips
        .retain(|s| states.contains(&s.state.as_str()) && !s.tenures.is_empty());
}

/// The names of `pairs`: "China – Soviet Union" or "China – Soviet Union and China –
/// United States".
pub fn names(sc: &Scenario, pairs: &[usize]) -> String {
    let names: Vec<String> = pairs.iter().map(|&p| sc.pair_name(p)).collect();
    match names.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// Whether the study names its pairs: when the scenario has several.
pub fn many(sc: &Scenario) -> bool {
    sc.pairs.len() > 1
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

/// The divergence summary in plain sentences, for the page and the handout: a paragraph
/// per pair shown, each (with several pairs in the scenario) opening with the pair's name.
pub fn in_words(sc: &Scenario, o: &Outcome) -> String {
    summaries(sc, o)
        .into_iter()
        .map(|(p, text)| match p {
            Some(p) if many(sc) => format!("{}: {text}", sc.pair_name(p)),
            _ => text,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// What a what-if's removals take with them and leave, in plain sentences, to stand
/// before its answer; `None` when it removes nothing.
pub fn removals_in_words(removals: &[Removal]) -> Option<String> {
    let quoted = |v: &[(String, String)]| -> Vec<String> {
        v.iter()
            .map(|(_, t)| format!("\u{201c}{t}\u{201d}"))
            .collect()
    };
    let said: Vec<String> = removals
        .iter()
        .map(|r| {
            let mut takes = quoted(&r.follow_ups);
            takes.extend(
                quoted(&r.guarded)
                    .into_iter()
                    .map(|g| format!("{g} (its guard asks whether it happened)")),
            );
            let takes = if takes.is_empty() {
                "takes nothing else with it".to_string()
            } else {
                format!("also takes away {}", takes.join(", "))
            };
            let kept = quoted(&r.kept);
            let leaves = if kept.is_empty() {
                "no modifier ended with it".to_string()
            } else {
                format!(
                    "{} ended with it, and now {} to the end of the run",
                    kept.join(", "),
                    if kept.len() == 1 { "lasts" } else { "last" }
                )
            };
            format!("Removing \u{201c}{}\u{201d} {takes}; {leaves}.", r.event.1)
        })
        .collect();
    (!said.is_empty()).then(|| said.join(" "))
}

/// The summary in plain sentences, pair by pair: `(Some(pair), text)` for each pair shown
/// of a what-if, or `(None, text)` once for the history as scripted.
pub fn summaries(sc: &Scenario, o: &Outcome) -> Vec<(Option<usize>, String)> {
    let Some(c) = &o.comparison else {
        return vec![(
            None,
            // The history as scripted is one run, whatever the page's runs say.
            format!(
                "The history as scripted ({}). Make a change to see a what-if against it.",
                runs_in_words(Seeds {
                    first: o.seeds.first,
                    runs: 1
                })
            ),
        )];
    };
    let Some(v) = c.variants.first() else {
        return Vec::new();
    };
    // Several pairs: the runs are said once, before the pairs.
    let several = o.pairs.len() > 1;
    let runs = (!several).then_some(o.seeds);
    let mut out: Vec<(Option<usize>, String)> = Vec::new();
    if several {
        out.push((
            None,
            format!("Over {}, pair by pair:", runs_in_words(o.seeds)),
        ));
    }
    out.extend(o.pairs.iter().filter_map(|&p| {
        let d = v.divergence.get(p)?;
        Some((Some(p), pair_in_words(sc, runs, c, p, d)))
    }));
    out
}

/// The divergence of pair `p` in plain sentences, opening with the runs it is over when
/// `seeds` are given.
fn pair_in_words(
    sc: &Scenario,
    seeds: Option<Seeds>,
    c: &Comparison,
    p: usize,
    d: &experiment::Divergence,
) -> String {
    let what_if = seeds.map_or("The what-if".to_string(), |s| {
        format!("Over {}, the what-if", runs_in_words(s))
    });
    let (Some(parts), Some((when, gap))) = (d.parts, d.largest) else {
        return format!(
            "{what_if} never parts from the history as scripted: no month differs by {} points or more.",
            experiment::PARTING
        );
    };
    let baseline = &c.baseline[c.of_pair(p)];
    let warmer = |x: f64| if x >= 0.0 { "warmer" } else { "cooler" };
    let mut out = format!(
        "{what_if} first parts from the history as scripted in {}. From then on it is on average {:.2} points {} (a mean gap of {:.2} either way). The largest gap, {:+.2} points, comes in {}: {} against {}.",
        Date::from_day(parts).month_in_words(),
        d.mean_gap.abs(),
        warmer(d.mean_gap),
        d.mean_abs_gap,
        gap,
        Date::from_day(when).month_in_words(),
        sc.scale
            .band(baseline[c.days.partition_point(|&x| x < when)] + gap),
        sc.scale
            .band(baseline[c.days.partition_point(|&x| x < when)]),
    );
    let changed: Vec<String> = c.decades[p]
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

/// Each checkpoint of the pairs shown, in the scenario's order: its index, met by the
/// baseline's first run, met by the variant's first run (when there is one).
pub fn checkpoints(sc: &Scenario, o: &Outcome) -> Vec<(usize, bool, Option<bool>)> {
    let base = record::checkpoints(sc, &o.first);
    let var = o.variant_first.as_ref().map(|r| record::checkpoints(sc, r));
    base.iter()
        .enumerate()
        .filter(|(_, v)| {
            o.pairs
                .contains(&sc.timeline.checkpoints[v.checkpoint].pair)
        })
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
/// checkpoint, the band at the end. With several pairs in the scenario, each question
/// names the pair it is about, among the pairs shown.
pub fn debrief(sc: &Scenario, o: &Outcome) -> Vec<String> {
    let mut out = Vec::new();
    let checks = checkpoints(sc, o);
    // " between China and the United States", or nothing for a scenario of one pair.
    let between = |p: usize| {
        if many(sc) {
            let (a, b) = sc.pairs[p].states;
            format!(" between {} and {}", sc.states[a].name, sc.states[b].name)
        } else {
            String::new()
        }
    };
    let of_pair = |p: usize| {
        if many(sc) {
            format!(" ({})", sc.pair_name(p))
        } else {
            String::new()
        }
    };
    if let Some(c) = &o.comparison
        && let Some(v) = c.variants.first()
    {
        // The pair the what-if moves most, by its largest gap; the first on a tie.
        let gap = |p: usize| {
            v.divergence
                .get(p)
                .and_then(|d| d.largest)
                .map_or(0.0, |l| l.1.abs())
        };
        let p = o
            .pairs
            .iter()
            .copied()
            .max_by(|&a, &b| gap(a).total_cmp(&gap(b)).then(b.cmp(&a)))
            .unwrap_or(0);
        let d = &v.divergence[p];
        match (d.largest, d.parts) {
            (Some((when, gap)), Some(parts)) => {
                out.push(format!(
                    "The biggest gap{} ({gap:+.2} points) comes in {}. What happened in the history as scripted around then, and why would the change reach that far?",
                    between(p),
                    Date::from_day(when).month_in_words()
                ));
                let fired_near = o
                    .first
                    .fired_on(p)
                    .filter(|f| f.day <= parts)
                    .last()
                    .map(|f| sc.events[f.event].title.clone());
                out.push(format!(
                    "The two histories{} first part in {}{}. Why not earlier, and why not later?",
                    if many(sc) {
                        format!(" of {}", sc.pair_name(p))
                    } else {
                        String::new()
                    },
                    Date::from_day(parts).month_in_words(),
                    fired_near.map_or(String::new(), |t| format!(
                        " (the last scripted event before it: \"{t}\")"
                    ))
                ));
            }
            _ => {
                out.push(format!(
                    "The what-if never parts from the history as scripted. Why does this change make no difference to the relation{}?",
                    if o.pairs.len() > 1 {
                        "s".to_string()
                    } else {
                        between(p)
                    }
                ));
                out.push("Which other change to the same event or era would you expect to make a difference, and why?".to_string());
            }
        }
        let changed = checks.iter().find(|(_, b, v)| v.is_some_and(|v| v != *b));
        out.push(match changed {
            Some((i, b, _)) => {
                let cp = &sc.timeline.checkpoints[*i];
                format!(
                    "The checkpoint \"{}\"{} ({}, {}) is {} in the history as scripted but {} in the what-if. Do the sources ({}) still describe the relation the what-if draws?",
                    cp.id,
                    of_pair(cp.pair),
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
    let biggest = o
        .first
        .fired
        .iter()
        .filter(|f| o.pairs.contains(&f.pair))
        .max_by(|a, b| {
            (a.after - a.before)
                .abs()
                .total_cmp(&(b.after - b.before).abs())
        });
    if let Some(f) = biggest {
        out.push(format!(
            "The biggest single move ({:+.2} points{}) comes with \"{}\" in {}. Why does this event weigh so much?",
            f.after - f.before,
            if many(sc) {
                format!(", {}", sc.pair_name(f.pair))
            } else {
                String::new()
            },
            sc.events[f.event].title,
            Date::from_day(f.day).month_in_words()
        ));
    }
    let missed = checks.iter().find(|(_, b, _)| !b);
    out.push(match missed {
        Some((i, _, _)) => {
            let cp = &sc.timeline.checkpoints[*i];
            format!(
                "The run misses the checkpoint \"{}\"{} ({}, {}). What does the model leave out there?",
                cp.id,
                of_pair(cp.pair),
                cp.from,
                cp.expect
            )
        }
        None => "The run meets every checkpoint. Which moment of the history would be the hardest for a model to get right?".to_string(),
    });
    let ends: Vec<(usize, &record::Sample)> = o
        .pairs
        .iter()
        .filter_map(|&p| o.first.monthly_of(p).last().map(|s| (p, s)))
        .collect();
    if let [(p, last)] = ends.as_slice() {
        out.push(format!(
            "The relation{} ends {} ({:.2}) in {}. Which event would you remove to change that, and what do you expect?",
            between(*p),
            sc.scale.band(last.score),
            last.score,
            Date::from_day(last.day).month_in_words()
        ));
    } else if let Some((_, last)) = ends.first() {
        let each: Vec<String> = ends
            .iter()
            .map(|(p, s)| {
                format!(
                    "{} ends {} ({:.2})",
                    sc.pair_name(*p),
                    sc.scale.band(s.score),
                    s.score
                )
            })
            .collect();
        out.push(format!(
            "In {}, {}. Which event would you remove to change one of them, and what do you expect of the others?",
            Date::from_day(last.day).month_in_words(),
            each.join("; ")
        ));
    }
    out
}
