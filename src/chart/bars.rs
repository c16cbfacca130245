//! Layout of the horizontal bar chart that ranks events or parameters: one bar per row,
//! the label on the left, the value at the bar's end, a value axis with its title
//! underneath. The canvas is as high as the bars need (a chart of three bars is a
//! strip, not a slide with a corner used), and never higher than the slide.

use super::scene::{
    Align, GREY, INK, Label, Rect, Rgba, Scene, Stroke, fit, okabe_ito, text_width,
};
use super::timeline::nice_step;
use super::{BarChart, ChartError, Direction, finite};

const W: f64 = super::WIDTH as f64;
const H: f64 = super::HEIGHT as f64;
const MARGIN: f64 = 16.0;
const TITLE: f64 = 36.0;
const SUBTITLE: f64 = 22.0;
// What a reader must read (labels, values, ticks, the axis title, the key) is at least
// 20 px, as on the timeline chart; only the small print is smaller.
const LABEL: f64 = 22.0;
const LABEL_CROWDED: f64 = 20.0;
const AXIS: f64 = 20.0;
const SMALL: f64 = 15.0;
const KEY: f64 = 20.0;
/// Row height of a few bars, and the least a row may have (20 rows fit the slide).
const ROW: f64 = 56.0;
const MIN_ROW: f64 = 32.0;
/// The thickest bar: a few bars stay bars, not blocks.
const MAX_BAR: f64 = 34.0;
const SOFT_INK: Rgba = Rgba::hex(0x333333);
const GRID: Rgba = Rgba::hex(0xD9D9D9);
/// Bars of events that warmed the relation on average, and of those that cooled it: the
/// two ends of the chart's band colours.
const WARMING: Rgba = okabe_ito::BLUE;
const COOLING: Rgba = okabe_ito::VERMILLION;
/// Bars of events that moved the relation both ways: a neutral grey, no claim.
const BOTH_WAYS: Rgba = Rgba::hex(0x8C8C8C);

