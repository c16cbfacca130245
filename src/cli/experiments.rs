//! The experiments: `ensemble`, `compare`, `rank` and `explain`.

use crate::output::shown;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::inputs::{Measured, Subject, Variants, beside, load_any, measured, variants_of};
use super::write::{
    check_out, csv_file, default_out, finish, finish_read, pair_keys, runs_of, write_shard,
};
use super::{CliError, Work};
use crate::chart::Layout;
use crate::date::Date;
use crate::engine::Simulation;
use crate::experiment::{self, Progress, Seeds, Variant};
use crate::output::OutputError;
use crate::readings::{Mode, Plan};
use crate::report;

/// What `ensemble` works on: the scenario (or variant) and the reference loaded, the
/// events to number and the output folder checked, before any run.
pub(super) struct EnsembleConfig<'a> {
    subject: Subject,
    reference: Option<Measured>,
    dir: PathBuf,
    seeds: Seeds,
    events: &'a report::Events,
    /// Write `runs.csv` too.
    per_run: bool,
    /// How several pairs are drawn, if asked for.
    layout: Option<Layout>,
    /// Which readings of the contested items each run takes.
    plan: Plan,
}

impl<'a> EnsembleConfig<'a> {
    /// Loads and checks what was typed.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn new(
        path: &Path,
        seeds: Seeds,
        events: &'a report::Events,
        out: Option<&Path>,
        reference: Option<&Path>,
        per_run: bool,
        layout: Option<Layout>,
        readings: &Mode,
    ) -> Result<EnsembleConfig<'a>, CliError> {
        let subject = load_any(path)?;
        let plan = Plan::new(&subject.scenario, readings, seeds).map_err(CliError::Usage)?;
        if per_run {
            report::check_runs_csv(&subject.scenario, seeds.runs, 1).map_err(CliError::Usage)?;
        }
        let reference = measured(
            reference,
            &subject.file,
            &subject.scenario_path,
            &subject.scenario,
        )?;
        events.check(&subject.scenario).map_err(CliError::Usage)?;
        let dir = out.map_or_else(|| subject.out.join("ensemble"), Path::to_path_buf);
        check_out(&dir)?;
        Ok(EnsembleConfig {
            subject,
            reference,
            dir,
            seeds,
            events,
            per_run,
            layout,
            plan,
        })
    }
}

/// Refuses readings other than the default for a shard or a merge: a shard's runs would
/// need the whole plan of readings to be grouped by it.
fn whole_only(plan: &Plan, work: &Work) -> Result<(), CliError> {
    if plan.mode != Mode::Default && !matches!(work, Work::All) {
        return Err(CliError::Usage(format!(
            "--readings {}: readings other than the default are drawn for the whole set of runs, not shard by shard\n  = help: leave out --shard and --merge, or --readings",
            plan.mode.name()
        )));
    }
    Ok(())
}

