//! A chart as a list of positioned shapes, and its replay on the PNG and SVG backends.
//!
//! Layout works in pixels of a 1600x900 canvas (1320x800 for paper, [`PAPER`]) with `f64`
//! coordinates, origin top left; replay rounds them once. Shapes are drawn in list order, later over earlier.
//!
//! Text is placed by the top of its line box: a line of size `s` px spans `[top, top +
//! s)` with its baseline at `top + 0.8 s`, in both formats. The two backends anchor text
//! differently (the bitmap one at half the size above the baseline, the SVG one by `dy`
//! in ems of `size / 1.24`), so replay converts for each; it also scales the SVG's font
//! size so one em is the same number of pixels as in the PNG.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{FontStyle, FontTransform, RGBAColor};

use super::{ChartError, FAMILY};

/// Width of both outputs, in pixels.
pub const WIDTH: u32 = 1600;
/// Height of both outputs, in pixels.
pub const HEIGHT: u32 = 900;
/// Width and height of the canvas of a chart drawn for paper ([`super::ChartModel::paper`]):
/// the same texts on a smaller canvas, so that printed 256 mm wide (across a landscape A4
/// or Letter page) a 20 px text's em of 17.2 px is 9.4 pt.
pub const PAPER: (u32, u32) = (1320, 800);

/// DejaVu Sans: ascent plus descent, in ems (hhea 1901 + 483 over 2048). plotters'
/// ab_glyph scale maps this height to the font size.
const LINE_EMS: f64 = 2384.0 / 2048.0;
/// DejaVu Sans: ascent as a share of the line box.
const ASCENT: f64 = 1901.0 / 2384.0;

/// An sRGB colour with opacity in [0, 1].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rgba(pub u8, pub u8, pub u8, pub f64);

impl Rgba {
    /// An opaque colour from `0xRRGGBB`.
    pub const fn hex(rgb: u32) -> Rgba {
        Rgba((rgb >> 16) as u8, (rgb >> 8) as u8, rgb as u8, 1.0)
    }

    /// The same colour with opacity `alpha`.
    pub const fn alpha(self, alpha: f64) -> Rgba {
        Rgba(self.0, self.1, self.2, alpha)
    }

    /// This colour mixed with white: `t = 0` is the colour, `t = 1` white.
    pub fn tint(self, t: f64) -> Rgba {
        let mix = |c: u8| (f64::from(c) + (255.0 - f64::from(c)) * t).round() as u8;
        Rgba(mix(self.0), mix(self.1), mix(self.2), self.3)
    }

    fn plotters(self) -> RGBAColor {
        RGBAColor(self.0, self.1, self.2, self.3)
    }
}

/// Paper.
pub const WHITE: Rgba = Rgba::hex(0xFFFFFF);
/// Text and the baseline.
pub const INK: Rgba = Rgba::hex(0x1A1A1A);
/// Secondary text: dates, sources, small print.
pub const GREY: Rgba = Rgba::hex(0x595959);

/// Okabe-Ito colours, readable with every common colour-vision deficiency.
pub mod okabe_ito {
    use super::Rgba;
    /// #56B4E9
    pub const SKY_BLUE: Rgba = Rgba::hex(0x56B4E9);
    /// #009E73
    pub const BLUISH_GREEN: Rgba = Rgba::hex(0x009E73);
    /// #0072B2
    pub const BLUE: Rgba = Rgba::hex(0x0072B2);
    /// #D55E00
    pub const VERMILLION: Rgba = Rgba::hex(0xD55E00);
    /// #CC79A7
    pub const REDDISH_PURPLE: Rgba = Rgba::hex(0xCC79A7);
}

/// Horizontal alignment of text on its `x`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    /// `x` is the left edge.
    Left,
    /// `x` is the centre.
    Center,
    /// `x` is the right edge.
    Right,
}

