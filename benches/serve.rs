//! The classroom server over loopback: the latency of one what-if (200 paired runs, as
//! the page asks by default, kept after the first ask), and the latency of the teacher's page while thirty
//! simulated students run what-ifs at once (a bounded load test: loopback only, the
//! students stop when the measurement ends).
//!
//! `class/`: thirty students each send a different 200-run what-if at the same moment,
//! and thirty open the same what-if at the same moment; each burst on a seed of its own,
//! so nothing is kept from the burst before (the baseline's scores are computed once per
//! burst, as on a class's first question). Criterion times the whole burst; the students'
//! own waits are printed as percentiles at the end.
//!
//! `parts/`: where a what-if's time goes: the paired runs (the baseline's and the
//! what-if's monthly scores), the comparison's statistics, the chart, and the server's
//! answer with the baseline's scores kept.
//!
//! `cargo bench --bench serve`

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use diplosim::serve::{Config, Limits, start};

mod support;
use support::http::get;

const SINO: &str = "sino_soviet_1917_1991.ron";
const STUDENTS: usize = 30;

fn server() -> diplosim::serve::Running {
    start(Config {
        dir: Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios"),
        host: "127.0.0.1".into(),
        port: 0,
        limits: Limits::default(),
    })
    .expect("the server starts")
}

fn whatif(c: &mut Criterion) {
    let s = server();
    let mut g = c.benchmark_group("serve");
    g.sample_size(20).measurement_time(Duration::from_secs(8));
    let q = format!("/api/lab?s={SINO}&c=remove:secret_speech&runs=200&seed=1");
    // Kept after the first iteration: the time of a student who opens a what-if another
    // has asked (`parts/server_whatif_on_kept_baseline_200` is a new one).
    g.bench_function("whatif_200_runs_kept", |b| {
        b.iter(|| assert_eq!(get(&s.url, &q).status, 200))
    });
    let base = format!("/api/lab?s={SINO}&seed=1");
    g.bench_function("history_as_scripted", |b| {
        b.iter(|| assert_eq!(get(&s.url, &base).status, 200))
    });
    g.finish();
}

/// Thirty students, each sending what-ifs one after another (a different event removed
/// each time, on a seed of its own so that no answer or baseline is kept), while the
/// teacher's page asks for the history as scripted.
fn classroom(c: &mut Criterion) {
    let s = server();
    let info = get(&s.url, &format!("/api/scenario?s={SINO}")).json();
    let ids: Vec<String> = info["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_string())
        .collect();
    let stop = Arc::new(AtomicBool::new(false));
    let done = Arc::new(AtomicUsize::new(0));
    let busy = Arc::new(AtomicUsize::new(0));
    let students: Vec<_> = (0..STUDENTS)
        .map(|k| {
            let (url, ids, stop, done, busy) = (
                s.url.clone(),
                ids.clone(),
                stop.clone(),
                done.clone(),
                busy.clone(),
            );
            std::thread::spawn(move || {
                let mut i = k;
                while !stop.load(Ordering::Relaxed) {
                    let id = &ids[i % ids.len()];
                    // A seed nobody asked for before, so that nothing is kept.
                    let a = get(
                        &url,
                        &format!("/api/lab?s={SINO}&c=remove:{id}&runs=200&seed={}", 1000 + i),
                    );
                    match a.status {
                        200 => done.fetch_add(1, Ordering::Relaxed),
                        429 => busy.fetch_add(1, Ordering::Relaxed),
                        other => panic!("a student got {other}: {}", a.text()),
                    };
                    i += STUDENTS;
                }
            })
        })
        .collect();
    std::thread::sleep(Duration::from_secs(1));
    let mut g = c.benchmark_group("classroom");
    g.sample_size(20).measurement_time(Duration::from_secs(10));
    let page = format!("/api/lab?s={SINO}&seed=1");
    g.bench_function("teacher_page_with_30_students", |b| {
        b.iter(|| {
            assert_eq!(get(&s.url, "/").status, 200);
            assert_eq!(get(&s.url, &page).status, 200);
        })
    });
    g.finish();
    stop.store(true, Ordering::Relaxed);
    for t in students {
        let _ = t.join();
    }
    eprintln!(
        "students' what-ifs during the measurement: {} answered, {} turned away as busy",
        done.load(Ordering::Relaxed),
        busy.load(Ordering::Relaxed)
    );
}

/// CPU time of this process so far (server and clients, every thread), s; Linux's
/// `/proc` counts it in ticks of 1/100 s.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // The fields after the command's name (in parentheses): utime and stime are the
    // 12th and 13th.
    let after = stat.rsplit_once(") ").map_or("", |(_, r)| r);
    let f: Vec<f64> = after
        .split(' ')
        .skip(11)
        .take(2)
        .filter_map(|v| v.parse().ok())
        .collect();
    f.iter().sum::<f64>() / 100.0
}

