//! Contested readings: the format's rules (each problem located where the reading
//! stands), the runs' draws (a reading per run on its own stream, every other draw as it
//! was), and "holds under every reading" computed from the runs grouped by reading.

use std::path::Path;

use diplosim::experiment::Seeds;
use diplosim::readings::{Mode, Plan};
use diplosim::scenario::{Problem, Scenario, ScenarioError};

use crate::common::{Text, diplosim, fixture};

const FILE: &str = "contested.ron";

fn text() -> Text {
    Text(std::fs::read_to_string(fixture(FILE)).expect("the contested fixture"))
}

fn problems(t: &Text) -> Vec<Problem> {
    match Scenario::from_str(&t.0, Path::new(FILE)) {
        Err(ScenarioError::Invalid { problems, .. }) => problems,
        Err(e) => panic!("expected broken rules, got:\n{e}"),
        Ok(_) => panic!("the broken text loaded"),
    }
}

/// The one problem of a broken text: its message and where it points.
fn problem(t: &Text) -> (String, (usize, usize)) {
    let ps = problems(t);
    assert_eq!(ps.len(), 1, "expected one problem, got {ps:#?}");
    let l = ps[0].location.as_ref().expect("a located problem");
    (ps[0].message.clone(), (l.line, l.col))
}

#[test]
fn the_fixture_lists_its_contested_event_and_checkpoint() {
    let sc = Scenario::from_str(&text().0, Path::new(FILE)).expect("valid");
    let listed: Vec<(String, Vec<&str>)> = (sc.contested.iter())
        .map(|c| {
            (
                c.what(),
                c.readings.iter().map(|r| r.name.as_str()).collect(),
            )
        })
        .collect();
    assert_eq!(
        listed,
        [
            ("event clash".to_string(), vec!["skirmish", "war"]),
            ("checkpoint cool".to_string(), vec!["as_written", "warm"]),
        ]
    );
}

#[test]
fn a_weight_must_be_positive_and_finite() {
    for bad in ["0.0", "-1.0"] {
        let t = text().replace(
            "(name: \"war\", weight: 1.0,",
            &format!("(name: \"war\", weight: {bad},"),
        );
        let (message, at) = problem(&t);
        assert_eq!(
            message,
            format!(
                "reading \"war\" has weight {}; a weight is a positive, finite number",
                bad.parse::<f64>().unwrap()
            )
        );
        assert_eq!(
            at,
            t.pos(&format!(
                "{bad}, source: \"the second historian\",\n             note"
            ))
        );
    }
}

#[test]
fn reading_names_are_unique() {
    let t = text().replace("(name: \"war\",", "(name: \"skirmish\",");
    let (message, at) = problem(&t);
    assert_eq!(
        message,
        "two readings are named \"skirmish\" (numbers 1 and 2)"
    );
    let line =
        t.0.lines()
            .position(|l| l.contains("note: \"a war"))
            .unwrap();
    assert_eq!(
        at.0, line,
        "the second reading's name, a line above its note"
    );
}

#[test]
fn a_contested_item_gives_two_to_eight_readings() {
    let one = text().replace(
        "(name: \"as_written\", weight: 1.0, source: \"the first historian\"),\n                (name: \"warm\", weight: 1.0, source: \"the second historian\",\n                 quote: \"They were friends.\", expect: Band(\"friendly\")),",
        "(name: \"as_written\", weight: 1.0, source: \"the first historian\"),",
    );
    let (message, _) = problem(&one);
    assert_eq!(message, "1 reading: a contested item gives 2 to 8");
    let nine: String = (0..9)
        .map(|k| format!("(name: \"r{k}\", weight: 1.0, source: \"s\"),"))
        .collect();
    let many = text().replace(
        "(name: \"as_written\", weight: 1.0, source: \"the first historian\"),",
        &nine,
    );
    let ps = problems(&many);
    assert!(
        ps.iter()
            .any(|p| p.message == "10 readings: a contested item gives 2 to 8"),
        "{ps:#?}"
    );
}

