//! Composition: a scenario that includes another keeps the included pair's numbers, runs
//! its earlier events as a prelude, and locates every clash and missing or cyclic include.

use std::path::Path;

use diplosim::scenario::Scenario;

use crate::common::{diplosim, fixture_text, run};

/// The scale and axes of the small fixture, which a file including it must share.
const HEAD: &str = r#"
    scale: (bound: 9.0, bands: [
        (name: "confrontation", from: -9.0), (name: "tense", from: -6.0),
        (name: "bad", from: -3.0), (name: "ordinary", from: 0.0),
        (name: "good", from: 3.0), (name: "friendly", from: 6.0),
    ]),
    structure: (base: -1.0, affinity: 1.0),
    axes: ["left", "open"],
"#;

/// A file including `small.ron` (copied beside it), spanning 1953-1960, which turns the
/// small world's actor "east" into a third state; `extra` goes among its fields.
fn composite(include: &str, extra: &str) -> String {
    format!(
        r#"Scenario(
    name: "composite",
    title: "Three small states",
    include: [{include}],
    span: ("1953-01-01", "1960-12-31"),{HEAD}
    states: [(id: "east", name: "East", ruling: "grey")],
    parties: [(id: "grey", name: "Grey Party", state: "east", ideology: {{"left": -0.5}})],
    events: [
        (id: "east_pact", date: "1954-05-01", title: "East and North sign a pact", source: "test",
         effects: [Modifier(level: States("north", "east"), value: 2.0, fade: Years(5.0))]),
    ],{extra}
)
"#
    )
}

const INCLUDE: &str = r#"(file: "small.ron", as_states: ["east"])"#;

fn folder(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    std::fs::write(dir.path().join("small.ron"), fixture_text("small.ron")).expect("write");
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).expect("write");
    }
    dir
}

fn check(dir: &Path, file: &str) -> String {
    let ran = diplosim(dir, &["check", file]);
    assert!(!ran.stderr.contains("panicked"), "{}", ran.stderr);
    format!("{}{}", ran.stdout, ran.stderr)
}

#[test]
fn the_included_pair_keeps_its_numbers_from_the_span_on() {
    let dir = folder(&[("composite.ron", &composite(INCLUDE, ""))]);
    let alone = Scenario::load(&dir.path().join("small.ron")).expect("small loads");
    let composed = Scenario::load(&dir.path().join("composite.ron")).expect("composite loads");
    // The included states first, then the file's own; the included pair first.
    let keys: Vec<String> = (0..composed.pairs().len())
        .map(|p| composed.pair_key(p))
        .collect();
    assert_eq!(keys, ["north/south", "north/east", "south/east"]);
    assert_eq!(composed.span().0.to_string(), "1953-01-01");
    assert_eq!(composed.simulated().0.to_string(), "1950-01-01");
    for seed in [1, 2, 3] {
        let (a, b) = (run(&alone, seed), run(&composed, seed));
        let shown = |r: &diplosim::record::Run| -> Vec<(i32, String)> {
            r.monthly_of(0)
                .filter(|s| s.day >= composed.span().0.day())
                .map(|s| (s.day, format!("{:.12}", s.score)))
                .collect()
        };
        let b_rows = shown(&b);
        assert_eq!(b_rows.len(), 96, "eight years of months from 1953");
        assert_eq!(shown(&a), b_rows, "seed {seed}");
        // Nothing before the span is recorded: the 1951 treaty still counts, unseen.
        assert!(b.samples.iter().all(|s| s.day >= composed.span().0.day()));
        assert!(b.fired.iter().all(|f| f.day >= composed.span().0.day()));
        assert!(b_rows[0].1.parse::<f64>().expect("a number") > 2.0);
    }
}

