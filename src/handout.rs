//! The handout: one self-contained HTML file of a study, for students to read, annotate or
//! print (A4 or Letter). It needs no network to open: the chart is inline SVG, the style
//! is inline, and there is no script.
//!
//! It prints on two landscape pages of A4 or Letter. Page 1: the question, the chart
//! across the page (drawn for paper, [`chart::ChartModel::paper`], so that printed 256 mm
//! wide its every word is at least 9 pt; the page's heading and question stand over it in
//! place of its own title) and what the runs say. Page 2: three debrief questions with
//! room to answer, and the checkpoints met or missed with their sources' words. With
//! several pairs, what the runs say opens page 2 instead, the pairs side by side; with more
//! than 8 checkpoints too, the printed table quotes only the checkpoints the what-if
//! changes or the history misses (the others name their sources), and the shipped
//! triangle's 18 still take a third page. An
//! appendix on request ([`Appendix::Table`], `diplosim handout --table`) adds the events
//! of the run with their sources and the monthly scores behind the chart, several more
//! pages. The page's "Handout" button and `diplosim handout` write the same
//! bytes for the same state.

use std::fmt::Write as _;

use crate::chart::{self, ChartError, Layout};
use crate::date::Date;
use crate::lab::{self, Outcome, WhatIf};
use crate::scenario::Scenario;

const STYLE: &str = include_str!("serve/handout.css");

/// Escapes text for HTML.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The handout's file name: `<scenario>-handout.html` or `<scenario>-<what-if>-handout.html`.
pub fn file_name(sc: &Scenario, whatif: Option<WhatIf<'_>>) -> String {
    match whatif {
        Some(w) => format!("{}-{}-handout.html", sc.name(), w.name),
        None => format!("{}-handout.html", sc.name()),
    }
}

/// The chart described in sentences: where the relation starts and ends, its highest and
/// lowest months, the band of each era, and for a what-if how it parts; with several
/// pairs, each pair shown in turn, by name.
pub fn alt_text(sc: &Scenario, o: &Outcome) -> String {
    let what = if o.comparison.is_some() {
        format!("the mean of {} simulated runs", o.seeds.runs)
    } else {
        format!("the simulated run with seed {}", o.seeds.first)
    };
    let (from, to) = sc.span();
    let b = sc.scale.bound;
    let mut out = if lab::many(sc) {
        let drawn = match (o.pairs.len(), o.chart.layout) {
            (1, _) => "one line",
            (_, Layout::Lines) => "a line per pair",
            (_, Layout::Panels) => "a panel per pair",
        };
        format!(
            "A line chart of the relation scores of {} from {} to {} on a scale of -{b} to {b}, in {what}: {drawn}.",
            lab::names(sc, &o.pairs),
            from.month_in_words(),
            to.month_in_words(),
        )
    } else {
        String::new()
    };
    for &p in &o.pairs {
        let (days, scores): (Vec<i32>, Vec<f64>) = match &o.comparison {
            Some(c) => (c.days.clone(), c.baseline[c.of_pair(p)].to_vec()),
            None => o.first.monthly_of(p).map(|s| (s.day, s.score)).unzip(),
        };
        if days.is_empty() {
            continue;
        }
        let at = |i: usize| Date::from_day(days[i]).month_in_words();
        let hi = (0..scores.len())
            .max_by(|&a, &b| scores[a].total_cmp(&scores[b]).then(b.cmp(&a)))
            .unwrap_or(0);
        let lo = (0..scores.len())
            .min_by(|&a, &b| scores[a].total_cmp(&scores[b]).then(a.cmp(&b)))
            .unwrap_or(0);
        let last = scores.len() - 1;
        let shape = format!(
            "starts {} ({:.1}) and ends {} ({:.1}). It is highest in {} ({:.1}, {}) and lowest in {} ({:.1}, {}).",
            sc.scale.band(scores[0]),
            scores[0],
            sc.scale.band(scores[last]),
            scores[last],
            at(hi),
            scores[hi],
            sc.scale.band(scores[hi]),
            at(lo),
            scores[lo],
            sc.scale.band(scores[lo]),
        );
        if lab::many(sc) {
            let _ = write!(out, " {}: it {shape}", sc.pair_name(p));
        } else {
            let _ = write!(
                out,
                "A line chart of the relation score from {} to {} on a scale of -{b} to {b}, in {what}. It {shape}",
                at(0),
                at(last),
            );
        }
        let eras: Vec<String> = sc
            .timeline
            .eras
            .iter()
            .filter(|e| e.pair.is_none_or(|q| q == p))
            .filter_map(|e| {
                let xs: Vec<f64> = days
                    .iter()
                    .zip(&scores)
                    .filter(|(d, _)| e.from.day() <= **d && **d <= e.to.day())
                    .map(|(_, s)| *s)
                    .collect();
                (!xs.is_empty()).then(|| {
                    let mean = xs.iter().sum::<f64>() / xs.len() as f64;
                    format!(
                        "{} ({}-{}): {}",
                        e.label,
                        e.from.year(),
                        e.to.year(),
                        sc.scale.band(mean)
                    )
                })
            })
            .collect();
        if !eras.is_empty() {
            let _ = write!(out, " On average by era: {}.", eras.join("; "));
        }
    }
    let checks = lab::checkpoints(sc, o);
    let met = checks.iter().filter(|c| c.1).count();
    let _ = write!(
        out,
        " The simulated run with seed {} meets {met} of {} checkpoints of the documented timeline{}.",
        o.seeds.first,
        checks.len(),
        if o.pairs.len() < sc.pairs.len() {
            " for these pairs"
        } else {
            ""
        }
    );
    if o.comparison.is_some() {
        let _ = write!(out, " {}", lab::in_words(sc, o).replace('\n', " "));
    }
    out
}

