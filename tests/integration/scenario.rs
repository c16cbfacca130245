//! Broken scenario files: each is the small fixture with one edit, and each test checks the
//! message a user reads and the place it points at (line and character column), or the
//! event id and date for a rule of the format.

use std::path::Path;

use diplosim::scenario::{Problem, Scenario, ScenarioError};

use crate::common::Text;

const FILE: &str = "small.ron";

fn load(t: &Text) -> Result<Scenario, ScenarioError> {
    Scenario::from_str(&t.0, Path::new(FILE))
}

/// A syntax or type error, as the user reads it.
#[derive(Debug)]
struct Syntax {
    at: (usize, usize),
    message: String,
    hint: Option<String>,
    shown: String,
}

fn syntax(t: &Text) -> Syntax {
    match load(t) {
        Err(e @ ScenarioError::Syntax { .. }) => {
            let shown = e.to_string();
            let ScenarioError::Syntax {
                location,
                message,
                hint,
                ..
            } = e
            else {
                unreachable!()
            };
            Syntax {
                at: (location.line, location.col),
                message,
                hint,
                shown,
            }
        }
        Err(e) => panic!("expected a syntax error, got:\n{e}"),
        Ok(_) => panic!("the broken text loaded"),
    }
}

/// Every problem of an invalid file, in the order reported.
fn problems(t: &Text) -> Vec<Problem> {
    match load(t) {
        Err(ScenarioError::Invalid { problems, .. }) => problems,
        Err(e) => panic!("expected broken rules, got:\n{e}"),
        Ok(_) => panic!("the broken text loaded"),
    }
}

/// The one problem of an invalid file.
fn problem(t: &Text) -> Problem {
    let mut ps = problems(t);
    assert_eq!(ps.len(), 1, "expected one problem, got {ps:#?}");
    ps.remove(0)
}

fn at(p: &Problem) -> (usize, usize) {
    let l = p.location.as_ref().expect("a located problem");
    (l.line, l.col)
}

/// The position of `inner` inside the one occurrence of `outer`.
fn pos_in(t: &Text, outer: &str, inner: &str) -> (usize, usize) {
    let (line, col) = t.pos(outer);
    let offset = outer.find(inner).expect("inner lies in outer");
    (line, col + outer[..offset].chars().count())
}

#[test]
fn the_fixture_loads() {
    let s = load(&Text::small()).expect("the small fixture is valid");
    assert_eq!(s.events.len(), 7);
}

// Syntax and type errors, found while reading the RON.

#[test]
fn a_truncated_file_points_at_its_end() {
    let t = Text::small().cut_before("(id: \"apology\"");
    let e = syntax(&t);
    let trimmed = t.0.trim_end();
    let last = trimmed.lines().last().expect("a last line");
    assert_eq!(e.at, (trimmed.lines().count(), last.chars().count() + 1));
    assert_eq!(e.message, "the file ends too early");
    assert_eq!(
        e.hint.as_deref(),
        Some("look for an unclosed `(`, `[` or `\"` above: each needs its `)`, `]` or `\"`")
    );
}

#[test]
fn a_missing_comma_points_at_the_next_field() {
    let t = Text::small().replace(
        "title: \"Two small states, 1950-1960\",",
        "title: \"Two small states, 1950-1960\"",
    );
    let e = syntax(&t);
    assert_eq!(e.at, t.pos("span: (\"1950"));
    assert_eq!(e.message, "expected a comma");
    assert_eq!(
        e.hint.as_deref(),
        Some("is a comma missing at the end of the previous line?")
    );
}

#[test]
fn a_missing_comma_inside_a_line() {
    let t = Text::small().replace("window: 30, title", "window: 30 title");
    let e = syntax(&t);
    assert_eq!(e.at, pos_in(&t, "30 title", "title"));
    assert_eq!(e.message, "expected a comma");
    assert_eq!(e.hint.as_deref(), Some("is a comma missing before this?"));
}

#[test]
fn a_string_where_a_number_goes() {
    let t = Text::small().replace("bound: 9.0", "bound: \"nine\"");
    let e = syntax(&t);
    assert_eq!(e.at, t.pos("\"nine\""));
    assert_eq!(e.message, "expected a number");
    assert_eq!(
        e.hint.as_deref(),
        Some("write the number without quotes, e.g. 2.5")
    );
}

#[test]
fn a_decimal_where_a_whole_number_goes() {
    let t = Text::small().replace("window: 30", "window: 3.5");
    let e = syntax(&t);
    assert_eq!(e.at, pos_in(&t, "window: 3.5", ".5"));
    assert_eq!(e.message, "expected a comma");
    assert_eq!(
        e.hint.as_deref(),
        Some("this takes a whole number: write it without a decimal point")
    );
}

#[test]
fn a_negative_count_of_days() {
    let t = Text::small().replace("window: 30", "window: -30");
    let e = syntax(&t);
    assert_eq!(e.at, t.pos("-30"));
    assert_eq!(e.message, "this whole number is out of range");
    assert_eq!(
        e.hint.as_deref(),
        Some("counts of days and events cannot be negative")
    );
}

#[test]
fn a_huge_count_of_days() {
    let t = Text::small().replace("window: 30", "window: 99999999999");
    let e = syntax(&t);
    assert_eq!(e.at, t.pos("99999999999"));
    assert_eq!(e.message, "this whole number is out of range");
    assert_eq!(
        e.hint.as_deref(),
        Some(
            "counts of days and events (`window`, `after`, `max_events`) run from 0 to 4294967295"
        )
    );
}

#[test]
fn an_unknown_field_suggests_the_right_one() {
    let t = Text::small().replace("chance: 0.9", "chanse: 0.9");
    let e = syntax(&t);
    assert_eq!(e.at, t.pos("chanse"));
    assert_eq!(e.message, "unknown field `chanse` in `Event`");
    assert_eq!(
        e.hint.as_deref(),
        Some(
            "did you mean `chance`? the fields here are: id, date, window, title, source, note, actors, when, chance, mtth, repeat, effects, readings"
        )
    );
}

