//! Layout of the relation-score chart: from a [`ChartModel`] to a [`Scene`].
//!
//! The canvas is cut top to bottom into: title and subtitle (with the key on the same
//! lines when it fits), the era labels, the plot, the year axis, the tenure strips, the
//! event legend and the small print. The plot takes whatever height the rest leaves,
//! and never less than [`MIN_PLOT_HEIGHT`] ([`MIN_PAPER_PLOT_HEIGHT`] on paper's smaller
//! canvas, [`canvas`]): the legend gets fewer rows first.
//!
//! Event numbers are placed greedily, the most influential event first, each at the
//! nearest free spot around its marker (see [`Badges`]); an event whose number finds no
//! spot, or that comes after the legend is full, stays an unnumbered dot and is counted
//! in the legend's "+N more". The numbered events are then numbered in date order.
//!
//! A chart of several pairs of states ([`ChartModel::many_pairs`]) drawn as lines is the
//! same plot with a line per pair, each in a colour and a dash pattern of its own
//! ([`PAIR_COLOURS`], [`pair_stroke`]), named at its right end in a column between the
//! plot and the band names; its checkpoints' boxes take their pair's colour, an event
//! logged on two pairs is a dot on both lines and one number, the era bar shows the eras
//! of the whole scenario, and only the states whose leaders the file gives get a strip.

use super::scene::{
    Align, GREY, INK, Label, Point, Rect, Rgba, Scene, Stroke, WHITE, fit, okabe_ito, text_width,
};
use super::{ChartError, ChartModel, Date, SeriesRole, finite};

/// The canvas's width and height in pixels: the slide's, or the smaller one of paper.
pub(super) fn canvas(model: &ChartModel) -> (f64, f64) {
    if model.paper {
        (f64::from(super::PAPER.0), f64::from(super::PAPER.1))
    } else {
        (f64::from(super::WIDTH), f64::from(super::HEIGHT))
    }
}
const MARGIN: f64 = 16.0;

// Text sizes in pixels of the 1600x900 canvas. What a student must read from the back
// of a room (the legend, axes, bands, states and leaders) is at least 20 px, 1/45 of the
// height; the small print (provenance) is for the teacher and stays smaller.
const TITLE: f64 = 36.0;
const SUBTITLE: f64 = 22.0;
const KEY: f64 = 20.0;
pub(super) const ERA: f64 = 20.0;
const AXIS: f64 = 20.0;
const BAND: f64 = 20.0;
const STATE: f64 = 20.0;
const LEADER: f64 = 20.0;
const BADGE: f64 = 20.0;
const LEGEND: f64 = 22.0;
const CHANGE: f64 = 20.0;
const SMALL: f64 = 15.0;

/// The size of the footer's small print: [`SMALL`], or on paper as large as the key.
pub(super) fn small(model: &ChartModel) -> f64 {
    if model.paper { KEY } else { SMALL }
}

const LEGEND_ROW: f64 = 30.0;
const LEGEND_COLUMNS: usize = 2;
/// The plot keeps at least this height; the legend loses rows first.
const MIN_PLOT_HEIGHT: f64 = 400.0;
/// On paper's smaller canvas, the plot keeps at least this height, so that the legend
/// still numbers events.
const MIN_PAPER_PLOT_HEIGHT: f64 = 320.0;

fn min_plot_height(model: &ChartModel) -> f64 {
    if model.paper {
        MIN_PAPER_PLOT_HEIGHT
    } else {
        MIN_PLOT_HEIGHT
    }
}
const STRIP_HEIGHT: f64 = 28.0;
const STRIP_GAP: f64 = 4.0;

pub(super) const FRAME: Rgba = Rgba::hex(0x8C8C8C);
pub(super) const SOFT_INK: Rgba = Rgba::hex(0x333333);

/// Colours of what-if lines and ensembles, in order of use. Black is the baseline's.
/// Colour-blind safe (Okabe-Ito, then Tol's muted olive, indigo and purple), and never the
/// checkpoint boxes' green or the orange and vermillion of a missed checkpoint.
pub(super) const PALETTE: [Rgba; 6] = [
    okabe_ito::BLUE,
    okabe_ito::REDDISH_PURPLE,
    okabe_ito::SKY_BLUE,
    Rgba::hex(0x999933),
    Rgba::hex(0x332288),
    Rgba::hex(0xAA4499),
];
/// The colours of the pairs' lines on a plot of several pairs, in the scenario's order of
/// pairs (cycled past four): Okabe-Ito blue and reddish purple, then Tol's olive and
/// indigo. Colour-blind safe, and never the green or vermillion of a checkpoint's verdict
/// (Okabe-Ito's orange and bluish green, which a teacher might pick, are exactly those).
/// Each pair also has a dash pattern of its own ([`PAIR_DASHES`]), so that a greyscale
/// print still tells the lines apart.
pub(super) const PAIR_COLOURS: [Rgba; 4] = [
    okabe_ito::BLUE,
    okabe_ito::REDDISH_PURPLE,
    Rgba::hex(0x999933),
    Rgba::hex(0x332288),
];
/// The dash pattern of each pair's line (drawn, left out, in px): solid, long dashes,
/// short dashes, dots; cycled past four, shifted by a colour so no two of the first
/// sixteen pairs look alike.
const PAIR_DASHES: [Option<(f64, f64)>; 4] =
    [None, Some((14.0, 6.0)), Some((7.0, 5.0)), Some((2.5, 4.5))];

/// The colour of pair `p`'s line.
pub(super) fn pair_colour(p: usize) -> Rgba {
    PAIR_COLOURS[p % PAIR_COLOURS.len()]
}

/// The stroke of pair `p`'s line, `width` px wide.
pub(super) fn pair_stroke(p: usize, width: f64) -> Stroke {
    let dash = PAIR_DASHES[(p + p / PAIR_COLOURS.len()) % PAIR_DASHES.len()];
    match dash {
        None => Stroke::solid(pair_colour(p), width),
        Some((on, off)) => Stroke::dashed(pair_colour(p), width, on, off),
    }
}

/// The measured reference series: dark purple, dashed, dotted at its dates, so it stays
/// apart from the black baseline and the palette by both hue and pattern.
pub(super) const REFERENCE: Rgba = Rgba::hex(0x5E2B7E);
const MET: Rgba = okabe_ito::BLUISH_GREEN;
const MISSED: Rgba = okabe_ito::VERMILLION;
/// The ✓ and ✗ signs are text: darker shades of the boxes' colours, so that they keep a
/// WCAG AA contrast (4.5:1) on every band of the scale, as the page's test measures.
const MET_SIGN: Rgba = Rgba::hex(0x005F45);
const MISSED_SIGN: Rgba = Rgba::hex(0x9C3000);

/// Maps dates and scores to canvas pixels.
#[derive(Clone, Copy, Debug)]
pub(super) struct Axes {
    pub plot: Rect,
    start: f64,
    end: f64,
    bound: f64,
}

impl Axes {
    /// Axes that map `span` across `plot` and `[-bound, bound]` up it.
    pub fn new(plot: Rect, span: (Date, Date), bound: f64) -> Axes {
        Axes {
            plot,
            start: f64::from(span.0.day()),
            end: f64::from(span.1.day()),
            bound,
        }
    }

    pub fn x(&self, date: Date) -> f64 {
        let t = (f64::from(date.day()) - self.start) / (self.end - self.start);
        self.plot.x0 + t * self.plot.width()
    }

    pub fn y(&self, score: f64) -> f64 {
        let t = (self.bound - score.clamp(-self.bound, self.bound)) / (2.0 * self.bound);
        self.plot.y0 + t * self.plot.height()
    }
}

/// What the layout decided, kept for tests to check.
#[derive(Clone, Debug, Default)]
pub(super) struct Decisions {
    /// The plot's rectangle.
    pub plot: Rect,
    /// For each numbered event: its index in `model.markers`, its number, the marker's
    /// position and the badge's centre and radius.
    pub badges: Vec<(usize, usize, Point, Point, f64)>,
    /// Every line drawn in the plot, as pixel polylines.
    pub lines: Vec<Vec<Point>>,
    /// The legend's rectangle (zero-sized when there is no legend).
    pub legend: Rect,
    /// Era labels: era index, text and box.
    pub eras: Vec<(usize, String, Rect)>,
    /// Tenure labels: strip, tenure index, text.
    pub tenures: Vec<(usize, usize, String)>,
    /// How many events in the span have no number.
    pub left_out: usize,
    /// Rows set aside for the legend.
    pub legend_rows: usize,
    /// Events tried for a number.
    pub tried: usize,
    /// Event dots drawn or kept clear of, after merging those on the same pixel.
    pub dots: usize,
    /// Points of every line of the plot, after thinning to the pixel columns.
    pub line_points: usize,
    /// Checkpoint signs placed clear of the others.
    pub signs: usize,
    /// How the numbered events were chosen, as the chart says it.
    pub note: String,
}

/// Lays out the chart of `model` and reports the decisions made.
///
/// The legend's rows are set aside before the numbers are placed. When crowding leaves
/// some of those rows empty, the layout is made again with only the rows needed, which
/// gives the plot their height; the second layout is kept if it numbers as many events.
pub(super) fn plan(model: &ChartModel) -> Result<(Scene, Decisions), ChartError> {
    validate(model)?;
    let prepared;
    let model = if model.many_pairs() {
        prepared = lines_of_pairs(model);
        &prepared
    } else {
        model
    };
    let first = plan_with(model, usize::MAX);
    let needed = first.1.badges.len().div_ceil(LEGEND_COLUMNS);
    if needed < first.1.legend_rows {
        let second = plan_with(model, needed);
        if second.1.badges.len() >= first.1.badges.len() {
            return Ok(second);
        }
    }
    Ok(first)
}

/// The most leader strips under a plot of several pairs: more would take the plot's room.
const MAX_STRIPS: usize = 4;

/// What a plot of several pairs' lines shows of `model`: the eras of the whole scenario
/// on the era bar (a pair's own eras are in its panel and the text), the leader strips
/// of the states whose leaders the file gives (at most [`MAX_STRIPS`]), and the small
/// print says both.
fn lines_of_pairs(model: &ChartModel) -> ChartModel {
    let mut m = model.clone();
    let (start, end) = m.span;
    m.eras.retain(|e| e.pair.is_none());
    let (mut with, without): (Vec<super::Strip>, Vec<super::Strip>) =
        std::mem::take(&mut m.strips).into_iter().partition(|s| {
            s.tenures
                .iter()
                .any(|t| t.to >= start && t.from <= end && t.from <= t.to)
        });
    let dropped: Vec<String> = with
        .split_off(with.len().min(MAX_STRIPS))
        .into_iter()
        .map(|s| s.state)
        .collect();
    let mut notes = vec!["lines: one per pair, named at its end".to_string()];
    if !without.is_empty() && !with.is_empty() {
        let names: Vec<&str> = without.iter().map(|s| s.state.as_str()).collect();
        notes.push(format!("no leaders given for {}", names.join(", ")));
    }
    if !dropped.is_empty() {
        notes.push(format!("leaders of {} not shown", dropped.join(", ")));
    }
    m.strips = with;
    m.small_print = if m.small_print.is_empty() {
        notes.join(" · ")
    } else {
        format!("{} · {}", m.small_print, notes.join(" · "))
    };
    m
}

