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

/// Checks a broken copy of the small fixture with the binary: exit 2 and the message.
fn refused(t: Text, expected: &[&str]) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    t.write(dir.path(), "f.ron");
    let ran = diplosim(dir.path(), &["check", "f.ron"]);
    assert_eq!(ran.code, Some(2), "{}", ran.stdout);
    for e in expected {
        assert!(ran.stderr.contains(e), "{e}\n---\n{}", ran.stderr);
    }
}

#[test]
fn magnitudes_that_could_overflow_a_score_are_refused() {
    refused(
        Text::small().replace("bound: 9.0", "bound: 1e308"),
        &[
            "f.ron:8:16: scale: the bound is 1e308; it must be a positive number no larger than 1000",
        ],
    );
    refused(
        Text::small().replace(
            "structure: (base: 0.0, affinity: 2.0)",
            "structure: (base: 1e308, affinity: -19.0)",
        ),
        &[
            "f.ron:18:23: scenario: structure.base is 1e308, beyond ±18",
            "f.ron:18:40: scenario: structure.affinity is -19, beyond ±18",
        ],
    );
    refused(
        Text::small().replace("fade: Years(10.0)", "fade: Years(1e308)"),
        &["a half-life of inf days; it must be a positive, finite number"],
    );
}

#[test]
fn max_events_is_capped_and_a_runaway_names_file_event_and_variant() {
    refused(
        Text::small().replace(
            "    timeline: (",
            "    max_events: 4294967295,\n    timeline: (",
        ),
        &[
            "f.ron:61:17: scenario: max_events is 4294967295, above the most a run may fire (1000000)",
        ],
    );
    let dir = tempfile::tempdir().expect("a temporary folder");
    Text::small().write(dir.path(), "base.ron");
    counterfactual(
        dir.path(),
        "doubling.ron",
        "Replace((id: \"apology\", title: \"A\", source: \"s\", effects: [FollowUp(event: \"apology\", after: 1), FollowUp(event: \"apology\", after: 1)]))",
    );
    let ran = diplosim(
        dir.path(),
        &[
            "compare",
            "base.ron",
            "doubling.ron",
            "--out",
            "o",
            "--quiet",
        ],
    );
    assert_eq!(ran.code, Some(2));
    assert!(
        ran.stderr.starts_with(
            "error: base.ron: in the variant \"doubling\": the run fired more than 100000 events (the last was \"apology\" on "
        ),
        "{}",
        ran.stderr
    );
    assert!(!dir.path().join("o").exists());
    let ran = diplosim(dir.path(), &["run", "doubling.ron", "--out", "o"]);
    assert_eq!(ran.code, Some(2));
    assert!(
        ran.stderr
            .starts_with("error: doubling.ron: the run fired more than 100000 events"),
        "{}",
        ran.stderr
    );
}

#[test]
fn control_characters_in_text_are_refused_where_they_stand() {
    refused(
        Text::small().replace("title: \"Treaty\"", "title: \"Tre\\u{7}aty\""),
        &["f.ron:39:51: text: this text holds the control character U+0007 (after \"Tre\")"],
    );
}

#[test]
fn an_axis_given_twice_in_an_ideology_is_refused() {
    refused(
        Text::small().replace(
            "ideology: {\"left\": 0.8}",
            "ideology: {\"left\": 0.8, \"left\": 0.1}",
        ),
        &[
            "f.ron:25:",
            "the axis \"left\" is given twice in this ideology",
        ],
    );
}

#[test]
fn a_name_too_long_for_a_folder_is_refused_by_check() {
    refused(
        Text::small().replace("name: \"small\"", &format!("name: \"{}\"", "a".repeat(300))),
        &[
            "f.ron:4:11: scenario: name \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...\" has 300 characters; a name (the output folder) has at most 64",
        ],
    );
}

