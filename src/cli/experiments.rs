//! The experiments: `ensemble`, `compare`, `rank` and `explain`.

use crate::output::shown;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::inputs::{Subject, Variants, beside, load_any, measured, variants_of};
use super::write::{check_out, csv_file, default_out, finish, runs_of, write_shard};
use super::{CliError, Work};
use crate::date::Date;
use crate::engine::Simulation;
use crate::experiment::{self, Progress, Seeds, Variant};
use crate::output::{Input, OutputError};
use crate::report;
use crate::research::Reference;

/// What `ensemble` works on: the scenario (or variant) and the reference loaded, the
/// events to number and the output folder checked, before any run.
pub(super) struct EnsembleConfig<'a> {
    subject: Subject,
    reference: Option<(Reference, Input)>,
    dir: PathBuf,
    seeds: Seeds,
    events: &'a report::Events,
}

impl<'a> EnsembleConfig<'a> {
    /// Loads and checks what was typed.
    pub(super) fn new(
        path: &Path,
        seeds: Seeds,
        events: &'a report::Events,
        out: Option<&Path>,
        reference: Option<&Path>,
    ) -> Result<EnsembleConfig<'a>, CliError> {
        let subject = load_any(path)?;
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
        })
    }
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
    } = config;
    let sc = &subject.scenario;
    let months = experiment::months(sc).len();
    let rows_of = |part| {
        Ok(vec![runs_of(
            experiment::monthly_scores(sc, part, progress)?,
            months,
        )])
    };
    let e = match work {
        Work::All => experiment::ensemble(sc, seeds, progress)?,
        Work::Shard(shard) => {
            let mut inputs = subject.inputs.clone();
            inputs.extend(reference.iter().map(|r| r.1.clone()));
            return write_shard(
                &dir,
                shard,
                "ensemble",
                seeds,
                &inputs,
                &["mean"],
                argv,
                months,
                rows_of,
            );
        }
        Work::Merged(m) => {
            super::rows_of_width(&m.curves, months)?;
            m.check_again(seeds, rows_of)?;
            let mut curves = m.curves;
            experiment::ensemble_of_scores(sc, seeds, curves.swap_remove(0).concat())
        }
    };
    let first = Simulation::new(sc).run(seeds.first)?;
    let mut model = report::ensemble_chart(sc, &e, &first);
    if let Some(w) = &subject.what_if {
        w.mark(&mut model);
    }
    events.apply(sc, &mut model).map_err(CliError::Usage)?;
    let mut files = vec![csv_file("ensemble.csv", report::ensemble_csv(&e))?];
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
    let names = finish(&dir, files, "ensemble", subject.inputs, seeds, argv)?;
    let mut text = report::ensemble_text(sc, &e);
    text.push_str(&fit_text);
    let _ = writeln!(text, "  wrote {} in {}", names.join(", "), shown(&dir));
    Ok(text)
}

/// What `compare` works on: the baseline, the counterfactuals' variants and the reference
/// loaded, the output folder and the events to number checked, before any run.
pub(super) struct CompareConfig<'a> {
    variants: Variants,
    reference: Option<(Reference, Input)>,
    dir: PathBuf,
    seeds: Seeds,
    events: &'a report::Events,
    /// The chart's time axis: the scenario's span, or the `--from`/`--to` zoom.
    window: (Date, Date),
}

