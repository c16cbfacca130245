//! Support shared by the benchmarks and the integration tests: the synthetic scenario
//! generator and the plain-loop reference engine.
//!
//! It lives beside the benches, not in the library, because it is measuring equipment:
//! the library's API stays the product's. The benches include it as `mod support;`; the
//! integration tests include the same files with one `#[path]`, so there is one copy.

#![allow(dead_code)]

pub mod http;
pub mod reference;
pub mod synthetic;