#[test]
fn those_acting_in_a_windowed_event_are_checked_over_the_whole_window() {
    // Ann leaves office on 1955-06-01, inside the window of 30 days around 1955-05-20.
    refused(
        Text::small().replace(
            "(id: \"friendship\", date: \"1952-01-01\",",
            "(id: \"friendship\", date: \"1955-05-20\", window: 30,",
        ),
        &[
            "f.ron:43:19: event \"friendship\" (1955-05-20): leader \"ann\" acts but is not in office on 1955-06-01, a day its window of ±30 days reaches",
        ],
    );
}

#[test]
fn a_counterfactual_cannot_take_a_commands_folder_name() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    Text::small().write(dir.path(), "base.ron");
    for name in ["ensemble", "compare", "rank", "baseline"] {
        let path = dir.path().join("cf.ron");
        std::fs::write(
            &path,
            format!("Counterfactual(base: \"base.ron\", name: \"{name}\", title: \"t\", question: \"q\", changes: [])"),
        )
        .expect("write");
        let ran = diplosim(dir.path(), &["run", "cf.ron"]);
        assert_eq!(ran.code, Some(2));
        assert!(
            ran.stderr.contains(&format!(
                "cf.ron:1:40: counterfactual: name \"{name}\" is taken: `{name}` writes its files in the folder of that name"
            )),
            "{}",
            ran.stderr
        );
        assert!(!dir.path().join("output").exists());
    }
}

#[test]
fn a_missing_base_is_located_with_the_rule_for_relative_paths() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    Text::small().write(dir.path(), "small.ron");
    std::fs::create_dir(dir.path().join("sub")).expect("a folder");
    std::fs::write(
        dir.path().join("sub/cf.ron"),
        "Counterfactual(base: \"small.ron\", title: \"t\", question: \"q\", changes: [])",
    )
    .expect("write");
    let ran = diplosim(dir.path(), &["check", "sub/cf.ron"]);
    assert_eq!(ran.code, Some(2));
    for e in [
        "sub/cf.ron:1:22: counterfactual: its base scenario sub/small.ron does not exist",
        "= help: `base` is a path relative to the counterfactual's own folder (sub); \"small.ron\" exists from the current folder, but `base` starts from the counterfactual's folder",
    ] {
        assert!(ran.stderr.contains(e), "{e}\n---\n{}", ran.stderr);
    }
}

#[test]
fn messages_name_the_format_not_rust_types() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    Text::small().write(dir.path(), "base.ron");
    counterfactual(dir.path(), "cf.ron", "Foo(\"x\")");
    let ran = diplosim(dir.path(), &["check", "cf.ron"]);
    assert_eq!(ran.code, Some(2));
    assert!(
        ran.stderr.contains("unknown variant `Foo` in `Change`"),
        "{}",
        ran.stderr
    );
    assert!(!ran.stderr.contains("File"), "{}", ran.stderr);
}

#[test]
fn positional_effects_get_a_hint_with_the_named_form() {
    refused(
        Text::small().replace(
            "effects: [Rule(state: \"north\", party: \"pink\")]",
            "effects: [Rule(\"north\", \"pink\")]",
        ),
        &[
            "f.ron:48:25: expected a name (an identifier) here",
            "= help: `Rule` takes named fields: write Rule(state: \"north\", party: \"red\")",
        ],
    );
}

/// Checks a copy of the small fixture that is valid: exit 0, and these on stdout.
fn warned(t: Text, expected: &[&str]) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    t.write(dir.path(), "f.ron");
    let ran = diplosim(dir.path(), &["check", "f.ron"]);
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    for e in expected {
        assert!(ran.stdout.contains(e), "{e}\n---\n{}", ran.stdout);
    }
}

#[test]
fn modifiers_that_can_never_count_are_warned_of_with_the_reason() {
    // Ann leaves office in 1955: a tie between Ann and Cid from 1957 on never counts.
    warned(
        Text::small().replace(
            "Modifier(level: State, value: Uniform(-4.0, -2.0), fade: Days(180.0)),",
            "Modifier(level: Leader(\"ann\", \"cid\"), value: -1.0, fade: Permanent),",
        ),
        &[
            "warning: f.ron:52:29: event \"incident\" (1957-01-01): this leader-level modifier can never count: \"ann\" and \"cid\" are never both in office from 1956-12-02 on",
        ],
    );
    // A party that never rules.
    warned(
        Text::small().replace(
            "effects: [Rule(state: \"north\", party: \"pink\")]",
            "effects: [Modifier(level: Party(\"pink\", \"blue\"), value: 1.0, fade: Permanent)]",
        ),
        &[
            "warning: f.ron:48:",
            "event \"election\" (1956-01-01): this party-level modifier can never count: \"pink\" never rules its state",
        ],
    );
}