/// The handout's question: how the relation (or the relations of the pairs shown)
/// changed.
fn question(sc: &Scenario, o: &Outcome) -> String {
    let mut states: Vec<usize> = o
        .pairs
        .iter()
        .flat_map(|&p| {
            let (a, b) = sc.pairs[p].states;
            [a, b]
        })
        .collect();
    states.sort_unstable();
    states.dedup();
    let names: Vec<&str> = states.iter().map(|&s| sc.states[s].name.as_str()).collect();
    match names.as_slice() {
        [a, b] => format!("How did the relation between {a} and {b} change, and why?"),
        [rest @ .., last] => format!(
            "How did the relations between {} and {last} change, and why?",
            rest.join(", ")
        ),
        [] => String::new(),
    }
}

/// The class of the handout's `main`: with several pairs, "several" (page 1 is the chart,
/// and what the runs say opens page 2); with more checkpoints than page 2 holds with
/// their sources' words, "brief" too (on paper only the checkpoints the what-if changes
/// or the history misses quote their sources' words; the others name their sources).
fn main_class(sc: &Scenario, o: &Outcome) -> &'static str {
    // Nine or more checkpoints with their words do not fit under the debrief on page 2.
    const FIT: usize = 8;
    let shown = sc
        .timeline
        .checkpoints
        .iter()
        .filter(|c| o.pairs.contains(&c.pair))
        .count();
    match (lab::many(sc), shown > FIT) {
        (false, _) => "",
        (true, false) => " class=\"several\"",
        (true, true) => " class=\"several brief\"",
    }
}

/// What the handout holds after its two pages.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Appendix {
    /// Nothing: two pages.
    #[default]
    None,
    /// The events of the run with their sources, and the monthly scores behind the chart.
    Table,
}

/// The two-page handout of a study as one HTML document.
pub fn html(sc: &Scenario, whatif: Option<WhatIf<'_>>, o: &Outcome) -> Result<String, ChartError> {
    html_with(sc, whatif, o, Appendix::None)
}