impl<'a> CompareConfig<'a> {
    /// Loads and checks what was typed.
    pub(super) fn new(
        path: &Path,
        cfs: &[PathBuf],
        seeds: Seeds,
        events: &'a report::Events,
        out: Option<&Path>,
        reference: Option<&Path>,
        (from, to): (Option<report::Bound>, Option<report::Bound>),
    ) -> Result<CompareConfig<'a>, CliError> {
        let variants = variants_of(path, cfs)?;
        let base = &variants.base;
        let reference = measured(reference, &base.file, path, &base.scenario)?;
        let dir = out.map_or_else(
            || default_out(&base.scenario).join("compare"),
            Path::to_path_buf,
        );
        check_out(&dir)?;
        events.check(&base.scenario).map_err(CliError::Usage)?;
        let window = report::zoom_span(base.scenario.span(), from, to).map_err(CliError::Usage)?;
        Ok(CompareConfig {
            variants,
            reference,
            dir,
            seeds,
            events,
            window,
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
    } = config;
    let sc = &base.scenario;
    let list: Vec<Variant> = variants
        .iter()
        .map(|v| Variant {
            name: &v.name,
            scenario: &v.scenario,
        })
        .collect();
    let months = experiment::months(sc).len();
    let rows_of = |part| {
        let mut rows = vec![runs_of(
            experiment::monthly_scores(sc, part, progress)?,
            months,
        )];
        for v in &list {
            rows.push(runs_of(
                experiment::monthly_scores(v.scenario, part, progress)?,
                months,
            ));
        }
        Ok(rows)
    };
    let c = match work {
        Work::All => experiment::compare(sc, &list, seeds, progress)?,
        Work::Shard(shard) => {
            let mut all = inputs.clone();
            all.extend(reference.iter().map(|r| r.1.clone()));
            let mut curves = vec!["baseline"];
            curves.extend(list.iter().map(|v| v.name));
            return write_shard(
                &dir, shard, "compare", seeds, &all, &curves, argv, months, rows_of,
            );
        }
        Work::Merged(m) => {
            super::rows_of_width(&m.curves, months)?;
            m.check_again(seeds, rows_of)?;
            let mut curves = m.curves.into_iter();
            let base_rows = curves.next().unwrap_or_default().concat();
            let mut rest: Vec<Vec<Vec<f64>>> = curves.collect();
            let names: Vec<&str> = list.iter().map(|v| v.name).collect();
            experiment::compare_of_scores(sc, &names, seeds, base_rows, |k| {
                Ok(std::mem::take(&mut rest[k]).concat())
            })?
        }
    };
    let titles: Vec<&str> = variants.iter().map(|v| v.title.as_str()).collect();
    let questions: Vec<&str> = variants.iter().map(|v| v.question.as_str()).collect();
    let summary = report::summary(sc, &c, &titles, &questions);
    let first = Simulation::new(sc).run(seeds.first)?;
    let mut model = report::compare_chart(sc, &c, &first, &titles, &questions);
    let marks = variants
        .iter()
        .map(|v| report::WhatIf::of(&base.file, sc, v).marks())
        .collect();
    report::mark_changes(&mut model, marks);
    events.apply(sc, &mut model).map_err(CliError::Usage)?;
    report::zoom(&mut model, window);
    let mut files = vec![
        csv_file("compare.csv", report::compare_csv(&c))?,
        csv_file("divergence.csv", report::divergence_csv(&c))?,
        csv_file("decades.csv", report::decades_csv(sc, &c))?,
        ("divergence.txt".to_string(), summary.clone().into_bytes()),
    ];
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
    let written = finish(&dir, files, "compare", inputs, seeds, argv)?;
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
    let width = sc.events.len() * experiment::RANK_WIDTH;
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
                &["rank"],
                argv,
                width,
                rows_of,
            );
        }
        Work::Merged(m) => {
            super::rows_of_width(&m.curves, width)?;
            m.check_again(seeds, rows_of)?;
            let mut curves = m.curves;
            experiment::rank_of_rows(&curves.swap_remove(0))
        }
    };
    let mut model = report::rank_chart(sc, &ranking, seeds, 20);
    if let Some(w) = &subject.what_if {
        model.subtitle = format!("{} · {}", w.question.trim_end(), model.subtitle);
    }
    let chart = crate::chart::render_bars(&model)?;
    let mut files = vec![csv_file("rank.csv", report::rank_csv(sc, &ranking))?];
    files.extend(chart.into_files());
    let names = finish(&dir, files, "rank", subject.inputs, seeds, argv)?;
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
}

impl ExplainConfig {
    /// Loads what was typed.
    pub(super) fn new(
        path: &Path,
        at: Date,
        seed: u64,
        csv: bool,
    ) -> Result<ExplainConfig, CliError> {
        Ok(ExplainConfig {
            subject: load_any(path)?,
            at,
            seed,
            csv,
        })
    }
}

pub(super) fn explain(config: ExplainConfig) -> Result<String, CliError> {
    let sc = &config.subject.scenario;
    let x = experiment::explain(sc, config.seed, config.at)?;
    if config.csv {
        let bytes = report::explain_csv(sc, &x).map_err(|source| OutputError::Csv {
            name: "the explanation".to_string(),
            source,
        })?;
        return Ok(String::from_utf8_lossy(&bytes).into_owned());
    }
    Ok(report::explain_text(sc, &x))
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