#[test]
fn a_file_that_is_not_a_scenario_is_called_so() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    std::fs::write(dir.path().join("README.md"), "# diplosim\n\nA simulator.\n").expect("write");
    let ran = diplosim(dir.path(), &["run", "README.md"]);
    assert_eq!(ran.code, Some(2));
    assert!(
        ran.stderr.starts_with(
            "error: README.md:1:1: this is not a scenario or counterfactual file: it starts with `# diplosim`"
        ),
        "{}",
        ran.stderr
    );
}

#[test]
fn a_missing_field_names_the_item_by_id() {
    refused(
        Text::small().replace(
            "title: \"Pink wins\", source: \"fixture\",",
            "title: \"Pink wins\",",
        ),
        &["f.ron:48:56: missing field `source` in `Event` (the item with id \"election\")"],
    );
}

#[test]
fn compare_says_first_that_a_counterfactual_names_another_base() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    Text::small().write(dir.path(), "small.ron");
    Text::small().write(dir.path(), "other.ron");
    std::fs::write(
        dir.path().join("cf.ron"),
        "Counterfactual(base: \"other.ron\", title: \"t\", question: \"q\", changes: [Remove(\"nothing_here\")])",
    )
    .expect("write");
    let ran = diplosim(
        dir.path(),
        &["compare", "small.ron", "cf.ron", "--out", "o"],
    );
    assert_eq!(ran.code, Some(2));
    assert!(
        ran.stderr.starts_with(
            "error: cf.ron: this counterfactual is written for other.ron, not small.ron: its changes do not fit"
        ),
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
    // The drawing, after the text alternative (which tells the era whole).
    let drawn = svg.split("</desc>").last().expect("an SVG");
    assert!(drawn.contains("The early years"), "the label is drawn");
    assert!(
        !drawn.contains("a long peace for all"),
        "the label is cut short"
    );
    assert!(dir.path().join("out/chart.png").is_file());
}

#[test]
fn files_of_the_wrong_kind_and_an_empty_base_say_what_to_do() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    Text::small().write(dir.path(), "small.ron");
    let write = |name: &str, base: &str| {
        std::fs::write(
            dir.path().join(name),
            format!("Counterfactual(base: \"{base}\", title: \"t\", question: \"q\", changes: [])"),
        )
        .expect("write");
    };
    write("empty.ron", "");
    write("itself.ron", "itself.ron");
    let cases: [(&[&str], &[&str]); 3] = [
        (
            &["check", "empty.ron"],
            &[
                "empty.ron:1:22: counterfactual: `base` is empty: it must name the scenario this counterfactual changes",
            ],
        ),
        (
            &["check", "itself.ron"],
            &[
                "itself.ron:1:1: expected `Scenario` but found `Counterfactual`",
                "this file is a counterfactual: name the scenario it changes",
            ],
        ),
        (
            &["compare", "small.ron", "small.ron"],
            &[
                "small.ron:3:1: expected `Counterfactual` but found `Scenario`",
                "`compare` takes the scenario first and then counterfactual files",
            ],
        ),
    ];
    for (args, expected) in cases {
        let ran = diplosim(dir.path(), args);
        assert_eq!(ran.code, Some(2), "{args:?}: {}", ran.stderr);
        for e in expected {
            assert!(ran.stderr.contains(e), "{args:?}: {e}\n---\n{}", ran.stderr);
        }
    }
}