/// Lays out the bar chart.
pub(super) fn layout(chart: &BarChart) -> Result<Scene, ChartError> {
    let bars = &chart.bars;
    for (label, v) in bars {
        finite(*v, || format!("value of bar `{label}`"))?;
    }
    let mut scene = Scene::default();
    let full = W - 2.0 * MARGIN;
    if let Some(t) = fit(&chart.title, TITLE, true, full) {
        scene.text(Label::new(t, MARGIN, 14.0, TITLE).bold());
    }
    let mut top = 14.0 + TITLE + 6.0;
    let key = key_width(chart);
    let subtitle_w = text_width(&chart.subtitle, SUBTITLE, false);
    if chart.subtitle.is_empty() || subtitle_w + 40.0 + key <= full {
        // The key shares the subtitle's line.
        key_row(&mut scene, chart, top + (SUBTITLE - KEY) / 2.0);
        if let Some(t) = fit(&chart.subtitle, SUBTITLE, false, full) {
            scene.text(Label::new(t, MARGIN, top, SUBTITLE).color(SOFT_INK));
        }
        top += SUBTITLE;
    } else {
        if let Some(t) = fit(&chart.subtitle, SUBTITLE, false, full) {
            scene.text(Label::new(t, MARGIN, top, SUBTITLE).color(SOFT_INK));
        }
        top += SUBTITLE + 8.0;
        if key > 0.0 {
            key_row(&mut scene, chart, top);
            top += KEY;
        }
    }
    let top = top + 22.0;
    // Under the bars: tick labels, the axis title, the small print.
    let axis_h = 8.0
        + AXIS
        + if chart.axis.is_empty() {
            0.0
        } else {
            10.0 + AXIS
        };
    let foot_h = 18.0 + SMALL + 10.0;
    let n = bars.len().max(1) as f64;
    let row = ((H - top - axis_h - foot_h) / n).clamp(MIN_ROW, ROW);
    let plot_bottom = top + row * n;
    let height = (plot_bottom + axis_h + foot_h).min(H).ceil();
    scene.height = height as u32;
    let small_top = height - 10.0 - SMALL;
    if let Some(t) = fit(&chart.small_print, SMALL, false, full) {
        scene.text(Label::new(t, MARGIN, small_top, SMALL).color(GREY));
    }
    if bars.is_empty() {
        scene.text(
            Label::new(
                "nothing to rank",
                W / 2.0,
                top + row / 2.0 - AXIS / 2.0,
                AXIS,
            )
            .align(Align::Center)
            .color(GREY),
        );
        return Ok(scene);
    }

    let size = if row >= 44.0 { LABEL } else { LABEL_CROWDED };
    let largest = bars.iter().map(|(_, v)| v.abs()).fold(0.0, f64::max);
    let places = if largest >= 100.0 {
        0
    } else if largest >= 10.0 {
        1
    } else {
        2
    };
    let values: Vec<String> = bars.iter().map(|(_, v)| value_text(*v, places)).collect();
    let value_w = values
        .iter()
        .map(|v| text_width(v, size, false))
        .fold(0.0, f64::max);
    let label_w = bars
        .iter()
        .map(|(l, _)| text_width(l, size, false))
        .fold(0.0, f64::max)
        .min(W * 0.42);
    let (lo, hi) = bars.iter().fold((0.0f64, 0.0f64), |(lo, hi), (_, v)| {
        (lo.min(*v), hi.max(*v))
    });
    let step = nice_step(if hi > lo { (hi - lo) / 6.0 } else { 1.0 });
    let (lo, hi) = ((lo / step).floor() * step, (hi / step).ceil() * step);
    let hi = if hi > lo { hi } else { lo + step };
    let neg_room = if lo < 0.0 { value_w + 8.0 } else { 0.0 };
    let x0 = MARGIN + label_w + 16.0 + neg_room;
    let x1 = W - MARGIN - value_w - 12.0;
    let x = |v: f64| x0 + (v - lo) / (hi - lo) * (x1 - x0);

    let ticks = ((hi - lo) / step).round() as i64;
    let tick_places = (-step.log10().floor()).clamp(0.0, 6.0) as usize;
    for k in 0..=ticks {
        let v = lo + k as f64 * step;
        let xv = x(v);
        scene.line(vec![(xv, top), (xv, plot_bottom)], Stroke::solid(GRID, 1.0));
        scene.line(
            vec![(xv, plot_bottom), (xv, plot_bottom + 5.0)],
            Stroke::solid(GREY, 1.0),
        );
        scene.text(
            Label::new(value_text(v, tick_places), xv, plot_bottom + 8.0, AXIS)
                .align(Align::Center)
                .color(SOFT_INK),
        );
    }
    scene.line(
        vec![(x0, plot_bottom), (x1, plot_bottom)],
        Stroke::solid(GREY, 1.0),
    );
    if let Some(t) = fit(&chart.axis, AXIS, false, x1 - x0) {
        scene.text(
            Label::new(t, (x0 + x1) / 2.0, plot_bottom + 8.0 + AXIS + 10.0, AXIS)
                .align(Align::Center)
                .color(SOFT_INK),
        );
    }
    let thick = (row * 0.62).min(MAX_BAR);
    for (k, ((label, v), value)) in bars.iter().zip(&values).enumerate() {
        let mid = top + (k as f64 + 0.5) * row;
        let (a, b) = (x(0.0).min(x(*v)), x(0.0).max(x(*v)));
        let colour = match chart.directions.get(k) {
            Some(Direction::Cooled) => COOLING,
            Some(Direction::BothWays) => BOTH_WAYS,
            Some(Direction::Warmed) | None => WARMING,
        };
        scene.rect(
            Rect::new(a, mid - thick / 2.0, b.max(a + 1.0), mid + thick / 2.0),
            Some(colour),
            None,
        );
        if let Some(t) = fit(label, size, false, label_w) {
            scene.text(Label::new(t, MARGIN + label_w, mid - size / 2.0, size).align(Align::Right));
        }
        let value_label = if *v < 0.0 {
            Label::new(value.clone(), a - 6.0, mid - size / 2.0, size).align(Align::Right)
        } else {
            Label::new(value.clone(), b + 6.0, mid - size / 2.0, size)
        };
        scene.text(value_label.color(SOFT_INK));
    }
    scene.line(
        vec![(x(0.0), top), (x(0.0), plot_bottom)],
        Stroke::solid(INK, 1.5),
    );
    Ok(scene)
}

/// The key's entries, right to left: colour and text. "Both ways" only when a bar is so.
fn key_items(chart: &BarChart) -> Vec<(&'static str, Rgba)> {
    if chart.directions.is_empty() {
        return Vec::new();
    }
    let mut items = vec![("cooled the relation", COOLING)];
    if chart.directions.contains(&Direction::BothWays) {
        items.push(("moves it both ways", BOTH_WAYS));
    }
    items.push(("warmed the relation (mean effect)", WARMING));
    items
}

/// The key's width, or 0 for bars of one colour.
fn key_width(chart: &BarChart) -> f64 {
    let items = key_items(chart);
    if items.is_empty() {
        return 0.0;
    }
    items
        .iter()
        .map(|(text, _)| text_width(text, KEY, false) + 8.0 + 24.0 + 28.0)
        .sum::<f64>()
}

/// The key (when the bars are coloured by direction), right-aligned, its line box at
/// `top`.
fn key_row(scene: &mut Scene, chart: &BarChart, top: f64) {
    let mut right = W - MARGIN;
    for (text, colour) in key_items(chart) {
        let w = text_width(text, KEY, false);
        scene.text(
            Label::new(text, right, top, KEY)
                .align(Align::Right)
                .color(SOFT_INK),
        );
        let x1 = right - w - 8.0;
        scene.rect(
            Rect::new(x1 - 24.0, top + 3.0, x1, top + KEY - 3.0),
            Some(colour),
            None,
        );
        right = x1 - 24.0 - 28.0;
    }
}

/// A value with `places` decimals and a true minus sign.
fn value_text(v: f64, places: usize) -> String {
    let text = format!("{:.*}", places, v.abs());
    if v < 0.0 && text.bytes().any(|b| b.is_ascii_digit() && b != b'0') {
        format!("\u{2212}{text}")
    } else {
        text
    }
}
