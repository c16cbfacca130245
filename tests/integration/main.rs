//! Integration tests: one binary, one module per behaviour.

mod arguments;
mod batch;
mod browser;
mod calibration;
mod chart;
mod cli;
mod common;
mod compose;
mod counterfactual;
mod coupling;
mod determinism;
mod engine;
mod experiment;
mod experiment_cli;
mod hostile;
#[path = "../support/oracle.rs"]
mod oracle;
mod output;
mod pairs;
mod progress;
mod readings;
mod readme;
mod reference;
mod reference_files;
mod research;
mod scenario;
mod search;
mod serve;
mod serve_readings;
mod shard;
mod shipped;
#[path = "../../benches/support/mod.rs"]
mod support;
mod ties;
mod triangle;
mod triangle_strip;