#[test]
fn an_unknown_variant_names_the_format_not_the_rust_type() {
    let t = Text::small().replace("fade: Years(10.0)", "fade: Year(10.0)");
    let e = syntax(&t);
    assert_eq!(e.at, t.pos("Year(10.0)"));
    assert_eq!(e.message, "unknown variant `Year` in `Fade`");
    assert_eq!(
        e.hint.as_deref(),
        Some("did you mean `Years`? the choices are: Days, Years, Permanent, Until, UntilEvent")
    );
}

#[test]
fn a_value_of_no_known_form_points_at_its_start() {
    let t = Text::small().replace("Uniform(-4.0, -2.0)", "Unifrom(-4.0, -2.0)");
    let e = syntax(&t);
    assert_eq!(e.at, t.pos("Unifrom"));
    assert_eq!(
        e.message,
        "expected a number, Uniform(low, high) or Normal(mean, sd)"
    );
    assert_eq!(
        e.hint.as_deref(),
        Some("e.g. value: -2.5, value: Uniform(-4.0, -2.0) or value: Normal(-3.0, 0.5)")
    );
}

#[test]
fn a_missing_field() {
    let t = Text::small().replace("(id: \"east\", name: \"East\")", "(id: \"east\")");
    let e = syntax(&t);
    assert_eq!(e.at, pos_in(&t, "(id: \"east\")", ")"));
    assert_eq!(
        e.message,
        "missing field `name` in `Actor` (the item with id \"east\")"
    );
    assert_eq!(e.hint.as_deref(), Some("add `name: ...` to this item"));
}

#[test]
fn a_field_given_twice() {
    let t = Text::small().replace("chance: 0.9,", "chance: 0.9, chance: 0.8,");
    let e = syntax(&t);
    assert_eq!(e.at, t.pos("chance: 0.8"));
    assert_eq!(e.message, "the field `chance` is given twice in `Event`");
}

#[test]
fn thirty_february() {
    let t = Text::small().replace("\"1952-06-01\"", "\"1952-02-30\"");
    let e = syntax(&t);
    assert_eq!(e.at, t.pos("1952-02-30"));
    assert_eq!(
        e.message,
        "`1952-02-30` does not exist: February 1952 has 29 days"
    );
}

#[test]
fn a_date_without_leading_zeros() {
    let t = Text::small().replace("\"1952-06-01\"", "\"1952-6-1\"");
    let e = syntax(&t);
    assert_eq!(e.at, t.pos("1952-6-1"));
    assert_eq!(
        e.message,
        "`1952-6-1` is not a date: write it as YYYY-MM-DD, e.g. \"1950-02-14\""
    );
}

#[test]
fn a_date_without_quotes() {
    let t = Text::small().replace("date: \"1952-06-01\"", "date: 1952-06-01");
    let e = syntax(&t);
    assert_eq!(e.at, t.pos("1952-06-01"));
    assert_eq!(e.message, "expected a string in double quotes");
    assert_eq!(
        e.hint.as_deref(),
        Some("dates are strings: write \"1952-06-01\"")
    );
}

#[test]
fn a_year_out_of_range() {
    let t = Text::small().replace("\"1952-06-01\"", "\"0952-06-01\"");
    let e = syntax(&t);
    assert_eq!(e.at, t.pos("0952-06-01"));
    assert_eq!(
        e.message,
        "year 952 is out of range: dates must fall in the years 1000 to 2999"
    );
}

#[test]
fn an_empty_file() {
    for text in ["", "  \n\n", "// only a comment\n/* and a block */\n"] {
        let e = syntax(&Text(text.to_string()));
        assert_eq!(e.at, (1, 1), "{text:?}");
        assert_eq!(e.message, "the file is empty");
        assert!(
            e.hint
                .as_deref()
                .is_some_and(|h| h.starts_with("a scenario starts with `Scenario(`")),
            "{e:?}"
        );
    }
}

#[test]
fn a_json_file() {
    let e = syntax(&Text("{\"name\": \"small\"}\n".to_string()));
    assert_eq!(e.at, (1, 1));
    assert_eq!(e.message, "this is not a RON scenario: it starts with `{`");
    assert_eq!(
        e.hint.as_deref(),
        Some("it looks like JSON; a scenario is written in RON and starts with `Scenario(`")
    );
}

#[test]
fn a_misspelt_top_level_name() {
    let t = Text::small().replace("Scenario(", "Scenari(");
    let e = syntax(&t);
    assert_eq!(e.at, t.pos("Scenari("));
    assert_eq!(e.message, "expected `Scenario` but found `Scenari`");
}

#[test]
fn text_after_the_end() {
    let t = Text(format!("{})\n", Text::small().0.trim_end()));
    let e = syntax(&t);
    assert_eq!(e.at, (t.0.trim_end().lines().count(), 2));
    assert_eq!(e.message, "unexpected text after the end of the scenario");
}

#[test]
fn a_string_left_open() {
    let t = Text::small().replace("title: \"Treaty\",", "title: \"Treaty,");
    let e = syntax(&t);
    assert_eq!(
        e.at,
        pos_in(
            &t,
            "source: \"fixture\",\n         actors: [\"north\"",
            "fixture"
        )
    );
    assert_eq!(e.message, "expected a comma");
    assert_eq!(
        e.hint.as_deref(),
        Some("is a comma missing before this, or a closing `\"` earlier on the line?")
    );
}

#[test]
fn a_bracket_left_open() {
    let t = Text::small().replace("fade: Years(10.0))]),", "fade: Years(10.0)]),");
    let e = syntax(&t);
    assert_eq!(e.at, pos_in(&t, "Years(10.0)]),", "]"));
    assert_eq!(e.message, "expected a comma");
    assert_eq!(
        e.hint.as_deref(),
        Some("this `]` closes the wrong bracket: is a `)` or `]` missing before it?")
    );
}

