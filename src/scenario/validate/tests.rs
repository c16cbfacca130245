//! One test or more per class of rule, each on the small fixture with one edit, asserting
//! the subject and message a user reads (and the hint where it says what to do).

use std::path::Path;

use super::folder_name_problem;
use crate::scenario::{Problem, Scenario, ScenarioError};

/// The small world of the integration tests: valid, with every kind of event.
const SMALL: &str = include_str!("../../../tests/fixtures/small.ron");

/// The fixture with each `(old, new)` replaced once; `old` must be there.
fn edit(pairs: &[(&str, &str)]) -> String {
    let mut text = SMALL.to_string();
    for (old, new) in pairs {
        assert!(text.contains(old), "the fixture has no {old:?}");
        text = text.replacen(old, new, 1);
    }
    text
}

fn load(text: &str) -> Result<Scenario, ScenarioError> {
    Scenario::from_str(text, Path::new("small.ron"))
}

/// "subject: message" of a problem, as the user reads its first line.
fn line(p: &Problem) -> String {
    format!("{}: {}", p.subject, p.message)
}

/// Every problem of a file that must not validate.
fn problems(text: &str) -> Vec<Problem> {
    match load(text) {
        Err(e @ ScenarioError::Invalid { .. }) => e.problems().to_vec(),
        Err(e) => panic!("expected broken rules, got:\n{e}"),
        Ok(_) => panic!("the broken file validated"),
    }
}

/// The first lines of every problem.
fn lines(text: &str) -> Vec<String> {
    problems(text).iter().map(line).collect()
}

/// The first lines of every warning of a valid file.
fn warnings(text: &str) -> Vec<String> {
    match load(text) {
        Ok(s) => s.warnings.iter().map(line).collect(),
        Err(e) => panic!("expected a valid file, got:\n{e}"),
    }
}

#[test]
fn the_fixture_is_valid_and_warns_of_nothing() {
    assert_eq!(warnings(SMALL), Vec::<String>::new());
}

#[test]
fn ids_are_unique_across_states_parties_leaders_and_actors() {
    let ps = problems(&edit(&[("(id: \"ben\",", "(id: \"red\",")]));
    assert_eq!(
        ps.iter().map(line).collect::<Vec<_>>(),
        ["leader \"red\": duplicate id: \"red\" is already used by a party"]
    );
    assert_eq!(
        ps[0].hint.as_deref(),
        Some("ids of states, parties, leaders and actors must all differ")
    );
}

#[test]
fn event_ids_are_unique() {
    assert_eq!(
        lines(&edit(&[("(id: \"party_ties\",", "(id: \"treaty\",")])),
        ["event \"treaty\": duplicate event id \"treaty\": event number 1 has it too"]
    );
}

#[test]
fn an_unknown_id_is_named_with_the_likely_typo() {
    let ps = problems(&edit(&[(
        "Party(\"red\", \"blue\")",
        "Party(\"red\", \"bleu\")",
    )]));
    assert_eq!(
        ps.iter().map(line).collect::<Vec<_>>(),
        ["event \"party_ties\" (1952-06-01): unknown party \"bleu\""]
    );
    assert_eq!(ps[0].hint.as_deref(), Some("did you mean \"blue\"?"));
}

#[test]
fn an_unknown_id_far_from_any_lists_the_known_ones() {
    let ps = problems(&edit(&[(
        "actors: [\"north\", \"south\"]",
        "actors: [\"north\", \"zzzzzz\"]",
    )]));
    assert_eq!(
        ps.iter().map(line).collect::<Vec<_>>(),
        ["event \"treaty\" (1951-03-01): unknown actor \"zzzzzz\""]
    );
    assert_eq!(
        ps[0].hint.as_deref(),
        Some("known actors: ann, ben, blue, cid, east, north, pink, red, south")
    );
}

#[test]
fn dates_lie_in_the_span_and_the_span_runs_forwards() {
    assert_eq!(
        lines(&edit(&[("date: \"1951-03-01\"", "date: \"1949-03-01\"")])),
        [
            "event \"treaty\" (1949-03-01): its date lies outside the scenario's span, 1950-01-01 to 1960-12-31"
        ]
    );
    let backwards = lines(&edit(&[(
        "span: (\"1950-01-01\", \"1960-12-31\")",
        "span: (\"1960-12-31\", \"1950-01-01\")",
    )]));
    assert_eq!(
        backwards[0],
        "scenario: the span must end after it starts, but it runs from 1960-12-31 to 1950-01-01"
    );
}

#[test]
fn a_window_needs_a_date_and_fits_in_the_span() {
    assert_eq!(
        lines(&edit(&[("window: 30,", "window: 9000,")])),
        [
            "event \"incident\" (1957-01-01): a window of 9000 days is wider than the whole span (4017 days)"
        ]
    );
    assert_eq!(
        lines(&edit(&[(
            "(id: \"apology\",",
            "(id: \"apology\", window: 3,"
        )])),
        ["event \"apology\" (follow-up): a date window needs a date"]
    );
}

