//! The classroom server over loopback: the latency of one what-if (200 paired runs, as
//! the page asks by default), and the latency of the teacher's page while thirty
//! simulated students run what-ifs at once (a bounded load test: loopback only, the
//! students stop when the measurement ends).
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
    g.bench_function("whatif_200_runs", |b| {
        b.iter(|| assert_eq!(get(&s.url, &q).status, 200))
    });
    let base = format!("/api/lab?s={SINO}&seed=1");
    g.bench_function("history_as_scripted", |b| {
        b.iter(|| assert_eq!(get(&s.url, &base).status, 200))
    });
    g.finish();
}

/// Thirty students, each sending what-ifs one after another (a different event removed
/// each time), while the teacher's page asks for the history as scripted.
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
                    let a = get(&url, &format!("/api/lab?s={SINO}&c=remove:{id}&runs=200"));
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

criterion_group!(benches, whatif, classroom);
criterion_main!(benches);
