//! The classroom server over HTTP: every endpoint, good and bad input, and the promise
//! that the page, the downloaded counterfactual, `compare` and `handout` agree.

use std::path::{Path, PathBuf};

use diplosim::chart;
use diplosim::engine::Simulation;
use diplosim::scenario::Scenario;
use diplosim::serve::{Config, Limits, Running, start};

use crate::common::diplosim;
use crate::support::http::{get, post};

const SINO: &str = "sino_soviet_1917_1991.ron";

fn shipped() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios")
}

fn server_with(dir: &Path, limits: Limits) -> Running {
    start(Config {
        dir: dir.to_path_buf(),
        host: "127.0.0.1".into(),
        port: 0,
        limits,
    })
    .expect("the server starts")
}

fn server() -> Running {
    server_with(&shipped(), Limits::default())
}

/// A copy of the shipped folder, to save downloads into.
fn copy_of_scenarios() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let cf = tmp.path().join("counterfactuals");
    std::fs::create_dir(&cf).unwrap();
    std::fs::copy(shipped().join(SINO), tmp.path().join(SINO)).unwrap();
    for e in std::fs::read_dir(shipped().join("counterfactuals")).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), cf.join(e.file_name())).unwrap();
    }
    tmp
}

#[test]
fn the_page_and_its_assets_are_served_and_ask_for_nothing_outside() {
    let s = server();
    let page = get(&s.url, "/");
    assert_eq!(page.status, 200);
    assert!(
        page.header("content-type")
            .unwrap()
            .starts_with("text/html")
    );
    let html = page.text();
    assert!(html.contains("what-if lab"));
    for (path, kind) in [("/page.css", "text/css"), ("/page.js", "text/javascript")] {
        let a = get(&s.url, path);
        assert_eq!(a.status, 200, "{path}");
        assert!(a.header("content-type").unwrap().starts_with(kind));
        assert!(
            !a.text().contains("http://") && !a.text().contains("https://"),
            "{path} reaches out"
        );
    }
    assert!(!html.contains("http://") && !html.contains("https://"));
    assert_eq!(get(&s.url, "/nothing-here").status, 404);
    // The tab's icon, which browsers ask for whatever the page says.
    let icon = get(&s.url, "/favicon.ico");
    assert_eq!(icon.status, 200);
    assert_eq!(icon.header("content-type"), Some("image/svg+xml"));
    assert!(icon.text().starts_with("<svg"));
}