#[test]
fn single_quotes() {
    let t = Text::small().replace("title: \"Treaty\"", "title: 'Treaty'");
    let e = syntax(&t);
    assert_eq!(e.at, t.pos("'Treaty'"));
    assert_eq!(e.message, "expected a string in double quotes");
    assert_eq!(
        e.hint.as_deref(),
        Some("RON strings use double quotes: \"like this\"")
    );
}

#[test]
fn an_equals_sign_for_a_colon() {
    let t = Text::small().replace("chance: 0.9", "chance = 0.9");
    let e = syntax(&t);
    assert_eq!(e.at, pos_in(&t, "chance = 0.9", "="));
    assert_eq!(e.message, "expected `:`");
    assert_eq!(
        e.hint.as_deref(),
        Some("write `name: value`, with a colon, not `=`")
    );
}

#[test]
fn a_comment_left_open_points_at_its_start() {
    let t = Text::small().replace(
        "    name: \"small\",",
        "    /* no end\n    name: \"small\",",
    );
    let e = syntax(&t);
    assert_eq!(e.at, t.pos("/* no end"));
    assert_eq!(e.message, "this comment is never closed");
    assert_eq!(e.hint.as_deref(), Some("end it with `*/`"));
}

#[test]
fn infinity_spelt_out() {
    let t = Text::small().replace("value: 4.0", "value: Infinity");
    let e = syntax(&t);
    assert_eq!(e.at, t.pos("Infinity"));
    assert_eq!(
        e.message,
        "expected a number, Uniform(low, high) or Normal(mean, sd)"
    );
    assert_eq!(
        e.hint.as_deref(),
        Some("a scenario's numbers must be finite (RON writes infinity as `inf`)")
    );
}

#[test]
fn conditions_nested_too_deeply_do_not_overflow_the_stack() {
    let deep = format!(
        "{}After(\"1958-01-01\"){}",
        "Not(".repeat(100_000),
        ")".repeat(100_000)
    );
    let t = Text::small().replace("All([After(\"1958-01-01\"), ScoreAtLeast(0.0)])", &deep);
    let e = syntax(&t);
    assert_eq!(e.at.0, t.pos("when: Not(").0);
    assert_eq!(
        e.message,
        "this is nested too deeply: more than 100 brackets inside one another"
    );
    assert!(
        e.hint
            .as_deref()
            .is_some_and(|h| h.contains("write Not(Not(x)) as x")),
        "{e:?}"
    );
}

#[test]
fn nesting_within_the_limit_loads() {
    let deep = format!(
        "{}After(\"1958-01-01\"){}",
        "Not(Not(".repeat(20),
        "))".repeat(20)
    );
    let t = Text::small().replace("All([After(\"1958-01-01\"), ScoreAtLeast(0.0)])", &deep);
    load(&t).expect("forty levels of Not load");
}

#[test]
fn implicit_some_accepts_an_explicit_some_too() {
    let t = Text::small().replace("chance: 0.9", "chance: Some(0.9)");
    load(&t).expect("Some(0.9) is accepted");
}

// How a syntax error is drawn.

#[test]
fn a_syntax_error_is_drawn_with_its_line_and_a_caret() {
    let t = Text::small().replace("chance: 0.9", "chanse: 0.9");
    let (line, col) = t.pos("chanse");
    let text = t.0.lines().nth(line - 1).expect("the line");
    let e = syntax(&t);
    let n = line.to_string();
    let pad = " ".repeat(n.len());
    let expected = format!(
        "{FILE}:{line}:{col}: unknown field `chanse` in `Event`\n{pad} |\n{n} | {text}\n{pad} | {}^\n  = help: {}",
        " ".repeat(col - 1),
        e.hint.as_deref().unwrap_or_default()
    );
    assert_eq!(e.shown, expected);
}

/// The caret line and the source line of a drawn error.
fn drawn(shown: &str) -> (String, String) {
    let lines: Vec<&str> = shown.lines().collect();
    let caret = lines
        .iter()
        .position(|l| l.trim_end().ends_with('^'))
        .expect("a caret line");
    (lines[caret - 1].to_string(), lines[caret].to_string())
}

#[test]
fn the_caret_lines_up_under_tabs() {
    let t = Text::small().replace("         chance: 0.9,", "\t\tchanse: 0.9,");
    let e = syntax(&t);
    let (source, caret) = drawn(&e.shown);
    assert!(source.ends_with("| \t\tchanse: 0.9,"), "{source:?}");
    assert!(caret.ends_with("| \t\t^"), "{caret:?}");
}

#[test]
fn the_caret_lines_up_under_wide_characters() {
    let t = Text::small().replace(
        "title: \"Treaty\", source: \"fixture\",",
        "title: \"中苏友好同盟互助条约\", sourse: \"fixture\",",
    );
    let e = syntax(&t);
    assert_eq!(e.at, t.pos("sourse"));
    let (source, caret) = drawn(&e.shown);
    let bar = source.find('|').expect("a gutter");
    let shown_prefix = &source[bar + 2..];
    let before: String = shown_prefix.chars().take(e.at.1 - 1).collect();
    // Chinese characters take two cells on a terminal.
    let cells: usize = before
        .chars()
        .map(|c| if c.is_ascii() { 1 } else { 2 })
        .sum();
    assert_eq!(caret[bar + 2..].len(), cells + 1, "{caret:?}");
}

#[test]
fn a_long_line_is_shown_around_the_error() {
    let long = "x".repeat(5000);
    let t = Text::small().replace(
        "title: \"Treaty\", source: \"fixture\",",
        &format!("title: \"{long}\", sourse: \"fixture\","),
    );
    let e = syntax(&t);
    assert_eq!(e.at, t.pos("sourse"));
    let (source, caret) = drawn(&e.shown);
    assert!(
        source.len() < 200,
        "the line is cut: {} bytes",
        source.len()
    );
    assert!(source.contains("...xxx"), "{source}");
    let under = caret.find('^').expect("a caret");
    assert_eq!(&source[under..under + 6], "sourse", "{source}\n{caret}");
}

