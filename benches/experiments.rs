//! Many runs, through the library's experiment layer (parallel across runs with rayon,
//! one reusable `Simulation` per chunk of seeds): a 10,000-run ensemble of the Sino-Soviet
//! scenario, and the ranking of its events (each event removed in turn, paired with the
//! baseline) with one and with ten runs per event. Loading is excluded; the whole process
//! is timed separately (see `benches/PERFORMANCE.draft.md`).

use std::hint::black_box;
use std::path::{Path, PathBuf};

use criterion::{Criterion, criterion_group, criterion_main};
use diplosim::experiment::{self, Seeds};
use diplosim::scenario::Scenario;
use diplosim::scenario::file::ScenarioFile;

fn path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/sino_soviet_1917_1991.ron")
}

fn ensemble(c: &mut Criterion) {
    let sc = Scenario::load(&path()).unwrap_or_else(|e| panic!("{e}"));
    let mut g = c.benchmark_group("ensemble");
    g.sample_size(10);
    g.bench_function("sino_soviet/10000", |b| {
        b.iter(|| {
            let seeds = Seeds::new(1, 10_000).expect("runs > 0");
            black_box(experiment::ensemble(&sc, seeds, &()).expect("the runs complete"))
        })
    });
    g.finish();
}

fn rank(c: &mut Criterion) {
    let path = path();
    let text = std::fs::read_to_string(&path).expect("the scenario is readable");
    let file: ScenarioFile = ron::Options::default()
        .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
        .from_str(&text)
        .expect("the scenario parses");
    let mut g = c.benchmark_group("rank");
    g.sample_size(10);
    for runs in [1, 10] {
        g.bench_function(format!("sino_soviet/{runs}"), |b| {
            b.iter(|| {
                let seeds = Seeds::new(1, runs).expect("runs > 0");
                black_box(
                    experiment::rank(&file, &text, &path, seeds, &()).expect("the runs complete"),
                )
            })
        });
    }
    g.finish();
}

criterion_group!(benches, ensemble, rank);
criterion_main!(benches);
