//! The text alternative of a chart: the same story in sentences, for a screen reader
//! (the SVG's `<title>` and `<desc>`) and for a handout (`chart.txt`).

use std::fmt::Write as _;

use super::{BarChart, ChartModel, Layout, SeriesRole};
use crate::date::Date;

/// How many of the largest moves the text names.
const MOVES: usize = 5;

/// The band a score lies in, by the model's band edges; empty without bands.
fn band(model: &ChartModel, score: f64) -> &str {
    model
        .bands
        .iter()
        .find(|b| score >= b.lo.min(b.hi) && score < b.lo.max(b.hi))
        .or_else(|| {
            model
                .bands
                .iter()
                .max_by(|a, b| a.hi.total_cmp(&b.hi))
                .filter(|b| score >= b.hi)
        })
        .map_or("", |b| b.name.as_str())
}

/// The main line of the chart: the baseline, else the first ensemble's median.
fn main_line(model: &ChartModel) -> Vec<(Date, f64)> {
    if let Some(s) = model.series.iter().find(|s| s.role == SeriesRole::Baseline) {
        return s.points.clone();
    }
    model
        .ensembles
        .first()
        .map(|e| e.points.iter().map(|p| (p.date, p.p50)).collect())
        .unwrap_or_default()
}

/// "good", or "from bad to good" over the points, with where it ends.
fn course(model: &ChartModel, points: &[(Date, f64)]) -> String {
    let (Some(first), Some(last)) = (points.first(), points.last()) else {
        return "no data".into();
    };
    let low = points.iter().map(|p| p.1).fold(f64::INFINITY, f64::min);
    let high = points.iter().map(|p| p.1).fold(f64::NEG_INFINITY, f64::max);
    let (lo, hi) = (band(model, low), band(model, high));
    let range = if lo == hi {
        format!("{lo} throughout ({low:.1} to {high:.1})")
    } else {
        format!("between {lo} ({low:.1}) and {hi} ({high:.1})")
    };
    format!(
        "{range}; it starts at {:.1} and ends at {:.1} ({})",
        first.1,
        last.1,
        band(model, last.1)
    )
}

/// The chart's story in sentences.
pub fn describe(model: &ChartModel) -> String {
    if model.many_pairs() {
        return describe_pairs(model);
    }
    let mut out = String::new();
    let _ = writeln!(out, "{}", model.title);
    if !model.subtitle.is_empty() {
        let _ = writeln!(out, "{}", model.subtitle);
    }
    let (start, end) = model.span;
    let line = main_line(model);
    let inside = |points: &[(Date, f64)]| -> Vec<(Date, f64)> {
        points
            .iter()
            .copied()
            .filter(|p| (start..=end).contains(&p.0))
            .collect()
    };
    let within = |from: Date, to: Date| -> Vec<(Date, f64)> {
        line.iter()
            .copied()
            .filter(|p| p.0 >= from && p.0 <= to)
            .collect()
    };
    let what = if !model.simulated.is_empty() {
        format!(
            "The line ({}: the model's, not measured history)",
            model.simulated
        )
    } else if model.series.iter().any(|s| s.role == SeriesRole::Baseline) {
        "The line".to_string()
    } else {
        "The median of the runs".to_string()
    };
    let _ = writeln!(
        out,
        "\n{what} shows the relation score from {start} to {end} on a scale from -{bound} to +{bound}: {}.",
        course(model, &within(start, end)),
        bound = model.bound
    );
    let eras: Vec<_> = model
        .eras
        .iter()
        .filter(|e| e.to >= start && e.from <= end)
        .collect();
    if !eras.is_empty() {
        let _ = writeln!(out, "\nBy era:");
        for e in eras {
            let _ = writeln!(
                out,
                "- {} ({} to {}): {}.",
                e.label,
                e.from.year(),
                e.to.year(),
                course(model, &within(e.from.max(start), e.to.min(end)))
            );
        }
    }
    let mut moves: Vec<_> = model
        .markers
        .iter()
        .filter(|m| (start..=end).contains(&m.date))
        .collect();
    moves.sort_by(|a, b| {
        b.influence
            .abs()
            .total_cmp(&a.influence.abs())
            .then(a.date.cmp(&b.date))
    });
    if !moves.is_empty() {
        let _ = writeln!(out, "\nThe largest moves:");
        for m in moves.iter().take(MOVES) {
            let _ = writeln!(
                out,
                "- {}: {} ({}); after it the score is {:.1}, {}.",
                m.date,
                m.title,
                m.source,
                m.score,
                band(model, m.score)
            );
        }
    }
    let lines = model
        .series
        .iter()
        .filter(|s| s.role == SeriesRole::Variant)
        .map(|s| (&s.label, &s.points, &[][..]));
    let panels = model
        .panels
        .iter()
        .map(|p| (&p.title, &p.points, p.changes.as_slice()));
    for (name, points, changes) in lines.chain(panels) {
        // A lab's title quotes the event it changes ("\"Secret speech\" never happens"):
        // quoting it again would read as doubled quotes.
        let name = if name.contains('"') {
            name.to_string()
        } else {
            format!("\"{name}\"")
        };
        let _ = writeln!(
            out,
            "\nThe what-if {name}: {}.",
            course(model, &inside(points))
        );
        for c in changes {
            let _ = writeln!(out, "- {}: {}", c.date, c.label);
        }
    }
    if !model.changes.is_empty() {
        let _ = writeln!(out, "\nWhat this what-if changes:");
        for c in &model.changes {
            let _ = writeln!(out, "- {}: {}", c.date, c.label);
        }
    }
    if !model.checkpoints.is_empty() {
        let met = model.checkpoints.iter().filter(|c| c.met).count();
        let _ = writeln!(
            out,
            "\nCheckpoints of the documented history: {met} of {} met.",
            model.checkpoints.len()
        );
        for c in model.checkpoints.iter().filter(|c| !c.met) {
            let _ = writeln!(
                out,
                "- missed: {} ({} to {}, expected {:.0} to {:.0})",
                c.id, c.from, c.to, c.lo, c.hi
            );
        }
    }
    if !model.small_print.is_empty() {
        let _ = writeln!(out, "\n{}", model.small_print);
    }
    out
}

