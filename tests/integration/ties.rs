//! Consequences that follow their cause: a modifier that ends when an event happens
//! (`UntilEvent`), and a follow-up that answers an event. Removing the cause keeps the
//! modifier to the end of its own life and takes the answer with it; moving the cause
//! moves the end and the answer; `check` asks for a tie where a dated end falls on an
//! event's date.

use std::path::{Path, PathBuf};

use crate::common::{day, run, world, world_text};
use diplosim::engine::Simulation;
use diplosim::scenario::counterfactual::{Counterfactual, Source};
use diplosim::scenario::file::ScenarioFile;
use diplosim::scenario::{Effect, Scenario, ScenarioError};

fn shipped() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/sino_soviet_1917_1991.ron")
}

/// The shipped scenario's variant with these changes.
fn variant(changes: &str) -> Counterfactual {
    let text = format!(
        "Counterfactual(base: \"../sino_soviet_1917_1991.ron\", title: \"t\", question: \"q?\", changes: [{changes}])"
    );
    let path = shipped().with_file_name("counterfactuals/test_variant.ron");
    let source = Source::parse(text, &path).unwrap_or_else(|e| panic!("{e}"));
    let base = ScenarioFile::parse(&std::fs::read_to_string(shipped()).unwrap(), &shipped())
        .unwrap_or_else(|e| panic!("{e}"));
    source
        .apply(&base, &shipped())
        .unwrap_or_else(|e| panic!("{e}"))
}

/// Whether the modifier labelled `label` counts at the end of `date` (seed 1).
fn counts(scenario: &Scenario, label: &str, date: &str) -> bool {
    let snap = Simulation::new(scenario)
        .explain(1, day(date))
        .expect("the run completes");
    let found: Vec<bool> = (snap.modifiers.iter())
        .filter(|(m, _)| {
            matches!(&scenario.events[m.source].effects[m.effect],
                Effect::Modifier { label: l, .. } if l == label)
        })
        .map(|&(_, counts)| counts)
        .collect();
    assert_eq!(found.len(), 1, "{label} on {date}: {found:?}");
    found[0]
}

const PLANTS: &str = "Soviet engineers and plants";

#[test]
fn the_experts_recall_ends_the_programme_on_its_day() {
    let base = Scenario::load(&shipped()).unwrap();
    assert!(counts(&base, PLANTS, "1960-07-15"));
    assert!(!counts(&base, PLANTS, "1960-07-16"));
}

#[test]
fn removing_the_experts_recall_keeps_the_programme_to_the_end_of_its_life() {
    let cf = variant("Remove(\"experts_withdrawn\")");
    assert!(cf.scenario.event_index("experts_withdrawn").is_none());
    for date in ["1960-07-16", "1975-01-01", "1991-12-26"] {
        assert!(counts(&cf.scenario, PLANTS, date), "{date}");
    }
    // The variant equals its base up to the day the recall would have come.
    assert_eq!(cf.first_change.to_string(), "1960-07-16");
}

#[test]
fn moving_the_experts_recall_moves_the_programme_s_end() {
    let cf = variant("Move(event: \"experts_withdrawn\", to: \"1962-03-01\")");
    assert!(counts(&cf.scenario, PLANTS, "1962-02-28"));
    assert!(!counts(&cf.scenario, PLANTS, "1962-03-01"));
}

