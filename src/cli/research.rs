//! The research commands: `calibrate`, `sensitivity` and `fit` (`merge` is dispatched by
//! the command line itself, since it replays another command).

use crate::output::shown;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::experiments::curves_of;
use super::inputs::{Measured, Variants, measured, variants_of};
use super::write::{check_out, default_out, finish, pair_keys, write_unit_shard};
use super::{CliError, Work, args};
use crate::date::Date;
use crate::engine::Simulation;
use crate::experiment::{self, Progress, Seeds, Variant};
use crate::output::{Input, OutputError};
use crate::report;
use crate::research::Reference;
use crate::research::calibrate::{Objective, Params, Problem};
use crate::research::sensitivity::{self, Design};
use crate::research::{diagnose, search};
use crate::scenario::counterfactual::Source;
use crate::scenario::file::{DynamicsFile, ScenarioFile};
use crate::scenario::load;
use crate::scenario::{Dynamics, Scenario};

/// What `calibrate` works on: the scenario, the measured series and the params file
/// loaded; the budget, the periods and the output folder checked, before any run.
pub(super) struct CalibrateConfig<'a> {
    path: &'a Path,
    base: load::Loaded,
    reference: Reference,
    ref_inputs: Vec<Input>,
    ps: Params,
    params_input: Input,
    train: Option<(Date, Date)>,
    test: Option<(Date, Date)>,
    seeds: Seeds,
    budget: usize,
    starts: usize,
    objective: Objective,
    /// The windows of `--folds` (training, test), none without it.
    folds: Vec<((Date, Date), (Date, Date))>,
    dir: PathBuf,
}

impl<'a> CalibrateConfig<'a> {
    /// Loads and checks what was typed.
    pub(super) fn new(
        path: &'a Path,
        reference: Option<&Path>,
        params: &Path,
        (train, test): (Option<(Date, Date)>, Option<(Date, Date)>),
        seeds: Seeds,
        (budget, starts, folds): (usize, usize, usize),
        objective: Objective,
        out: Option<&Path>,
        dynamics: &args::DynamicsFlag,
        sharded: bool,
    ) -> Result<CalibrateConfig<'a>, CliError> {
        let mut base = load::scenario(path)?;
        if let Some(d) = &dynamics.dynamics {
            with_dynamics(&mut base.file, &mut base.scenario, d);
        }
        let sc = &base.scenario;
        let Some((reference, ref_inputs)) = measured(reference, &base.file, path, sc)? else {
            return Err(CliError::Usage(format!(
                "calibrate needs a measured series: give --reference FILE.csv, or name one in {} with `reference: \"FILE.csv\"`",
                shown(&path)
            )));
        };
        let mut ps = Params::load(params, &base.file)?;
        // The calibrated what-if makes the same choice of form as the command line.
        ps.fixed.extend(dynamics.change());
        let (params_text, params_input) = load::read_hashed(params)?;
        drop(params_text);
        if budget == 0 {
            return Err(CliError::Usage(
                "--budget must be at least 1 evaluation".into(),
            ));
        }
        if starts == 0 || starts > budget {
            return Err(CliError::Usage(format!(
                "--starts {starts} with --budget {budget}: give at least 1 start, and no more starts than evaluations"
            )));
        }
        let k = ps.params.len() as u128;
        fit_in_memory(
            "--starts",
            (starts as u64, MOST_UNITS),
            "searches",
            (k + 1) * k,
            "a simplex of (parameters + 1) points",
        )?;
        fit_in_memory(
            "--runs",
            (seeds.runs, u64::MAX),
            "runs",
            experiment::months(sc).len() as u128,
            "the monthly scores of each run of an evaluation",
        )?;
        let days = experiment::months(sc);
        for (name, window) in [("--train", train), ("--test", test)] {
            if let Some(w) = window
                && crate::research::fit::pairs(
                    &reference,
                    &days,
                    &vec![0.0; experiment::cells(sc)],
                    Some(w),
                    0,
                )
                .is_empty()
            {
                return Err(CliError::Usage(format!(
                    "{name} {} to {} holds no date of {}: pick a period the series covers",
                    w.0,
                    w.1,
                    reference.files()
                )));
            }
        }
        let windows = if folds == 0 {
            Vec::new()
        } else {
            if sharded {
                return Err(CliError::Usage(
                    "--folds runs on one machine: give it without --shard (or split the folds by their periods, one calibrate per fold)".into(),
                ));
            }
            crate::research::diagnose::fold_windows(&reference, train, folds).ok_or_else(|| {
                CliError::Usage(format!(
                    "--folds {folds}: the training dates of {} cannot be cut in {} parts of at least one date each",
                    reference.files(),
                    folds.saturating_add(1)
                ))
            })?
        };
        let dir = out.map_or_else(|| default_out(sc).join("calibrate"), Path::to_path_buf);
        check_out(&dir)?;
        Ok(CalibrateConfig {
            folds: windows,
            path,
            base,
            reference,
            ref_inputs,
            ps,
            params_input,
            train,
            test,
            seeds,
            budget,
            starts,
            objective,
            dir,
        })
    }
}

