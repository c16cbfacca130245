//! Sweeps split across machines: `--shard I/N` then `merge` gives the bytes one machine
//! writes, and the merge refuses shards that do not belong together.

use std::path::Path;

use crate::common::{diplosim, fixture, listing};

fn ok(ran: &crate::common::Ran) -> &str {
    assert_eq!(ran.code, Some(0), "stderr: {}", ran.stderr);
    &ran.stdout
}

/// Every file in `a` equals the file of the same name in `b`, byte for byte; `b` has
/// only the shard files besides.
pub(crate) fn same_files(a: &Path, b: &Path) {
    let names = listing(a);
    assert!(names.contains(&"manifest.json".to_string()), "{names:?}");
    for name in &names {
        let (x, y) = (
            std::fs::read(a.join(name)).unwrap(),
            std::fs::read(b.join(name)).unwrap(),
        );
        assert!(
            x == y,
            "{name} differs between one machine and the merged shards"
        );
    }
    let extra: Vec<String> = listing(b)
        .into_iter()
        .filter(|n| !names.contains(n))
        .collect();
    assert!(extra.iter().all(|n| n.contains("-shard-")), "{extra:?}");
}

/// Runs `args` once in one folder, and as `count` shards plus a merge in another (the
/// same relative paths, so the command lines are the same), then compares the files.
fn sharded_equals_single(args: &[&str], count: u64) {
    let one = tempfile::tempdir().unwrap();
    let many = tempfile::tempdir().unwrap();
    ok(&diplosim(one.path(), args));
    for i in 1..=count {
        let spec = format!("{i}/{count}");
        let mut a = args.to_vec();
        a.extend(["--shard", &spec]);
        let text = ok(&diplosim(many.path(), &a)).to_string();
        assert!(
            text.starts_with(&format!("shard {i} of {count} of ")),
            "{text}"
        );
    }
    ok(&diplosim(many.path(), &["merge", "out"]));
    same_files(&one.path().join("out"), &many.path().join("out"));
}

#[test]
fn a_merged_ensemble_is_the_single_machine_ensemble() {
    let small = fixture("small.ron");
    sharded_equals_single(
        &[
            "ensemble",
            small.to_str().unwrap(),
            "--runs",
            "23",
            "--seed",
            "5",
            "--out",
            "out",
        ],
        4,
    );
}

#[test]
fn a_merged_comparison_is_the_single_machine_comparison() {
    let small = fixture("small.ron");
    let cf = fixture("counterfactuals/no_incident.ron");
    sharded_equals_single(
        &[
            "compare",
            small.to_str().unwrap(),
            cf.to_str().unwrap(),
            "--runs",
            "17",
            "--out",
            "out",
        ],
        3,
    );
}

#[test]
fn a_merged_ranking_is_the_single_machine_ranking() {
    let small = fixture("small.ron");
    sharded_equals_single(
        &[
            "rank",
            small.to_str().unwrap(),
            "--runs",
            "11",
            "--out",
            "out",
        ],
        2,
    );
}

#[test]
fn more_shards_than_runs_still_merge() {
    let small = fixture("small.ron");
    sharded_equals_single(
        &[
            "ensemble",
            small.to_str().unwrap(),
            "--runs",
            "2",
            "--out",
            "out",
        ],
        3,
    );
}

