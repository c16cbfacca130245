//! Small multiples: a grid of panels under one key, on one shared score scale. Either a
//! panel per what-if, each drawing the baseline against that what-if, titled with its
//! question; or a panel per pair of states ([`pair_layout`]), each drawing what a
//! one-pair chart draws of that pair (its line or its runs' bands, its checkpoints, its
//! eras and the scenario's), titled with the pair's name.
//!
//! Many lines on one plot hide one another; a panel each keeps every line readable.
//! The panels share the y scale, so their gaps compare at a glance: the score labels and
//! the axis title stand left of the first column only, the band names right of the last.
//! Panels fill the grid row by row, in the model's order.

use super::scene::{Align, INK, Label, Point, Rect, Scene, Stroke, fit, text_width};
use super::timeline::{
    Axes, CHANGED, Decisions, ERA, PALETTE, ReferenceTrace, SOFT_INK, band_tab, bands, checkpoints,
    eras, footer, header, place_eras, score_text, score_ticks, thin, trace, x_axis, y_ticks,
};
use super::{ChartModel, Date, SeriesRole};

const MARGIN: f64 = 16.0;
// As on the single plot: what a student must read is at least 20 px.
const PANEL_TITLE: f64 = 20.0;
const TITLE_LINE: f64 = 24.0;
const TITLE_LINES: usize = 2;
const AXIS: f64 = 20.0;
const GAP_X: f64 = 30.0;
const GAP_Y: f64 = 16.0;
/// The most changed events drawn one by one in a panel.
const MAX_CHANGE_LINES: usize = 3;
/// Opacity of the fill between the baseline and the what-if.
const GAP_FILL: f64 = 0.30;

/// How many columns `n` panels take: two up to four, three up to nine, then four.
fn columns(n: usize) -> usize {
    match n {
        0..=4 => 2,
        5..=9 => 3,
        _ => 4,
    }
}

/// Lays out the small multiples of `model` (already validated).
pub(super) fn layout(model: &ChartModel) -> Scene {
    let (w, h) = super::timeline::canvas(model);
    let mut scene = Scene::sized((w, h));
    let header_bottom = header(&mut scene, model);
    let small_top = h - 10.0 - super::timeline::small(model);
    footer(&mut scene, model, small_top, "");

    let n = model.panels.len();
    let cols = columns(n);
    let rows = n.div_ceil(cols);
    let ticks = y_ticks(model);
    let tick_w = ticks
        .iter()
        .map(|&v| text_width(&score_text(v), AXIS, false))
        .fold(0.0, f64::max);
    let grid_left = MARGIN + AXIS + 12.0 + tick_w + 10.0;
    let tab_w = band_tab(model);
    let grid_right = w - MARGIN - tab_w.max(12.0);
    let grid_top = header_bottom + 12.0;
    let grid_bottom = small_top - 10.0;
    let panel_w = (grid_right - grid_left - (cols - 1) as f64 * GAP_X) / cols as f64;
    let row_h = (grid_bottom - grid_top - (rows - 1) as f64 * GAP_Y) / rows as f64;
    let title_h = TITLE_LINES as f64 * TITLE_LINE + 4.0;
    let below = 8.0 + AXIS + 4.0;
    let plot_h = row_h - title_h - below;

    for (k, panel) in model.panels.iter().enumerate() {
        let (row, col) = (k / cols, k % cols);
        let x0 = grid_left + col as f64 * (panel_w + GAP_X);
        let top = grid_top + row as f64 * (row_h + GAP_Y);
        let plot = Rect::new(x0, top + title_h, x0 + panel_w, top + title_h + plot_h);
        let axes = Axes::new(plot, model.span, model.bound);
        for (l, line) in wrap(&panel.title, panel_w).into_iter().enumerate() {
            scene.text(Label::new(line, x0, top + l as f64 * TITLE_LINE, PANEL_TITLE).bold());
        }
        let last_col = col == cols - 1 || k == n - 1;
        bands(&mut scene, model, &axes, if last_col { tab_w } else { 0.0 });
        score_ticks(&mut scene, &axes, &ticks, col == 0);
        // Fewer years than on the single plot: a panel is narrower.
        x_axis(&mut scene, &axes, model.span, 110.0);
        if col == 0 && (rows == 1 || row == rows / 2) {
            // One title for the shared scale, beside the middle row.
            let mid = if rows.is_multiple_of(2) {
                top - GAP_Y / 2.0
            } else {
                (plot.y0 + plot.y1) / 2.0
            };
            scene.text(
                Label::new("relation score", mid, MARGIN, AXIS)
                    .align(Align::Center)
                    .color(SOFT_INK)
                    .rotated(),
            );
        }
        draw_lines(&mut scene, model, panel, &axes);
    }
    scene
}