/// An axis-aligned rectangle, `x0 <= x1`, `y0 <= y1`.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Rect {
    /// Left edge.
    pub x0: f64,
    /// Top edge.
    pub y0: f64,
    /// Right edge.
    pub x1: f64,
    /// Bottom edge.
    pub y1: f64,
}

impl Rect {
    /// The rectangle with these corners, in any order.
    pub fn new(x0: f64, y0: f64, x1: f64, y1: f64) -> Rect {
        Rect {
            x0: x0.min(x1),
            y0: y0.min(y1),
            x1: x0.max(x1),
            y1: y0.max(y1),
        }
    }

    /// Width in pixels.
    pub fn width(&self) -> f64 {
        self.x1 - self.x0
    }

    /// Height in pixels.
    pub fn height(&self) -> f64 {
        self.y1 - self.y0
    }

    /// Whether the two rectangles come closer than `pad`.
    pub fn near(&self, other: &Rect, pad: f64) -> bool {
        self.x0 < other.x1 + pad
            && other.x0 < self.x1 + pad
            && self.y0 < other.y1 + pad
            && other.y0 < self.y1 + pad
    }

    /// Distance from a point to the rectangle (0 inside).
    pub fn distance(&self, (x, y): (f64, f64)) -> f64 {
        let dx = (self.x0 - x).max(0.0).max(x - self.x1);
        let dy = (self.y0 - y).max(0.0).max(y - self.y1);
        dx.hypot(dy)
    }
}

/// A point in canvas pixels.
pub type Point = (f64, f64);

/// One shape of a scene.
#[derive(Clone, Debug, PartialEq)]
pub enum Shape {
    /// A rectangle, filled and/or outlined.
    Rect {
        rect: Rect,
        fill: Option<Rgba>,
        stroke: Option<Stroke>,
    },
    /// An open polyline.
    Line { points: Vec<Point>, stroke: Stroke },
    /// A filled polygon.
    Polygon { points: Vec<Point>, fill: Rgba },
    /// A circle, filled and/or outlined.
    Circle {
        center: Point,
        radius: f64,
        fill: Option<Rgba>,
        stroke: Option<Stroke>,
    },
    /// One line of text.
    Text(Label),
}

/// How a line is drawn.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Stroke {
    /// Colour and opacity.
    pub color: Rgba,
    /// Width in pixels.
    pub width: f64,
    /// Dash and gap lengths in pixels, or solid.
    pub dash: Option<(f64, f64)>,
}

impl Stroke {
    /// A solid line.
    pub fn solid(color: Rgba, width: f64) -> Stroke {
        Stroke {
            color,
            width,
            dash: None,
        }
    }

    /// A dashed line: `dash` px drawn, `gap` px left out.
    pub fn dashed(color: Rgba, width: f64, dash: f64, gap: f64) -> Stroke {
        Stroke {
            color,
            width,
            dash: Some((dash, gap)),
        }
    }
}

/// One line of text and where it goes.
#[derive(Clone, Debug, PartialEq)]
pub struct Label {
    /// One line, no newlines.
    pub text: String,
    /// Anchor x: left edge, centre or right edge as `align` says.
    pub x: f64,
    /// Top of the line box (for rotated text: the left edge of the rotated box).
    pub top: f64,
    /// Font size: the height of the line box in pixels.
    pub size: f64,
    /// Bold weight.
    pub bold: bool,
    /// Colour and opacity.
    pub color: Rgba,
    /// How `x` anchors the text.
    pub align: Align,
    /// Turned a quarter counter-clockwise, reading bottom to top.
    pub rotated: bool,
}

impl Label {
    /// Left-aligned regular ink text at `x`, its line box from `top`, `size` px high.
    pub fn new(text: impl Into<String>, x: f64, top: f64, size: f64) -> Label {
        Label {
            text: text.into(),
            x,
            top,
            size,
            bold: false,
            color: INK,
            align: Align::Left,
            rotated: false,
        }
    }