/// The handout of a study as one HTML document, with `appendix` after its two pages.
pub fn html_with(
    sc: &Scenario,
    whatif: Option<WhatIf<'_>>,
    o: &Outcome,
    appendix: Appendix,
) -> Result<String, ChartError> {
    // On paper the page's heading and question stand over the chart: its own title and
    // subtitle would say them again in the page's height.
    let mut on_paper = o.chart.clone();
    on_paper.paper = true;
    on_paper.title.clear();
    on_paper.subtitle.clear();
    let svg = chart::render_svg(&on_paper)?;
    let svg = match svg.find("<svg") {
        Some(i) => svg[i..].replacen(
            "<svg",
            "<svg role=\"img\" aria-labelledby=\"chart-alt\" preserveAspectRatio=\"xMidYMid meet\"",
            1,
        ),
        None => svg,
    };
    let svg = svg.replacen(
        &format!("width=\"{}\" height=\"{}\"", chart::PAPER.0, chart::PAPER.1),
        &format!("viewBox=\"0 0 {} {}\"", chart::PAPER.0, chart::PAPER.1),
        1,
    );
    let e = escape;
    let (title, question) = match whatif {
        Some(w) => (format!("What if? {}", w.title), w.question.to_string()),
        None => (sc.title().to_string(), question(sc, o)),
    };
    let mut h = String::with_capacity(256 * 1024);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n<main{}>\n",
        e(&title),
        main_class(sc, o)
    );
    let _ = writeln!(
        h,
        "<header><p class=\"kicker\">{} · {}</p><h1>{}</h1><p class=\"question\">{}</p>{}</header>",
        e(sc.title()),
        e(&lab::runs_in_words(o.seeds)),
        e(&title),
        e(&question),
        pairs_line(sc, o)
    );
    let alt = alt_text(sc, o);
    let _ = writeln!(
        h,
        "<figure class=\"chart\">{svg}<figcaption id=\"chart-alt\">{}</figcaption></figure>",
        e(&alt)
    );
    let _ = writeln!(h, "<section class=\"runs\"><h2>What the runs say</h2>");
    for (p, text) in lab::summaries(sc, o) {
        match p {
            Some(p) if lab::many(sc) => {
                let _ = writeln!(
                    h,
                    "<p class=\"by-pair\"><b>{}</b> {}</p>",
                    e(&sc.pair_name(p)),
                    e(&text)
                );
            }
            _ => {
                let _ = writeln!(h, "<p>{}</p>", e(&text));
            }
        }
    }
    let _ = writeln!(h, "</section>");
    let _ = writeln!(
        h,
        "<section class=\"debrief\"><h2>Questions for the debrief</h2><ol class=\"debrief\">"
    );
    for q in lab::debrief(sc, o) {
        let _ = writeln!(h, "<li>{}<div class=\"answer\"></div></li>", e(&q));
    }
    let _ = writeln!(h, "</ol></section>");
    if let (Some(w), Some(c)) = (whatif, &o.comparison) {
        report_card(&mut h, sc, &crate::report::card(&c.variants[0], &w.told));
    }

    let variant = o.comparison.is_some();
    let columns = if variant { 4 } else { 3 };
    let _ = writeln!(
        h,
        "<section><h2>Checkpoints of the documented timeline</h2><p class=\"note\">Judged on the simulated run with seed {}: met when every month of the span lies in the range the sources give.{}</p><table class=\"checkpoints\"><thead><tr><th scope=\"col\">Checkpoint and when</th><th scope=\"col\">The sources say</th><th scope=\"col\">History as scripted</th>{}</tr></thead><tbody>",
        o.seeds.first,
        if variant {
            " The sources' words are given where the what-if changes the verdict; the handout of the history as scripted gives them all."
        } else {
            ""
        },
        if variant {
            "<th scope=\"col\">What-if</th>"
        } else {
            ""
        }
    );
    let mark = |m: bool| if m { "met" } else { "missed" };
    let checks = lab::checkpoints(sc, o);
    for &p in &o.pairs {
        let of_pair: Vec<&(usize, bool, Option<bool>)> = checks
            .iter()
            .filter(|(i, ..)| sc.timeline.checkpoints[*i].pair == p)
            .collect();
        if of_pair.is_empty() {
            continue;
        }
        // With several pairs, the checkpoints come by pair, under its name.
        if lab::many(sc) {
            let _ = writeln!(
                h,
                "<tr class=\"pair\"><th scope=\"colgroup\" colspan=\"{columns}\">{}</th></tr>",
                e(&sc.pair_name(p))
            );
        }
        for &&(i, base, var) in &of_pair {
            let c = &sc.timeline.checkpoints[i];
            let when = if c.from == c.to {
                c.from.to_string()
            } else {
                format!("{} – {}", c.from, c.to)
            };
            if var == Some(base) {
                // A what-if's page 2 also holds its report card: a checkpoint it leaves
                // alike takes one line, without the sources' words.
                let _ = write!(
                    h,
                    "<tr class=\"alike\"><th scope=\"row\">{}</th><td>{} ({})</td><td class=\"{m}\">{m}</td>",
                    e(&c.id),
                    e(&c.expect),
                    e(&when),
                    m = mark(base)
                );
            } else {
                // With no what-if, a checkpoint the history meets is `same`: printed
                // without the sources' words when the checkpoints are many (`brief`).
                let _ = write!(
                    h,
                    "<tr{}><th scope=\"row\">{}<br><span class=\"when\">{}</span></th><td><span class=\"when2\">{} · </span>{}: <span class=\"src\"><span class=\"quote\">“{}” </span>({})</span></td><td class=\"{m}\">{m}</td>",
                    if var.is_none() && base {
                        " class=\"same\""
                    } else {
                        ""
                    },
                    e(&c.id),
                    e(&when),
                    e(&when),
                    e(&c.expect),
                    e(&c.quote),
                    e(&c.source),
                    m = mark(base)
                );
            }
            if let Some(v) = var {
                let changed = if v != base { " changed" } else { "" };
                let _ = write!(h, "<td class=\"{}{changed}\">{}</td>", mark(v), mark(v));
            }
            let _ = writeln!(h, "</tr>");
        }
    }
    let _ = writeln!(h, "</tbody></table></section>");
    triangle_checkpoints(&mut h, sc, o);
    let _ = writeln!(
        h,
        "<footer><p>Made with diplosim {} from the scenario “{}” ({}). The same scenario, changes, runs and seed give the same numbers on any machine.{}</p></footer>",
        env!("CARGO_PKG_VERSION"),
        e(sc.title()),
        e(&lab::runs_in_words(o.seeds)),
        match appendix {
            Appendix::None =>
                " The events with their sources and the monthly scores behind the chart: diplosim handout --table.",
            Appendix::Table => "",
        }
    );
    if appendix == Appendix::Table {
        self::appendix(&mut h, sc, o);
    }
    let _ = writeln!(h, "</main>\n</body>\n</html>");
    Ok(h)
}

