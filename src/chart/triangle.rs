//! The strategic triangle's configuration strips under the plot of a run: one strip per
//! reading (levels, trend), a colour per configuration (Okabe-Ito tints, so that text in
//! ink stays readable on each), the unbalanced configurations hatched, the pivot or the
//! outcast named where the stretch is wide enough, and a key under the strips.

use super::ChartModel;
use super::scene::{
    Align, GREY, INK, Label, Rect, Rgba, Scene, Stroke, WHITE, okabe_ito, text_width,
};
use super::timeline::{Axes, FRAME};
use crate::date::Date;
use crate::triangle::{Configuration, Reading};

/// Height of one strip, px: room for a 20 px label.
const HEIGHT: f64 = 30.0;
/// Gap between two strips, px.
const GAP: f64 = 4.0;
/// Text inside a strip and in its key, px (as the leaders' strips).
const TEXT: f64 = 20.0;
/// Height of the key's row under the strips, px.
const KEY_ROW: f64 = 28.0;
/// Spacing of the hatching of an unbalanced configuration, px.
const HATCH: f64 = 11.0;
/// Height of the strips' own year axis, when they have one, px.
const YEARS: f64 = 8.0 + 20.0 + 8.0;
/// Okabe-Ito orange, #E69F00.
const ORANGE: Rgba = Rgba::hex(0xE69F00);

/// The fill of a configuration (none: white).
fn fill(c: Option<Configuration>) -> Rgba {
    match c {
        Some(Configuration::MenageATrois) => okabe_ito::BLUISH_GREEN.tint(0.55),
        Some(Configuration::RomanticTriangle { .. }) => ORANGE.tint(0.45),
        Some(Configuration::StableMarriage { .. }) => okabe_ito::SKY_BLUE.tint(0.35),
        Some(Configuration::UnitVeto) => okabe_ito::REDDISH_PURPLE.tint(0.4),
        None => WHITE,
    }
}

/// The name of a strip at its left, as the leaders' strips name their states.
fn row_name(row: &super::TriangleRow) -> &str {
    if !row.label.is_empty() {
        return &row.label;
    }
    match row.reading {
        Reading::Levels => "by levels",
        Reading::Trend => "by trend",
    }
}

/// How tall the strips and their key are (0 without a triangle), gap above included;
/// with `axis`, a year axis of their own under them.
pub(super) fn height(model: &ChartModel, axis: bool) -> f64 {
    model.triangle.as_ref().map_or(0.0, |t| {
        let rows = if many_runs(t) { 2.0 } else { 1.0 };
        let axis = if axis { YEARS } else { 0.0 };
        t.rows.len() as f64 * (HEIGHT + GAP) + axis + 4.0 + rows * KEY_ROW + 8.0
    })
}

/// Whether the strips are many runs' (stacked shares).
fn many_runs(t: &super::TriangleStrips) -> bool {
    t.rows.iter().any(|r| !r.shares.is_empty())
}

/// The width of the strips' names at their left.
pub(super) fn names_width(model: &ChartModel) -> f64 {
    model.triangle.as_ref().map_or(0.0, |t| {
        t.rows
            .iter()
            .map(|r| text_width(row_name(r), TEXT, true))
            .fold(0.0, f64::max)
    })
}

/// What a stretch `width` px wide says: the longest of the configuration with its pivot
/// or outcast, the role alone, the configuration alone, that fits; nothing otherwise.
fn label(c: Option<Configuration>, names: &[String; 3], width: f64) -> Option<String> {
    let room = width - 10.0;
    let candidates: Vec<String> = match c {
        None => vec!["no sign yet".to_string()],
        Some(k) => {
            let name = k.name().to_string();
            match k {
                Configuration::RomanticTriangle { pivot } => vec![
                    format!("{name}: {} pivot", names[pivot]),
                    format!("{} pivot", names[pivot]),
                    "pivot".to_string(),
                ],
                Configuration::StableMarriage { outcast } => vec![
                    format!("{name}: {} outcast", names[outcast]),
                    format!("{} outcast", names[outcast]),
                    "outcast".to_string(),
                ],
                _ => vec![name],
            }
        }
    };
    candidates
        .into_iter()
        .find(|t| text_width(t, TEXT, false) <= room)
}

