//! Arguments and standard output that once made the program panic or abort: each is now
//! a message and an exit status (2 for a mistake in the arguments, 1 for output that
//! cannot be written).

use std::process::{Command, Stdio};

use crate::common::{diplosim, fixture, listing, refused};

fn small() -> String {
    fixture("small.ron")
        .to_str()
        .expect("a UTF-8 path")
        .to_string()
}

fn refused_2(ran: &crate::common::Ran, expected: &str) {
    refused(ran, 2, expected);
}

#[test]
fn every_command_refuses_a_bad_seed_or_number_of_runs_with_one_message() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let small = small();
    let cf = fixture("counterfactuals/no_incident.ron");
    let cf = cf.to_str().expect("a UTF-8 path");
    let params = fixture("sino_soviet_params.ron");
    let params = params.to_str().expect("a UTF-8 path");
    // Every command that takes --seed, with what else it needs; those that take --runs too
    // are marked, and get a good number of runs beside a bad seed.
    let commands: [(Vec<&str>, bool); 9] = [
        (vec!["run", &small], false),
        (vec!["ensemble", &small], true),
        (vec!["compare", &small, cf], true),
        (vec!["explain", &small, "--at", "1955-01-01"], false),
        (vec!["rank", &small], true),
        (vec!["calibrate", &small, "--params", params], true),
        (vec!["sensitivity", &small, "--params", params], true),
        (vec!["fit", &small, cf], true),
        (vec!["handout", &small, cf], true),
    ];
    let seed = |typed: &str| {
        format!(
            "error: invalid value '{typed}' for '--seed <SEED>': a seed is a whole number from 0 to 18446744073709551615, e.g. --seed 42\n"
        )
    };
    for (command, takes_runs) in &commands {
        for typed in ["-1", "x"] {
            let mut args = command.clone();
            args.extend(["--seed", typed]);
            if *takes_runs {
                args.extend(["--runs", "2"]);
            }
            let ran = diplosim(dir.path(), &args);
            refused_2(&ran, &seed(typed));
            assert!(
                ran.stderr.starts_with("error: "),
                "{args:?}: {}",
                ran.stderr
            );
        }
        if *takes_runs {
            let mut args = command.clone();
            args.extend(["--runs", "0"]);
            let ran = diplosim(dir.path(), &args);
            refused_2(
                &ran,
                "error: invalid value '0' for '--runs <RUNS>': a number of runs is a whole number from 1 to 18446744073709551615, e.g. --runs 1000\n",
            );
        }
    }
    assert!(listing(dir.path()).is_empty());
}

#[test]
fn runs_past_the_memory_budget_are_refused_before_any_run() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let small = small();
    let cf = fixture("counterfactuals/no_incident.ron");
    let cf = cf.to_str().expect("a UTF-8 path");
    // 132 months: 2^28 scores hold 2,033,601 runs of them, or half as many paired.
    for (args, expected) in [
        (
            vec!["ensemble", &small, "--runs", "18446744073709551615"],
            "error: 18446744073709551615 runs x 132 months is 2434970217729660813180 scores to keep in memory, more than the 268435456 (2 GiB) an experiment may hold\n  = help: use fewer runs: at most 2033601 for this scenario's span",
        ),
        (
            vec!["ensemble", &small, "--runs", "1099511627776"],
            "error: 1099511627776 runs x 132 months is 145135534866432 scores",
        ),
        (
            vec!["rank", &small, "--runs", "2033602"],
            "error: 2033602 runs x 132 months is 268435464 scores",
        ),
        (
            vec!["compare", &small, cf, "--runs", "1016801"],
            "error: 1016801 runs x 132 months x 2 curves is 268435464 scores to keep in memory, more than the 268435456 (2 GiB) an experiment may hold\n  = help: use fewer runs: at most 1016800 for this scenario's span",
        ),
    ] {
        refused_2(&diplosim(dir.path(), &args), expected);
    }
    let ran = diplosim(dir.path(), &["ensemble", &small, "--runs", "-5"]);
    refused_2(
        &ran,
        "error: invalid value '-5' for '--runs <RUNS>': a number of runs is a whole number from 1",
    );
    assert!(listing(dir.path()).is_empty());
}

#[cfg(unix)]
#[test]
fn an_argument_that_is_not_utf8_is_a_path_like_any_other() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().expect("a temporary folder");
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.ron");
    let out = Command::new(env!("CARGO_BIN_EXE_diplosim"))
        .arg("check")
        .arg(name)
        .current_dir(dir.path())
        .output()
        .expect("start diplosim");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("error: caf\u{fffd}.ron: there is no such file"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
    // And one that exists runs, into an output folder of that name.
    std::fs::copy(fixture("small.ron"), dir.path().join(name)).expect("copy");
    let out = Command::new(env!("CARGO_BIN_EXE_diplosim"))
        .arg("run")
        .arg(name)
        .arg("--out")
        .arg(std::ffi::OsStr::from_bytes(b"out\xff"))
        .current_dir(dir.path())
        .output()
        .expect("start diplosim");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let folder = dir.path().join(std::ffi::OsStr::from_bytes(b"out\xff"));
    assert!(folder.join("manifest.json").is_file());
}

#[test]
fn a_full_standard_output_is_an_error_not_a_panic() {
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        return;
    };
    let dir = tempfile::tempdir().expect("a temporary folder");
    let out = Command::new(env!("CARGO_BIN_EXE_diplosim"))
        .args(["check", &small()])
        .current_dir(dir.path())
        .stdout(full)
        .output()
        .expect("start diplosim");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_eq!(
        err,
        "error: cannot write to standard output: the disk is full\n"
    );
}

/// Runs `diplosim ARGS` in `cwd` with standard output a pipe whose reader is gone before
/// the program writes, as in `diplosim check F | true`: its exit code and standard error.
fn with_closed_stdout(cwd: &std::path::Path, args: &[&str]) -> (Option<i32>, String) {
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    let out = Command::new(env!("CARGO_BIN_EXE_diplosim"))
        .args(args)
        .current_dir(cwd)
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .expect("start diplosim");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_closed_standard_output_ends_quietly_with_the_commands_status() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let (code, err) = with_closed_stdout(dir.path(), &["check", &small()]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(err, "");
    // A failed check keeps its own status, 2, and still says why on standard error.
    std::fs::write(dir.path().join("broken.ron"), "Scenario(").expect("write");
    let (code, err) = with_closed_stdout(dir.path(), &["check", &small(), "broken.ron"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("broken.ron"), "{err}");
    assert!(!err.contains("standard output"), "{err}");
}
