//! Many runs: a 10,000-run ensemble and a ranking of events, parallel across runs with
//! rayon, one reusable `Simulation` per worker.
//!
//! The experiment layer (ensembles, comparisons, ranking) is not in the library yet, so
//! these are stand-ins with the same shape of work: the ensemble keeps every run's
//! monthly scores; the ranking runs the scenario once without each event (its chance set
//! to 0, which removes it and leaves every other stream as it was) and measures how far
//! each trajectory moves from the baseline.

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use diplosim::engine::Simulation;
use diplosim::scenario::Scenario;
use rayon::prelude::*;

/// The shipped scenario when it is there, otherwise the small fixture.
fn scenario() -> (&'static str, Scenario) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (name, path) = [
        ("sino_soviet", "scenarios/sino_soviet_1917_1991.ron"),
        ("small", "tests/fixtures/small.ron"),
    ]
    .into_iter()
    .find(|(_, p)| root.join(p).exists())
    .expect("the small fixture exists");
    let sc = Scenario::load(&root.join(path)).unwrap_or_else(|e| panic!("{e}"));
    (name, sc)
}

fn monthly(sim: &mut Simulation, seed: u64) -> Vec<f64> {
    let run = sim.run(seed).expect("the run completes");
    run.monthly().map(|s| s.score).collect()
}

fn ensemble(c: &mut Criterion) {
    let (name, sc) = scenario();
    let mut g = c.benchmark_group("ensemble");
    g.sample_size(10);
    g.bench_function(format!("{name}/10000"), |b| {
        b.iter(|| {
            let runs: Vec<Vec<f64>> = (0..10_000u64)
                .into_par_iter()
                .map_init(|| Simulation::new(&sc), monthly)
                .collect();
            black_box(runs)
        })
    });
    g.finish();
}

fn rank(c: &mut Criterion) {
    let (name, sc) = scenario();
    let mut g = c.benchmark_group("rank");
    g.sample_size(10);
    g.bench_function(name, |b| {
        b.iter(|| {
            let base = monthly(&mut Simulation::new(&sc), 1);
            let mut moved: Vec<(f64, usize)> = (0..sc.events.len())
                .into_par_iter()
                .map(|e| {
                    let mut without = sc.clone();
                    without.events[e].chance = 0.0;
                    let run = monthly(&mut Simulation::new(&without), 1);
                    let d = run
                        .iter()
                        .zip(&base)
                        .map(|(a, b)| (a - b).abs())
                        .sum::<f64>();
                    (d / base.len() as f64, e)
                })
                .collect();
            moved.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            black_box(moved)
        })
    });
    g.finish();
}

criterion_group!(benches, ensemble, rank);
criterion_main!(benches);
