//! The counterfactual loader on arbitrary bytes, applied to two fixed bases: the small test
//! fixture and the Sino-Soviet scenario (whose ids the shipped counterfactuals name).
#![no_main]

use std::path::Path;
use std::sync::LazyLock;

use diplosim::scenario::counterfactual::Source;
use diplosim::scenario::file::ScenarioFile;
use diplosim::scenario::source;
use libfuzzer_sys::fuzz_target;

const BASES: [(&str, &str); 2] = [
    ("small.ron", include_str!("../../tests/fixtures/small.ron")),
    (
        "sino_soviet_1917_1991.ron",
        include_str!("../../scenarios/sino_soviet_1917_1991.ron"),
    ),
];

static PARSED: LazyLock<Vec<ScenarioFile>> = LazyLock::new(|| {
    BASES
        .iter()
        .map(|(name, text)| ScenarioFile::parse(text, Path::new(name)).expect("the base parses"))
        .collect()
});

fuzz_target!(|bytes: &[u8]| {
    let path = Path::new("counterfactuals/fuzz.ron");
    let Ok(text) = source::decode(bytes, path) else {
        return;
    };
    let cf = match Source::parse(text.to_string(), path) {
        Ok(cf) => cf,
        Err(e) => {
            let _ = e.to_string();
            return;
        }
    };
    for ((name, _), base) in BASES.iter().zip(PARSED.iter()) {
        if let Err(e) = cf.apply(base, Path::new(name)) {
            let _ = e.to_string();
        }
    }
});