#[test]
fn removing_the_zhenbao_ambush_removes_the_counterattack() {
    let base = Scenario::load(&shipped()).unwrap();
    let fired = |s: &Scenario| -> Vec<(String, i32)> {
        let r = run(s, 1);
        (r.fired.iter())
            .map(|f| (s.events[f.event].id.clone(), f.day))
            .filter(|(id, _)| id.starts_with("zhenbao"))
            .collect()
    };
    assert_eq!(
        fired(&base),
        [
            ("zhenbao_ambush".to_string(), day("1969-03-02")),
            ("zhenbao_counterattack".to_string(), day("1969-03-15")),
        ]
    );
    let cf = variant("Remove(\"zhenbao_ambush\")");
    assert!(cf.scenario.event_index("zhenbao_counterattack").is_none());
    assert_eq!(fired(&cf.scenario), []);
    // Moved, the ambush takes its answer along, 13 days after it.
    let cf = variant("Move(event: \"zhenbao_ambush\", to: \"1969-05-01\")");
    assert_eq!(
        fired(&cf.scenario),
        [
            ("zhenbao_ambush".to_string(), day("1969-05-01")),
            ("zhenbao_counterattack".to_string(), day("1969-05-14")),
        ]
    );
}

#[test]
fn a_tied_end_follows_its_event_s_drawn_day_and_holds_when_it_never_comes() {
    // The cause falls within 20 days of 1 June 1955 and happens one run in two.
    let s = world(
        r#"(id: "aid", date: "1951-01-01", title: "Aid", source: "s",
            effects: [Modifier(level: State, value: 2.0, fade: UntilEvent("cut"))]),
           (id: "cut", date: "1955-06-01", window: 20, chance: 0.5, title: "Cut", source: "s")"#,
    );
    let (mut ended, mut kept) = (0, 0);
    for seed in 1..=40 {
        let r = run(&s, seed);
        let cut = (r.fired.iter()).find(|f| s.events[f.event].id == "cut");
        let state_on = |d: i32| {
            let sample = (r.samples.iter()).rfind(|x| x.day <= d).unwrap();
            sample.parts.state
        };
        match cut {
            Some(f) => {
                ended += 1;
                assert_eq!(
                    f.before, 0.0,
                    "seed {seed}: the cut's day already lacks the aid"
                );
                assert_eq!(state_on(day("1956-01-01")), 0.0, "seed {seed}");
            }
            None => {
                kept += 1;
                assert_eq!(state_on(day("1960-12-01")), 2.0, "seed {seed}");
            }
        }
    }
    assert!(ended > 5 && kept > 5, "{ended} ended, {kept} kept");
}

#[test]
fn check_asks_for_a_tie_where_a_dated_end_falls_on_an_event_s_date() {
    let events = |fade: &str| {
        format!(
            r#"(id: "aid", date: "1951-01-01", title: "Aid", source: "s",
                effects: [Modifier(level: State, value: 2.0, fade: {fade})]),
               (id: "cut", date: "1955-06-01", title: "Aid cut off", source: "s")"#
        )
    };
    let dated = world(&events("Until(\"1955-06-01\")"));
    assert_eq!(dated.warnings.len(), 1, "{:#?}", dated.warnings);
    let w = &dated.warnings[0];
    assert!(
        w.message
            .contains("ends on 1955-06-01, the date of event \"cut\" (Aid cut off)"),
        "{}",
        w.message
    );
    assert_eq!(w.hint.as_deref(), Some("did you mean UntilEvent(\"cut\")?"));
    let text = world_text(&events("Until(\"1955-06-01\")"));
    let (line, col) = position(&text, "Until(\"1955");
    let at = w.location.as_ref().expect("located");
    assert_eq!((at.line, at.col), (line, col));

    assert_eq!(world(&events("UntilEvent(\"cut\")")).warnings.len(), 0);
    // A dated end on a day no event has is left alone.
    assert_eq!(world(&events("Until(\"1955-06-02\")")).warnings.len(), 0);
}

#[test]
fn the_shipped_scenario_ties_every_end_that_is_one_of_its_events() {
    let s = Scenario::load(&shipped()).unwrap();
    let asks: Vec<String> = (s.warnings.iter())
        .filter(|w| w.hint.as_deref().is_some_and(|h| h.contains("UntilEvent")))
        .map(|w| w.message.clone())
        .collect();
    assert_eq!(asks, Vec::<String>::new());
}