// Rules of the format, found by validation.

#[test]
fn an_unknown_reference_suggests_the_right_id() {
    let t = Text::small().replace("Leader(\"ann\", \"cid\")", "Leader(\"anne\", \"cid\")");
    let p = problem(&t);
    assert_eq!(p.subject, "event \"friendship\" (1952-01-01)");
    assert_eq!(p.message, "unknown leader \"anne\"");
    assert_eq!(p.hint.as_deref(), Some("did you mean \"ann\"?"));
    assert_eq!(at(&p), t.pos("\"anne\""));
}

#[test]
fn an_unknown_reference_without_a_near_miss_lists_the_ids() {
    let t = Text::small().replace(
        "Rule(state: \"north\", party: \"pink\")",
        "Rule(state: \"north\", party: \"green\")",
    );
    let p = problem(&t);
    assert_eq!(p.subject, "event \"election\" (1956-01-01)");
    assert_eq!(p.message, "unknown party \"green\"");
    assert_eq!(p.hint.as_deref(), Some("known parties: blue, pink, red"));
    assert_eq!(at(&p), t.pos("\"green\""));
}

#[test]
fn a_duplicate_id_points_at_the_second_use() {
    let t = Text::small().replace(
        "actors: [(id: \"east\", name: \"East\")]",
        "actors: [(id: \"east\", name: \"East\"), (id: \"north\", name: \"Northland\")]",
    );
    let p = problem(&t);
    assert_eq!(p.subject, "actor \"north\"");
    assert_eq!(
        p.message,
        "duplicate id: \"north\" is already used by a state"
    );
    assert_eq!(
        at(&p),
        pos_in(&t, "(id: \"north\", name: \"Northland\")", "\"north\"")
    );
}

#[test]
fn a_duplicate_event_id() {
    let t = Text::small().replace("(id: \"spat\"", "(id: \"treaty\"");
    let p = problem(&t);
    assert_eq!(p.subject, "event \"treaty\"");
    assert_eq!(
        p.message,
        "duplicate event id \"treaty\": event number 1 has it too"
    );
    assert_eq!(at(&p), pos_in(&t, "(id: \"treaty\", mtth", "\"treaty\""));
}

#[test]
fn a_problem_points_at_its_own_item_when_ids_repeat_across_kinds() {
    // An event may share an id with a party; a comment may mention it too.
    let t = Text::small()
        .replace(
            "(id: \"spat\", mtth: 365.0,",
            "// (id: \"red\") is a party\n        (id: \"red\", mtth: 365.0,",
        )
        .replace(
            "         when: All([After(\"1958-01-01\"), ScoreAtLeast(0.0)]),\n",
            "",
        );
    let p = problem(&t);
    assert_eq!(p.subject, "event \"red\" (triggered)");
    assert_eq!(p.message, "a triggered event needs a `when` condition");
    assert_eq!(at(&p), pos_in(&t, "(id: \"red\", mtth", "\"red\""));
}

#[test]
fn an_event_outside_the_span() {
    let t = Text::small().replace("date: \"1956-01-01\"", "date: \"1961-01-01\"");
    let p = problem(&t);
    assert_eq!(p.subject, "event \"election\" (1961-01-01)");
    assert_eq!(
        p.message,
        "its date lies outside the scenario's span, 1950-01-01 to 1960-12-31"
    );
    assert_eq!(p.hint.as_deref(), Some("move the event, or widen `span`"));
    assert_eq!(at(&p), t.pos("\"1961-01-01\""));
}

#[test]
fn overlapping_tenures_in_one_office() {
    let t = Text::small().replace(
        "terms: [(from: \"1955-06-01\")]",
        "terms: [(from: \"1955-01-01\")]",
    );
    let p = problem(&t);
    assert_eq!(p.subject, "leader \"ben\"");
    assert_eq!(
        p.message,
        "the term in office \"leader\" from 1955-01-01 overlaps the term of \"ann\" from 1950-01-01 to 1955-06-01"
    );
    assert_eq!(at(&p), t.pos("(from: \"1955-01-01\")"));
}

#[test]
fn overlaps_are_found_beyond_the_next_term() {
    // Ann's open-ended term overlaps Ben's, which ends before Cid's: Cid still overlaps Ann.
    let t = Text::small()
        .replace(
            "terms: [(from: \"1950-01-01\", to: \"1955-06-01\")]",
            "terms: [(from: \"1950-01-01\")]",
        )
        .replace(
            "terms: [(from: \"1955-06-01\")]",
            "terms: [(from: \"1951-01-01\", to: \"1952-01-01\"), (from: \"1953-01-01\")]",
        );
    let ps = problems(&t);
    let found: Vec<(&str, (usize, usize))> =
        ps.iter().map(|p| (p.message.as_str(), at(p))).collect();
    assert_eq!(
        found,
        [
            (
                "the term in office \"leader\" from 1951-01-01 overlaps the term of \"ann\" from 1950-01-01 with no end",
                t.pos("(from: \"1951-01-01\"")
            ),
            (
                "the term in office \"leader\" from 1953-01-01 overlaps the term of \"ann\" from 1950-01-01 with no end",
                t.pos("(from: \"1953-01-01\")")
            ),
        ]
    );
}

#[test]
fn a_leader_acting_outside_their_tenure() {
    let t = Text::small().replace("actors: [\"ann\", \"cid\"]", "actors: [\"ben\", \"cid\"]");
    let p = problem(&t);
    assert_eq!(p.subject, "event \"friendship\" (1952-01-01)");
    assert_eq!(
        p.message,
        "leader \"ben\" acts but is not in office on 1952-01-01"
    );
    assert_eq!(
        p.hint.as_deref(),
        Some("their terms: 1955-06-01 to the end; move the event, or name someone in office")
    );
    assert_eq!(at(&p), t.pos("\"ben\", \"cid\""));
}

