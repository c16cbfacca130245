//! The chart as a user gets it: PNG and SVG bytes from the models the program makes of
//! the shipped Sino-Soviet scenario, and from small ones built here.

#[path = "../support/charts.rs"]
mod models;

use std::collections::HashSet;

use diplosim::chart::{self, ChartModel, EnsembleBand, EnsemblePoint, Rendered, SeriesRole};

use models::date;

/// Width, height and RGB pixels of a PNG file.
fn decode(png_bytes: &[u8]) -> (u32, u32, Vec<u8>) {
    let decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
    let mut reader = decoder.read_info().expect("a png header");
    let mut buf = vec![0; reader.output_buffer_size().expect("a sane size")];
    let info = reader.next_frame(&mut buf).expect("png pixels");
    buf.truncate(info.buffer_size());
    assert_eq!(info.color_type, png::ColorType::Rgb);
    (info.width, info.height, buf)
}

fn distinct_colours(rgb: &[u8]) -> usize {
    rgb.chunks(3)
        .map(|c| (c[0], c[1], c[2]))
        .collect::<HashSet<_>>()
        .len()
}

/// `text` as the SVG writes it.
fn escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

/// Whether the SVG has a text element that reads exactly `text`.
fn has_text(svg: &str, text: &str) -> bool {
    let escaped = escaped(text);
    svg.contains(&format!(">\n{escaped}\n</text>")) || svg.contains(&format!(">{escaped}</text>"))
}

/// The line-box height in pixels of the text element that reads exactly `text`.
fn text_size(svg: &str, text: &str) -> Option<f64> {
    let end = svg.find(&format!(">\n{}\n</text>", escaped(text)))?;
    let start = svg[..end].rfind("<text ")?;
    text_sizes(&svg[start..end]).first().copied()
}

/// How often `text` appears in bold, as event numbers do (axis labels do not).
fn count_bold(svg: &str, text: &str) -> usize {
    svg.matches(&format!("font-weight=\"bold\">\n{text}\n</text>"))
        .count()
}