/// `text` in at most [`TITLE_LINES`] lines of `width` pixels, broken between words, the
/// last cut short with an ellipsis if the text is longer.
fn wrap(text: &str, width: f64) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    let mut words = text.split_whitespace().peekable();
    while let Some(word) = words.next() {
        let joined = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if line.is_empty() || text_width(&joined, PANEL_TITLE, true) <= width {
            line = joined;
        } else if lines.len() + 1 < TITLE_LINES {
            lines.push(std::mem::replace(&mut line, word.to_string()));
        } else {
            let rest: Vec<&str> = std::iter::once(word).chain(words.by_ref()).collect();
            line = format!("{line} {}", rest.join(" "));
        }
    }
    if !line.is_empty() {
        // Bold text is drawn a few per cent wider than measured: leave room.
        lines.extend(fit(&line, PANEL_TITLE, true, width / 1.04));
    }
    lines
}

/// The gap between the baseline and the what-if filled in the what-if's hue, the
/// changed events' dashed lines, the reference, the what-if's line, the baseline on top.
fn draw_lines(scene: &mut Scene, model: &ChartModel, panel: &super::Panel, axes: &Axes) {
    let (start, end) = model.span;
    let inside = |points: &[(Date, f64)]| -> Vec<(f64, f64)> {
        let mut pts: Vec<(Date, f64)> = points
            .iter()
            .copied()
            .filter(|(d, _)| (start..=end).contains(d))
            .collect();
        pts.sort_by_key(|p| p.0);
        thin(pts.iter().map(|&(d, v)| (axes.x(d), axes.y(v))).collect())
    };
    let colour = PALETTE[0];
    let what_if = inside(&panel.points);
    let baselines: Vec<Vec<(f64, f64)>> = model
        .series
        .iter()
        .filter(|s| s.role == SeriesRole::Baseline)
        .map(|s| inside(&s.points))
        .collect();
    if let Some(base) = baselines.first() {
        let mut gap = what_if.clone();
        gap.extend(base.iter().rev());
        scene.polygon(gap, colour.alpha(GAP_FILL));
    }
    let p = axes.plot;
    let mut xs: Vec<f64> = panel
        .changes
        .iter()
        .filter(|c| (start..=end).contains(&c.date))
        .map(|c| axes.x(c.date))
        .collect();
    xs.sort_by(f64::total_cmp);
    if xs.len() > MAX_CHANGE_LINES {
        // Many changes (a leader's whole term rewritten) would be a fence of dashes: the
        // stretch they span is shaded, between the first and the last.
        let (a, b) = (xs[0], xs[xs.len() - 1]);
        scene.rect(
            Rect::new(a.min(b), p.y0, a.max(b), p.y1),
            Some(CHANGED.alpha(0.10)),
            None,
        );
        xs = vec![a, b];
    }
    for x in xs {
        scene.line(
            vec![(x, p.y0), (x, p.y1)],
            Stroke::dashed(CHANGED, 2.0, 8.0, 5.0),
        );
    }
    for s in model
        .series
        .iter()
        .filter(|s| s.role == SeriesRole::Reference)
    {
        let r = ReferenceTrace::of(s, axes, (start, end));
        r.draw_band(scene);
        r.draw_line(scene);
    }
    scene.line(what_if, Stroke::solid(colour, 3.0));
    for line in baselines {
        scene.line(line, Stroke::solid(INK, 2.0));
    }
}

/// What the panel of pair `pair` draws: `model`'s things of that pair (and the eras of
/// the whole scenario, and what a what-if changed), as a chart of one pair.
fn of_pair(model: &ChartModel, pair: usize) -> ChartModel {
    let mut m = model.clone();
    m.pairs.clear();
    m.strips.clear();
    m.series.retain(|s| s.pair == pair);
    m.ensembles.retain(|e| e.pair == pair);
    m.checkpoints.retain(|c| c.pair == pair);
    m.eras.retain(|e| e.pair.is_none_or(|p| p == pair));
    m.markers.retain(|e| e.pair == pair);
    m
}