#[test]
fn non_finite_numbers() {
    // RON reads `NaN`, `inf`, `-inf` and numbers too large for 64 bits as non-finite.
    for (written, shown) in [
        ("NaN", "NaN"),
        ("inf", "inf"),
        ("-inf", "-inf"),
        ("+inf", "inf"),
        ("1e400", "inf"),
    ] {
        let t = Text::small().replace("value: 4.0", &format!("value: {written}"));
        let p = problem(&t);
        assert_eq!(p.subject, "event \"treaty\" (1951-03-01)");
        assert_eq!(
            p.message,
            format!("a modifier's value is not a finite number ({shown})")
        );
        assert_eq!(at(&p), pos_in(&t, &format!("value: {written}"), written));
    }
}

#[test]
fn a_non_finite_structure() {
    let t = Text::small().replace("affinity: 2.0", "affinity: NaN");
    let p = problem(&t);
    assert_eq!(p.subject, "scenario");
    assert_eq!(p.message, "structure.affinity is not a finite number (NaN)");
    assert_eq!(at(&p), pos_in(&t, "affinity: NaN", "NaN"));
}

#[test]
fn a_broken_bound_is_one_problem_not_many() {
    let t = Text::small().replace("bound: 9.0", "bound: inf");
    let p = problem(&t);
    assert_eq!(p.subject, "scale");
    assert_eq!(
        p.message,
        "the bound is inf; it must be a positive number no larger than 1000"
    );
    assert_eq!(at(&p), pos_in(&t, "bound: inf", "inf"));
}

#[test]
fn values_off_the_scale() {
    let t = Text::small().replace("value: 4.0", "value: 40.0");
    let p = problem(&t);
    assert_eq!(
        p.message,
        "a modifier's value is off the scale: 40 is beyond ±18"
    );
    assert_eq!(
        p.hint.as_deref(),
        Some("one effect may move the raw score by at most ±18 (twice the scale's bound)")
    );
    assert_eq!(at(&p), t.pos("40.0"));

    let t = Text::small().replace("Uniform(-4.0, -2.0)", "Normal(-3.0, 1e300)");
    let p = problem(&t);
    assert_eq!(
        p.message,
        "a modifier's value is off the scale: its standard deviation 1e300 is beyond ±18"
    );
    assert_eq!(at(&p), t.pos("Normal(-3.0, 1e300)"));

    let t = Text::small().replace("{\"left\": 0.8}", "{\"left\": 1.8}");
    let p = problem(&t);
    assert_eq!(p.subject, "party \"red\"");
    assert_eq!(p.message, "ideology on \"left\" is 1.8, outside [-1, 1]");
    assert_eq!(at(&p), t.pos("1.8"));

    let t = Text::small().replace("ScoreAtLeast(0.0)", "ScoreAtLeast(12.0)");
    let p = problem(&t);
    assert_eq!(p.subject, "event \"spat\" (triggered)");
    assert_eq!(p.message, "the score threshold 12 is off the scale [-9, 9]");
    assert_eq!(at(&p), t.pos("12.0"));
}

#[test]
fn a_chance_outside_zero_to_one() {
    for (written, shown) in [("1.5", "1.5"), ("-0.1", "-0.1"), ("NaN", "NaN")] {
        let t = Text::small().replace("chance: 0.9", &format!("chance: {written}"));
        let p = problem(&t);
        assert_eq!(p.subject, "event \"incident\" (1957-01-01)");
        assert_eq!(
            p.message,
            format!("chance is {shown}; a probability lies in [0, 1]")
        );
        assert_eq!(
            p.hint.as_deref(),
            Some("write e.g. chance: 0.25 for one in four")
        );
        assert_eq!(at(&p), pos_in(&t, &format!("chance: {written}"), written));
    }
}

#[test]
fn a_follow_up_cycle_that_never_advances_time() {
    let t = Text::small().replace(
        "effects: [Modifier(level: State, value: 1.0, fade: Until(\"1958-01-01\"))]),",
        "effects: [FollowUp(event: \"regret\", after: 0)]),\n        \
         (id: \"regret\", title: \"Regret\", source: \"fixture\",\n         \
         effects: [FollowUp(event: \"apology\", after: 0)]),",
    );
    let p = problem(&t);
    assert_eq!(p.subject, "event \"regret\"");
    assert_eq!(
        p.message,
        "follow-ups form a cycle that never advances time: apology -> regret -> apology"
    );
    assert_eq!(
        p.hint.as_deref(),
        Some("give one follow-up in the cycle a delay of at least one day (`after: 1`)")
    );
    assert_eq!(
        at(&p),
        pos_in(&t, "FollowUp(event: \"apology\", after: 0)", "0)")
    );
}

#[test]
fn a_follow_up_cycle_with_a_delay_is_allowed() {
    let t = Text::small().replace(
        "effects: [Modifier(level: State, value: 1.0, fade: Until(\"1958-01-01\"))]),",
        "effects: [FollowUp(event: \"apology\", after: 365)]),",
    );
    load(&t).expect("a cycle that advances time loads");
}

#[test]
fn a_follow_up_target_with_a_date() {
    let t = Text::small().replace(
        "FollowUp(event: \"apology\", after: 14)",
        "FollowUp(event: \"election\", after: 14)",
    );
    let ps = problems(&t);
    assert_eq!(ps.len(), 2, "{ps:#?}");
    assert_eq!(ps[0].subject, "event \"incident\"");
    assert_eq!(
        ps[0].message,
        "schedules \"election\" as a follow-up, but that event has a date or an mtth of its own"
    );
    assert_eq!(
        at(&ps[0]),
        pos_in(&t, "FollowUp(event: \"election\"", "\"election\"")
    );
    // Nothing schedules the apology any more.
    assert_eq!(ps[1].subject, "event \"apology\"");
    assert_eq!(
        ps[1].message,
        "has no date, no mtth, and no event schedules it, so it can never happen"
    );
}

