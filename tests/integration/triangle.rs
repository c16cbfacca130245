//! The strategic triangle scenario: it loads, includes the Sino-Soviet file without
//! changing its pair's numbers, meets every checkpoint of its three pairs, and its three
//! relations have the signs the literature gives the periods of the triangle.

use diplosim::record;
use diplosim::scenario::Scenario;

use crate::common::*;

const TRIANGLE: &str = "scenarios/strategic_triangle_1949_1991.ron";
const SINO_SOVIET: &str = "scenarios/sino_soviet_1917_1991.ron";

fn triangle() -> Scenario {
    Scenario::load(&repo(TRIANGLE)).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn check_accepts_the_triangle() {
    let ran = diplosim(&repo(""), &["check", TRIANGLE]);
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    assert!(
        ran.stdout
            .contains("1949-01-01 to 1991-12-26; 3 states (3 pairs)"),
        "{}",
        ran.stdout
    );
    // The included file's contested events come with it, each reading bound to the
    // Sino-Soviet pair as the events are (a reading's `State` level names no pair here).
    assert!(
        ran.stdout.contains(
            "contested: yangtze_advice (moscow_advised, no_such_advice), korean_war \
             (moscow_and_kim_alone, stalin_drew_mao_in), zhenbao_ambush (chinese_ambush, \
             soviet_patrol_first)"
        ),
        "{}",
        ran.stdout
    );
    assert!(
        ran.stdout
            .contains("a triangle of china, soviet_union, united_states, 6 triangle checkpoints"),
        "{}",
        ran.stdout
    );
    let sc = triangle();
    let ids: Vec<&str> = sc.states().iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["china", "soviet_union", "united_states"]);
    let keys: Vec<String> = (0..3).map(|p| sc.pair_key(p)).collect();
    assert_eq!(
        keys,
        [
            "china/soviet_union",
            "china/united_states",
            "soviet_union/united_states"
        ]
    );
}

#[test]
fn the_triangle_has_at_least_60_sourced_events_on_the_us_pairs() {
    let sc = triangle();
    let (cu, su) = (
        sc.find_pair("china/united_states"),
        sc.find_pair("soviet_union/united_states"),
    );
    let (cu, su) = (
        cu.expect("china/united_states"),
        su.expect("soviet_union/united_states"),
    );
    let moving = sc
        .events()
        .iter()
        .filter(|e| !e.source.is_empty())
        .filter(|e| {
            e.effects.iter().any(|x| match x {
                diplosim::scenario::Effect::Modifier { pair, .. } => *pair == cu || *pair == su,
                _ => false,
            })
        })
        .count();
    assert!(moving >= 60, "{moving} events move a US pair");
}

#[test]
fn the_sino_soviet_pair_keeps_the_shipped_scenarios_numbers() {
    let tri = triangle();
    let ss = Scenario::load(&repo(SINO_SOVIET)).unwrap_or_else(|e| panic!("{e}"));
    let first = tri.span().0.day();
    for seed in [1, 2, 7] {
        let shown = |sc: &Scenario, pair: usize| -> Vec<(i32, String)> {
            run(sc, seed)
                .monthly_of(pair)
                .filter(|s| s.day >= first)
                .map(|s| (s.day, record::fixed(s.score)))
                .collect()
        };
        let a = shown(&ss, 0);
        let b = shown(&tri, 0);
        assert_eq!(a.len(), 516, "43 years of months, 1949-1991");
        assert_eq!(a, b, "seed {seed}");
    }
}

#[test]
fn the_triangle_baseline_meets_every_checkpoint() {
    let sc = triangle();
    let r = run(&sc, 1);
    let verdicts = record::checkpoints(&sc, &r);
    let on_us_pairs = verdicts
        .iter()
        .filter(|v| sc.timeline.checkpoints[v.checkpoint].pair != 0)
        .count();
    assert!(
        on_us_pairs >= 10,
        "{on_us_pairs} checkpoints on the US pairs"
    );
    for v in &verdicts {
        let c = &sc.timeline.checkpoints[v.checkpoint];
        assert!(
            v.met,
            "checkpoint \"{}\" ({} to {}) expects {}, the run ranges {:.2} to {:.2}",
            c.id, c.from, c.to, c.expect, v.low, v.high
        );
    }
}