/// One layout, with at most `row_limit` rows of legend.
fn plan_with(model: &ChartModel, row_limit: usize) -> (Scene, Decisions) {
    let (w, h) = canvas(model);
    let mut scene = Scene::sized((w, h));
    let mut decided = Decisions::default();
    let (start, end) = model.span;
    let bound = model.bound;

    // Left margin: the rotated axis title and the tick labels, or the state names of the
    // strips, whichever is wider. Right margin: the band names.
    let ticks = y_ticks(model);
    let tick_w = ticks
        .iter()
        .map(|&v| text_width(&score_text(v), AXIS, false))
        .fold(0.0, f64::max);
    let state_w = model
        .strips
        .iter()
        .map(|s| text_width(&s.state, STATE, true))
        .chain((!model.strips.is_empty()).then(|| text_width(SHORT_TERMS, LEADER, false)))
        .chain(
            model
                .triangle
                .is_some()
                .then(|| super::triangle::names_width(model)),
        )
        .fold(0.0, f64::max);
    let plot_left = MARGIN + (AXIS + 12.0 + tick_w + 10.0).max(state_w + 12.0);
    let tab_w = band_tab(model);
    // Several pairs: their names stand in a column right of the plot, at their lines'
    // ends, between the plot and the band names (the bands run on behind them).
    let names = pair_names(model);
    let names_w = names_width(&names);
    let plot_right = w - MARGIN - tab_w.max(12.0) - names_w;

    // Header.
    let header_bottom = header(&mut scene, model);

    // Eras: their label rows decide where the plot starts.
    let x_of = |d: Date| {
        let t = f64::from(d.day() - start.day()) / f64::from(end.day() - start.day());
        plot_left + t * (plot_right - plot_left)
    };
    let era_spans: Vec<(usize, f64, f64)> = model
        .eras
        .iter()
        .enumerate()
        .filter(|(_, e)| e.to >= start && e.from <= end && e.from <= e.to)
        .map(|(i, e)| (i, x_of(e.from.max(start)), x_of(e.to.min(end))))
        .collect();
    let era_labels = place_eras(model, &era_spans, plot_left, plot_right);
    let era_rows = era_labels.iter().map(|l| l.row + 1).max().unwrap_or(0);
    let era_h = if era_spans.is_empty() {
        0.0
    } else {
        era_rows as f64 * (ERA + 4.0) + 10.0
    };
    let plot_top = header_bottom + 12.0 + era_h;

    // Bottom up: small print, legend, strips, year axis.
    let small_top = h - 10.0 - small(model);
    let in_span: Vec<usize> = (0..model.markers.len())
        .filter(|&i| (start..=end).contains(&model.markers[i].date))
        .collect();
    let across = Axes {
        plot: Rect::new(plot_left, 0.0, plot_right, 1.0),
        start: f64::from(start.day()),
        end: f64::from(end.day()),
        bound,
    };
    let keyed: usize = model
        .strips
        .iter()
        .map(|s| short_terms_key(s, model, &across).len())
        .sum();
    let strips_h = if model.strips.is_empty() {
        0.0
    } else {
        model.strips.len() as f64 * (STRIP_HEIGHT + STRIP_GAP) - STRIP_GAP
            + 8.0
            + keyed as f64 * SHORT_TERMS_ROW
    };
    let triangle_h = super::triangle::height(model, false);
    let below_plot = 8.0 + AXIS + 8.0 + triangle_h + strips_h + 10.0;
    let room = small_top - 10.0 - (plot_top + min_plot_height(model) + below_plot);
    let max_rows = (room / LEGEND_ROW).floor().max(0.0) as usize;
    let wanted = in_span
        .iter()
        .filter(|&&i| model.markers[i].eligible)
        .count()
        .min(model.most_numbers.unwrap_or(usize::MAX));
    let rows = wanted.div_ceil(LEGEND_COLUMNS).min(max_rows).min(row_limit);
    decided.legend_rows = rows;
    let legend_top = small_top - 10.0 - rows as f64 * LEGEND_ROW;
    let plot_bottom = legend_top - below_plot;
    let plot = Rect::new(plot_left, plot_top, plot_right, plot_bottom);
    decided.plot = plot;
    let axes = Axes {
        plot,
        start: f64::from(start.day()),
        end: f64::from(end.day()),
        bound,
    };

    bands_beside(&mut scene, model, &axes, names_w, tab_w);
    y_axis(&mut scene, &axes, &ticks, tick_w);
    eras(&mut scene, &axes, &era_spans, &era_labels, &mut decided);
    x_axis(&mut scene, &axes, (start, end), 80.0);
    let traces = trace(model, &axes);
    let lines = traces.lines();
    let signs = checkpoints(&mut scene, model, &axes, &lines);
    traces.draw(&mut scene);
    decided.signs = signs.len();
    let mut icons: Vec<Rect> = signs.iter().map(Label::rect).collect();
    for sign in signs {
        scene.text(sign);
    }
    if model.many_pairs() {
        pair_labels(&mut scene, &names, &axes, &traces);
    }
    let marks = changes(&mut scene, model, &axes, &lines, &icons);
    icons.extend(marks);
    let numbered = markers(
        &mut scene,
        model,
        &axes,
        &in_span,
        (rows * LEGEND_COLUMNS).min(wanted),
        &lines,
        &icons,
        &mut decided,
    );
    decided.line_points = lines.iter().map(Vec::len).sum();
    decided.lines = lines;
    let triangle_top = plot_bottom + 8.0 + AXIS + 8.0;
    super::triangle::draw(&mut scene, model, &axes, triangle_top, false);
    let strips_top = triangle_top + triangle_h;
    strips(&mut scene, model, &axes, strips_top, &mut decided);
    legend(&mut scene, model, &numbered, rows, legend_top, &mut decided);
    decided.left_out = in_span.len() - numbered.len();
    let eligible = in_span
        .iter()
        .filter(|&&i| model.markers[i].eligible)
        .count();
    let note = numbering_note(model, numbered.len(), eligible, in_span.len());
    decided.note = note.clone();
    footer(&mut scene, model, small_top, &note);
    (scene, decided)
}

pub(super) fn validate(model: &ChartModel) -> Result<(), ChartError> {
    let (from, to) = model.span;
    if to <= from {
        return Err(ChartError::Span { from, to });
    }
    if !(model.bound.is_finite() && model.bound > 0.0) {
        return Err(ChartError::Bound(model.bound));
    }
    for b in &model.bands {
        finite(b.lo, || format!("lower edge of band `{}`", b.name))?;
        finite(b.hi, || format!("upper edge of band `{}`", b.name))?;
    }
    for c in &model.checkpoints {
        finite(c.lo, || format!("lower edge of checkpoint `{}`", c.id))?;
        finite(c.hi, || format!("upper edge of checkpoint `{}`", c.id))?;
    }
    for s in &model.series {
        for (d, v) in &s.points {
            finite(*v, || format!("score of series `{}` on {d}", s.label))?;
        }
    }
    for p in &model.panels {
        for (d, v) in &p.points {
            finite(*v, || format!("score of panel `{}` on {d}", p.title))?;
        }
    }
    for e in &model.ensembles {
        for p in &e.points {
            for v in [p.p5, p.p25, p.p50, p.p75, p.p95] {
                finite(v, || {
                    format!("percentile of ensemble `{}` on {}", e.label, p.date)
                })?;
            }
        }
    }
    for m in &model.markers {
        finite(m.score, || {
            format!("score of event `{}` on {}", m.title, m.date)
        })?;
        finite(m.influence, || {
            format!("influence of event `{}` on {}", m.title, m.date)
        })?;
    }
    Ok(())
}

/// The width of the tab right of the plot where the bands are named (0 for no bands).
pub(super) fn band_tab(model: &ChartModel) -> f64 {
    if model.bands.is_empty() {
        return 0.0;
    }
    let widest = model
        .bands
        .iter()
        .map(|b| text_width(&b.name, BAND, false))
        .fold(0.0, f64::max);
    widest + 20.0
}

/// The score as an axis label, with a true minus sign.
pub(super) fn score_text(v: f64) -> String {
    let text = if v.fract() == 0.0 {
        format!("{}", v.abs())
    } else {
        format!("{:.1}", v.abs())
    };
    if v < 0.0 {
        format!("\u{2212}{text}")
    } else {
        text
    }
}

/// Tick values: the band edges inside the scale, or even steps when there are no bands.
pub(super) fn y_ticks(model: &ChartModel) -> Vec<f64> {
    let b = model.bound;
    let mut ticks: Vec<f64> = model
        .bands
        .iter()
        .flat_map(|band| [band.lo, band.hi])
        .filter(|v| (-b..=b).contains(v))
        .collect();
    if ticks.len() < 2 {
        let step = nice_step(2.0 * b / 6.0);
        let n = (b / step).floor() as i64;
        ticks = (-n..=n).map(|k| k as f64 * step).collect();
    }
    ticks.sort_by(f64::total_cmp);
    ticks.dedup();
    ticks
}

/// The smallest of 1, 2, 2.5, 5 times a power of ten that is at least `raw`.
pub(super) fn nice_step(raw: f64) -> f64 {
    let p = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .map(|m| m * p)
        .find(|&s| s >= raw * 0.999)
        .unwrap_or(10.0 * p)
}

/// Title, subtitle and key; returns the bottom of the header.
pub(super) fn header(scene: &mut Scene, model: &ChartModel) -> f64 {
    let top = 14.0;
    let w = canvas(model).0;
    // The key's ✓ and ✗: on paper as large as every other word.
    let sign = if model.paper { KEY } else { 16.0 };
    let full = w - 2.0 * MARGIN;
    let items = key_items(model);
    let key_w: f64 = items.iter().map(KeyItem::width).sum::<f64>() - KEY_GAP;
    let title_w = text_width(&model.title, TITLE, true);
    let subtitle_w = text_width(&model.subtitle, SUBTITLE, false);
    let sub_top = top + TITLE + 6.0;
    let mut bottom = if model.subtitle.is_empty() {
        top + TITLE
    } else {
        sub_top + SUBTITLE
    };
    // The key goes on the title's line, else on the subtitle's, else on rows of its own.
    let (title_max, subtitle_max) = if items.is_empty() {
        (full, full)
    } else if title_w + 40.0 + key_w <= full {
        key_row(scene, &items, w - MARGIN, top + (TITLE - KEY) / 2.0, sign);
        (full - key_w - 40.0, full)
    } else if !model.subtitle.is_empty() && subtitle_w + 40.0 + key_w <= full {
        key_row(
            scene,
            &items,
            w - MARGIN,
            sub_top + (SUBTITLE - KEY) / 2.0,
            sign,
        );
        (full, full - key_w - 40.0)
    } else {
        let mut row: Vec<KeyItem> = Vec::new();
        let mut y = bottom + 8.0;
        for item in items {
            let w: f64 = row.iter().map(KeyItem::width).sum();
            if !row.is_empty() && w + item.width() - KEY_GAP > full {
                key_row(scene, &row, w - MARGIN, y, sign);
                row.clear();
                y += KEY + 6.0;
            }
            row.push(item);
        }
        key_row(scene, &row, w - MARGIN, y, sign);
        bottom = y + KEY;
        (full, full)
    };
    if let Some(t) = fit(&model.title, TITLE, true, title_max) {
        scene.text(Label::new(t, MARGIN, top, TITLE).bold());
    }
    if let Some(t) = fit(&model.subtitle, SUBTITLE, false, subtitle_max) {
        scene.text(Label::new(t, MARGIN, sub_top, SUBTITLE).color(SOFT_INK));
    }
    bottom
}

const KEY_GAP: f64 = 26.0;
const KEY_GLYPH: f64 = 34.0;

/// One entry of the key: a small drawing and its text.
#[derive(Clone, Debug)]
struct KeyItem {
    glyph: KeyGlyph,
    text: String,
}

#[derive(Clone, Copy, Debug)]
enum KeyGlyph {
    Line(Rgba),
    /// A measured series: dense (a plain line) or dotted, with or without a band.
    Reference {
        dense: bool,
        band: bool,
    },
    Ensemble(Rgba),
    /// A line over its band in the same hue.
    Banded(Rgba),
    /// A dashed line across, as a what-if's changed event is marked.
    Changed,
    Checkpoint(bool),
    /// A checkpoint on a plot of several pairs, whose boxes take their pair's colour:
    /// drawn in ink, solid when met, dashed when missed.
    PairCheckpoint(bool),
}

impl KeyItem {
    fn width(&self) -> f64 {
        KEY_GLYPH + 7.0 + text_width(&self.text, KEY, false) + KEY_GAP
    }
}

fn key_items(model: &ChartModel) -> Vec<KeyItem> {
    let mut items = Vec::new();
    if !model.panels.is_empty() {
        // Small multiples: the same three things in every panel.
        items.push(KeyItem {
            glyph: KeyGlyph::Line(INK),
            text: model
                .series
                .iter()
                .find(|s| s.role == SeriesRole::Baseline)
                .map_or_else(|| "baseline".to_string(), |s| s.label.clone()),
        });
        items.push(KeyItem {
            glyph: KeyGlyph::Banded(PALETTE[0]),
            text: "the what-if, and its gap from the baseline".into(),
        });
        if model.panels.iter().any(|p| !p.changes.is_empty()) {
            items.push(KeyItem {
                glyph: KeyGlyph::Changed,
                text: "event it changes".into(),
            });
        }
        items.extend(reference_items(model));
        return items;
    }
    if model.many_pairs() {
        return pair_key_items(model);
    }
    let show_lines = model.series.len() + model.ensembles.len() > 1
        || model.series.iter().any(|s| s.role != SeriesRole::Baseline);
    if show_lines {
        for s in model
            .series
            .iter()
            .filter(|s| s.role == SeriesRole::Baseline)
        {
            items.push(KeyItem {
                glyph: KeyGlyph::Line(INK),
                text: s.label.clone(),
            });
        }
        let mut colours = PALETTE.iter().cycle();
        for e in &model.ensembles {
            items.push(KeyItem {
                glyph: KeyGlyph::Ensemble(*colours.next().unwrap_or(&PALETTE[0])),
                text: format!("{}: median, middle 50% and 90%", e.label),
            });
        }
        for s in model
            .series
            .iter()
            .filter(|s| s.role == SeriesRole::Variant)
        {
            let colour = *colours.next().unwrap_or(&PALETTE[0]);
            items.push(KeyItem {
                glyph: if s.band.is_empty() {
                    KeyGlyph::Line(colour)
                } else {
                    KeyGlyph::Banded(colour)
                },
                text: s.label.clone(),
            });
        }
        items.extend(reference_items(model));
    } else if let Some(e) = model.ensembles.first() {
        items.push(KeyItem {
            glyph: KeyGlyph::Ensemble(PALETTE[0]),
            text: format!("{}: median, middle 50% and 90%", e.label),
        });
    } else if !model.simulated.is_empty()
        && model.series.iter().any(|s| s.role == SeriesRole::Baseline)
    {
        // A line alone still says what it is: a simulation, not the documented history.
        items.push(KeyItem {
            glyph: KeyGlyph::Line(INK),
            text: model.simulated.clone(),
        });
    }
    if model.checkpoints.iter().any(|c| c.met) {
        items.push(KeyItem {
            glyph: KeyGlyph::Checkpoint(true),
            text: "checkpoint met".into(),
        });
    }
    if model.checkpoints.iter().any(|c| !c.met) {
        items.push(KeyItem {
            glyph: KeyGlyph::Checkpoint(false),
            text: "checkpoint missed".into(),
        });
    }
    items
}