pub(super) fn ensemble(
    config: EnsembleConfig<'_>,
    work: Work,
    argv: &[String],
    progress: &dyn Progress,
) -> Result<String, CliError> {
    let EnsembleConfig {
        mut subject,
        reference,
        dir,
        seeds,
        events,
        per_run,
        layout,
        plan,
    } = config;
    whole_only(&plan, &work)?;
    let sc = &subject.scenario;
    let mut runs_csv = None;
    let mut held = None;
    // A run's row: the months of every pair, pair after pair.
    let cells = experiment::cells(sc);
    let rows_of = |part| {
        Ok(vec![runs_of(
            experiment::monthly_scores(sc, part, progress)?,
            cells,
        )])
    };
    let e = match work {
        Work::All if plan.mode != Mode::Default => {
            progress.start(seeds.runs);
            let values = experiment::monthly_scores_read(sc, seeds, &plan, progress);
            progress.finish();
            let values = values?;
            if per_run {
                runs_csv = Some(runs_file(sc, &[("baseline", seeds, &values)])?);
            }
            if plan.drawn() {
                let mut all = crate::readings::decades(sc, &plan, &values, "");
                all.extend(crate::readings::checkpoints(sc, &plan, &values));
                held = Some(report::readings_text(&plan, &all));
            }
            experiment::ensemble_of_scores(sc, seeds, values)
        }
        Work::All if !per_run => experiment::ensemble(sc, seeds, progress)?,
        Work::All => {
            // The same numbers as `ensemble`, with every run's scores at hand.
            progress.start(seeds.runs);
            let values = experiment::monthly_scores(sc, seeds, progress);
            progress.finish();
            let values = values?;
            runs_csv = Some(runs_file(sc, &[("baseline", seeds, &values)])?);
            experiment::ensemble_of_scores(sc, seeds, values)
        }
        Work::Shard(shard) => {
            let mut inputs = subject.inputs.clone();
            inputs.extend(reference.iter().flat_map(|r| r.1.iter().cloned()));
            return write_shard(
                &dir,
                shard,
                "ensemble",
                seeds,
                &inputs,
                (&["mean"], pair_keys(sc)),
                argv,
                cells,
                rows_of,
            );
        }
        Work::Merged(m) => {
            super::rows_of_width(&m.curves, cells)?;
            m.check_again(seeds, rows_of)?;
            let mut curves = m.curves;
            let values = curves.swap_remove(0).concat();
            if per_run {
                runs_csv = Some(runs_file(sc, &[("baseline", seeds, &values)])?);
            }
            experiment::ensemble_of_scores(sc, seeds, values)
        }
    };
    let first = Simulation::new(sc).run(seeds.first)?;
    let mut model = report::ensemble_chart(sc, &e, &first);
    if let Some(w) = &subject.what_if {
        w.mark(sc, &mut model);
    }
    events.apply(sc, &mut model).map_err(CliError::Usage)?;
    if let Some(layout) = layout {
        model.layout = layout;
    }
    let mut files = vec![csv_file("ensemble.csv", report::ensemble_csv(sc, &e))?];
    files.extend(runs_csv);
    let fit_text = beside(
        sc,
        reference.as_ref(),
        &[crate::research::Curve {
            name: "mean",
            values: &e.mean,
        }],
        &mut model,
        &mut files,
        &mut subject.inputs,
    )?;
    let chart = crate::chart::render(&model)?;
    files.extend(chart.into_files());
    if let Some(held) = &held {
        files.push(("readings.txt".to_string(), held.clone().into_bytes()));
    }
    let runs = [(sc.name(), sc)];
    let names = finish_read(
        &dir,
        files,
        ("ensemble", &runs),
        subject.inputs,
        seeds,
        argv,
        Some(plan.mode.name()),
    )?;
    let mut text = report::ensemble_text(sc, &e);
    text.push_str(&fit_text);
    if let Some(held) = &held {
        text.push_str(held);
    }
    let _ = writeln!(text, "  wrote {} in {}", names.join(", "), shown(&dir));
    Ok(text)
}

/// What `compare` works on: the baseline, the counterfactuals' variants and the reference
/// loaded, the output folder and the events to number checked, before any run.
pub(super) struct CompareConfig<'a> {
    variants: Variants,
    reference: Option<Measured>,
    dir: PathBuf,
    seeds: Seeds,
    events: &'a report::Events,
    /// The chart's time axis: the scenario's span, or the `--from`/`--to` zoom.
    window: (Date, Date),
    /// Write `runs.csv` too.
    per_run: bool,
    /// How several pairs are drawn, if asked for.
    layout: Option<Layout>,
    /// Which readings of the contested items each run of the baseline takes.
    plan: Plan,
    /// Which readings each run of each variant takes: the same draws, item by item.
    plans: Vec<Plan>,
}

