//! Unit tests of the chart's layout decisions: they check the placements a reader would
//! check by eye (nothing overlaps, numbers follow dates, the legend counts what it
//! leaves out) on models built here.

use super::scene::{Rect, Shape};
use super::timeline::{Decisions, plan, segment_distance};
use super::*;

fn date(text: &str) -> Date {
    text.parse().unwrap()
}

/// A model with `n` events on a line that swings hard every few years: crowded on
/// purpose, so that not every event can have a number.
fn crowded(n: usize) -> ChartModel {
    let (start, end) = (date("1900-01-01"), date("1980-01-01"));
    let points: Vec<(Date, f64)> = Date::month_starts(start, end)
        .into_iter()
        .enumerate()
        .map(|(k, d)| (d, 8.0 * (k as f64 / 17.0).sin() * (k as f64 / 61.0).cos()))
        .collect();
    let markers = (0..n)
        .map(|k| {
            let (d, v) = points[(k * points.len()) / n + 3];
            EventMarker {
                pair: 0,
                date: d,
                score: v,
                title: format!("event number {k}"),
                source: format!("source {k}"),
                influence: ((k * 37) % 23) as f64,
                eligible: true,
                id: String::new(),
            }
        })
        .collect();
    ChartModel {
        markers,
        series: vec![Series {
            pair: 0,
            label: "baseline".into(),
            points,
            role: SeriesRole::Baseline,
            band: Vec::new(),
        }],
        bands: vec![
            BandShade {
                name: "bad".into(),
                lo: -9.0,
                hi: 0.0,
            },
            BandShade {
                name: "good".into(),
                lo: 0.0,
                hi: 9.0,
            },
        ],
        eras: (0..8)
            .map(|k| EraSpan {
                pair: None,
                label: format!("era with a long name {k}"),
                from: date(&format!("{}-01-01", 1900 + 10 * k)),
                to: date(&format!("{}-12-31", 1909 + 10 * k)),
            })
            .collect(),
        strips: vec![Strip {
            state: "Ruritania".into(),
            tenures: vec![
                Tenure {
                    name: "Rudolf the Long-Reigning".into(),
                    short: "Rudolf".into(),
                    from: start,
                    to: date("1960-01-01"),
                },
                Tenure {
                    name: "Flavia the Brief".into(),
                    short: "Flavia".into(),
                    from: date("1960-01-02"),
                    to: date("1964-01-01"),
                },
            ],
        }],
        events_file: "events.csv".into(),
        ..ChartModel::new("Crowded", (start, end), 9.0)
    }
}

fn decide(model: &ChartModel) -> Decisions {
    fonts().unwrap();
    plan(model).unwrap().1
}

#[test]
fn numbers_keep_clear_of_lines_markers_and_each_other() {
    let model = crowded(80);
    let d = decide(&model);
    assert!(
        d.badges.len() >= 10,
        "only {} numbers placed",
        d.badges.len()
    );
    for (k, &(i, _, m, c, r)) in d.badges.iter().enumerate() {
        let inner = Rect::new(d.plot.x0 + r, d.plot.y0 + r, d.plot.x1 - r, d.plot.y1 - r);
        assert_eq!(inner.distance(c), 0.0, "badge of event {i} leaves the plot");
        for line in &d.lines {
            for w in line.windows(2) {
                assert!(
                    segment_distance(c, w[0], w[1]) >= r + 3.9,
                    "badge of event {i} touches a line"
                );
            }
        }
        for (j, other) in d.badges.iter().enumerate().filter(|&(j, _)| j != k) {
            let gap = (c.0 - other.3.0).hypot(c.1 - other.3.1);
            assert!(gap >= r + other.4, "badges {k} and {j} overlap");
            let to_marker = (c.0 - other.2.0).hypot(c.1 - other.2.1);
            assert!(to_marker >= r, "badge {k} covers the marker of {j}");
        }
        assert!(m.1 < d.legend.y0 && c.1 + r < d.legend.y0);
    }
}