    /// In bold.
    pub fn bold(mut self) -> Label {
        self.bold = true;
        self
    }

    /// In `color`.
    pub fn color(mut self, color: Rgba) -> Label {
        self.color = color;
        self
    }

    /// Aligned on `x` as `align` says.
    pub fn align(mut self, align: Align) -> Label {
        self.align = align;
        self
    }

    /// Reading bottom to top.
    pub fn rotated(mut self) -> Label {
        self.rotated = true;
        self
    }

    /// The box the text covers (unrotated text only).
    pub fn rect(&self) -> Rect {
        let w = text_width(&self.text, self.size, self.bold);
        let x0 = match self.align {
            Align::Left => self.x,
            Align::Center => self.x - w / 2.0,
            Align::Right => self.x - w,
        };
        Rect::new(x0, self.top, x0 + w, self.top + self.size)
    }
}

/// A whole chart, ready to replay.
#[derive(Clone, Debug, PartialEq)]
pub struct Scene {
    /// Shapes in drawing order.
    pub shapes: Vec<Shape>,
    /// The canvas width in pixels: [`WIDTH`], or [`PAPER`]'s for paper.
    pub width: u32,
    /// The canvas height in pixels: [`HEIGHT`] for the slide, less for a chart sized to
    /// its content, [`PAPER`]'s for paper.
    pub height: u32,
}

impl Default for Scene {
    fn default() -> Scene {
        Scene {
            shapes: Vec::new(),
            width: WIDTH,
            height: HEIGHT,
        }
    }
}

impl Scene {
    /// An empty scene on a canvas of `(width, height)` pixels.
    pub fn sized((width, height): (f64, f64)) -> Scene {
        Scene {
            shapes: Vec::new(),
            width: width as u32,
            height: height as u32,
        }
    }
}

impl Scene {
    /// Adds a shape over the others.
    pub fn push(&mut self, shape: Shape) {
        self.shapes.push(shape);
    }

    /// Adds a rectangle.
    pub fn rect(&mut self, rect: Rect, fill: Option<Rgba>, stroke: Option<Stroke>) {
        self.push(Shape::Rect { rect, fill, stroke });
    }

    /// Adds a polyline (nothing for fewer than two points).
    pub fn line(&mut self, points: Vec<Point>, stroke: Stroke) {
        if points.len() >= 2 {
            self.push(Shape::Line { points, stroke });
        }
    }

    /// Adds a filled polygon (nothing for fewer than three points).
    pub fn polygon(&mut self, points: Vec<Point>, fill: Rgba) {
        if points.len() >= 3 {
            self.push(Shape::Polygon { points, fill });
        }
    }

    /// Adds a circle.
    pub fn circle(
        &mut self,
        center: Point,
        radius: f64,
        fill: Option<Rgba>,
        stroke: Option<Stroke>,
    ) {
        self.push(Shape::Circle {
            center,
            radius,
            fill,
            stroke,
        });
    }

    /// Adds a text (nothing for an empty one).
    pub fn text(&mut self, label: Label) {
        if !label.text.is_empty() {
            self.push(Shape::Text(label));
        }
    }

    /// Every text of the scene, in drawing order (for tests).
    #[cfg(test)]
    pub fn texts(&self) -> impl Iterator<Item = &Label> {
        self.shapes.iter().filter_map(|s| match s {
            Shape::Text(l) => Some(l),
            _ => None,
        })
    }
}