#[test]
fn scenarios_and_their_events_leaders_and_presets_are_listed() {
    let s = server();
    let list = get(&s.url, "/api/scenarios").json();
    let keys: Vec<&str> = list["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["key"].as_str().unwrap())
        .collect();
    assert_eq!(
        keys,
        [SINO, STRATEGIC],
        "counterfactuals are presets, not scenarios"
    );
    let sc = Scenario::load(&shipped().join(SINO)).unwrap();
    let info = get(&s.url, &format!("/api/scenario?s={SINO}")).json();
    assert_eq!(info["events"].as_array().unwrap().len(), sc.events.len());
    assert_eq!(info["leaders"].as_array().unwrap().len(), sc.leaders.len());
    let speech = info["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == "secret_speech")
        .unwrap();
    assert_eq!(speech["era"], "The split");
    let presets: Vec<&str> = info["presets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["key"].as_str().unwrap())
        .collect();
    assert_eq!(presets.len(), 6, "{presets:?}");
    assert!(presets.contains(&"counterfactuals/no_secret_speech.ron"));
}

#[test]
fn the_baseline_chart_is_the_chart_svg_of_run() {
    let s = server();
    let v = get(&s.url, &format!("/api/lab?s={SINO}&seed=3")).json();
    let sc = Scenario::load(&shipped().join(SINO)).unwrap();
    let run = Simulation::new(&sc).run(3).unwrap();
    let svg = chart::render_svg(&chart::of_run(&sc, &run)).unwrap();
    assert_eq!(v["svg"].as_str().unwrap(), svg);
    assert_eq!(v["markers"].as_array().unwrap().len(), run.fired.len());
    assert!(
        !svg.contains("#882255"),
        "the history as scripted marks a change"
    );
    // The files its small print names are offered, with the bytes of the library's
    // writers that `diplosim run` uses.
    assert_eq!(
        v["files"],
        serde_json::json!(["trajectory.csv", "events.csv"])
    );
    for (name, bytes) in [
        (
            "trajectory.csv",
            diplosim::record::trajectory_csv(&sc, &run).unwrap(),
        ),
        (
            "events.csv",
            diplosim::record::events_csv(&sc, &run).unwrap(),
        ),
    ] {
        let file = get(&s.url, &format!("/api/data?s={SINO}&seed=3&file={name}"));
        assert_eq!(file.status, 200, "{name}: {}", file.text());
        assert_eq!(file.body, bytes, "{name}");
    }
    let missing = get(&s.url, &format!("/api/data?s={SINO}&seed=3"));
    assert_eq!(missing.status, 400);
    let m = &v["markers"][0];
    assert!(m["x"].as_f64().unwrap() > 0.0 && m["x"].as_f64().unwrap() < 1600.0);
    assert!(m["source"].as_str().is_some_and(|t| !t.is_empty()));
    assert!(m["note"].as_str().is_some());
    assert!(v["counterfactual"].is_null());
    assert!(
        v["alt"]
            .as_str()
            .unwrap()
            .starts_with("A line chart of the relation score")
    );
}

#[test]
fn a_what_if_link_gives_the_same_bytes_and_the_download_gives_the_same_numbers() {
    let tmp = copy_of_scenarios();
    let s = server_with(tmp.path(), Limits::default());
    let q = format!("s={SINO}&c=remove:secret_speech,scale:leap_ridiculed:0.5&runs=30&seed=5");
    let a = get(&s.url, &format!("/api/lab?{q}"));
    let b = get(&s.url, &format!("/api/lab?{q}"));
    assert_eq!(a.status, 200, "{}", a.text());
    assert_eq!(a.body, b.body, "the same link must give the same bytes");
    let v = a.json();
    assert!(
        v["summary"]
            .as_str()
            .unwrap()
            .contains("first parts from the history")
    );

    let ron = get(&s.url, &format!("/api/counterfactual?{q}"));
    assert_eq!(ron.status, 200);
    // Named after its title, "2 changes to the history".
    assert_eq!(
        ron.header("content-disposition").unwrap(),
        "attachment; filename=\"2_changes_to_the_history.ron\""
    );
    assert_eq!(v["file"], "2_changes_to_the_history.ron");
    assert_eq!(ron.text(), v["counterfactual"].as_str().unwrap());
    let saved = tmp.path().join("counterfactuals/whatif.ron");
    std::fs::write(&saved, ron.body).unwrap();

    let check = diplosim(tmp.path(), &["check", "counterfactuals/whatif.ron"]);
    assert_eq!(check.code, Some(0), "{}", check.stderr);
    let out = tmp.path().join("out");
    let compare = diplosim(
        tmp.path(),
        &[
            "compare",
            SINO,
            "counterfactuals/whatif.ron",
            "--runs",
            "30",
            "--seed",
            "5",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(compare.code, Some(0), "{}", compare.stderr);
    let text = std::fs::read_to_string(out.join("divergence.txt")).unwrap();
    let page = v["divergence"].as_str().unwrap();
    assert!(text.starts_with(page), "page:\n{page}\ncompare:\n{text}");

    // The files the chart's small print names are offered by the page, with the bytes
    // `compare` writes.
    assert_eq!(
        v["files"],
        serde_json::json!(["compare.csv", "divergence.txt"])
    );
    assert!(
        v["svg"]
            .as_str()
            .unwrap()
            .contains("data: compare.csv, divergence.txt")
    );
    for name in ["compare.csv", "divergence.txt"] {
        let file = get(&s.url, &format!("/api/data?{q}&file={name}"));
        assert_eq!(file.status, 200, "{name}: {}", file.text());
        assert!(file.header("content-disposition").unwrap().contains(name));
        assert_eq!(
            file.body,
            std::fs::read(out.join(name)).unwrap(),
            "the page's {name} is not compare's"
        );
    }
    let other = get(&s.url, &format!("/api/data?{q}&file=trajectory.csv"));
    assert_eq!(other.status, 400);
    assert!(
        other.text().contains("compare.csv and divergence.txt"),
        "{}",
        other.text()
    );

    // The changed events are marked on the page's chart and the handout's, as `compare`
    // marks them: a dashed wine-red line on the date and a label saying what changed.
    let svg = v["svg"].as_str().unwrap();
    assert!(
        svg.contains("stroke=\"#882255\"") && svg.contains("removed: Khrushchev denounces Stalin"),
        "the removed event is not marked"
    );
    assert!(
        svg.contains("changed: "),
        "the re-weighted event is not marked"
    );

    // The page's handout and `diplosim handout` with the downloaded file: the same bytes.
    let handout = get(&s.url, &format!("/api/handout?{q}"));
    assert_eq!(handout.status, 200);
    let file = tmp.path().join("h.html");
    let cli = diplosim(
        tmp.path(),
        &[
            "handout",
            SINO,
            "counterfactuals/whatif.ron",
            "--runs",
            "30",
            "--seed",
            "5",
            "--out",
            file.to_str().unwrap(),
        ],
    );
    assert_eq!(cli.code, Some(0), "{}", cli.stderr);
    assert_eq!(std::fs::read(&file).unwrap(), handout.body);
    assert!(
        handout
            .text()
            .contains("removed: Khrushchev denounces Stalin")
    );
}

#[test]
fn a_preset_runs_as_the_shipped_counterfactual() {
    let s = server();
    let q = format!("s={SINO}&p=counterfactuals/air_cover_at_once.ron&runs=10");
    let v = get(&s.url, &format!("/api/lab?{q}")).json();
    let text = v["counterfactual"].as_str().unwrap();
    assert!(text.contains("Remove(\"air_cover_refused\")"), "{text}");
    assert!(
        text.contains("Add("),
        "the preset's added event travels with it"
    );
    assert!(v["title"].as_str().unwrap().len() > 3);
}

#[test]
fn a_what_if_answer_carries_its_report_card_in_words() {
    let s = server();
    let q = format!("s={SINO}&p=counterfactuals/war_in_1969.ron&runs=4");
    let v = get(&s.url, &format!("/api/lab?{q}")).json();
    let card: Vec<&str> = (v["card"].as_array().unwrap().iter())
        .map(|l| l.as_str().unwrap())
        .collect();
    assert_eq!(card.len(), 4, "{card:?}");
    assert!(
        card[0].contains("considered at the time (Sino-Soviet split [14]"),
        "{card:?}"
    );
    assert!(card[0].ends_with("with a chance of 0.1."), "{card:?}");
    assert!(
        card[1].contains(": a miracle counterfactual, as Lebow calls it"),
        "{card:?}"
    );
    assert_eq!(
        card[2],
        "The chance of the changes together is not given: not every change has a chance."
    );
    assert_eq!(card[3], "Nothing still in the run contradicts the changes.");
    // The same card is in the what-if's divergence.txt.
    let text = v["divergence"].as_str().unwrap();
    assert!(
        text.contains("  joint probability         not given: 1 of 2 changes has no chance\n"),
        "{text}"
    );
    // Malenkov in Khrushchev's place: what he is handed, and a title that still names
    // Khrushchev.
    let q = format!("s={SINO}&c=lead:khrushchev:malenkov:1953-09-14&runs=2");
    let v = get(&s.url, &format!("/api/lab?{q}")).json();
    let card: Vec<&str> = (v["card"].as_array().unwrap().iter())
        .map(|l| l.as_str().unwrap())
        .collect();
    assert!(card.contains(&"Georgy Malenkov takes Nikita Khrushchev's place from 1953-09-14: 1 office (leader 1953-09-14 to 1964-10-14), 12 events and 2 leader-level modifiers."), "{card:?}");
    assert!(
        card.iter()
            .any(|l| l.starts_with("Does not hold together: \u{201c}Khrushchev denounces Stalin")),
        "{card:?}"
    );
    // The history has no card.
    let v = get(&s.url, &format!("/api/lab?s={SINO}&runs=2")).json();
    assert_eq!(v["card"], serde_json::json!([]));
}

#[test]
fn the_handout_is_self_contained() {
    let s = server();
    let h = get(
        &s.url,
        &format!("/api/handout?s={SINO}&c=remove:secret_speech&runs=20"),
    );
    assert_eq!(h.status, 200);
    let html = h.text();
    for part in [
        "<svg",
        "<table",
        "Questions for the debrief",
        "Checkpoints",
        "@media print",
    ] {
        assert!(html.contains(part), "the handout lacks {part}");
    }
    assert!(!html.contains("<script") && !html.contains(" src=") && !html.contains(" href="));
    let outside = html.matches("http").count();
    let namespaces = html.matches("http://www.w3.org/").count();
    assert_eq!(
        outside, namespaces,
        "only XML namespaces may name a web address"
    );
}

#[test]
fn explain_says_what_the_command_says() {
    let s = server();
    let v = get(&s.url, &format!("/api/explain?s={SINO}&seed=2&at=1960-07")).json();
    let sc = Scenario::load(&shipped().join(SINO)).unwrap();
    let x = diplosim::experiment::explain(&sc, 2, "1960-07-01".parse().unwrap(), 0).unwrap();
    assert_eq!(
        v["text"].as_str().unwrap(),
        diplosim::report::explain_text(&sc, &x)
    );
    let bad = get(&s.url, &format!("/api/explain?s={SINO}&at=1960-13"));
    assert_eq!(bad.status, 400);
    assert!(bad.json()["error"].as_str().unwrap().contains("YYYY-MM"));
    let outside = get(&s.url, &format!("/api/explain?s={SINO}&at=2020-01"));
    assert_eq!(outside.status, 422);
    assert!(
        outside.json()["error"]
            .as_str()
            .unwrap()
            .contains("outside the scenario's span")
    );
}

#[test]
fn only_scenarios_of_the_folder_can_be_named() {
    let s = server();
    for name in [
        "../Cargo.toml",
        "..%2FCargo.toml",
        "%2Fetc%2Fpasswd",
        "counterfactuals/../../Cargo.toml",
        "nothing.ron",
    ] {
        let a = get(&s.url, &format!("/api/lab?s={name}"));
        assert_eq!(a.status, 404, "{name}: {}", a.text());
        assert!(
            a.json()["error"]
                .as_str()
                .unwrap()
                .contains("served folder")
        );
    }
    let a = get(&s.url, "/api/lab?s=counterfactuals/no_secret_speech.ron");
    assert_eq!(a.status, 404);
    assert!(a.text().contains("pick it as a preset"));
    let p = get(&s.url, &format!("/api/lab?s={SINO}&p=../Cargo.toml"));
    assert_eq!(p.status, 404);
}

#[test]
fn a_change_the_scenario_cannot_hold_says_which_and_what_to_do() {
    let s = server();
    let said = |c: &str| {
        let a = get(&s.url, &format!("/api/lab?s={SINO}&c={c}&runs=2"));
        assert_eq!(a.status, 422, "{c}: {}", a.text());
        let v = a.json();
        let msg = v["error"].as_str().unwrap().to_string();
        // One sentence, and no file the teacher never saw.
        assert!(
            !msg.contains(".ron") && msg.matches(". ").count() == 0,
            "{msg}"
        );
        msg
    };
    assert_eq!(
        said("move:zhenbao_ambush:1999-01-01"),
        "The change \u{201c}Border clash on Zhenbao (Damansky) Island happened on 1999-01-01\u{201d} cannot be tried: the scenario runs from 1917-11-07 to 1991-12-26 only; pick a date in between, or undo the change."
    );
    assert_eq!(
        said("move:prc_proclaimed:1940-01-01"),
        "The change \u{201c}Mao proclaims the People's Republic of China happened on 1940-01-01\u{201d} cannot be tried: Mao Zedong, who takes part in it, is not in office on 1940-01-01; pick a date when Mao Zedong holds office (1949-10-01 to 1976-09-09), or undo the change."
    );
    assert_eq!(
        said("chance:zhenbao_ambush:2"),
        "The change \u{201c}Border clash on Zhenbao (Damansky) Island had a chance of 2\u{201d} cannot be tried: a chance is a probability; give one from 0 to 1."
    );
    assert_eq!(
        said("move:zhenbao_counterattack:1970-01-01"),
        "The change \u{201c}Soviet counterattack on Zhenbao Island happened on 1970-01-01\u{201d} cannot be tried: it has no date of its own; it happens when another event brings it about, so change or remove that event instead."
    );
}

#[test]
fn a_bad_change_is_one_plain_sentence_with_the_located_message_beside_it() {
    let s = server();
    let a = get(&s.url, &format!("/api/lab?s={SINO}&c=remove:secret_speach"));
    assert_eq!(a.status, 422);
    let v = a.json();
    assert_eq!(
        v["error"],
        "The change \u{201c}secret_speach never happened\u{201d} cannot be tried: the scenario has no event \"secret_speach\"; pick it from the page's lists instead."
    );
    let msg = v["detail"].as_str().unwrap();
    assert!(msg.contains("secret_speach_never_happened.ron:"), "{msg}");
    assert!(
        msg.contains("secret_speach") && msg.contains("secret_speech"),
        "{msg}"
    );
    assert!(
        v["counterfactual"]
            .as_str()
            .unwrap()
            .contains("secret_speach")
    );

    let a = get(
        &s.url,
        &format!("/api/lab?s={SINO}&c=chance:secret_speech:1.5"),
    );
    assert_eq!(a.status, 422, "{}", a.text());
    let a = get(
        &s.url,
        &format!("/api/lab?s={SINO}&c=scale:secret_speech:lots"),
    );
    assert_eq!(a.status, 400);
    assert!(a.text().contains("the factor must be a number"));
    let a = get(
        &s.url,
        &format!("/api/lab?s={SINO}&c=explode:secret_speech"),
    );
    assert_eq!(a.status, 400);
    assert!(a.text().contains("remove:EVENT"));
}

#[test]
fn limits_get_a_clear_4xx() {
    let s = server();
    for runs in ["0", "1001", "-3", "many"] {
        let a = get(
            &s.url,
            &format!("/api/lab?s={SINO}&c=remove:secret_speech&runs={runs}"),
        );
        assert_eq!(a.status, 400, "runs={runs}");
        assert!(a.json()["error"].as_str().unwrap().contains("runs"));
    }
    let many = vec!["remove:secret_speech"; 41].join(",");
    let a = get(&s.url, &format!("/api/lab?s={SINO}&c={many}"));
    assert_eq!(a.status, 400);
    assert!(a.text().contains("at most 40"));
    let long = "x".repeat(10_000);
    let a = get(&s.url, &format!("/api/lab?s={long}"));
    assert_eq!(a.status, 414);
    assert!(a.text().contains("remove some changes"));
    let big = vec![b' '; 100_000];
    let a = post(&s.url, &format!("/api/check?s={SINO}"), "text/plain", &big);
    assert_eq!(a.status, 413);
    let a = get(&s.url, "/api/lab");
    assert_eq!(a.status, 400);
    // The server still answers after all that.
    assert_eq!(get(&s.url, &format!("/api/lab?s={SINO}")).status, 200);
}

#[test]
fn a_full_queue_turns_what_ifs_away_but_not_the_history() {
    let limits = Limits {
        queue: 0,
        ..Limits::default()
    };
    let s = server_with(&shipped(), limits);
    let a = get(&s.url, &format!("/api/lab?s={SINO}&c=remove:secret_speech"));
    assert_eq!(a.status, 429);
    assert_eq!(a.header("retry-after"), Some("5"));
    assert!(a.text().contains("busy"));
    assert_eq!(get(&s.url, &format!("/api/lab?s={SINO}")).status, 200);
}

#[test]
fn an_uploaded_counterfactual_is_checked_like_a_file() {
    let s = server();
    let text = std::fs::read(shipped().join("counterfactuals/no_secret_speech.ron")).unwrap();
    let a = post(&s.url, &format!("/api/check?s={SINO}"), "text/plain", &text);
    assert_eq!(a.status, 200, "{}", a.text());
    assert_eq!(a.json()["changes"][0], "remove:secret_speech");
    let broken = String::from_utf8(text)
        .unwrap()
        .replace("Remove(", "Remov(");
    let a = post(
        &s.url,
        &format!("/api/check?s={SINO}"),
        "text/plain",
        broken.as_bytes(),
    );
    assert_eq!(a.status, 422);
    let msg = a.json()["error"].as_str().unwrap().to_string();
    assert!(
        msg.contains("whatif.ron:") && msg.contains("Remov"),
        "{msg}"
    );
}

#[test]
fn handout_command_writes_one_file() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("sub/handout.html");
    let sc = shipped().join(SINO);
    let r = diplosim(
        tmp.path(),
        &[
            "handout",
            sc.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--table",
        ],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(
        html.contains("<svg") && html.contains("Appendix: the monthly scores behind the chart")
    );
    assert_eq!(
        crate::common::listing(&tmp.path().join("sub")),
        ["handout.html"]
    );
    let r = diplosim(
        tmp.path(),
        &["handout", sc.to_str().unwrap(), "--runs", "0"],
    );
    assert_eq!(r.code, Some(2));
}

/// The handout of a what-if carries its report card: every line of the card that
/// `compare` prints for the same what-if, runs and seeds (its removals and curves aside).
#[test]
fn a_what_ifs_handout_carries_compares_report_card() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("handout.html");
    let sc = shipped().join(SINO);
    let cf = shipped().join("counterfactuals/malenkov_instead_of_khrushchev.ron");
    let (sc, cf) = (sc.to_str().unwrap(), cf.to_str().unwrap());
    let r = diplosim(
        tmp.path(),
        &[
            "handout",
            sc,
            cf,
            "--runs",
            "4",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let html = std::fs::read_to_string(&out).unwrap();
    let r = diplosim(tmp.path(), &["compare", sc, cf, "--runs", "4"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let text = std::fs::read_to_string(
        tmp.path()
            .join("output/sino_soviet_1917_1991/compare/divergence.txt"),
    )
    .unwrap();
    let heads = [
        "hands over",
        "minimal rewrite",
        "plausibility",
        "joint probability",
        "cotenability",
        "largest gap comes",
        "comes back together",
    ];
    let mut card = Vec::new();
    let mut within = false;
    for line in text.lines() {
        let Some(rest) = line.strip_prefix("  ") else {
            continue;
        };
        let (head, said) = rest.split_at(rest.len().min(26));
        let head = head.trim();
        if heads.contains(&head) || (head.is_empty() && within) {
            within = true;
            card.push(said.to_string());
        } else {
            within = false;
        }
    }
    assert!(card.len() >= 9, "the card of compare: {card:?}");
    assert!(
        card.iter().any(|l| l.contains("a miracle counterfactual")),
        "{card:?}"
    );
    let section = &html[html.find("Report card of the what-if").expect("no card")..];
    for said in &card {
        let escaped = diplosim::handout::escape(said);
        assert!(section.contains(&escaped), "the handout lacks `{said}`");
    }
    // The history alone has no card.
    let r = diplosim(tmp.path(), &["handout", sc, "--out", out.to_str().unwrap()]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(!html.contains("Report card"));
}

const TRIANGLE: &str = "three_states.ron";

/// A folder holding the three-state fixture (China, the Soviet Union, the United States).
fn triangle() -> (tempfile::TempDir, Running) {
    let tmp = tempfile::tempdir().unwrap();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/three_states.ron");
    std::fs::copy(fixture, tmp.path().join(TRIANGLE)).unwrap();
    let s = server_with(tmp.path(), Limits::default());
    (tmp, s)
}

fn keys(v: &serde_json::Value, field: &str) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x[field].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_scenario_of_three_states_lists_its_pairs_and_a_one_pair_scenario_one() {
    let (_tmp, s) = triangle();
    let info = get(&s.url, &format!("/api/scenario?s={TRIANGLE}")).json();
    assert_eq!(
        keys(&info["pairs"], "key"),
        ["china/soviet_union", "china/us", "soviet_union/us"]
    );
    assert_eq!(
        keys(&info["pairs"], "name"),
        [
            "China – Soviet Union",
            "China – United States",
            "Soviet Union – United States"
        ]
    );
    let sino = get(&server().url, &format!("/api/scenario?s={SINO}")).json();
    assert_eq!(keys(&sino["pairs"], "key"), ["china/soviet_union"]);
}

#[test]
fn a_what_if_of_three_pairs_is_told_pair_by_pair() {
    let (_tmp, s) = triangle();
    // Nixon's visit binds the two ruling parties of China and the United States: only
    // that pair parts.
    let v = get(
        &s.url,
        &format!("/api/lab?s={TRIANGLE}&c=remove:nixon_visit&runs=20&seed=3"),
    )
    .json();
    assert_eq!(
        v["pairs"],
        serde_json::json!(["china/soviet_union", "china/us", "soviet_union/us"])
    );
    let said: Vec<(String, String)> = v["summaries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| !x["pair"].is_null())
        .map(|x| {
            (
                x["pair"].as_str().unwrap().to_string(),
                x["text"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(said.len(), 3, "{}", v["summaries"]);
    for (pair, text) in &said {
        let parts = text.contains("first parts from the history as scripted in March 1972");
        assert_eq!(parts, pair == "china/us", "{pair}: {text}");
        if pair != "china/us" {
            assert!(text.contains("never parts"), "{pair}: {text}");
        }
    }
    // The numbers are the library's, pair by pair.
    let sc = Scenario::load(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/three_states.ron"),
    )
    .unwrap();
    let summary = v["summary"].as_str().unwrap();
    // What the removal takes with it comes first, then the runs.
    assert!(
        summary.starts_with(
            "Removing \u{201c}Nixon in Beijing\u{201d} takes nothing else with it; no modifier ended with it.\n\
             Over 20 paired runs, seeds 3 to 22, pair by pair:\n"
        ),
        "{summary}"
    );
    for p in 0..3 {
        assert!(
            summary.contains(&format!("\n{}: The what-if", sc.pair_name(p))),
            "{summary}"
        );
    }
    // Each checkpoint says its pair; the one of the opening changes.
    let checks = v["checkpoints"].as_array().unwrap();
    let by_pair: Vec<(&str, &str, bool)> = checks
        .iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap(),
                c["pair"].as_str().unwrap(),
                c["baseline"] != c["variant"],
            )
        })
        .collect();
    assert_eq!(
        by_pair,
        [
            ("border_war", "china/soviet_union", false),
            ("opening", "china/us", true),
            ("detente", "soviet_union/us", false)
        ]
    );
    // The debrief's questions name the pair the what-if moves.
    let debrief = v["debrief"].as_array().unwrap();
    assert!(
        debrief[0]
            .as_str()
            .unwrap()
            .starts_with("The biggest gap between China and United States"),
        "{debrief:?}"
    );
    assert!(
        debrief[2]
            .as_str()
            .unwrap()
            .contains("\"opening\" (China – United States)"),
        "{debrief:?}"
    );
}

#[test]
fn the_page_shows_the_pairs_it_is_asked_for_in_the_layout_asked_for() {
    let (_tmp, s) = triangle();
    let all = get(&s.url, &format!("/api/lab?s={TRIANGLE}&seed=2")).json();
    assert_eq!(all["layout"], "lines");
    let one = get(
        &s.url,
        &format!("/api/lab?s={TRIANGLE}&seed=2&pairs=us/china"),
    )
    .json();
    assert_eq!(one["pairs"], serde_json::json!(["china/us"]));
    assert_eq!(keys(&one["checkpoints"], "id"), ["opening"]);
    let marked: Vec<String> = keys(&one["markers"], "pair");
    assert!(
        !marked.is_empty() && marked.iter().all(|p| p == "china/us"),
        "{marked:?}"
    );
    assert_ne!(one["svg"], all["svg"]);
    assert!(
        one["alt"]
            .as_str()
            .unwrap()
            .contains("China – United States: it starts")
    );
    assert!(
        !one["alt"]
            .as_str()
            .unwrap()
            .contains("China – Soviet Union: it starts")
    );
    let panels = get(
        &s.url,
        &format!("/api/lab?s={TRIANGLE}&seed=2&layout=panels"),
    )
    .json();
    assert_eq!(panels["layout"], "panels");
    assert_ne!(panels["svg"], all["svg"]);

    // Explain says what `diplosim explain` says, for each pair shown.
    let text = |q: &str| {
        get(
            &s.url,
            &format!("/api/explain?s={TRIANGLE}&seed=2&at=1973-06{q}"),
        )
        .json()["text"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let sc = Scenario::load(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/three_states.ron"),
    )
    .unwrap();
    let said = |p: usize| {
        let x = diplosim::experiment::explain(&sc, 2, "1973-06-01".parse().unwrap(), p).unwrap();
        diplosim::report::explain_text(&sc, &x)
    };
    assert_eq!(text("&pairs=china/us"), said(1));
    assert_eq!(
        text("&pairs=soviet_union/us,china/soviet_union"),
        said(0) + "\n" + &said(2)
    );
    assert_eq!(text(""), said(0) + "\n" + &said(1) + "\n" + &said(2));

    // A pair the scenario does not have, or a layout that is none, is a message.
    let bad = get(
        &s.url,
        &format!("/api/lab?s={TRIANGLE}&pairs=china/mongolia"),
    );
    assert_eq!(bad.status, 400);
    assert!(
        bad.json()["error"]
            .as_str()
            .unwrap()
            .contains("\"china/mongolia\" is not a pair of this scenario; its pairs are china/soviet_union, china/us, soviet_union/us"),
        "{}",
        bad.text()
    );
    let bad = get(&s.url, &format!("/api/lab?s={TRIANGLE}&layout=pie"));
    assert_eq!(bad.status, 400);
    assert!(
        bad.json()["error"]
            .as_str()
            .unwrap()
            .starts_with("layout: `pie` is not a layout"),
        "{}",
        bad.text()
    );
}

#[test]
fn the_handout_of_three_pairs_names_them_and_gives_each_its_scores() {
    let (_tmp, s) = triangle();
    let html = get(
        &s.url,
        &format!("/api/handout?s={TRIANGLE}&c=remove:nixon_visit&runs=10&table=1"),
    )
    .text();
    assert!(html.contains("All 3 pairs of states: China – Soviet Union, China – United States and Soviet Union – United States."));
    for name in [
        "China – Soviet Union",
        "China – United States",
        "Soviet Union – United States",
    ] {
        assert!(
            html.contains(&format!("<h3 class=\"pair\">{name}</h3>")),
            "no scores of {name}"
        );
        assert!(
            html.contains(&format!(
                "<tr class=\"pair\"><th scope=\"colgroup\" colspan=\"4\">{name}</th></tr>"
            )),
            "no checkpoints of {name}"
        );
        assert!(
            html.contains(&format!("<p class=\"by-pair\"><b>{name}</b>")),
            "no summary of {name}"
        );
    }
    // 96 months of each pair, each month a row with history, what-if and gap.
    assert_eq!(
        html.matches("<tr><th scope=\"row\">1972-03</th>").count(),
        3
    );
    let one = get(
        &s.url,
        &format!("/api/handout?s={TRIANGLE}&pairs=china/us&runs=10&table=1"),
    )
    .text();
    assert!(one.contains("1 of the 3 pairs of states: China – United States."));
    assert!(one.contains("How did the relation between China and United States change, and why?"));
    assert_eq!(one.matches("<tr><th scope=\"row\">1972-03</th>").count(), 1);
    assert!(!one.contains("border_war"));
}

/// `handout --out` never replaces what is not a regular file, nor a file it reads.
#[cfg(unix)]
#[test]
fn handout_replaces_no_fifo_and_not_its_own_scenario() {
    use std::os::unix::fs::FileTypeExt;
    let tmp = tempfile::tempdir().unwrap();
    let sc = crate::common::fixture("small.ron");
    let copy = tmp.path().join("small.ron");
    std::fs::copy(&sc, &copy).unwrap();
    let before = std::fs::read(&copy).unwrap();
    let fifo = tmp.path().join("pipe.html");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    std::os::unix::fs::symlink(&copy, tmp.path().join("link.html")).unwrap();
    std::fs::hard_link(&copy, tmp.path().join("hard.html")).unwrap();
    for (out, says) in [
        ("pipe.html", "not a regular file"),
        ("small.ron", "which the handout is made from"),
        ("link.html", "which the handout is made from"),
        ("hard.html", "which the handout is made from"),
    ] {
        let r = diplosim(
            tmp.path(),
            &["handout", "small.ron", "--runs", "1", "--out", out],
        );
        assert_eq!(r.code, Some(2), "{out}: {}", r.stderr);
        assert!(r.stderr.contains(says), "{out}: {}", r.stderr);
    }
    assert!(
        std::fs::symlink_metadata(&fifo)
            .unwrap()
            .file_type()
            .is_fifo()
    );
    assert_eq!(std::fs::read(&copy).unwrap(), before);
    assert!(
        std::fs::symlink_metadata(tmp.path().join("link.html"))
            .unwrap()
            .is_symlink()
    );
    assert_eq!(
        crate::common::listing(tmp.path()),
        ["hard.html", "link.html", "pipe.html", "small.ron"]
    );
}

/// A new handout gets the permissions the umask allows; an existing one keeps its own.
#[cfg(unix)]
#[test]
fn handout_follows_the_umask_and_keeps_a_files_mode() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    std::fs::copy(
        crate::common::fixture("small.ron"),
        tmp.path().join("small.ron"),
    )
    .unwrap();
    let with_umask = |umask: &str, out: &str| {
        let status = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!(
                "umask {umask} && exec \"$0\" handout small.ron --runs 1 --out {out}"
            ))
            .arg(env!("CARGO_BIN_EXE_diplosim"))
            .current_dir(tmp.path())
            .output()
            .unwrap();
        assert!(status.status.success(), "{status:?}");
        std::fs::metadata(tmp.path().join(out))
            .unwrap()
            .permissions()
            .mode()
            & 0o777
    };
    assert_eq!(with_umask("022", "a.html"), 0o644);
    assert_eq!(with_umask("077", "b.html"), 0o600);
    std::fs::set_permissions(
        tmp.path().join("a.html"),
        std::fs::Permissions::from_mode(0o640),
    )
    .unwrap();
    assert_eq!(with_umask("022", "a.html"), 0o640);
}

/// A raw connection to the server, for what the client of `support::http` does not send.
fn connect(s: &Running) -> std::net::TcpStream {
    let addr = s.url.trim_start_matches("http://").trim_end_matches('/');
    let c = std::net::TcpStream::connect(addr).unwrap();
    c.set_read_timeout(Some(std::time::Duration::from_secs(60)))
        .unwrap();
    c
}

/// Everything the server sends until it closes the connection (or the read times out,
/// which fails the test).
fn until_closed(c: &mut std::net::TcpStream) -> String {
    use std::io::Read;
    let mut all = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match c.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => all.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => break,
            Err(e) => panic!("the server kept the connection open: {e}"),
        }
    }
    String::from_utf8_lossy(&all).into_owned()
}

fn send(c: &mut std::net::TcpStream, text: &str) {
    use std::io::Write;
    c.write_all(text.as_bytes()).unwrap();
}

fn port(s: &Running) -> &str {
    s.url.trim_end_matches('/').rsplit(':').next().unwrap()
}

#[test]
fn every_answer_forbids_sniffing_and_framing() {
    let s = server();
    for path in ["/", "/page.js", "/api/scenarios", "/nothing-here"] {
        let a = get(&s.url, path);
        assert_eq!(
            a.header("x-content-type-options"),
            Some("nosniff"),
            "{path}"
        );
        assert_eq!(
            a.header("content-security-policy"),
            Some("frame-ancestors 'none'"),
            "{path}"
        );
    }
}

/// DNS rebinding: a page of another site, reached under a name that now points here, must
/// not read the API; nor may another site's page start work by a cross-site request.
#[test]
fn only_this_servers_names_and_its_own_page_are_answered() {
    let s = server();
    let ask = |host: &str, extra: &str| {
        let mut c = connect(&s);
        send(
            &mut c,
            &format!(
                "GET /api/scenarios HTTP/1.1\r\nHost: {host}\r\n{extra}Connection: close\r\n\r\n"
            ),
        );
        until_closed(&mut c)
    };
    let p = port(&s);
    for host in [format!("127.0.0.1:{p}"), format!("localhost:{p}")] {
        let a = ask(&host, "");
        assert!(a.starts_with("HTTP/1.1 200"), "{host}: {a}");
    }
    let a = ask(&format!("rebound.example:{p}"), "");
    assert!(a.starts_with("HTTP/1.1 403"), "{a}");
    assert!(
        a.contains("\"error\"") && a.contains("rebound.example"),
        "{a}"
    );
    let a = ask(&format!("127.0.0.1:{p}"), "Sec-Fetch-Site: cross-site\r\n");
    assert!(a.starts_with("HTTP/1.1 403"), "{a}");
    let a = ask(&format!("127.0.0.1:{p}"), "Sec-Fetch-Site: same-origin\r\n");
    assert!(a.starts_with("HTTP/1.1 200"), "{a}");
}

/// A body announced over the limit is refused with the page's JSON error before a byte
/// of it is read, and the connection is closed rather than held for the body.
#[test]
fn a_huge_announced_body_gets_json_413_and_the_connection_closes() {
    let s = server();
    let mut c = connect(&s);
    send(
        &mut c,
        &format!(
            "POST /api/check?s={SINO} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Type: text/plain\r\nContent-Length: 1000000000\r\n\r\n",
            port(&s)
        ),
    );
    let a = until_closed(&mut c);
    assert!(a.starts_with("HTTP/1.1 413"), "{a}");
    assert!(a.contains("\"error\":\"the file is larger"), "{a}");
    // A chunked body, which announces no length, is refused the same way once it is
    // past the limit.
    let mut c = connect(&s);
    let chunk = "x".repeat(70_000);
    send(
        &mut c,
        &format!(
            "POST /api/check?s={SINO} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n{:x}\r\n{chunk}\r\n0\r\n\r\n",
            port(&s),
            chunk.len()
        ),
    );
    let a = until_closed(&mut c);
    assert!(a.starts_with("HTTP/1.1 413"), "{a}");
    assert!(a.contains("\"error\":\"the file is larger"), "{a}");
}

/// A client that sends half a request, or nothing, or nothing more after an answer, is
/// disconnected instead of holding the connection for ever.
#[test]
fn slow_and_idle_connections_are_closed() {
    let limits = Limits {
        header_read: std::time::Duration::from_millis(300),
        idle: std::time::Duration::from_millis(300),
        ..Limits::default()
    };
    let s = server_with(&shipped(), limits);
    let mut half = connect(&s);
    send(&mut half, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    let said = until_closed(&mut half);
    assert!(!said.contains("200 OK"), "{said}");
    let mut silent = connect(&s);
    assert_eq!(until_closed(&mut silent), "");
    let mut kept = connect(&s);
    send(
        &mut kept,
        &format!(
            "GET /page.css HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n\r\n",
            port(&s)
        ),
    );
    let said = until_closed(&mut kept);
    assert!(said.starts_with("HTTP/1.1 200"), "{said}");
}

/// Past the cap, a connection waits until one closes, and is answered then.
#[test]
fn past_the_connection_cap_the_next_waits_its_turn() {
    let limits = Limits {
        connections: 2,
        ..Limits::default()
    };
    let s = server_with(&shipped(), limits);
    // Two connections kept open after an answer, which shows they were accepted.
    let held: Vec<_> = (0..2)
        .map(|_| {
            let mut c = connect(&s);
            send(
                &mut c,
                &format!(
                    "GET /nothing-here HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n\r\n",
                    port(&s)
                ),
            );
            let mut status = [0u8; 12];
            std::io::Read::read_exact(&mut c, &mut status).unwrap();
            assert_eq!(&status, b"HTTP/1.1 404");
            c
        })
        .collect();
    let mut third = connect(&s);
    send(
        &mut third,
        &format!(
            "GET /page.css HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\r\n",
            port(&s)
        ),
    );
    third
        .set_read_timeout(Some(std::time::Duration::from_millis(500)))
        .unwrap();
    let mut buf = [0u8; 16];
    let early = std::io::Read::read(&mut third, &mut buf);
    assert!(early.is_err(), "answered past the cap: {early:?}");
    drop(held);
    third
        .set_read_timeout(Some(std::time::Duration::from_secs(60)))
        .unwrap();
    let said = until_closed(&mut third);
    assert!(said.starts_with("HTTP/1.1 200"), "{said}");
}

/// Loopback in any of its spellings is not warned of; a file is not a folder to serve.
#[test]
fn loopback_spellings_are_not_warned_of_and_a_file_is_not_served() {
    let config = |host: &str| Config {
        dir: shipped(),
        host: host.into(),
        port: 0,
        limits: Limits::default(),
    };
    for host in ["127.0.0.1", "127.1", "[::1]", "::1", "localhost"] {
        assert!(config(host).warnings().is_empty(), "{host}");
    }
    assert_eq!(config("0.0.0.0").warnings().len(), 1);
    let file = Config {
        dir: shipped().join(SINO),
        ..config("127.0.0.1")
    };
    let e = start(file).err().expect("a file is refused");
    assert!(
        e.to_string().contains("this is a file, not a folder"),
        "{e}"
    );
}

/// An uploaded file whose `base` is not the page's scenario is refused, as `diplosim
/// check` would refuse a base that is missing.
#[test]
fn an_uploaded_counterfactual_must_name_the_pages_scenario() {
    let s = server();
    let text =
        std::fs::read_to_string(shipped().join("counterfactuals/no_secret_speech.ron")).unwrap();
    for base in ["../other.ron", ""] {
        let changed = text.replace(
            "base: \"../sino_soviet_1917_1991.ron\"",
            &format!("base: \"{base}\""),
        );
        assert_ne!(changed, text);
        let a = post(
            &s.url,
            &format!("/api/check?s={SINO}"),
            "text/plain",
            changed.as_bytes(),
        );
        assert_eq!(a.status, 422, "{base}: {}", a.text());
        let msg = a.json()["error"].as_str().unwrap().to_string();
        assert!(
            msg.contains(&format!(
                "its base is \"{base}\", not the scenario this page shows"
            )),
            "{msg}"
        );
    }
}

/// A class that wears the server: students sending what-ifs at once, a third of them
/// closing the tab mid-request, then a fresh class. Every request is answered or refused
/// with 429 and `Retry-After`, and the idle server afterwards turns nobody away: no
/// place in the queue was kept by a student who left. Bounded: a few hundred small
/// requests against 127.0.0.1.
#[test]
fn a_class_that_hangs_up_leaves_the_queue_as_it_was() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        crate::common::fixture("small.ron"),
        dir.path().join("small.ron"),
    )
    .unwrap();
    let limits = Limits {
        comparisons: 1,
        queue: 6,
        ..Limits::default()
    };
    let s = server_with(dir.path(), limits);
    let what_if =
        |seed: usize| format!("/api/lab?s=small.ron&c=remove:treaty&runs=400&seed={seed}");
    let answered = |a: &crate::support::http::Answer| {
        assert!(
            a.status == 200 || (a.status == 429 && a.header("retry-after") == Some("5")),
            "{} {}",
            a.status,
            a.text()
        );
        a.status
    };
    let rss = || {
        std::fs::read_to_string("/proc/self/status")
            .ok()
            .and_then(|t| {
                t.lines()
                    .find_map(|l| l.strip_prefix("VmRSS:"))
                    .map(|v| v.trim().to_string())
            })
            .unwrap_or_default()
    };
    let mut after_warm_up = String::new();
    for round in 0..3 {
        // A third of the class sends a what-if and closes the tab while it waits for
        // its turn; the others come just after and wait for their answers.
        let leaving: Vec<_> = (0..10)
            .map(|student| {
                let url = s.url.clone();
                let path = what_if(round * 100 + student);
                std::thread::spawn(move || {
                    let addr = url.trim_start_matches("http://").trim_end_matches('/');
                    let mut c = std::net::TcpStream::connect(addr).unwrap();
                    let _ = write!(c, "GET {path} HTTP/1.1\r\nHost: {addr}\r\n\r\n");
                    std::thread::sleep(std::time::Duration::from_millis(300));
                    drop(c);
                })
            })
            .collect();
        std::thread::sleep(std::time::Duration::from_millis(100));
        let staying: Vec<_> = (10..30)
            .map(|student| {
                let url = s.url.clone();
                let path = what_if(round * 100 + student);
                std::thread::spawn(move || get(&url, &path))
            })
            .collect();
        for t in leaving {
            t.join().unwrap();
        }
        for t in staying {
            answered(&t.join().unwrap());
        }
        if round == 0 {
            after_warm_up = rss();
        }
    }
    // A fresh class of 20 at once: answered or told to come back.
    let fresh: Vec<_> = (0..20)
        .map(|student| {
            let url = s.url.clone();
            let path = what_if(1000 + student);
            std::thread::spawn(move || get(&url, &path))
        })
        .collect();
    for t in fresh {
        answered(&t.join().unwrap());
    }
    // The server is idle now: one student at a time, none is turned away. With places
    // kept by those who left, the queue of 6 would be full for good.
    for student in 0..10 {
        let a = get(&s.url, &what_if(2000 + student));
        assert_eq!(a.status, 200, "student {student}: {}", a.text());
    }
    // Printed, not asserted: the test process's memory also holds the other tests'.
    eprintln!(
        "resident memory: {after_warm_up} after the first round, {} after the classes",
        rss()
    );
}

/// The same what-if asked again, with its parameters in another order, its defaults
/// written out and a factor spelled differently, is answered from memory, with the bytes
/// of a server that keeps nothing and computes it anew; a different seed is computed.
#[test]
fn a_question_asked_again_in_other_words_gets_the_kept_answer_with_the_same_bytes() {
    let s = server();
    let fresh = server_with(
        &shipped(),
        Limits {
            cache: 0,
            ..Limits::default()
        },
    );
    let cache = |a: &crate::support::http::Answer| a.header("x-diplosim-cache").map(str::to_string);
    let first = format!("/api/lab?s={SINO}&c=remove:secret_speech,scale:railway_war:0.50&runs=40");
    let again = format!(
        "/api/lab?runs=40&seed=1&layout=lines&pairs=soviet_union/china&p=&c=remove:secret_speech,,scale:railway_war:0.5&s={SINO}"
    );
    let a = get(&s.url, &first);
    assert_eq!(a.status, 200, "{}", a.text());
    assert_eq!(cache(&a).as_deref(), Some("miss"));
    let b = get(&s.url, &again);
    assert_eq!(cache(&b).as_deref(), Some("hit"));
    assert!(a.body == b.body, "a kept answer differs from the first");
    let f = get(&fresh.url, &again);
    assert_eq!(cache(&f).as_deref(), Some("miss"));
    assert!(f.body == b.body, "a kept answer differs from a fresh one");
    assert_eq!(
        cache(&get(&fresh.url, &again)).as_deref(),
        Some("miss"),
        "a server with no memory for answers kept one"
    );
    // Another seed is another question.
    let other = get(&s.url, &format!("{first}&seed=2"));
    assert_eq!(cache(&other).as_deref(), Some("miss"));
    assert!(other.body != a.body);
    // The handout and the data files are kept too, by their own questions.
    for path in [
        format!("/api/handout?s={SINO}&c=remove:secret_speech,scale:railway_war:0.5&runs=40"),
        format!(
            "/api/data?s={SINO}&c=remove:secret_speech,scale:railway_war:0.5&runs=40&file=compare.csv"
        ),
        format!("/api/data?s={SINO}&file=events.csv"),
    ] {
        let a = get(&s.url, &path);
        assert_eq!(a.status, 200, "{path}: {}", a.text());
        assert_eq!(cache(&a).as_deref(), Some("miss"), "{path}");
        let b = get(&s.url, &path);
        assert_eq!(cache(&b).as_deref(), Some("hit"), "{path}");
        let f = get(&fresh.url, &path);
        assert!(a.body == b.body && b.body == f.body, "{path}");
        assert_eq!(
            a.header("content-disposition"),
            f.header("content-disposition")
        );
    }
}

/// A class at once, over loopback: thirty students each send a different 200-run what-if
/// at the same moment, then thirty open the same what-if at the same moment. Every
/// answer is whole and right (a sample of them byte for byte against a server that
/// keeps nothing and answers one at a time), none is turned away, and the thirty
/// identical what-ifs are computed once. Bounded: one request per student, each with the
/// client's timeout. The times are measured in `cargo bench --bench serve -- class/`.
#[test]
fn a_class_at_once_gets_every_answer_whole_and_right() {
    // The default limits but the longest wait for a turn: a debug build is about 28
    // times slower than release, where the class is answered in about a second.
    let s = server_with(
        &shipped(),
        Limits {
            wait: std::time::Duration::from_secs(600),
            ..Limits::default()
        },
    );
    let info = get(&s.url, &format!("/api/scenario?s={SINO}")).json();
    let events: Vec<(String, String)> = info["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let s = |k: &str| e[k].as_str().unwrap().to_string();
            (s("id"), s("title"))
        })
        .take(30)
        .collect();
    assert_eq!(events.len(), 30);
    let paths: Vec<String> = events
        .iter()
        .map(|(id, _)| format!("/api/lab?s={SINO}&c=remove:{id}&runs=200"))
        .collect();
    let answers = crate::support::http::at_once(&s.url, &paths);
    for ((a, _), (id, title)) in answers.iter().zip(&events) {
        assert_eq!(a.status, 200, "{id}: {}", a.text());
        assert_eq!(a.header("x-diplosim-cache"), Some("miss"), "{id}");
        let v = a.json();
        assert_eq!(v["runs"], 200, "{id}");
        assert_eq!(v["seed"], 1, "{id}");
        assert!(
            v["title"].as_str().unwrap().contains(title.as_str()),
            "{id}: {}",
            v["title"]
        );
        let ron = v["counterfactual"].as_str().unwrap();
        assert!(ron.contains(&format!("Remove(\"{id}\")")), "{id}: {ron}");
        let svg = v["svg"].as_str().unwrap();
        assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
        assert!(
            v["divergence"].as_str().is_some_and(|d| !d.is_empty()),
            "{id}"
        );
        assert!(!v["checkpoints"].as_array().unwrap().is_empty(), "{id}");
    }
    let fresh = server_with(
        &shipped(),
        Limits {
            cache: 0,
            ..Limits::default()
        },
    );
    for k in [0, 14, 29] {
        let alone = get(&fresh.url, &paths[k]);
        assert!(alone.body == answers[k].0.body, "{} differs", paths[k]);
    }

    let same = format!("/api/lab?s={SINO}&c=remove:secret_speech,scale:railway_war:2&runs=200");
    let answers = crate::support::http::at_once(&s.url, &vec![same.clone(); 30]);
    let alone = get(&fresh.url, &same);
    assert_eq!(alone.status, 200, "{}", alone.text());
    let mut computed = 0;
    for (a, _) in &answers {
        assert_eq!(a.status, 200, "{}", a.text());
        assert!(
            a.body == alone.body,
            "an answer of the same what-if differs"
        );
        computed += usize::from(a.header("x-diplosim-cache") == Some("miss"));
    }
    assert_eq!(
        computed, 1,
        "thirty identical what-ifs at once are computed once"
    );
}

/// A server on every address gives students the machine's network addresses, which open
/// the page and run a what-if; one on loopback gives none. A QR code encodes exactly the
/// link asked for.
#[test]
fn students_get_the_machines_network_addresses_and_a_qr_code_of_the_link() {
    let loopback = server();
    assert_eq!(
        get(&loopback.url, "/api/addresses").json()["addresses"],
        serde_json::json!([])
    );
    let s = start(Config {
        dir: shipped(),
        host: "0.0.0.0".into(),
        port: 0,
        limits: Limits::default(),
    })
    .expect("the server starts");
    assert!(s.url.starts_with("http://127.0.0.1:"), "{}", s.url);
    let port = port(&s).to_string();
    let given: Vec<String> = get(&s.url, "/api/addresses").json()["addresses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap().to_string())
        .collect();
    let mine: Vec<std::net::IpAddr> = if_addrs::get_if_addrs()
        .unwrap()
        .into_iter()
        .filter(|i| !i.is_loopback() && !i.is_link_local() && i.ip().is_ipv4())
        .map(|i| i.ip())
        .collect();
    if mine.is_empty() {
        eprintln!("skipped: this machine has no network address besides loopback to open");
        assert!(given.is_empty(), "{given:?}");
    }
    for ip in &mine {
        let url = format!("http://{ip}:{port}/");
        assert!(given.contains(&url), "{url} not in {given:?}");
    }
    for url in &given {
        assert!(!url.contains("127.0.0.1"), "{url}");
        let page = get(url, "/");
        assert_eq!(page.status, 200, "{url}");
        let a = get(
            url,
            &format!("/api/lab?s={SINO}&c=remove:secret_speech&runs=20"),
        );
        assert_eq!(a.status, 200, "{url}: {}", a.text());
    }

    let link = format!(
        "{}?s={SINO}&c=remove:secret_speech",
        given.first().unwrap_or(&s.url)
    );
    let encoded: String = link
        .bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    let qr = get(&s.url, &format!("/api/qr?text={encoded}"));
    assert_eq!(qr.status, 200, "{}", qr.text());
    assert_eq!(qr.header("content-type"), Some("image/svg+xml"));
    assert_eq!(qr.text(), diplosim::serve::qr_svg(&link).unwrap());
    assert!(qr.text().contains("<svg") && qr.text().contains("<path"));
    let other = get(&s.url, "/api/qr?text=http%3A%2F%2F10.0.0.1%3A8080%2F");
    assert_ne!(other.body, qr.body, "another link, another code");
    let long = "x".repeat(4000);
    let a = get(&s.url, &format!("/api/qr?text={long}"));
    assert_eq!(a.status, 400);
    assert!(
        a.json()["error"]
            .as_str()
            .unwrap()
            .contains("copy the link")
    );
}

/// `serve --host 0.0.0.0` prints the page's address on this machine and the addresses
/// students on the network open (or says there are none).
#[test]
fn serve_on_every_address_prints_the_addresses_for_students() {
    use std::io::BufRead;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_diplosim"))
        .args(["serve", "--host", "0.0.0.0", "--port", "0", "--dir"])
        .arg(shipped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let second = lines.next().unwrap().unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(
        first.starts_with("diplosim: the classroom page is at http://127.0.0.1:"),
        "{first}"
    );
    let port = first
        .split("http://127.0.0.1:")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .unwrap();
    let mine: Vec<std::net::IpAddr> = if_addrs::get_if_addrs()
        .unwrap()
        .into_iter()
        .filter(|i| !i.is_loopback() && !i.is_link_local() && i.ip().is_ipv4())
        .map(|i| i.ip())
        .collect();
    match mine.first() {
        None => {
            eprintln!("this machine has no network address besides loopback");
            assert!(second.contains("no network address"), "{second}");
        }
        Some(_) => {
            assert!(
                second.starts_with("diplosim: students on the network open http://"),
                "{second}"
            );
            assert!(
                mine.iter()
                    .any(|ip| second.ends_with(&format!("http://{ip}:{port}/"))),
                "{second}"
            );
        }
    }
}

/// The strip labels of an SVG chart: (x, y, name) of every text that is exactly `name`.
fn labels<'a>(svg: &str, name: &'a str) -> Vec<(f64, f64, &'a str)> {
    svg.split("<text ")
        .skip(1)
        .filter_map(|t| {
            let (attrs, rest) = t.split_once('>')?;
            (rest.split("</text>").next()?.trim() == name).then_some(())?;
            let at = |key: &str| -> Option<f64> {
                let v = attrs.split(&format!("{key}=\"")).nth(1)?;
                v.split('"').next()?.parse().ok()
            };
            Some((at("x")?, at("y")?, name))
        })
        .collect()
}

#[test]
fn the_leader_strip_shows_the_what_ifs_leaders_on_the_page_and_in_compare() {
    let s = server();
    let svg = |c: &str| {
        let r = get(&s.url, &format!("/api/lab?s={SINO}&c={c}&runs=3&seed=1"));
        assert_eq!(r.status, 200, "{}", r.text());
        r.json()["svg"].as_str().unwrap().to_string()
    };
    // The history's strip: Mao from 1949 to 1976, and Zhou Enlai nowhere on it (he was
    // premier, not the leader).
    let history = svg("remove:secret_speech");
    let [(mao_x, strip_y, _)] = labels(&history, "Mao Zedong")[..] else {
        panic!("one Mao Zedong on the history's strip");
    };
    assert!(labels(&history, "Zhou Enlai").is_empty());
    assert_eq!(labels(&history, "Nikita Khrushchev").len(), 1);

    // Mao's tenure ended in 1959: his label sits in the middle of a shorter bar, further
    // left, on the same strip.
    let ended = svg("end:mao:1959-04-27");
    let [(x, y, _)] = labels(&ended, "Mao Zedong")[..] else {
        panic!("one Mao Zedong on the strip of the ended tenure");
    };
    assert_eq!(y, strip_y);
    assert!(
        x < mao_x - 100.0,
        "Mao's bar still reaches 1976: {x} against {mao_x}"
    );
    assert!(labels(&ended, "Zhou Enlai").is_empty());

    // A stand-in from 1959: Mao to 1959, then Zhou Enlai on the same strip to 1976.
    let stand_in = svg("lead:mao:zhou_enlai:1959-04-27");
    let [(m, my, _)] = labels(&stand_in, "Mao Zedong")[..] else {
        panic!("one Mao Zedong on the strip of the stand-in");
    };
    let [(z, zy, _)] = labels(&stand_in, "Zhou Enlai")[..] else {
        panic!("Zhou Enlai stands in on the strip");
    };
    assert_eq!((my, zy), (strip_y, strip_y));
    assert!((m - x).abs() < 1.0 && z > m, "Mao at {m}, Zhou at {z}");

    // `compare` draws the same strip from the shipped what-if: Malenkov, not Khrushchev,
    // leads the Soviet Union from 1953 to 1964.
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let compare = diplosim(
        &shipped(),
        &[
            "compare",
            SINO,
            "counterfactuals/malenkov_instead_of_khrushchev.ron",
            "--runs",
            "3",
            "--quiet",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(compare.code, Some(0), "{}", compare.stderr);
    let chart = std::fs::read_to_string(out.join("chart.svg")).unwrap();
    assert!(
        labels(&chart, "Nikita Khrushchev").is_empty(),
        "Khrushchev is still on the strip"
    );
    assert_eq!(labels(&chart, "Georgy Malenkov").len(), 1);
}

#[test]
fn a_what_ifs_title_is_the_teachers_and_names_its_downloaded_file() {
    let tmp = copy_of_scenarios();
    let s = server_with(tmp.path(), Limits::default());
    let q = format!("s={SINO}&c=remove:secret_speech&runs=5");
    let made = get(&s.url, &format!("/api/lab?{q}"));
    assert_eq!(made.status, 200, "{}", made.text());
    let made_title = made.json()["title"].as_str().unwrap().to_string();
    assert!(made_title.ends_with("never happened"), "{made_title}");

    // The teacher's title: on the chart, in the file, and naming the file.
    let titled = format!("{q}&t=%20Without%20the%20%20Secret%20Speech%20");
    let a = get(&s.url, &format!("/api/lab?{titled}"));
    assert_eq!(a.status, 200, "{}", a.text());
    let v = a.json();
    assert_eq!(v["title"], "Without the Secret Speech");
    assert_eq!(v["file"], "without_the_secret_speech.ron");
    assert!(
        v["svg"]
            .as_str()
            .unwrap()
            .contains("What if? Without the Secret Speech")
    );
    assert_ne!(a.body, made.body, "the title is part of the answer");
    let text = v["counterfactual"].as_str().unwrap();
    assert!(
        text.contains("name: Some(\"without_the_secret_speech\")")
            && text.contains("title: \"Without the Secret Speech\""),
        "{text}"
    );
    // The same title written otherwise is the same question, kept.
    let again = get(
        &s.url,
        &format!("/api/lab?t=Without%20the%20Secret%20Speech&{q}"),
    );
    assert_eq!(again.body, a.body);
    assert_eq!(again.header("x-diplosim-cache").unwrap(), "hit");

    let ron = get(&s.url, &format!("/api/counterfactual?{titled}"));
    assert_eq!(
        ron.header("content-disposition").unwrap(),
        "attachment; filename=\"without_the_secret_speech.ron\""
    );
    assert_eq!(ron.text(), text);
    std::fs::write(
        tmp.path()
            .join("counterfactuals/without_the_secret_speech.ron"),
        &ron.body,
    )
    .unwrap();
    let out = tmp.path().join("out");
    let compare = diplosim(
        tmp.path(),
        &[
            "compare",
            SINO,
            "counterfactuals/without_the_secret_speech.ron",
            "--runs",
            "5",
            "--quiet",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(compare.code, Some(0), "{}", compare.stderr);
    let csv = std::fs::read(out.join("compare.csv")).unwrap();
    assert!(
        String::from_utf8_lossy(&csv).contains("without_the_secret_speech"),
        "compare.csv names the what-if as the file does"
    );
    let page_csv = get(&s.url, &format!("/api/data?{titled}&file=compare.csv"));
    assert_eq!(page_csv.body, csv);

    // A prepared question alone keeps its own name; with a title, it is the title's.
    let p = "p=counterfactuals/air_cover_at_once.ron&runs=5";
    let preset = get(&s.url, &format!("/api/counterfactual?s={SINO}&{p}"));
    assert_eq!(
        preset.header("content-disposition").unwrap(),
        "attachment; filename=\"air_cover_at_once.ron\""
    );
    let renamed = get(&s.url, &format!("/api/lab?s={SINO}&{p}&t=Baseline"));
    assert_eq!(renamed.json()["file"], "baseline_what_if.ron");

    // A title of no Latin letter gets the page's name; a title too long is refused.
    let cyrillic = get(&s.url, &format!("/api/lab?{q}&t=%D0%91%D0%B5%D0%B7"));
    assert_eq!(cyrillic.json()["file"], "whatif.ron");
    assert_eq!(cyrillic.json()["title"], "\u{0411}\u{0435}\u{0437}");
    let long = get(&s.url, &format!("/api/lab?{q}&t={}", "a".repeat(121)));
    assert_eq!(long.status, 400);
    assert!(
        long.text().contains("has 121 characters") && long.text().contains("at most 120"),
        "{}",
        long.text()
    );
}

#[test]
fn with_a_what_if_explain_says_which_run_and_explains_the_what_ifs_too() {
    let s = server();
    let sc = Scenario::load(&shipped().join(SINO)).unwrap();
    let at: diplosim::date::Date = "1962-06-01".parse().unwrap();
    let history = {
        let x = diplosim::experiment::explain(&sc, 3, at, 0).unwrap();
        diplosim::report::explain_text(&sc, &x)
    };
    let q = format!("s={SINO}&c=remove:secret_speech&seed=3&at=1962-06");
    let text = |run: &str| {
        let a = get(&s.url, &format!("/api/explain?{q}{run}"));
        (
            a.status,
            a.json()["text"].as_str().unwrap_or_default().to_string(),
            a.text(),
        )
    };
    let (status, h, _) = text("&run=history");
    assert_eq!(status, 200);
    assert_eq!(
        h,
        format!(
            "The history as scripted, seed 3 (one of the runs the black line averages):\n{history}"
        )
    );
    let (_, w, _) = text("&run=whatif");
    let head = "The what-if, seed 3 (one of the runs the coloured line averages):\n";
    assert!(w.starts_with(head), "{w}");
    let what_if = &w[head.len()..];
    assert_ne!(
        what_if, history,
        "the what-if's run is explained, not the history's"
    );
    // Without the speech, the parties stay closer: the structural part differs.
    let structural = |t: &str| {
        t.lines()
            .find(|l| l.trim_start().starts_with("structural part"))
            .unwrap()
            .to_string()
    };
    assert_ne!(structural(what_if), structural(&history));
    // Both, the history's first; the default.
    let (_, both, _) = text("&run=both");
    assert_eq!(both, format!("{h}\n{w}"));
    assert_eq!(text("").1, both);
    // A run that is not one, or the what-if's run with no what-if, is a message.
    let (status, _, body) = text("&run=mean");
    assert_eq!(status, 400);
    assert!(
        body.contains("run must be history, whatif or both, not \\\"mean\\\""),
        "{body}"
    );
    let none = get(
        &s.url,
        &format!("/api/explain?s={SINO}&at=1962-06&run=whatif"),
    );
    assert_eq!(none.status, 400);
    assert!(none.text().contains("no change is made"), "{}", none.text());
}

const STRATEGIC: &str = "strategic_triangle_1949_1991.ron";

#[test]
fn the_triangle_offers_its_own_what_ifs_and_only_what_a_class_can_see() {
    let s = server();
    let info = get(&s.url, &format!("/api/scenario?s={STRATEGIC}")).json();
    assert_eq!(info["from"], "1949-01-01");
    // The five what-ifs of the triangle are its prepared questions, and only its.
    assert_eq!(
        keys(&info["presets"], "key"),
        [
            "counterfactuals/triangle_no_afghanistan_invasion.ron",
            "counterfactuals/triangle_no_kissinger_channel.ron",
            "counterfactuals/triangle_no_tiananmen_crackdown.ron",
            "counterfactuals/triangle_strike_on_lop_nur.ron",
            "counterfactuals/triangle_us_recognises_prc_1950.ron",
        ]
    );
    let sino = get(&s.url, &format!("/api/scenario?s={SINO}")).json();
    let sino_presets = keys(&sino["presets"], "key");
    assert_eq!(sino_presets.len(), 6, "{sino_presets:?}");
    assert!(sino_presets.iter().all(|k| !k.contains("triangle")));
    // The included file's events before 1949 run unseen: none is offered, none is "Not
    // on a fixed date" (only follow-ups and triggered events are).
    let events = info["events"].as_array().unwrap();
    let ids = keys(&info["events"], "id");
    for gone in [
        "treaty_1945",
        "marco_polo_bridge",
        "berlin_blockade",
        "truman_doctrine",
    ] {
        assert!(!ids.iter().any(|i| i == gone), "{gone} is offered");
    }
    for e in events {
        match e["date"].as_str() {
            Some(d) => assert!(("1949-01-01"..="1991-12-26").contains(&d), "{e}"),
            None => assert_ne!(e["kind"], "dated", "{e}"),
        }
        assert_eq!(
            e["era"] == "Not on a fixed date",
            e["date"].is_null(),
            "{e}"
        );
    }
    assert!(ids.iter().any(|i| i == "nixon_visit") && ids.iter().any(|i| i == "normalisation"));
    // The leader drop-downs: who holds office within the span, from the three states.
    let leaders = keys(&info["leaders"], "name");
    for gone in ["Vladimir Lenin", "Sun Yat-sen", "Zhang Zuolin"] {
        assert!(!leaders.iter().any(|n| n == gone), "{gone} is offered");
    }
    for kept in [
        "Joseph Stalin",
        "Harry S. Truman",
        "Mikhail Gorbachev",
        "Deng Xiaoping",
    ] {
        assert!(leaders.iter().any(|n| n == kept), "{kept} is missing");
    }
    for l in info["leaders"].as_array().unwrap() {
        let within = l["terms"].as_array().unwrap().iter().any(|t| {
            t["from"].as_str().unwrap() <= "1991-12-26"
                && t["to"].as_str().is_none_or(|to| to > "1949-01-01")
        });
        assert!(within, "{l}");
    }
}

#[test]
fn a_class_what_if_on_the_triangle_reaches_every_pair_its_event_names() {
    let s = server();
    // The Sino-Soviet file's "Nixon visits China" turns the CCP away from Moscow's camp:
    // moved to 1975, it moves China's relations with both others, and not the third pair.
    let v = get(
        &s.url,
        &format!("/api/lab?s={STRATEGIC}&c=move:nixon_visit:1975-06-01&runs=10&seed=1"),
    )
    .json();
    assert!(v["error"].is_null(), "{v}");
    let parted: Vec<(String, bool)> = v["summaries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| !x["pair"].is_null())
        .map(|x| {
            let text = x["text"].as_str().unwrap();
            (
                x["pair"].as_str().unwrap().to_string(),
                text.contains("first parts from the history as scripted in March 1972"),
            )
        })
        .collect();
    assert_eq!(
        parted,
        [
            ("china/soviet_union".to_string(), true),
            ("china/united_states".to_string(), true),
            ("soviet_union/united_states".to_string(), false),
        ],
        "{}",
        v["summary"]
    );
}

#[test]
fn a_triangle_scenario_offers_triangle_csv_and_draws_its_strips() {
    let tmp = tempfile::tempdir().unwrap();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/triangle.ron");
    std::fs::copy(&fixture, tmp.path().join("triangle.ron")).unwrap();
    let s = server_with(tmp.path(), Limits::default());
    let v = get(&s.url, "/api/lab?s=triangle.ron&seed=2").json();
    assert_eq!(
        v["files"],
        serde_json::json!(["trajectory.csv", "events.csv", "triangle.csv"])
    );
    let sc = Scenario::load(&fixture).unwrap();
    let run = Simulation::new(&sc).run(2).unwrap();
    // The page's chart is `run`'s, strips and all.
    assert_eq!(
        v["svg"].as_str().unwrap(),
        chart::render_svg(&chart::of_run(&sc, &run)).unwrap()
    );
    assert!(
        v["svg"]
            .as_str()
            .unwrap()
            .contains("stable marriage: China outcast")
    );
    let t = sc.triangle().unwrap();
    let bytes =
        diplosim::record::triangle_csv(&sc, t, &diplosim::triangle::of_run(t, &run)).unwrap();
    let file = get(&s.url, "/api/data?s=triangle.ron&seed=2&file=triangle.csv");
    assert_eq!(file.status, 200, "{}", file.text());
    assert_eq!(file.body, bytes);
}