#[test]
fn merge_refuses_missing_duplicate_and_mismatched_shards() {
    let small = fixture("small.ron");
    let s = small.to_str().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for (i, out) in [(1, "a"), (3, "a"), (1, "b")] {
        ok(&diplosim(
            d,
            &[
                "ensemble",
                s,
                "--runs",
                "9",
                "--out",
                "a",
                "--shard",
                &format!("{i}/3"),
            ],
        ));
        if out == "b" {
            std::fs::create_dir_all(d.join("b")).unwrap();
            std::fs::copy(
                d.join("a/ensemble-shard-1-of-3.bin"),
                d.join("b/ensemble-shard-1-of-3.bin"),
            )
            .unwrap();
        }
    }
    let refused = |args: &[&str], expected: &str| {
        let ran = diplosim(d, args);
        assert_eq!(ran.code, Some(2), "{args:?}: {}", ran.stderr);
        assert!(
            ran.stderr.contains(expected),
            "{args:?}: expected {expected:?} in\n{}",
            ran.stderr
        );
    };
    refused(&["merge", "a"], "shard 2 of 3 is missing: run --shard 2/3");
    refused(
        &["merge", "a", "b"],
        "shard 1 of 3 is given twice: a/ensemble-shard-1-of-3.bin and b/ensemble-shard-1-of-3.bin",
    );
    // Shard 2 of another experiment (other seeds) does not fill the gap.
    ok(&diplosim(
        d,
        &[
            "ensemble", s, "--runs", "9", "--seed", "2", "--out", "c", "--shard", "2/3",
        ],
    ));
    refused(
        &["merge", "a", "c"],
        "come from different experiments: their command lines differ",
    );
    refused(&["merge", "d"], "cannot read");
    std::fs::create_dir_all(d.join("e")).unwrap();
    refused(&["merge", "e"], "no shard files (*-shard-I-of-N.bin) in e");
    // A cut file is refused, not half-read.
    std::fs::create_dir_all(d.join("f")).unwrap();
    let bytes = std::fs::read(d.join("a/ensemble-shard-1-of-3.bin")).unwrap();
    std::fs::write(
        d.join("f/ensemble-shard-1-of-3.bin"),
        &bytes[..bytes.len() - 3],
    )
    .unwrap();
    refused(&["merge", "f"], "the file is cut short or damaged");
    // Nothing but the shards was written by the refused merges.
    assert_eq!(
        listing(&d.join("a")),
        ["ensemble-shard-1-of-3.bin", "ensemble-shard-3-of-3.bin"]
    );
}

#[test]
fn merge_refuses_shards_whose_scenario_changed() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::copy(fixture("small.ron"), d.join("s.ron")).unwrap();
    ok(&diplosim(
        d,
        &[
            "ensemble", "s.ron", "--runs", "4", "--out", "a", "--shard", "1/1",
        ],
    ));
    let text = std::fs::read_to_string(d.join("s.ron")).unwrap();
    std::fs::write(
        d.join("s.ron"),
        text.replace("affinity: 2.0", "affinity: 2.5"),
    )
    .unwrap();
    let ran = diplosim(d, &["merge", "a"]);
    assert_eq!(ran.code, Some(2));
    assert!(
        ran.stderr
            .contains("s.ron changed since the shards were made"),
        "{}",
        ran.stderr
    );
    assert_eq!(listing(&d.join("a")), ["ensemble-shard-1-of-1.bin"]);
}

#[test]
fn a_bad_shard_argument_is_explained() {
    let dir = tempfile::tempdir().unwrap();
    let small = fixture("small.ron");
    let ran = diplosim(
        dir.path(),
        &[
            "ensemble",
            small.to_str().unwrap(),
            "--runs",
            "4",
            "--shard",
            "4/3",
        ],
    );
    assert_eq!(ran.code, Some(2));
    assert!(
        ran.stderr
            .contains("`4/3` is not a shard: write I/N with 1 <= I <= N"),
        "{}",
        ran.stderr
    );
}

/// A yearly reference for the small fixture, written to its own folder so that both
/// sides of a comparison name the same file.
fn small_reference(dir: &Path) -> String {
    let path = dir.join("ref.csv");
    let scores = [2.4, 2.7, 7.7, 8.1, 7.9, 7.8, 5.6, 4.9, 5.1, 5.1, 5.0];
    let mut text = String::from("date,score\n");
    for (i, s) in scores.iter().enumerate() {
        text.push_str(&format!("{},{s}\n", 1950 + i));
    }
    std::fs::write(&path, text).unwrap();
    std::fs::write(
        dir.join("params.ron"),
        "Params(params: [Base(from: -2.0, to: 2.0), EventValue(event: \"treaty\", from: 0.5, to: 2.5)])\n",
    )
    .unwrap();
    path.to_str().unwrap().to_string()
}