/// The key of a chart of several pairs. On one plot the lines are named at their ends, so
/// the key says only what the bands and the boxes mean; in panels, what each panel's
/// lines are (the baseline against the what-ifs, or the runs' median and bands).
fn pair_key_items(model: &ChartModel) -> Vec<KeyItem> {
    let mut items = Vec::new();
    let panels = model.layout == super::Layout::Panels;
    let variants: Vec<&super::Series> = {
        let mut seen: Vec<&super::Series> = Vec::new();
        for s in model
            .series
            .iter()
            .filter(|s| s.role == SeriesRole::Variant)
        {
            if !seen.iter().any(|v| v.label == s.label) {
                seen.push(s);
            }
        }
        seen
    };
    if panels && !variants.is_empty() {
        if let Some(b) = model.series.iter().find(|s| s.role == SeriesRole::Baseline) {
            items.push(KeyItem {
                glyph: KeyGlyph::Line(INK),
                text: b.label.clone(),
            });
        }
        for (k, v) in variants.iter().enumerate() {
            let colour = PALETTE[k % PALETTE.len()];
            items.push(KeyItem {
                glyph: if v.band.is_empty() {
                    KeyGlyph::Line(colour)
                } else {
                    KeyGlyph::Banded(colour)
                },
                text: v.label.clone(),
            });
        }
    }
    // The baseline's own entry above says it of the panels of a what-if.
    if (!panels || variants.is_empty())
        && model.ensembles.is_empty()
        && !model.simulated.is_empty()
        && model.series.iter().any(|s| s.role == SeriesRole::Baseline)
    {
        items.push(KeyItem {
            glyph: KeyGlyph::Line(INK),
            text: if panels {
                model.simulated.clone()
            } else {
                format!("each pair's line: {}", model.simulated)
            },
        });
    }
    if let Some(e) = model.ensembles.first() {
        items.push(KeyItem {
            glyph: KeyGlyph::Ensemble(if panels { PALETTE[0] } else { GREY }),
            text: if panels {
                format!("{}: median, middle 50% and 90%", e.label)
            } else {
                format!("{}, each pair: median, middle 50% and 90%", e.label)
            },
        });
    }
    if panels && !model.changes.is_empty() {
        items.push(KeyItem {
            glyph: KeyGlyph::Changed,
            text: "event the what-if changes".into(),
        });
    }
    items.extend(reference_items(model));
    for met in [true, false] {
        if model.checkpoints.iter().any(|c| c.met == met) {
            items.push(KeyItem {
                glyph: if panels {
                    KeyGlyph::Checkpoint(met)
                } else {
                    KeyGlyph::PairCheckpoint(met)
                },
                text: if met {
                    "checkpoint met"
                } else {
                    "checkpoint missed"
                }
                .into(),
            });
        }
    }
    items
}

/// The key's entries of the measured reference series.
fn reference_items(model: &ChartModel) -> impl Iterator<Item = KeyItem> + '_ {
    model
        .series
        .iter()
        .filter(|s| s.role == SeriesRole::Reference)
        .map(|s| KeyItem {
            glyph: KeyGlyph::Reference {
                dense: super::dense(s),
                band: !s.band.is_empty(),
            },
            text: s.label.clone(),
        })
}

/// Draws key items in a row ending at `right`, with their line box at `top`; a checkpoint's
/// ✓ or ✗ is `sign` px high.
fn key_row(scene: &mut Scene, items: &[KeyItem], right: f64, top: f64, sign: f64) {
    let total: f64 = items.iter().map(KeyItem::width).sum::<f64>() - KEY_GAP;
    let mut x = right - total;
    let mid = top + KEY * 0.5;
    for item in items {
        let g = Rect::new(x, mid - 7.0, x + KEY_GLYPH, mid + 7.0);
        match item.glyph {
            KeyGlyph::Line(c) => scene.line(vec![(g.x0, mid), (g.x1, mid)], Stroke::solid(c, 3.0)),
            KeyGlyph::Reference { dense, band } => {
                if band {
                    scene.rect(g, Some(REFERENCE.alpha(REFERENCE_BAND)), None);
                }
                if dense {
                    scene.line(
                        vec![(g.x0, mid), (g.x1, mid)],
                        Stroke::solid(REFERENCE, 2.0),
                    );
                } else {
                    scene.line(vec![(g.x0, mid), (g.x1, mid)], reference_stroke());
                    scene.circle(((g.x0 + g.x1) / 2.0, mid), 3.5, Some(REFERENCE), None);
                }
            }
            KeyGlyph::Ensemble(c) => {
                scene.rect(g, Some(c.alpha(ENSEMBLE_OUTER)), None);
                scene.rect(
                    Rect::new(g.x0, mid - 4.0, g.x1, mid + 4.0),
                    Some(c.alpha(ENSEMBLE_INNER)),
                    None,
                );
                scene.line(vec![(g.x0, mid), (g.x1, mid)], Stroke::solid(c, 2.0));
            }
            KeyGlyph::Banded(c) => {
                scene.rect(g, Some(c.alpha(VARIANT_BAND)), None);
                scene.line(vec![(g.x0, mid), (g.x1, mid)], Stroke::solid(c, 3.0));
            }
            KeyGlyph::Changed => {
                let x = (g.x0 + g.x1) / 2.0;
                scene.line(
                    vec![(x, g.y0 - 3.0), (x, g.y1 + 3.0)],
                    Stroke::dashed(CHANGED, 2.0, 5.0, 3.0),
                );
            }
            KeyGlyph::Checkpoint(met) | KeyGlyph::PairCheckpoint(met) => {
                let box_ = Rect::new(g.x0 + 4.0, mid - sign / 2.0, g.x1 - 4.0, mid + sign / 2.0);
                if matches!(item.glyph, KeyGlyph::PairCheckpoint(_)) {
                    pair_checkpoint_box(scene, box_, met, SOFT_INK);
                } else {
                    checkpoint_box(scene, box_, met);
                }
                scene.text(
                    Label::new(
                        if met { "✓" } else { "✗" },
                        g.x0 + KEY_GLYPH / 2.0,
                        mid - sign / 2.0,
                        sign,
                    )
                    .bold()
                    .color(if met { MET_SIGN } else { MISSED_SIGN })
                    .align(Align::Center),
                );
            }
        }
        scene.text(Label::new(item.text.clone(), g.x1 + 7.0, top, KEY).color(SOFT_INK));
        x += item.width();
    }
}

/// A checkpoint's box on a plot of several pairs: in its pair's colour, solid when met
/// and dashed when missed (the ✓ or ✗ beside it says which in words' colours).
fn pair_checkpoint_box(scene: &mut Scene, rect: Rect, met: bool, colour: Rgba) {
    if met {
        scene.rect(
            rect,
            Some(colour.alpha(0.10)),
            Some(Stroke::solid(colour, 2.0)),
        );
    } else {
        scene.rect(
            rect,
            Some(colour.alpha(0.06)),
            Some(Stroke::dashed(colour, 2.0, 6.0, 4.0)),
        );
    }
}

fn checkpoint_box(scene: &mut Scene, rect: Rect, met: bool) {
    if met {
        scene.rect(rect, Some(MET.alpha(0.10)), Some(Stroke::solid(MET, 2.0)));
    } else {
        scene.rect(
            rect,
            Some(MISSED.alpha(0.08)),
            Some(Stroke::dashed(MISSED, 2.0, 6.0, 4.0)),
        );
    }
}

/// Where an era's label goes.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct EraLabel {
    /// Index into `model.eras`.
    era: usize,
    /// The label, possibly cut short.
    text: String,
    /// 0 is the row next to the era bar, 1 the row above it.
    pub row: usize,
    /// Centre of the label.
    mid: f64,
    /// For a label in the upper row: the x of the tick that ties it to its span.
    tick: Option<f64>,
}

/// The most eras considered for a label.
const MAX_ERA_LABELS: usize = 120;

/// How many partial placements the era search keeps after each label.
const ERA_BEAM: usize = 64;

/// Room kept between two labels in one row.
const ERA_PAD: f64 = 18.0;

/// How far an overhanging label must reach past the middle of its span.
const ERA_COVER: f64 = 10.0;

/// One label in the era search. Partial placements share their beginnings, so each one is
/// kept as its last label and a link to the placement it extends ([`Placed::before`]):
/// a placement with one more label is one more entry in the search's list, not a copy of
/// everything placed before it.
#[derive(Clone, Copy)]
struct Placed {
    /// The placement this label extends (an index into the search's list), `None` for the
    /// first label placed.
    before: Option<usize>,
    /// Index into `model.eras`.
    era: usize,
    /// Whether the label is cut short (else it is whole).
    cut: bool,
    /// 0 is the row next to the era bar, 1 the row above it.
    row: usize,
    /// Centre of the label.
    mid: f64,
    /// Left and right edges of the label.
    extent: (f64, f64),
    /// For a label in the upper row: the x of the tick that ties it to its span.
    tick: Option<f64>,
}

/// One partial placement of the era labels, left to right: its last label (the others
/// are reached through [`Placed::before`]) and what the search ranks it by.
#[derive(Clone, Copy, Default)]
struct EraRows {
    /// The last label placed (an index into the search's list), `None` while none is.
    last: Option<usize>,
    /// Labels shown whole, cut short, and raised to the upper row.
    whole: usize,
    cut: usize,
    raised: usize,
    /// How far the labels sit from the middle of their spans, in px.
    moved: f64,
    /// The right end of what is placed in the lower row (the upper row's ticks included,
    /// 4.5 px past each) and in the upper row, 0 while empty: what later labels must
    /// clear. Kept as labels are added, as the running maximum.
    reach: (f64, f64),
}

impl EraRows {
    /// The better placement of two that show the same labels: fewer raised, then less moved.
    fn tidier(&self, other: &EraRows) -> std::cmp::Ordering {
        self.raised
            .cmp(&other.raised)
            .then(self.moved.total_cmp(&other.moved))
    }

    /// The same placement with one more label, `label`, whose span's middle is `centre`
    /// (its `before` is set here); `label` is recorded in `placed`.
    fn with(&self, mut label: Placed, centre: f64, placed: &mut Vec<Placed>) -> EraRows {
        let mut next = *self;
        label.before = self.last;
        if label.cut {
            next.cut += 1;
        } else {
            next.whole += 1;
        }
        if label.row == 0 {
            next.reach.0 = next.reach.0.max(label.extent.1);
        } else {
            next.reach.0 = next.reach.0.max(centre + 4.5);
            next.reach.1 = next.reach.1.max(label.extent.1);
            next.raised += 1;
        }
        next.moved += (label.mid - centre).abs();
        next.last = Some(placed.len());
        placed.push(label);
        next
    }

    /// The labels of this placement, last placed first.
    fn labels_back<'p>(&self, placed: &'p [Placed]) -> impl Iterator<Item = &'p Placed> {
        std::iter::successors(self.last.map(|k| &placed[k]), |l| {
            l.before.map(|k| &placed[k])
        })
    }
}

/// What a partial placement holds that the next label must keep clear of: the labels of
/// each row and the upper row's ticks, in the order they were placed (the order
/// [`slide`] tries them in).
#[derive(Default)]
struct Taken {
    lower: Vec<(f64, f64)>,
    upper: Vec<(f64, f64)>,
    ticks: Vec<f64>,
}

impl Taken {
    /// Refills `self` with what `rows` holds (reusing the memory of the last fill).
    fn refill(&mut self, rows: &EraRows, placed: &[Placed]) {
        self.lower.clear();
        self.upper.clear();
        self.ticks.clear();
        for l in rows.labels_back(placed) {
            if l.row == 0 {
                self.lower.push(l.extent);
            } else {
                self.upper.push(l.extent);
                self.ticks.extend(l.tick);
            }
        }
        self.lower.reverse();
        self.upper.reverse();
        self.ticks.reverse();
    }
}

/// The free left edge nearest to centring a label of width `w` on `centre`, keeping
/// `centre` inside it, clear of the labels `taken` and the `ticks` in its row, between
/// `lo` and `hi`. Only what lies near `centre` is looked at.
fn slide(
    taken: &[(f64, f64)],
    ticks: &[f64],
    centre: f64,
    w: f64,
    (lo, hi): (f64, f64),
) -> Option<f64> {
    if w > hi - lo {
        return None; // wider than the plot: it can only be cut short
    }
    let ideal = (centre - w / 2.0).clamp(lo, hi - w);
    let (min, max) = (
        (centre - w + ERA_COVER).max(lo),
        (centre - ERA_COVER).min(hi - w),
    );
    let near: Vec<(f64, f64)> = taken
        .iter()
        .copied()
        .filter(|&(x0, x1)| x1 + ERA_PAD > min && x0 - ERA_PAD < max + w)
        .collect();
    let ticks: Vec<f64> = ticks
        .iter()
        .copied()
        .filter(|&t| t + 4.0 >= min && t - 4.0 <= max + w)
        .collect();
    let mut options = vec![ideal];
    for &(x0, x1) in &near {
        options.extend([x1 + ERA_PAD, x0 - ERA_PAD - w]);
    }
    for &t in &ticks {
        options.extend([t + 4.5, t - 4.5 - w]);
    }
    options
        .into_iter()
        .filter(|&a| a >= min - 1e-9 && a <= max + 1e-9)
        .filter(|&a| era_room(&near, &ticks, a, a + w))
        .min_by(|a, b| (a - ideal).abs().total_cmp(&(b - ideal).abs()))
}