/// Width in pixels of `text` at `size`, as the PNG draws it.
pub fn text_width(text: &str, size: f64, bold: bool) -> f64 {
    // A layout measures the same texts over and over (each label at each spot it tries):
    // the widths measured on this thread are kept, by size and weight, then by text.
    // A width depends on nothing else (the fonts are registered once, for good).
    thread_local! {
        static WIDTHS: std::cell::RefCell<std::collections::HashMap<(u64, bool), std::collections::HashMap<String, f64>>> =
            std::cell::RefCell::new(std::collections::HashMap::new());
    }
    /// Texts kept per thread before the memory is given back.
    const KEPT: usize = 4096;
    let key = (size.to_bits(), bold);
    if let Some(w) = WIDTHS.with_borrow(|m| m.get(&key).and_then(|t| t.get(text)).copied()) {
        return w;
    }
    let style = if bold {
        FontStyle::Bold
    } else {
        FontStyle::Normal
    };
    // Fonts are registered before any layout starts; an unknown font measures as zero
    // and would then fail loudly at drawing time (and is not kept).
    let Ok((w, _)) = (FAMILY, size, style).into_font().box_size(text) else {
        return 0.0;
    };
    let w = f64::from(w);
    WIDTHS.with_borrow_mut(|m| {
        if m.values().map(|t| t.len()).sum::<usize>() >= KEPT {
            m.clear();
        }
        m.entry(key).or_default().insert(text.to_string(), w);
    });
    w
}

/// `text` as it fits in `max` pixels: whole, or cut with an ellipsis; `None` if not even
/// one character and the ellipsis fit.
pub fn fit(text: &str, size: f64, bold: bool, max: f64) -> Option<String> {
    if text_width(text, size, bold) <= max {
        return Some(text.to_string());
    }
    let chars: Vec<char> = text.chars().collect();
    // The longest prefix that fits with its ellipsis, found by bisection: width grows
    // with the prefix.
    let (mut lo, mut hi) = (0usize, chars.len());
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        let candidate: String = chars[..mid]
            .iter()
            .collect::<String>()
            .trim_end()
            .to_string()
            + "…";
        if text_width(&candidate, size, bold) <= max {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    (lo > 0).then(|| {
        chars[..lo]
            .iter()
            .collect::<String>()
            .trim_end()
            .to_string()
            + "…"
    })
}

/// Which backend a scene is replayed on; text anchoring differs between them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    Png,
    Svg,
}

impl Format {
    fn name(self) -> &'static str {
        match self {
            Format::Png => "png",
            Format::Svg => "svg",
        }
    }
}

/// The PNG file of `scene`.
pub fn render_png(scene: &Scene) -> Result<Vec<u8>, ChartError> {
    let (width, height) = (scene.width, scene.height);
    let mut rgb = vec![0u8; (width * height * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, (width, height)).into_drawing_area();
        replay(&root, scene, Format::Png)?;
        root.present().map_err(|e| draw_error(Format::Png, e))?;
    }
    let mut out = Vec::with_capacity(256 * 1024);
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Fast);
    let encode = |e: png::EncodingError| ChartError::Encode(e.to_string().to_lowercase());
    let mut writer = encoder.write_header().map_err(encode)?;
    writer.write_image_data(&rgb).map_err(encode)?;
    writer.finish().map_err(encode)?;
    Ok(out)
}

/// The SVG document of `scene`.
pub fn render_svg(scene: &Scene) -> Result<String, ChartError> {
    let mut svg = String::with_capacity(128 * 1024);
    {
        let root =
            SVGBackend::with_string(&mut svg, (scene.width, scene.height)).into_drawing_area();
        replay(&root, scene, Format::Svg)?;
        root.present().map_err(|e| draw_error(Format::Svg, e))?;
    }
    Ok(svg)
}

fn draw_error<E: std::fmt::Display>(format: Format, e: E) -> ChartError {
    ChartError::Draw {
        format: format.name(),
        message: e.to_string().to_lowercase(),
    }
}

fn px(v: f64) -> i32 {
    v.round() as i32
}

fn pt((x, y): Point) -> (i32, i32) {
    (px(x), px(y))
}

