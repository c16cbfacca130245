//! Integration tests: one binary, one module per behaviour.

mod counterfactual;
mod experiment;
mod experiment_cli;