#[test]
fn the_first_reading_is_the_item_as_written() {
    let t = text().replace(
        "(name: \"skirmish\", weight: 1.0, source: \"the first historian\")",
        "(name: \"skirmish\", weight: 1.0, source: \"the first historian\", effects: [])",
    );
    let (message, at) = problem(&t);
    assert_eq!(
        message,
        "the first reading is the item as written, the default, so it gives no effects"
    );
    assert_eq!(at, t.pos("(name: \"skirmish\""));
}

#[test]
fn a_reading_cites_a_source() {
    let t = text().replace(
        "source: \"the second historian\",\n             note",
        "source: \" \",\n             note",
    );
    let (message, _) = problem(&t);
    assert_eq!(message, "reading \"war\" cites no source");
}

#[test]
fn a_readings_effects_are_validated_where_they_stand() {
    let t = text().replace(
        "effects: [Modifier(level: States(\"north\", \"south\"), value: Uniform(-12.0, -10.0)",
        "effects: [Modifier(level: States(\"north\", \"nowhere\"), value: Uniform(-12.0, -10.0)",
    );
    let (message, at) = problem(&t);
    assert!(message.starts_with("under reading \"war\": "), "{message}");
    assert!(message.contains("\"nowhere\""), "{message}");
    let line = t.0.lines().position(|l| l.contains("\"nowhere\"")).unwrap() + 1;
    assert_eq!(at.0, line, "{message} at {at:?}");
}

#[test]
fn a_checkpoint_readings_range_is_validated_where_it_stands() {
    let t = text().replace("expect: Band(\"friendly\")", "expect: Band(\"sunny\")");
    let (message, at) = problem(&t);
    assert!(message.starts_with("under reading \"warm\": "), "{message}");
    assert_eq!(at.0, t.pos("Band(\"sunny\")").0, "{message} at {at:?}");
}

fn seeds(runs: u64) -> Seeds {
    Seeds { first: 1, runs }
}

#[test]
fn runs_draw_each_reading_by_weight_and_pins_name_what_exists() {
    let sc = diplosim::scenario::Scenario::load(&fixture(FILE)).unwrap();
    let plan = Plan::new(&sc, &Mode::All, seeds(400)).unwrap();
    let war = plan.group(0, 1).len();
    // Weights 1 and 1: about half of 400 runs, well within five standard deviations (50).
    assert!(
        (150..=250).contains(&war),
        "{war} of 400 runs read the clash as a war"
    );
    assert_eq!(
        plan,
        Plan::new(&sc, &Mode::All, seeds(400)).unwrap(),
        "drawn again alike"
    );
    let default = Plan::new(&sc, &Mode::Default, seeds(3)).unwrap();
    assert_eq!(default.choices, vec![vec![0, 0]; 3]);
    let pinned = Plan::new(&sc, &Mode::parse("clash=war").unwrap(), seeds(2)).unwrap();
    assert_eq!(pinned.choices, vec![vec![1, 0]; 2]);
    let e = Plan::new(&sc, &Mode::parse("clash=peace").unwrap(), seeds(2)).unwrap_err();
    assert_eq!(
        e,
        "--readings clash=peace: event clash has no reading \"peace\"; its readings are \"skirmish\", \"war\""
    );
    let e = Plan::new(&sc, &Mode::parse("treaty=war").unwrap(), seeds(2)).unwrap_err();
    assert!(e.contains("\"treaty\" is not contested"), "{e}");
    assert!(Mode::parse("clash").is_err());
}

/// The rows of runs.csv of one pair (`run,seed,variant,date,pair,score`).
fn rows_of(csv: &str, pair: &str) -> Vec<String> {
    csv.lines()
        .filter(|l| l.split(',').nth(4) == Some(pair))
        .map(str::to_string)
        .collect()
}