#[test]
fn numbers_run_in_date_order_and_go_to_the_most_influential_first() {
    let model = crowded(80);
    let d = decide(&model);
    let numbered: Vec<usize> = d.badges.iter().map(|b| b.0).collect();
    let dates: Vec<Date> = numbered.iter().map(|&i| model.markers[i].date).collect();
    assert!(dates.windows(2).all(|w| w[0] <= w[1]));
    let numbers: Vec<usize> = d.badges.iter().map(|b| b.1).collect();
    assert_eq!(numbers, (1..=numbered.len()).collect::<Vec<_>>());
    assert_eq!(d.left_out, 80 - numbered.len());
    // On a flat line every number finds a spot, so the legend's room alone decides, and
    // the most influential events win it.
    let mut flat = crowded(60);
    for (k, m) in flat.markers.iter_mut().enumerate() {
        m.score = 0.0;
        m.date = date(&format!("{}-06-01", 1901 + k));
    }
    flat.series[0].points = vec![(flat.span.0, 0.0), (flat.span.1, 0.0)];
    let d = decide(&flat);
    let chosen: Vec<usize> = d.badges.iter().map(|b| b.0).collect();
    assert!(!chosen.is_empty() && chosen.len() < 60);
    let weakest_in = chosen
        .iter()
        .map(|&i| flat.markers[i].influence)
        .fold(f64::INFINITY, f64::min);
    let strongest_out = (0..60)
        .filter(|i| !chosen.contains(i))
        .map(|i| flat.markers[i].influence)
        .fold(0.0, f64::max);
    assert!(
        weakest_in >= strongest_out,
        "{weakest_in} < {strongest_out}"
    );
}

#[test]
fn legend_lists_every_numbered_event_and_counts_the_rest() {
    let model = crowded(80);
    fonts().unwrap();
    let (scene, d) = plan(&model).unwrap();
    let texts: Vec<&str> = scene.texts().map(|l| l.text.as_str()).collect();
    for &(i, number, ..) in &d.badges {
        let n = number.to_string();
        // Once on the plot, once in the legend, both bold (unlike an axis label).
        let bold = scene.texts().filter(|l| l.bold && l.text == n).count();
        assert_eq!(bold, 2, "number {n}");
        let title = &model.markers[i].title;
        assert!(
            texts.iter().any(|t| t == title),
            "{title} missing from the legend"
        );
    }
    // The footer says how the numbered events were chosen.
    let note = format!(
        "numbered: the {} largest jumps in score of 80 events; all 80 in events.csv",
        d.badges.len()
    );
    assert!(d.badges.len() < 80);
    assert_eq!(d.note, note);
    assert!(texts.contains(&note.as_str()), "no `{note}`");
}

#[test]
fn a_footer_with_no_number_says_so_and_not_the_0_largest() {
    let model = crowded(80);
    assert_eq!(
        super::timeline::numbering_note(&model, 0, 80, 80),
        "80 events, none numbered: no room left under the chart; all 80 in events.csv"
    );
}

#[test]
fn era_labels_never_overlap() {
    let d = decide(&crowded(10));
    assert!(!d.eras.is_empty());
    for (k, a) in d.eras.iter().enumerate() {
        for b in &d.eras[k + 1..] {
            assert!(
                !a.2.near(&b.2, 4.0),
                "era labels `{}` and `{}` overlap",
                a.1,
                b.1
            );
        }
        assert!(a.2.y1 <= d.plot.y0);
    }
}

#[test]
fn narrow_tenures_get_their_short_form() {
    let d = decide(&crowded(10));
    let labels: Vec<&str> = d.tenures.iter().map(|t| t.2.as_str()).collect();
    assert_eq!(labels, ["Rudolf the Long-Reigning", "Flavia"]);
}

#[test]
fn tenures_too_narrow_for_a_short_form_are_named_under_the_strip() {
    fonts().unwrap();
    let mut model = crowded(5);
    model.strips[0].tenures.push(Tenure {
        name: "Ottokar the Nine Days".into(),
        short: "Ottokar".into(),
        from: date("1964-01-02"),
        to: date("1964-01-10"),
    });
    let texts: Vec<String> = plan(&model)
        .unwrap()
        .0
        .texts()
        .map(|l| l.text.clone())
        .collect();
    assert!(
        texts.contains(&"short terms".to_string())
            && texts.contains(&"Ottokar the Nine Days 1964".to_string()),
        "{texts:?}"
    );
    // Nothing inside the strip stands for him: no initial to puzzle over.
    assert!(!texts.iter().any(|t| t == "O" || t == "Ottokar"));
    let d = decide(&model);
    assert_eq!(d.tenures.len(), 2);
}