/// `command` on the small fixture with a reference and params, then `extra`, is the same
/// on one machine and as `count` shards.
fn research_sharded_equals_single(command: &str, extra: &[&str], count: u64) {
    let small = fixture("small.ron");
    let inputs = tempfile::tempdir().unwrap();
    let reference = small_reference(inputs.path());
    let params = inputs.path().join("params.ron");
    let mut args = vec![
        command,
        small.to_str().unwrap(),
        "--reference",
        &reference,
        "--params",
        params.to_str().unwrap(),
        "--out",
        "out",
    ];
    args.extend(extra);
    sharded_equals_single(&args, count);
}

#[test]
fn a_merged_calibration_is_the_single_machine_calibration() {
    research_sharded_equals_single(
        "calibrate",
        &["--runs", "5", "--budget", "30", "--starts", "5"],
        3,
    );
}

#[test]
fn a_merged_sensitivity_is_the_single_machine_sensitivity() {
    research_sharded_equals_single("sensitivity", &["--runs", "4", "--paths", "3"], 4);
}

#[test]
fn a_merged_ensemble_of_three_pairs_with_its_runs_is_the_single_machine_ensemble() {
    let three = fixture("three_states.ron");
    sharded_equals_single(
        &[
            "ensemble",
            three.to_str().unwrap(),
            "--runs",
            "7",
            "--per-run",
            "--out",
            "out",
        ],
        3,
    );
    let cf = fixture("counterfactuals/no_incident.ron");
    let small = fixture("small.ron");
    sharded_equals_single(
        &[
            "compare",
            small.to_str().unwrap(),
            cf.to_str().unwrap(),
            "--runs",
            "5",
            "--per-run",
            "--out",
            "out",
        ],
        2,
    );
}

#[test]
fn merge_refuses_shards_made_for_other_pairs() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let three = fixture("three_states.ron");
    ok(&diplosim(
        d,
        &[
            "ensemble",
            three.to_str().unwrap(),
            "--runs",
            "2",
            "--out",
            "a",
            "--shard",
            "1/1",
        ],
    ));
    let path = d.join("a/ensemble-shard-1-of-1.bin");
    let bytes = std::fs::read(&path).unwrap();
    let header = String::from_utf8_lossy(&bytes[..bytes.iter().position(|&b| b == b'\n').unwrap()])
        .into_owned();
    assert!(
        header.contains(r#""pairs":["china/soviet_union","china/us","soviet_union/us"]"#),
        "{header}"
    );
    // The same file, its header claiming the pairs in another order.
    let changed = header.replace(
        r#""pairs":["china/soviet_union","china/us","soviet_union/us"]"#,
        r#""pairs":["china/us","china/soviet_union","soviet_union/us"]"#,
    );
    let mut out = changed.into_bytes();
    out.extend_from_slice(&bytes[header.len()..]);
    std::fs::write(&path, out).unwrap();
    let ran = diplosim(d, &["merge", "a"]);
    assert_eq!(ran.code, Some(2), "{}", ran.stderr);
    assert!(
        ran.stderr.contains("the shards were made for the pairs china/us, china/soviet_union, soviet_union/us, and the scenario models china/soviet_union, china/us, soviet_union/us"),
        "{}",
        ran.stderr
    );
    assert_eq!(listing(&d.join("a")), ["ensemble-shard-1-of-1.bin"]);
}