fn replay<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    scene: &Scene,
    format: Format,
) -> Result<(), ChartError> {
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| draw_error(format, e);
    root.fill(&WHITE.plotters()).map_err(err)?;
    for shape in &scene.shapes {
        match shape {
            Shape::Rect { rect, fill, stroke } => {
                let corners = [pt((rect.x0, rect.y0)), pt((rect.x1, rect.y1))];
                if let Some(fill) = fill {
                    root.draw(&Rectangle::new(corners, fill.plotters().filled()))
                        .map_err(err)?;
                }
                if let Some(stroke) = stroke {
                    let ring = vec![
                        (rect.x0, rect.y0),
                        (rect.x1, rect.y0),
                        (rect.x1, rect.y1),
                        (rect.x0, rect.y1),
                        (rect.x0, rect.y0),
                    ];
                    polyline(root, &ring, stroke).map_err(err)?;
                }
            }
            Shape::Line { points, stroke } => polyline(root, points, stroke).map_err(err)?,
            Shape::Polygon { points, fill } => {
                let points: Vec<(i32, i32)> = points.iter().copied().map(pt).collect();
                root.draw(&Polygon::new(points, fill.plotters().filled()))
                    .map_err(err)?;
            }
            Shape::Circle {
                center,
                radius,
                fill,
                stroke,
            } => {
                let radius = px(*radius).max(1);
                if let Some(fill) = fill {
                    root.draw(&Circle::new(pt(*center), radius, fill.plotters().filled()))
                        .map_err(err)?;
                }
                if let Some(stroke) = stroke {
                    let style = ShapeStyle::from(stroke.color.plotters())
                        .stroke_width(px(stroke.width).max(1) as u32);
                    root.draw(&Circle::new(pt(*center), radius, style))
                        .map_err(err)?;
                }
            }
            Shape::Text(label) => text(root, label, format).map_err(err)?,
        }
    }
    Ok(())
}

fn polyline<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    points: &[Point],
    stroke: &Stroke,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let style =
        ShapeStyle::from(stroke.color.plotters()).stroke_width(px(stroke.width).max(1) as u32);
    match stroke.dash {
        None => {
            let points: Vec<(i32, i32)> = points.iter().copied().map(pt).collect();
            for piece in unturned(&points) {
                root.draw(&PathElement::new(piece.to_vec(), style))?;
            }
            Ok(())
        }
        Some((dash, gap)) => {
            for piece in dashes(points, dash, gap) {
                let piece: Vec<(i32, i32)> = piece.into_iter().map(pt).collect();
                root.draw(&PathElement::new(piece, style))?;
            }
            Ok(())
        }
    }
}

/// A pixel polyline cut where it turns back on itself (by more than 120 degrees), the
/// turning point in both pieces. plotters joins the segments of a wide line with mitres,
/// and a mitre at a hairpin turn (a jump up and straight down again) is a spike far past
/// the data; two pieces meet there without one.
fn unturned(points: &[(i32, i32)]) -> Vec<&[(i32, i32)]> {
    let mut pieces = Vec::new();
    let mut start = 0;
    for k in 1..points.len().saturating_sub(1) {
        let (a, b, c) = (points[k - 1], points[k], points[k + 1]);
        let u = (f64::from(b.0 - a.0), f64::from(b.1 - a.1));
        let v = (f64::from(c.0 - b.0), f64::from(c.1 - b.1));
        let (lu, lv) = (u.0.hypot(u.1), v.0.hypot(v.1));
        if lu > 0.0 && lv > 0.0 && (u.0 * v.0 + u.1 * v.1) / (lu * lv) < -0.5 {
            pieces.push(&points[start..=k]);
            start = k;
        }
    }
    pieces.push(&points[start..]);
    pieces
}