#[test]
fn key_appears_only_when_there_is_something_to_tell_apart() {
    fonts().unwrap();
    let mut model = crowded(5);
    let texts = |m: &ChartModel| -> Vec<String> {
        plan(m).unwrap().0.texts().map(|l| l.text.clone()).collect()
    };
    assert!(!texts(&model).contains(&"baseline".to_string()));
    let mut variant = model.series[0].clone();
    variant.label = "what if".into();
    variant.role = SeriesRole::Variant;
    model.series.push(variant);
    let t = texts(&model);
    assert!(t.contains(&"baseline".to_string()) && t.contains(&"what if".to_string()));
}

#[test]
fn refuses_what_it_cannot_draw_with_reasons() {
    let model = crowded(3);
    let mut m = model.clone();
    m.span = (model.span.1, model.span.0);
    assert_eq!(
        render(&m).unwrap_err().to_string(),
        "the chart's span ends on 1900-01-01, which is not after its start 1980-01-01"
    );
    let mut m = model.clone();
    m.bound = 0.0;
    assert_eq!(m.bound, 0.0);
    assert!(matches!(render(&m), Err(ChartError::Bound(_))));
    let mut m = model.clone();
    m.series[0].points[5].1 = f64::NAN;
    assert_eq!(
        render(&m).unwrap_err().to_string(),
        "score of series `baseline` on 1900-06-01 is not a finite number"
    );
    let mut bars = vec![("a".to_string(), 1.0), ("b".to_string(), f64::INFINITY)];
    assert_eq!(
        render_bars(&bar_chart(bars.clone()))
            .unwrap_err()
            .to_string(),
        "value of bar `b` is not a finite number"
    );
    bars.pop();
    assert!(render_bars(&bar_chart(bars.clone())).is_ok());
}

#[test]
fn everything_outside_the_span_is_left_out() {
    let mut model = crowded(4);
    model.markers[0].date = date("1850-01-01");
    model.series[0].points.insert(0, (date("1850-01-01"), 5.0));
    let d = decide(&model);
    assert!(d.badges.iter().all(|b| b.0 != 0));
    assert!(d.lines[0].iter().all(|p| p.0 >= d.plot.x0));
    assert_eq!(d.left_out + d.badges.len(), 3);
}

#[test]
fn renders_the_same_bytes_from_many_threads() {
    let model = crowded(20);
    let first = render(&model).unwrap();
    let others: Vec<Rendered> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..2)
            .map(|_| s.spawn(|| render(&model).unwrap()))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert!(others.iter().all(|r| *r == first));
}

#[test]
fn every_shape_stays_on_the_canvas() {
    fonts().unwrap();
    let (scene, _) = plan(&crowded(80)).unwrap();
    let canvas = Rect::new(0.0, 0.0, f64::from(WIDTH), f64::from(HEIGHT));
    for shape in &scene.shapes {
        if let Shape::Text(l) = shape
            && !l.rotated
        {
            let r = l.rect();
            assert!(
                r.x0 >= canvas.x0 && r.x1 <= canvas.x1 && r.y0 >= canvas.y0 && r.y1 <= canvas.y1,
                "`{}` leaves the canvas",
                l.text
            );
        }
    }
}

#[test]
fn legend_rows_left_empty_by_crowding_go_back_to_the_plot() {
    for n in [3, 20, 45, 80] {
        let d = decide(&crowded(n));
        assert_eq!(d.legend_rows, d.badges.len().div_ceil(2), "{n} events");
        assert_eq!(d.legend.y1 - d.legend.y0, d.legend_rows as f64 * 30.0);
    }
}

fn bar_chart(bars: Vec<(String, f64)>) -> BarChart {
    BarChart {
        title: "t".into(),
        subtitle: "s".into(),
        axis: "a".into(),
        small_print: "p".into(),
        bars,
        directions: Vec::new(),
    }
}

