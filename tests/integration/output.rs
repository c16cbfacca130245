//! Output is all or nothing: every command checks `--out` before its work, a failed or
//! interrupted write leaves the previous set untouched, two commands writing the same
//! folder never splice, and no temporary name is followed through a symlink.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::common::{Text, diplosim, fixture, listing, refused};

/// Every file of a folder (not its subfolders), by name.
fn set(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    listing(dir)
        .into_iter()
        .filter(|n| dir.join(n).is_file())
        .map(|n| {
            let bytes = std::fs::read(dir.join(&n)).expect("read an output file");
            (n, bytes)
        })
        .collect()
}

fn small() -> String {
    fixture("small.ron")
        .to_str()
        .expect("a UTF-8 path")
        .to_string()
}

/// Runs `run --seed SEED --out OUT` in `cwd` and returns the set it wrote.
fn run_set(cwd: &Path, seed: &str, out: &str) -> BTreeMap<String, Vec<u8>> {
    let ran = diplosim(cwd, &["run", &small(), "--seed", seed, "--out", out]);
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    set(&cwd.join(out))
}

/// The sets of seeds 1 and 2, as written to `out` (the manifest records `--out out`).
fn references() -> (BTreeMap<String, Vec<u8>>, BTreeMap<String, Vec<u8>>) {
    let a = tempfile::tempdir().expect("a temporary folder");
    let b = tempfile::tempdir().expect("a temporary folder");
    (run_set(a.path(), "1", "out"), run_set(b.path(), "2", "out"))
}

/// Starts `run --seed SEED --out out` in `cwd`, its stderr piped.
fn start_run(cwd: &Path, seed: &str) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_diplosim"))
        .args(["run", &small(), "--seed", seed, "--out", "out"])
        .current_dir(cwd)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start diplosim")
}

/// A folder's files are exactly one of the two reference sets, whole.
fn one_of(dir: &Path, a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>) {
    let got = set(dir);
    assert!(
        &got == a || &got == b,
        "a mixed set in {}: {:?}",
        dir.display(),
        got.keys()
    );
}

#[test]
fn every_command_refuses_an_output_folder_that_is_a_file_before_its_work() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    std::fs::write(dir.path().join("taken"), "keep me").expect("write");
    // A scenario that runs away: had the work started, the message would say so.
    Text::small()
        .replace(
            "span: (\"1950-01-01\", \"1960-12-31\"),",
            "span: (\"1950-01-01\", \"1960-12-31\"),\n    max_events: 1,",
        )
        .write(dir.path(), "runaway.ron");
    let cf = fixture("counterfactuals/no_incident.ron");
    let cf = cf.to_str().expect("a UTF-8 path");
    for out in ["taken", "taken/below"] {
        let commands: [Vec<&str>; 4] = [
            vec!["run", "runaway.ron", "--out", out],
            vec!["ensemble", "runaway.ron", "--runs", "5", "--out", out],
            vec!["compare", "runaway.ron", cf, "--runs", "5", "--out", out],
            vec!["rank", "runaway.ron", "--runs", "5", "--out", out],
        ];
        for args in commands {
            let ran = diplosim(dir.path(), &args);
            refused(
                &ran,
                2,
                &format!("error: --out {out}: taken is a file, not a folder\n"),
            );
        }
    }
    assert_eq!(listing(dir.path()), ["runaway.ron", "taken"]);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("taken")).expect("read"),
        "keep me"
    );
    // The folder the command runs in would be replaced as a whole: refused too.
    let ran = diplosim(dir.path(), &["run", "runaway.ron", "--out", "."]);
    refused(&ran, 2, "--out .: this is the folder you are working in");
    assert_eq!(listing(dir.path()), ["runaway.ron", "taken"]);
}

