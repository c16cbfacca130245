//! Calibration on the Sino-Soviet scenario against the shipped synthetic reference
//! (`tests/fixtures/sino_soviet_synthetic_yearly.csv`, with the params of
//! `tests/fixtures/sino_soviet_params.ron`: base, affinity and a multiplier on every
//! event's values), in evaluations per second, and where an evaluation's time goes:
//!
//! - `calibrate/evaluation/<runs>`: one evaluation of the objective, whole: the candidate
//!   written as a counterfactual, applied and validated, its runs, the mean and the fit;
//! - `calibrate/apply`: writing, parsing, applying and validating the candidate alone;
//! - `calibrate/runs/<runs>`: the runs of the candidate's scenario alone (parallel);
//! - `calibrate/fit`: the mean curve's RMSE against the reference on the training period;
//! - `calibrate/search/<starts>x<budget>`: a whole search of 4 starts on a budget of 16
//!   evaluations at 20 runs, the starts over the pool.
//!
//! Criterion prints evaluations per second as "elem/s".

use std::hint::black_box;
use std::path::{Path, PathBuf};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use diplosim::date::Date;
use diplosim::experiment::{self, Seeds};
use diplosim::research::calibrate::{Objective, Params, Problem};
use diplosim::research::{fit, search};
use diplosim::scenario::Scenario;
use diplosim::scenario::counterfactual::Source;
use diplosim::scenario::file::ScenarioFile;

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

fn calibrate(c: &mut Criterion) {
    let path = repo("scenarios/sino_soviet_1917_1991.ron");
    let text = std::fs::read_to_string(&path).expect("the scenario is readable");
    let file: ScenarioFile = ron::Options::default()
        .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
        .from_str(&text)
        .expect("the scenario parses");
    let sc = Scenario::load(&path).unwrap_or_else(|e| panic!("{e}"));
    let params = Params::load(&repo("tests/fixtures/sino_soviet_params.ron"), &file)
        .unwrap_or_else(|e| panic!("{e}"));
    let (reference, _) = diplosim::research::load(
        &repo("tests/fixtures/sino_soviet_synthetic_yearly.csv"),
        &sc,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let train = Some((
        Date::from_ymd(1920, 1, 1).expect("a date"),
        Date::from_ymd(1960, 12, 31).expect("a date"),
    ));
    let problem = |runs: u64, budget: usize| Problem {
        file: &file,
        path: &path,
        scenario: &sc,
        reference: Some(&reference),
        params: &params,
        train,
        seeds: Seeds::new(1, runs).expect("runs > 0"),
        budget,
        objective: Objective::Rmse,
    };
    // A candidate away from the scenario's own values: base -1, affinity 3, values x1.1.
    let x = [-1.0, 3.0, 1.1];
    let days = experiment::months(&sc);
    let mut g = c.benchmark_group("calibrate");
    g.sample_size(10);
    g.throughput(Throughput::Elements(1));
    for runs in [1, 20] {
        let p = problem(runs, 1);
        g.bench_function(format!("evaluation/{runs}"), |b| {
            b.iter(|| black_box(p.loss(&days, black_box(&x)).expect("a valid candidate")))
        });
    }
    let cf_path = path.with_file_name("calibrated.ron");
    g.bench_function("apply", |b| {
        b.iter(|| {
            let text = params.counterfactual("sino_soviet_1917_1991.ron", &x, "bench");
            black_box(
                Source::parse(text, &cf_path)
                    .and_then(|s| s.apply(&file, &path))
                    .expect("a valid candidate"),
            )
        })
    });
    let text = params.counterfactual("sino_soviet_1917_1991.ron", &x, "bench");
    let variant = Source::parse(text, &cf_path)
        .and_then(|s| s.apply(&file, &path))
        .expect("a valid candidate");
    for runs in [1, 20] {
        let seeds = Seeds::new(1, runs).expect("runs > 0");
        g.bench_function(format!("runs/{runs}"), |b| {
            b.iter(|| {
                black_box(
                    experiment::monthly_scores(&variant.scenario, seeds, &())
                        .expect("the runs complete"),
                )
            })
        });
    }
    let mean = problem(20, 1).mean(&x).expect("a valid candidate");
    g.bench_function("fit", |b| {
        b.iter(|| black_box(fit::rmse(&fit::pairs(&reference, &days, &mean, train, 0))))
    });
    let (starts, budget) = (4, 16);
    g.throughput(Throughput::Elements(budget as u64));
    let p = problem(20, budget);
    g.bench_function(format!("search/{starts}x{budget}"), |b| {
        b.iter(|| black_box(search::search(&p, starts, 0..starts, &()).expect("a search")))
    });
    g.finish();
}

criterion_group!(benches, calibrate);
criterion_main!(benches);