/// Layout work is bounded by the picture, not by the input: a model with tens of
/// thousands of events, thousands of checkpoints and eras, and a line of a hundred
/// thousand dates tries a bounded number of events for numbers, keeps at most one dot
/// per pixel, thins every line to four points per pixel column, and signs at most a
/// hundred checkpoints. (The time it saves is measured in `benches/chart.rs`.)
#[test]
fn layout_work_is_capped_whatever_the_input() {
    let (start, end) = (date("1900-01-01"), date("1999-12-31"));
    let days = end.day() - start.day();
    let mut model = crowded(0);
    model.span = (start, end);
    model.series[0].points = (0..100_000)
        .map(|k| {
            let d = Date::from_day(start.day() + (k * days as i64 / 100_000) as i32);
            (
                d,
                8.0 * ((k as f64) / 3000.0).sin() + ((k % 7) as f64 - 3.0) * 0.2,
            )
        })
        .collect();
    model.markers = (0..30_000)
        .map(|k| {
            let (d, v) = model.series[0].points[(k * 3) % 100_000];
            EventMarker {
                pair: 0,
                date: d,
                score: v,
                title: format!("event {k}"),
                source: String::new(),
                influence: (k % 101) as f64,
                eligible: true,
                id: String::new(),
            }
        })
        .collect();
    model.checkpoints = (0..3_000)
        .map(|k| {
            let d = Date::from_day(start.day() + k * 12);
            CheckpointMark {
                pair: 0,
                id: format!("c{k}"),
                from: d,
                to: d,
                lo: -9.0,
                hi: 9.0,
                met: true,
            }
        })
        .collect();
    model.eras = (0..3_000)
        .map(|k| EraSpan {
            pair: None,
            label: format!("era {k}"),
            from: Date::from_day(start.day() + k * 12),
            to: Date::from_day(start.day() + k * 12 + 11),
        })
        .collect();
    let d = decide(&model);
    let capacity = d.legend_rows * 2;
    assert!(
        d.tried <= (capacity * 4).max(48),
        "{} events tried",
        d.tried
    );
    assert!(!d.badges.is_empty());
    let plot_pixels = (d.plot.width() + 2.0) * (d.plot.height() + 2.0);
    assert!((d.dots as f64) < plot_pixels, "{} dots", d.dots);
    assert!(d.dots < 30_000, "dots on one pixel are one dot");
    assert!(
        d.line_points as f64 <= 4.0 * (d.plot.width() + 2.0),
        "{} line points on a {} px plot",
        d.line_points,
        d.plot.width()
    );
    assert_eq!(d.signs, 100);
    assert!(d.eras.len() <= 120, "{} era labels", d.eras.len());
}

#[test]
fn a_what_if_title_that_quotes_its_event_is_not_quoted_twice() {
    let mut model = crowded(3);
    let mut variant = model.series[0].clone();
    variant.label = "\"Secret speech\" never happens".into();
    variant.role = SeriesRole::Variant;
    model.series.push(variant);
    let text = describe::describe(&model);
    assert!(
        text.contains("The what-if \"Secret speech\" never happens: "),
        "{text}"
    );
    assert!(!text.contains("\"\""), "{text}");
}

/// The crowded model as a chart of two pairs: its line is the first pair's, a mirror of
/// it the second's, with every event logged on both (as an event that moves two pairs
/// is), and a second strip of a state whose leaders the file does not give.
fn two_pairs() -> ChartModel {
    let mut m = crowded(30);
    m.pairs = vec!["Ruritania – Borduria".into(), "Ruritania – Syldavia".into()];
    let mut mirror = m.series[0].clone();
    mirror.pair = 1;
    mirror.label = m.pairs[1].clone();
    for p in &mut mirror.points {
        p.1 = -p.1;
    }
    m.series[0].label = m.pairs[0].clone();
    m.series.push(mirror);
    let twins: Vec<EventMarker> = m
        .markers
        .iter()
        .map(|e| EventMarker {
            pair: 1,
            score: -e.score,
            ..e.clone()
        })
        .collect();
    m.markers.extend(twins);
    m.strips.push(Strip {
        state: "Syldavia".into(),
        tenures: Vec::new(),
    });
    m.eras[0].pair = Some(1);
    m.eras[0].label = "Own".into();
    m
}

#[test]
fn an_event_on_two_pairs_gets_one_number() {
    let model = two_pairs();
    let d = decide(&model);
    assert!(d.badges.len() >= 6, "only {} numbers", d.badges.len());
    let mut events: Vec<(Date, &str)> = d
        .badges
        .iter()
        .map(|b| (model.markers[b.0].date, model.markers[b.0].title.as_str()))
        .collect();
    let numbered = events.len();
    events.dedup();
    assert_eq!(events.len(), numbered, "an event numbered twice");
}

