//! Contested readings on the classroom page: the choice travels in the link (`r`), is
//! kept by its canonical form, "all" gives what holds under every reading as `compare`
//! says it, and a bad reading is one plain sentence.

use std::path::{Path, PathBuf};

use diplosim::serve::{Config, Limits, Running, start};

use crate::common::diplosim;
use crate::support::http::get;

const SINO: &str = "sino_soviet_1917_1991.ron";

fn shipped() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios")
}

fn server() -> Running {
    start(Config {
        dir: shipped(),
        host: "127.0.0.1".into(),
        port: 0,
        limits: Limits::default(),
    })
    .expect("the server starts")
}

/// Runs `diplosim compare` in `dir` on the what-if of the page's query `q`, saved as the
/// page's "Download .ron" saves it, with `[runs, seed, readings]`; its output folder.
fn compare_the_pages_whatif(
    dir: &Path,
    s: &Running,
    q: &str,
    [runs, seed, readings]: &[&str; 3],
) -> PathBuf {
    let ron = get(&s.url, &format!("/api/counterfactual?{q}"));
    std::fs::create_dir(dir.join("counterfactuals")).unwrap();
    std::fs::copy(shipped().join(SINO), dir.join(SINO)).unwrap();
    std::fs::write(dir.join("counterfactuals/whatif.ron"), &ron.body).unwrap();
    let out = dir.join("out");
    let ran = diplosim(
        dir,
        &[
            "compare",
            SINO,
            "counterfactuals/whatif.ron",
            "--runs",
            runs,
            "--seed",
            seed,
            "--readings",
            readings,
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    out
}

#[test]
fn the_scenario_lists_its_contested_events_with_each_readings_source() {
    let s = server();
    let v = get(&s.url, &format!("/api/scenario?s={SINO}")).json();
    let items = v["contested"].as_array().unwrap();
    let ids: Vec<&str> = items.iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["yangtze_advice", "korean_war", "zhenbao_ambush"]);
    let zhenbao = &items[2];
    assert_eq!(zhenbao["kind"], "event");
    assert_eq!(
        zhenbao["title"],
        "Border clash on Zhenbao (Damansky) Island"
    );
    let names: Vec<&str> = (zhenbao["readings"].as_array().unwrap().iter())
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["chinese_ambush", "soviet_patrol_first"]);
    assert!(
        zhenbao["readings"][1]["source"]
            .as_str()
            .unwrap()
            .contains("Renmin Ribao")
    );
}

#[test]
fn a_link_with_a_reading_reopens_it_with_compares_numbers() {
    let tmp = tempfile::tempdir().unwrap();
    let s = server();
    let pin = "zhenbao_ambush=soviet_patrol_first";
    let q = format!("s={SINO}&c=remove:secret_speech&runs=6&seed=3&r={pin}");
    let a = get(&s.url, &format!("/api/lab?{q}"));
    assert_eq!(a.status, 200, "{}", a.text());
    let v = a.json();
    assert_eq!(v["readings"], pin, "the page is told the reading it shows");
    // The same link opened again: the same reading, the same bytes.
    let again = get(&s.url, &format!("/api/lab?{q}"));
    assert_eq!(again.body, a.body);
    // The reading moves the numbers: the history as written gives another answer.
    let written = get(
        &s.url,
        &format!("/api/lab?s={SINO}&c=remove:secret_speech&runs=6&seed=3"),
    );
    assert_eq!(written.json()["readings"], "default");
    assert_ne!(written.json()["svg"], v["svg"]);

    // "Why is the score what it is?" explains the run as read: Zhenbao under the Soviet
    // patrol reading leaves its own modifier, -1.25 at its start.
    let zhenbao = |r: &str| {
        let a = get(
            &s.url,
            &format!("/api/explain?s={SINO}&seed=3&at=1969-05{r}"),
        );
        assert_eq!(a.status, 200, "{}", a.text());
        let text = a.json()["text"].as_str().unwrap().to_string();
        (text.lines())
            .find(|l| l.trim_start().starts_with("zhenbao_ambush:"))
            .map(|l| l.trim_end().to_string())
    };
    let read = zhenbao(&format!("&r={pin}")).expect("the clash counts in May 1969");
    assert!(read.ends_with("-1.2500"), "{read}");
    let written = zhenbao("");
    assert!(
        written.as_ref().is_none_or(|l| !l.ends_with("-1.2500")),
        "{written:?}"
    );

    // The page's compare.csv is the command's with the same reading pinned.
    let csv = get(&s.url, &format!("/api/data?{q}&file=compare.csv"));
    assert_eq!(csv.status, 200, "{}", csv.text());
    let out = compare_the_pages_whatif(tmp.path(), &s, &q, &["6", "3", pin]);
    assert_eq!(csv.body, std::fs::read(out.join("compare.csv")).unwrap());
}

