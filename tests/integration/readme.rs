//! The README's promises: its example scenario is valid and runs.

use std::path::Path;

use diplosim::scenario::Scenario;

use crate::common::run;

fn readme() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md exists")
}

#[test]
fn the_readme_example_scenario_checks_and_runs() {
    let text = readme();
    let start = text.find("```ron\n").expect("the README has a RON example") + "```ron\n".len();
    let end = start + text[start..].find("```").expect("the example is closed");
    let sc = Scenario::from_str(&text[start..end], Path::new("README.md"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(sc.name, "example");
    assert_eq!(sc.events.len(), 5);
    let r = run(&sc, 1);
    assert!(r.fired.iter().any(|f| sc.events[f.event].id == "treaty"));
    let verdicts = diplosim::record::checkpoints(&sc, &r);
    assert!(verdicts.iter().all(|v| v.met), "{verdicts:?}");
}

#[test]
fn the_readme_gives_the_two_setup_commands() {
    let text = readme();
    assert!(text.contains("cargo run --release -- run scenarios/sino_soviet_1917_1991.ron"));
    assert!(text.contains("cargo test --release"));
    let ci =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(".ci/run")).unwrap();
    assert!(
        ci.contains("cargo test --release"),
        "CI runs the README's test command"
    );
}