/// A shard file split into its header (as JSON) and its numbers.
fn split_shard(path: &Path) -> (serde_json::Value, Vec<f64>) {
    let bytes = std::fs::read(path).unwrap();
    let nl = bytes.iter().position(|&b| b == b'\n').unwrap();
    let header = serde_json::from_slice(&bytes[..nl]).unwrap();
    let data = bytes[nl + 1..]
        .chunks_exact(8)
        .map(|c| f64::from_le_bytes(c.try_into().unwrap()))
        .collect();
    (header, data)
}

/// Writes a shard file to `dir` (created), its checksum made anew unless `keep_sum`.
fn write_shard(
    dir: &Path,
    name: &str,
    mut header: serde_json::Value,
    data: &[f64],
    keep_sum: bool,
) {
    let bytes: Vec<u8> = data.iter().flat_map(|x| x.to_le_bytes()).collect();
    if !keep_sum {
        header["data_sha256"] = diplosim::output::sha256(&bytes).into();
    }
    let mut out = serde_json::to_vec(&header).unwrap();
    out.push(b'\n');
    out.extend_from_slice(&bytes);
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join(name), out).unwrap();
}

/// The merge trusts nothing inside a shard file: a changed number, a header that claims
/// other runs, seeds or shards than its data, a number that is not finite, a count of
/// shards past the limit, and a FIFO in place of a file are all refused, exit 2, with
/// nothing written.
#[test]
fn merge_refuses_changed_numbers_false_headers_and_pipes() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::copy(fixture("small.ron"), d.join("s.ron")).unwrap();
    ok(&diplosim(
        d,
        &[
            "ensemble", "s.ron", "--runs", "4", "--out", "a", "--shard", "1/1",
        ],
    ));
    let name = "ensemble-shard-1-of-1.bin";
    let (header, data) = split_shard(&d.join("a").join(name));
    let refused = |folder: &str, expected: &str| {
        let ran = diplosim(d, &["merge", folder]);
        assert_eq!(ran.code, Some(2), "{folder}: {}", ran.stderr);
        assert!(
            ran.stderr.contains(expected),
            "{folder}: expected {expected:?} in\n{}",
            ran.stderr
        );
        assert_eq!(listing(&d.join(folder)), [name], "{folder}");
    };
    // One number edited, the checksum left as it was.
    let mut edited = data.clone();
    edited[5] += 0.5;
    write_shard(&d.join("b"), name, header.clone(), &edited, true);
    refused("b", "its numbers do not match their checksum (SHA-256)");
    // A header that claims 1,000 runs over 4 runs of data.
    let mut h = header.clone();
    h["runs"] = 1000.into();
    write_shard(&d.join("c"), name, h, &data, false);
    refused("c", "its runs are not those of its shard number");
    let mut h = header.clone();
    h["runs"] = 1000.into();
    h["to"] = 1000.into();
    write_shard(&d.join("c2"), name, h, &data, false);
    refused("c2", "the file is cut short or damaged");
    // Another first seed, consistent within the header but not with its command line.
    let mut h = header.clone();
    h["seed"] = 7.into();
    h["seeds_covered"] = serde_json::json!([7, 10]);
    write_shard(&d.join("e"), name, h, &data, false);
    refused("e", "the shards' headers say the first seed 7");
    // A NaN, with a checksum made to match.
    let mut nan = data.clone();
    nan[3] = f64::NAN;
    write_shard(&d.join("f"), name, header.clone(), &nan, false);
    refused("f", "number 4 of its data is not a finite number");
    // Rows of no numbers over many runs, which would allocate without reading a byte.
    let mut h = header.clone();
    h["width"] = 0.into();
    h["runs"] = 1_000_000_000_000u64.into();
    h["to"] = 1_000_000_000_000u64.into();
    write_shard(&d.join("g"), name, h, &[], false);
    refused("g", "its header gives rows of no numbers");
    // Ten million shards: refused, not listed.
    let mut h = header.clone();
    h["of"] = 10_000_000.into();
    h["to"] = 0.into();
    h["seeds_covered"] = serde_json::Value::Null;
    write_shard(&d.join("h"), name, h, &[], false);
    refused("h", "a shard is I of N with 1 <= I <= N <= 100000");
    // The most shards: the missing ones are counted, not all listed.
    let mut h = header.clone();
    h["of"] = 100_000.into();
    h["to"] = 0.into();
    h["seeds_covered"] = serde_json::Value::Null;
    write_shard(&d.join("i"), name, h, &[], false);
    let ran = diplosim(d, &["merge", "i"]);
    assert_eq!(ran.code, Some(2), "{}", ran.stderr);
    assert!(
        ran.stderr
            .contains("shards 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 and 99989 more of 100000 are missing"),
        "{}",
        &ran.stderr[..ran.stderr.len().min(2000)]
    );
    assert!(ran.stderr.len() < 2000, "{} bytes", ran.stderr.len());
    let ran = diplosim(
        d,
        &["ensemble", "s.ron", "--runs", "4", "--shard", "1/10000000"],
    );
    assert_eq!(ran.code, Some(2));
    assert!(ran.stderr.contains("at most 100000"), "{}", ran.stderr);
    // A FIFO named like a shard: refused without opening it.
    #[cfg(unix)]
    {
        std::fs::create_dir_all(d.join("j")).unwrap();
        assert!(
            std::process::Command::new("mkfifo")
                .arg(d.join("j").join(name))
                .status()
                .unwrap()
                .success()
        );
        refused("j", "this is a named pipe (FIFO), not a file");
    }
    // The untouched shard still merges.
    ok(&diplosim(d, &["merge", "a"]));
}

