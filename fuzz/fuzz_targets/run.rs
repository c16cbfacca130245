//! One run of any scenario that validates, bounded only by the scenario's own limits
//! (`max_events`, its span), then the checkpoint verdicts, the CSV files and the chart's
//! layout (drawn as SVG; rasterising the PNG adds nothing the fuzzer can steer).
#![no_main]

use std::path::Path;

use diplosim::chart;
use diplosim::engine::Simulation;
use diplosim::record;
use diplosim::scenario::{Scenario, source};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let path = Path::new("fuzz.ron");
    let Ok(text) = source::decode(bytes, path) else {
        return;
    };
    let Ok(scenario) = Scenario::from_str(text, path) else {
        return;
    };
    match Simulation::new(&scenario).run(1) {
        Ok(run) => {
            for s in run.monthly() {
                assert!(
                    s.score.is_finite(),
                    "a validated scenario gave the score {}",
                    s.score
                );
            }
            let _ = record::checkpoints(&scenario, &run);
            let _ = record::trajectory_csv(&scenario, &run);
            let _ = record::events_csv(&scenario, &run);
            let _ = chart::render_svg(&chart::of_run(&scenario, &run));
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
});