#[test]
fn an_unknown_event_in_a_tie_is_located_with_a_did_you_mean() {
    let events = r#"(id: "aid", date: "1951-01-01", title: "Aid", source: "s",
            effects: [Modifier(level: State, value: 2.0, fade: UntilEvent("cutt"))]),
           (id: "cut", date: "1955-06-01", title: "Cut", source: "s")"#;
    let text = world_text(events);
    let e = Scenario::from_str(&text, Path::new("world.ron")).expect_err("an unknown event");
    let (line, col) = position(&text, "\"cutt\"");
    let ScenarioError::Invalid { problems, .. } = &e else {
        panic!("{e}")
    };
    assert_eq!(problems.len(), 1, "{e}");
    assert_eq!(problems[0].message, "unknown event \"cutt\"");
    assert_eq!(problems[0].hint.as_deref(), Some("did you mean \"cut\"?"));
    let at = problems[0].location.as_ref().expect("located");
    assert_eq!((at.line, at.col), (line, col));
    assert!(
        e.to_string().contains(&format!("world.ron:{line}:{col}:")),
        "{e}"
    );
}

#[test]
fn a_modifier_tied_to_its_own_event_is_refused() {
    let text = world_text(
        r#"(id: "aid", date: "1951-01-01", title: "Aid", source: "s",
            effects: [Modifier(level: State, value: 2.0, fade: UntilEvent("aid"))])"#,
    );
    let e = Scenario::from_str(&text, Path::new("world.ron")).expect_err("refused");
    assert!(
        e.to_string()
            .contains("a modifier that ends when its own event \"aid\" happens never counts"),
        "{e}"
    );
}

/// Line and column (in characters, from 1) of the first `needle` in `text`.
fn position(text: &str, needle: &str) -> (usize, usize) {
    let at = text.find(needle).expect("the needle is in the text");
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().unwrap().chars().count() + 1;
    (line, col)
}

#[test]
fn a_removal_lists_what_it_takes_with_it_and_what_it_leaves() {
    let cf = variant("Remove(\"zhenbao_ambush\")");
    assert_eq!(cf.removals.len(), 1);
    let r = &cf.removals[0];
    assert_eq!(r.event.0, "zhenbao_ambush");
    assert_eq!(
        r.follow_ups,
        [(
            "zhenbao_counterattack".to_string(),
            "Soviet counterattack on Zhenbao Island".to_string()
        )]
    );
    assert!(r.guarded.is_empty() && r.kept.is_empty(), "{r:?}");
    assert_eq!(
        diplosim::report::removal_text(r),
        "  removes                   \"Border clash on Zhenbao (Damansky) Island\" (zhenbao_ambush, 1969-03-02)\n    \
         takes with it           its follow-up \"Soviet counterattack on Zhenbao Island\" (zhenbao_counterattack)\n    \
         leaves running          no modifier ended with it\n"
    );

    let cf = variant("Remove(\"experts_withdrawn\")");
    let r = &cf.removals[0];
    assert!(r.follow_ups.is_empty() && r.guarded.is_empty(), "{r:?}");
    assert_eq!(
        r.kept,
        [(
            "plants_agreement".to_string(),
            "Soviet engineers and plants".to_string()
        )]
    );
    assert!(
        diplosim::report::removal_text(r).contains(
            "leaves running          \"Soviet engineers and plants\" (plants_agreement), which ended with it: now to the end of the run"
        )
    );
}