#[test]
fn an_event_that_can_never_happen() {
    let t = Text::small().replace("FollowUp(event: \"apology\", after: 14),", "");
    let p = problem(&t);
    assert_eq!(p.subject, "event \"apology\"");
    assert_eq!(
        p.message,
        "has no date, no mtth, and no event schedules it, so it can never happen"
    );
    assert_eq!(at(&p), pos_in(&t, "(id: \"apology\"", "\"apology\""));
}

#[test]
fn an_event_only_scheduled_by_itself_can_never_happen() {
    let t = Text::small()
        .replace("FollowUp(event: \"apology\", after: 14),", "")
        .replace(
            "effects: [Modifier(level: State, value: 1.0, fade: Until(\"1958-01-01\"))]),",
            "effects: [FollowUp(event: \"apology\", after: 30)]),",
        );
    let p = problem(&t);
    assert_eq!(
        p.message,
        "can never happen: only events that can never happen themselves schedule it"
    );
}

#[test]
fn a_condition_that_can_never_hold() {
    let t = Text::small().replace(
        "All([After(\"1958-01-01\"), ScoreAtLeast(0.0)])",
        "All([After(\"1958-01-01\"), Rules(\"north\", \"blue\")])",
    );
    let p = problem(&t);
    assert_eq!(p.subject, "event \"spat\" (triggered)");
    assert_eq!(
        p.message,
        "Rules(\"north\", \"blue\") can never hold: \"blue\" is a party of another state"
    );
    assert_eq!(at(&p), pos_in(&t, "Rules(\"north\", \"blue\")", "\"blue\""));
}

#[test]
fn an_unknown_band_in_a_checkpoint() {
    let t = Text::small().replace(
        "Bands(\"ordinary\", \"friendly\")",
        "Bands(\"ordinary\", \"freindly\")",
    );
    let p = problem(&t);
    assert_eq!(p.subject, "checkpoint \"warm\"");
    assert_eq!(p.message, "unknown band \"freindly\"");
    assert_eq!(p.hint.as_deref(), Some("did you mean \"friendly\"?"));
    assert_eq!(at(&p), t.pos("\"freindly\""));
}

#[test]
fn a_window_wider_than_the_span() {
    // Such a window would also overflow the engine's day arithmetic.
    let t = Text::small().replace("window: 30", "window: 4294967295");
    let p = problem(&t);
    assert_eq!(
        p.message,
        "a window of 4294967295 days is wider than the whole span (4017 days)"
    );
    assert_eq!(at(&p), t.pos("4294967295"));
}

#[test]
fn a_follow_up_beyond_the_span() {
    let t = Text::small().replace("after: 14", "after: 2147483647");
    let p = problem(&t);
    assert_eq!(
        p.message,
        "a follow-up after 2147483647 days would fall beyond the end of the span (4017 days long)"
    );
    assert_eq!(at(&p), t.pos("2147483647"));
}

#[test]
fn a_one_day_span() {
    let t = Text::small().replace(
        "span: (\"1950-01-01\", \"1960-12-31\")",
        "span: (\"1950-01-01\", \"1950-01-01\")",
    );
    let ps = problems(&t);
    assert_eq!(
        ps[0].message,
        "the span must end after it starts, but it runs from 1950-01-01 to 1950-01-01"
    );
    assert_eq!(at(&ps[0]), t.pos("(\"1950-01-01\", \"1950-01-01\")"));
}

#[test]
fn all_problems_are_reported_in_file_order() {
    // Overlaps are checked after every leader's own fields, yet come out in file order.
    let t = Text::small()
        .replace(
            "terms: [(from: \"1955-06-01\")]",
            "terms: [(from: \"1955-01-01\")]",
        )
        .replace("party: \"blue\",", "party: \"blu\",")
        .replace("chance: 0.9", "chance: 2.0");
    let e = load(&t).expect_err("three broken rules");
    let subjects: Vec<String> = e.problems().iter().map(|p| p.subject.to_string()).collect();
    let found: Vec<(&str, (usize, usize))> = subjects
        .iter()
        .zip(e.problems())
        .map(|(s, p)| (s.as_str(), at(p)))
        .collect();
    assert_eq!(
        found,
        [
            ("leader \"ben\"", t.pos("(from: \"1955-01-01\")")),
            ("leader \"cid\"", t.pos("\"blu\"")),
            (
                "event \"incident\" (1957-01-01)",
                pos_in(&t, "chance: 2.0", "2.0")
            ),
        ]
    );
}

#[test]
fn problems_are_drawn_with_subject_caret_and_hint() {
    let t = Text::small().replace("chance: 0.9", "chance: 1.5");
    let e = load(&t).expect_err("a broken rule");
    let (line, col) = t.pos("1.5");
    let n = line.to_string();
    let pad = " ".repeat(n.len());
    assert_eq!(
        e.to_string(),
        format!(
            "{FILE}: 1 problem found\n\n\
             {FILE}:{line}:{col}: event \"incident\" (1957-01-01): chance is 1.5; a probability lies in [0, 1]\n\
             {pad} |\n\
             {n} |          chance: 1.5,\n\
             {pad} |                  ^\n  \
             = help: write e.g. chance: 0.25 for one in four"
        )
    );
}

#[test]
fn a_flood_of_problems_shows_the_first_thirty() {
    let many: String = (0..40)
        .map(|i| format!("        (id: \"x{i}\", date: \"1953-01-01\", title: \"X\", source: \"s\", chance: 2.0),\n"))
        .collect();
    let t = Text::small().replace("    events: [\n", &format!("    events: [\n{many}"));
    let e = load(&t).expect_err("forty broken rules");
    // Only the problems reported are kept, so a flood of them costs bounded memory.
    assert_eq!(e.problems().len(), 30);
    let shown = e.to_string();
    assert!(
        shown.starts_with(&format!("{FILE}: 40 problems found")),
        "{shown}"
    );
    assert_eq!(shown.matches("chance is 2; a probability").count(), 30);
    assert!(
        shown.ends_with(&format!(
            "{FILE}: and 10 more problems not shown; fix these first"
        )),
        "{shown}"
    );
}

