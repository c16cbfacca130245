//! Inputs that once crashed, hung or blew up a command (found by fuzzing or by hand), kept
//! as fixtures under `tests/fixtures/hostile/`; `fuzz/seed` puts them in every fuzz target's
//! seed corpus.

use crate::common::{diplosim, fixture};

#[test]
fn an_era_label_wider_than_the_plot_is_cut_short() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = fixture("hostile/long_era_label.ron");
    let ran = diplosim(
        dir.path(),
        &["run", path.to_str().expect("a UTF-8 path"), "--out", "out"],
    );
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    let svg = std::fs::read_to_string(dir.path().join("out/chart.svg")).expect("the SVG");
    assert!(svg.contains("The early years"), "the label is drawn");
    assert!(
        !svg.contains("a long peace for all"),
        "the label is cut short"
    );
    assert!(dir.path().join("out/chart.png").is_file());
}