#[test]
fn a_removal_names_the_events_whose_guard_asks_for_it() {
    let text = world_text(
        r#"(id: "talks", date: "1952-01-01", title: "Talks", source: "s",
            effects: [FollowUp(event: "communique", after: 3)]),
           (id: "communique", title: "Communique", source: "s"),
           (id: "treaty", date: "1954-01-01", title: "Treaty", source: "s", when: Happened("communique")),
           (id: "visit", date: "1955-01-01", title: "Visit", source: "s", when: Not(Happened("talks")))"#,
    );
    let base = ScenarioFile::parse(&text, Path::new("world.ron")).unwrap();
    let source = Source::parse(
        "Counterfactual(base: \"world.ron\", title: \"t\", question: \"q?\", changes: [Remove(\"talks\")])"
            .to_string(),
        Path::new("no_talks.ron"),
    )
    .unwrap();
    let cf = source.apply(&base, Path::new("world.ron")).unwrap();
    let r = &cf.removals[0];
    let ids = |v: &[(String, String)]| v.iter().map(|x| x.0.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&r.follow_ups), ["communique"]);
    assert_eq!(ids(&r.guarded), ["treaty", "visit"]);
    assert!(
        diplosim::report::removal_text(r).contains(
            "takes with it           its follow-up \"Communique\" (communique); \"Treaty\" (treaty), whose guard asks whether it happened (now it never has); \"Visit\" (visit), whose guard asks whether it happened (now it never has)"
        ),
        "{}",
        diplosim::report::removal_text(r)
    );
}

#[test]
fn the_report_card_says_how_much_is_rewritten_when_the_histories_rejoin_and_how_far_the_gap_is() {
    use diplosim::experiment::{self, Seeds, Variant};
    use diplosim::report::{self, Rewrite, Told};
    // The small fixture has 7 events; removing the incident takes its apology with it.
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let base_path = fixtures.join("small.ron");
    let base = Scenario::load(&base_path).unwrap();
    let base_file =
        ScenarioFile::parse(&std::fs::read_to_string(&base_path).unwrap(), &base_path).unwrap();
    let cf = Counterfactual::load(&fixtures.join("counterfactuals/no_incident.ron")).unwrap();
    let touched = report::WhatIf::of(&base_file, &base, &cf).touched;
    assert_eq!((cf.changes, touched, base.events.len()), (1, 2, 7));
    let v = [Variant {
        name: "no_incident",
        scenario: &cf.scenario,
    }];
    let c = experiment::compare(&base, &v, Seeds::new(1, 20).unwrap(), &()).unwrap();
    let told = Told {
        removals: &cf.removals,
        plausibility: &cf.plausibility,
        contradictions: &cf.contradictions,
        handovers: &cf.handovers,
        rewrite: Some(Rewrite {
            changes: cf.changes,
            touched,
            events: base.events.len(),
            first_change: cf.first_change,
        }),
    };
    let text = report::divergence_text(&base, &c, &["No border incident"], &[told]);
    assert!(
        text.contains(
            "  minimal rewrite           1 change, touching 2 of the history's 7 events (28.6%)\n"
        ),
        "{text}"
    );
    let d = &c.variants[0].divergence[0];
    let (when, _) = d.largest.unwrap();
    let years = f64::from(when - cf.first_change.day()) / 365.25;
    assert!(
        text.contains(&format!(
            "  largest gap comes         {years:.1} years after the first change ({})\n",
            cf.first_change
        )),
        "{text}"
    );
    // The incident is drawn around 1957-01-01 and the span ends in 1960: fewer than five
    // years are left after the parting, so the histories cannot be shown to come back.
    assert!(d.parts.unwrap() >= day("1956-12-01"), "{:?}", d.parts);
    assert_eq!(d.rejoins, None);
    assert!(
        text.contains(
            "  comes back together       never (the mean gap does not stay within 0.5 points for 5 years)\n"
        ),
        "{text}"
    );
}

/// The report card's plausibility lines of a fixture counterfactual, on 4 paired runs.
fn plausibility_of(fixture: &str) -> (Counterfactual, String) {
    use diplosim::experiment::{self, Seeds, Variant};
    use diplosim::report::{self, Told};
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let base = Scenario::load(&fixtures.join("small.ron")).unwrap();
    let cf = Counterfactual::load(&fixtures.join("counterfactuals").join(fixture))
        .unwrap_or_else(|e| panic!("{e}"));
    let v = [Variant {
        name: &cf.name,
        scenario: &cf.scenario,
    }];
    let c = experiment::compare(&base, &v, Seeds::new(1, 4).unwrap(), &()).unwrap();
    let told = Told {
        plausibility: &cf.plausibility,
        ..Told::default()
    };
    let text = report::divergence_text(&base, &c, &[cf.title.as_str()], &[told]);
    (cf, text)
}

