//! diplosim: a discrete-event simulation of the diplomatic relationship between two
//! states, their ruling parties and their leaders, drawn as relation-score charts.
//!
//! The stages: a RON file ([`scenario::file`]) is validated into a [`scenario::Scenario`],
//! which a [`engine::Simulation`] runs into a [`record::Run`]. Experiments and charts
//! build on runs; the binary is a thin layer over this library.

pub mod chart;
pub mod cli;
pub mod coupling;
pub mod date;
pub mod engine;
pub mod experiment;
pub mod handout;
pub mod lab;
pub mod model;
pub mod output;
pub mod random;
pub mod readings;
pub mod record;
pub mod relation;
pub mod report;
pub mod research;
pub mod scenario;
pub mod score;
pub mod serve;
pub mod triangle;