/// Whether `[a, b]` keeps clear of the labels `taken` and the `ticks` in its row.
fn era_room(taken: &[(f64, f64)], ticks: &[f64], a: f64, b: f64) -> bool {
    taken
        .iter()
        .all(|&(x0, x1)| b + ERA_PAD <= x0 || x1 + ERA_PAD <= a)
        && ticks.iter().all(|&t| t < a - 4.0 || t > b + 4.0)
}

/// Era label placement, two rows at most. Each label goes whole to the lower row over
/// its span, or overhanging it, or to the upper row with a tick down to its span; else
/// cut short to its span in the lower row; else it is left out. An overhanging label may
/// slide sideways to find room, as long as it still covers the middle of its span. The
/// labels are placed left to right, keeping the `ERA_BEAM` best partial placements, and
/// the placement shown is the one that shows most labels whole, then most cut short,
/// then raises fewest, then moves them least from the middle of their spans.
///
/// The placements made on this thread are kept: the page draws every what-if of a
/// scenario with the history's eras on a plot of the same width, so the same search
/// would be made for each. A placement is kept under everything the search reads (each
/// span's era, label and ends, and the ends of the row; label widths depend on nothing
/// else, the fonts being registered once for good).
pub(super) fn place_eras(
    model: &ChartModel,
    spans: &[(usize, f64, f64)],
    lo: f64,
    hi: f64,
) -> Vec<EraLabel> {
    /// What a placement depends on: each span's era, label, and ends (as bits), and the
    /// ends of the row.
    type Question = (Vec<(usize, String, u64, u64)>, u64, u64);
    thread_local! {
        static PLACED: std::cell::RefCell<std::collections::HashMap<Question, Vec<EraLabel>>> =
            std::cell::RefCell::new(std::collections::HashMap::new());
    }
    /// Placements kept per thread before the memory is given back.
    const KEPT: usize = 64;
    let question: Question = (
        (spans.iter())
            .map(|&(i, x0, x1)| (i, model.eras[i].label.clone(), x0.to_bits(), x1.to_bits()))
            .collect(),
        lo.to_bits(),
        hi.to_bits(),
    );
    if let Some(kept) = PLACED.with_borrow(|m| m.get(&question).cloned()) {
        return kept;
    }
    let placed = search_eras(model, spans, lo, hi);
    PLACED.with_borrow_mut(|m| {
        if m.len() >= KEPT {
            m.clear();
        }
        m.insert(question, placed.clone());
    });
    placed
}

/// The search of [`place_eras`].
fn search_eras(model: &ChartModel, spans: &[(usize, f64, f64)], lo: f64, hi: f64) -> Vec<EraLabel> {
    // Only the widest eras are labelled when there are very many: no more labels fit
    // the width, and placing each is a search among those already placed.
    let mut widest: Vec<usize> = (0..spans.len()).collect();
    widest.sort_by(|&a, &b| {
        let (wa, wb) = (spans[a].2 - spans[a].1, spans[b].2 - spans[b].1);
        wb.total_cmp(&wa).then(a.cmp(&b))
    });
    widest.truncate(MAX_ERA_LABELS);
    let mut spans: Vec<(usize, f64, f64)> = widest.into_iter().map(|k| spans[k]).collect();
    spans.sort_by(|a, b| (a.1 + a.2).total_cmp(&(b.1 + b.2)).then(a.0.cmp(&b.0)));
    let mut placed: Vec<Placed> = Vec::new();
    // The cut-short text of each era that has one.
    let mut shorts: Vec<(usize, String)> = Vec::new();
    let mut taken = Taken::default();
    let mut beam = vec![EraRows::default()];
    for &(i, x0, x1) in &spans {
        let label = &model.eras[i].label;
        let centre = (x0 + x1) / 2.0;
        let w = text_width(label, ERA, false);
        let short = fit(label, ERA, false, x1 - x0 - 4.0)
            .filter(|s| s.chars().count() >= 4)
            .map(|s| {
                let sw = text_width(&s, ERA, false);
                shorts.push((i, s));
                sw
            });
        let at = |cut: bool, row: usize, mid: f64, w: f64| Placed {
            before: None,
            era: i,
            cut,
            row,
            mid,
            extent: (mid - w / 2.0, mid + w / 2.0),
            tick: (row == 1).then_some(centre),
        };
        let mut next = Vec::with_capacity(beam.len() * 4);
        for rows in &beam {
            taken.refill(rows, &placed);
            if let Some(a) = slide(&taken.lower, &taken.ticks, centre, w, (lo, hi)) {
                next.push(rows.with(at(false, 0, a + w / 2.0, w), centre, &mut placed));
            }
            let tick_clear = taken
                .lower
                .iter()
                .all(|&(x0, x1)| centre < x0 - 4.0 || centre > x1 + 4.0);
            if let Some(a) = slide(&taken.upper, &[], centre, w, (lo, hi)).filter(|_| tick_clear) {
                next.push(rows.with(at(false, 1, a + w / 2.0, w), centre, &mut placed));
            }
            if let Some(sw) = short {
                let (a, b) = (centre - sw / 2.0, centre + sw / 2.0);
                if era_room(&taken.lower, &taken.ticks, a, b) {
                    next.push(rows.with(at(true, 0, centre, sw), centre, &mut placed));
                }
            }
            next.push(*rows); // left out
        }
        beam = prune(next);
    }
    let best = beam
        .into_iter()
        .min_by(|a, b| (b.whole, b.cut).cmp(&(a.whole, a.cut)).then(a.tidier(b)));
    let mut out: Vec<EraLabel> = best
        .iter()
        .flat_map(|rows| rows.labels_back(&placed))
        .map(|l| {
            let short = shorts.iter().find(|s| s.0 == l.era).map(|s| &s.1);
            EraLabel {
                era: l.era,
                text: match short {
                    Some(s) if l.cut => s.clone(),
                    _ => model.eras[l.era].label.clone(),
                },
                row: l.row,
                mid: l.mid,
                tick: l.tick,
            }
        })
        .collect();
    out.sort_by_key(|l| l.era);
    out
}

/// The `ERA_BEAM` most promising partial placements: most labels whole, then most cut
/// short, then most room left for the labels to come, then tidiest. Of placements that
/// show as many labels and leave the same room, only the tidiest is kept.
fn prune(next: Vec<EraRows>) -> Vec<EraRows> {
    // Each placement's rank, measured once rather than at every comparison of the sort.
    let key = |r: &EraRows| {
        let (lower, upper) = r.reach;
        (r.whole, r.cut, (lower * 2.0).round(), (upper * 2.0).round())
    };
    let mut ranked: Vec<_> = next.into_iter().map(|r| (key(&r), r)).collect();
    ranked.sort_by(|(ka, a), (kb, b)| {
        (kb.0, kb.1)
            .cmp(&(ka.0, ka.1))
            .then((ka.2 + ka.3).total_cmp(&(kb.2 + kb.3)))
            .then(ka.2.total_cmp(&kb.2))
            .then(a.tidier(b))
    });
    let mut kept: Vec<EraRows> = Vec::with_capacity(ERA_BEAM);
    let mut last_key = None;
    for (k, rows) in ranked {
        if kept.len() == ERA_BEAM {
            break;
        }
        if last_key != Some(k) {
            kept.push(rows);
            last_key = Some(k);
        }
    }
    kept
}

pub(super) fn band_colour(mid: f64, bound: f64) -> Rgba {
    let t = (mid.abs() / bound).min(1.0);
    let hue = if mid < 0.0 {
        okabe_ito::VERMILLION
    } else {
        okabe_ito::BLUE
    };
    hue.tint(0.95 - 0.22 * t)
}

/// The bands behind the plot, reaching `tab_w` px past its right edge, where their names
/// go (no names for a tab of 0).
pub(super) fn bands(scene: &mut Scene, model: &ChartModel, axes: &Axes, tab_w: f64) {
    bands_beside(scene, model, axes, 0.0, tab_w);
}

/// The bands behind the plot, reaching `gap + tab_w` px past its right edge; their names
/// go `gap` px past it, in a tab `tab_w` px wide (no names for a tab of 0).
fn bands_beside(scene: &mut Scene, model: &ChartModel, axes: &Axes, gap: f64, tab_w: f64) {
    let p = axes.plot;
    let p = Rect::new(p.x0, p.y0, p.x1 + gap, p.y1);
    for b in &model.bands {
        let (lo, hi) = (b.lo.min(b.hi), b.lo.max(b.hi));
        let (y0, y1) = (axes.y(hi), axes.y(lo));
        if y1 - y0 < 1.0 {
            continue;
        }
        let colour = band_colour((lo + hi) / 2.0, model.bound);
        scene.rect(Rect::new(p.x0, y0, p.x1 + tab_w, y1), Some(colour), None);
        if tab_w > 0.0 && y1 - y0 >= BAND + 2.0 {
            scene.text(
                Label::new(
                    b.name.clone(),
                    p.x1 + 10.0,
                    (y0 + y1) / 2.0 - BAND * 0.5,
                    BAND,
                )
                .color(SOFT_INK),
            );
        }
    }
}

/// Tick marks left of the plot at `ticks`, with their scores when `labelled`, and the
/// zero line.
pub(super) fn score_ticks(scene: &mut Scene, axes: &Axes, ticks: &[f64], labelled: bool) {
    let p = axes.plot;
    for &v in ticks {
        let y = axes.y(v);
        scene.line(vec![(p.x0 - 5.0, y), (p.x0, y)], Stroke::solid(FRAME, 1.0));
        if labelled {
            scene.text(
                Label::new(score_text(v), p.x0 - 8.0, y - AXIS * 0.48, AXIS)
                    .align(Align::Right)
                    .color(SOFT_INK),
            );
        }
        if v == 0.0 {
            scene.line(vec![(p.x0, y), (p.x1, y)], Stroke::solid(FRAME, 1.0));
        }
    }
}

fn y_axis(scene: &mut Scene, axes: &Axes, ticks: &[f64], tick_w: f64) {
    let p = axes.plot;
    score_ticks(scene, axes, ticks, true);
    scene.text(
        Label::new(
            "relation score",
            (p.y0 + p.y1) / 2.0,
            p.x0 - 8.0 - tick_w - 12.0 - AXIS,
            AXIS,
        )
        .align(Align::Center)
        .color(SOFT_INK)
        .rotated(),
    );
}

/// The plot's frame and the years under it, one label per `spacing` px at most.
pub(super) fn x_axis(scene: &mut Scene, axes: &Axes, (start, end): (Date, Date), spacing: f64) {
    let p = axes.plot;
    scene.rect(p, None, Some(Stroke::solid(FRAME, 1.0)));
    let years = f64::from(end.day() - start.day()) / 365.2425;
    let step = nice_step(years / (p.width() / spacing)).max(1.0) as i32;
    let (y0, y1) = (start.year(), end.year());
    let first = y0.div_euclid(step) * step;
    for year in (first..=y1).step_by(step as usize) {
        let Ok(d) = Date::from_ymd(year, 1, 1) else {
            continue;
        };
        if d < start || d > end {
            continue;
        }
        let x = axes.x(d);
        scene.line(vec![(x, p.y1), (x, p.y1 + 6.0)], Stroke::solid(FRAME, 1.0));
        scene.text(
            Label::new(year.to_string(), x, p.y1 + 8.0, AXIS)
                .align(Align::Center)
                .color(SOFT_INK),
        );
    }
}

pub(super) fn eras(
    scene: &mut Scene,
    axes: &Axes,
    spans: &[(usize, f64, f64)],
    labels: &[EraLabel],
    decided: &mut Decisions,
) {
    let p = axes.plot;
    let bar = Rect::new(p.x0, p.y0 - 8.0, p.x1, p.y0 - 2.0);
    let mut edges: Vec<f64> = Vec::new();
    for (k, &(_, x0, x1)) in spans.iter().enumerate() {
        let shade = if k % 2 == 0 { 0x8F8F8F } else { 0xCCCCCC };
        scene.rect(
            Rect::new(x0, bar.y0, x1, bar.y1),
            Some(Rgba::hex(shade)),
            None,
        );
        edges.extend([x0, x1]);
    }
    edges.sort_by(f64::total_cmp);
    edges.dedup_by(|a, b| (*a - *b).abs() < 1.0);
    for x in edges {
        if x - p.x0 > 1.0 && p.x1 - x > 1.0 {
            scene.line(
                vec![(x, p.y0), (x, p.y1)],
                Stroke::dashed(FRAME.alpha(0.8), 1.0, 3.0, 4.0),
            );
        }
    }
    for l in labels {
        let top = bar.y0 - 3.0 - ERA - l.row as f64 * (ERA + 4.0);
        if let Some(x) = l.tick {
            scene.line(
                vec![(x, top + ERA + 1.0), (x, bar.y0)],
                Stroke::solid(FRAME, 1.0),
            );
        }
        let label = Label::new(l.text.clone(), l.mid, top, ERA)
            .align(Align::Center)
            .color(SOFT_INK);
        decided.eras.push((l.era, l.text.clone(), label.rect()));
        scene.text(label);
    }
}