#[test]
fn a_large_file_is_checked_and_its_errors_located() {
    // About 5 MB: forty thousand events. Locating a problem must not scan the text once
    // per event (that took minutes).
    let many: String = (0..40_000)
        .map(|i| format!("        (id: \"e{i}\", date: \"1953-01-01\", title: \"Event {i}\", source: \"generated\", effects: [Modifier(level: State, value: 0.001, fade: Days(30.0))]),\n"))
        .collect();
    let t = Text::small().replace("    events: [\n", &format!("    events: [\n{many}"));
    assert!(t.0.len() > 5_000_000);
    let t = t.replace(
        "(id: \"e39999\", date: \"1953-01-01\"",
        "(id: \"e39999\", date: \"1963-01-01\"",
    );
    let p = problem(&t);
    assert_eq!(p.subject, "event \"e39999\" (1963-01-01)");
    assert_eq!(at(&p), t.pos("\"1963-01-01\""));
}

// Files that are not scenario text at all.

fn load_file(bytes: &[u8]) -> String {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join(FILE);
    std::fs::write(&path, bytes).expect("write the file");
    let e = Scenario::load(&path).expect_err("the file is refused");
    e.to_string().replace(&path.display().to_string(), FILE)
}

#[test]
fn a_png_file() {
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x06\x40\0\0\x03\x84\x08\x02\0\0\0";
    assert_eq!(
        load_file(png),
        format!(
            "{FILE}: this is a PNG image, not a scenario file\n  = help: a scenario is a RON text file (`name.ron`); check the path"
        )
    );
}

#[test]
fn a_binary_file() {
    let shown = load_file(b"\x01\x02\x00\x03garbage");
    assert!(
        shown.starts_with(&format!(
            "{FILE}: this is a binary file, not a scenario file"
        )),
        "{shown}"
    );
}

#[test]
fn a_utf16_file() {
    let shown = load_file(b"\xFF\xFES\0c\0e\0");
    assert!(
        shown.starts_with(&format!(
            "{FILE}: the file is UTF-16 text; scenarios are read as UTF-8"
        )),
        "{shown}"
    );
}

#[test]
fn a_windows_1252_file_points_at_the_first_bad_byte() {
    let t = Text::small().replace("Ann North", "Ann Nörth");
    let (line, col) = t.pos("ö");
    // Windows-1252 writes ö as the one byte 0xF6 where UTF-8 takes two.
    let at = t.0.find('ö').expect("the ö");
    let mut cp1252 = t.0.into_bytes();
    cp1252.splice(at..at + 'ö'.len_utf8(), [0xF6]);
    let shown = load_file(&cp1252);
    assert!(
        shown.starts_with(&format!(
            "{FILE}:{line}:{col}: the file is not UTF-8 text: the byte 0xF6 here is not a character"
        )),
        "{shown}"
    );
    assert!(shown.ends_with("= help: save the file with the encoding UTF-8 (it may have been saved as Windows-1252 or Latin-1)"), "{shown}");
}

#[test]
fn a_byte_order_mark_is_ignored() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join(FILE);
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(Text::small().0.bytes());
    std::fs::write(&path, &bytes).expect("write");
    Scenario::load(&path).expect("a file with a byte-order mark loads");

    // Columns on the first line do not count the mark.
    let t = Text::small().replace("Scenario(", "Scenari(");
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(t.0.bytes());
    let (line, col) = t.pos("Scenari(");
    assert!(load_file(&bytes).starts_with(&format!("{FILE}:{line}:{col}: expected `Scenario`")));
}

#[test]
fn windows_line_endings() {
    let crlf = Text(Text::small().0.replace('\n', "\r\n"));
    load(&crlf).expect("CRLF text loads");

    let t = Text::small().replace("chance: 0.9", "chance: 1.5");
    let crlf = Text(t.0.replace('\n', "\r\n"));
    let p = problem(&crlf);
    assert_eq!(at(&p), t.pos("1.5"));
    assert!(!p.location.expect("a location").text.contains('\r'));

    let t = Text::small().replace("chance: 0.9", "chanse: 0.9");
    let e = syntax(&Text(t.0.replace('\n', "\r\n")));
    assert_eq!(e.at, t.pos("chanse"));
    assert!(!e.shown.contains('\r'));
}

#[test]
fn unicode_ids_and_names() {
    let t = Text::small()
        .replace(
            "(id: \"ann\", name: \"Ann North\"",
            "(id: \"安\", name: \"Анна Северная\"",
        )
        .replace("actors: [\"ann\", \"cid\"]", "actors: [\"安\", \"cid\"]")
        .replace("Leader(\"ann\", \"cid\")", "Leader(\"安\", \"cïd\")");
    let p = problem(&t);
    assert_eq!(p.message, "unknown leader \"cïd\"");
    assert_eq!(p.hint.as_deref(), Some("did you mean \"cid\"?"));
    assert_eq!(at(&p), t.pos("\"cïd\""));
}

#[test]
fn a_missing_file() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    std::fs::write(dir.path().join("sino_soviet.ron"), "").expect("write");
    let e = Scenario::load(&dir.path().join("sino_sovet.ron")).expect_err("no such file");
    let shown = e
        .to_string()
        .replace(&dir.path().display().to_string(), "DIR");
    assert_eq!(
        shown,
        "DIR/sino_sovet.ron: there is no such file\n  = help: did you mean DIR/sino_soviet.ron?"
    );
    let e = Scenario::load(&dir.path().join("nothing.ron")).expect_err("no such file");
    let shown = e
        .to_string()
        .replace(&dir.path().display().to_string(), "DIR");
    assert_eq!(
        shown,
        "DIR/nothing.ron: there is no such file\n  = help: check the spelling; a relative path starts from the current folder"
    );
}

