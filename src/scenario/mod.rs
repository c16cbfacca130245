//! Scenario files: the RON mirror types, loading, validation and counterfactual overlays.

pub mod file;
