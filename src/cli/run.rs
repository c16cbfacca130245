//! `diplosim run`: one run of a scenario or a counterfactual's variant, and its summary.

use crate::output::shown;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::CliError;
use super::inputs::{Subject, beside, load_any, measured};
use super::write::check_out;
use crate::chart::Layout;
use crate::date::Date;
use crate::engine::Simulation;
use crate::output::{self, Manifest, OutputError};
use crate::record::{self, Run};
use crate::report;
use crate::scenario::Scenario;

/// What `run` works on: the scenario (or variant) and the reference loaded, the output
/// folder checked, before the run starts.
pub(super) struct RunConfig<'a> {
    subject: Subject,
    reference: Option<super::inputs::Measured>,
    dir: PathBuf,
    seed: u64,
    events: &'a report::Events,
    /// How several pairs are drawn, if asked for.
    layout: Option<Layout>,
}

impl<'a> RunConfig<'a> {
    /// Loads and checks what was typed.
    pub(super) fn new(
        path: &Path,
        seed: u64,
        events: &'a report::Events,
        out: Option<&Path>,
        reference: Option<&Path>,
        layout: Option<Layout>,
    ) -> Result<RunConfig<'a>, CliError> {
        let subject = load_any(path)?;
        let reference = measured(
            reference,
            &subject.file,
            &subject.scenario_path,
            &subject.scenario,
        )?;
        let dir = out.map_or_else(|| subject.out.clone(), Path::to_path_buf);
        check_out(&dir)?;
        Ok(RunConfig {
            subject,
            reference,
            dir,
            seed,
            events,
            layout,
        })
    }
}

pub(super) fn run(config: RunConfig<'_>, argv: &[String]) -> Result<String, CliError> {
    let RunConfig {
        subject: mut loaded,
        reference,
        dir,
        seed,
        events,
        layout,
    } = config;
    let sc = &loaded.scenario;
    let mut sim = Simulation::new(sc);
    let run = sim.run(seed)?;
    let csv = |name: &str, r: Result<Vec<u8>, csv::Error>| {
        r.map_err(|source| OutputError::Csv {
            name: name.to_string(),
            source,
        })
    };
    let mut files = vec![
        (
            "trajectory.csv".to_string(),
            csv("trajectory.csv", record::trajectory_csv(sc, &run))?,
        ),
        (
            "events.csv".to_string(),
            csv("events.csv", record::events_csv(sc, &run))?,
        ),
    ];
    if let Some(t) = sc.triangle() {
        let strips = crate::triangle::of_run(t, &run);
        files.push((
            "triangle.csv".to_string(),
            csv("triangle.csv", record::triangle_csv(sc, t, &strips))?,
        ));
    }
    let mut model = report::run_chart(sc, &run, loaded.what_if.as_ref());
    events.apply(sc, &mut model).map_err(CliError::Usage)?;
    if let Some(layout) = layout {
        model.layout = layout;
    }
    let monthly: Vec<f64> = run.monthly().map(|s| s.score).collect();
    let fit_text = beside(
        sc,
        reference.as_ref(),
        &[crate::research::Curve {
            name: "run",
            values: &monthly,
        }],
        &mut model,
        &mut files,
        &mut loaded.inputs,
    )?;
    let chart = crate::chart::render(&model)?;
    files.extend(chart.into_files());
    let files = Manifest::new("run", loaded.inputs.clone(), seed, 1, argv, &files)
        .coupled([(sc.name(), sc)])
        .append_to(files);
    output::write_all(&dir, &files)?;
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    Ok(summary(sc, &run, &dir, &names) + &fit_text)
}