#[test]
fn the_canonical_key_ignores_a_spelled_out_default() {
    let s = server();
    let base = format!("/api/lab?s={SINO}&runs=1&seed=2");
    let first = get(&s.url, &base);
    assert_eq!(first.status, 200, "{}", first.text());
    assert_eq!(first.header("x-diplosim-cache"), Some("miss"));
    // Each item's first reading written out, in any order, or "default": the same
    // question, kept.
    for r in [
        "default",
        "zhenbao_ambush=chinese_ambush",
        "korean_war=moscow_and_kim_alone,yangtze_advice=moscow_advised",
    ] {
        let a = get(&s.url, &format!("{base}&r={r}"));
        assert_eq!(a.status, 200, "{r}: {}", a.text());
        assert_eq!(a.header("x-diplosim-cache"), Some("hit"), "{r}");
        assert_eq!(a.body, first.body, "{r}");
    }
    // A reading that is not the default is another question; a default beside it
    // changes nothing.
    let other = get(
        &s.url,
        &format!("{base}&r=zhenbao_ambush=soviet_patrol_first"),
    );
    assert_eq!(other.header("x-diplosim-cache"), Some("miss"));
    let same = get(
        &s.url,
        &format!("{base}&r=korean_war=moscow_and_kim_alone,zhenbao_ambush=soviet_patrol_first"),
    );
    assert_eq!(same.header("x-diplosim-cache"), Some("hit"));
    assert_eq!(
        same.json()["readings"],
        "zhenbao_ambush=soviet_patrol_first"
    );
}

#[test]
fn all_readings_give_what_holds_under_every_reading_as_compare_says_it() {
    let tmp = tempfile::tempdir().unwrap();
    let s = server();
    let q = format!("s={SINO}&c=remove:secret_speech&runs=8&seed=1&r=all");
    let a = get(&s.url, &format!("/api/lab?{q}"));
    assert_eq!(a.status, 200, "{}", a.text());
    let v = a.json();
    assert_eq!(v["readings"], "all");
    let held: Vec<&str> = (v["held"].as_array().unwrap().iter())
        .map(|l| l.as_str().unwrap())
        .collect();
    assert!(
        held.iter()
            .any(|l| l.starts_with("event zhenbao_ambush: chinese_ambush ")),
        "{held:#?}"
    );
    assert!(
        held.iter().any(|l| l.starts_with("baseline: 1950s")),
        "{held:#?}"
    );
    // Without "all" there is nothing to hold.
    let one = get(
        &s.url,
        &format!("/api/lab?s={SINO}&c=remove:secret_speech&runs=8&seed=1"),
    );
    assert!(one.json()["held"].as_array().unwrap().is_empty());

    // The lines are those `compare --readings all` ends divergence.txt with, and the
    // page's divergence.txt is the command's, byte for byte.
    let out = compare_the_pages_whatif(tmp.path(), &s, &q, &["8", "1", "all"]);
    let written = std::fs::read_to_string(out.join("divergence.txt")).unwrap();
    let theirs: Vec<&str> = (written.lines())
        .skip_while(|l| !l.starts_with("Under the contested readings"))
        .skip(1)
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    assert!(!theirs.is_empty(), "{written}");
    assert_eq!(held[1..], theirs[..]);
    let page = get(&s.url, &format!("/api/data?{q}&file=divergence.txt"));
    assert_eq!(page.text(), written);
}

#[test]
fn a_bad_reading_is_one_plain_sentence_naming_the_event_and_its_readings() {
    let s = server();
    let said = |r: &str| {
        let a = get(&s.url, &format!("/api/lab?s={SINO}&runs=1&r={r}"));
        assert_eq!(a.status, 400, "{r}: {}", a.text());
        a.json()["error"].as_str().unwrap().to_string()
    };
    assert_eq!(
        said("zhenbao_ambush=soviet_first"),
        "The event \u{201c}Border clash on Zhenbao (Damansky) Island\u{201d} (zhenbao_ambush) has no reading \u{201c}soviet_first\u{201d}; its readings are \u{201c}chinese_ambush\u{201d} and \u{201c}soviet_patrol_first\u{201d}."
    );
    let unknown = said("zhenbao=soviet_patrol_first");
    assert!(
        unknown.starts_with(
            "\u{201c}zhenbao\u{201d} is not contested in this scenario; its contested items are "
        ),
        "{unknown}"
    );
    assert!(unknown.contains("(zhenbao_ambush)"), "{unknown}");
    assert!(said("zhenbao_ambush").contains("write \u{201c}all\u{201d}"));
}
