//! The scenario loader and validator on arbitrary bytes: decoding, parsing, validating and
//! formatting the error must never panic, hang or take unbounded memory.
#![no_main]

use std::path::Path;

use diplosim::scenario::{Scenario, counterfactual, source};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let path = Path::new("fuzz.ron");
    let Ok(text) = source::decode(bytes, path) else {
        return;
    };
    let _ = counterfactual::kind(text);
    if let Err(e) = Scenario::from_str(text, path) {
        // The message a user sees is part of what must not panic.
        let _ = e.to_string();
    }
});
