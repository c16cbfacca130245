//! The command line on the error path: a broken file or bad arguments give exit status 2,
//! a located message on stderr, nothing on stdout, and no output folder or file.

use std::path::Path;

use crate::common::{Text, diplosim, fixture, listing};

/// Asserts a user's mistake: status 2, nothing on stdout, and `expected` on stderr.
fn refused(ran: &crate::common::Ran, expected: &str) {
    crate::common::refused(ran, 2, expected);
}

#[test]
fn check_reports_a_syntax_error_with_its_place_and_caret() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let t = Text::small().replace("chance: 0.9", "chanse: 0.9");
    t.write(dir.path(), "broken.ron");
    let (line, col) = t.pos("chanse");
    let ran = diplosim(dir.path(), &["check", "broken.ron"]);
    refused(
        &ran,
        &format!("error: broken.ron:{line}:{col}: unknown field `chanse` in `Event`\n"),
    );
    let n = line.to_string();
    assert!(
        ran.stderr.contains(&format!(
            "{n} |          chanse: 0.9,\n{} |          ^\n",
            " ".repeat(n.len())
        )),
        "{}",
        ran.stderr
    );
    assert!(ran.stderr.contains("= help: did you mean `chance`?"));
}

#[test]
fn check_reports_a_broken_rule_with_the_event_and_date() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let t = Text::small().replace("chance: 0.9", "chance: 1.5");
    t.write(dir.path(), "broken.ron");
    let (line, col) = t.pos("1.5");
    let ran = diplosim(dir.path(), &["check", "broken.ron"]);
    refused(
        &ran,
        &format!(
            "broken.ron:{line}:{col}: event \"incident\" (1957-01-01): chance is 1.5; a probability lies in [0, 1]"
        ),
    );
    assert!(
        ran.stderr
            .starts_with("error: broken.ron: 1 problem found\n")
    );
}

#[test]
fn check_names_every_broken_file() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    Text::small()
        .replace("chance: 0.9", "chanse: 0.9")
        .write(dir.path(), "a.ron");
    Text::small()
        .replace("chance: 0.9", "chance: 1.5")
        .write(dir.path(), "b.ron");
    let ran = diplosim(dir.path(), &["check", "a.ron", "b.ron", "missing.ron"]);
    refused(&ran, "a.ron:");
    assert!(ran.stderr.contains("b.ron: 1 problem found"));
    assert!(ran.stderr.contains("missing.ron: there is no such file"));
}

#[test]
fn a_failed_run_writes_nothing() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let t = Text::small().replace("value: 4.0", "value: NaN");
    t.write(dir.path(), "broken.ron");
    let (line, col) = t.pos("NaN");
    let ran = diplosim(dir.path(), &["run", "broken.ron", "--out", "out"]);
    refused(
        &ran,
        &format!(
            "broken.ron:{line}:{col}: event \"treaty\" (1951-03-01): a modifier's value is not a finite number (NaN)"
        ),
    );
    // Nor with the default output folder.
    let ran = diplosim(dir.path(), &["run", "broken.ron"]);
    refused(&ran, "a modifier's value is not a finite number");
    assert_eq!(listing(dir.path()), ["broken.ron"]);
}

#[test]
fn a_syntax_error_in_run_writes_nothing() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    Text::small()
        .cut_before("(id: \"apology\"")
        .write(dir.path(), "cut.ron");
    let ran = diplosim(dir.path(), &["run", "cut.ron", "--out", "out/deep"]);
    refused(&ran, "the file ends too early");
    assert_eq!(listing(dir.path()), ["cut.ron"]);
}

#[test]
fn files_that_are_not_scenarios() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let cases: [(&str, &[u8], &str); 4] = [
        (
            "chart.png",
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR",
            "chart.png: this is a PNG image, not a scenario file",
        ),
        ("empty.ron", b"", "empty.ron:1:1: the file is empty"),
        (
            "data.json",
            b"{\"name\": \"small\"}",
            "data.json:1:1: this is not a RON scenario: it starts with `{`",
        ),
        (
            "latin.ron",
            b"Scenario(\n  name: \"N\xF6rth\",\n)",
            "latin.ron:2:11: the file is not UTF-8 text: the byte 0xF6 here is not a character",
        ),
    ];
    for (name, bytes, expected) in cases {
        std::fs::write(dir.path().join(name), bytes).expect("write");
        refused(&diplosim(dir.path(), &["check", name]), expected);
        refused(
            &diplosim(dir.path(), &["run", name, "--out", "out"]),
            expected,
        );
    }
    assert!(!dir.path().join("out").exists());
}

