//! The engine's speed: one run of a scenario file (loading excluded), loading and
//! validation alone, assembling a simulation, and synthetic scenarios of 10^2 to 10^5
//! events run by the engine and by the plain-loop oracle (their ratio is the ECS's
//! overhead). Figures and the commands that reproduce them: docs/performance.md.

#[path = "../tests/support/oracle.rs"]
mod oracle;
mod support;

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use diplosim::engine::Simulation;
use diplosim::scenario::Scenario;

use oracle::Oracle;
use support::synthetic;

/// The scenario files benchmarked: the shipped scenario when it is there, and the small
/// test fixture.
fn files() -> Vec<(&'static str, PathBuf)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    [
        ("sino_soviet", "scenarios/sino_soviet_1917_1991.ron"),
        ("small", "tests/fixtures/small.ron"),
    ]
    .into_iter()
    .map(|(name, path)| (name, root.join(path)))
    .filter(|(_, path)| path.exists())
    .collect()
}

fn load(path: &Path) -> Scenario {
    Scenario::load(path).unwrap_or_else(|e| panic!("{e}"))
}

/// One run, the simulation built beforehand; each iteration a new seed.
fn run(c: &mut Criterion) {
    let mut g = c.benchmark_group("run");
    for (name, path) in files() {
        let sc = load(&path);
        let mut sim = Simulation::new(&sc);
        let mut seed = 0;
        g.bench_function(name, |b| {
            b.iter(|| {
                seed += 1;
                sim.run(seed).expect("the run completes")
            })
        });
        let mut plain = Oracle::new(&sc);
        g.bench_function(format!("{name}/plain"), |b| {
            b.iter(|| {
                seed += 1;
                plain.run(seed).expect("the run completes")
            })
        });
    }
    g.finish();
}

/// Reading, parsing and validating a file; and assembling its simulation (world and
/// schedule), which a run reuses.
fn setup(c: &mut Criterion) {
    let mut g = c.benchmark_group("load");
    for (name, path) in files() {
        g.bench_function(name, |b| b.iter(|| load(black_box(&path))));
        let sc = load(&path);
        g.bench_function(format!("{name}/assemble"), |b| {
            b.iter(|| Simulation::new(black_box(&sc)))
        });
    }
    g.finish();
}

/// Synthetic scenarios of 10^2 to 10^5 events, by the engine and by the plain loop.
fn synthetic(c: &mut Criterion) {
    let mut g = c.benchmark_group("synthetic");
    for n in [100, 1_000, 10_000, 100_000] {
        let sc = synthetic::scenario(n);
        g.throughput(Throughput::Elements(n as u64));
        if n >= 10_000 {
            g.sample_size(10);
            g.warm_up_time(Duration::from_secs(1));
        }
        let mut sim = Simulation::new(&sc);
        let mut seed = 0;
        g.bench_with_input(BenchmarkId::new("engine", n), &n, |b, _| {
            b.iter(|| {
                seed += 1;
                sim.run(seed).expect("the run completes")
            })
        });
        let mut plain = Oracle::new(&sc);
        g.bench_with_input(BenchmarkId::new("plain", n), &n, |b, _| {
            b.iter(|| {
                seed += 1;
                plain.run(seed).expect("the run completes")
            })
        });
    }
    g.finish();
}

criterion_group!(benches, run, setup, synthetic);
criterion_main!(benches);