/// The line of pair `pair`: its baseline, else its ensemble's median.
fn pair_line(model: &ChartModel, pair: usize) -> Vec<(Date, f64)> {
    if let Some(s) = model
        .series
        .iter()
        .find(|s| s.role == SeriesRole::Baseline && s.pair == pair)
    {
        return s.points.clone();
    }
    model
        .ensembles
        .iter()
        .find(|e| e.pair == pair)
        .map(|e| e.points.iter().map(|p| (p.date, p.p50)).collect())
        .unwrap_or_default()
}

/// How the chart draws several pairs, in words.
pub fn layout_words(model: &ChartModel) -> &'static str {
    match model.layout {
        Layout::Lines => "one plot, a line per pair, each named at its right end",
        Layout::Panels => "a panel per pair, on one shared score scale",
    }
}

/// The story of a chart of several pairs: each pair's course, by era, the largest moves
/// with the pair they moved, each what-if on each pair, and the checkpoints by pair.
fn describe_pairs(model: &ChartModel) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", model.title);
    if !model.subtitle.is_empty() {
        let _ = writeln!(out, "{}", model.subtitle);
    }
    let (start, end) = model.span;
    let lines: Vec<Vec<(Date, f64)>> = (0..model.pairs.len())
        .map(|p| pair_line(model, p))
        .collect();
    let within = |p: usize, from: Date, to: Date| -> Vec<(Date, f64)> {
        lines[p]
            .iter()
            .copied()
            .filter(|q| q.0 >= from && q.0 <= to)
            .collect()
    };
    let what = if model.series.iter().any(|s| s.role == SeriesRole::Baseline) {
        "the line of each"
    } else {
        "the median of the runs of each"
    };
    let simulated = if model.simulated.is_empty() {
        String::new()
    } else {
        format!(
            "; the lines are the model's, not measured history ({})",
            model.simulated
        )
    };
    let _ = writeln!(
        out,
        "\nThe chart shows the relation score of {} pairs of states from {start} to {end} on a scale from -{bound} to +{bound}, {what} ({}){simulated}:",
        model.pairs.len(),
        layout_words(model),
        bound = model.bound
    );
    for (p, name) in model.pairs.iter().enumerate() {
        let _ = writeln!(out, "- {name}: {}.", course(model, &within(p, start, end)));
    }
    let in_span = |e: &&super::EraSpan| e.to >= start && e.from <= end;
    let shared: Vec<_> = model
        .eras
        .iter()
        .filter(|e| e.pair.is_none())
        .filter(in_span)
        .collect();
    if !shared.is_empty() {
        let _ = writeln!(out, "\nBy era:");
        for e in shared {
            let _ = writeln!(out, "- {} ({} to {}):", e.label, e.from.year(), e.to.year());
            for (p, name) in model.pairs.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "  - {name}: {}.",
                    course(model, &within(p, e.from.max(start), e.to.min(end)))
                );
            }
        }
    }
    for (p, name) in model.pairs.iter().enumerate() {
        let own: Vec<_> = model
            .eras
            .iter()
            .filter(|e| e.pair == Some(p))
            .filter(in_span)
            .collect();
        if own.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\nEras of {name}:");
        for e in own {
            let _ = writeln!(
                out,
                "- {} ({} to {}): {}.",
                e.label,
                e.from.year(),
                e.to.year(),
                course(model, &within(p, e.from.max(start), e.to.min(end)))
            );
        }
    }
    let mut moves: Vec<_> = model
        .markers
        .iter()
        .filter(|m| (start..=end).contains(&m.date))
        .collect();
    moves.sort_by(|a, b| {
        b.influence
            .abs()
            .total_cmp(&a.influence.abs())
            .then(a.date.cmp(&b.date))
            .then(a.pair.cmp(&b.pair))
    });
    if !moves.is_empty() {
        let _ = writeln!(out, "\nThe largest moves:");
        for m in moves.iter().take(MOVES) {
            let _ = writeln!(
                out,
                "- {}: {} ({}), on {}; after it the score is {:.1}, {}.",
                m.date,
                m.title,
                m.source,
                model.pairs.get(m.pair).map_or("?", String::as_str),
                m.score,
                band(model, m.score)
            );
        }
    }
    let mut variants: Vec<&str> = Vec::new();
    for s in model
        .series
        .iter()
        .filter(|s| s.role == SeriesRole::Variant)
    {
        if !variants.contains(&s.label.as_str()) {
            variants.push(&s.label);
        }
    }
    for label in variants {
        let name = if label.contains('"') {
            label.to_string()
        } else {
            format!("\"{label}\"")
        };
        let _ = writeln!(out, "\nThe what-if {name}:");
        for s in model
            .series
            .iter()
            .filter(|s| s.role == SeriesRole::Variant && s.label == label)
        {
            let inside: Vec<(Date, f64)> = s
                .points
                .iter()
                .copied()
                .filter(|q| (start..=end).contains(&q.0))
                .collect();
            let _ = writeln!(
                out,
                "- {}: {}.",
                model.pairs.get(s.pair).map_or("?", String::as_str),
                course(model, &inside)
            );
        }
    }
    if !model.changes.is_empty() {
        let _ = writeln!(out, "\nWhat this what-if changes:");
        for c in &model.changes {
            let _ = writeln!(out, "- {}: {}", c.date, c.label);
        }
    }
    if !model.checkpoints.is_empty() {
        let met = model.checkpoints.iter().filter(|c| c.met).count();
        let _ = writeln!(
            out,
            "\nCheckpoints of the documented history: {met} of {} met.",
            model.checkpoints.len()
        );
        for c in &model.checkpoints {
            let _ = writeln!(
                out,
                "- {}: {} on {} ({} to {}, expected {:.0} to {:.0})",
                if c.met { "met" } else { "missed" },
                c.id,
                model.pairs.get(c.pair).map_or("?", String::as_str),
                c.from,
                c.to,
                c.lo,
                c.hi
            );
        }
    }
    if let Some(t) = &model.triangle {
        triangle(&mut out, t);
    }
    let _ = writeln!(out);
    if !model.small_print.is_empty() {
        let _ = writeln!(out, "{}", model.small_print);
    }
    let _ = writeln!(out, "Drawn as {}.", layout_words(model));
    out
}