impl<'a> CompareConfig<'a> {
    /// Loads and checks what was typed.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn new(
        path: &Path,
        cfs: &[PathBuf],
        seeds: Seeds,
        events: &'a report::Events,
        out: Option<&Path>,
        reference: Option<&Path>,
        (from, to): (Option<report::Bound>, Option<report::Bound>),
        per_run: bool,
        layout: Option<Layout>,
        readings: &Mode,
    ) -> Result<CompareConfig<'a>, CliError> {
        let variants = variants_of(path, cfs)?;
        let base = &variants.base;
        let plan = Plan::new(&base.scenario, readings, seeds).map_err(CliError::Usage)?;
        // A variant reads what it still contests as the baseline does; a pin of an item
        // the variant removed has nothing to pin there.
        let plans = (variants.variants.iter())
            .map(|v| {
                let mode = match readings {
                    Mode::Pinned(pins) => Mode::Pinned(
                        (pins.iter())
                            .filter(|(id, _)| v.scenario.contested.iter().any(|c| &c.id == id))
                            .cloned()
                            .collect(),
                    ),
                    m => m.clone(),
                };
                match mode {
                    Mode::Pinned(p) if p.is_empty() => {
                        Plan::new(&v.scenario, &Mode::Default, seeds)
                    }
                    m => Plan::new(&v.scenario, &m, seeds),
                }
                .map_err(CliError::Usage)
            })
            .collect::<Result<Vec<Plan>, CliError>>()?;
        if per_run {
            let curves = 1 + variants.variants.len() as u64;
            report::check_runs_csv(&base.scenario, seeds.runs, curves).map_err(CliError::Usage)?;
        }
        let reference = measured(reference, &base.file, path, &base.scenario)?;
        let dir = out.map_or_else(
            || default_out(&base.scenario).join("compare"),
            Path::to_path_buf,
        );
        check_out(&dir)?;
        events.check(&base.scenario).map_err(CliError::Usage)?;
        let window = report::zoom_span(base.scenario.span(), from, to).map_err(CliError::Usage)?;
        if layout == Some(Layout::Lines) && base.scenario.pairs.len() > 1 {
            return Err(CliError::Usage(
                "--layout lines: a comparison of several pairs draws a panel per pair (each pair's baseline against the what-ifs); leave --layout out, or write --layout panels".into(),
            ));
        }
        Ok(CompareConfig {
            variants,
            reference,
            dir,
            seeds,
            events,
            window,
            per_run,
            layout,
            plan,
            plans,
        })
    }
}