/// The what-if's report card, its lines as `diplosim compare` prints them (one source,
/// [`crate::report::card`]): each line with what it judges run in ahead of what it says,
/// in two columns on paper; with several pairs, a pair's lines under its name.
fn report_card(h: &mut String, sc: &Scenario, lines: &[crate::report::CardLine]) {
    if lines.is_empty() {
        return;
    }
    let e = escape;
    let _ = writeln!(
        h,
        "<section class=\"card\"><h2>Report card of the what-if</h2><ul class=\"card\">"
    );
    let mut pair = None;
    for l in lines {
        if let Some(p) = l.pair.filter(|_| l.pair != pair && lab::many(sc)) {
            let _ = writeln!(h, "<li class=\"pair\">{}</li>", e(&sc.pair_name(p)));
        }
        pair = l.pair;
        let mut head = l.head.to_string();
        if let Some(first) = head.get(..1) {
            head.replace_range(..1, &first.to_uppercase());
        }
        if head.is_empty() {
            let _ = writeln!(h, "<li class=\"more\">{}</li>", e(&l.text));
        } else {
            let _ = writeln!(h, "<li><b>{}</b> {}</li>", e(&head), e(&l.text));
        }
    }
    let _ = writeln!(h, "</ul></section>");
}

/// The appendix: the events of the run of the first seed with their sources, and the
/// monthly scores behind the chart, each from a new page.
fn appendix(h: &mut String, sc: &Scenario, o: &Outcome) {
    let e = escape;
    let variant = o.comparison.is_some();
    // With several pairs, an event is listed once per pair it moved, with that pair's score.
    let many = lab::many(sc);
    let _ = writeln!(
        h,
        "<section class=\"appendix\"><h2>Appendix: events of the simulated run with seed {}</h2><table class=\"events\"><thead><tr><th scope=\"col\">Date</th><th scope=\"col\">Event</th><th scope=\"col\">Source</th>{}<th scope=\"col\">Score after</th></tr></thead><tbody>",
        o.seeds.first,
        if many {
            "<th scope=\"col\">Relation</th>"
        } else {
            ""
        }
    );
    for f in o.first.fired.iter().filter(|f| o.pairs.contains(&f.pair)) {
        let ev = &sc.events[f.event];
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td>{}<td class=\"num\">{:.2}</td></tr>",
            Date::from_day(f.day),
            e(&ev.title),
            e(&ev.source),
            if many {
                format!("<td>{}</td>", e(&sc.pair_name(f.pair)))
            } else {
                String::new()
            },
            f.after
        );
    }
    let _ = writeln!(h, "</tbody></table></section>");

    let _ = writeln!(
        h,
        "<section class=\"data appendix\"><h2>Appendix: the monthly scores behind the chart</h2><p class=\"note\">{}</p>",
        if variant {
            format!(
                "Means over {}; gap = what-if minus history as scripted.",
                lab::runs_in_words(o.seeds)
            )
        } else {
            format!("The simulated run with seed {}.", o.seeds.first)
        }
    );
    for &p in &o.pairs {
        if many {
            let _ = writeln!(h, "<h3 class=\"pair\">{}</h3>", e(&sc.pair_name(p)));
        }
        let _ = writeln!(
            h,
            "<div class=\"columns{}\">",
            if many { " by-pair" } else { "" }
        );
        let rows: Vec<(i32, f64, Option<f64>)> = match &o.comparison {
            Some(c) => {
                let cells = c.of_pair(p);
                c.days
                    .iter()
                    .zip(&c.baseline[cells.clone()])
                    .enumerate()
                    .map(|(i, (&d, &b))| {
                        (d, b, c.variants.first().map(|v| v.mean[cells.start + i]))
                    })
                    .collect()
            }
            None => o
                .first
                .monthly_of(p)
                .map(|s| (s.day, s.score, None))
                .collect(),
        };
        scores_by_decade(h, rows, variant);
        let _ = writeln!(h, "</div>");
    }
    let _ = writeln!(h, "</section>");
}