/// Each pair's sign by the levels reading: + from a month at +1 or above, - from a month
/// at -1 or below, kept in between.
fn signs(r: &diplosim::record::Run, pair: usize) -> Vec<(String, Option<char>)> {
    let mut sign = None;
    r.monthly_of(pair)
        .map(|s| {
            if s.score >= 1.0 {
                sign = Some('+');
            } else if s.score <= -1.0 {
                sign = Some('-');
            }
            (diplosim::date::Date::from_day(s.day).to_string(), sign)
        })
        .collect()
}

#[test]
fn the_pairs_have_the_signs_of_the_literatures_periods() {
    let sc = triangle();
    let r = run(&sc, 1);
    let all: Vec<Vec<(String, Option<char>)>> = (0..3).map(|p| signs(&r, p)).collect();
    // (from, to, signs of china/soviet_union, china/united_states, soviet_union/united_states)
    let periods = [
        // A stable marriage of Beijing and Moscow, the United States the outcast.
        ("1950-01", "1959-12", ['+', '-', '-']),
        // A stable marriage of Washington and Beijing, the Soviet Union the outcast.
        ("1979-01", "1982-12", ['-', '+', '-']),
        // After Tiananmen, a romantic triangle with the Soviet Union as pivot.
        ("1989-07", "1991-12", ['+', '-', '+']),
        // Detente by levels: a US-Soviet marriage, China still the outcast.
        ("1972-06", "1976-12", ['-', '-', '+']),
    ];
    for (from, to, want) in periods {
        for (p, pair) in all.iter().enumerate() {
            for (date, sign) in pair
                .iter()
                .filter(|(d, _)| d[..7] >= *from && d[..7] <= *to)
            {
                assert_eq!(
                    *sign,
                    Some(want[p]),
                    "{} on {date}: expected {}",
                    sc.pair_key(p),
                    want[p]
                );
            }
        }
    }
}

/// The mean over the months of a year of one pair's score, in a run.
fn year_mean(r: &diplosim::record::Run, pair: usize, year: &str) -> f64 {
    let scores: Vec<f64> = r
        .monthly_of(pair)
        .filter(|s| {
            diplosim::date::Date::from_day(s.day)
                .to_string()
                .starts_with(year)
        })
        .map(|s| s.score)
        .collect();
    scores.iter().sum::<f64>() / scores.len() as f64
}

