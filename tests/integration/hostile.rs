//! Careless or hostile input files: each is refused (or accepted) quickly, with a located
//! message and exit status 2, in bounded memory, and never hangs. Speed is not asserted
//! here (benchmarks measure it); a regression to the old exponential or quadratic cost
//! shows as a test that does not finish. Inputs that once crashed a command are kept as
//! fixtures under `tests/fixtures/hostile/`, which `fuzz/seed` puts in every fuzz
//! target's seed corpus.

use std::path::Path;

use crate::common::{Text, diplosim, fixture};

/// The small fixture with the follow-up "apology" scheduling itself twice.
fn self_scheduling() -> Text {
    Text::small().replace(
        "effects: [Modifier(level: State, value: 1.0, fade: Until(\"1958-01-01\"))]),",
        "effects: [Modifier(level: State, value: 1.0, fade: Until(\"1958-01-01\")),\n                   FollowUp(event: \"apology\", after: 400), FollowUp(event: \"apology\", after: 500)]),",
    )
}

fn counterfactual(dir: &Path, name: &str, changes: &str) -> std::path::PathBuf {
    let text = format!(
        "Counterfactual(base: \"base.ron\", title: \"t\", question: \"q\", changes: [{changes}])"
    );
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write a counterfactual");
    path
}

#[test]
fn a_follow_up_that_schedules_itself_does_not_hang_a_counterfactual() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    self_scheduling().write(dir.path(), "base.ron");
    counterfactual(
        dir.path(),
        "scale.ron",
        "Scale(event: \"apology\", by: 0.5)",
    );
    counterfactual(
        dir.path(),
        "chance.ron",
        "Chance(event: \"apology\", chance: 0.5)",
    );
    let ran = diplosim(dir.path(), &["check", "scale.ron", "chance.ron"]);
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    // The apology can first come 14 days after the incident's window opens (1956-12-02).
    assert!(
        ran.stdout
            .contains("scale.ron: ok: counterfactual \"t\" on \"Two small states, 1950-1960\": 1 change; the variant equals its base before 1956-12-16"),
        "{}",
        ran.stdout
    );
}

#[test]
fn removing_an_event_takes_its_self_scheduling_follow_up_with_it() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    self_scheduling().write(dir.path(), "base.ron");
    counterfactual(dir.path(), "rm.ron", "Remove(\"incident\")");
    let ran = diplosim(dir.path(), &["check", "rm.ron"]);
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    // rank removes every event in turn, the incident among them.
    let ran = diplosim(
        dir.path(),
        &["rank", "base.ron", "--out", "ranked", "--runs", "2"],
    );
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    assert!(ran.stdout.contains("incident"), "{}", ran.stdout);
}

#[test]
fn thirty_two_thousand_changes_are_checked() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    Text::small().write(dir.path(), "base.ron");
    let mut changes = vec!["Chance(event: \"treaty\", chance: 0.5)"; 32_000];
    changes[31_999] = "Chance(event: \"traety\", chance: 0.5)";
    counterfactual(dir.path(), "many.ron", &changes.join(",\n"));
    let ran = diplosim(dir.path(), &["check", "many.ron"]);
    assert_eq!(ran.code, Some(2), "{}", ran.stdout);
    assert!(
        ran.stderr.contains(
            "many.ron:32000:15: Chance(event: \"traety\"): unknown event \"traety\": the base scenario has no such event"
        ),
        "{}",
        ran.stderr
    );
}

#[test]
fn twelve_thousand_problems_on_one_line_are_counted_not_copied() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let events: String = (0..12_000)
        .map(|i| {
            format!(
                "(id: \"e{i}\", date: \"1951-03-01\", title: \"T\", source: \"s\", actors: [\"nobody{i}\"]), "
            )
        })
        .collect();
    let one_line: String = Text::small()
        .0
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join(" ")
        .replacen("events: [", &format!("events: [{events}"), 1);
    assert!(one_line.len() > 900_000 && !one_line.contains('\n'));
    std::fs::write(dir.path().join("flood.ron"), one_line).expect("write");
    let ran = diplosim(dir.path(), &["check", "flood.ron"]);
    assert_eq!(ran.code, Some(2));
    assert!(
        ran.stderr
            .starts_with("error: flood.ron: 12000 problems found"),
        "{}",
        &ran.stderr[..200.min(ran.stderr.len())]
    );
    assert!(
        ran.stderr
            .trim_end()
            .ends_with("flood.ron: and 11970 more problems not shown; fix these first"),
        "{}",
        ran.stderr
    );
    // Each problem shows a window of the line, not the whole megabyte.
    assert!(ran.stderr.len() < 30 * 1000, "{} bytes", ran.stderr.len());
}

#[test]
fn a_value_nested_four_hundred_thousand_deep_is_refused_at_once() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let deep = format!("{}{}", "Uniform(".repeat(400_000), ")".repeat(400_000));
    Text::small()
        .replace("value: 4.0", &format!("value: {deep}"))
        .write(dir.path(), "deep.ron");
    let ran = diplosim(dir.path(), &["check", "deep.ron"]);
    assert_eq!(ran.code, Some(2));
    assert!(
        ran.stderr.contains(
            "deep.ron:41:817: this is nested too deeply: more than 100 brackets inside one another"
        ),
        "{}",
        &ran.stderr[..400.min(ran.stderr.len())]
    );
}

#[cfg(unix)]
#[test]
fn devices_and_pipes_are_refused_without_reading_them() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let ran = diplosim(dir.path(), &["check", "/dev/zero"]);
    assert_eq!(ran.code, Some(2));
    assert!(
        ran.stderr
            .contains("/dev/zero: this is a device, not a file"),
        "{}",
        ran.stderr
    );
    // A FIFO with no writer: opening it would block forever.
    let fifo = dir.path().join("pipe.ron");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("run mkfifo");
    assert!(made.success());
    let ran = diplosim(dir.path(), &["check", "pipe.ron"]);
    assert_eq!(ran.code, Some(2));
    assert!(
        ran.stderr
            .contains("pipe.ron: this is a named pipe (FIFO), not a file"),
        "{}",
        ran.stderr
    );
    // The same through a counterfactual's base.
    let cf = dir.path().join("cf.ron");
    std::fs::write(
        &cf,
        "Counterfactual(base: \"pipe.ron\", title: \"t\", question: \"q\", changes: [])",
    )
    .expect("write");
    let ran = diplosim(dir.path(), &["run", "cf.ron", "--out", "o"]);
    assert_eq!(ran.code, Some(2));
    assert!(
        ran.stderr
            .contains("pipe.ron: this is a named pipe (FIFO), not a file"),
        "{}",
        ran.stderr
    );
    assert!(!dir.path().join("o").exists());
}

#[test]
fn a_file_larger_than_the_limit_is_refused_before_it_is_read() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("huge.ron");
    let f = std::fs::File::create(&path).expect("create");
    f.set_len(diplosim::scenario::limits::MAX_FILE_BYTES + 1)
        .expect("a sparse file");
    let ran = diplosim(dir.path(), &["check", "huge.ron"]);
    assert_eq!(ran.code, Some(2));
    assert!(
        ran.stderr
            .contains("huge.ron: the file has 8388609 bytes, more than the 8388608 (8 MiB) a scenario may have"),
        "{}",
        ran.stderr
    );
}

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