/// Under the question of a handout of several pairs: which pairs it shows.
fn pairs_line(sc: &Scenario, o: &Outcome) -> String {
    if !lab::many(sc) {
        return String::new();
    }
    let shown = if o.pairs.len() == sc.pairs.len() {
        format!("All {} pairs of states: ", o.pairs.len())
    } else {
        format!(
            "{} of the {} pairs of states: ",
            o.pairs.len(),
            sc.pairs.len()
        )
    };
    format!(
        "<p class=\"pairs\">{}{}.</p>",
        escape(&shown),
        escape(&lab::names(sc, &o.pairs))
    )
}

/// The monthly scores of one pair, a table per decade: month, score (or history, what-if
/// and gap).
fn scores_by_decade(h: &mut String, rows: Vec<(i32, f64, Option<f64>)>, variant: bool) {
    let mut decade = None;
    for (d, base, var) in rows {
        let date = Date::from_day(d);
        let this = date.year().div_euclid(10) * 10;
        if decade != Some(this) {
            if decade.is_some() {
                let _ = writeln!(h, "</tbody></table>");
            }
            decade = Some(this);
            let _ = writeln!(
                h,
                "<table class=\"scores\"><caption>{this}s</caption><thead><tr><th scope=\"col\">Month</th><th scope=\"col\">{}</th>{}</tr></thead><tbody>",
                if variant { "History" } else { "Score" },
                if variant {
                    "<th scope=\"col\">What-if</th><th scope=\"col\">Gap</th>"
                } else {
                    ""
                }
            );
        }
        let (y, m, _) = date.ymd();
        let _ = write!(
            h,
            "<tr><th scope=\"row\">{y}-{m:02}</th><td class=\"num\">{base:.2}</td>"
        );
        if let Some(v) = var {
            let _ = write!(
                h,
                "<td class=\"num\">{v:.2}</td><td class=\"num\">{:+.2}</td>",
                v - base
            );
        }
        let _ = writeln!(h, "</tr>");
    }
    if decade.is_some() {
        let _ = writeln!(h, "</tbody></table>");
    }
}