pub(super) fn compare(
    config: CompareConfig<'_>,
    work: Work,
    argv: &[String],
    progress: &dyn Progress,
) -> Result<String, CliError> {
    let CompareConfig {
        variants:
            Variants {
                base,
                variants,
                mut inputs,
                notes,
            },
        reference,
        dir,
        seeds,
        events,
        window,
        per_run,
        layout,
        plan,
        plans,
    } = config;
    whole_only(&plan, &work)?;
    let sc = &base.scenario;
    let list: Vec<Variant> = variants
        .iter()
        .map(|v| Variant {
            name: &v.name,
            scenario: &v.scenario,
        })
        .collect();
    let names: Vec<&str> = list.iter().map(|v| v.name).collect();
    // With `--per-run`, every curve's runs go to runs.csv as they come, the baseline first.
    let mut runs_csv = if per_run {
        Some(report::RunsCsv::new(sc).map_err(runs_error)?)
    } else {
        None
    };
    // The first error writing runs.csv, raised once the comparison is made.
    let mut runs_failed: Option<csv::Error> = None;
    let mut keep = |name: &str, values: &[f64]| {
        if let Some(w) = runs_csv.as_mut()
            && runs_failed.is_none()
            && let Err(e) = w.add(name, seeds, values)
        {
            runs_failed = Some(e);
        }
    };
    // A run's row: the months of every pair, pair after pair.
    let cells = experiment::cells(sc);
    let rows_of = |part| {
        let mut rows = vec![runs_of(
            experiment::monthly_scores(sc, part, progress)?,
            cells,
        )];
        for v in &list {
            rows.push(runs_of(
                experiment::monthly_scores(v.scenario, part, progress)?,
                cells,
            ));
        }
        Ok(rows)
    };
    // With readings drawn, every curve's runs, to tell whether each conclusion holds.
    let mut read_rows: Vec<Vec<f64>> = Vec::new();
    let c = match work {
        Work::All if plan.mode != Mode::Default => {
            progress.start(seeds.runs * (1 + list.len() as u64));
            let base_rows = experiment::monthly_scores_read(sc, seeds, &plan, progress)?;
            keep("baseline", &base_rows);
            if plan.drawn() {
                read_rows.push(base_rows.clone());
            }
            let c = experiment::compare_of_scores(sc, &names, seeds, &base_rows, |k| {
                let values =
                    experiment::monthly_scores_read(list[k].scenario, seeds, &plans[k], progress)
                        .map_err(|e| e.of_variant(list[k].name))?;
                keep(list[k].name, &values);
                if plan.drawn() {
                    read_rows.push(values.clone());
                }
                Ok(values)
            });
            progress.finish();
            c?
        }
        Work::All if !per_run => experiment::compare(sc, &list, seeds, progress)?,
        Work::All => {
            progress.start(seeds.runs * (1 + list.len() as u64));
            let base_rows = experiment::monthly_scores(sc, seeds, progress)?;
            keep("baseline", &base_rows);
            let c = experiment::compare_of_scores(sc, &names, seeds, &base_rows, |k| {
                let values = experiment::monthly_scores(list[k].scenario, seeds, progress)
                    .map_err(|e| e.of_variant(list[k].name))?;
                keep(list[k].name, &values);
                Ok(values)
            });
            progress.finish();
            c?
        }
        Work::Shard(shard) => {
            let mut all = inputs.clone();
            all.extend(reference.iter().flat_map(|r| r.1.iter().cloned()));
            let mut curves = vec!["baseline"];
            curves.extend(list.iter().map(|v| v.name));
            return write_shard(
                &dir,
                shard,
                "compare",
                seeds,
                &all,
                (&curves, pair_keys(sc)),
                argv,
                cells,
                rows_of,
            );
        }
        Work::Merged(m) => {
            super::rows_of_width(&m.curves, cells)?;
            m.check_again(seeds, rows_of)?;
            let mut curves = m.curves.into_iter();
            let base_rows = curves.next().unwrap_or_default().concat();
            keep("baseline", &base_rows);
            let mut rest: Vec<Vec<Vec<f64>>> = curves.collect();
            experiment::compare_of_scores(sc, &names, seeds, &base_rows, |k| {
                let values = std::mem::take(&mut rest[k]).concat();
                keep(names[k], &values);
                Ok(values)
            })?
        }
    };
    if let Some(e) = runs_failed {
        return Err(runs_error(e));
    }
    let titles: Vec<&str> = variants.iter().map(|v| v.title.as_str()).collect();
    let questions: Vec<&str> = variants.iter().map(|v| v.question.as_str()).collect();
    let told: Vec<report::Told> = (variants.iter())
        .map(|v| report::Told::of(&base.file, sc, v))
        .collect();
    let mut summary = report::summary(sc, &c, &titles, &questions, &told);
    if let Some((base_rows, rest)) = read_rows.split_first() {
        let mut all = crate::readings::decades(sc, &plan, base_rows, "baseline: ");
        for (v, rows) in c.variants.iter().zip(rest) {
            all.extend(crate::readings::decades(
                sc,
                &plan,
                rows,
                &format!("{}: ", v.name),
            ));
            let parts: Vec<Option<i32>> = v.divergence.iter().map(|d| d.parts).collect();
            all.extend(crate::readings::signs(
                sc, &plan, base_rows, rows, &v.name, &parts,
            ));
        }
        summary.push_str(&report::readings_text(&plan, &all));
    }
    let first = Simulation::new(sc).run(seeds.first)?;
    let mut model = report::compare_chart(sc, &c, &first, &titles, &questions);
    // One what-if's chart shows its leaders (a tenure it ends early ends there); with
    // several, whose leaders would differ, the strips stay the baseline's.
    if let [only] = list.as_slice() {
        model.strips = crate::chart::strips(only.scenario);
    }
    let marks = variants
        .iter()
        .map(|v| report::WhatIf::of(&base.file, sc, v).marks())
        .collect();
    report::mark_changes(&mut model, marks);
    events.apply(sc, &mut model).map_err(CliError::Usage)?;
    if let Some(layout) = layout {
        model.layout = layout;
    }
    report::zoom(&mut model, window);
    let mut files = vec![
        csv_file("compare.csv", report::compare_csv(sc, &c))?,
        csv_file("divergence.csv", report::divergence_csv(sc, &c))?,
        csv_file("decades.csv", report::decades_csv(sc, &c))?,
        ("divergence.txt".to_string(), summary.clone().into_bytes()),
    ];
    if let Some(w) = runs_csv {
        files.push(("runs.csv".to_string(), w.finish().map_err(runs_error)?));
    }
    let fit_text = beside(
        sc,
        reference.as_ref(),
        &curves_of(&c),
        &mut model,
        &mut files,
        &mut inputs,
    )?;
    let chart = crate::chart::render(&model)?;
    files.extend(chart.into_files());
    let runs: Vec<(&str, &crate::scenario::Scenario)> = std::iter::once(("baseline", sc))
        .chain(list.iter().map(|v| (v.name, v.scenario)))
        .collect();
    let written = finish_read(
        &dir,
        files,
        ("compare", &runs),
        inputs,
        seeds,
        argv,
        Some(plan.mode.name()),
    )?;
    Ok(format!(
        "{notes}{summary}\n{fit_text}wrote {} in {}\n",
        written.join(", "),
        shown(&dir)
    ))
}

