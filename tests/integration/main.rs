//! Integration tests, one binary, a module per behaviour.

mod common;
mod determinism;
mod engine;
mod reference;
#[path = "../../benches/support/mod.rs"]
mod support;