#[test]
fn with_readings_drawn_every_other_draw_is_byte_identical() {
    let tmp = tempfile::tempdir().unwrap();
    let sc = fixture(FILE);
    let out = |name: &str, readings: &str| {
        let dir = tmp.path().join(name);
        let r = diplosim(
            tmp.path(),
            &[
                "ensemble",
                sc.to_str().unwrap(),
                "--runs",
                "30",
                "--per-run",
                "--readings",
                readings,
                "--out",
                dir.to_str().unwrap(),
            ],
        );
        assert_eq!(r.code, Some(0), "{}", r.stderr);
        std::fs::read_to_string(dir.join("runs.csv")).unwrap()
    };
    let (all, default) = (out("all", "all"), out("default", "default"));
    // The pairs the clash does not touch: their trade's date, chance and value and the
    // spats' months and values are drawn alike.
    for pair in ["north/east", "south/east"] {
        let (a, d) = (rows_of(&all, pair), rows_of(&default, pair));
        assert_eq!(a.len(), 30 * 132, "{pair}");
        assert_eq!(a, d, "{pair}");
    }
    // North and South: alike to the clash's earliest day, then apart in the runs that
    // read it as a war.
    let (a, d) = (
        rows_of(&all, "north/south"),
        rows_of(&default, "north/south"),
    );
    let before = |rows: &[String]| -> Vec<String> {
        rows.iter()
            .filter(|r| r.split(',').nth(3).is_some_and(|date| date < "1953-05-01"))
            .cloned()
            .collect()
    };
    assert_eq!(before(&a), before(&d));
    assert!(!before(&a).is_empty());
    assert_ne!(a, d, "some runs read the clash as a war");
    // Drawn twice, the same bytes.
    assert_eq!(all, out("again", "all"));
    let manifest = std::fs::read_to_string(tmp.path().join("all/manifest.json")).unwrap();
    assert!(manifest.contains("\"readings\": \"all\""), "{manifest}");
}