pub(super) fn calibrate(
    config: CalibrateConfig<'_>,
    argv: &[String],
    progress: &dyn Progress,
    work: Work,
) -> Result<String, CliError> {
    let CalibrateConfig {
        path,
        base,
        reference,
        ref_inputs,
        ps,
        params_input,
        train,
        test,
        seeds,
        budget,
        starts,
        objective,
        folds,
        dir,
    } = config;
    let sc = &base.scenario;
    let days = experiment::months(sc);
    let problem = Problem {
        file: &base.file,
        path,
        scenario: sc,
        reference: Some(&reference),
        params: &ps,
        train,
        seeds,
        budget,
        objective,
    };
    let about = format!(
        "calibrated to {} by diplosim calibrate ({} evaluations at most, {} runs from seed {}, {} dynamics)",
        reference.files(),
        budget,
        seeds.runs,
        seeds.first,
        sc.dynamics
    );
    let base_name = relative(path, &dir).display().to_string();
    let mut inputs = base.inputs();
    inputs.extend(ref_inputs);
    inputs.push(params_input);
    let k = ps.params.len();
    let found = match work {
        Work::All => {
            progress.start(
                (budget + diagnose::profile_evaluations(k) + folds.len() * budget) as u64,
            );
            search::search(&problem, starts, 0..starts, progress)?
        }
        Work::Shard(shard) => {
            return write_unit_shard(
                &dir,
                shard,
                "calibrate",
                (starts, "starts"),
                seeds,
                &inputs,
                argv,
                (search::row_width(k), pair_keys(sc)),
                |range| {
                    progress.start(
                        range
                            .clone()
                            .map(|i| search::share(budget, starts, i))
                            .sum::<usize>() as u64,
                    );
                    let found = search::search(&problem, starts, range, progress);
                    progress.finish();
                    Ok(found?.iter().map(search::Start::row).collect())
                },
            );
        }
        Work::Merged(m) => m
            .curves
            .into_iter()
            .next()
            .unwrap_or_default()
            .iter()
            .map(|row| search::Start::of_row(row, k))
            .collect::<Option<Vec<_>>>()
            .filter(|s| s.len() == starts)
            .ok_or_else(|| {
                CliError::Usage(
                    "the shards' starts do not match the params file, or hold a loss or a count of evaluations no search makes".into(),
                )
            })
            .inspect(|_| progress.start(diagnose::profile_evaluations(k) as u64))?,
    };
    let cal = search::calibration(&problem, &found, &base_name, &about);
    let variant =
        Source::parse(cal.text.clone(), &dir.join("calibrated.ron"))?.apply(&base.file, path)?;
    let c = experiment::compare(
        sc,
        &[Variant {
            name: "calibrated",
            scenario: &variant.scenario,
        }],
        seeds,
        &(),
    )?;
    let mut text = String::new();
    let _ = writeln!(
        text,
        "{}: calibrated to {} in {} evaluations ({} runs each, from seed {})",
        sc.title(),
        reference.files(),
        cal.evaluations,
        seeds.runs,
        seeds.first
    );
    // Wide enough for the longest name (a group's can be long).
    let w = name_width(ps.params.iter().map(|p| p.name()));
    let _ = writeln!(
        text,
        "  {:<w$}  {:>10}  {:>10}",
        "parameter", "scenario", "calibrated"
    );
    for (i, p) in ps.params.iter().enumerate() {
        let _ = writeln!(
            text,
            "  {:<w$}  {:>10.3}  {:>10.3}",
            p.name(),
            cal.start.0[i],
            cal.best[i]
        );
    }
    let _ = writeln!(
        text,
        "  {:<w$}  {:>10.4}  {:>10.4}",
        format!("loss ({:?}, train)", objective).to_lowercase(),
        cal.start.1,
        cal.loss
    );
    text.push_str(&report::train_test_text(
        sc,
        &reference,
        &[
            ("baseline", &c.baseline),
            ("calibrated", &c.variants[0].mean),
        ],
        train,
        test,
    ));
    let train_dates = crate::research::fit::pairs(&reference, &days, &c.baseline, train, 0).len();
    let limit = diagnose::threshold(objective, cal.loss, train_dates);
    let profiles = diagnose::profiles(&problem, &days, &cal.best, cal.loss, limit, progress)?;
    let fold_results = diagnose::folds(&problem, &folds, starts, &c.baseline, progress)?;
    progress.finish();
    let test_rmse = test.map(|t| {
        let rmse = |curve: &[f64]| {
            crate::research::fit::rmse(&crate::research::fit::pairs(
                &reference,
                &days,
                curve,
                Some(t),
                0,
            ))
        };
        (rmse(&c.baseline), rmse(&c.variants[0].mean))
    });
    let diagnostics = diagnose::Diagnostics {
        bounds: ps
            .params
            .iter()
            .zip(&cal.best)
            .map(|(p, &v)| diagnose::near_bound(p, v))
            .collect(),
        profiles,
        limit,
        best_loss: cal.loss,
        train_dates,
        starts: found
            .iter()
            .enumerate()
            .map(|(i, s)| (s.clone(), diagnose::Stop::of(s, budget, starts, i)))
            .collect(),
        test: test_rmse,
        folds: fold_results,
    };
    text.push_str(&report::diagnostics_text(&ps, objective, &diagnostics, w));
    let calibration_csv = report::calibration_csv(&ps, &cal.start.0, &cal.best, &diagnostics)
        .map_err(|source| OutputError::Csv {
            name: "calibration.csv".to_string(),
            source,
        })?;
    let first = Simulation::new(sc).run(seeds.first)?;
    let mut model = report::compare_chart(
        sc,
        &c,
        &first,
        &["calibrated"],
        &[variant.question.as_str()],
    );
    let period = |p: Option<(Date, Date)>| {
        p.map_or_else(|| "all dates".to_string(), |(a, b)| format!("{a} to {b}"))
    };
    model.subtitle = format!(
        "the baseline, the run calibrated on {} (training) and the measured series{}",
        period(train),
        test.map_or_else(String::new, |t| format!(
            "; test period {}",
            period(Some(t))
        ))
    );
    model.small_print = format!(
        "seeds {} to {} · diplosim {} · data: fit.csv, calibration.txt",
        seeds.first,
        seeds.first.wrapping_add(seeds.runs - 1),
        env!("CARGO_PKG_VERSION")
    );
    let curves = curves_of(&c);
    let (fits, fit_csv, _) =
        report::fit_report(sc, &reference, &days, &curves).map_err(|source| OutputError::Csv {
            name: "fit.csv".to_string(),
            source,
        })?;
    // The footer gives the calibrated run's fit over all dates.
    if let Some(calibrated) = fits.last() {
        report::annotate(&mut model, sc, &reference, calibrated);
    }
    let chart = crate::chart::render(&model)?;
    let mut files = vec![
        ("calibrated.ron".to_string(), cal.text.clone().into_bytes()),
        ("calibration.txt".to_string(), text.clone().into_bytes()),
        ("calibration.csv".to_string(), calibration_csv),
        ("fit.csv".to_string(), fit_csv),
    ];
    files.extend(chart.into_files());
    let runs = [("baseline", sc), ("calibrated", &variant.scenario)];
    let names = finish(&dir, files, ("calibrate", &runs), inputs, seeds, argv)?;
    let _ = writeln!(text, "wrote {} in {}", names.join(", "), shown(&dir));
    Ok(text)
}