#[test]
fn handout_refuses_a_bad_out_before_its_work() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    std::fs::write(dir.path().join("taken"), "keep me").expect("write");
    std::fs::create_dir(dir.path().join("folder")).expect("mkdir");
    // A scenario that runs away: had the work started, the message would say so.
    Text::small()
        .replace(
            "span: (\"1950-01-01\", \"1960-12-31\"),",
            "span: (\"1950-01-01\", \"1960-12-31\"),\n    max_events: 1,",
        )
        .write(dir.path(), "runaway.ron");
    for (out, expected) in [
        (
            "taken/h.html",
            "error: --out taken/h.html: taken is a file, not a folder\n  = help: name the file to write in a folder (it is created if missing), e.g. --out handout.html\n",
        ),
        (
            "taken/below/h.html",
            "error: --out taken/below/h.html: taken is a file, not a folder\n",
        ),
        (
            "folder",
            "error: --out folder: this is a folder; name the file to write, e.g. --out folder/small-handout.html\n",
        ),
    ] {
        let ran = diplosim(dir.path(), &["handout", "runaway.ron", "--out", out]);
        refused(&ran, 2, expected);
    }
    assert_eq!(listing(dir.path()), ["folder", "runaway.ron", "taken"]);
    assert!(listing(&dir.path().join("folder")).is_empty());
    // The same command with a good --out does reach the run, which runs away.
    let ran = diplosim(dir.path(), &["handout", "runaway.ron", "--out", "h.html"]);
    refused(&ran, 2, "runs away");
    assert_eq!(listing(dir.path()), ["folder", "runaway.ron", "taken"]);
}

#[test]
fn paths_with_control_characters_are_shown_escaped() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    // A newline and an escape typed into folder names: shown quoted and escaped, never raw.
    let ran = diplosim(dir.path(), &["run", &small(), "--out", "out\nx"]);
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    assert!(ran.stdout.ends_with(" in \"out\\nx\"\n"), "{}", ran.stdout);
    assert!(dir.path().join("out\nx/manifest.json").is_file());
    std::fs::write(dir.path().join("ta\u{1b}ken"), "keep me").expect("write");
    let ran = diplosim(dir.path(), &["run", &small(), "--out", "ta\u{1b}ken/below"]);
    refused(
        &ran,
        2,
        "error: --out \"ta\\u{1b}ken/below\": \"ta\\u{1b}ken\" is a file, not a folder\n",
    );
    assert!(!ran.stderr.contains('\u{1b}'), "{}", ran.stderr);
}

#[test]
fn a_failed_write_leaves_the_previous_set_untouched() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let before = run_set(dir.path(), "1", "out");
    // A folder where the new set's chart goes: the write fails after the work.
    std::fs::remove_file(dir.path().join("out/chart.png")).expect("rm");
    std::fs::create_dir(dir.path().join("out/chart.png")).expect("mkdir");
    std::fs::write(dir.path().join("out/chart.png/mine.txt"), "mine").expect("write");
    let ran = diplosim(
        dir.path(),
        &["run", &small(), "--seed", "2", "--out", "out"],
    );
    refused(
        &ran,
        1,
        "error: cannot write out/chart.png: a folder is in the way of the file of that name; nothing was written",
    );
    let mut expected = before.clone();
    expected.remove("chart.png");
    assert_eq!(set(&dir.path().join("out")), expected);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("out/chart.png/mine.txt")).expect("read"),
        "mine"
    );
    assert_eq!(listing(dir.path()), ["out"]);
}

#[test]
fn another_commands_folders_and_the_users_files_survive_a_new_set() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let ran = diplosim(dir.path(), &["run", &small(), "--seed", "1"]);
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    let ran = diplosim(dir.path(), &["ensemble", &small(), "--runs", "3"]);
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    let out = dir.path().join("output/small");
    let ensemble = set(&out.join("ensemble"));
    std::fs::write(out.join("notes.txt"), "mine").expect("write");
    let second = run_set(dir.path(), "2", "output/small");
    assert_eq!(set(&out.join("ensemble")), ensemble);
    assert_eq!(second["notes.txt"], b"mine");
    assert!(
        String::from_utf8_lossy(&second["manifest.json"]).contains("\"seed\": 2"),
        "the new set is in place"
    );
    assert_eq!(
        listing(&out),
        [
            "chart.png",
            "chart.svg",
            "chart.txt",
            "ensemble",
            "events.csv",
            "manifest.json",
            "notes.txt",
            "trajectory.csv"
        ]
    );
}

#[cfg(unix)]
#[test]
fn a_command_interrupted_while_writing_leaves_the_old_set_or_the_new_one() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let (one, two) = references();
    run_set(dir.path(), "1", "out");
    // Kill the command at many moments, some during the write: whatever is in `out` is
    // one whole set.
    for (k, ms) in (0..40u64).map(|i| i * 3).enumerate() {
        let seed = if k % 2 == 0 { "2" } else { "1" };
        let mut child = start_run(dir.path(), seed);
        std::thread::sleep(std::time::Duration::from_millis(ms));
        // Ctrl-C, as a teacher would press it.
        let _ = Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status();
        let _ = child.wait();
        one_of(&dir.path().join("out"), &one, &two);
    }
    // The next write removes what the killed ones left, and writes a whole set.
    run_set(dir.path(), "1", "out");
    assert_eq!(set(&dir.path().join("out")), one);
    assert_eq!(listing(dir.path()), ["out"]);
}