/// The triangle checkpoints, judged on the run with the first seed (and the what-if's):
/// each reading on a row, a contested one's readings each met or not.
fn triangle_checkpoints(h: &mut String, sc: &Scenario, o: &Outcome) {
    let Some(t) = sc.triangle() else {
        return;
    };
    let checkpoints = &sc.timeline.triangle_checkpoints;
    if checkpoints.is_empty() {
        return;
    }
    let e = escape;
    let names = crate::triangle::names(sc, t);
    let named = [names[0].as_str(), names[1].as_str(), names[2].as_str()];
    let judge = |run: &crate::record::Run| {
        crate::triangle::verdicts(checkpoints, &crate::triangle::of_run(t, run))
    };
    let base = judge(&o.first);
    let variant = o.variant_first.as_ref().map(judge);
    let _ = writeln!(
        h,
        "<section><h2>Checkpoints of the triangle</h2><p class=\"note\">Judged on the simulated run with seed {}: a reading is met when the run has the configuration the sources give in at least {:.0}% of the months of its span. Where the literature is contested, each reading is shown and none counts as missed.</p><table class=\"checkpoints\"><thead><tr><th scope=\"col\">Checkpoint and when</th><th scope=\"col\">The sources say</th><th scope=\"col\">History as scripted</th>{}</tr></thead><tbody>",
        o.seeds.first,
        crate::triangle::MET_SHARE * 100.0,
        if variant.is_some() {
            "<th scope=\"col\">What-if</th>"
        } else {
            ""
        }
    );
    let mark = |met: bool, contested: bool| match (met, contested) {
        (true, _) => "met",
        (false, false) => "missed",
        (false, true) => "not met",
    };
    for (i, c) in checkpoints.iter().enumerate() {
        let when = format!("{} – {}", c.from, c.to);
        for (k, r) in c.readings.iter().enumerate() {
            let head = if k == 0 {
                let contested = if c.contested { " (contested)" } else { "" };
                format!(
                    "{}{contested}<br><span class=\"when\">{}</span>",
                    e(&c.id),
                    e(&when)
                )
            } else {
                String::new()
            };
            let name = if r.name.is_empty() {
                String::new()
            } else {
                format!("{}: ", e(&r.name))
            };
            let met = base[i].readings[k].met;
            // A contested reading not met is styled as missed, and says "not met".
            let class = |m: bool| if m { "met" } else { "missed" };
            let _ = write!(
                h,
                "<tr><th scope=\"row\">{head}</th><td>{name}by {}, {}: <span class=\"src\">“{}” ({})</span></td><td class=\"{}\">{}</td>",
                r.reading.name(),
                e(&r.expect.describe(named)),
                e(&r.quote),
                e(&r.source),
                class(met),
                mark(met, c.contested)
            );
            if let Some(v) = &variant {
                let vm = v[i].readings[k].met;
                let changed = if vm != met { " changed" } else { "" };
                let _ = write!(
                    h,
                    "<td class=\"{}{changed}\">{}</td>",
                    class(vm),
                    mark(vm, c.contested)
                );
            }
            let _ = writeln!(h, "</tr>");
        }
    }
    let _ = writeln!(h, "</tbody></table></section>");
}