/// The colour of what a what-if changed: a wine red that no line, band or box uses.
pub(super) const CHANGED: Rgba = Rgba::hex(0x882255);

/// Marks what a what-if changed: a dashed line on each date and its label beside it, at
/// the top or the bottom of the plot, on whichever side and end keeps the label whole and
/// clear of the lines and the checkpoint signs (stacked when labels would overlap).
/// Returns the labels' boxes, which numbers keep clear of.
fn changes(
    scene: &mut Scene,
    model: &ChartModel,
    axes: &Axes,
    lines: &[Vec<Point>],
    icons: &[Rect],
) -> Vec<Rect> {
    let p = axes.plot;
    let (start, end) = model.span;
    let mut boxes: Vec<Rect> = Vec::new();
    let mut marks: Vec<&super::ChangeMark> = model
        .changes
        .iter()
        .filter(|c| (start..=end).contains(&c.date))
        .collect();
    marks.sort_by_key(|c| c.date);
    // One dashed line per pixel column at most, whatever the number of changes.
    let mut last_column = None;
    for c in &marks {
        let x = axes.x(c.date);
        if last_column.replace(x.round()) == Some(x.round()) {
            continue;
        }
        scene.line(
            vec![(x, p.y0), (x, p.y1)],
            Stroke::dashed(CHANGED, 2.0, 8.0, 5.0),
        );
    }
    // A few changes get a label each; more would wall the plot in, so they share one
    // that counts them (chart.txt lists them all), beside the first.
    let summary;
    let labelled: Vec<(f64, &str)> = match marks.as_slice() {
        [] => Vec::new(),
        few if few.len() <= MAX_CHANGE_LABELS => few
            .iter()
            .map(|c| (axes.x(c.date), c.label.as_str()))
            .collect(),
        [first, .., last] => {
            summary = format!(
                "{} events changed, {} to {} (listed in the text)",
                marks.len(),
                first.date.year(),
                last.date.year()
            );
            vec![(axes.x(first.date), summary.as_str())]
        }
        [_] => unreachable!("one mark is a few"),
    };
    for (x, label) in labelled {
        // Right then left of the line, at the top then at the bottom of the plot, in a
        // few rows from each edge, so that a label can stand off the lines. Its text is
        // the whole label, on one line or two, else the label shortened to its first
        // clauses ("removed: Khrushchev denounces Stalin"), and only as a last resort cut
        // with "…". Bold text is drawn a few per cent wider than ab_glyph measures it:
        // leave room.
        let forms = shortened(label);
        let width = |lines: &[String]| {
            lines
                .iter()
                .map(|l| text_width(l, CHANGE, true))
                .fold(0.0, f64::max)
        };
        let mut candidates = Vec::new();
        for bottom in [false, true] {
            for right in [true, false] {
                let room = if right {
                    p.x1 - 4.0 - x - 6.0
                } else {
                    x - 6.0 - p.x0 - 4.0
                };
                let room = room.min(p.width() * 0.6) / 1.05;
                let text = forms
                    .iter()
                    .find(|f| width(f) <= room)
                    .cloned()
                    .or_else(|| fit(label, CHANGE, true, room).map(|t| vec![t]));
                let Some(text) = text else {
                    continue;
                };
                let cut = !forms.contains(&text);
                let w = width(&text) * 1.05 + 2.0;
                let h = text.len() as f64 * (CHANGE + 2.0) - 2.0;
                let x0 = if right { x + 6.0 } else { x - 6.0 - w };
                for row in 0..CHANGE_ROWS {
                    let step = row as f64 * (CHANGE + 6.0);
                    let top = if bottom {
                        p.y1 - 6.0 - h - step
                    } else {
                        p.y0 + 6.0 + step
                    };
                    if top < p.y0 + 4.0 || top + h > p.y1 - 4.0 {
                        continue;
                    }
                    let rect = Rect::new(x0 - 3.0, top - 2.0, x0 + w + 3.0, top + h + 2.0);
                    if boxes.iter().any(|b| b.near(&rect, 3.0)) {
                        continue;
                    }
                    let clear = lines
                        .iter()
                        .map(|l| polyline_rect_distance(l, &rect))
                        .fold(f64::INFINITY, f64::min)
                        .min(if icons.iter().any(|i| i.near(&rect, 2.0)) {
                            0.0
                        } else {
                            40.0
                        });
                    // How much of the lines it would hide: their segments under it (a
                    // jump is one long segment, and counts as much as a month).
                    let hidden: usize = lines
                        .iter()
                        .map(|l| {
                            segments_in(l, rect.x0 - 2.0, rect.x1 + 2.0)
                                .filter(|&(a, b)| {
                                    rect_gap(a, b, &rect) <= 2.0 + SLACK
                                        && segment_rect_distance(a, b, &rect) < 2.0
                                })
                                .count()
                        })
                        .sum();
                    candidates.push((!cut, clear, text.clone(), x0, top, rect, hidden));
                }
            }
        }
        // A label clear of the lines wins (it must not hide the curve it explains), then
        // one not cut with "…", then the one hiding the fewest of their points, then the
        // one with the most words, then the first tried.
        let best = (0..candidates.len()).max_by(|&a, &b| {
            let (ka, kb) = (&candidates[a], &candidates[b]);
            (
                ka.1 >= 2.0,
                ka.0,
                std::cmp::Reverse(ka.6),
                ka.2.iter().map(|l| l.chars().count()).sum::<usize>(),
            )
                .cmp(&(
                    kb.1 >= 2.0,
                    kb.0,
                    std::cmp::Reverse(kb.6),
                    kb.2.iter().map(|l| l.chars().count()).sum::<usize>(),
                ))
                .then(b.cmp(&a))
        });
        let Some((_, _, text, x0, top, rect, _)) = best.map(|i| candidates.swap_remove(i)) else {
            continue;
        };
        scene.rect(
            rect,
            Some(WHITE.alpha(0.9)),
            Some(Stroke::solid(CHANGED, 1.0)),
        );
        for (i, line) in text.into_iter().enumerate() {
            let y = top + i as f64 * (CHANGE + 2.0);
            scene.text(Label::new(line, x0, y, CHANGE).bold().color(CHANGED));
        }
        boxes.push(rect);
    }
    boxes
}

/// The most changes labelled one by one on a chart; past it they share one label.
const MAX_CHANGE_LABELS: usize = 3;
/// The rows from the plot's top or bottom edge where a change's label may stand.
const CHANGE_ROWS: usize = 4;

/// A change's label and its honest short forms, as lines, longest first: the whole label
/// on one line, then on two (broken at the space nearest its middle), then cut between
/// the title's clauses (after ": ", "; ", ", " or before " ("), never inside one:
/// "removed: Khrushchev denounces Stalin: the start of 'revisionism'", then "removed:
/// Khrushchev denounces Stalin". What it changed ("removed: ") stays.
pub(super) fn shortened(label: &str) -> Vec<Vec<String>> {
    let (head, title) = match label.split_once(": ") {
        Some((head, title)) if !head.contains(' ') => (format!("{head}: "), title),
        _ => (String::new(), label),
    };
    let mut forms = vec![vec![label.to_string()]];
    let middle = label.len() / 2;
    if let Some((i, _)) = label
        .match_indices(' ')
        .min_by_key(|(i, _)| i.abs_diff(middle))
    {
        forms.push(vec![label[..i].to_string(), label[i + 1..].to_string()]);
    }
    let mut cuts: Vec<usize> = [": ", "; ", ", ", " ("]
        .iter()
        .flat_map(|sep| title.match_indices(sep).map(|(i, _)| i))
        .filter(|&i| i > 0)
        .collect();
    cuts.sort_unstable();
    cuts.dedup();
    for &i in cuts.iter().rev() {
        forms.push(vec![format!("{head}{}", &title[..i])]);
    }
    forms
}

/// The most checkpoints that get a ✓ or ✗ sign.
const MAX_SIGNS: usize = 100;

/// Draws the checkpoint boxes; returns their ✓/✗ signs, placed clear of the lines, to
/// be drawn over them.
pub(super) fn checkpoints(
    scene: &mut Scene,
    model: &ChartModel,
    axes: &Axes,
    lines: &[Vec<Point>],
) -> Vec<Label> {
    const SIGN: f64 = 22.0;
    let p = axes.plot;
    let (start, end) = model.span;
    let mut signs: Vec<Label> = Vec::new();
    // The boxes of `signs`, in the same order.
    let mut sign_boxes: Vec<Rect> = Vec::new();
    for c in &model.checkpoints {
        if c.to < start || c.from > end {
            continue;
        }
        let (mut x0, mut x1) = (axes.x(c.from.max(start)), axes.x(c.to.min(end)));
        if x1 - x0 < 10.0 {
            let mid = (x0 + x1) / 2.0;
            (x0, x1) = (mid - 5.0, mid + 5.0);
        }
        let (y0, y1) = (axes.y(c.hi.max(c.lo)), axes.y(c.lo.min(c.hi)));
        if model.many_pairs() {
            pair_checkpoint_box(scene, Rect::new(x0, y0, x1, y1), c.met, pair_colour(c.pair));
        } else {
            checkpoint_box(scene, Rect::new(x0, y0, x1, y1), c.met);
        }
        // Each sign is kept clear of the others: past a hundred, the boxes alone (solid
        // for met, dashed for missed) tell, and the placement stays linear.
        if signs.len() >= MAX_SIGNS {
            continue;
        }
        let mid = (x0 + x1) / 2.0;
        let sign = |x: f64, top: f64| {
            Label::new(if c.met { "✓" } else { "✗" }, x, top, SIGN)
                .bold()
                .color(if c.met { MET_SIGN } else { MISSED_SIGN })
                .align(Align::Center)
        };
        // Above the box, below it, inside it, then beside its corners, then a little
        // farther out; the first spot that touches no line and no other sign wins, else
        // the one farthest from the lines.
        let half = text_width("✓", SIGN, true) / 2.0 + 2.0;
        let mut candidates = vec![sign(mid, y0 - SIGN - 1.0), sign(mid, y1 + 1.0)];
        if y1 - y0 >= SIGN + 6.0 {
            candidates.extend([sign(mid, y0 + 3.0), sign(mid, y1 - SIGN - 3.0)]);
        }
        for lift in [1.0, 10.0, 20.0] {
            candidates.extend([
                sign(x0 - half - lift, y0 - SIGN - 1.0),
                sign(x1 + half + lift, y0 - SIGN - 1.0),
                sign(x0 - half - lift, y1 + 1.0),
                sign(x1 + half + lift, y1 + 1.0),
                sign(x0 - half - lift, y1 - SIGN - 1.0),
                sign(x1 + half + lift, y1 - SIGN - 1.0),
                sign(mid, y0 - SIGN - lift - 10.0),
                sign(mid, y1 + lift + 10.0),
            ]);
        }
        let inside = |r: &Rect| {
            r.x0 >= p.x0 + 1.0 && r.x1 <= p.x1 - 1.0 && r.y0 >= p.y0 + 1.0 && r.y1 <= p.y1 - 1.0
        };
        let clearance = |r: &Rect| {
            lines
                .iter()
                .map(|l| polyline_rect_distance(l, r))
                .fold(f64::INFINITY, f64::min)
        };
        // Each box measured once: the spots are tried against every sign placed before.
        let free = |r: &Rect| sign_boxes.iter().all(|s: &Rect| !s.near(r, 2.0));
        let usable: Vec<(&Label, Rect)> = candidates
            .iter()
            .map(|l| (l, l.rect()))
            .filter(|(_, r)| inside(r) && free(r))
            .collect();
        let chosen = usable
            .iter()
            .find(|(_, r)| clearance(r) >= 2.0)
            .or_else(|| {
                usable
                    .iter()
                    .max_by(|a, b| clearance(&a.1).total_cmp(&clearance(&b.1)))
            })
            .map_or_else(|| candidates[0].clone(), |(l, _)| (*l).clone());
        sign_boxes.push(chosen.rect());
        signs.push(chosen);
    }
    signs
}

/// Size of a pair's name at the end of its line.
const PAIR_LABEL: f64 = 20.0;
/// Height of a line of a pair's name.
const PAIR_ROW: f64 = PAIR_LABEL + 3.0;
/// Length of the sample of a pair's line drawn before its name.
const PAIR_SWATCH: f64 = 30.0;
/// The widest a pair's name may be; longer names wrap to a second line.
const PAIR_NAME_MAX: f64 = 190.0;