/// The SVG's title: the chart's, and with several pairs the pairs it shows.
pub fn svg_title(model: &ChartModel) -> String {
    if model.many_pairs() {
        format!("{} ({})", model.title, model.pairs.join("; "))
    } else {
        model.title.clone()
    }
}

/// The bar chart's story in sentences.
pub fn describe_bars(chart: &BarChart) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", chart.title);
    if !chart.subtitle.is_empty() {
        let _ = writeln!(out, "{}", chart.subtitle);
    }
    let _ = writeln!(out);
    for (k, (label, value)) in chart.bars.iter().enumerate() {
        let sign = match chart.directions.get(k) {
            Some(super::Direction::Cooled) => ", cooled the relation",
            Some(super::Direction::Warmed) => ", warmed the relation",
            Some(super::Direction::BothWays) => {
                ", moves it both ways (its mean effect is small next to its mean change)"
            }
            None => "",
        };
        let _ = writeln!(out, "{}. {label}: {value:.2}{sign}", k + 1);
    }
    if !chart.small_print.is_empty() {
        let _ = writeln!(out, "\n{}", chart.small_print);
    }
    out
}

/// `svg` with a `<title>` and a `<desc>` right after its opening tag.
pub fn label_svg(svg: String, title: &str, desc: &str) -> String {
    let Some(open) = svg
        .find("<svg")
        .and_then(|i| svg[i..].find('>').map(|j| i + j + 1))
    else {
        return svg;
    };
    let mut out = String::with_capacity(svg.len() + desc.len() + title.len() + 64);
    out.push_str(&svg[..open]);
    let _ = write!(
        out,
        "\n<title>{}</title>\n<desc>{}</desc>",
        escape(title),
        escape(desc)
    );
    out.push_str(&svg[open..]);
    out
}