/// A measured series is read like a scenario: a regular file of bounded size, its kind
/// checked before it is opened; `check` reads the one a scenario names.
#[cfg(unix)]
#[test]
fn a_reference_that_is_a_device_a_pipe_or_huge_is_refused_unread() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    Text::small().write(dir.path(), "small.ron");
    let ran = diplosim(
        dir.path(),
        &["run", "small.ron", "--reference", "/dev/zero", "--out", "o"],
    );
    assert_eq!(ran.code, Some(2), "{}", ran.stderr);
    assert!(
        ran.stderr
            .contains("/dev/zero: cannot read the reference series: this is a device, not a file"),
        "{}",
        ran.stderr
    );
    let fifo = dir.path().join("pipe.csv");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("run mkfifo")
            .success()
    );
    Text::small()
        .replace(
            "    structure:",
            "    reference: \"pipe.csv\",\n    structure:",
        )
        .write(dir.path(), "piped.ron");
    let ran = diplosim(dir.path(), &["check", "piped.ron"]);
    assert_eq!(ran.code, Some(2), "{}", ran.stderr);
    assert!(
        ran.stderr.contains(
            "pipe.csv: cannot read the reference series: this is a named pipe (FIFO), not a file"
        ),
        "{}",
        ran.stderr
    );
    assert!(!ran.stdout.contains("ok"), "{}", ran.stdout);
    let huge = dir.path().join("huge.csv");
    std::fs::File::create(&huge)
        .expect("create")
        .set_len(diplosim::research::reference::MAX_BYTES + 1)
        .expect("a sparse file");
    let ran = diplosim(
        dir.path(),
        &["run", "small.ron", "--reference", "huge.csv", "--out", "o"],
    );
    assert_eq!(ran.code, Some(2), "{}", ran.stderr);
    assert!(
        ran.stderr
            .contains("huge.csv: cannot read the reference series: the file has 8388609 bytes, more than the 8388608 (8 MiB) a reference series may have"),
        "{}",
        ran.stderr
    );
    assert!(!dir.path().join("o").exists());
}

/// `check` on the small fixture naming `r.csv` as its series (over `span`), with `csv`
/// as the file's bytes.
fn check_reference(span: &str, csv: &[u8]) -> crate::common::Ran {
    let dir = tempfile::tempdir().expect("a temporary folder");
    Text::small()
        .replace("(\"1950-01-01\", \"1960-12-31\")", span)
        .replace(
            "    structure:",
            "    reference: \"r.csv\",\n    structure:",
        )
        .write(dir.path(), "with_ref.ron");
    std::fs::write(dir.path().join("r.csv"), csv).expect("write");
    diplosim(dir.path(), &["check", "with_ref.ron"])
}

/// A year row covers the whole year, so the last year a date may have, 2999, is a row
/// like any other; a year past it is refused as itself.
#[test]
fn a_reference_row_for_the_last_year_a_date_may_have_is_read() {
    let span = "(\"1950-01-01\", \"2999-12-31\")";
    let ran = check_reference(span, b"date,score\n2998,1\n2999,1.5\n");
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    let ran = check_reference(span, b"date,score\n2999,1.5\n3000,1\n");
    assert_eq!(ran.code, Some(2), "{}", ran.stderr);
    assert!(
        ran.stderr.contains(
            "r.csv:3:1: year 3000 is out of range: dates must fall in the years 1000 to 2999"
        ),
        "{}",
        ran.stderr
    );
}

/// Lines ending with CR alone (old Mac files) are lines, counted as an editor counts them.
#[test]
fn a_reference_whose_lines_end_with_cr_only_is_read_line_by_line() {
    let span = "(\"1950-01-01\", \"1960-12-31\")";
    let ran = check_reference(span, b"# source\rdate,score\r1955,1\r1956-07,-2\r");
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    let ran = check_reference(span, b"date,score\r\n1955,1\r1956,x\r");
    assert_eq!(ran.code, Some(2), "{}", ran.stderr);
    assert!(
        ran.stderr
            .contains("r.csv:3:6: `x` is not a number\n  |\n3 | 1956,x\n  |      ^"),
        "{}",
        ran.stderr
    );
}