/// Each pair's name in at most two lines of [`PAIR_NAME_MAX`] px, broken between words
/// (after the dash of "China – Soviet Union" when it must), the last cut short; none for
/// a chart of one pair.
fn pair_names(model: &ChartModel) -> Vec<Vec<String>> {
    if !model.many_pairs() {
        return Vec::new();
    }
    model
        .pairs
        .iter()
        .map(|name| {
            let fits = |text: &str| text_width(text, PAIR_LABEL, true) * 1.05 <= PAIR_NAME_MAX;
            if fits(name) {
                return vec![name.clone()];
            }
            // "China –" over "United States": each state's name whole, if they fit.
            if let Some((a, b)) = name.split_once(" – ")
                && fits(&format!("{a} –"))
                && fits(b)
            {
                return vec![format!("{a} –"), b.to_string()];
            }
            let mut lines: Vec<String> = Vec::new();
            let mut line = String::new();
            let mut words = name.split_whitespace().peekable();
            while let Some(word) = words.next() {
                let joined = if line.is_empty() {
                    word.to_string()
                } else {
                    format!("{line} {word}")
                };
                if line.is_empty() || text_width(&joined, PAIR_LABEL, true) * 1.05 <= PAIR_NAME_MAX
                {
                    line = joined;
                } else if lines.is_empty() {
                    lines.push(std::mem::replace(&mut line, word.to_string()));
                } else {
                    let rest: Vec<&str> = std::iter::once(word).chain(words.by_ref()).collect();
                    line = format!("{line} {}", rest.join(" "));
                }
            }
            lines.extend(fit(&line, PAIR_LABEL, true, PAIR_NAME_MAX / 1.05));
            lines
        })
        .collect()
}

/// The width of the column of pairs' names (0 for none).
fn names_width(names: &[Vec<String>]) -> f64 {
    let widest = names
        .iter()
        .flatten()
        .map(|l| text_width(l, PAIR_LABEL, true) * 1.05)
        .fold(0.0, f64::max);
    if names.is_empty() {
        0.0
    } else {
        8.0 + PAIR_SWATCH + 6.0 + widest + 12.0
    }
}

/// Names each pair's line at its right end, in the column right of the plot: a sample of
/// the line's stroke and the pair's name in bold ink, its first line level with the
/// line's end. Names that would overlap are moved apart, top to bottom, and kept within
/// the plot's height; a name moved off its line's end is tied to it by a thin line in
/// the pair's colour.
fn pair_labels(scene: &mut Scene, names: &[Vec<String>], axes: &Axes, traces: &Traces) {
    let p = axes.plot;
    // Pair, top, height, where the line ends.
    let mut labels: Vec<(usize, f64, f64, f64)> = Vec::new();
    for (pair, line) in traces.pair_ends() {
        let (Some(lines), Some(&(_, end))) = (names.get(pair), line.last()) else {
            continue;
        };
        let h = lines.len() as f64 * PAIR_ROW;
        // The first line of the name level with the line's end.
        labels.push((pair, end - PAIR_ROW / 2.0, h, end));
    }
    labels.sort_by(|a, b| a.3.total_cmp(&b.3).then(a.0.cmp(&b.0)));
    // Apart, top to bottom; then back within the plot, bottom to top, and top to bottom.
    for k in 1..labels.len() {
        let below = labels[k - 1].1 + labels[k - 1].2 + 6.0;
        labels[k].1 = labels[k].1.max(below);
    }
    let mut floor = p.y1;
    for l in labels.iter_mut().rev() {
        l.1 = l.1.min(floor - l.2);
        floor = l.1 - 6.0;
    }
    let mut ceiling = p.y0;
    for l in &mut labels {
        l.1 = l.1.max(ceiling);
        ceiling = l.1 + l.2 + 6.0;
    }
    let x = p.x1 + 8.0;
    for (pair, top, _, end) in labels {
        let mid = top + PAIR_ROW / 2.0;
        if (mid - end).abs() > 3.0 {
            scene.line(
                vec![(p.x1 + 1.0, end), (x - 2.0, mid)],
                Stroke::solid(pair_colour(pair), 1.5),
            );
        }
        scene.line(
            vec![(x, mid), (x + PAIR_SWATCH, mid)],
            pair_stroke(pair, 4.0),
        );
        for (k, text) in names[pair].iter().enumerate() {
            scene.text(
                Label::new(
                    text.clone(),
                    x + PAIR_SWATCH + 6.0,
                    top + k as f64 * PAIR_ROW + (PAIR_ROW - PAIR_LABEL) / 2.0,
                    PAIR_LABEL,
                )
                .bold(),
            );
        }
    }
}

const ENSEMBLE_OUTER: f64 = 0.30;
const ENSEMBLE_INNER: f64 = 0.45;
const VARIANT_BAND: f64 = 0.35;

/// The lines of the plot in pixels, worked out before anything is drawn so that signs
/// and numbers can keep clear of them.
pub(super) struct Traces {
    /// 5-95 polygon, 25-75 polygon, median, colour, the median's stroke, the bands'
    /// opacities and the pair (on a plot of several pairs).
    ensembles: Vec<EnsembleTrace>,
    /// The lines of several pairs: pair and line.
    pairs: Vec<(usize, Vec<Point>)>,
    /// Line, colour, and the band under it (empty for none).
    variants: Vec<(Vec<Point>, Rgba, Vec<Point>)>,
    baselines: Vec<Vec<Point>>,
    references: Vec<ReferenceTrace>,
}

/// A measured series in pixels: its line, the polygon of its 95% band (empty for none),
/// and whether it is dense (a line without dots).
pub(super) struct ReferenceTrace {
    pub line: Vec<Point>,
    pub band: Vec<Point>,
    pub dense: bool,
}

impl ReferenceTrace {
    /// The series `s` on `axes`, within `span`.
    pub fn of(s: &super::Series, axes: &Axes, (start, end): (Date, Date)) -> ReferenceTrace {
        let mut pts: Vec<(Date, f64)> = s
            .points
            .iter()
            .copied()
            .filter(|(d, _)| (start..=end).contains(d))
            .collect();
        pts.sort_by_key(|p| p.0);
        let mut band: Vec<&(Date, f64, f64)> = s
            .band
            .iter()
            .filter(|(d, _, _)| (start..=end).contains(d))
            .collect();
        band.sort_by_key(|b| b.0);
        let upper = thin(band.iter().map(|b| (axes.x(b.0), axes.y(b.2))).collect());
        let mut lower = thin(band.iter().map(|b| (axes.x(b.0), axes.y(b.1))).collect());
        lower.reverse();
        ReferenceTrace {
            line: thin(pts.iter().map(|&(d, v)| (axes.x(d), axes.y(v))).collect()),
            band: upper.into_iter().chain(lower).collect(),
            dense: super::dense(s),
        }
    }

    /// The band, under everything else.
    pub fn draw_band(&self, scene: &mut Scene) {
        if !self.band.is_empty() {
            scene.polygon(self.band.clone(), REFERENCE.alpha(REFERENCE_BAND));
        }
    }

    /// The line: a thin solid one for a dense series, whose dots would hide what lies
    /// under them; dashed and dotted at each date otherwise.
    pub fn draw_line(&self, scene: &mut Scene) {
        if self.dense {
            scene.line(self.line.clone(), Stroke::solid(REFERENCE, 2.0));
            return;
        }
        scene.line(self.line.clone(), reference_stroke());
        for &p in &self.line {
            scene.circle(p, 3.5, Some(REFERENCE), Some(Stroke::solid(WHITE, 1.0)));
        }
    }
}

/// The opacity of a measured series' band.
const REFERENCE_BAND: f64 = 0.16;

/// An ensemble's bands and median, in pixels, and how they are painted.
struct EnsembleTrace {
    outer: Vec<Point>,
    inner: Vec<Point>,
    median: Vec<Point>,
    colour: Rgba,
    stroke: Stroke,
    alphas: (f64, f64),
    pair: Option<usize>,
}

/// The bands of several pairs' ensembles overlap: lighter, so that each shows through.
const PAIR_ENSEMBLE_OUTER: f64 = 0.12;
const PAIR_ENSEMBLE_INNER: f64 = 0.22;

pub(super) fn reference_stroke() -> Stroke {
    Stroke::dashed(REFERENCE, 2.5, 10.0, 5.0)
}

impl Traces {
    /// Every drawn line: medians, variants, baselines.
    pub fn lines(&self) -> Vec<Vec<Point>> {
        self.ensembles
            .iter()
            .map(|e| e.median.clone())
            .chain(self.variants.iter().map(|v| v.0.clone()))
            .chain(self.baselines.iter().cloned())
            .chain(self.pairs.iter().map(|p| p.1.clone()))
            .chain(self.references.iter().map(|r| r.line.clone()))
            .collect()
    }

    /// Each pair's line, or its ensemble's median: what its name is set at the end of.
    fn pair_ends(&self) -> Vec<(usize, &[Point])> {
        let mut ends: Vec<(usize, &[Point])> =
            self.pairs.iter().map(|(p, l)| (*p, l.as_slice())).collect();
        for e in &self.ensembles {
            if let Some(p) = e.pair
                && !ends.iter().any(|(q, _)| *q == p)
            {
                ends.push((p, e.median.as_slice()));
            }
        }
        ends
    }

    /// Bands first (a measured series' under the runs', and a dense series' line), then
    /// variants, the baseline on top, and a sparse measured series' dots over all.
    pub fn draw(&self, scene: &mut Scene) {
        for r in &self.references {
            r.draw_band(scene);
        }
        // A dense series is a line of its own under the runs, so that it hides none of
        // them; a sparse one's dots go on top.
        for r in self.references.iter().filter(|r| r.dense) {
            r.draw_line(scene);
        }
        if self.ensembles.iter().any(|e| e.pair.is_some()) {
            // Several pairs: every band first, lightest outside, then every median, so
            // that no pair's band veils another pair's line.
            for e in &self.ensembles {
                scene.polygon(e.outer.clone(), e.colour.alpha(e.alphas.0));
            }
            for e in &self.ensembles {
                scene.polygon(e.inner.clone(), e.colour.alpha(e.alphas.1));
            }
            for e in &self.ensembles {
                scene.line(e.median.clone(), e.stroke);
            }
        } else {
            for e in &self.ensembles {
                scene.polygon(e.outer.clone(), e.colour.alpha(e.alphas.0));
                scene.polygon(e.inner.clone(), e.colour.alpha(e.alphas.1));
                scene.line(e.median.clone(), e.stroke);
            }
        }
        for (_, colour, band) in &self.variants {
            if !band.is_empty() {
                scene.polygon(band.clone(), colour.alpha(VARIANT_BAND));
            }
        }
        for (line, colour, _) in &self.variants {
            scene.line(line.clone(), Stroke::solid(*colour, 3.0));
        }
        for line in &self.baselines {
            scene.line(line.clone(), Stroke::solid(INK, 3.0));
        }
        for (p, line) in &self.pairs {
            scene.line(line.clone(), pair_stroke(*p, 3.0));
        }
        for r in self.references.iter().filter(|r| !r.dense) {
            r.draw_line(scene);
        }
    }
}

/// Ensembles take the first colours of the palette, variants the next ones; on a plot of
/// several pairs, each pair's line and ensemble take the pair's colour and dashes.
pub(super) fn trace(model: &ChartModel, axes: &Axes) -> Traces {
    let (start, end) = model.span;
    let many = model.many_pairs();
    let mut colours = PALETTE.iter().cycle();
    let mut traces = Traces {
        ensembles: Vec::new(),
        pairs: Vec::new(),
        variants: Vec::new(),
        baselines: Vec::new(),
        references: Vec::new(),
    };
    for e in &model.ensembles {
        let colour = *colours.next().unwrap_or(&PALETTE[0]);
        let mut pts: Vec<_> = e
            .points
            .iter()
            .filter(|p| (start..=end).contains(&p.date))
            .collect();
        pts.sort_by_key(|p| p.date);
        let band = |lo: fn(&super::EnsemblePoint) -> f64, hi: fn(&super::EnsemblePoint) -> f64| {
            let upper = thin(
                pts.iter()
                    .map(|p| (axes.x(p.date), axes.y(hi(p))))
                    .collect(),
            );
            let mut lower = thin(
                pts.iter()
                    .map(|p| (axes.x(p.date), axes.y(lo(p))))
                    .collect(),
            );
            lower.reverse();
            upper.into_iter().chain(lower).collect::<Vec<Point>>()
        };
        let median = thin(
            pts.iter()
                .map(|p| (axes.x(p.date), axes.y(p.p50)))
                .collect(),
        );
        let (colour, stroke, alphas, pair) = if many {
            (
                pair_colour(e.pair),
                pair_stroke(e.pair, 3.0),
                (PAIR_ENSEMBLE_OUTER, PAIR_ENSEMBLE_INNER),
                Some(e.pair),
            )
        } else {
            (
                colour,
                Stroke::solid(colour, 2.5),
                (ENSEMBLE_OUTER, ENSEMBLE_INNER),
                None,
            )
        };
        traces.ensembles.push(EnsembleTrace {
            outer: band(|p| p.p5, |p| p.p95),
            inner: band(|p| p.p25, |p| p.p75),
            median,
            colour,
            stroke,
            alphas,
            pair,
        });
    }
    for s in &model.series {
        let mut pts: Vec<(Date, f64)> = s
            .points
            .iter()
            .copied()
            .filter(|(d, _)| (start..=end).contains(d))
            .collect();
        pts.sort_by_key(|p| p.0);
        let px = thin(pts.iter().map(|&(d, v)| (axes.x(d), axes.y(v))).collect());
        match s.role {
            SeriesRole::Variant => {
                let mut inside: Vec<_> = s
                    .band
                    .iter()
                    .filter(|(d, _, _)| (start..=end).contains(d))
                    .collect();
                inside.sort_by_key(|b| b.0);
                let upper = thin(inside.iter().map(|b| (axes.x(b.0), axes.y(b.2))).collect());
                let mut lower = thin(inside.iter().map(|b| (axes.x(b.0), axes.y(b.1))).collect());
                lower.reverse();
                traces.variants.push((
                    px,
                    *colours.next().unwrap_or(&PALETTE[0]),
                    upper.into_iter().chain(lower).collect(),
                ))
            }
            SeriesRole::Baseline if many => traces.pairs.push((s.pair, px)),
            SeriesRole::Baseline => traces.baselines.push(px),
            SeriesRole::Reference => traces
                .references
                .push(ReferenceTrace::of(s, axes, model.span)),
        }
    }
    traces
}