fn assert_is_a_picture(r: &Rendered) {
    let (w, h, rgb) = decode(&r.png);
    assert_eq!((w, h), (1600, 900));
    let colours = distinct_colours(&rgb);
    assert!(colours > 50, "only {colours} colours: is the png blank?");
    assert!(r.svg.starts_with("<svg") && r.svg.trim_end().ends_with("</svg>"));
    assert!(r.svg.contains(r#"width="1600" height="900""#));
}

#[test]
fn renders_the_same_bytes_twice() {
    let model = models::single_run();
    let a = chart::render(&model).unwrap();
    let b = chart::render(&model).unwrap();
    assert_is_a_picture(&a);
    assert!(a.png == b.png, "png bytes differ between two renders");
    assert!(a.svg == b.svg, "svg differs between two renders");
    assert_eq!(chart::render_png(&model).unwrap(), a.png);
    assert_eq!(chart::render_svg(&model).unwrap(), a.svg);
}

#[test]
fn shows_bands_eras_numbers_and_leaders() {
    let model = models::single_run();
    let svg = chart::render_svg(&model).unwrap();
    for band in &model.bands {
        assert!(has_text(&svg, &band.name), "band `{}` unnamed", band.name);
    }
    // Every era is named, whole and at 20 px, however narrow its span.
    for era in &model.eras {
        let size = text_size(&svg, &era.label);
        assert!(size.is_some(), "era `{}` unlabelled", era.label);
        assert!(size >= Some(19.9), "era `{}` at {size:?} px", era.label);
    }
    // The footer says how the numbered events were chosen; they are numbered 1..=n, each
    // number once on the plot and once in the legend.
    let note = svg
        .lines()
        .find(|l| l.starts_with("numbered: the ") && l.ends_with("in events.csv"))
        .expect("a note on how the numbered events were chosen");
    let numbered: usize = note["numbered: the ".len()..]
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(numbered, 10, "{note}");
    assert!(note.contains(&format!("of {} events", model.markers.len())));
    for n in 1..=numbered {
        assert_eq!(count_bold(&svg, &n.to_string()), 2, "event number {n}");
    }
    assert_eq!(count_bold(&svg, &(numbered + 1).to_string()), 0);
    // The text alternative is in the SVG.
    assert!(svg.contains("<title>Sino-Soviet relations, 1917-1991</title>"));
    assert!(svg.contains("<desc>"));
    assert!(svg.contains("Checkpoints of the documented history: 12 of 12 met."));
    for strip in &model.strips {
        assert!(has_text(&svg, &strip.state));
        // Every leader is named: in the strip by name or short form, or, too short for
        // that (Malenkov's nine days), with the years in the lines of short terms under
        // the strip.
        for t in &strip.tenures {
            assert!(
                has_text(&svg, &t.name)
                    || has_text(&svg, &t.short)
                    || svg.contains(&format!("{} {}", t.name, t.from.year())),
                "leader {} unnamed",
                t.name
            );
        }
    }
    assert!(has_text(&svg, "short terms"));
    assert!(
        svg.contains("Georgy Malenkov 1953"),
        "Malenkov's nine days are named under the strip"
    );
    for full in [
        "Mao Zedong",
        "Chiang Kai-shek",
        "Joseph Stalin",
        "Nikita Khrushchev",
        "Leonid Brezhnev",
        "Deng Xiaoping",
    ] {
        assert!(
            has_text(&svg, full),
            "{full} should have room for the full name"
        );
    }
    assert!(has_text(&svg, "Sino-Soviet relations, 1917-1991"));
    assert!(has_text(
        &svg,
        "seed 1 · diplosim 0.1.0 · data: trajectory.csv, events.csv"
    ));
}

#[test]
fn draws_a_tiny_model() {
    let model = models::tiny();
    let r = chart::render(&model).unwrap();
    assert_is_a_picture(&r);
    assert_eq!(
        count_bold(&r.svg, "1"),
        2,
        "number 1 on the plot and in the legend"
    );
    assert_eq!(count_bold(&r.svg, "2"), 2);
    assert_eq!(count_bold(&r.svg, "3"), 0);
    for text in [
        "Friendly visit",
        "Border incident",
        "The only era",
        "Рудольф Первый",
        "Kurvi-Tasch",
    ] {
        assert!(has_text(&r.svg, text), "`{text}` missing");
    }
    assert_eq!(r.text.lines().next(), Some("A tiny history"));
}

#[test]
fn draws_without_markers_and_with_variants_and_ensembles() {
    let mut model = models::comparison(1);
    model.markers.clear();
    model.ensembles = models::ensemble(5).ensembles;
    let r = chart::render(&model).unwrap();
    assert_is_a_picture(&r);
    for label in [
        "baseline: simulated run, seed 1",
        "No break with Stalin's line (1956)",
        "The 1969 fighting escalates",
        "5 simulated runs: median, middle 50% and 90%",
    ] {
        assert!(has_text(&r.svg, label), "no key for `{label}`");
    }
    assert!(!r.svg.contains("numbered"));
    // The comparison and the ensemble draw too.
    assert_is_a_picture(&chart::render(&models::comparison(3)).unwrap());
    assert_is_a_picture(&chart::render(&models::ensemble(5)).unwrap());
}

#[test]
fn draws_bare_models() {
    let (start, end) = (date("1917-11-07"), date("1991-12-26"));
    let bare = ChartModel::new("Nothing yet", (start, end), 9.0);
    let r = chart::render(&bare).unwrap();
    assert!(has_text(&r.svg, "Nothing yet"));
    let (w, h, _) = decode(&r.png);
    assert_eq!((w, h), (1600, 900));
    let mut flat = bare.clone();
    flat.ensembles = vec![EnsembleBand {
        pair: 0,
        label: "one point".to_string(),
        points: vec![EnsemblePoint {
            date: start,
            p5: -1.0,
            p25: 0.0,
            p50: 0.0,
            p75: 0.0,
            p95: 1.0,
        }],
    }];
    assert!(chart::render(&flat).is_ok());
}

#[test]
fn draws_the_ranking_as_bars() {
    let bars: Vec<(String, f64)> = (0..20)
        .map(|k| {
            (
                format!("{} event number {k}", 1920 + 3 * k),
                20.0 / (k as f64 + 1.0),
            )
        })
        .collect();
    let r = chart::render_bars(&bar_chart(
        "Which events mattered?",
        "influence",
        "seed 1",
        &bars,
    ))
    .unwrap();
    assert_is_a_picture(&r);
    for (label, _) in &bars {
        assert!(has_text(&r.svg, label), "bar `{label}` unlabelled");
    }
    assert!(has_text(&r.svg, "Which events mattered?"));
    let again = chart::render_bars(&bar_chart(
        "Which events mattered?",
        "influence",
        "seed 1",
        &bars,
    ))
    .unwrap();
    assert_eq!(again, r);
    assert!(chart::render_bars(&bar_chart("Nothing", "", "", &[])).is_ok());
    let mixed = vec![("up".to_string(), 2.5), ("down".to_string(), -1.5)];
    assert!(has_text(
        &chart::render_bars(&bar_chart("Signs", "", "", &mixed))
            .unwrap()
            .svg,
        "−1.50"
    ));
}

/// Where the child process writes its PNG.
const CHILD_OUT: &str = "DIPLOSIM_CHART_TEST_OUT";

#[test]
fn png_is_the_same_without_system_fonts() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("fonts.conf");
    std::fs::write(
        &config,
        "<?xml version=\"1.0\"?>\n<fontconfig></fontconfig>\n",
    )
    .unwrap();
    let out = dir.path().join("child.png");
    // The test binary runs itself, so the child's first render happens in a process
    // that has never seen a font but those fontconfig is told about: none.
    let status = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "child_renders_with_empty_fontconfig",
            "--ignored",
            "--test-threads=1",
        ])
        .env("FONTCONFIG_FILE", &config)
        .env("FONTCONFIG_PATH", dir.path())
        .env("XDG_DATA_HOME", dir.path())
        .env("HOME", dir.path())
        .env(CHILD_OUT, &out)
        .output()
        .unwrap();
    assert!(status.status.success(), "child failed: {status:?}");
    let child = std::fs::read(&out).expect("the child wrote its png");
    let here = chart::render_png(&models::single_run()).unwrap();
    assert!(child == here, "png differs without system fonts");
}

