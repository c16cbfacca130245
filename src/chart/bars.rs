//! Layout of the horizontal bar chart that ranks events: one bar per row, the label on
//! the left, the value at the bar's end, a value axis underneath.

use super::scene::{
    Align, GREY, INK, Label, Rect, Rgba, Scene, Stroke, fit, okabe_ito, text_width,
};
use super::timeline::nice_step;
use super::{BarChart, ChartError, finite};

const W: f64 = super::WIDTH as f64;
const H: f64 = super::HEIGHT as f64;
const MARGIN: f64 = 16.0;
const TITLE: f64 = 36.0;
const SUBTITLE: f64 = 22.0;
const AXIS: f64 = 18.0;
const SMALL: f64 = 15.0;
const SOFT_INK: Rgba = Rgba::hex(0x333333);
const GRID: Rgba = Rgba::hex(0xD9D9D9);

/// Lays out the bar chart.
pub(super) fn layout(chart: &BarChart) -> Result<Scene, ChartError> {
    let (title, subtitle, small_print) = (&chart.title, &chart.subtitle, &chart.small_print);
    let bars = &chart.bars;
    for (label, v) in bars {
        finite(*v, || format!("value of bar `{label}`"))?;
    }
    let mut scene = Scene::default();
    let full = W - 2.0 * MARGIN;
    if let Some(t) = fit(title, TITLE, true, full) {
        scene.text(Label::new(t, MARGIN, 14.0, TITLE).bold());
    }
    let mut top = 14.0 + TITLE + 6.0;
    if let Some(t) = fit(subtitle, SUBTITLE, false, full) {
        scene.text(Label::new(t, MARGIN, top, SUBTITLE).color(SOFT_INK));
        top += SUBTITLE;
    }
    let top = top + 20.0;
    let small_top = H - 10.0 - SMALL;
    if let Some(t) = fit(small_print, SMALL, false, full) {
        scene.text(Label::new(t, MARGIN, small_top, SMALL).color(GREY));
    }
    let bottom = small_top - 12.0 - AXIS - 10.0;
    if bars.is_empty() {
        scene.text(
            Label::new(
                "nothing to rank",
                W / 2.0,
                (top + bottom) / 2.0 - AXIS / 2.0,
                AXIS,
            )
            .align(Align::Center)
            .color(GREY),
        );
        return Ok(scene);
    }

    let n = bars.len() as f64;
    let row = ((bottom - top) / n).min(44.0);
    let size = (row - 8.0).clamp(11.0, 18.0);
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
    let x0 = MARGIN + label_w + 14.0 + neg_room;
    let x1 = W - MARGIN - value_w - 10.0;
    let x = |v: f64| x0 + (v - lo) / (hi - lo) * (x1 - x0);
    let plot_bottom = top + row * n;

    let ticks = ((hi - lo) / step).round() as i64;
    let tick_places = (-step.log10().floor()).clamp(0.0, 6.0) as usize;
    for k in 0..=ticks {
        let v = lo + k as f64 * step;
        let xv = x(v);
        scene.line(vec![(xv, top), (xv, plot_bottom)], Stroke::solid(GRID, 1.0));
        scene.text(
            Label::new(value_text(v, tick_places), xv, plot_bottom + 8.0, AXIS)
                .align(Align::Center)
                .color(SOFT_INK),
        );
    }
    for (k, ((label, v), value)) in bars.iter().zip(&values).enumerate() {
        let mid = top + (k as f64 + 0.5) * row;
        let (a, b) = (x(0.0).min(x(*v)), x(0.0).max(x(*v)));
        scene.rect(
            Rect::new(a, mid - row * 0.34, b.max(a + 1.0), mid + row * 0.34),
            Some(okabe_ito::BLUE),
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

/// A value with `places` decimals and a true minus sign.
fn value_text(v: f64, places: usize) -> String {
    let text = format!("{:.*}", places, v.abs());
    if v < 0.0 && text.bytes().any(|b| b.is_ascii_digit() && b != b'0') {
        format!("\u{2212}{text}")
    } else {
        text
    }
}