#[test]
fn values_chances_and_thresholds_stay_within_their_bounds() {
    assert_eq!(
        lines(&edit(&[("value: 4.0", "value: 40.0")])),
        ["event \"treaty\" (1951-03-01): a modifier's value is off the scale: 40 is beyond ±18"]
    );
    assert_eq!(
        lines(&edit(&[("chance: 0.9", "chance: 1.5")])),
        ["event \"incident\" (1957-01-01): chance is 1.5; a probability lies in [0, 1]"]
    );
    assert_eq!(
        lines(&edit(&[("Uniform(-4.0, -2.0)", "Uniform(-2.0, -4.0)")])),
        [
            "event \"incident\" (1957-01-01): a modifier's value is Uniform(-2, -4): the low end exceeds the high end"
        ]
    );
    assert_eq!(
        lines(&edit(&[(
            "ideology: {\"left\": 0.8}",
            "ideology: {\"left\": 1.8}"
        )])),
        ["party \"red\": ideology on \"left\" is 1.8, outside [-1, 1]"]
    );
    assert_eq!(
        lines(&edit(&[("bound: 9.0", "bound: 9000.0")]))[0],
        "scale: the bound is 9000; it must be a positive number no larger than 1000"
    );
}

#[test]
fn conditions_name_what_exists_and_can_hold() {
    assert_eq!(
        lines(&edit(&[("ScoreAtLeast(0.0)", "ScoreAtLeast(12.0)")])),
        ["event \"spat\" (triggered): the score threshold 12 is off the scale [-9, 9]"]
    );
    assert_eq!(
        lines(&edit(&[(
            "ScoreAtLeast(0.0)",
            "Rules(\"north\", \"blue\")"
        )])),
        [
            "event \"spat\" (triggered): Rules(\"north\", \"blue\") can never hold: \"blue\" is a party of another state"
        ]
    );
    let ps = problems(&edit(&[("ScoreAtLeast(0.0)", "Band(\"frendly\")")]));
    assert_eq!(
        ps.iter().map(line).collect::<Vec<_>>(),
        ["event \"spat\" (triggered): unknown band \"frendly\""]
    );
    assert_eq!(ps[0].hint.as_deref(), Some("did you mean \"friendly\"?"));
}

#[test]
fn effects_bind_the_right_pairs_and_end_after_their_event() {
    assert_eq!(
        lines(&edit(&[(
            "Rule(state: \"north\", party: \"pink\")",
            "Rule(state: \"north\", party: \"blue\")"
        )])),
        [
            "event \"election\" (1956-01-01): party \"blue\" cannot rule \"north\": it belongs to another state"
        ]
    );
    assert_eq!(
        lines(&edit(&[(
            "Party(\"red\", \"blue\")",
            "Party(\"red\", \"pink\")"
        )])),
        [
            "event \"party_ties\" (1952-06-01): a party-level modifier binds a party of each state, but \"red\" and \"pink\" belong to one state"
        ]
    );
    assert_eq!(
        lines(&edit(&[(
            "fade: Permanent)]),\n        (id: \"party_ties\"",
            "fade: Until(\"1951-01-01\"))]),\n        (id: \"party_ties\""
        )])),
        [
            "event \"friendship\" (1952-01-01): a modifier ends on 1951-01-01, not after the event's own date"
        ]
    );
    assert_eq!(
        lines(&edit(&[("fade: Days(90.0)", "fade: Days(-1.0)")])),
        [
            "event \"spat\" (triggered): a half-life of -1 days; it must be a positive, finite number"
        ]
    );
}

#[test]
fn follow_ups_target_undated_events_that_something_schedules() {
    assert_eq!(
        lines(&edit(&[(
            "FollowUp(event: \"apology\", after: 14)",
            "FollowUp(event: \"treaty\", after: 14)"
        )])),
        [
            "event \"incident\": schedules \"treaty\" as a follow-up, but that event has a date or an mtth of its own",
            "event \"apology\": has no date, no mtth, and no event schedules it, so it can never happen",
        ]
    );
}

#[test]
fn zero_delay_follow_ups_may_not_loop() {
    let text = edit(&[(
        "effects: [Modifier(level: State, value: 1.0, fade: Until(\"1958-01-01\"))]",
        "effects: [Modifier(level: State, value: 1.0, fade: Until(\"1958-01-01\")), FollowUp(event: \"apology\", after: 0)]",
    )]);
    assert_eq!(
        lines(&text),
        ["event \"apology\": follow-ups form a cycle that never advances time: apology -> apology"]
    );
}

#[test]
fn one_office_holds_one_person_at_a_time() {
    let ps = problems(&edit(&[(
        "terms: [(from: \"1955-06-01\")]",
        "terms: [(from: \"1955-01-01\")]",
    )]));
    assert_eq!(
        ps.iter().map(line).collect::<Vec<_>>(),
        [
            "leader \"ben\": the term in office \"leader\" from 1955-01-01 overlaps the term of \"ann\" from 1950-01-01 to 1955-06-01"
        ]
    );
}

#[test]
fn those_who_act_are_in_office_and_leaders_serve_their_state() {
    assert_eq!(
        lines(&edit(&[("date: \"1952-01-01\"", "date: \"1956-01-01\"")]))[0],
        "event \"friendship\" (1956-01-01): leader \"ann\" acts but is not in office on 1956-01-01"
    );
    assert_eq!(
        lines(&edit(&[(
            "state: \"north\", party: \"pink\",",
            "state: \"north\", party: \"blue\","
        )])),
        ["leader \"ben\": party \"blue\" belongs to another state than \"north\""]
    );
    assert_eq!(
        lines(&edit(&[(
            "Leader(\"ann\", \"cid\")",
            "Leader(\"ann\", \"ben\")"
        )])),
        [
            "event \"friendship\" (1952-01-01): a leader-level modifier binds a leader of each state, but \"ann\" and \"ben\" serve one state"
        ]
    );
}