#[test]
#[ignore = "run in a child process by png_is_the_same_without_system_fonts"]
fn child_renders_with_empty_fontconfig() {
    // Run alone, this test has nothing to check: it fails rather than pass unseen.
    let out = std::env::var_os(CHILD_OUT).unwrap_or_else(|| {
        panic!("{CHILD_OUT} is unset: this child is run by png_is_the_same_without_system_fonts")
    });
    assert!(
        std::env::var_os("FONTCONFIG_FILE").is_some(),
        "FONTCONFIG_FILE is unset: the child must see an empty font configuration"
    );
    let png = chart::render_png(&models::single_run()).unwrap();
    std::fs::write(out, png).unwrap();
}

#[test]
fn fixture_dates_are_what_they_say() {
    assert_eq!(date("1949-10-01").day(), -7397);
}

fn bar_chart(
    title: &str,
    subtitle: &str,
    small_print: &str,
    bars: &[(String, f64)],
) -> chart::BarChart {
    chart::BarChart {
        title: title.into(),
        subtitle: subtitle.into(),
        axis: "mean absolute change (score points)".into(),
        small_print: small_print.into(),
        bars: bars.to_vec(),
        directions: Vec::new(),
    }
}

/// Three bars make a strip as high as they need, not a slide with its top corner used,
/// and everything on it but the small print is at least 20 px.
#[test]
fn a_few_bars_get_a_chart_sized_to_them() {
    let bars: Vec<(String, f64)> = [
        "base: \u{2212}4 to 1",
        "values of all events: 0.5 to 1.5",
        "affinity: 1 to 6",
    ]
    .iter()
    .zip([3.63, 2.86, 1.58])
    .map(|(l, v)| (l.to_string(), v))
    .collect();
    let r = chart::render_bars(&bar_chart(
        "Which parameters move it",
        "Morris mu*",
        "seeds 1 to 20",
        &bars,
    ))
    .unwrap();
    let (w, h, _) = decode(&r.png);
    assert_eq!(w, 1600);
    assert!((300..500).contains(&h), "{h} px high for three bars");
    assert!(r.svg.contains(&format!(r#"width="1600" height="{h}""#)));
    for text in [
        "mean absolute change (score points)",
        "3.63",
        "affinity: 1 to 6",
    ] {
        assert!(has_text(&r.svg, text), "`{text}` missing");
    }
    let sizes = text_sizes(&r.svg);
    assert_eq!(sizes.iter().filter(|&&s| s < 19.9).count(), 1, "{sizes:?}");
    assert!(has_text(&r.svg, "seeds 1 to 20"));
}

/// The line-box height in pixels of every text of an SVG chart (its `font-size` is in
/// plotters' em, 0.859 of the line box for DejaVu Sans).
fn text_sizes(svg: &str) -> Vec<f64> {
    svg.split("font-size=\"")
        .skip(1)
        .map(|s| s[..s.find('"').unwrap()].parse::<f64>().unwrap() / (17.181208053691275 / 20.0))
        .collect()
}

/// More than three what-ifs get a panel each against the baseline, titled with the
/// question, on one shared scale under one key, all readable at 20 px.
#[test]
fn many_what_ifs_get_a_panel_each() {
    let model = models::comparison_with(&models::SHIPPED, 1);
    assert_eq!(model.panels.len(), 6);
    assert!(
        model.series.iter().all(|s| s.role != SeriesRole::Variant),
        "no what-if is drawn over another"
    );
    let r = chart::render(&model).unwrap();
    assert_is_a_picture(&r);
    // Each panel's title is its question (wrapped over two lines at most).
    let titles: Vec<&str> = r.svg.lines().filter(|l| l.starts_with("What if")).collect();
    assert_eq!(titles.len(), 6, "{titles:?}");
    for (panel, first_line) in model.panels.iter().zip(&titles) {
        assert!(panel.title.starts_with("What if") && panel.title.ends_with('?'));
        let first_line = first_line.replace("&apos;", "'");
        assert!(
            panel.title.starts_with(first_line.trim_end_matches('…')),
            "{first_line}"
        );
        assert!(r.text.contains(&format!("The what-if \"{}\"", panel.title)));
    }
    // One key, one scale: the baseline is named once, and the score labels once.
    assert!(has_text(&r.svg, "baseline: simulated run, seed 1"));
    assert_eq!(
        r.svg
            .matches(">\nbaseline: simulated run, seed 1\n</text>")
            .count(),
        1
    );
    assert_eq!(
        r.svg.matches(">\n\u{2212}9\n</text>").count(),
        2,
        "one per row"
    );
    let sizes = text_sizes(&r.svg);
    assert_eq!(sizes.iter().filter(|&&s| s < 19.9).count(), 1, "{sizes:?}");
    // Three what-ifs stay lines on one plot.
    let three = models::comparison_with(&models::SHIPPED[..3], 1);
    assert!(three.panels.is_empty());
    assert_eq!(
        three
            .series
            .iter()
            .filter(|s| s.role == SeriesRole::Variant)
            .count(),
        3
    );
}

/// The three-state fixture's run of seed 1, as `diplosim run` charts it.
fn three_states_chart() -> (diplosim::scenario::Scenario, ChartModel) {
    let sc = diplosim::scenario::Scenario::load(&crate::common::fixture("three_states.ron"))
        .unwrap_or_else(|e| panic!("{e}"));
    let run = diplosim::engine::Simulation::new(&sc)
        .run(1)
        .expect("the fixture runs");
    let model = diplosim::report::run_chart(&sc, &run, None);
    (sc, model)
}

#[test]
fn a_three_state_run_names_every_pair_in_words_and_in_the_svg() {
    let (sc, model) = three_states_chart();
    assert_eq!(model.layout, chart::Layout::Lines, "three pairs: lines");
    let r = chart::render(&model).unwrap();
    assert_is_a_picture(&r);
    let names: Vec<String> = (0..3).map(|p| sc.pair_name(p)).collect();
    assert_eq!(
        names,
        [
            "China – Soviet Union",
            "China – United States",
            "Soviet Union – United States"
        ]
    );
    for name in &names {
        assert!(
            r.text.contains(&format!("- {name}: ")),
            "chart.txt tells the course of {name}:\n{}",
            r.text
        );
    }
    let title = &r.svg[r.svg.find("<title>").unwrap()..r.svg.find("</title>").unwrap()];
    for name in &names {
        assert!(
            title.contains(name.as_str()),
            "the svg's title names {name}: {title}"
        );
    }
    let desc = &r.svg[r.svg.find("<desc>").unwrap()..r.svg.find("</desc>").unwrap()];
    for name in &names {
        assert!(
            desc.contains(&format!("- {name}: ")),
            "the svg's desc tells {name}"
        );
    }
    // Each pair's line is named at its end, in 20 px bold at least; the small print says
    // how the pairs are drawn.
    for part in ["China –", "Soviet Union", "United States"] {
        assert!(has_text(&r.svg, part), "a line's label reads {part}");
        assert!(text_size(&r.svg, part).unwrap() >= 20.0);
    }
    assert!(
        r.svg.contains("lines: one per pair"),
        "the small print says a line is a pair"
    );
    assert!(r.text.contains("a line per pair"));
    // Every checkpoint names its pair in words.
    assert!(
        r.text.contains("border_war on China – Soviet Union"),
        "{}",
        r.text
    );
}

#[test]
fn panels_give_a_panel_per_pair_on_one_scale() {
    let (sc, mut model) = three_states_chart();
    model.layout = chart::Layout::Panels;
    let r = chart::render(&model).unwrap();
    assert_is_a_picture(&r);
    for p in 0..sc.pairs.len() {
        let name = sc.pair_name(p);
        assert_eq!(
            r.svg
                .matches(&format!(
                    "font-weight=\"bold\">\n{}\n</text>",
                    escaped(&name)
                ))
                .count(),
            1,
            "one panel titled {name}"
        );
        assert!(text_size(&r.svg, &name).unwrap() >= 20.0);
    }
    // The pair's own era is drawn in its panel, and only there.
    assert_eq!(r.svg.matches(">\nOpening\n</text>").count(), 1);
    assert!(r.text.contains("a panel per pair"));
    // Marker points lie in the panel of their pair: the China – United States panel is
    // the second, right of the first (the grid has two columns; a panel is under half
    // the width wide).
    let points = chart::marker_points(&model).unwrap();
    for (m, &(x, _)) in model.markers.iter().zip(&points) {
        if m.pair == 1 {
            assert!(
                x > f64::from(chart::WIDTH) * 0.45,
                "{} sits in the second panel",
                m.title
            );
        }
        if m.pair == 0 {
            assert!(
                x < f64::from(chart::WIDTH) * 0.45,
                "{} sits in the first panel",
                m.title
            );
        }
    }
}

#[test]
fn many_pairs_default_to_panels() {
    assert_eq!(chart::Layout::default_for(1), chart::Layout::Lines);
    assert_eq!(chart::Layout::default_for(4), chart::Layout::Lines);
    assert_eq!(chart::Layout::default_for(5), chart::Layout::Panels);
    assert_eq!("panels".parse::<chart::Layout>(), Ok(chart::Layout::Panels));
    assert!(
        "grid"
            .parse::<chart::Layout>()
            .unwrap_err()
            .contains("`lines`")
    );
}

#[test]
fn a_layout_that_is_not_one_is_refused() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let fixture = crate::common::fixture("three_states.ron");
    let path = fixture.to_str().unwrap();
    for command in [
        vec!["run", path, "--layout", "grid"],
        vec!["ensemble", path, "--runs", "2", "--layout", "Lines"],
    ] {
        let ran = crate::common::diplosim(dir.path(), &command);
        crate::common::refused(&ran, 2, "is not a layout: write `lines`");
    }
    let cf = dir.path().join("cf.ron");
    std::fs::write(
        &cf,
        format!(
            "Counterfactual(base: {path:?}, title: \"t\", question: \"q?\", changes: [Remove(\"salt\")])"
        ),
    )
    .unwrap();
    let ran = crate::common::diplosim(
        dir.path(),
        &["compare", path, cf.to_str().unwrap(), "--layout", "lines"],
    );
    crate::common::refused(
        &ran,
        2,
        "a comparison of several pairs draws a panel per pair",
    );
    assert!(
        crate::common::listing(dir.path()) == ["cf.ron"],
        "nothing written"
    );
}

#[test]
fn run_writes_a_three_state_chart_in_either_layout() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let fixture = crate::common::fixture("three_states.ron");
    let path = fixture.to_str().unwrap();
    for layout in ["lines", "panels"] {
        let ran = crate::common::diplosim(
            dir.path(),
            &["run", path, "--layout", layout, "--out", layout],
        );
        assert_eq!(ran.code, Some(0), "{}", ran.stderr);
        let png = std::fs::read(dir.path().join(layout).join("chart.png")).unwrap();
        let (w, h, _) = decode(&png);
        assert_eq!((w, h), (1600, 900));
        let text = std::fs::read_to_string(dir.path().join(layout).join("chart.txt")).unwrap();
        assert!(text.contains("Soviet Union – United States"), "{text}");
    }
}

#[test]
fn ensembles_and_comparisons_of_three_pairs_draw_each_pair() {
    let (sc, _) = three_states_chart();
    let seeds = diplosim::experiment::Seeds::new(1, 8).unwrap();
    let first = diplosim::engine::Simulation::new(&sc).run(1).unwrap();
    let e = diplosim::experiment::ensemble(&sc, seeds, &()).unwrap();
    let m = diplosim::report::ensemble_chart(&sc, &e, &first);
    let pairs: Vec<usize> = m.ensembles.iter().map(|b| b.pair).collect();
    assert_eq!(pairs, [0, 1, 2], "a median and bands per pair");
    for (p, band) in m.ensembles.iter().enumerate() {
        let cells = e.of_pair(p);
        assert_eq!(band.points[0].p50, e.percentiles[cells.start][2]);
    }
    // Every event sits on the median of the pair it was logged on.
    for marker in &m.markers {
        let band = &m.ensembles[marker.pair];
        let k = band
            .points
            .partition_point(|q| q.date < marker.date)
            .min(band.points.len() - 1);
        assert_eq!(marker.score, band.points[k].p50, "{}", marker.title);
    }
    let r = chart::render(&m).unwrap();
    assert_is_a_picture(&r);
    assert!(r.text.contains("- China – United States: "), "{}", r.text);

    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("no_salt.ron");
    std::fs::write(
        &path,
        format!(
            "Counterfactual(base: {:?}, title: \"No SALT\", question: \"What if SALT I had failed?\", changes: [Remove(\"salt\")])",
            crate::common::fixture("three_states.ron")
        ),
    )
    .unwrap();
    let cf = diplosim::scenario::counterfactual::Counterfactual::load(&path)
        .unwrap_or_else(|e| panic!("{e}"));
    let variants = [diplosim::experiment::Variant {
        name: &cf.name,
        scenario: &cf.scenario,
    }];
    let c = diplosim::experiment::compare(&sc, &variants, seeds, &()).unwrap();
    let m = diplosim::report::compare_chart(&sc, &c, &first, &[&cf.title], &[&cf.question]);
    assert_eq!(m.layout, chart::Layout::Panels, "a panel per pair");
    let variant_pairs: Vec<usize> = m
        .series
        .iter()
        .filter(|s| s.role == SeriesRole::Variant)
        .map(|s| s.pair)
        .collect();
    assert_eq!(variant_pairs, [0, 1, 2]);
    let r = chart::render(&m).unwrap();
    assert_is_a_picture(&r);
    assert!(r.text.contains("The what-if"), "{}", r.text);
}

#[test]
fn every_chart_s_key_says_its_line_is_simulated_and_how_many_runs() {
    let (sc, three) = three_states_chart();
    let mut three_panels = three.clone();
    three_panels.layout = chart::Layout::Panels;
    let seeds = diplosim::experiment::Seeds::new(1, 4).unwrap();
    let first = diplosim::engine::Simulation::new(&sc).run(1).unwrap();
    let e = diplosim::experiment::ensemble(&sc, seeds, &()).unwrap();
    let three_ensemble = diplosim::report::ensemble_chart(&sc, &e, &first);
    // (chart, what its key says of the line, what its words say)
    let charts = [
        (
            "a run",
            models::single_run(),
            "simulated run, seed 1",
            "The line (simulated run, seed 1: the model's, not measured history)",
        ),
        (
            "an ensemble",
            models::ensemble(4),
            "4 simulated runs: median, middle 50% and 90%",
            "The line (median of 4 simulated runs: the model's, not measured history)",
        ),
        (
            "a what-if over many runs",
            models::comparison_with(&["air_cover_at_once"], 4),
            "baseline: mean of 4 simulated runs",
            "The line (mean of 4 simulated runs: the model's, not measured history)",
        ),
        (
            "two what-ifs, one run",
            models::comparison(1),
            "baseline: simulated run, seed 1",
            "The line (simulated run, seed 1: the model's, not measured history)",
        ),
        (
            "six what-ifs in panels",
            models::comparison_with(&models::SHIPPED, 2),
            "baseline: mean of 2 simulated runs",
            "The line (mean of 2 simulated runs: the model's, not measured history)",
        ),
        (
            "three pairs as lines",
            three,
            "each pair's line: simulated run, seed 1",
            "the lines are the model's, not measured history (simulated run, seed 1)",
        ),
        (
            "three pairs in panels",
            three_panels,
            "simulated run, seed 1",
            "the lines are the model's, not measured history (simulated run, seed 1)",
        ),
        (
            "an ensemble of three pairs",
            three_ensemble,
            "4 simulated runs, each pair: median, middle 50% and 90%",
            "the lines are the model's, not measured history (median of 4 simulated runs)",
        ),
    ];
    for (what, model, key, words) in charts {
        let r = chart::render(&model).unwrap();
        assert!(has_text(&r.svg, key), "{what}: no key entry `{key}`");
        assert!(
            text_size(&r.svg, key).is_some_and(|s| s >= 19.9),
            "{what}: the key entry is small print"
        );
        assert!(
            r.text.contains(words),
            "{what}: chart.txt lacks `{words}`:\n{}",
            r.text
        );
        // The SVG's <desc> is the same text, with only `&`, `<` and `>` escaped.
        assert!(r.svg.contains(words), "{what}: the SVG's <desc> lacks it");
    }
}

#[test]
fn rank_shows_an_event_whose_months_nearly_cancel_as_moving_it_both_ways() {
    // A world where one event warms the relation for a few years and cools it a little
    // for good (+4 fading with a one-year half-life, -0.6 for good): over the decade the
    // months it raised and those it lowered nearly cancel. Another warms, a third cools.
    let text = crate::common::world_text(
        r#"(id: "mixed", date: "1951-01-01", title: "A mixed blessing", source: "t",
            effects: [Modifier(level: State, value: 4.0, fade: Days(365.0)),
                      Modifier(level: State, value: -0.6, fade: Permanent)]),
           (id: "warm", date: "1953-01-01", title: "Warmth", source: "t",
            effects: [Modifier(level: State, value: 1.0, fade: Permanent)]),
           (id: "cold", date: "1955-01-01", title: "Cold", source: "t",
            effects: [Modifier(level: State, value: -1.0, fade: Permanent)])"#,
    );
    let path = std::path::Path::new("world.ron");
    let sc = diplosim::scenario::Scenario::from_str(&text, path).unwrap();
    let file = diplosim::scenario::file::ScenarioFile::parse(&text, path)
        .unwrap_or_else(|e| panic!("{e}"));
    let seeds = diplosim::experiment::Seeds::new(1, 2).unwrap();
    let ranking = diplosim::experiment::rank(&file, &text, path, seeds, &()).unwrap();
    let both = ranking
        .iter()
        .position(|r| sc.events[r.event].id == "mixed")
        .expect("the mixed event is ranked");
    assert!(
        ranking[both].mean_effect.abs() < 0.2 * ranking[both].mean_abs_change,
        "its months nearly cancel: {} against {}",
        ranking[both].mean_effect,
        ranking[both].mean_abs_change
    );
    let r = &ranking[both];
    let event = &sc.events[r.event];
    let chart = diplosim::report::rank_chart(&sc, &ranking, seeds, 20);
    assert_eq!(chart.directions[both], chart::Direction::BothWays);
    let drawn = chart::render_bars(&chart).unwrap();
    assert!(has_text(&drawn.svg, "moves it both ways"), "no key entry");
    let line = drawn
        .text
        .lines()
        .find(|l| l.contains(event.title.as_str()))
        .unwrap();
    assert!(
        line.ends_with("moves it both ways (its mean effect is small next to its mean change)"),
        "{line}"
    );
    assert!(!line.contains("cooled"), "{line}");
    // Events that move it one way still say which.
    assert!(
        drawn.text.contains("cooled the relation") && drawn.text.contains("warmed the relation")
    );
    let printed = diplosim::report::rank_text(&sc, &ranking, seeds, 20);
    let row = printed
        .lines()
        .find(|l| l.contains(event.id.as_str()))
        .unwrap();
    assert!(row.contains("both ways"), "{row}");
}