#[test]
fn the_triangles_what_ifs_run_and_move_the_pairs_their_events_name() {
    use diplosim::scenario::counterfactual::Counterfactual;
    let base = triangle();
    let b = run(&base, 1);
    let (ss, cu, su) = (0, 1, 2);
    // (file, pair, year, whether the what-if lies above the history that year)
    let cases = [
        ("triangle_no_kissinger_channel.ron", cu, "1973", false),
        ("triangle_no_kissinger_channel.ron", ss, "1975", true),
        ("triangle_strike_on_lop_nur.ron", ss, "1971", false),
        ("triangle_strike_on_lop_nur.ron", su, "1970", false),
        ("triangle_us_recognises_prc_1950.ron", cu, "1960", true),
        ("triangle_no_afghanistan_invasion.ron", su, "1981", true),
        ("triangle_no_afghanistan_invasion.ron", ss, "1982", true),
        ("triangle_no_tiananmen_crackdown.ron", cu, "1990", true),
    ];
    for (file, pair, year, above) in cases {
        let path = repo("scenarios/counterfactuals").join(file);
        let cf = Counterfactual::load(&path).unwrap_or_else(|e| panic!("{e}"));
        let w = run(&cf.scenario, 1);
        let (history, what_if) = (year_mean(&b, pair, year), year_mean(&w, pair, year));
        assert!(
            if above {
                what_if > history + 0.25
            } else {
                what_if < history - 0.25
            },
            "{file}: {} in {year}: history {history:.2}, what-if {what_if:.2}",
            base.pair_key(pair)
        );
    }
    let mut args = vec![
        "compare".to_string(),
        TRIANGLE.to_string(),
        "--quiet".into(),
    ];
    let dir = tempfile::tempdir().expect("a temporary folder");
    args.extend(["--out".into(), dir.path().display().to_string()]);
    for (file, ..) in cases {
        let f = format!("scenarios/counterfactuals/{file}");
        if !args.contains(&f) {
            args.push(f);
        }
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let ran = diplosim(&repo(""), &args);
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    assert!(dir.path().join("compare.csv").is_file());
}

/// The levels strip of the baseline, as `run` draws and tells it, agrees with the
/// literature's table (TRIANGLE.md) in every period where the table gives one
/// configuration; the contested periods show both readings and are not counted.
#[test]
fn the_baseline_meets_the_triangles_undisputed_checkpoints_and_shows_each_reading() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    let ran = diplosim(&repo(""), &["run", TRIANGLE, "--out", out]);
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    assert!(
        ran.stdout.contains("triangle checkpoints met: 3 of 3"),
        "{}",
        ran.stdout
    );
    let text = std::fs::read_to_string(dir.path().join("chart.txt")).unwrap();
    for line in [
        "- 1950-01 to 1960-07: stable marriage, China and Soviet Union partners, United States the outcast (balanced).",
        "- 1979-01 to 1987-12: stable marriage, China and United States partners, Soviet Union the outcast (balanced).",
        "- 1989-07 to 1991-12: romantic triangle, Soviet Union the pivot, China and United States the wings (unbalanced).",
        "Checkpoints of the triangle: 3 of 3 met; 3 contested, each reading shown.",
        "  - Kissinger's design, by trend: expected romantic triangle, United States the pivot, China and Soviet Union the wings;",
    ] {
        assert!(text.contains(line), "no {line:?} in:\n{text}");
    }
    assert!(dir.path().join("triangle.csv").exists());
}

/// With the pairs coupled, the triangle's "no Kissinger channel" reaches the pair none of
/// its events names (the Soviet Union and the United States), and uncoupled it does not
/// (docs/strategic-triangle.md, "Coupling"): the friend-of-my-enemy rule read off the runs.
#[test]
fn coupled_the_no_kissinger_what_if_reaches_the_third_pair_and_uncoupled_it_does_not() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    let ran = diplosim(
        &repo(""),
        &[
            "compare",
            TRIANGLE,
            "scenarios/counterfactuals/triangle_no_kissinger_channel.ron",
            "docs/coupling/coupled_history.ron",
            "docs/coupling/no_kissinger_channel_coupled.ron",
            "--runs",
            "20",
            "--out",
            out,
        ],
    );
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    let text = std::fs::read_to_string(dir.path().join("compare.csv")).unwrap();
    let mut lines = text.lines();
    let head: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| head.iter().position(|h| *h == name).unwrap();
    let (uncoupled, history, coupled) = (
        col("triangle_no_kissinger_channel_diff"),
        col("coupled_history"),
        col("no_kissinger_channel_coupled"),
    );
    let (mut moved, mut months) = (0.0, 0);
    for line in lines {
        let f: Vec<&str> = line.split(',').collect();
        if f[1] != "soviet_union/united_states" || !("1972".."1979").contains(&&f[0][..4]) {
            continue;
        }
        assert_eq!(
            f[uncoupled], "0.0000",
            "uncoupled, the third pair moved: {line}"
        );
        moved += f[coupled].parse::<f64>().unwrap() - f[history].parse::<f64>().unwrap();
        months += 1;
    }
    assert_eq!(months, 84);
    // Without the opening, China and the United States stay foes, and so the enemy of
    // China's enemy warms: the Soviet-US line is warmer, on average, in 1972-1978.
    let mean = moved / months as f64;
    assert!(
        mean > 0.3,
        "coupled, the Soviet-US pair moved {mean:.2} on average"
    );
}