#[test]
fn a_leader_level_modifier_between_leaders_never_in_office_together_warns() {
    // Ben takes office in 1955, after the friendship of 1952 has been bound to Ann.
    let text = edit(&[(
        "Leader(\"ann\", \"cid\"), value: 3.0, fade: Permanent",
        "Leader(\"ben\", \"cid\"), value: 3.0, fade: Until(\"1953-01-01\")",
    )]);
    assert_eq!(
        warnings(&text),
        [
            "event \"friendship\" (1952-01-01): this leader-level modifier can never count: \"ben\" and \"cid\" are never both in office from 1952-01-01 on"
        ]
    );
}

#[test]
fn a_party_level_modifier_between_parties_that_never_both_rule_after_it_warns() {
    // Red loses power to Pink on 1956-01-01, for certain: a tie with Red made in 1957 never
    // counts.
    let late = edit(&[("date: \"1952-06-01\"", "date: \"1957-06-01\"")]);
    let ps = match load(&late) {
        Ok(s) => s.warnings,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(
        ps.iter().map(line).collect::<Vec<_>>(),
        [
            "event \"party_ties\" (1957-06-01): this party-level modifier can never count: \"red\" and \"blue\" never both rule from 1957-06-01 on"
        ]
    );
    assert_eq!(
        ps[0].hint.as_deref(),
        Some(
            "a party-level modifier counts only while both parties rule: bind the parties that rule, or use level: State"
        )
    );
    // Made before the change of government, it counts until then: no warning.
    assert_eq!(warnings(SMALL), Vec::<String>::new());
    // An election that may not happen (chance, guard) may leave Red in power: no warning.
    let maybe = late.replacen(
        "effects: [Rule(state: \"north\", party: \"pink\")]",
        "chance: 0.5, effects: [Rule(state: \"north\", party: \"pink\")]",
        1,
    );
    assert_eq!(warnings(&maybe), Vec::<String>::new());
    // An election whose window reaches past the tie's day may come after it: no warning.
    let windowed = late.replacen(
        "(id: \"election\", date: \"1956-01-01\",",
        "(id: \"election\", date: \"1957-05-01\", window: 60,",
        1,
    );
    assert_eq!(warnings(&windowed), Vec::<String>::new());
}

#[test]
fn a_party_that_never_rules_is_named_in_the_warning() {
    let text = edit(&[
        (
            "Rule(state: \"north\", party: \"pink\")",
            "Modifier(level: State, value: 1.0, fade: Days(30.0))",
        ),
        ("Party(\"red\", \"blue\")", "Party(\"pink\", \"blue\")"),
    ]);
    assert_eq!(
        warnings(&text),
        [
            "event \"party_ties\" (1952-06-01): this party-level modifier can never count: \"pink\" never rules its state (it does not rule on the first day and no event brings it to power)"
        ]
    );
}

#[test]
fn texts_hold_no_control_characters() {
    assert_eq!(
        lines(&edit(&[("title: \"Treaty\"", "title: \"Tre\u{7}aty\"")])),
        ["text: this text holds the control character U+0007 (after \"Tre\")"]
    );
}

#[test]
fn checkpoints_and_eras_lie_in_the_span_and_name_real_bands() {
    assert_eq!(
        lines(&edit(&[("to: \"1955-12-31\")]", "to: \"1965-12-31\")]")])),
        ["era \"Early\": runs 1950-01-01 to 1965-12-31, outside the span 1950-01-01 to 1960-12-31"]
    );
    assert_eq!(
        lines(&edit(&[(
            "Bands(\"ordinary\", \"friendly\")",
            "Bands(\"friendly\", \"ordinary\")"
        )])),
        ["checkpoint \"warm\": Bands(\"friendly\", \"ordinary\") runs downwards"]
    );
}

#[test]
fn folder_names_are_short_plain_and_not_empty() {
    assert!(folder_name_problem("sino_soviet-2").is_none());
    assert!(folder_name_problem("").is_some());
    assert!(folder_name_problem("a/b").is_some());
    let (message, _) = folder_name_problem(&"x".repeat(65)).expect("too long");
    assert!(message.ends_with("has 65 characters; a name (the output folder) has at most 64"));
}

/// The three-state example: every pair derived, a pair named on each checkpoint.
const THREE: &str = include_str!("../../../tests/fixtures/three_states.ron");

/// The three-state example with each `(old, new)` replaced once; `old` must be there.
fn edit_three(pairs: &[(&str, &str)]) -> String {
    let mut text = THREE.to_string();
    for (old, new) in pairs {
        assert!(text.contains(old), "the example has no {old:?}");
        text = text.replacen(old, new, 1);
    }
    text
}

/// The three-state example with a `pairs` list written after its states.
fn declaring(pairs: &str) -> String {
    edit_three(&[(
        "    parties: [",
        &format!("    pairs: [{pairs}],\n    parties: ["),
    )])
}

/// "subject: message" of every problem, with its line and column.
fn placed(text: &str) -> Vec<(String, (usize, usize))> {
    problems(text)
        .iter()
        .map(|p| {
            let l = p.location.as_ref().expect("a located problem");
            (line(p), (l.line, l.col))
        })
        .collect()
}

#[test]
fn three_states_make_three_pairs_in_file_order() {
    let s = load(THREE).expect("the example is valid");
    assert!(s.warnings.is_empty(), "{:?}", s.warnings);
    let states: Vec<(usize, usize)> = s.pairs.iter().map(|p| p.states).collect();
    assert_eq!(states, [(0, 1), (0, 2), (1, 2)]);
    let keys: Vec<String> = (0..3).map(|p| s.pair_key(p)).collect();
    assert_eq!(keys, ["china/soviet_union", "china/us", "soviet_union/us"]);
    for p in &s.pairs {
        assert_eq!((p.structure.base, p.structure.affinity), (0.0, 1.0));
        assert_eq!(p.reference, None);
    }
    let event = |id: &str| &s.events[s.event_index(id).expect("the event")];
    let pair_of = |id: &str| match event(id).effects[0] {
        crate::scenario::Effect::Modifier { pair, .. } => pair,
        ref x => panic!("not a modifier: {x:?}"),
    };
    // States(..) names its pair in either order; Party(..) implies the parties' states'.
    assert_eq!(pair_of("split"), 0);
    assert_eq!(pair_of("no_relations"), 1);
    assert_eq!(pair_of("nixon_visit"), 1);
    assert_eq!(pair_of("salt"), 2);
    assert_eq!(event("nixon_visit").pairs, [1]);
    assert_eq!(event("salt").pairs, [2]);
    // `On` leaves no trace: its pair goes to the score condition inside.
    assert_eq!(
        event("border_talks").when,
        Some(crate::scenario::Condition::ScoreBelow(0, -6.0))
    );
    let checkpoints: Vec<usize> = s.timeline.checkpoints.iter().map(|c| c.pair).collect();
    assert_eq!(checkpoints, [0, 1, 2]);
    assert_eq!(s.timeline.eras[0].pair, Some(1));
}

#[test]
fn declared_pairs_are_modelled_in_their_order_with_their_own_structure() {
    let s = load(&declaring(concat!(
        "(states: (\"us\", \"china\"), structure: (base: 1.5, affinity: 0.5), reference: \"us_china.csv\"), ",
        "(states: (\"soviet_union\", \"us\")), (states: (\"china\", \"soviet_union\"))"
    )))
    .expect("valid");
    let states: Vec<(usize, usize)> = s.pairs.iter().map(|p| p.states).collect();
    assert_eq!(states, [(2, 0), (1, 2), (0, 1)]);
    assert_eq!(s.pair_key(0), "us/china");
    let structures: Vec<(f64, f64)> = s
        .pairs
        .iter()
        .map(|p| (p.structure.base, p.structure.affinity))
        .collect();
    assert_eq!(structures, [(1.5, 0.5), (0.0, 1.0), (0.0, 1.0)]);
    assert_eq!(s.pairs[0].reference.as_deref(), Some("us_china.csv"));
    let nixon = &s.events[s.event_index("nixon_visit").expect("the event")];
    assert_eq!(nixon.pairs, [0]);
    let checkpoints: Vec<usize> = s.timeline.checkpoints.iter().map(|c| c.pair).collect();
    assert_eq!(checkpoints, [2, 0, 1]);
}

#[test]
fn an_event_is_logged_on_the_pairs_it_moves_or_whose_states_it_changes() {
    // A change of government concerns every pair of its state; an event that moves no
    // pair and names no two states is logged on every pair.
    let s = load(&edit_three(&[(
        "    events: [",
        concat!(
            "    events: [\n",
            "        (id: \"purge\", date: \"1970-01-01\", title: \"Purge\", source: \"Kissinger\",\n",
            "         effects: [Ideology(party: \"cpsu\", axis: \"left\", shift: 0.1)]),\n",
            "        (id: \"quiet\", date: \"1970-02-01\", title: \"Quiet\", source: \"Kissinger\"),\n",
            "        (id: \"talks\", date: \"1970-03-01\", title: \"Talks\", source: \"Kissinger\",\n",
            "         actors: [\"china\", \"us\"]),",
        ),
    )]))
    .expect("valid");
    let pairs = |id: &str| {
        s.events[s.event_index(id).expect("the event")]
            .pairs
            .clone()
    };
    assert_eq!(pairs("purge"), [0, 2]);
    assert_eq!(pairs("quiet"), [0, 1, 2]);
    assert_eq!(pairs("talks"), [1]);
    // In a file of one pair, every event is that pair's.
    let small = load(SMALL).expect("valid");
    assert!(small.events.iter().all(|e| e.pairs == [0]));
}

#[test]
fn a_file_of_one_pair_may_name_it_or_not() {
    let s = load(&edit(&[
        (
            "Modifier(level: State, value: 4.0",
            "Modifier(level: States(\"south\", \"north\"), value: 4.0",
        ),
        (
            "ScoreAtLeast(0.0)",
            "On((\"north\", \"south\"), ScoreAtLeast(0.0))",
        ),
        (
            "(id: \"warm\",",
            "(id: \"warm\", pair: (\"north\", \"south\"),",
        ),
    ]))
    .expect("valid");
    assert_eq!(s.pairs.len(), 1);
    assert!(matches!(
        s.events[0].effects[0],
        crate::scenario::Effect::Modifier {
            pair: 0,
            level: crate::scenario::Level::State,
            ..
        }
    ));
    let spat = &s.events[s.event_index("spat").expect("the event")];
    assert_eq!(
        spat.when,
        Some(crate::scenario::Condition::All(vec![
            crate::scenario::Condition::After(
                crate::date::Date::from_ymd(1958, 1, 1)
                    .expect("a date")
                    .day()
            ),
            crate::scenario::Condition::ScoreAtLeast(0, 0.0),
        ]))
    );
    assert_eq!(s.timeline.checkpoints[0].pair, 0);
}

#[test]
fn a_scenario_has_two_to_twenty_four_states() {
    let one = edit(&[(
        "        (id: \"south\", name: \"South\", ruling: \"blue\"),\n",
        "",
    )]);
    let found = placed(&one);
    assert!(
        found.contains(&(
            "scenario: a scenario has at least two states; this one has 1".to_string(),
            (20, 13)
        )),
        "{found:?}"
    );
    let many: String = (0..24)
        .map(|k| format!("        (id: \"s{k}\", name: \"S{k}\", ruling: \"blue\"),\n"))
        .collect();
    let text = edit(&[(
        "        (id: \"south\", name: \"South\", ruling: \"blue\"),\n",
        &many,
    )]);
    let found = lines(&text);
    assert_eq!(found[0], "scenario: 25 states; a scenario has at most 24");
    let ps = problems(&text);
    assert_eq!(
        ps[0].hint.as_deref(),
        Some("every pair of states may be a relation to simulate: split the scenario into several")
    );
}

#[test]
fn a_state_id_may_not_hold_a_slash() {
    let text = edit(&[
        ("(id: \"north\", name", "(id: \"no/rth\", name"),
        (
            "state: \"north\", ideology: {\"left\": 0.8}",
            "state: \"no/rth\", ideology: {\"left\": 0.8}",
        ),
        (
            "state: \"north\", ideology: {\"left\": 0.3}",
            "state: \"no/rth\", ideology: {\"left\": 0.3}",
        ),
        (
            "(id: \"ann\", name: \"Ann North\", state: \"north\"",
            "(id: \"ann\", name: \"Ann North\", state: \"no/rth\"",
        ),
        (
            "(id: \"ben\", name: \"Ben North\", state: \"north\"",
            "(id: \"ben\", name: \"Ben North\", state: \"no/rth\"",
        ),
        (
            "actors: [\"north\", \"south\"]",
            "actors: [\"no/rth\", \"south\"]",
        ),
        ("Rule(state: \"north\"", "Rule(state: \"no/rth\""),
    ]);
    assert_eq!(
        placed(&text),
        [(
            "state \"no/rth\": state id \"no/rth\" holds a `/`, which joins the two ids of a pair (\"a/b\")"
                .to_string(),
            (21, 14)
        )]
    );
}

#[test]
fn a_declared_pair_names_two_known_different_states_once() {
    let all = "(states: (\"china\", \"soviet_union\")), (states: (\"china\", \"us\")), (states: (\"soviet_union\", \"us\")), ";
    let ps = problems(&declaring(&format!(
        "{all}(states: (\"us\", \"sovietunion\"))"
    )));
    assert_eq!(
        placed(&declaring(&format!(
            "{all}(states: (\"us\", \"sovietunion\"))"
        ))),
        [(
            "pair \"us/sovietunion\": unknown state \"sovietunion\"".to_string(),
            (30, 127)
        )]
    );
    assert_eq!(
        ps[0].hint.as_deref(),
        Some("did you mean \"soviet_union\"?")
    );
    assert_eq!(
        placed(&declaring(&format!("{all}(states: (\"us\", \"us\"))"))),
        [(
            "pair \"us/us\": state \"us\" is paired with itself".to_string(),
            (30, 120)
        )]
    );
    let twice = declaring(&format!("{all}(states: (\"us\", \"china\"))"));
    assert_eq!(
        placed(&twice),
        [(
            "pair \"us/china\": the pair of \"us\" and \"china\" is given twice: entry number 2 of `pairs` is the same pair"
                .to_string(),
            (30, 120)
        )]
    );
    assert_eq!(
        problems(&twice)[0].hint.as_deref(),
        Some("remove one of them; (\"a\", \"b\") and (\"b\", \"a\") are one pair")
    );
    assert_eq!(
        placed(&declaring(
            "(states: (\"china\", \"soviet_union\")), (states: (\"china\", \"us\"), structure: (base: 100.0, affinity: 1.0)), (states: (\"soviet_union\", \"us\"))"
        )),
        [(
            "pair \"china/us\": structure.base is 100, beyond ±18".to_string(),
            (30, 94)
        )]
    );
}

#[test]
fn a_state_level_names_its_pair_when_there_are_several() {
    let ps = problems(&edit_three(&[(
        "Modifier(level: States(\"china\", \"soviet_union\"), value: -5.0",
        "Modifier(level: State, value: -5.0",
    )]));
    assert_eq!(
        placed(&edit_three(&[(
            "Modifier(level: States(\"china\", \"soviet_union\"), value: -5.0",
            "Modifier(level: State, value: -5.0",
        )])),
        [(
            "event \"split\" (1969-01-01): level: State names no pair, but the file models 3 pairs"
                .to_string(),
            (37, 36)
        )]
    );
    assert_eq!(
        ps[0].hint.as_deref(),
        Some(
            "write level: States(\"china\", \"soviet_union\") with the two states whose relation it moves; the file's pairs: china/soviet_union, china/us, soviet_union/us"
        )
    );
    let typo = edit_three(&[(
        "States(\"china\", \"soviet_union\"), value: -5.0",
        "States(\"china\", \"sovietunion\"), value: -5.0",
    )]);
    assert_eq!(
        placed(&typo),
        [(
            "event \"split\" (1969-01-01): unknown state \"sovietunion\"".to_string(),
            (37, 52)
        )]
    );
    assert_eq!(
        problems(&typo)[0].hint.as_deref(),
        Some("did you mean \"soviet_union\"?")
    );
    assert_eq!(
        placed(&edit_three(&[(
            "States(\"china\", \"soviet_union\"), value: -5.0",
            "States(\"china\", \"china\"), value: -5.0"
        )])),
        [(
            "event \"split\" (1969-01-01): an effect pairs state \"china\" with itself".to_string(),
            (37, 36)
        )]
    );
}

#[test]
fn an_effect_on_a_pair_the_file_does_not_model_is_refused() {
    // Only China's two pairs: the Soviet-American summit, Nixon's party-level modifier
    // against a file without china/us, and the checkpoint on the missing pair.
    let text =
        declaring("(states: (\"china\", \"soviet_union\")), (states: (\"soviet_union\", \"us\"))");
    let ps = problems(&text);
    assert_eq!(
        placed(&text),
        [
            (
                "event \"no_relations\" (1969-01-01): an effect on a pair the file does not model: \"china\" and \"us\"".to_string(),
                (43, 36)
            ),
            (
                "event \"nixon_visit\" (1972-02-21): an effect on a pair the file does not model: \"china\" and \"us\"".to_string(),
                (47, 36)
            ),
            (
                "era \"Opening\": an era on a pair the file does not model: \"china\" and \"us\"".to_string(),
                (56, 41)
            ),
            (
                "checkpoint \"opening\": a checkpoint on a pair the file does not model: \"china\" and \"us\"".to_string(),
                (61, 35)
            ),
        ]
    );
    assert_eq!(
        ps[0].hint.as_deref(),
        Some(
            "the file's pairs: china/soviet_union, soviet_union/us; add (states: (\"china\", \"us\")) to `pairs`, or leave `pairs` out to model every pair of states"
        )
    );
}

#[test]
fn a_score_guard_names_its_pair_with_on_when_there_are_several() {
    let bare = edit_three(&[(
        "On((\"china\", \"soviet_union\"), ScoreBelow(-6.0))",
        "ScoreBelow(-6.0)",
    )]);
    assert_eq!(
        placed(&bare),
        [(
            "event \"border_talks\" (triggered): ScoreBelow names no pair, but the file models 3 pairs"
                .to_string(),
            (51, 16)
        )]
    );
    assert_eq!(
        problems(&bare)[0].hint.as_deref(),
        Some(
            "write On((\"china\", \"soviet_union\"), ScoreBelow(..)) around it, naming one of the file's pairs: china/soviet_union, china/us, soviet_union/us"
        )
    );
    // The innermost `On` decides; one outside an `All` reaches the conditions inside.
    let s = load(&edit_three(&[(
        "On((\"china\", \"soviet_union\"), ScoreBelow(-6.0))",
        "On((\"us\", \"china\"), All([Band(\"bad\"), On((\"us\", \"soviet_union\"), ScoreAtLeast(-6.0))]))",
    )]))
    .expect("valid");
    let talks = &s.events[s.event_index("border_talks").expect("the event")];
    assert_eq!(
        talks.when,
        Some(crate::scenario::Condition::All(vec![
            crate::scenario::Condition::Band(1, -3.0, 0.0),
            crate::scenario::Condition::ScoreAtLeast(2, -6.0),
        ]))
    );
    let typo = edit_three(&[(
        "On((\"china\", \"soviet_union\")",
        "On((\"china\", \"sovietunion\")",
    )]);
    assert_eq!(
        placed(&typo),
        [(
            "event \"border_talks\" (triggered): unknown state \"sovietunion\"".to_string(),
            (51, 29)
        )]
    );
    let text = declaring("(states: (\"china\", \"soviet_union\")), (states: (\"china\", \"us\"))");
    let text = text
        .replacen(
            "On((\"china\", \"soviet_union\")",
            "On((\"us\", \"soviet_union\")",
            1,
        )
        .replacen(
            "level: States(\"soviet_union\", \"us\")",
            "level: States(\"china\", \"us\")",
            1,
        )
        .replacen(
            "pair: (\"soviet_union\", \"us\")",
            "pair: (\"china\", \"us\")",
            1,
        );
    assert_eq!(
        placed(&text),
        [(
            "event \"border_talks\" (triggered): a guard on a pair the file does not model: \"us\" and \"soviet_union\""
                .to_string(),
            (52, 19)
        )]
    );
}

#[test]
fn a_checkpoint_names_its_pair_when_there_are_several() {
    let text = edit_three(&[(
        "(id: \"border_war\", pair: (\"china\", \"soviet_union\"), ",
        "(id: \"border_war\", ",
    )]);
    assert_eq!(
        placed(&text),
        [(
            "checkpoint \"border_war\": the checkpoint names no pair, but the file models 3 pairs"
                .to_string(),
            (57, 18)
        )]
    );
    assert_eq!(
        problems(&text)[0].hint.as_deref(),
        Some(
            "add pair: (\"china\", \"soviet_union\") naming the pair whose score it judges; the file's pairs: china/soviet_union, china/us, soviet_union/us"
        )
    );
    assert_eq!(
        placed(&edit_three(&[(
            "pair: (\"china\", \"us\"), from: \"1971",
            "pair: (\"china\", \"usa\"), from: \"1971"
        )])),
        [(
            "era \"Opening\": unknown state \"usa\"".to_string(),
            (55, 51)
        )]
    );
}

/// The triangle fixture: three states, a triangle and its checkpoints.
const TRIANGLE: &str = include_str!("../../../tests/fixtures/triangle.ron");

/// The triangle fixture with each `(old, new)` replaced once; `old` must be there.
fn triangle_edit(pairs: &[(&str, &str)]) -> String {
    let mut text = TRIANGLE.to_string();
    for (old, new) in pairs {
        assert!(text.contains(old), "the fixture has no {old:?}");
        text = text.replacen(old, new, 1);
    }
    text
}

#[test]
fn the_triangle_and_its_checkpoints_are_read() {
    use crate::triangle::{Configuration, Reading};
    let s = load(TRIANGLE).unwrap_or_else(|e| panic!("{e}"));
    let t = s.triangle().unwrap_or_else(|| panic!("no triangle"));
    assert_eq!(t.states, [0, 1, 2]);
    assert_eq!(
        (t.dead_band, t.trend_dead_band, t.dwell_months),
        (1.0, 0.5, 6)
    );
    let cs = &s.timeline.triangle_checkpoints;
    assert_eq!(cs.len(), 2);
    assert!(!cs[0].contested);
    assert_eq!(
        cs[0].readings[0].expect,
        Configuration::StableMarriage { outcast: 0 }
    );
    assert!(cs[1].contested);
    assert_eq!(cs[1].readings[1].reading, Reading::Trend);
    assert_eq!(
        cs[1].readings[1].expect,
        Configuration::RomanticTriangle { pivot: 2 }
    );
    // Left out, the dead bands and dwell are the conventions' defaults.
    let s = load(&triangle_edit(&[(
        ", dead_band: 1.0, trend_dead_band: 0.5, dwell_months: 6",
        "",
    )]))
    .unwrap_or_else(|e| panic!("{e}"));
    let t = s.triangle().unwrap_or_else(|| panic!("no triangle"));
    assert_eq!(
        (t.dead_band, t.trend_dead_band, t.dwell_months),
        (1.0, 0.5, 6)
    );
}

#[test]
fn the_triangle_names_three_states_of_the_file_whose_pairs_are_modelled() {
    let ps = problems(&triangle_edit(&[(
        "triangle: (states: (\"china\", \"soviet_union\", \"us\")",
        "triangle: (states: (\"china\", \"soviet_union\", \"usa\")",
    )]));
    assert_eq!(line(&ps[0]), "scenario: unknown state \"usa\"");
    assert_eq!(ps[0].hint.as_deref(), Some("did you mean \"us\"?"));
    // At "usa", the third of the triangle's states.
    let at = ps[0].location.as_ref().map(|l| (l.line, l.col));
    let (row, text) = TRIANGLE
        .lines()
        .enumerate()
        .find(|(_, l)| l.starts_with("    triangle:"))
        .unwrap_or_else(|| unreachable!());
    let col = text.find("\"us\")").map(|c| c + 1);
    assert_eq!(at, col.map(|c| (row + 1, c)));

    let ps = lines(&triangle_edit(&[(
        "triangle: (states: (\"china\", \"soviet_union\", \"us\")",
        "triangle: (states: (\"china\", \"us\", \"china\")",
    )]));
    assert_eq!(
        ps,
        ["scenario: the triangle names the state \"china\" twice"]
    );

    let ps = problems(&triangle_edit(&[(
        "    parties: [",
        "    pairs: [(states: (\"china\", \"soviet_union\")), (states: (\"china\", \"us\"))],\n    parties: [",
    )]));
    let p = ps
        .iter()
        .find(|p| line(p) == "scenario: the triangle's pair soviet_union/us is not modelled")
        .unwrap_or_else(|| panic!("{:?}", ps.iter().map(line).collect::<Vec<_>>()));
    assert!(
        p.hint
            .as_deref()
            .is_some_and(|h| h.contains("add it to `pairs`"))
    );
}

#[test]
fn the_triangle_dead_bands_and_dwell_are_checked() {
    let ps = lines(&triangle_edit(&[(
        "dead_band: 1.0, trend_dead_band: 0.5, dwell_months: 6",
        "dead_band: -1.0, trend_dead_band: 12.0, dwell_months: 0",
    )]));
    assert_eq!(
        ps,
        [
            "scenario: dead_band is -1, outside (0, 9)",
            "scenario: trend_dead_band is 12, outside (0, 9)",
            "scenario: dwell_months is 0",
        ]
    );
}

#[test]
fn triangle_checkpoints_are_checked_where_they_stand() {
    let ps = lines(&triangle_edit(&[(
        "RomanticTriangle(pivot: \"us\")",
        "RomanticTriangle(pivot: \"japan\")",
    )]));
    assert_eq!(
        ps,
        ["checkpoint \"triangular_diplomacy\": unknown triangle state \"japan\""]
    );
    let ps = lines(&triangle_edit(&[(
        "StableMarriage(partners: (\"soviet_union\", \"us\")),\n             quote: \"China",
        "StableMarriage(partners: (\"us\", \"us\")),\n             quote: \"China",
    )]));
    assert_eq!(
        ps,
        ["checkpoint \"china_alone\": the two partners are one state"]
    );
    let ps = lines(&triangle_edit(&[(
        "(id: \"china_alone\"",
        "(id: \"border_war\"",
    )]));
    assert_eq!(ps, ["checkpoint \"border_war\": duplicate checkpoint id"]);
    let ps = lines(&triangle_edit(&[(
        "from: \"1969-06-01\", to: \"1971-12-31\"",
        "from: \"1969-06-02\", to: \"1969-06-30\"",
    )]));
    assert_eq!(
        ps,
        [
            "checkpoint \"china_alone\": runs 1969-06-02 to 1969-06-30, which holds no first of a month: the triangle is read monthly"
        ]
    );
    // A checkpoint without what it expects, or with both forms.
    let ps = lines(&triangle_edit(&[(
        "reading: Levels,\n             expect: StableMarriage(partners: (\"soviet_union\", \"us\")),\n",
        "",
    )]));
    assert_eq!(
        ps,
        ["checkpoint \"china_alone\": says nothing about the configuration"]
    );
    let ps = lines(&triangle_edit(&[(
        "to: \"1976-12-31\",\n             readings:",
        "to: \"1976-12-31\", expect: UnitVeto,\n             readings:",
    )]));
    assert_eq!(
        ps,
        [
            "checkpoint \"triangular_diplomacy\": both `expect` and `readings`: a checkpoint is either one reading or contested"
        ]
    );
}

#[test]
fn triangle_checkpoints_need_a_triangle() {
    let ps = problems(&triangle_edit(&[(
        "    triangle: (states: (\"china\", \"soviet_union\", \"us\"), dead_band: 1.0, trend_dead_band: 0.5, dwell_months: 6),\n",
        "",
    )]));
    assert_eq!(
        line(&ps[0]),
        "scenario: triangle checkpoints, but the file names no triangle"
    );
    assert!(ps[0].location.is_some());
}

#[test]
fn validating_each_reading_leaves_the_file_kept_for_reading_as_written() {
    // Each reading is put in place in the file and taken out again; the file kept for
    // `Scenario::read` must be the file as written, whatever the readings replace.
    let path = Path::new("tests/fixtures/contested.ron");
    let text = std::fs::read_to_string(path).unwrap();
    let file: crate::scenario::file::ScenarioFile =
        crate::scenario::source::parse(&text, path).unwrap();
    let scenario = Scenario::from_str(&text, path).unwrap();
    assert!(
        scenario.contested.len() >= 2,
        "the fixture contests an event and a checkpoint"
    );
    let kept = &scenario.read_from.as_ref().unwrap().0;
    let json = |f: &crate::scenario::file::ScenarioFile| serde_json::to_string(f).unwrap();
    assert_eq!(json(kept), json(&file));
}

/// The problems of each later reading of each contested item of `text`, found two
/// ways: with the events a reading leaves as they are taken from the file's own
/// validation (`Known`, as `check` does), and by validating the whole file with the
/// reading in place.
fn each_reading_both_ways(text: &str) -> (Vec<String>, Vec<String>) {
    use super::{Found, Known, Validator, put_reading};
    let path = Path::new("contested.ron");
    let file: crate::scenario::file::ScenarioFile =
        crate::scenario::source::parse(text, path).unwrap();
    let validator = || Validator {
        problems: Found::default(),
        warnings: Found::default(),
        span_days: 4000,
    };
    let mut v = validator();
    let (scenario, names) = v.scenario(&file, None);
    let contested = v.readings(&file);
    assert!(v.problems.is_empty(), "the file itself is valid");
    let (mut known, mut whole) = (Vec::new(), Vec::new());
    for c in &contested {
        for r in 1..c.readings.len() {
            let mut read = file.clone();
            put_reading(&mut read, c.item, r);
            let k = Known {
                names: &names,
                events: &scenario.events,
                item: c.item,
            };
            for (given, out) in [(Some(&k), &mut known), (None, &mut whole)] {
                let mut v = validator();
                let _ = v.scenario(&read, given);
                out.extend((v.problems.0.iter()).map(|(at, p)| format!("{at:?}: {}", p.message)));
            }
        }
    }
    (known, whole)
}

#[test]
fn a_reading_finds_the_problems_of_the_whole_file_validated_with_it_in_place() {
    let text = include_str!("../../../tests/fixtures/contested.ron");
    let war = "value: Uniform(-12.0, -10.0), fade: Permanent)";
    // Each breaks one reading; the file as written stays valid.
    let broken = [
        (
            war,
            "value: Uniform(-12.0, -10.0), fade: Permanent), Modifier(level: States(\"north\", \"nowhere\"), value: 1.0, fade: Permanent)",
        ),
        (
            war,
            "value: Uniform(-12.0, -10.0), fade: Permanent), FollowUp(event: \"treaty\", after: 0)",
        ),
        (
            war,
            "value: Uniform(-12.0, -10.0), fade: Permanent), FollowUp(event: \"spat\", after: 10)",
        ),
        (
            war,
            "value: Uniform(-12.0, -10.0), fade: Permanent), TakeOffice(leader: \"nobody\")",
        ),
        (
            war,
            "value: Uniform(-12.0, -10.0), fade: Permanent), Rule(state: \"south\", party: \"red\")",
        ),
        (
            war,
            "value: Uniform(-12.0, -10.0), fade: UntilEvent(\"never\"))",
        ),
        (
            war,
            "value: Uniform(-12.0, -10.0), fade: Permanent, label: \"a\u{7}war\")",
        ),
        (
            war,
            "value: Uniform(-12.0, -10.0), fade: Permanent), TakeOffice(leader: \"x\", office: \"\u{1b}\")",
        ),
        ("expect: Band(\"friendly\")", "expect: Band(\"sunny\")"),
    ];
    for (old, new) in broken {
        assert!(text.contains(old), "{old}");
        let (known, whole) = each_reading_both_ways(&text.replacen(old, new, 1));
        assert!(!whole.is_empty(), "{new} breaks its reading");
        assert_eq!(known, whole, "{new}");
    }
    let (known, whole) = each_reading_both_ways(text);
    assert_eq!((known.len(), whole.len()), (0, 0));
}