#[test]
fn two_commands_writing_one_folder_never_splice() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let (one, two) = references();
    for _ in 0..8 {
        let children: Vec<_> = ["1", "2"]
            .into_iter()
            .map(|seed| start_run(dir.path(), seed))
            .collect();
        for child in children {
            let out = child.wait_with_output().expect("wait");
            let err = String::from_utf8_lossy(&out.stderr);
            // Either it wrote its set, or it found the other writing and said so.
            assert!(
                out.status.code() == Some(0)
                    || (out.status.code() == Some(1)
                        && err.contains("another diplosim command is writing this folder now")),
                "exit {:?}: {err}",
                out.status.code()
            );
        }
        one_of(&dir.path().join("out"), &one, &two);
    }
}

#[test]
fn a_folder_being_written_is_refused_with_exit_1_and_left_alone() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let before = run_set(dir.path(), "1", "out");
    // A write leaves no lock file behind.
    assert_eq!(listing(dir.path()), ["out"]);
    let lock = std::fs::File::create_new(dir.path().join(".out.lock")).expect("the lock file");
    lock.try_lock()
        .expect("take the lock as another command would");
    let ran = diplosim(
        dir.path(),
        &["run", &small(), "--seed", "2", "--out", "out"],
    );
    refused(
        &ran,
        1,
        "error: cannot write out: another diplosim command is writing this folder now; nothing was written",
    );
    assert_eq!(set(&dir.path().join("out")), before);
    // The holder's lock file is left alone; once it is released, the next write works
    // and takes the lock file away again.
    assert_eq!(listing(dir.path()), [".out.lock", "out"]);
    drop(lock);
    run_set(dir.path(), "2", "out");
    assert_eq!(listing(dir.path()), ["out"]);
}

#[cfg(unix)]
#[test]
fn symlinks_planted_at_temporary_names_are_never_followed() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let victim = dir.path().join("victim");
    std::fs::create_dir(&victim).expect("mkdir");
    std::fs::write(victim.join("precious.txt"), "precious").expect("write");
    // The old scheme's temporary names, a staging-like name, and the lock's name.
    std::fs::create_dir(dir.path().join("out")).expect("mkdir");
    for name in [".chart.png.partial", ".manifest.json.partial"] {
        std::os::unix::fs::symlink(
            victim.join("precious.txt"),
            dir.path().join("out").join(name),
        )
        .expect("symlink");
    }
    std::os::unix::fs::symlink(&victim, dir.path().join(".out.diplosim-stage-aaaaaa"))
        .expect("symlink");
    let ran = diplosim(dir.path(), &["run", &small(), "--out", "out"]);
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    assert_eq!(listing(&victim), ["precious.txt"]);
    assert_eq!(
        std::fs::read_to_string(victim.join("precious.txt")).expect("read"),
        "precious"
    );
    std::os::unix::fs::symlink(victim.join("lock"), dir.path().join(".other.lock"))
        .expect("symlink");
    let ran = diplosim(dir.path(), &["run", &small(), "--out", "other"]);
    refused(
        &ran,
        1,
        "error: cannot write ./.other.lock: it is a symbolic link, and diplosim never follows a link at its lock's name; nothing was written",
    );
    assert_eq!(listing(&victim), ["precious.txt"]);
    assert!(!dir.path().join("other").exists());
}

/// A symbolic link that leads nowhere, as the output folder or the handout's file, is
/// refused before the work (exit 2), not found when writing after it.
#[cfg(unix)]
#[test]
fn a_link_to_nowhere_as_out_is_refused_before_the_work() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::os::unix::fs::symlink(d.join("missing"), d.join("dangling")).unwrap();
    std::os::unix::fs::symlink(d.join("loop-b"), d.join("loop-a")).unwrap();
    std::os::unix::fs::symlink(d.join("loop-a"), d.join("loop-b")).unwrap();
    let small = small();
    for out in ["dangling", "loop-a", "loop-a/inside"] {
        for command in [
            vec!["run", &small, "--out", out],
            vec!["handout", &small, "--runs", "1", "--out", out],
        ] {
            let ran = diplosim(d, &command);
            assert_eq!(ran.code, Some(2), "{command:?}: {}", ran.stderr);
            assert!(
                ran.stderr.contains("is a symbolic link that leads nowhere"),
                "{command:?}: {}",
                ran.stderr
            );
        }
    }
    assert!(!d.join("missing").exists());
}