#[test]
fn the_report_card_says_which_changes_were_considered_and_their_joint_chance() {
    let (_, text) = plausibility_of("considered.ron");
    assert!(
        text.contains(concat!(
            "  plausibility              Remove(\"incident\"): considered (a border commander's memoir), chance 0.25\n",
            "                            Remove(\"treaty\"): considered (the North's cabinet minutes, 1951), chance 0.5\n",
            "  joint probability         0.125 (the product of the 2 changes' chances, as if independent)\n",
        )),
        "{text}"
    );
}

#[test]
fn a_change_no_source_considered_is_a_miracle_and_leaves_the_joint_chance_unsaid() {
    let (cf, text) = plausibility_of("half_miracle.ron");
    assert_eq!(
        diplosim::scenario::counterfactual::Plausibility::joint(&cf.plausibility),
        None
    );
    assert!(
        text.contains(concat!(
            "  plausibility              Move(event: \"treaty\", to: \"1953-03-01\"): considered (the South's envoy, letter of 1951), chance 0.4\n",
            "                            Scale(event: \"treaty\", by: 2): a miracle counterfactual (Lebow): no source says it was considered\n",
            "                            Remove(\"party_ties\"): considered (the Red Party's congress, 1952)\n",
            "  joint probability         not given: 2 of 3 changes have no chance\n",
        )),
        "{text}"
    );
    // A what-if with no `considered` at all is a miracle in every change.
    let (_, text) = plausibility_of("no_incident.ron");
    assert!(
        text.contains(concat!(
            "  plausibility              Remove(\"incident\"): a miracle counterfactual (Lebow): no source says it was considered\n",
            "  joint probability         not given: 1 of 1 change has no chance\n",
        )),
        "{text}"
    );
}

#[test]
fn a_considered_entry_naming_no_change_or_a_chance_out_of_range_is_located() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/counterfactuals");
    let path = fixtures.join("bad_considered.ron");
    let text = "Counterfactual(\n    base: \"../small.ron\",\n    title: \"t\",\n    question: \"q?\",\n    changes: [Remove(\"incident\"), Remove(\"treaty\")],\n    considered: [\n        (change: 2, source: \"a memoir\"),\n        (change: 0, source: \"a memoir\", chance: 1.5),\n        (change: 0, source: \"again\"),\n        (change: 1, source: \" \"),\n    ],\n)\n";
    let source = Source::parse(text.to_string(), &path).unwrap_or_else(|e| panic!("{e}"));
    let base_path = fixtures.join("../small.ron");
    let base =
        ScenarioFile::parse(&std::fs::read_to_string(&base_path).unwrap(), &base_path).unwrap();
    let e = source.apply(&base, &base_path).unwrap_err();
    let ScenarioError::Invalid { problems, .. } = &e else {
        panic!("{e:?}")
    };
    let seen: Vec<(String, String, Option<(usize, usize)>)> = (problems.iter())
        .map(|p| {
            (
                p.subject.to_string(),
                p.message.clone(),
                p.location.as_ref().map(|l| (l.line, l.col)),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            (
                "considered[0]".to_string(),
                "names change 2, but the counterfactual lists 2 changes".to_string(),
                Some((7, 18))
            ),
            (
                "considered[1]".to_string(),
                "has a chance of 1.5, outside [0, 1]".to_string(),
                Some((8, 49))
            ),
            (
                "considered[2]".to_string(),
                "names change 0 (Remove(\"incident\")) a second time".to_string(),
                Some((9, 18))
            ),
            (
                "considered[3]".to_string(),
                "has an empty `source`".to_string(),
                Some((10, 29))
            ),
        ]
    );
    let shown = e.to_string();
    assert!(shown.contains("bad_considered.ron:8:49"), "{shown}");
    assert!(shown.contains("here 0 to 1"), "{shown}");
}