#[test]
fn what_if_labels_are_printed_whole() {
    let mut model = models::comparison_with(&["air_cover_at_once"], 2);
    let labels = [
        (
            "1950-10-08",
            "removed: Stalin agrees to Chinese troops in Korea but refuses air cover",
        ),
        (
            "1950-10-19",
            "changed: Chinese troops enter the Korean War without Soviet air cover",
        ),
        (
            "1950-10-20",
            "added: Stalin promises Soviet air cover for Chinese troops",
        ),
    ];
    model.changes = labels
        .iter()
        .map(|(d, l)| chart::ChangeMark {
            date: date(d),
            label: l.to_string(),
        })
        .collect();
    let r = chart::render(&model).unwrap();
    // Every label is printed whole (on one line or two), none cut with "…".
    let texts: Vec<String> = r
        .svg
        .split("<text")
        .skip(1)
        .filter_map(|t| t.split_once('>').map(|(_, rest)| rest))
        .filter_map(|t| {
            t.split_once("</text>")
                .map(|(text, _)| text.trim().to_string())
        })
        .map(|t| t.replace("&apos;", "'"))
        .collect();
    for (_, label) in labels {
        let whole = texts.iter().any(|t| t == label)
            || texts
                .windows(2)
                .any(|w| format!("{} {}", w[0], w[1]) == label);
        assert!(whole, "`{label}` is not printed whole: {texts:?}");
    }
    assert!(
        !texts
            .iter()
            .any(|t| t.ends_with('…')
                && labels.iter().any(|(_, l)| l.starts_with(&t[..t.len() - 3]))),
        "a label is cut"
    );
}