/// The median, the 95th percentile and the longest of `waits` (not empty), ms.
fn percentiles(waits: &mut [Duration]) -> (f64, f64, f64) {
    waits.sort();
    let at = |p: f64| {
        let i = ((waits.len() - 1) as f64 * p).round() as usize;
        waits[i].as_secs_f64() * 1000.0
    };
    (at(0.5), at(0.95), at(1.0))
}

fn class(c: &mut Criterion) {
    let s = server();
    let info = get(&s.url, &format!("/api/scenario?s={SINO}")).json();
    let ids: Vec<String> = info["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_string())
        .collect();
    let mut g = c.benchmark_group("class");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    let mut seed = 100;
    let mut burst = |name: &str, paths: &dyn Fn(u64) -> Vec<String>| {
        let mut waits = Vec::new();
        let (mut cpu, mut count) = (0.0, 0);
        g.bench_function(name, |b| {
            b.iter_custom(|bursts| {
                let mut total = Duration::ZERO;
                for _ in 0..bursts {
                    seed += 1;
                    let t = std::time::Instant::now();
                    let used = cpu_seconds();
                    for (a, wait) in support::http::at_once(&s.url, &paths(seed)) {
                        assert_eq!(a.status, 200, "{}", a.text());
                        waits.push(wait);
                    }
                    total += t.elapsed();
                    cpu += cpu_seconds() - used;
                    count += 1;
                }
                total
            })
        });
        if waits.is_empty() {
            // Not measured (filtered out).
            return;
        }
        let (p50, p95, max) = percentiles(&mut waits);
        eprintln!(
            "class/{name}: {} students' waits: median {p50:.0} ms, 95th percentile {p95:.0} ms, longest {max:.0} ms; CPU of the process per burst {:.2} s",
            waits.len(),
            cpu / f64::from(count)
        );
    };
    burst("30_different_whatifs", &|seed| {
        (0..STUDENTS)
            .map(|k| format!("/api/lab?s={SINO}&c=remove:{}&runs=200&seed={seed}", ids[k]))
            .collect()
    });
    burst("30_same_whatif", &|seed| {
        vec![format!("/api/lab?s={SINO}&c=remove:secret_speech&runs=200&seed={seed}"); STUDENTS]
    });
    g.finish();
}

fn parts(c: &mut Criterion) {
    use diplosim::experiment::{self, Seeds};
    use diplosim::lab::{self, Show, WhatIf};
    use diplosim::scenario::Scenario;
    use diplosim::scenario::counterfactual::Counterfactual;
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let sc = Scenario::load(&dir.join(SINO)).expect("the scenario loads");
    let cf = Counterfactual::load(&dir.join("counterfactuals/no_secret_speech.ron"))
        .expect("the counterfactual loads");
    let seeds = Seeds {
        first: 1,
        runs: 200,
    };
    let w = WhatIf {
        name: &cf.name,
        title: &cf.title,
        question: &cf.question,
        scenario: &cf.scenario,
        changes: &[],
        told: Default::default(),
    };
    let show = Show::default();
    let base = lab::Baseline::of(&sc, seeds).unwrap();
    let o = lab::study_on_baseline(&sc, w, seeds, &show, &base).unwrap();
    let mut g = c.benchmark_group("parts");
    g.sample_size(20).measurement_time(Duration::from_secs(6));
    g.bench_function("paired_runs_one_side_200", |b| {
        b.iter(|| experiment::monthly_scores(&cf.scenario, seeds, &()).unwrap())
    });
    g.bench_function("whatif_on_kept_baseline_200", |b| {
        b.iter(|| lab::study_on_baseline(&sc, w, seeds, &show, &base).unwrap())
    });
    g.bench_function("chart_svg", |b| {
        b.iter(|| diplosim::chart::render_svg(&o.chart).unwrap())
    });
    g.bench_function("chart_marker_points", |b| {
        b.iter(|| diplosim::chart::marker_points(&o.chart).unwrap())
    });
    let svg = diplosim::chart::render_svg(&o.chart).unwrap();
    g.bench_function("json_of_the_svg", |b| {
        b.iter(|| serde_json::to_vec(&svg).unwrap())
    });
    g.finish();
    let s = server();
    let mut k = 0u64;
    let mut g = c.benchmark_group("parts");
    g.sample_size(20).measurement_time(Duration::from_secs(6));
    g.bench_function("server_whatif_on_kept_baseline_200", |b| {
        b.iter(|| {
            // A new what-if each time (the factor), on the kept baseline of seed 1.
            k += 1;
            let q = format!(
                "/api/lab?s={SINO}&c=scale:secret_speech:{}&runs=200&seed=1",
                1.0 + k as f64 / 1e6
            );
            assert_eq!(get(&s.url, &q).status, 200)
        })
    });
    g.finish();
}

criterion_group!(benches, whatif, classroom, class, parts);
criterion_main!(benches);