/// Cuts a polyline into dashes of length `dash` separated by `gap`, the pattern running
/// on across corners.
pub fn dashes(points: &[Point], dash: f64, gap: f64) -> Vec<Vec<Point>> {
    let mut out = Vec::new();
    let mut current: Vec<Point> = Vec::new();
    let mut on = true;
    let mut left = dash;
    for pair in points.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        let len = (b.0 - a.0).hypot(b.1 - a.1);
        let mut done = 0.0;
        if on && current.is_empty() {
            current.push(a);
        }
        while len - done > left {
            done += left;
            let t = done / len;
            let p = (a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t);
            if on {
                current.push(p);
                out.push(std::mem::take(&mut current));
                left = gap;
            } else {
                current.push(p);
                left = dash;
            }
            on = !on;
        }
        left -= len - done;
        if on {
            current.push(b);
        }
    }
    if on && current.len() >= 2 {
        out.push(current);
    }
    out
}

fn text<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    label: &Label,
    format: Format,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let style = if label.bold {
        FontStyle::Bold
    } else {
        FontStyle::Normal
    };
    let s = label.size;
    let baseline_below_top = ASCENT * s;
    // Where the backend puts the baseline below the anchor of a top-anchored text, and
    // the size to ask for so that one em is s / LINE_EMS pixels.
    let (anchor_to_baseline, size) = match format {
        Format::Png => (s / 2.0, s),
        Format::Svg => (0.76 * s / LINE_EMS, s * 1.24 / LINE_EMS),
    };
    let h = match label.align {
        Align::Left => HPos::Left,
        Align::Center => HPos::Center,
        Align::Right => HPos::Right,
    };
    let color = label.color.plotters();
    let font = (FAMILY, size, style).into_font();
    if label.rotated {
        // Both backends turn the glyph offsets (u along the text, v down) into (v, -u)
        // about the anchor: the line box's top becomes its left edge, and the anchor's
        // x becomes the place along the text that `align` names, now on the y axis.
        let pos = (
            px(label.top + baseline_below_top - anchor_to_baseline),
            px(label.x),
        );
        let style = font
            .transform(FontTransform::Rotate270)
            .color(&color)
            .pos(Pos::new(h, VPos::Top));
        root.draw(&Text::new(label.text.as_str(), pos, style))
    } else {
        let y = label.top + baseline_below_top - anchor_to_baseline;
        let style = font.color(&color).pos(Pos::new(h, VPos::Top));
        root.draw(&Text::new(label.text.as_str(), (px(label.x), px(y)), style))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dashes_alternate_and_cover_the_line() {
        let d = dashes(&[(0.0, 0.0), (10.0, 0.0), (10.0, 10.0)], 4.0, 2.0);
        let spans: Vec<(Point, Point)> = d.iter().map(|p| (p[0], *p.last().unwrap())).collect();
        assert_eq!(spans[0], ((0.0, 0.0), (4.0, 0.0)));
        assert_eq!(spans[1], ((6.0, 0.0), (10.0, 0.0)));
        // The third dash turns the corner.
        assert_eq!(d[2], vec![(10.0, 2.0), (10.0, 6.0)]);
        assert_eq!(spans.last().unwrap().1, (10.0, 10.0));
    }

    #[test]
    fn hairpins_cut_a_line_in_two() {
        let line = [(0, 10), (1, 0), (2, 10), (3, 11)];
        assert_eq!(unturned(&line), vec![&line[..2], &line[1..]]);
        let gentle = [(0, 0), (5, 1), (10, 0)];
        assert_eq!(unturned(&gentle), vec![&gentle[..]]);
    }

    #[test]
    fn fit_cuts_with_an_ellipsis() {
        super::super::fonts().unwrap();
        let whole = "Sino-Soviet Treaty of Friendship";
        assert_eq!(fit(whole, 16.0, false, 1000.0).as_deref(), Some(whole));
        let cut = fit(whole, 16.0, false, 120.0).unwrap();
        assert!(cut.ends_with('…') && cut.len() < whole.len(), "{cut}");
        assert!(text_width(&cut, 16.0, false) <= 120.0);
        assert_eq!(fit(whole, 16.0, false, 3.0), None);
    }
}
