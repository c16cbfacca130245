//! A measured series (a reference CSV) on arbitrary bytes, checked against the small test
//! fixture: it must end in a series or a located message.
#![no_main]

use std::path::Path;
use std::sync::LazyLock;

use diplosim::research::Reference;
use diplosim::scenario::Scenario;
use libfuzzer_sys::fuzz_target;

static SMALL: LazyLock<Scenario> = LazyLock::new(|| {
    diplosim::scenario::load::scenario_text(
        include_str!("../../tests/fixtures/small.ron"),
        Path::new("small.ron"),
    )
    .expect("the fixture is valid")
    .1
});

fuzz_target!(|bytes: &[u8]| {
    match Reference::parse(bytes, Path::new("reference.csv"), &SMALL) {
        Ok(r) => assert!(r.points.iter().all(|p| {
            p.score.is_finite()
                && p.uncertainty
                    .is_none_or(|u| u.sd > 0.0 && u.weight().is_finite() && u.lo < u.hi)
        })),
        Err(e) => {
            let _ = e.to_string();
        }
    }
});
