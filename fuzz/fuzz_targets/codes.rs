//! The classroom page's what-if codes (the URL's `c` parameter) on arbitrary text, through
//! the path a request takes: read the codes, build the counterfactual file, write it as
//! RON, read that back and apply it to two fixed bases (the small test fixture and the
//! Sino-Soviet scenario). The RON the page writes must always read back, and every code
//! the page shows for a change must read again.
#![no_main]

use std::path::Path;
use std::sync::LazyLock;

use diplosim::scenario::Scenario;
use diplosim::scenario::counterfactual::Source;
use diplosim::scenario::file::ScenarioFile;
use diplosim::serve::{code_of, counterfactual, parse_codes, to_ron};
use libfuzzer_sys::fuzz_target;

const BASES: [(&str, &str); 2] = [
    ("small.ron", include_str!("../../tests/fixtures/small.ron")),
    (
        "sino_soviet_1917_1991.ron",
        include_str!("../../scenarios/sino_soviet_1917_1991.ron"),
    ),
];

static LOADED: LazyLock<Vec<(ScenarioFile, Scenario)>> = LazyLock::new(|| {
    BASES
        .iter()
        .map(|(name, text)| {
            diplosim::scenario::load::scenario_text(text, Path::new(name))
                .expect("the base is valid")
        })
        .collect()
});

fuzz_target!(|bytes: &[u8]| {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    let changes = match parse_codes(text) {
        Ok(c) => c,
        Err(e) => {
            let _ = e.to_string();
            return;
        }
    };
    for change in &changes {
        if let Some(code) = code_of(change) {
            assert!(
                parse_codes(&code).is_ok(),
                "the page's own code {code:?} does not read"
            );
        }
    }
    for ((name, _), (file, scenario)) in BASES.iter().zip(LOADED.iter()) {
        let cf = counterfactual(scenario, &format!("../{name}"), None, &changes, None);
        let ron = to_ron(&cf).expect("a counterfactual file is written as RON");
        let source = Source::parse(ron.clone(), Path::new("counterfactuals/whatif.ron"))
            .unwrap_or_else(|e| panic!("the page's RON does not read back: {e}\n{ron}"));
        if let Err(e) = source.apply(file, Path::new(name)) {
            let _ = e.to_string();
        }
    }
});
