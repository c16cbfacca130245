//! Integration tests, one binary, a module per behaviour.

mod common;
mod determinism;
mod engine;
mod readme;
mod shipped;