#[test]
fn lines_of_pairs_show_the_scenario_s_eras_and_the_strips_with_leaders() {
    let model = two_pairs();
    let d = decide(&model);
    // The first era is the second pair's own: on one plot of both it is left out.
    assert!(
        d.eras.iter().all(|e| e.1 != "Own"),
        "a pair's era on the era bar"
    );
    assert!(!d.eras.is_empty());
    // Syldavia has no leaders: no empty strip, and the small print says why.
    assert!(d.tenures.iter().all(|t| t.0 == 0));
    fonts().unwrap();
    let scene = super::layout(&model).unwrap();
    let texts: Vec<&str> = scene
        .shapes
        .iter()
        .filter_map(|s| match s {
            Shape::Text(l) => Some(l.text.as_str()),
            _ => None,
        })
        .collect();
    let left_of_plot = |name: &str| {
        scene
            .shapes
            .iter()
            .any(|s| matches!(s, Shape::Text(l) if l.text == name && l.x <= d.plot.x0))
    };
    assert!(
        left_of_plot("Ruritania"),
        "the strip of a state with leaders"
    );
    assert!(!left_of_plot("Syldavia"), "an empty strip is drawn");
    assert!(
        texts
            .iter()
            .any(|t| t.contains("no leaders given for Syldavia")),
        "{texts:?}"
    );
    // Both lines are named at their ends, right of the plot, in 20 px bold.
    for name in ["Ruritania –", "Borduria", "Syldavia"] {
        let label = scene
            .shapes
            .iter()
            .find_map(|s| match s {
                Shape::Text(l) if l.text == name => Some(l),
                _ => None,
            })
            .unwrap_or_else(|| panic!("no label {name}"));
        assert!(label.size >= 20.0 && label.bold);
        assert!(label.x > d.plot.x1, "{name} stands right of the plot");
    }
    // One colour per pair, neither a checkpoint's colour.
    let strokes: Vec<_> = scene
        .shapes
        .iter()
        .filter_map(|s| match s {
            Shape::Line { points, stroke } if points.len() > 100 => Some(*stroke),
            _ => None,
        })
        .collect();
    assert_eq!(strokes.len(), 2, "{strokes:?}");
    assert_ne!(strokes[0].color, strokes[1].color);
    assert_ne!(
        strokes[0].dash, strokes[1].dash,
        "greyscale tells them apart too"
    );
}

#[test]
fn panels_of_pairs_are_one_per_pair_with_their_own_eras() {
    let mut model = two_pairs();
    model.layout = Layout::Panels;
    fonts().unwrap();
    let scene = super::layout(&model).unwrap();
    let frames = scene
        .shapes
        .iter()
        .filter(|s| {
            matches!(s, Shape::Rect { fill: None, stroke: Some(st), .. }
                if st.color == super::timeline::FRAME && st.width == 1.0)
        })
        .count();
    assert_eq!(frames, 2, "a framed plot per pair");
    let count = |text: &str| {
        scene
            .shapes
            .iter()
            .filter(|s| matches!(s, Shape::Text(l) if l.text == text))
            .count()
    };
    assert_eq!(count("Ruritania – Borduria"), 1);
    assert_eq!(count("Ruritania – Syldavia"), 1);
    // The second pair's own era is labelled in its panel only; the others in both.
    assert_eq!(count(&model.eras[0].label), 1);
}

#[test]
fn a_change_label_is_shortened_between_clauses_never_inside_one() {
    let forms = super::timeline::shortened(
        "removed: Khrushchev denounces Stalin: the start of 'revisionism'",
    );
    assert_eq!(
        forms[0],
        ["removed: Khrushchev denounces Stalin: the start of 'revisionism'"]
    );
    // The whole label on two lines, broken at a space.
    assert_eq!(
        forms[1].join(" "),
        "removed: Khrushchev denounces Stalin: the start of 'revisionism'"
    );
    assert_eq!(forms[1].len(), 2);
    assert_eq!(forms[2], ["removed: Khrushchev denounces Stalin"]);
    assert_eq!(forms.len(), 3);
    assert!(forms.iter().flatten().all(|l| !l.contains('…')));
}