/// A quote left open would swallow the rest of its row into one field: it is refused
/// where it opens.
#[test]
fn a_reference_row_with_a_quote_left_open_is_refused_at_the_quote() {
    let span = "(\"1950-01-01\", \"1960-12-31\")";
    let ran = check_reference(
        span,
        b"date,score,label\n1955,1,\"border, Xinjiang\n1956,2,ok\n",
    );
    assert_eq!(ran.code, Some(2), "{}", ran.stderr);
    assert!(
        ran.stderr
            .contains("r.csv:2:8: this quote is not closed: a field ends at the end of its line"),
        "{}",
        ran.stderr
    );
    let ran = check_reference(span, b"date,score,label\n1955,1,\"a \"\"b\"\", c\"\n");
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
}

/// A NUL, an escape or a bidirectional override in a field reaches the terminal escaped,
/// in the message and in the quoted line, the caret still under its field.
#[test]
fn control_characters_in_a_reference_are_shown_escaped() {
    let span = "(\"1950-01-01\", \"1960-12-31\")";
    let ran = check_reference(span, b"date,score\n19\x0055,1\n");
    assert_eq!(ran.code, Some(2), "{}", ran.stderr);
    assert!(
        ran.stderr.contains("r.csv:2:1: `19\\055` is not a date"),
        "{}",
        ran.stderr
    );
    let ran = check_reference(span, "date,score\n1955,\u{1b}[2J\u{202e}1\n".as_bytes());
    assert_eq!(ran.code, Some(2), "{}", ran.stderr);
    assert!(
        ran.stderr.contains(
            "r.csv:2:6: `\\u{1b}[2J\\u{202e}1` is not a number\n  |\n2 | 1955,\\u{1b}[2J\\u{202e}1\n  |      ^"
        ),
        "{}",
        ran.stderr
    );
    let ran = check_reference(span, b"date,score\n1955,1\t\x00\n");
    assert!(
        ran.stderr.contains("`1\\t\\0` is not a number"),
        "{}",
        ran.stderr
    );
    assert!(
        !ran.stderr.contains(['\0', '\u{1b}', '\u{202e}', '\t']),
        "{:?}",
        ran.stderr
    );
}

/// A params file is bounded before any work: at most 1,000 parameters, each declared
/// once, a group's name short and free of characters that act on a terminal; a long
/// allowed name runs past its column instead of stopping the report.
#[test]
fn a_params_file_is_bounded_before_the_work() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    Text::small().write(dir.path(), "small.ron");
    let refused = |params: String, expected: &str| {
        std::fs::write(dir.path().join("p.ron"), params).expect("write");
        let ran = diplosim(
            dir.path(),
            &[
                "sensitivity",
                "small.ron",
                "--params",
                "p.ron",
                "--runs",
                "1",
                "--paths",
                "1",
            ],
        );
        assert_eq!(ran.code, Some(2), "{}", ran.stderr);
        assert!(
            ran.stderr.contains(expected),
            "expected {expected:?} in\n{}",
            &ran.stderr[..ran.stderr.len().min(3000)]
        );
        assert!(ran.stderr.len() < 3000, "{} bytes", ran.stderr.len());
    };
    let many = vec!["Values(from: 0.5, to: 1.5)"; 1001].join(", ");
    refused(
        format!("Params(params: [{many}])"),
        "1001 parameters; a params file declares at most 1000",
    );
    refused(
        "Params(params: [Base(from: -1.0, to: 1.0), Affinity(from: 1.0, to: 3.0), Base(from: -2.0, to: 0.0)])".into(),
        "base: declared twice (params[0] and params[2])",
    );
    let long = "n".repeat(65_000);
    refused(
        format!("Params(params: [GroupValues(name: \"{long}\", from: 0.5, to: 1.5)])"),
        "the group's name has 65000 characters; it may have at most 200",
    );
    refused(
        "Params(params: [GroupValues(name: \"red \\u{1b}[31m\", from: 0.5, to: 1.5)])".into(),
        "the group's name holds the character '\\u{1b}'",
    );
    refused(
        "Params(params: [GroupValues(name: \"a\\u{202e}b\", from: 0.5, to: 1.5)])".into(),
        "the group's name holds the character '\\u{202e}'",
    );
    let name = "m".repeat(200);
    std::fs::write(
        dir.path().join("p.ron"),
        format!("Params(params: [GroupValues(name: \"{name}\", from: 0.5, to: 1.5)])"),
    )
    .expect("write");
    let ran = diplosim(
        dir.path(),
        &[
            "sensitivity",
            "small.ron",
            "--params",
            "p.ron",
            "--runs",
            "1",
            "--paths",
            "1",
            "--out",
            "o",
        ],
    );
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    assert!(ran.stdout.contains(&name), "{}", ran.stdout);
}