#[test]
fn a_folder_given_as_a_file() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    std::fs::write(dir.path().join("small.ron"), "").expect("write");
    let e = Scenario::load(dir.path()).expect_err("a folder");
    let shown = e
        .to_string()
        .replace(&dir.path().display().to_string(), "DIR");
    assert_eq!(
        shown,
        "DIR: this is a folder, not a file\n  = help: name a scenario file inside it: small.ron"
    );
}

#[test]
fn no_truncation_or_deleted_character_panics_or_points_outside_the_file() {
    let text = Text::small().0;
    let lines = text.lines().count();
    // Every fourth character keeps the test quick in debug builds and still cuts inside
    // every kind of token the fixture has.
    let cuts = text.char_indices().map(|(i, _)| i).step_by(4);
    for i in cuts {
        let truncated = &text[..i];
        let mut deleted = text.clone();
        deleted.remove(i);
        for broken in [truncated, deleted.as_str()] {
            let Err(e) = Scenario::from_str(broken, Path::new(FILE)) else {
                continue;
            };
            let shown = e.to_string();
            assert!(shown.starts_with(FILE), "{shown}");
            let located = match &e {
                ScenarioError::Syntax { location, .. } => vec![location.clone()],
                ScenarioError::Invalid { problems, .. } => {
                    problems.iter().filter_map(|p| p.location.clone()).collect()
                }
                other => panic!("unexpected error {other}"),
            };
            for l in located {
                assert!(l.line >= 1 && l.line <= lines.max(1), "{shown}");
                assert!(
                    l.col > l.skipped as usize
                        && l.col - l.skipped as usize <= l.text.chars().count() + 1,
                    "{shown}"
                );
            }
        }
    }
}

#[test]
fn check_accepts_the_three_state_example_and_counts_its_pairs() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let three = crate::common::fixture("three_states.ron");
    let ran = crate::common::diplosim(dir.path(), &["check", three.to_str().expect("UTF-8")]);
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    assert!(
        ran.stdout.contains(
            "ok: \"The strategic triangle, 1969-1976\", 1969-01-01 to 1976-12-31; 3 states (3 pairs), 3 parties, 0 leaders, 0 actors, 6 events, 3 checkpoints"
        ),
        "{}",
        ran.stdout
    );
    // A file of one pair reads as it always has.
    let small = crate::common::fixture("small.ron");
    let ran = crate::common::diplosim(dir.path(), &["check", small.to_str().expect("UTF-8")]);
    assert!(
        ran.stdout.contains("; 2 states, 3 parties,"),
        "{}",
        ran.stdout
    );
}

#[test]
fn a_broken_pair_is_located_in_the_file() {
    // The three-state example with a pair of a state with itself: the message names the
    // pair and points at it.
    let text = crate::common::fixture_text("three_states.ron").replacen(
        "    parties: [",
        "    pairs: [(states: (\"china\", \"china\"))],\n    parties: [",
        1,
    );
    let e = Scenario::from_str(&text, Path::new("three_states.ron")).expect_err("broken");
    let shown = e.to_string();
    assert!(
        shown.contains(
            "three_states.ron:30:22: pair \"china/china\": state \"china\" is paired with itself"
        ),
        "{shown}"
    );
}

/// The accumulating form's settings and the re-anchor are checked like every field: a
/// gain off its range, a drift that ends on a date, a re-anchor off the scale or without
/// its pair in a file of three, each located.
#[test]
fn dynamics_and_reanchors_are_checked_and_located() {
    let dynamics = |d: &str| {
        Text::small().replace(
            "    structure: (base: 0.0, affinity: 2.0),",
            &format!("    structure: (base: 0.0, affinity: 2.0),\n    dynamics: {d},"),
        )
    };
    assert!(load(&dynamics("Decaying")).is_ok());
    assert!(load(&dynamics("Accumulating(gain: 1.0, drift: Permanent)")).is_ok());
    let t = dynamics("Accumulating(gain: 0.0, drift: Years(5.0))");
    let shown = load(&t).expect_err("a gain of 0").to_string();
    let (line, col) = t.pos("0.0, drift");
    assert!(
        shown.contains(&format!("small.ron:{line}:{col}: "))
            && shown.contains("the gain is 0; it must be above 0 and at most 10"),
        "{shown}"
    );
    let t = dynamics("Accumulating(gain: 1.0, drift: Until(\"1955-01-01\"))");
    let shown = load(&t).expect_err("a drift that ends").to_string();
    assert!(
        shown.contains("the drift must be a positive half-life"),
        "{shown}"
    );

    let reanchor = |r: &str| {
        Text::small().replace(
            "         effects: [Modifier(level: State, value: 4.0, fade: Years(10.0))]),",
            &format!(
                "         effects: [Modifier(level: State, value: 4.0, fade: Years(10.0)), {r}]),"
            ),
        )
    };
    assert!(load(&reanchor("Reanchor()")).is_ok());
    assert!(
        load(&reanchor(
            "Reanchor(states: (\"south\", \"north\"), to: -2.0)"
        ))
        .is_ok()
    );
    let t = reanchor("Reanchor(to: 12.0)");
    let shown = load(&t).expect_err("off the scale").to_string();
    let (line, col) = t.pos("12.0");
    assert!(
        shown.contains(&format!("small.ron:{line}:{col}: "))
            && shown.contains("a re-anchor's level is off the scale: 12 is beyond ±9"),
        "{shown}"
    );
    let t = reanchor("Reanchor(states: (\"north\", \"west\"))");
    let shown = load(&t).expect_err("an unknown state").to_string();
    assert!(shown.contains("\"west\""), "{shown}");
}