#[test]
fn a_missing_file_and_a_folder() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    std::fs::write(dir.path().join("scenario.ron"), Text::small().0).expect("write");
    refused(
        &diplosim(dir.path(), &["run", "scenaro.ron"]),
        "error: scenaro.ron: there is no such file\n  = help: did you mean scenario.ron?",
    );
    refused(
        &diplosim(dir.path(), &["check", "."]),
        "error: .: this is a folder, not a file\n  = help: name a scenario file inside it: scenario.ron",
    );
    assert_eq!(listing(dir.path()), ["scenario.ron"]);
}

#[test]
fn a_seed_that_is_not_a_number() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let small = fixture("small.ron");
    let small = small.to_str().expect("a UTF-8 path");
    for seed in ["-1", "abc", "1.5", "99999999999999999999999"] {
        let ran = diplosim(dir.path(), &["run", small, "--seed", seed, "--out", "out"]);
        refused(
            &ran,
            &format!(
                "invalid value '{seed}' for '--seed <SEED>': a seed is a whole number from 0 to 18446744073709551615, e.g. --seed 42"
            ),
        );
    }
    assert!(listing(dir.path()).is_empty());
}

#[test]
fn an_output_folder_that_is_a_file() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let small = fixture("small.ron");
    let small = small.to_str().expect("a UTF-8 path");
    std::fs::write(dir.path().join("taken"), "keep me").expect("write");
    for out in ["taken", "taken/below"] {
        let ran = diplosim(dir.path(), &["run", small, "--out", out]);
        refused(
            &ran,
            &format!(
                "error: --out {out}: taken is a file, not a folder\n  = help: name a folder for the output files (it is created if missing)"
            ),
        );
    }
    assert_eq!(listing(dir.path()), ["taken"]);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("taken")).expect("read"),
        "keep me"
    );
}

#[cfg(target_os = "linux")]
#[test]
fn an_output_folder_that_cannot_be_made() {
    // Even root cannot make folders in /proc.
    let dir = tempfile::tempdir().expect("a temporary folder");
    let small = fixture("small.ron");
    let small = small.to_str().expect("a UTF-8 path");
    let ran = diplosim(
        dir.path(),
        &["run", small, "--out", "/proc/diplosim-test/out"],
    );
    assert_eq!(ran.code, Some(1), "{}", ran.stderr);
    assert_eq!(ran.stdout, "");
    assert!(
        ran.stderr
            .starts_with("error: cannot write /proc/diplosim-test/out: "),
        "{}",
        ran.stderr
    );
    assert!(!Path::new("/proc/diplosim-test").exists());
}

#[test]
fn a_file_with_a_byte_order_mark_and_windows_line_endings_runs() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(Text::small().0.replace('\n', "\r\n").bytes());
    std::fs::write(dir.path().join("windows.ron"), &bytes).expect("write");
    let ran = diplosim(dir.path(), &["run", "windows.ron", "--out", "out"]);
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    // The manifest hashes the bytes on disk, mark and all.
    let manifest =
        std::fs::read_to_string(dir.path().join("out/manifest.json")).expect("a manifest");
    assert!(
        manifest.contains(&diplosim::output::sha256(&bytes)),
        "{manifest}"
    );
}

#[test]
fn check_of_several_files_lists_those_that_pass_and_fails_for_the_others() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    Text::small().write(dir.path(), "good.ron");
    Text::small()
        .replace("chance: 0.9", "chance: 1.5")
        .write(dir.path(), "bad.ron");
    let ran = diplosim(dir.path(), &["check", "bad.ron", "good.ron"]);
    assert_eq!(ran.code, Some(2), "stderr: {}", ran.stderr);
    assert!(ran.stdout.starts_with("good.ron: ok: "), "{}", ran.stdout);
    assert_eq!(ran.stdout.lines().count(), 1);
    assert!(ran.stderr.contains("bad.ron:"), "{}", ran.stderr);
    assert!(!ran.stderr.contains("good.ron"), "{}", ran.stderr);
}