/// Counts that would allocate past memory are refused with exit 2 before any work, not
/// left to abort the process; a calibration's or a sensitivity's runs are named as such.
#[test]
fn huge_starts_paths_and_runs_are_refused_before_the_work() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    Text::small().write(dir.path(), "small.ron");
    std::fs::write(
        dir.path().join("p.ron"),
        "Params(params: [Base(from: -1.0, to: 1.0)])",
    )
    .expect("write");
    std::fs::write(dir.path().join("r.csv"), "date,score\n1950,2\n1955,3\n").expect("write");
    let huge = "1000000000000";
    for (args, expected) in [
        (
            vec!["calibrate", "--budget", huge, "--starts", huge],
            "--starts 1000000000000: at most 100000 searches",
        ),
        (
            vec!["sensitivity", "--paths", huge],
            "--paths 1000000000000: at most 100000 paths",
        ),
        (
            vec!["sensitivity", "--runs", huge],
            "--runs 1000000000000: 1000000000000 runs x 132 numbers (the monthly scores of each run of an evaluation)",
        ),
        (
            vec!["calibrate", "--runs", huge],
            "= help: use at most 2033601 runs",
        ),
    ] {
        let mut all = vec![args[0], "small.ron", "--params", "p.ron", "--out", "o"];
        if args[0] == "calibrate" {
            all.extend(["--reference", "r.csv"]);
        }
        all.extend(&args[1..]);
        let ran = diplosim(dir.path(), &all);
        assert_eq!(ran.code, Some(2), "{all:?}: {}", ran.stderr);
        assert!(ran.stderr.contains(expected), "{all:?}: {}", ran.stderr);
        assert!(
            !ran.stderr.contains("calibration candidate"),
            "{}",
            ran.stderr
        );
        assert!(!dir.path().join("o").exists());
    }
}

/// A change that would do nothing or names what an earlier change took away says so:
/// a leader replaced by themselves, an event removed twice (or changed after its removal).
#[test]
fn a_leader_replaced_by_themselves_and_an_event_removed_twice_are_named_as_such() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    Text::small().write(dir.path(), "base.ron");
    counterfactual(
        dir.path(),
        "self.ron",
        "ReplaceLeader(leader: \"ann\", by: \"ann\", from: \"1952-01-01\")",
    );
    counterfactual(
        dir.path(),
        "twice.ron",
        "Remove(\"treaty\"), Remove(\"treaty\")",
    );
    counterfactual(
        dir.path(),
        "after.ron",
        "Remove(\"treaty\"), Scale(event: \"treaty\", by: 2.0)",
    );
    for (file, expected) in [
        (
            "self.ron",
            "\"ann\" is replaced by themselves: nothing would change",
        ),
        (
            "twice.ron",
            "event \"treaty\" is already removed by an earlier change",
        ),
        (
            "after.ron",
            "event \"treaty\" is already removed by an earlier change",
        ),
    ] {
        let ran = diplosim(dir.path(), &["check", file]);
        assert_eq!(ran.code, Some(2), "{file}: {}", ran.stderr);
        assert!(ran.stderr.contains(expected), "{file}: {}", ran.stderr);
        assert!(
            !ran.stderr.contains("no such event"),
            "{file}: {}",
            ran.stderr
        );
    }
}