/// What `sensitivity` works on: the scenario, the params file and the measured series (if
/// any) loaded; the paths and the output folder checked, before any run.
pub(super) struct SensitivityConfig<'a> {
    path: &'a Path,
    base: load::Loaded,
    reference: Option<Measured>,
    ps: Params,
    params_input: Input,
    seeds: Seeds,
    paths: usize,
    dir: PathBuf,
}

impl<'a> SensitivityConfig<'a> {
    /// Loads and checks what was typed.
    pub(super) fn new(
        path: &'a Path,
        params: &Path,
        reference: Option<&Path>,
        seeds: Seeds,
        paths: usize,
        out: Option<&Path>,
    ) -> Result<SensitivityConfig<'a>, CliError> {
        let base = load::scenario(path)?;
        let sc = &base.scenario;
        let reference = measured(reference, &base.file, path, sc)?;
        let ps = Params::load(params, &base.file)?;
        let (_, params_input) = load::read_hashed(params)?;
        if paths == 0 {
            return Err(CliError::Usage("--paths must be at least 1".into()));
        }
        let k = ps.params.len() as u128;
        fit_in_memory(
            "--runs",
            (seeds.runs, u64::MAX),
            "runs",
            experiment::months(sc).len() as u128,
            "the monthly scores of each run of an evaluation",
        )?;
        fit_in_memory(
            "--paths",
            (paths as u64, MOST_UNITS),
            "paths",
            (k + 1) * (k + experiment::months(sc).len() as u128),
            "(parameters + 1) points, each with its parameters and its mean monthly curve",
        )?;
        let dir = out.map_or_else(|| default_out(sc).join("sensitivity"), Path::to_path_buf);
        check_out(&dir)?;
        Ok(SensitivityConfig {
            path,
            base,
            reference,
            ps,
            params_input,
            seeds,
            paths,
            dir,
        })
    }
}

