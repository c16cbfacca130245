//! How long the charts take to draw: the realistic Sino-Soviet model as PNG and as SVG,
//! a comparison, an ensemble and the ranking bars.
//!
//! `cargo bench --bench chart`

#[path = "../tests/support/charts.rs"]
mod models;

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use diplosim::chart;

fn charts(c: &mut Criterion) {
    let single = models::single_run();
    let comparison = models::comparison(20);
    let ensemble = models::ensemble(100);
    let mut bars: Vec<(String, f64)> = single
        .markers
        .iter()
        .map(|m| (m.title.clone(), m.influence))
        .collect();
    bars.sort_by(|a, b| b.1.total_cmp(&a.1));
    bars.truncate(20);
    let bars = chart::BarChart {
        title: "Ranking".into(),
        subtitle: "by influence".into(),
        axis: "influence".into(),
        small_print: "seed 1".into(),
        bars,
        directions: Vec::new(),
    };

    let mut group = c.benchmark_group("chart");
    group.sample_size(20);
    group.bench_function("single run png", |b| {
        b.iter(|| chart::render_png(black_box(&single)).unwrap())
    });
    group.bench_function("single run svg", |b| {
        b.iter(|| chart::render_svg(black_box(&single)).unwrap())
    });
    group.bench_function("comparison png+svg", |b| {
        b.iter(|| chart::render(black_box(&comparison)).unwrap())
    });
    group.bench_function("ensemble png+svg", |b| {
        b.iter(|| chart::render(black_box(&ensemble)).unwrap())
    });
    group.bench_function("rank bars png+svg", |b| {
        b.iter(|| chart::render_bars(black_box(&bars)).unwrap())
    });
    group.finish();
}

criterion_group!(benches, charts);
criterion_main!(benches);