/// Text as XML character data: markup escaped, and control characters (which XML 1.0
/// forbids) left out.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\n' | '\t' => out.push(c),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A first of the month as "1950-01".
fn month(d: Date) -> String {
    let (y, m, _) = d.ymd();
    format!("{y:04}-{m:02}")
}

/// The triangle's strips period by period, and its checkpoints.
fn triangle(out: &mut String, t: &super::TriangleStrips) {
    use crate::triangle::Reading;
    let names = [
        t.names[0].as_str(),
        t.names[1].as_str(),
        t.names[2].as_str(),
    ];
    let _ = writeln!(
        out,
        "\nThe strategic triangle of {}, {} and {}, in the strips under the plot (Dittmer's configurations; a pair is friendly or hostile once its value leaves the dead band, and keeps that sign inside it; runs shorter than the dwell are absorbed):",
        names[0], names[1], names[2]
    );
    for row in &t.rows {
        let by = match row.reading {
            Reading::Levels => "By the levels of the three scores",
            Reading::Trend => "By their trend (each score's change over the last 12 months)",
        };
        let what = if row.label.is_empty() {
            by.to_string()
        } else {
            format!("{}: {}", row.label, by.to_lowercase())
        };
        let _ = writeln!(out, "{what}:");
        shares(out, &row.shares, names);
        for p in &row.periods {
            let told = match p.configuration {
                Some(k) => format!(
                    "{} ({})",
                    k.describe(names),
                    if k.balanced() {
                        "balanced"
                    } else {
                        "unbalanced"
                    }
                ),
                None => "no configuration yet (a pair has no sign)".to_string(),
            };
            let _ = writeln!(out, "- {} to {}: {told}.", month(p.from), month(p.to));
        }
    }
    if t.checkpoints.is_empty() {
        return;
    }
    let judged: Vec<_> = t.checkpoints.iter().filter(|c| !c.contested).collect();
    let met = judged
        .iter()
        .filter(|c| c.readings.iter().all(|r| r.met))
        .count();
    let contested = t.checkpoints.len() - judged.len();
    let _ = writeln!(
        out,
        "\nCheckpoints of the triangle: {met} of {} met{}.",
        judged.len(),
        if contested > 0 {
            format!("; {contested} contested, each reading shown")
        } else {
            String::new()
        }
    );
    for c in &t.checkpoints {
        let verdict = if c.contested {
            "contested"
        } else if c.readings.iter().all(|r| r.met) {
            "met"
        } else {
            "missed"
        };
        let _ = writeln!(out, "- {verdict}: {} ({} to {})", c.id, c.from, c.to);
        for r in &c.readings {
            let name = if r.name.is_empty() {
                String::new()
            } else {
                format!("{}, ", r.name)
            };
            let _ = writeln!(
                out,
                "  - {name}by {}: expected {}; the run has it in {} of {} months{}{}.",
                r.reading.name(),
                r.expect,
                r.matching,
                r.months,
                if r.met { ", met" } else { ", not met" },
                if r.met {
                    String::new()
                } else {
                    format!("; most often {}", r.most)
                }
            );
        }
    }
}

/// Many runs' strip in words: each stretch of months whose most frequent configuration
/// is the same, with the smallest share it has there.
fn shares(out: &mut String, rows: &[(Date, [u32; crate::triangle::CATEGORIES])], names: [&str; 3]) {
    let mode = |c: &[u32; crate::triangle::CATEGORIES]| {
        // The first of the largest counts, in the categories' order.
        let mut best = 0;
        for k in 1..c.len() {
            if c[k] > c[best] {
                best = k;
            }
        }
        best
    };
    let mut m = 0;
    while m < rows.len() {
        let k = mode(&rows[m].1);
        let next = (m..rows.len())
            .find(|&j| mode(&rows[j].1) != k)
            .unwrap_or(rows.len());
        let least = rows[m..next]
            .iter()
            .map(|(_, c)| f64::from(c[k]) / f64::from(c.iter().sum::<u32>().max(1)))
            .fold(f64::INFINITY, f64::min);
        let told = crate::triangle::of_category(k).map_or(
            "no configuration yet (a pair has no sign)".to_string(),
            |c| c.describe(names),
        );
        let _ = writeln!(
            out,
            "- {} to {}: most runs: {told} (at least {:.0}% of runs each month).",
            month(rows[m].0),
            month(rows[next - 1].0),
            least * 100.0
        );
        m = next;
    }
}