/// Diagonal hatching inside `r`.
fn hatch(scene: &mut Scene, r: Rect) {
    let h = r.height();
    let stroke = Stroke::solid(INK.alpha(0.25), 1.5);
    // Lines rising to the right, one every HATCH px, clipped to the rectangle.
    let mut x = r.x0 - h;
    // Anchored to a grid of the canvas, so that two stretches side by side line up.
    x = (x / HATCH).floor() * HATCH;
    while x < r.x1 {
        let lo = ((r.x0 - x) / h).max(0.0);
        let hi = ((r.x1 - x) / h).min(1.0);
        if hi > lo {
            scene.line(
                vec![(x + lo * h, r.y1 - lo * h), (x + hi * h, r.y1 - hi * h)],
                stroke,
            );
        }
        x += HATCH;
    }
}

/// Draws the strips from `top` down, across `axes`' width, with their key; with `axis`, a
/// year axis of their own under them (under panels, whose axes are narrower). Nothing
/// without a triangle.
pub(super) fn draw(scene: &mut Scene, model: &ChartModel, axes: &Axes, top: f64, axis: bool) {
    let Some(t) = &model.triangle else {
        return;
    };
    let p = axes.plot;
    let (start, end) = model.span;
    let mut y0 = top;
    for row in &t.rows {
        let y1 = y0 + HEIGHT;
        scene.text(
            Label::new(
                row_name(row),
                p.x0 - 10.0,
                (y0 + y1) / 2.0 - TEXT * 0.5,
                TEXT,
            )
            .bold()
            .align(Align::Right),
        );
        stack(scene, &row.shares, axes, (y0, y1), end);
        for period in &row.periods {
            // A period runs to the start of the month after its last.
            let to = period.to.next_month_start().min(end);
            if to < start || period.from > end {
                continue;
            }
            let (x0, x1) = (axes.x(period.from.max(start)), axes.x(to));
            let r = Rect::new(x0, y0, x1, y1);
            scene.rect(r, Some(fill(period.configuration)), None);
            if period.configuration.is_some_and(|c| !c.balanced()) {
                hatch(scene, r);
            }
            if let Some(text) = label(period.configuration, &t.names, x1 - x0) {
                // On hatching, the text stands on a pale ground of its own.
                if period.configuration.is_some_and(|c| !c.balanced()) {
                    let half = text_width(&text, TEXT, false) / 2.0 + 5.0;
                    let mid = (x0 + x1) / 2.0;
                    scene.rect(
                        Rect::new(mid - half, y0 + 3.0, mid + half, y1 - 3.0),
                        Some(WHITE.alpha(0.8)),
                        None,
                    );
                }
                scene.text(
                    Label::new(text, (x0 + x1) / 2.0, (y0 + y1) / 2.0 - TEXT * 0.5, TEXT)
                        .align(Align::Center)
                        .color(if period.configuration.is_some() {
                            INK
                        } else {
                            GREY
                        }),
                );
            }
            // A white rule between two stretches.
            scene.line(vec![(x0, y0), (x0, y1)], Stroke::solid(WHITE, 2.0));
        }
        scene.rect(
            Rect::new(p.x0, y0, p.x1, y1),
            None,
            Some(Stroke::solid(FRAME, 1.0)),
        );
        y0 = y1 + GAP;
    }
    if axis && !t.rows.is_empty() {
        let under = Rect::new(p.x0, top, p.x1, y0 - GAP);
        super::timeline::x_axis(scene, &Axes::new(under, model.span, 1.0), model.span, 110.0);
        y0 += YEARS - GAP;
    }
    key(scene, p.x0, scene_right(scene, p.x1), y0 + 4.0);
    if many_runs(t) {
        scene.text(
            Label::new(
                "each strip's height: the share of the runs in each configuration, month by month",
                p.x0,
                y0 + 4.0 + KEY_ROW + 2.0,
                TEXT,
            )
            .color(GREY),
        );
    }
}

