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

/// The checkpoint table of the README, as the seed-1 run of the Sino-Soviet scenario
/// gives it.
fn checkpoint_table() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/sino_soviet_1917_1991.ron");
    let sc = Scenario::load(&path).unwrap_or_else(|e| panic!("{e}"));
    let r = run(&sc, 1);
    let mut t = String::from(
        "| checkpoint | dates | the article says | expected | seed 1 ranges | met |\n| --- | --- | --- | --- | --- | --- |\n",
    );
    for v in diplosim::record::checkpoints(&sc, &r) {
        let c = &sc.timeline.checkpoints[v.checkpoint];
        let dates = if c.from == c.to {
            c.from.to_string()
        } else {
            format!("{} to {}", c.from, c.to)
        };
        t.push_str(&format!(
            "| `{}` | {} | \"{}\" | {} | {:.2} to {:.2} | {} |\n",
            c.id,
            dates,
            c.quote.replace('|', "\\|"),
            c.expect,
            v.low,
            v.high,
            if v.met { "yes" } else { "**no**" }
        ));
    }
    t
}

#[test]
fn golden_readme_checkpoint_table_is_the_run_s() {
    let table = checkpoint_table();
    if std::env::var_os(crate::shipped::BLESS).is_some() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
        let text = readme();
        let start = text
            .find("| checkpoint | dates |")
            .expect("the README has a checkpoint table");
        let end = text[start..]
            .find("\n\n")
            .map_or(text.len(), |k| start + k + 1);
        std::fs::write(&path, format!("{}{table}{}", &text[..start], &text[end..])).unwrap();
    }
    assert!(
        readme().contains(&table),
        "the README's checkpoint table is out of date; regenerate it with `DIPLOSIM_BLESS=1 cargo test --release --test integration golden`; it should read:\n\n{table}"
    );
}