#[test]
fn a_clashing_id_is_located_where_it_is_declared_again() {
    let text = composite(INCLUDE, "")
        .replace(
            r#"(id: "grey", name: "Grey Party""#,
            r#"(id: "red", name: "Grey Party""#,
        )
        .replace(r#"ruling: "grey""#, r#"ruling: "red""#);
    let dir = folder(&[("composite.ron", &text)]);
    let out = check(dir.path(), "composite.ron");
    assert!(
        out.contains(
            r#"composite.ron:15:20: party "red": duplicate id: "red" is already a party at "#
        ) && out.contains("small.ron:25:14"),
        "{out}"
    );
}

#[test]
fn an_included_actor_becomes_a_state_only_when_the_include_says_so() {
    let dir = folder(&[("composite.ron", &composite(r#"(file: "small.ron")"#, ""))]);
    let out = check(dir.path(), "composite.ron");
    assert!(
        out.contains(
            r#"composite.ron:14:19: state "east": duplicate id: "east" is already an actor at "#
        ) && out.contains("small.ron:37:19")
            && out.contains(r#"as_states: ["east"]"#),
        "{out}"
    );
    let dir = folder(&[(
        "composite.ron",
        &composite(r#"(file: "small.ron", as_states: ["west"])"#, ""),
    )]);
    let out = check(dir.path(), "composite.ron");
    assert!(
        out.contains(
            r#"composite.ron:4:46: include "small.ron": as_states[0]: "west" must be an actor of "#
        ),
        "{out}"
    );
}

#[test]
fn a_missing_included_file_is_located_at_its_include() {
    let dir = folder(&[(
        "composite.ron",
        &composite(r#"(file: "smal.ron", as_states: ["east"])"#, ""),
    )]);
    let out = check(dir.path(), "composite.ron");
    assert!(
        out.contains(r#"composite.ron:4:22: include "smal.ron": cannot include smal.ron: there is no such file"#)
            && out.contains("did you mean small.ron?"),
        "{out}"
    );
}

#[test]
fn an_include_cycle_is_refused() {
    let a = composite(r#"(file: "b.ron", as_states: ["east"])"#, "");
    let b = fixture_text("small.ron").replace(
        r#"title: "Two small states, 1950-1960","#,
        r#"title: "Two small states, 1950-1960", include: [(file: "a.ron")],"#,
    );
    let dir = folder(&[("a.ron", &a), ("b.ron", &b)]);
    let out = check(dir.path(), "a.ron");
    assert!(
        out.contains(
            r#"b.ron:5:60: include "a.ron": an include cycle: a.ron includes b.ron includes a.ron"#
        ),
        "{out}"
    );
}

#[test]
fn a_problem_of_an_included_entry_is_located_in_the_included_file() {
    // The composite ends in 1955: the small world's later events fall outside its span.
    let text = composite(INCLUDE, "").replace(
        r#"span: ("1953-01-01", "1960-12-31")"#,
        r#"span: ("1953-01-01", "1955-12-31")"#,
    );
    let dir = folder(&[("composite.ron", &text)]);
    let out = check(dir.path(), "composite.ron");
    assert!(
        out.contains(r#"small.ron:47:32: event "election" (1956-01-01): its date lies outside the scenario's span, 1950-01-01 to 1955-12-31"#),
        "{out}"
    );
}

#[test]
fn text_with_no_folder_cannot_include() {
    let e = Scenario::from_str(&composite(INCLUDE, ""), Path::new("given.ron"))
        .expect_err("no folder to find includes in")
        .to_string();
    assert!(
        e.contains("given.ron:4:14: scenario: this scenario includes other files, and it was given as text with no folder to find them in"),
        "{e}"
    );
}

#[test]
fn the_manifest_hashes_the_included_files() {
    let dir = folder(&[("composite.ron", &composite(INCLUDE, ""))]);
    let ran = diplosim(
        dir.path(),
        &["run", "composite.ron", "--out", "out", "--quiet"],
    );
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    let manifest = std::fs::read_to_string(dir.path().join("out/manifest.json")).expect("read");
    let sha = diplosim::output::sha256(fixture_text("small.ron").as_bytes());
    assert!(
        manifest.contains("small.ron") && manifest.contains(&sha),
        "{manifest}"
    );
}

#[test]
fn includes_nest_at_most_eight_deep() {
    // f0 includes f1, which includes f2, ... f9 includes the small world.
    let mut files: Vec<(String, String)> = Vec::new();
    for k in 0..10 {
        let next = if k == 9 {
            "small.ron".to_string()
        } else {
            format!("f{}.ron", k + 1)
        };
        let text = fixture_text("small.ron").replace(
            r#"title: "Two small states, 1950-1960","#,
            &format!(r#"title: "Level {k}", include: [(file: "{next}")],"#),
        );
        // Each level's own entries would clash with the level below: keep only the include.
        let text = text
            .split("    states: [")
            .next()
            .expect("the fixture has states")
            .to_string()
            + "    states: [], parties: [], events: [],\n)\n";
        files.push((format!("f{k}.ron"), text));
    }
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let dir = folder(&refs);
    let out = check(dir.path(), "f0.ron");
    assert!(
        out.contains(r#"f8.ron:5:40: include "f9.ron": includes nest more than 8 files deep"#),
        "{out}"
    );
    // Eight deep is allowed: f2 includes f3 ... f9, the small world.
    let out = check(dir.path(), "f2.ron");
    assert!(out.contains("f2.ron: ok"), "{out}");
}
