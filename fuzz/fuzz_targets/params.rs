//! A params file (what `calibrate` and `sensitivity` move) on arbitrary bytes, checked
//! against the small test fixture as `Params::load` checks one: it must end in checked
//! parameters or a located message, in bounded time and memory.
#![no_main]

use std::path::Path;
use std::sync::LazyLock;

use diplosim::research::calibrate::Params;
use diplosim::scenario::file::ScenarioFile;
use diplosim::scenario::source;
use libfuzzer_sys::fuzz_target;

static SMALL: LazyLock<ScenarioFile> = LazyLock::new(|| {
    diplosim::scenario::load::scenario_text(
        include_str!("../../tests/fixtures/small.ron"),
        Path::new("small.ron"),
    )
    .expect("the fixture is valid")
    .0
});

fuzz_target!(|bytes: &[u8]| {
    let path = Path::new("params.ron");
    let Ok(text) = source::decode(bytes, path) else {
        return;
    };
    match Params::from_text(text, path, &SMALL) {
        Ok(ps) => {
            // What the reports rely on: a finite, non-empty range for each parameter,
            // and each named once.
            let mut names = std::collections::HashSet::new();
            for p in &ps.params {
                let (from, to) = p.bounds();
                assert!(from.is_finite() && to.is_finite() && from < to);
                assert!(names.insert(p.name()), "{} declared twice", p.name());
            }
            // The calibrated file calibrate writes, at the starting values.
            let x: Vec<f64> = ps.params.iter().map(|p| p.start(&SMALL)).collect();
            let _ = ps.counterfactual("small.ron", &x, "the start");
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
});