/// An x-sorted polyline thinned to at most four points per pixel column: the first, the
/// lowest, the highest and the last, in their order. The drawing is the same (a column
/// shows only the span from lowest to highest, joined to its neighbours), and no line
/// has more points than four times the plot's width, however many dates it has.
pub(super) fn thin(points: Vec<Point>) -> Vec<Point> {
    let mut out: Vec<Point> = Vec::with_capacity(points.len().min(8192));
    let mut i = 0;
    while i < points.len() {
        let column = points[i].0.floor();
        let mut j = i;
        let (mut lo, mut hi) = (i, i);
        while j < points.len() && points[j].0.floor() == column {
            if points[j].1 < points[lo].1 {
                lo = j;
            }
            if points[j].1 > points[hi].1 {
                hi = j;
            }
            j += 1;
        }
        let mut keep = [i, lo, hi, j - 1];
        keep.sort_unstable();
        let mut last = usize::MAX;
        for k in keep {
            if k != last {
                out.push(points[k]);
                last = k;
            }
        }
        i = j;
    }
    out
}

/// Where a number may go: the plot, minus lines, markers, signs and other numbers.
struct Badges<'a> {
    area: Rect,
    lines: &'a [Vec<Point>],
    dots: &'a [Point],
    blocks: &'a [Rect],
    /// Placed numbers: centre, radius, and the leader line from marker to badge.
    placed: Vec<(Point, f64, Option<(Point, Point)>)>,
}

/// How far apart things must stay, in pixels.
const CLEAR_LINE: f64 = 4.0;
const CLEAR_BADGE: f64 = 4.0;
const CLEAR_DOT: f64 = 5.0;

impl Badges<'_> {
    /// The nearest free centre for a badge of radius `r` for the marker at `m`, with
    /// its leader line, or none.
    fn place(&mut self, m: Point, r: f64) -> Option<Point> {
        const DISTANCES: [f64; 8] = [24.0, 32.0, 42.0, 54.0, 68.0, 84.0, 102.0, 122.0];
        // Degrees clockwise from straight up: up and down first, then ever more sideways.
        const ANGLES: [f64; 12] = [
            0.0, 180.0, 25.0, -25.0, 155.0, -155.0, 50.0, -50.0, 130.0, -130.0, 90.0, -90.0,
        ];
        for d in DISTANCES {
            for a in ANGLES {
                let (s, c) = a.to_radians().sin_cos();
                let centre = (m.0 + d * s, m.1 - d * c);
                if let Some(leader) = self.fits(m, centre, r) {
                    self.placed.push((centre, r, leader));
                    return Some(centre);
                }
            }
        }
        None
    }

    /// The leader line if a badge at `c` is clear of everything; `Some(None)` if it
    /// needs none.
    fn fits(&self, m: Point, c: Point, r: f64) -> Option<Option<(Point, Point)>> {
        let a = self.area;
        if c.0 - r < a.x0 + 2.0
            || c.0 + r > a.x1 - 2.0
            || c.1 - r < a.y0 + 2.0
            || c.1 + r > a.y1 - 2.0
        {
            return None;
        }
        for line in self.lines {
            if near_polyline(line, c, r + CLEAR_LINE) {
                return None;
            }
        }
        for &d in dots_in(self.dots, c.0 - r - CLEAR_DOT, c.0 + r + CLEAR_DOT) {
            if dist(d, c) < r + CLEAR_DOT && d != snap(m) {
                return None;
            }
        }
        for b in self.blocks {
            if b.distance(c) < r + 2.0 {
                return None;
            }
        }
        for &(pc, pr, leader) in &self.placed {
            if dist(pc, c) < r + pr + CLEAR_BADGE {
                return None;
            }
            if let Some((s, e)) = leader
                && segment_distance(c, s, e) < r + 2.0
            {
                return None;
            }
        }
        // A leader when the badge does not touch its marker.
        let len = dist(m, c);
        if len - r < 9.0 {
            return Some(None);
        }
        let u = ((c.0 - m.0) / len, (c.1 - m.1) / len);
        let s = (m.0 + u.0 * 6.0, m.1 + u.1 * 6.0);
        let e = (c.0 - u.0 * r, c.1 - u.1 * r);
        for line in self.lines {
            if crosses_polyline(line, s, e) {
                return None;
            }
        }
        for &(pc, pr, leader) in &self.placed {
            if segment_distance(pc, s, e) < pr + 2.0 {
                return None;
            }
            if let Some((ps, pe)) = leader
                && segments_cross(s, e, ps, pe)
            {
                return None;
            }
        }
        for &d in dots_in(self.dots, s.0.min(e.0) - 4.0, s.0.max(e.0) + 4.0) {
            if d != snap(m) && segment_distance(d, s, e) < 4.0 {
                return None;
            }
        }
        for b in self.blocks {
            if segment_hits_rect(s, e, b) {
                return None;
            }
        }
        Some(Some((s, e)))
    }
}

/// How many events are tried for each number the legend can hold, and at least how many.
const TRIES_PER_NUMBER: usize = 4;
const MIN_TRIES: usize = 48;

/// A point on the whole pixel that replay draws it at.
fn snap(p: Point) -> Point {
    (p.0.round(), p.1.round())
}

fn dist(a: Point, b: Point) -> f64 {
    (a.0 - b.0).hypot(a.1 - b.1)
}

/// Distance from `p` to the segment `a`-`b`.
pub(super) fn segment_distance(p: Point, a: Point, b: Point) -> f64 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len2 = dx * dx + dy * dy;
    let t = if len2 == 0.0 {
        0.0
    } else {
        (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / len2).clamp(0.0, 1.0)
    };
    dist(p, (a.0 + t * dx, a.1 + t * dy))
}

fn orient(a: Point, b: Point, c: Point) -> f64 {
    (b.0 - a.0) * (c.1 - a.1) - (b.1 - a.1) * (c.0 - a.0)
}

/// Whether segments `a`-`b` and `c`-`d` meet (touching counts).
fn segments_cross(a: Point, b: Point, c: Point, d: Point) -> bool {
    let (o1, o2) = (orient(a, b, c), orient(a, b, d));
    let (o3, o4) = (orient(c, d, a), orient(c, d, b));
    if o1 * o2 < 0.0 && o3 * o4 < 0.0 {
        return true;
    }
    // A point farther than the slack outside the segment's box is not on it: only the
    // others are measured (the same answer, without their square roots).
    let on = |p: Point, q: Point, r: Point| {
        axis_gap(p, q, r, r) <= SLACK && segment_distance(r, p, q) < 1e-9
    };
    on(a, b, c) || on(a, b, d) || on(c, d, a) || on(c, d, b)
}

/// A margin far above the rounding of a distance between canvas points (about 1e-12 px)
/// and far below any threshold the layout compares a distance with.
const SLACK: f64 = 1e-6;

/// The gap between the boxes of the segments `a`-`b` and `c`-`d` along the axis where it
/// is widest (0 when they overlap): a lower bound of the distance between the segments,
/// so a segment whose gap exceeds a threshold by [`SLACK`] need not be measured.
fn axis_gap(a: Point, b: Point, c: Point, d: Point) -> f64 {
    let gap =
        |a: f64, b: f64, c: f64, d: f64| (c.min(d) - a.max(b)).max(a.min(b) - c.max(d)).max(0.0);
    gap(a.0, b.0, c.0, d.0).max(gap(a.1, b.1, c.1, d.1))
}

/// [`axis_gap`] between the segment `a`-`b` and the rectangle.
fn rect_gap(a: Point, b: Point, r: &Rect) -> f64 {
    axis_gap(a, b, (r.x0, r.y0), (r.x1, r.y1))
}

fn segment_hits_rect(a: Point, b: Point, r: &Rect) -> bool {
    if r.distance(a) == 0.0 || r.distance(b) == 0.0 {
        return true;
    }
    let corners = [(r.x0, r.y0), (r.x1, r.y0), (r.x1, r.y1), (r.x0, r.y1)];
    (0..4).any(|i| segments_cross(a, b, corners[i], corners[(i + 1) % 4]))
}

/// The dots (sorted by x) whose x lies in `[x0, x1]`.
fn dots_in(dots: &[Point], x0: f64, x1: f64) -> &[Point] {
    let a = dots.partition_point(|d| d.0 < x0);
    let b = dots.partition_point(|d| d.0 <= x1);
    &dots[a..b.max(a)]
}

/// The segments of an x-sorted polyline that may reach into `[x0, x1]`.
fn segments_in(line: &[Point], x0: f64, x1: f64) -> impl Iterator<Item = (Point, Point)> + '_ {
    let first = line.partition_point(|p| p.0 < x0).saturating_sub(1);
    let last = (line.partition_point(|p| p.0 <= x1) + 1).min(line.len());
    line[first..last].windows(2).map(|w| (w[0], w[1]))
}

/// Whether the polyline comes closer than `clear` to `c`.
fn near_polyline(line: &[Point], c: Point, clear: f64) -> bool {
    segments_in(line, c.0 - clear, c.0 + clear).any(|(a, b)| segment_distance(c, a, b) < clear)
}

/// Distance from the segment `a`-`b` to the rectangle (0 if it enters it).
fn segment_rect_distance(a: Point, b: Point, r: &Rect) -> f64 {
    if segment_hits_rect(a, b, r) {
        return 0.0;
    }
    let corners = [(r.x0, r.y0), (r.x1, r.y0), (r.x1, r.y1), (r.x0, r.y1)];
    corners
        .iter()
        .map(|&c| segment_distance(c, a, b))
        .chain([r.distance(a), r.distance(b)])
        .fold(f64::INFINITY, f64::min)
}

/// Distance from the polyline to the rectangle, looking no farther than 40 px.
fn polyline_rect_distance(line: &[Point], r: &Rect) -> f64 {
    // A segment whose gap exceeds the nearest so far cannot lower the minimum.
    segments_in(line, r.x0 - 40.0, r.x1 + 40.0).fold(40.0, |near, (a, b)| {
        if rect_gap(a, b, r) > near + SLACK {
            near
        } else {
            near.min(segment_rect_distance(a, b, r))
        }
    })
}

/// Whether the polyline crosses the segment `s`-`e`.
fn crosses_polyline(line: &[Point], s: Point, e: Point) -> bool {
    segments_in(line, s.0.min(e.0) - 1.0, s.0.max(e.0) + 1.0)
        .any(|(a, b)| segments_cross(s, e, a, b))
}

/// Draws the event markers and numbers; returns the numbered events as (marker index,
/// number) in date order.
fn markers(
    scene: &mut Scene,
    model: &ChartModel,
    axes: &Axes,
    in_span: &[usize],
    capacity: usize,
    lines: &[Vec<Point>],
    icons: &[Rect],
    decided: &mut Decisions,
) -> Vec<(usize, usize)> {
    let at = |i: usize| {
        let m = &model.markers[i];
        (axes.x(m.date), axes.y(m.score))
    };
    // Replay rounds centres to whole pixels, so dots on the same pixel are one dot: kept
    // once, sorted by x for windowed look-ups. This bounds the work of any number of
    // events by the plot's pixels.
    let mut dots: Vec<Point> = in_span.iter().map(|&i| snap(at(i))).collect();
    dots.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    dots.dedup();
    decided.dots = dots.len();
    let mut order: Vec<usize> = in_span
        .iter()
        .copied()
        .filter(|&i| model.markers[i].eligible)
        .collect();
    order.sort_by(|&a, &b| {
        let (ma, mb) = (&model.markers[a], &model.markers[b]);
        mb.influence
            .abs()
            .total_cmp(&ma.influence.abs())
            .then(ma.date.cmp(&mb.date))
            .then(a.cmp(&b))
    });
    // Only the most influential few are tried: a number that finds no spot among them
    // would rarely find one further down, and each try costs a search of the plot.
    order.truncate(capacity.saturating_mul(TRIES_PER_NUMBER).max(MIN_TRIES));
    let widest = if capacity >= 10 { "88" } else { "8" };
    let r = (text_width(widest, BADGE, true) / 2.0 + 4.0).max(12.0);
    let mut badges = Badges {
        area: axes.plot,
        lines,
        dots: &dots,
        blocks: icons,
        placed: Vec::new(),
    };
    let mut chosen: Vec<(usize, Point)> = Vec::new();
    for i in order {
        if chosen.len() >= capacity {
            break;
        }
        // An event logged on two pairs sits on both lines and is numbered once, where it
        // moved its pair most.
        let same = |j: usize| {
            let (a, b) = (&model.markers[i], &model.markers[j]);
            a.pair != b.pair && a.id == b.id && a.date == b.date
        };
        if chosen.iter().any(|&(j, _)| same(j)) {
            continue;
        }
        decided.tried += 1;
        if let Some(c) = badges.place(at(i), r) {
            chosen.push((i, c));
        }
    }
    chosen.sort_by(|a, b| {
        model.markers[a.0]
            .date
            .cmp(&model.markers[b.0].date)
            .then(a.0.cmp(&b.0))
    });
    // Dots first, then leaders, then badges, so no line runs over a number.
    let big: Vec<Point> = chosen.iter().map(|&(i, _)| snap(at(i))).collect();
    for &d in &dots {
        if !big.contains(&d) {
            scene.circle(d, 3.5, Some(SOFT_INK), None);
        }
    }
    for &(i, c) in &chosen {
        let m = at(i);
        let len = dist(m, c);
        if len - r >= 9.0 {
            let u = ((c.0 - m.0) / len, (c.1 - m.1) / len);
            scene.line(
                vec![
                    (m.0 + u.0 * 4.0, m.1 + u.1 * 4.0),
                    (c.0 - u.0 * r, c.1 - u.1 * r),
                ],
                Stroke::solid(SOFT_INK, 1.5),
            );
        }
        scene.circle(m, 5.0, Some(INK), Some(Stroke::solid(WHITE, 1.0)));
    }
    let mut numbered = Vec::new();
    for (n, &(i, c)) in chosen.iter().enumerate() {
        let number = n + 1;
        scene.circle(c, r, Some(WHITE), Some(Stroke::solid(INK, 2.0)));
        scene.text(
            Label::new(number.to_string(), c.0, c.1 - BADGE * 0.5, BADGE)
                .bold()
                .align(Align::Center),
        );
        decided.badges.push((i, number, at(i), c, r));
        numbered.push((i, number));
    }
    numbered
}