pub(super) fn sensitivity(
    config: SensitivityConfig<'_>,
    argv: &[String],
    progress: &dyn Progress,
    work: Work,
) -> Result<String, CliError> {
    let SensitivityConfig {
        path,
        base,
        reference,
        ps,
        params_input,
        seeds,
        paths,
        dir,
    } = config;
    let sc = &base.scenario;
    let problem = Problem {
        file: &base.file,
        path,
        scenario: sc,
        reference: reference.as_ref().map(|r| &r.0),
        params: &ps,
        train: None,
        seeds,
        budget: 0,
        objective: Objective::Rmse,
    };
    let days = experiment::months(sc);
    let design = Design::new(&problem, paths, seeds.first);
    let points = design.points.len();
    let mut inputs = base.inputs();
    inputs.push(params_input);
    inputs.extend(reference.iter().flat_map(|r| r.1.iter().cloned()));
    let evaluate = |range: std::ops::Range<usize>| {
        progress.start(range.len() as u64);
        let curves = sensitivity::curves(&problem, &design, range, &|| progress.advance(1));
        progress.finish();
        curves
    };
    let curves = match work {
        Work::All => evaluate(0..points)?,
        Work::Shard(shard) => {
            return write_unit_shard(
                &dir,
                shard,
                "sensitivity",
                (points, "points"),
                seeds,
                &inputs,
                argv,
                // A point's row: its mean curve of every pair, pair after pair.
                (experiment::cells(sc), pair_keys(sc)),
                |range| Ok(evaluate(range)?),
            );
        }
        Work::Merged(m) => {
            super::rows_of_width(&m.curves, days.len())?;
            m.curves.into_iter().next().unwrap_or_default()
        }
    };
    if curves.len() != points {
        return Err(CliError::Usage(
            "the shards' points do not match the params file".into(),
        ));
    }
    let measured = reference.as_ref().map(|r| &r.0);
    // Every pair pooled; with several pairs, each pair too (its fit only where the
    // series measures it).
    let effects = sensitivity::effects(&problem, measured, &days, &design, &curves, None);
    let by_pair: Vec<Vec<sensitivity::Effect>> = if sc.pairs.len() > 1 {
        (0..sc.pairs.len())
            .map(|p| {
                let own = measured.filter(|r| r.pairs().contains(&p));
                sensitivity::effects(&problem, own, &days, &design, &curves, Some(p))
            })
            .collect()
    } else {
        Vec::new()
    };
    let order = by_size(&effects);
    let mut text = String::new();
    let _ = writeln!(
        text,
        "{}: sensitivity of the mean of {} runs (seeds from {}), {} Morris paths",
        sc.title(),
        seeds.runs,
        seeds.first,
        paths
    );
    let w = name_width(order.iter().map(|e| e.name.clone()));
    if by_pair.is_empty() {
        text.push_str(&report::sensitivity_table(&order, w));
    } else {
        let _ = writeln!(text, "all pairs pooled:");
        text.push_str(&report::sensitivity_table(&order, w));
        for (p, effects) in by_pair.iter().enumerate() {
            let _ = writeln!(text, "{} ({}):", sc.pair_key(p), sc.pair_name(p));
            text.push_str(&report::sensitivity_table(&by_size(effects), w));
        }
    }
    let chart = crate::chart::render_bars(&report::sensitivity_chart(sc, &order, seeds, paths))?;
    // Per parameter, its rows: each pair's, then all pairs' (one row with one pair).
    let rows: Vec<Vec<sensitivity::Effect>> = effects
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let mut rows: Vec<sensitivity::Effect> =
                by_pair.iter().map(|effects| effects[i].clone()).collect();
            rows.push(e.clone());
            rows
        })
        .collect();
    let csv = report::sensitivity_csv(sc, &rows).map_err(|source| OutputError::Csv {
        name: "sensitivity.csv".to_string(),
        source,
    })?;
    let mut files = vec![("sensitivity.csv".to_string(), csv)];
    files.extend(chart.into_files());
    let runs = [(sc.name(), sc)];
    let names = finish(&dir, files, ("sensitivity", &runs), inputs, seeds, argv)?;
    let _ = writeln!(text, "wrote {} in {}", names.join(", "), shown(&dir));
    Ok(text)
}