/// What `rank` works on: the scenario (or variant) loaded and the output folder checked,
/// before any run.
pub(super) struct RankConfig {
    subject: Subject,
    dir: PathBuf,
    seeds: Seeds,
}

impl RankConfig {
    /// Loads and checks what was typed.
    pub(super) fn new(
        path: &Path,
        seeds: Seeds,
        out: Option<&Path>,
    ) -> Result<RankConfig, CliError> {
        let subject = load_any(path)?;
        let dir = out.map_or_else(|| subject.out.join("rank"), Path::to_path_buf);
        check_out(&dir)?;
        Ok(RankConfig {
            subject,
            dir,
            seeds,
        })
    }
}

pub(super) fn rank(
    config: RankConfig,
    work: Work,
    argv: &[String],
    progress: &dyn Progress,
) -> Result<String, CliError> {
    let RankConfig {
        subject,
        dir,
        seeds,
    } = config;
    let sc = &subject.scenario;
    let width = sc.events.len() * sc.pairs.len() * experiment::RANK_WIDTH;
    let rows_of = |list| {
        let rows =
            experiment::rank_rows(&subject.file, &subject.text, &subject.path, list, progress)?;
        Ok(vec![rows])
    };
    let ranking = match work {
        Work::All => {
            experiment::rank(&subject.file, &subject.text, &subject.path, seeds, progress)?
        }
        Work::Shard(shard) => {
            return write_shard(
                &dir,
                shard,
                "rank",
                seeds,
                &subject.inputs,
                (&["rank"], pair_keys(sc)),
                argv,
                width,
                rows_of,
            );
        }
        Work::Merged(m) => {
            super::rows_of_width(&m.curves, width)?;
            m.check_again(seeds, rows_of)?;
            let mut curves = m.curves;
            experiment::rank_of_rows(&curves.swap_remove(0), sc.pairs.len())
        }
    };
    let mut model = report::rank_chart(sc, &ranking, seeds, 20);
    if let Some(w) = &subject.what_if {
        model.subtitle = format!("{} · {}", w.question.trim_end(), model.subtitle);
    }
    let chart = crate::chart::render_bars(&model)?;
    let mut files = vec![csv_file("rank.csv", report::rank_csv(sc, &ranking))?];
    files.extend(chart.into_files());
    let runs = [(sc.name(), sc)];
    let names = finish(&dir, files, ("rank", &runs), subject.inputs, seeds, argv)?;
    let mut text = report::rank_text(sc, &ranking, seeds, 20);
    let _ = writeln!(text, "wrote {} in {}", names.join(", "), shown(&dir));
    Ok(text)
}

