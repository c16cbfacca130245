//! Integration tests, one binary, a module per behaviour.

mod chart;
mod common;
mod counterfactual;
mod determinism;
mod engine;
mod experiment;
mod experiment_cli;
mod readme;
mod shipped;