/// What `fit` works on: the baseline, the counterfactuals' variants and the measured
/// series loaded, and the output folder (if any) checked, before any run.
pub(super) struct FitConfig {
    variants: Variants,
    reference: Reference,
    ref_inputs: Vec<Input>,
    seeds: Seeds,
    dir: Option<PathBuf>,
}

impl FitConfig {
    /// Loads and checks what was typed.
    pub(super) fn new(
        path: &Path,
        cfs: &[PathBuf],
        reference: Option<&Path>,
        seeds: Seeds,
        dynamics: &args::DynamicsFlag,
        out: Option<&Path>,
    ) -> Result<FitConfig, CliError> {
        let mut variants = variants_of(path, cfs)?;
        // The form chosen on the command line, for every curve.
        if let Some(d) = &dynamics.dynamics {
            with_dynamics(&mut variants.base.file, &mut variants.base.scenario, d);
            for v in &mut variants.variants {
                with_dynamics(&mut v.file, &mut v.scenario, d);
            }
        }
        let base = &variants.base;
        let Some((reference, ref_inputs)) = measured(reference, &base.file, path, &base.scenario)?
        else {
            return Err(CliError::Usage(format!(
                "fit needs a measured series: give --reference FILE.csv, or name one in {} with `reference: \"FILE.csv\"`",
                shown(&path)
            )));
        };
        if let Some(dir) = out {
            check_out(dir)?;
        }
        Ok(FitConfig {
            variants,
            reference,
            ref_inputs,
            seeds,
            dir: out.map(Path::to_path_buf),
        })
    }
}

