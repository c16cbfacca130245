//! Integration tests: one binary, one module per behaviour.

mod chart;
mod cli;
mod common;
mod determinism;
mod engine;
mod readme;
mod scenario;
mod shipped;