fn strips(scene: &mut Scene, model: &ChartModel, axes: &Axes, top: f64, decided: &mut Decisions) {
    let p = axes.plot;
    let (start, end) = model.span;
    const SHADES: [u32; 2] = [0xDEDEDE, 0xBDBDBD];
    let mut y0 = top;
    for (k, strip) in model.strips.iter().enumerate() {
        let y1 = y0 + STRIP_HEIGHT;
        let key = short_terms_key(strip, model, axes);
        if !key.is_empty() {
            scene.text(
                Label::new(SHORT_TERMS, p.x0 - 10.0, y1 + 3.0, LEADER)
                    .align(Align::Right)
                    .color(GREY),
            );
        }
        for (n, line) in key.iter().enumerate() {
            scene.text(
                Label::new(
                    line.clone(),
                    p.x0,
                    y1 + 3.0 + n as f64 * SHORT_TERMS_ROW,
                    LEADER,
                )
                .color(SOFT_INK),
            );
        }
        scene.text(
            Label::new(
                strip.state.clone(),
                p.x0 - 10.0,
                (y0 + y1) / 2.0 - STATE * 0.5,
                STATE,
            )
            .bold()
            .align(Align::Right),
        );
        scene.rect(
            Rect::new(p.x0, y0, p.x1, y1),
            None,
            Some(Stroke::solid(FRAME, 1.0)),
        );
        let mut order: Vec<usize> = (0..strip.tenures.len())
            .filter(|&i| strip.tenures[i].to >= start && strip.tenures[i].from <= end)
            .collect();
        order.sort_by_key(|&i| (strip.tenures[i].from, i));
        for (n, &i) in order.iter().enumerate() {
            let t = &strip.tenures[i];
            let (x0, x1) = (axes.x(t.from.max(start)), axes.x(t.to.min(end)));
            scene.rect(
                Rect::new(x0, y0, x1, y1),
                Some(Rgba::hex(SHADES[n % 2])),
                Some(Stroke::solid(WHITE, 1.0)),
            );
            if let Some((text, size)) = tenure_label(t, x1 - x0) {
                scene.text(
                    Label::new(text, (x0 + x1) / 2.0, (y0 + y1) / 2.0 - size * 0.5, size)
                        .align(Align::Center),
                );
                decided.tenures.push((k, i, text.to_string()));
            }
        }
        y0 = y1 + STRIP_GAP + key.len() as f64 * SHORT_TERMS_ROW;
    }
}

/// The height of a line under a strip that names its short terms.
const SHORT_TERMS_ROW: f64 = LEADER + 6.0;
/// The most lines that name a strip's short terms; the last is cut short past that.
const SHORT_TERMS_LINES: usize = 2;

/// What a tenure `width` pixels wide says inside its strip: the full name, else the short
/// form, else nothing (it is named under the strip instead: an initial says nothing).
fn tenure_label(t: &super::Tenure, width: f64) -> Option<(&str, f64)> {
    let room = width - 6.0;
    [(t.name.as_str(), LEADER), (t.short.as_str(), LEADER)]
        .into_iter()
        .find(|(text, size)| !text.is_empty() && text_width(text, *size, false) <= room)
}

/// The tenures of `strip` inside `span` too narrow for their short form, left to right,
/// as "Georgy Malenkov 1953" or "Feng Guozhang 1917-18".
fn short_terms(strip: &super::Strip, span: (Date, Date), axes: &Axes) -> Vec<String> {
    let (start, end) = span;
    let mut shown: Vec<&super::Tenure> = strip
        .tenures
        .iter()
        .filter(|t| t.to >= start && t.from <= end)
        .filter(|t| tenure_label(t, axes.x(t.to.min(end)) - axes.x(t.from.max(start))).is_none())
        .collect();
    shown.sort_by_key(|t| t.from);
    shown
        .iter()
        .map(|t| {
            let (a, b) = (t.from.year(), t.to.year());
            if a == b {
                format!("{} {a}", t.name)
            } else {
                format!("{} {a}-{:02}", t.name, b.rem_euclid(100))
            }
        })
        .collect()
}

/// The lines under `strip` that name its short terms, at the leaders' size (20 px, like
/// every name a student must read): "Georgy Malenkov 1953 · Yuri Andropov 1982-84 · …",
/// from the plot's left edge to the canvas margin, wrapped between names, at most
/// [`SHORT_TERMS_LINES`] lines. Their heading, "short terms", stands left of the first
/// line, under the state's name. Empty when every tenure has a label in the strip.
fn short_terms_key(strip: &super::Strip, model: &ChartModel, axes: &Axes) -> Vec<String> {
    let span = model.span;
    let width = canvas(model).0 - MARGIN - axes.plot.x0;
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for name in short_terms(strip, span, axes) {
        let joined = if line.is_empty() {
            name.clone()
        } else {
            format!("{line} · {name}")
        };
        if line.is_empty() || text_width(&joined, LEADER, false) <= width {
            line = joined;
        } else if lines.len() + 1 < SHORT_TERMS_LINES {
            lines.push(format!("{line} ·"));
            line = name;
        } else {
            line = joined; // cut short below
        }
    }
    if !line.is_empty() {
        lines.extend(fit(&line, LEADER, false, width));
    }
    lines
}

/// The heading of the lines that name a strip's short terms.
const SHORT_TERMS: &str = "short terms";

fn legend(
    scene: &mut Scene,
    model: &ChartModel,
    numbered: &[(usize, usize)],
    rows: usize,
    top: f64,
    decided: &mut Decisions,
) {
    if rows == 0 || numbered.is_empty() {
        decided.legend = Rect::new(MARGIN, top, MARGIN, top);
        return;
    }
    let w = canvas(model).0;
    let col_w = (w - 2.0 * MARGIN) / LEGEND_COLUMNS as f64;
    // Columns fill top to bottom, with as few rows as the entries need.
    let rows = numbered.len().div_ceil(LEGEND_COLUMNS).min(rows);
    decided.legend = Rect::new(MARGIN, top, w - MARGIN, top + rows as f64 * LEGEND_ROW);
    let year_w = text_width("0000", LEGEND, false);
    for (k, &(i, number)) in numbered.iter().enumerate() {
        let m = &model.markers[i];
        let (col, row) = (k / rows, k % rows);
        let x = MARGIN + col as f64 * col_w;
        let mid = top + row as f64 * LEGEND_ROW + LEGEND_ROW / 2.0;
        let text_top = mid - LEGEND * 0.5;
        scene.circle(
            (x + 14.0, mid),
            13.5,
            Some(WHITE),
            Some(Stroke::solid(INK, 1.5)),
        );
        scene.text(
            Label::new(number.to_string(), x + 14.0, mid - BADGE * 0.5, BADGE)
                .bold()
                .align(Align::Center),
        );
        let year_x = x + 36.0;
        scene.text(Label::new(m.date.year().to_string(), year_x, text_top, LEGEND).color(GREY));
        let title_x = year_x + year_w + 10.0;
        if let Some(t) = fit(&m.title, LEGEND, false, x + col_w - 16.0 - title_x) {
            scene.text(Label::new(t, title_x, text_top, LEGEND));
        }
    }
}

/// How the numbered events were chosen, in words for the footer.
pub(super) fn numbering_note(
    model: &ChartModel,
    numbered: usize,
    eligible: usize,
    all: usize,
) -> String {
    let file = if model.events_file.is_empty() {
        String::new()
    } else {
        format!("; all {all} in {}", model.events_file)
    };
    let noun = |n: usize| if n == 1 { "event" } else { "events" };
    if all == 0 {
        String::new()
    } else if numbered == 0 {
        // The strips and leader rows can leave no room for the legend of numbers.
        format!(
            "{all} {}, none numbered: no room left under the chart{file}",
            noun(all)
        )
    } else if numbered == all {
        format!("all {all} {} numbered", noun(all))
    } else if eligible < all {
        format!(
            "numbered: {numbered} of the {eligible} {} chosen{file}",
            noun(eligible)
        )
    } else {
        format!(
            "numbered: the {numbered} largest jumps in score of {all} {}{file}",
            noun(all)
        )
    }
}

pub(super) fn footer(scene: &mut Scene, model: &ChartModel, top: f64, note: &str) {
    let mut right = canvas(model).0 - MARGIN;
    if !note.is_empty() {
        let label = Label::new(note, right, top, small(model))
            .align(Align::Right)
            .color(SOFT_INK);
        right = label.rect().x0 - 24.0;
        scene.text(label);
    }
    if let Some(t) = fit(&model.small_print, small(model), false, right - MARGIN) {
        scene.text(Label::new(t, MARGIN, top, small(model)).color(GREY));
    }
}

/// Where each of `model.markers` sits on the canvas, in pixels: for a web page that puts
/// its own focusable marks over the drawn chart.
pub(super) fn marker_points(model: &ChartModel) -> Result<Vec<Point>, ChartError> {
    let (_, decided) = plan(model)?;
    Ok(points_of(model, &decided))
}

/// [`marker_points`] from a layout made already.
pub(super) fn points_of(model: &ChartModel, decided: &Decisions) -> Vec<Point> {
    let axes = Axes {
        plot: decided.plot,
        start: f64::from(model.span.0.day()),
        end: f64::from(model.span.1.day()),
        bound: model.bound,
    };
    model
        .markers
        .iter()
        .map(|m| (axes.x(m.date), axes.y(m.score)))
        .collect()
}

#[cfg(test)]
mod palette {
    use super::{MET, MISSED, PAIR_COLOURS, PALETTE, pair_stroke};
    use crate::chart::scene::Rgba;

    /// How far apart two colours are: the largest difference of a channel, 0 to 255.
    fn apart(a: Rgba, b: Rgba) -> u8 {
        [(a.0, b.0), (a.1, b.1), (a.2, b.2)]
            .iter()
            .map(|&(x, y)| x.abs_diff(y))
            .max()
            .unwrap_or(0)
    }

    #[test]
    fn no_variant_colour_is_a_checkpoint_colour() {
        // Okabe-Ito orange, which a missed box's vermillion resembles.
        for boxes in [MET, MISSED, Rgba::hex(0xE69F00)] {
            for (k, &c) in PALETTE.iter().chain(&PAIR_COLOURS).enumerate() {
                assert_ne!(c, boxes, "variant colour {k} is a checkpoint colour");
                assert!(
                    apart(c, boxes) >= 60,
                    "variant colour {k} ({c:?}) is too close to a checkpoint colour ({boxes:?})"
                );
            }
        }
    }

    #[test]
    fn the_first_sixteen_pairs_look_alike_in_neither_colour_nor_greyscale() {
        let looks: Vec<_> = (0..16)
            .map(|p| {
                let s = pair_stroke(p, 3.0);
                (
                    s.color.0,
                    s.color.1,
                    s.color.2,
                    s.dash.map(|d| (d.0 as u32, d.1 as u32)),
                )
            })
            .collect();
        for (a, x) in looks.iter().enumerate() {
            for (b, y) in looks.iter().enumerate().skip(a + 1) {
                assert_ne!(x, y, "pairs {a} and {b} are drawn alike");
            }
        }
        // In greyscale only the dashes tell: the first four pairs have four patterns.
        let dashes: Vec<_> = looks[..4].iter().map(|l| l.3).collect();
        for (a, x) in dashes.iter().enumerate() {
            assert!(!dashes[a + 1..].contains(x), "pair {a}'s dashes repeat");
        }
    }
}