/// The report card of a fixture counterfactual with all it is told, on 2 paired runs.
fn card_of(fixture: &str) -> String {
    use diplosim::experiment::{self, Seeds, Variant};
    use diplosim::report::{self, Told};
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let base = Scenario::load(&fixtures.join("small.ron")).unwrap();
    let cf = Counterfactual::load(&fixtures.join("counterfactuals").join(fixture))
        .unwrap_or_else(|e| panic!("{e}"));
    let v = [Variant {
        name: &cf.name,
        scenario: &cf.scenario,
    }];
    let c = experiment::compare(&base, &v, Seeds::new(1, 2).unwrap(), &()).unwrap();
    let told = Told {
        removals: &cf.removals,
        plausibility: &cf.plausibility,
        contradictions: &cf.contradictions,
        handovers: &cf.handovers,
        rewrite: None,
    };
    report::divergence_text(&base, &c, &[cf.title.as_str()], &[told])
}

#[test]
fn a_removed_treaty_whose_renewal_guard_or_tied_end_stays_is_a_cotenability_warning() {
    let text = card_of("treaty_gone_renewal_kept.ron");
    assert!(
        text.contains(concat!(
            "  cotenability              Remove(\"treaty\") leaves \"Treaty renewed\" (treaty_renewal, 1956-03-01): it names the same thing as \"Treaty\"\n",
            "                            Remove(\"treaty\") leaves \"A visit\" (visit, 1953-05-01): its guard asks that \"Treaty\" happened\n",
            "                            Remove(\"treaty\") leaves \"A visit\" (visit, 1953-05-01): a modifier of it ended with \"Treaty\"\n",
        )),
        "{text}"
    );
    // A follow-up that another event schedules too stays, though it answered the removed one.
    let text = card_of("apology_kept.ron");
    assert!(
        text.contains(
            "  cotenability              Remove(\"incident\") leaves \"Apology\" (apology): it followed \"Border incident\" and stays, scheduled by another event\n"
        ),
        "{text}"
    );
    // Removing the incident takes its apology with it: nothing left presumes it.
    let text = card_of("no_incident.ron");
    assert!(
        text.contains(
            "  cotenability              no change contradicts an event still in the run\n"
        ),
        "{text}"
    );
}

#[test]
fn a_leader_replacement_says_what_it_hands_over_and_where_the_leader_is_still_named() {
    // From June 1951 Dee stands in Cid's place: in the friendship of 1952 (an actor and
    // a leader-level modifier), for Cid's one open term.
    let text = card_of("dee_for_cid.ron");
    assert!(
        text.contains(
            "  hands over                Cid South's place (cid) to Dee South (dee) from 1951-06-01: 1 office (leader from 1951-06-01), 1 event, 1 leader-level modifier\n"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "  cotenability              ReplaceLeader(leader: \"cid\", by: \"dee\", from: \"1951-06-01\") leaves \"Cid South speaks in the North\" (cid_speech, 1958-01-01): its title names South, whose place the stand-in has taken\n"
        ),
        "{text}"
    );
    // In the shipped what-if, Malenkov takes Khrushchev's twelve events, and the Bucharest
    // clash of 1960 still bears Khrushchev's name.
    let cf = Counterfactual::load(
        &shipped().with_file_name("counterfactuals/malenkov_instead_of_khrushchev.ron"),
    )
    .unwrap();
    let h = &cf.handovers[0];
    assert_eq!((h.offices.len(), h.events), (1, 12), "{h:?}");
    let named: Vec<&str> = (cf.contradictions.iter())
        .map(|c| c.event.0.as_str())
        .collect();
    assert_eq!(named, ["bucharest_clash"]);
}