/// A shard records its command line as text: one with a name that is not UTF-8 is
/// refused before the work, since merge would replay it with the name changed and write
/// to another folder.
#[cfg(unix)]
#[test]
fn a_shard_with_a_name_that_is_not_utf8_is_refused() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let out = std::ffi::OsStr::from_bytes(b"out-\xff");
    let ran = std::process::Command::new(env!("CARGO_BIN_EXE_diplosim"))
        .arg("ensemble")
        .arg(fixture("small.ron"))
        .args(["--runs", "4", "--shard", "1/2", "--out"])
        .arg(out)
        .current_dir(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&ran.stderr);
    assert_eq!(ran.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("this argument is not UTF-8 text"),
        "{stderr}"
    );
    assert_eq!(listing(dir.path()), Vec::<String>::new());
}

/// A shard made with other settings and relabelled, its checksum made anew, passes every
/// check of the file; the merge makes the first run of each shard again and refuses it.
#[test]
fn merge_makes_a_run_of_each_shard_again_and_refuses_a_relabelled_one() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::copy(fixture("small.ron"), d.join("s.ron")).unwrap();
    for (seed, out) in [("1", "a"), ("2", "b")] {
        ok(&diplosim(
            d,
            &[
                "ensemble", "s.ron", "--runs", "6", "--seed", seed, "--out", out, "--shard", "2/2",
            ],
        ));
        ok(&diplosim(
            d,
            &[
                "ensemble", "s.ron", "--runs", "6", "--seed", seed, "--out", out, "--shard", "1/2",
            ],
        ));
    }
    // Shard 2 of seed 1's experiment, with the numbers of seed 2's.
    let name = "ensemble-shard-2-of-2.bin";
    let (header, _) = split_shard(&d.join("a").join(name));
    let (_, other) = split_shard(&d.join("b").join(name));
    write_shard(&d.join("a"), name, header, &other, false);
    let ran = diplosim(d, &["merge", "a"]);
    assert_eq!(ran.code, Some(2), "{}", ran.stderr);
    assert!(
        ran.stderr
            .contains("shard 2 of 2: its run of seed 4, made again, is not the run it holds"),
        "{}",
        ran.stderr
    );
    assert_eq!(
        listing(&d.join("a")),
        ["ensemble-shard-1-of-2.bin", "ensemble-shard-2-of-2.bin"]
    );
    ok(&diplosim(d, &["merge", "b"]));
}
