//! Support shared by the benchmarks and the integration tests: the scenario generators
//! (`synthetic`, `paired`) and a small HTTP client. (The plain-loop oracle the two also
//! share lives in `tests/support/oracle.rs`: see its doc.)
//!
//! It lives beside the benches, not in the library, because it is measuring equipment:
//! the library's API stays the product's. The benches include it as `mod support;`; the
//! integration tests include the same files with one `#[path]`, so there is one copy.

#![allow(dead_code)]

pub mod http;
pub mod paired;
pub mod synthetic;
