//! Integration tests, one binary, a module per behaviour.

mod chart;
mod common;
mod determinism;
mod engine;
mod readme;
mod shipped;