/// `fit`: prints the fit of each curve; with `--out`, writes `fit.txt` (what it prints)
/// and `fit.csv` there, with a manifest, as every command writes its files.
pub(super) fn fit(
    config: FitConfig,
    argv: &[String],
    progress: &dyn Progress,
) -> Result<String, CliError> {
    let FitConfig {
        variants:
            Variants {
                base,
                variants,
                notes,
                mut inputs,
            },
        reference,
        ref_inputs,
        seeds,
        dir,
    } = config;
    let sc = &base.scenario;
    let list: Vec<Variant> = variants
        .iter()
        .map(|v| Variant {
            name: &v.name,
            scenario: &v.scenario,
        })
        .collect();
    let c = experiment::compare(sc, &list, seeds, progress)?;
    let days = experiment::months(sc);
    let (_, csv, text) =
        report::fit_report(sc, &reference, &days, &curves_of(&c)).map_err(|source| {
            OutputError::Csv {
                name: "fit.csv".to_string(),
                source,
            }
        })?;
    let text = format!(
        "{}: the mean of {} run{} from seed {}, {} dynamics\n{text}",
        sc.title(),
        seeds.runs,
        if seeds.runs == 1 { "" } else { "s" },
        seeds.first,
        sc.dynamics
    );
    let Some(dir) = dir else {
        return Ok(format!("{notes}{text}"));
    };
    inputs.extend(ref_inputs);
    let files = vec![
        ("fit.csv".to_string(), csv),
        ("fit.txt".to_string(), text.clone().into_bytes()),
    ];
    let runs: Vec<(&str, &Scenario)> = std::iter::once(("baseline", sc))
        .chain(list.iter().map(|v| (v.name, v.scenario)))
        .collect();
    let names = finish(&dir, files, ("fit", &runs), inputs, seeds, argv)?;
    Ok(format!(
        "{notes}{text}wrote {} in {}\n",
        names.join(", "),
        shown(&dir)
    ))
}

/// Puts the form `--dynamics` chose in place of a scenario's own, in what its file says
/// (which calibration's candidates are made from) and in the validated scenario alike.
fn with_dynamics(file: &mut ScenarioFile, scenario: &mut Scenario, d: &DynamicsFile) {
    file.dynamics = Some(d.clone());
    scenario.dynamics = Dynamics::of(d);
}

/// A path to `to` from the folder `from`, both taken from the current folder, so that a
/// file written in `from` can name `to` relatively.
fn relative(to: &Path, from: &Path) -> PathBuf {
    let abs = |p: &Path| {
        let p = if p.is_absolute() {
            p.to_path_buf()
        } else {
            std::env::current_dir().unwrap_or_default().join(p)
        };
        let mut out = PathBuf::new();
        for c in p.components() {
            match c {
                std::path::Component::ParentDir => {
                    out.pop();
                }
                std::path::Component::CurDir => {}
                c => out.push(c),
            }
        }
        out
    };
    let (to, from) = (abs(to), abs(from));
    let common = to
        .components()
        .zip(from.components())
        .take_while(|(a, b)| a == b)
        .count();
    let mut out = PathBuf::new();
    for _ in from.components().skip(common) {
        out.push("..");
    }
    for c in to.components().skip(common) {
        out.push(c);
    }
    out
}

/// Effects ordered by their Morris mu*, largest first.
fn by_size(effects: &[sensitivity::Effect]) -> Vec<&sensitivity::Effect> {
    let mut order: Vec<&sensitivity::Effect> = effects.iter().collect();
    order.sort_by(|a, b| b.mu_star.total_cmp(&a.mu_star));
    order
}

/// The width of the parameter column: 28 characters, or the longest name.
/// Past this many starts or paths, each one's own allocations (a few words each) would
/// outweigh its numbers; no search or design needs more.
const MOST_UNITS: u64 = 100_000;

/// Refuses, before any work, a count of `flag` units (`count`, at most `most`) that keep
/// more numbers than an experiment may hold: each keeps `per` numbers (`what`).
fn fit_in_memory(
    flag: &str,
    (count, most): (u64, u64),
    units: &str,
    per: u128,
    what: &str,
) -> Result<(), CliError> {
    if count > most {
        return Err(CliError::Usage(format!(
            "{flag} {count}: at most {most} {units}"
        )));
    }
    let budget = u128::from(experiment::SCORE_BUDGET);
    let numbers = u128::from(count) * per.max(1);
    if numbers <= budget {
        return Ok(());
    }
    Err(CliError::Usage(format!(
        "{flag} {count}: {count} {units} x {per} numbers ({what}) is {numbers} numbers to keep in memory, more than the {budget} (2 GiB) an experiment may hold\n  = help: use at most {} {units} with this params file and scenario",
        budget / per.max(1)
    )))
}

/// The width of the name column: the longest name, from 28 to 80 (a longer name runs
/// past the column; a width past 65,535 would not format at all).
fn name_width(names: impl Iterator<Item = String>) -> usize {
    names
        .map(|n| n.chars().count())
        .max()
        .unwrap_or(0)
        .clamp(28, 80)
}