#[test]
fn holds_under_every_reading_is_computed_from_the_runs() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("e");
    let r = diplosim(
        tmp.path(),
        &[
            "ensemble",
            fixture(FILE).to_str().unwrap(),
            "--runs",
            "40",
            "--readings",
            "all",
            "--out",
            dir.to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let text = std::fs::read_to_string(dir.join("readings.txt")).unwrap();
    assert!(r.stdout.contains(&text), "printed too");
    let line = |start: &str| -> String {
        text.lines()
            .find(|l| l.trim_start().starts_with(start))
            .unwrap_or_else(|| panic!("no line `{start}` in\n{text}"))
            .to_string()
    };
    // The war reading sinks North and South below the 1954 checkpoint's range: the median
    // of all runs meets it, the runs that read a war do not.
    let calm = line("checkpoint calm met by the median");
    assert!(
        calm.contains("does not hold: event clash read as war (") && calm.ends_with("gives missed"),
        "{calm}"
    );
    assert!(!calm.contains("skirmish"), "{calm}");
    // The checkpoint read two ways: its own reading breaks it.
    let cool = line("checkpoint cool met");
    assert!(cool.contains("checkpoint cool read as warm"), "{cool}");
    assert!(!cool.contains("event clash"), "{cool}");
    // North and East: the clash does not touch them.
    assert!(line("North – East: 1950s ordinary").ends_with("holds under every reading"));
    // Each reading's runs, counted.
    let counts = line("event clash:");
    let n: usize = counts
        .split(", ")
        .map(|p| p.split(' ').rev().nth(1).unwrap().parse::<usize>().unwrap())
        .sum();
    assert_eq!(n, 40, "{counts}");

    // With the default readings, no run differs: nothing to tell.
    let r = diplosim(
        tmp.path(),
        &[
            "ensemble",
            fixture(FILE).to_str().unwrap(),
            "--runs",
            "4",
            "--out",
            tmp.path().join("d").to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(!r.stdout.contains("Under the contested readings"));
    assert!(!tmp.path().join("d/readings.txt").exists());
}

#[test]
fn compare_tells_whether_the_what_ifs_sign_holds() {
    let tmp = tempfile::tempdir().unwrap();
    let cf = Text(
        "Counterfactual(\n    name: \"no_treaty\",\n    title: \"No treaty\",\n    question: \"What if there had been no treaty?\",\n    base: \"contested.ron\",\n    changes: [Remove(\"treaty\")],\n)\n"
            .to_string(),
    );
    std::fs::copy(fixture(FILE), tmp.path().join(FILE)).unwrap();
    let cf = cf.write(tmp.path(), "no_treaty.ron");
    let r = diplosim(
        tmp.path(),
        &[
            "compare",
            tmp.path().join(FILE).to_str().unwrap(),
            cf.to_str().unwrap(),
            "--runs",
            "30",
            "--readings",
            "all",
            "--out",
            tmp.path().join("c").to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let text = std::fs::read_to_string(tmp.path().join("c/divergence.txt")).unwrap();
    let sign = text
        .lines()
        .find(|l| l.contains("no_treaty (North – South) colder on average from the parting"))
        .unwrap_or_else(|| panic!("no sign line in\n{text}"));
    // Without the treaty, North and South are colder whatever the clash was.
    assert!(sign.ends_with("holds under every reading"), "{sign}");
    let manifest = std::fs::read_to_string(tmp.path().join("c/manifest.json")).unwrap();
    assert!(manifest.contains("\"readings\": \"all\""), "{manifest}");
    // Shards draw no readings.
    let r = diplosim(
        tmp.path(),
        &[
            "compare",
            tmp.path().join(FILE).to_str().unwrap(),
            cf.to_str().unwrap(),
            "--runs",
            "4",
            "--readings",
            "all",
            "--shard",
            "1/2",
        ],
    );
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("not shard by shard"), "{}", r.stderr);
}

#[test]
fn the_sino_soviet_scenario_contests_three_events_each_read_two_sourced_ways() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/sino_soviet_1917_1991.ron");
    let sc = Scenario::load(&path).unwrap();
    let ids: Vec<&str> = sc.contested.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["yangtze_advice", "korean_war", "zhenbao_ambush"]);
    for c in &sc.contested {
        assert_eq!(c.readings.len(), 2, "{}", c.id);
        for r in &c.readings {
            assert!(
                r.source.len() > 40,
                "{} read as {}: {}",
                c.id,
                r.name,
                r.source
            );
        }
    }
    // Zhenbao read as a clash the Soviet patrol began: the same run to the eve of the
    // clash, warmer after it (a smaller blow), the counterattack still on 15 March.
    let base = diplosim::engine::Simulation::new(&sc).run(1).unwrap();
    let read = sc.read(&[0, 0, 1]).unwrap();
    let other = diplosim::engine::Simulation::new(&read).run(1).unwrap();
    let at = |run: &diplosim::record::Run, date: &str| crate::common::score_on(run, date);
    assert_eq!(at(&base, "1969-03-01"), at(&other, "1969-03-01"));
    assert!(
        at(&other, "1969-04-01") > at(&base, "1969-04-01"),
        "{} against {}",
        at(&other, "1969-04-01"),
        at(&base, "1969-04-01")
    );
    let fired = |sc: &Scenario, run| crate::common::fired_ids(sc, run);
    assert!(fired(&read, &other).contains(&"zhenbao_counterattack".to_string()));
    // The default readings are the file as written: the same run.
    let same = diplosim::engine::Simulation::new(&sc.read(&[0, 0, 0]).unwrap())
        .run(1)
        .unwrap();
    assert_eq!(
        same.monthly().map(|s| s.score).collect::<Vec<_>>(),
        base.monthly().map(|s| s.score).collect::<Vec<_>>()
    );
}

#[test]
fn a_removal_reaches_every_reading_of_the_events_that_name_it() {
    // Without the counterattack, the follow-up goes from both readings of the ambush.
    let tmp = tempfile::tempdir().unwrap();
    let sc = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/sino_soviet_1917_1991.ron");
    let cf = Text(format!(
        "Counterfactual(\n    name: \"no_counterattack\",\n    title: \"No counterattack\",\n    question: \"What if Moscow had not struck back?\",\n    base: {:?},\n    changes: [Remove(\"zhenbao_counterattack\")],\n)\n",
        sc.to_str().unwrap()
    ))
    .write(tmp.path(), "no_counterattack.ron");
    let r = diplosim(
        tmp.path(),
        &[
            "compare",
            sc.to_str().unwrap(),
            cf.to_str().unwrap(),
            "--runs",
            "6",
            "--readings",
            "all",
            "--out",
            tmp.path().join("c").to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(
        r.stdout
            .contains("no_counterattack warmer on average from the parting"),
        "{}",
        r.stdout
    );
}