/// Lays out a panel per pair of `model` (already validated); returns the scene and where
/// each of `model.markers` is drawn, in its pair's panel.
///
/// A panel has no room for event numbers or leader strips: events are dots (the text
/// alternative names the largest moves of each pair), and the footer says so.
pub(super) fn pair_layout(model: &ChartModel) -> (Scene, Vec<Point>) {
    let (w, h) = super::timeline::canvas(model);
    let mut scene = Scene::sized((w, h));
    let header_bottom = header(&mut scene, model);
    let small_top = h - 10.0 - super::timeline::small(model);
    let note = if model.markers.is_empty() {
        "a panel per pair"
    } else {
        "a panel per pair · events as dots, the largest named in chart.txt"
    };
    footer(&mut scene, model, small_top, note);

    let n = model.pairs.len();
    let cols = columns(n);
    let rows = n.div_ceil(cols);
    let ticks = y_ticks(model);
    let tick_w = ticks
        .iter()
        .map(|&v| text_width(&score_text(v), AXIS, false))
        .fold(0.0, f64::max);
    let grid_left = MARGIN + AXIS + 12.0 + tick_w + 10.0;
    let tab_w = band_tab(model);
    let grid_right = w - MARGIN - tab_w.max(12.0);
    let grid_top = header_bottom + 12.0;
    // A triangle's strips, with a year axis of their own, under the panels.
    let triangle_h = super::triangle::height(model, true);
    let grid_bottom = small_top - 10.0 - triangle_h;
    if triangle_h > 0.0 {
        let left = grid_left + super::triangle::names_width(model) + 12.0;
        let strips = Rect::new(left, grid_bottom + 8.0, grid_right, grid_bottom + 9.0);
        let axes = Axes::new(strips, model.span, model.bound);
        super::triangle::draw(&mut scene, model, &axes, grid_bottom + 8.0, true);
    }
    let panel_w = (grid_right - grid_left - (cols - 1) as f64 * GAP_X) / cols as f64;
    let row_h = (grid_bottom - grid_top - (rows - 1) as f64 * GAP_Y) / rows as f64;
    let (start, end) = model.span;
    let any_era = model.eras.iter().any(|e| e.to >= start && e.from <= end);
    // One row of era labels over the era bar, as on the single plot.
    let era_h = if any_era { ERA + 4.0 + 10.0 } else { 0.0 };
    let title_h = TITLE_LINE + 4.0;
    let below = 8.0 + AXIS + 4.0;
    let plot_h = row_h - title_h - era_h - below;
    let mut points: Vec<Point> = vec![(0.0, 0.0); model.markers.len()];

    for (k, name) in model.pairs.iter().enumerate() {
        let sub = of_pair(model, k);
        let (row, col) = (k / cols, k % cols);
        let x0 = grid_left + col as f64 * (panel_w + GAP_X);
        let top = grid_top + row as f64 * (row_h + GAP_Y);
        let plot_top = top + title_h + era_h;
        let plot = Rect::new(x0, plot_top, x0 + panel_w, plot_top + plot_h);
        let axes = Axes::new(plot, model.span, model.bound);
        if let Some(t) = fit(name, PANEL_TITLE, true, panel_w / 1.04) {
            scene.text(Label::new(t, x0, top, PANEL_TITLE).bold());
        }
        let last_col = col == cols - 1 || k == n - 1;
        bands(&mut scene, &sub, &axes, if last_col { tab_w } else { 0.0 });
        score_ticks(&mut scene, &axes, &ticks, col == 0);
        let spans: Vec<(usize, f64, f64)> = sub
            .eras
            .iter()
            .enumerate()
            .filter(|(_, e)| e.to >= start && e.from <= end && e.from <= e.to)
            .map(|(i, e)| (i, axes.x(e.from.max(start)), axes.x(e.to.min(end))))
            .collect();
        let labels: Vec<_> = place_eras(&sub, &spans, plot.x0, plot.x1)
            .into_iter()
            .filter(|l| l.row == 0)
            .collect();
        eras(
            &mut scene,
            &axes,
            &spans,
            &labels,
            &mut Decisions::default(),
        );
        // Fewer years than on the single plot: a panel is narrower.
        x_axis(&mut scene, &axes, model.span, 110.0);
        if col == 0 && (rows == 1 || row == rows / 2) {
            let mid = if rows.is_multiple_of(2) {
                top - GAP_Y / 2.0
            } else {
                (plot.y0 + plot.y1) / 2.0
            };
            scene.text(
                Label::new("relation score", mid, MARGIN, AXIS)
                    .align(Align::Center)
                    .color(SOFT_INK)
                    .rotated(),
            );
        }
        change_lines(&mut scene, &sub, &axes);
        let traces = trace(&sub, &axes);
        let lines = traces.lines();
        let signs = checkpoints(&mut scene, &sub, &axes, &lines);
        traces.draw(&mut scene);
        for sign in signs {
            scene.text(sign);
        }
        for (i, m) in model.markers.iter().enumerate() {
            if m.pair != k {
                continue;
            }
            let at = (axes.x(m.date), axes.y(m.score));
            points[i] = at;
            if (start..=end).contains(&m.date) {
                scene.circle(at, 3.5, Some(SOFT_INK), None);
            }
        }
    }
    (scene, points)
}

/// The events a what-if changed, dashed across the panel (more than
/// [`MAX_CHANGE_LINES`]: the stretch they span shaded, between the first and the last).
fn change_lines(scene: &mut Scene, model: &ChartModel, axes: &Axes) {
    let (start, end) = model.span;
    let p = axes.plot;
    let mut xs: Vec<f64> = model
        .changes
        .iter()
        .filter(|c| (start..=end).contains(&c.date))
        .map(|c| axes.x(c.date))
        .collect();
    xs.sort_by(f64::total_cmp);
    if xs.len() > MAX_CHANGE_LINES {
        let (a, b) = (xs[0], xs[xs.len() - 1]);
        scene.rect(
            Rect::new(a.min(b), p.y0, a.max(b), p.y1),
            Some(CHANGED.alpha(0.10)),
            None,
        );
        xs = vec![a, b];
    }
    for x in xs {
        scene.line(
            vec![(x, p.y0), (x, p.y1)],
            Stroke::dashed(CHANGED, 2.0, 8.0, 5.0),
        );
    }
}