/// The short text a run prints: start, end, lowest and highest, checkpoints, files.
pub fn summary(sc: &Scenario, run: &Run, dir: &Path, files: &[&str]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} (seed {})", sc.title(), run.seed);
    if let Some(c) = sc.coupling {
        let _ = writeln!(out, "  {c}");
    }
    // One block per pair (named when there are several): its start, end, lowest, highest.
    let many = sc.pairs.len() > 1;
    for pair in 0..sc.pairs.len() {
        let monthly: Vec<_> = run.monthly_of(pair).collect();
        let (Some(first), Some(last)) = (monthly.first(), monthly.last()) else {
            continue;
        };
        if many {
            let _ = writeln!(out, "  {}", sc.pair_name(pair));
        }
        let indent = if many { "    " } else { "  " };
        let low = monthly
            .iter()
            .min_by(|a, b| a.score.total_cmp(&b.score))
            .unwrap_or(first);
        let high = monthly
            .iter()
            .max_by(|a, b| a.score.total_cmp(&b.score))
            .unwrap_or(first);
        for (label, s) in [
            ("start", first),
            ("end", last),
            ("lowest", low),
            ("highest", high),
        ] {
            let _ = writeln!(
                out,
                "{indent}{label:<8} {}  {:>6.2}  {}",
                Date::from_day(s.day),
                s.score,
                sc.scale.band(s.score)
            );
        }
    }
    let verdicts = record::checkpoints(sc, run);
    if !verdicts.is_empty() {
        let met = verdicts.iter().filter(|v| v.met).count();
        let _ = writeln!(out, "  checkpoints met: {met} of {}", verdicts.len());
        for v in verdicts.iter().filter(|v| !v.met) {
            let c = &sc.timeline.checkpoints[v.checkpoint];
            let of = if many {
                format!(", {}", sc.pair_name(c.pair))
            } else {
                String::new()
            };
            let _ = writeln!(
                out,
                "    missed \"{}\" ({} to {}{of}): expected {}, the run ranges {:.2} to {:.2}",
                c.id, c.from, c.to, c.expect, v.low, v.high
            );
        }
    }
    if let Some(t) = sc.triangle()
        && !sc.timeline.triangle_checkpoints.is_empty()
    {
        triangle_summary(&mut out, sc, t, run);
    }
    let _ = writeln!(
        out,
        "  {} events fired; wrote {} in {}",
        // An event logged on several pairs fired once: count it on the first of them.
        (run.fired.iter())
            .filter(|f| sc.events[f.event].pairs.first() == Some(&f.pair))
            .count(),
        files.join(", "),
        shown(&dir)
    );
    out
}

/// The triangle checkpoints in a run's summary: how many of the undisputed ones are met,
/// each missed one, and each reading of the contested ones.
fn triangle_summary(out: &mut String, sc: &Scenario, t: &crate::triangle::Triangle, run: &Run) {
    let strips = crate::triangle::of_run(t, run);
    let names = crate::triangle::names(sc, t);
    let named = [names[0].as_str(), names[1].as_str(), names[2].as_str()];
    let checkpoints = &sc.timeline.triangle_checkpoints;
    let verdicts = crate::triangle::verdicts(checkpoints, &strips);
    let judged = checkpoints.iter().filter(|c| !c.contested).count();
    let met = verdicts
        .iter()
        .filter(|v| v.met(&checkpoints[v.checkpoint]) == Some(true))
        .count();
    let _ = writeln!(out, "  triangle checkpoints met: {met} of {judged}");
    for v in &verdicts {
        let c = &checkpoints[v.checkpoint];
        let told = |e: &crate::triangle::Expectation, r: &crate::triangle::ReadingVerdict| {
            format!(
                "by {}, expected {}: {} of {} months{}",
                e.reading.name(),
                e.expect.describe(named),
                r.matching,
                r.months,
                match r.most {
                    Some(k) if !r.met => format!(", most often {}", k.describe(named)),
                    None if !r.met => ", most often none".to_string(),
                    _ => String::new(),
                }
            )
        };
        match v.met(c) {
            Some(true) => {}
            Some(false) => {
                for (e, r) in c.readings.iter().zip(&v.readings) {
                    let _ = writeln!(
                        out,
                        "    missed \"{}\" ({} to {}): {}",
                        c.id,
                        c.from,
                        c.to,
                        told(e, r)
                    );
                }
            }
            None => {
                let _ = writeln!(
                    out,
                    "    contested \"{}\" ({} to {}), each reading:",
                    c.id, c.from, c.to
                );
                for (e, r) in c.readings.iter().zip(&v.readings) {
                    let _ = writeln!(
                        out,
                        "      {} \"{}\", {}",
                        if r.met { "met" } else { "not met" },
                        e.name,
                        told(e, r)
                    );
                }
            }
        }
    }
}