/// The key: a swatch per configuration, and the hatching of the unbalanced ones, within
/// `left..right`: with each configuration's signs where they fit (the projector's
/// canvas), without them where they do not (the handout's narrower one).
fn key(scene: &mut Scene, left: f64, right: f64, top: f64) {
    let swatch = 30.0;
    let h = 18.0;
    let items: [(Configuration, &str, &str); 4] = [
        (Configuration::MenageATrois, "ménage à trois", " (+ + +)"),
        (
            Configuration::RomanticTriangle { pivot: 0 },
            "romantic triangle",
            " (+ + −)",
        ),
        (
            Configuration::StableMarriage { outcast: 0 },
            "stable marriage",
            " (+ − −)",
        ),
        (Configuration::UnitVeto, "unit veto", " (− − −)"),
    ];
    const HATCHED: &str = "hatched: unbalanced";
    let width = |signed: bool| -> f64 {
        items
            .iter()
            .map(|(_, name, signs)| {
                let text = if signed {
                    format!("{name}{signs}")
                } else {
                    name.to_string()
                };
                swatch + 8.0 + text_width(&text, TEXT, false) + 26.0
            })
            .sum::<f64>()
            + text_width(HATCHED, TEXT, false)
    };
    let signed = left + width(true) <= right;
    let mut x = left;
    for (c, name, signs) in items {
        let text = if signed {
            format!("{name}{signs}")
        } else {
            name.to_string()
        };
        let r = Rect::new(x, top + 3.0, x + swatch, top + 3.0 + h);
        scene.rect(r, Some(fill(Some(c))), Some(Stroke::solid(FRAME, 1.0)));
        if !c.balanced() {
            hatch(scene, r);
        }
        x += swatch + 8.0 + text_width(&text, TEXT, false) + 26.0;
        scene.text(Label::new(text, r.x1 + 8.0, top + 2.0, TEXT));
    }
    scene.text(Label::new(HATCHED, x, top + 2.0, TEXT).color(GREY));
}

/// Many runs' strip: in each stretch of months with the same counts, a band per
/// configuration as tall as its share of the runs, stacked in the order of
/// [`crate::triangle::category`] from the top, the months without one (white) last.
fn stack(
    scene: &mut Scene,
    shares: &[(Date, [u32; crate::triangle::CATEGORIES])],
    axes: &Axes,
    (y0, y1): (f64, f64),
    end: Date,
) {
    let mut m = 0;
    while m < shares.len() {
        let (from, counts) = shares[m];
        let next = (m..shares.len())
            .find(|&j| shares[j].1 != counts)
            .unwrap_or(shares.len());
        let to = shares
            .get(next)
            .map_or(shares[next - 1].0.next_month_start(), |s| s.0)
            .min(end);
        let (x0, x1) = (axes.x(from), axes.x(to));
        let total: u32 = counts.iter().sum();
        if total > 0 {
            let mut y = y0;
            for k in (1..crate::triangle::CATEGORIES).chain([0]) {
                if counts[k] == 0 {
                    continue;
                }
                let h = (y1 - y0) * f64::from(counts[k]) / f64::from(total);
                let c = crate::triangle::of_category(k);
                let r = Rect::new(x0, y, x1, y + h);
                scene.rect(r, Some(fill(c)), None);
                if c.is_some_and(|c| !c.balanced()) {
                    hatch(scene, r);
                }
                y += h;
            }
        }
        m = next;
    }
}

/// How far right the key may reach: the canvas's edge less a margin, or the strips' end.
fn scene_right(scene: &Scene, strips_right: f64) -> f64 {
    (f64::from(scene.width) - 16.0).max(strips_right)
}