/// The crowded model with a triangle: by levels a stable marriage then a romantic
/// triangle, one stretch too short to name.
fn with_triangle() -> ChartModel {
    use crate::triangle::{Configuration, Period, Reading};
    let mut m = crowded(5);
    let names = ["Ruritania", "Borduria", "Syldavia"].map(String::from);
    let period = |from: &str, to: &str, c| Period {
        from: date(from),
        to: date(to),
        configuration: c,
    };
    m.triangle = Some(TriangleStrips {
        names,
        rows: vec![
            TriangleRow {
                label: String::new(),
                reading: Reading::Levels,
                periods: vec![
                    period(
                        "1900-01-01",
                        "1939-12-01",
                        Some(Configuration::StableMarriage { outcast: 2 }),
                    ),
                    period("1940-01-01", "1940-06-01", Some(Configuration::UnitVeto)),
                    period(
                        "1940-07-01",
                        "1979-12-01",
                        Some(Configuration::RomanticTriangle { pivot: 0 }),
                    ),
                ],
                shares: Vec::new(),
            },
            TriangleRow {
                label: String::new(),
                reading: Reading::Trend,
                periods: vec![period("1900-01-01", "1979-12-01", None)],
                shares: Vec::new(),
            },
        ],
        checkpoints: Vec::new(),
    });
    m
}

#[test]
fn the_triangle_strip_names_configurations_where_they_fit_and_keys_them() {
    fonts().unwrap();
    let model = with_triangle();
    let texts: Vec<String> = plan(&model)
        .unwrap()
        .0
        .texts()
        .map(|l| l.text.clone())
        .collect();
    for t in [
        "by levels",
        "by trend",
        "stable marriage: Syldavia outcast",
        "romantic triangle: Ruritania pivot",
        "no sign yet",
        "unit veto (− − −)",
        "hatched: unbalanced",
    ] {
        assert!(texts.contains(&t.to_string()), "no {t:?} in {texts:?}");
    }
    // Six months of unit veto are too narrow for any word.
    assert!(!texts.iter().any(|t| t == "unit veto"), "{texts:?}");
}

#[test]
fn the_triangle_strip_takes_its_room_from_the_plot_and_keeps_the_rest() {
    fonts().unwrap();
    let plain = crowded(5);
    let model = with_triangle();
    let (a, b) = (decide(&plain), decide(&model));
    // The plot gives up the strips' height; the legend keeps its rows.
    assert!(b.plot.y1 < a.plot.y1 - 60.0, "{:?} vs {:?}", b.plot, a.plot);
    assert_eq!(a.legend_rows, b.legend_rows);
    // Without a triangle, nothing of it is drawn.
    let texts: Vec<String> = plan(&plain)
        .unwrap()
        .0
        .texts()
        .map(|l| l.text.clone())
        .collect();
    assert!(!texts.iter().any(|t| t == "by levels"));
}

/// Era placements are kept per thread for the next chart with the same eras on the same
/// plot (every what-if of a scenario on the page): a chart whose era labels or plot
/// differ gets a placement of its own, never a kept one.
#[test]
fn a_kept_era_placement_is_used_only_for_the_same_eras_on_the_same_plot() {
    fonts().unwrap();
    let model = crowded(10);
    let first = decide(&model).eras;
    assert_eq!(decide(&model).eras, first);
    let mut renamed = model.clone();
    renamed.eras[2].label = "renamed era".into();
    let eras = decide(&renamed).eras;
    assert!(
        eras.iter().any(|e| e.0 == 2 && e.1 == "renamed era"),
        "{eras:?}"
    );
    // A longer band name narrows the plot, and the eras' labels move with their spans.
    let mut narrower = model.clone();
    narrower.bands[0].name = "a much longer name of a band".into();
    let eras = decide(&narrower).eras;
    assert_eq!(eras.len(), first.len());
    assert!(
        eras.iter().zip(&first).all(|(a, b)| a.2.x1 <= b.2.x1),
        "{eras:?}"
    );
    assert!(
        eras.iter().zip(&first).any(|(a, b)| a.2.x1 < b.2.x1),
        "{eras:?}"
    );
}