/// What `explain` works on: the scenario (or variant) loaded, before the run. The date
/// is checked against the span by the experiment, which the library's callers share.
pub(super) struct ExplainConfig {
    subject: Subject,
    at: Date,
    seed: u64,
    csv: bool,
    /// How much of each table is told (the CSV has every row).
    detail: report::Detail,
    /// The pairs explained, in order.
    pairs: Vec<usize>,
}

impl ExplainConfig {
    /// Loads what was typed.
    pub(super) fn new(
        path: &Path,
        at: Date,
        seed: u64,
        csv: bool,
        detail: report::Detail,
        pair: Option<&str>,
    ) -> Result<ExplainConfig, CliError> {
        let subject = load_any(path)?;
        let sc = &subject.scenario;
        let pairs = match pair {
            None => (0..sc.pairs.len()).collect(),
            Some(key) => vec![sc.find_pair(key).ok_or_else(|| {
                let known: Vec<String> = (0..sc.pairs.len()).map(|p| sc.pair_key(p)).collect();
                CliError::Usage(format!(
                    "--pair {key:?} is not a pair the scenario models\n  = help: its pairs: {}",
                    known.join(", ")
                ))
            })?],
        };
        Ok(ExplainConfig {
            subject,
            at,
            seed,
            csv,
            detail,
            pairs,
        })
    }
}

pub(super) fn explain(config: ExplainConfig) -> Result<String, CliError> {
    let sc = &config.subject.scenario;
    let mut out = String::new();
    // Every pair in turn (one table each; one CSV with a pair column).
    let mut rows = Vec::new();
    for &pair in &config.pairs {
        let x = experiment::explain(sc, config.seed, config.at, pair)?;
        if config.csv {
            rows.push(x);
        } else {
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(&report::explain_with(sc, &x, config.detail));
        }
    }
    if config.csv {
        let bytes = report::explain_csv(sc, &rows).map_err(|source| OutputError::Csv {
            name: "the explanation".to_string(),
            source,
        })?;
        return Ok(String::from_utf8_lossy(&bytes).into_owned());
    }
    Ok(out)
}

/// `runs.csv` of the curves given: (variant, its seeds, its runs' scores).
fn runs_file(
    sc: &crate::scenario::Scenario,
    curves: &[(&str, Seeds, &[f64])],
) -> Result<crate::output::File, CliError> {
    let mut w = report::RunsCsv::new(sc).map_err(runs_error)?;
    for (name, seeds, values) in curves {
        w.add(name, *seeds, values).map_err(runs_error)?;
    }
    Ok(("runs.csv".to_string(), w.finish().map_err(runs_error)?))
}

/// A CSV error of `runs.csv`.
fn runs_error(source: csv::Error) -> CliError {
    OutputError::Csv {
        name: "runs.csv".to_string(),
        source,
    }
    .into()
}

/// The mean curves of a comparison, baseline first.
pub(super) fn curves_of(c: &experiment::Comparison) -> Vec<crate::research::Curve<'_>> {
    let mut curves = vec![crate::research::Curve {
        name: "baseline",
        values: &c.baseline,
    }];
    curves.extend(c.variants.iter().map(|v| crate::research::Curve {
        name: &v.name,
        values: &v.mean,
    }));
    curves
}
