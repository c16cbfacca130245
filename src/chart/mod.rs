//! Charts for the classroom: the relation score over time, and a ranking of events.
//!
//! The chart depends only on plain data. A caller (a run, a comparison, an ensemble)
//! fills a [`ChartModel`]; [`render`] lays it out once into a list of positioned shapes
//! and replays that list on two plotters backends, a 1600x900 PNG for the projector and
//! an SVG for print, so both pictures are the same drawing. A chart of several pairs of
//! states is drawn as its [`Layout`] says: a line per pair on one plot, or a panel per
//! pair; a chart of one pair is drawn as it always was. [`render_bars`] does the same
//! for the horizontal bar chart of `diplosim rank`.
//!
//! Text is drawn with DejaVu Sans, which ships inside the program (the `dejavu` crate) and
//! is registered with plotters' `ab_glyph` renderer once per process, so the PNG bytes do
//! not depend on the fonts a machine has. The SVG names the same font first and lets the
//! viewer fall back to its own sans-serif.
//!
//! Same model, same bytes: nothing here reads the clock, the environment or a random
//! source, and every choice (which events get a number, where labels go) is made in a
//! fixed order. The library never writes files; callers write [`Rendered`] to disk.

mod bars;
mod describe;
mod of_run;
mod panels;
mod scene;
mod timeline;
mod triangle;

use std::sync::OnceLock;

use plotters::style::FontStyle;

use crate::date::Date;

pub use of_run::{NUMBERED, of_run, strips, trajectory, triangle_strips, with_coupling};
pub use scene::{HEIGHT, PAPER, WIDTH};

/// Everything a relation-score chart shows. Plain data: the chart never sees the engine.
#[derive(Clone, Debug, PartialEq)]
pub struct ChartModel {
    /// The headline, e.g. "Sino-Soviet relations, 1917-1991".
    pub title: String,
    /// The line under the title: scenario and span, or the question a what-if asks.
    pub subtitle: String,
    /// Provenance at the bottom, e.g. "seed 1 · diplosim 0.1.0 · data: trajectory.csv".
    pub small_print: String,
    /// First and last day on the time axis; `span.0` must come before `span.1`.
    /// Anything dated outside the span is not drawn.
    pub span: (Date, Date),
    /// The scale runs from `-bound` to `bound` (9 for the shipped scenarios); scores
    /// outside it are drawn at its edge.
    pub bound: f64,
    /// The named bands of the scale, drawn as background, in any order.
    pub bands: Vec<BandShade>,
    /// The eras of the documented timeline, labelled along the top of the plot.
    pub eras: Vec<EraSpan>,
    /// Where the documented history puts the relation, and whether the line agrees.
    pub checkpoints: Vec<CheckpointMark>,
    /// Trajectories drawn as lines: one baseline, and what-if variants in colours.
    pub series: Vec<Series>,
    /// Percentile bands of many seeded runs.
    pub ensembles: Vec<EnsembleBand>,
    /// The events, numbered by the renderer in date order among those that get a label.
    pub markers: Vec<EventMarker>,
    /// Leader tenure strips under the plot, one per state, top to bottom.
    pub strips: Vec<Strip>,
    /// What a what-if changed, marked on the plot so that it never passes for history.
    pub changes: Vec<ChangeMark>,
    /// The most events that get a number (the largest jumps first, among the eligible
    /// ones); `None` for as many as the legend has room for.
    pub most_numbers: Option<usize>,
    /// Where the full list of events lives, named in the legend when some are left out
    /// ("+12 more events in events.csv"); empty for no file name.
    pub events_file: String,
    /// Small multiples: when not empty, the chart is a grid of panels, one per what-if,
    /// each with the baseline (and any reference) series against the what-if's line on
    /// the same scale, under one key. Eras, strips, checkpoints, markers and variant
    /// series are then not drawn; the title, subtitle, small print, span, bound and bands
    /// are.
    pub panels: Vec<Panel>,
    /// The names of the scenario's pairs of states, in the scenario's order ("China –
    /// Soviet Union"); what is drawn names its pair by index into this list. With fewer
    /// than two the chart is of one relation, drawn as it always was; with more, as
    /// [`ChartModel::layout`] says.
    pub pairs: Vec<String>,
    /// How several pairs are drawn: a line each on one plot, or a panel each.
    pub layout: Layout,
    /// What the drawn lines are, so that no reader takes them for measured history:
    /// "simulated run, seed 1", "mean of 200 simulated runs". The key says it (of the
    /// black line, or of every pair's line when the lines are named for their pairs) and
    /// so does the text alternative. Empty for lines that need no such word.
    pub simulated: String,
    /// A strategic triangle's configuration strips, drawn under the plot (a strip per
    /// reading), with its checkpoints; `None` for a scenario without a triangle.
    pub triangle: Option<TriangleStrips>,
    /// Drawn for paper (the handout): the same texts on the smaller canvas [`PAPER`],
    /// printed 256 mm wide, and the footer's small print as large as the key (20 px, not
    /// 15), so that every word of the chart prints at 9 pt or more.
    pub paper: bool,
}

/// How a chart of several pairs of states is drawn. A chart of one pair ignores it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Layout {
    /// One plot, a line per pair (or a median and its bands), each labelled at its right
    /// end with the pair's name, in a colour and a dash pattern of its own.
    #[default]
    Lines,
    /// A panel per pair on one shared score scale, each titled with the pair's name,
    /// with its own checkpoints and eras.
    Panels,
}

impl Layout {
    /// The most pairs drawn as lines on one plot by default; more get a panel each.
    pub const MOST_LINES: usize = 4;

    /// The layout of a chart of `pairs` pairs when none is asked for: lines up to
    /// [`Layout::MOST_LINES`], panels above.
    pub fn default_for(pairs: usize) -> Layout {
        if pairs <= Layout::MOST_LINES {
            Layout::Lines
        } else {
            Layout::Panels
        }
    }

    /// The word the command line and the page use: `lines` or `panels`.
    pub fn name(self) -> &'static str {
        match self {
            Layout::Lines => "lines",
            Layout::Panels => "panels",
        }
    }
}

impl std::fmt::Display for Layout {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Layout {
    type Err = String;

    /// `lines` or `panels`.
    fn from_str(text: &str) -> Result<Layout, String> {
        match text.trim() {
            "lines" => Ok(Layout::Lines),
            "panels" => Ok(Layout::Panels),
            other => Err(format!(
                "`{other}` is not a layout: write `lines` (a line per pair on one plot) or `panels` (a panel per pair)"
            )),
        }
    }
}

/// One panel of small multiples: a what-if against the baseline.
#[derive(Clone, Debug, PartialEq)]
pub struct Panel {
    /// The panel's title: the what-if's question.
    pub title: String,
    /// The what-if's line: (date, score) in date order, in score points.
    pub points: Vec<(Date, f64)>,
    /// The events the what-if changed, each drawn as a dashed line on its date (their
    /// labels are in the text alternative: the panel has no room for them).
    pub changes: Vec<ChangeMark>,
}

impl ChartModel {
    /// A chart of `span` on the scale `[-bound, bound]` with only a title: everything
    /// else empty, to be filled in.
    pub fn new(title: impl Into<String>, span: (Date, Date), bound: f64) -> ChartModel {
        ChartModel {
            title: title.into(),
            subtitle: String::new(),
            small_print: String::new(),
            span,
            bound,
            bands: Vec::new(),
            eras: Vec::new(),
            checkpoints: Vec::new(),
            series: Vec::new(),
            ensembles: Vec::new(),
            markers: Vec::new(),
            strips: Vec::new(),
            changes: Vec::new(),
            most_numbers: None,
            events_file: String::new(),
            panels: Vec::new(),
            pairs: Vec::new(),
            layout: Layout::Lines,
            simulated: String::new(),
            triangle: None,
            paper: false,
        }
    }

    /// Whether the chart shows several pairs of states.
    pub fn many_pairs(&self) -> bool {
        self.pairs.len() > 1
    }
}

/// One named band of the scale, e.g. "tense" from -6 to -3.
#[derive(Clone, Debug, PartialEq)]
pub struct BandShade {
    /// The band's name, written at the right edge of the plot.
    pub name: String,
    /// Lower edge, in score points.
    pub lo: f64,
    /// Upper edge, in score points.
    pub hi: f64,
}

/// A labelled span of the documented timeline.
#[derive(Clone, Debug, PartialEq)]
pub struct EraSpan {
    /// The pair it belongs to (index into [`ChartModel::pairs`]); `None` for an era of
    /// the whole scenario, the only ones a plot of several pairs' lines shows.
    pub pair: Option<usize>,
    /// Short label, e.g. "Alliance".
    pub label: String,
    /// First day of the era.
    pub from: Date,
    /// Last day of the era.
    pub to: Date,
}

/// A checkpoint of the documented timeline: a date or span, and the score range the
/// sources put the relation in.
#[derive(Clone, Debug, PartialEq)]
pub struct CheckpointMark {
    /// The checkpoint's scenario id (kept for callers and the SVG's readers).
    pub id: String,
    /// The pair whose score it judges (index into [`ChartModel::pairs`]; 0 for a chart
    /// of one pair).
    pub pair: usize,
    /// First day of the checkpoint; equal to `to` for a single date.
    pub from: Date,
    /// Last day of the checkpoint.
    pub to: Date,
    /// Lowest score the sources allow, in score points.
    pub lo: f64,
    /// Highest score the sources allow, in score points.
    pub hi: f64,
    /// Whether the drawn trajectory stays inside the range over the checkpoint.
    pub met: bool,
}

/// A strategic triangle's configuration strips and checkpoints, as the chart draws them.
#[derive(Clone, Debug, PartialEq)]
pub struct TriangleStrips {
    /// The three states' names, in the triangle's order (the positions its
    /// configurations name).
    pub names: [String; 3],
    /// One strip per reading, top to bottom.
    pub rows: Vec<TriangleRow>,
    /// The triangle checkpoints, and how the run fares on each.
    pub checkpoints: Vec<TriangleCheckpointMark>,
}

/// One strip: a reading's periods of one configuration.
#[derive(Clone, Debug, PartialEq)]
pub struct TriangleRow {
    /// Its name at its left; empty for the reading's ("by levels", "by trend").
    pub label: String,
    /// The reading.
    pub reading: crate::triangle::Reading,
    /// Its periods, in date order, without gaps (a run's; empty for many runs).
    pub periods: Vec<crate::triangle::Period>,
    /// Many runs': each first of the month with the runs in each category
    /// ([`crate::triangle::category`]), drawn as a stacked strip; empty for a run.
    pub shares: Vec<(Date, [u32; crate::triangle::CATEGORIES])>,
}

/// A triangle checkpoint, with each of its readings met or not.
#[derive(Clone, Debug, PartialEq)]
pub struct TriangleCheckpointMark {
    /// The checkpoint's id.
    pub id: String,
    /// First day.
    pub from: Date,
    /// Last day.
    pub to: Date,
    /// Whether the literature is contested here (never counted as missed).
    pub contested: bool,
    /// Each reading of the checkpoint.
    pub readings: Vec<TriangleReadingMark>,
}

/// One reading of a triangle checkpoint, judged.
#[derive(Clone, Debug, PartialEq)]
pub struct TriangleReadingMark {
    /// Its name; empty for an uncontested checkpoint.
    pub name: String,
    /// The reading.
    pub reading: crate::triangle::Reading,
    /// The configuration expected, in words with its roles.
    pub expect: String,
    /// Months of the checkpoint with the expected configuration.
    pub matching: usize,
    /// Months of the checkpoint.
    pub months: usize,
    /// The configuration the run has most often there, in words ("none" for none).
    pub most: String,
    /// Whether the reading is met.
    pub met: bool,
}

/// What a line stands for, which decides how it is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SeriesRole {
    /// The run of the scenario as written: black, drawn on top.
    Baseline,
    /// A what-if run: a colour of its own and a legend entry.
    Variant,
    /// A measured series set beside the runs (`--reference`): dashed, with a dot at each
    /// measured date, in a colour no run uses.
    Reference,
}

/// A trajectory: the score on a sequence of dates.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    /// Legend text, e.g. "baseline" or "no Khrushchev speech".
    pub label: String,
    /// The pair whose score it is (index into [`ChartModel::pairs`]; 0 for a chart of
    /// one pair).
    pub pair: usize,
    /// (date, score) in date order; scores in score points.
    pub points: Vec<(Date, f64)>,
    /// Baseline or variant.
    pub role: SeriesRole,
    /// A band drawn under the line in its own hue: (date, low, high) in date order, e.g.
    /// the 5th to 95th percentile of a variant's paired runs. Empty for none.
    pub band: Vec<(Date, f64, f64)>,
}

/// Whether a measured series is dense: its dates, at the median, no further apart than
/// two months or 1/150 of its own span. A dense series is drawn as a plain line: a dot
/// at each of hundreds of monthly dates would hide the runs' lines and bands under it.
pub fn dense(s: &Series) -> bool {
    let mut days: Vec<i64> = s.points.iter().map(|p| i64::from(p.0.day())).collect();
    days.sort_unstable();
    let mut gaps: Vec<i64> = days.windows(2).map(|w| w[1] - w[0]).collect();
    if gaps.is_empty() {
        return false;
    }
    gaps.sort_unstable();
    let median = gaps[gaps.len() / 2];
    let span = days[days.len() - 1] - days[0];
    median <= 62.max(span / 150)
}

/// Percentiles of many runs on a sequence of dates.
#[derive(Clone, Debug, PartialEq)]
pub struct EnsembleBand {
    /// Legend text, e.g. "1000 runs".
    pub label: String,
    /// The pair whose score it is (index into [`ChartModel::pairs`]; 0 for a chart of
    /// one pair).
    pub pair: usize,
    /// Percentiles in date order.
    pub points: Vec<EnsemblePoint>,
}

/// The percentiles of the score on one date, in score points, `p5 <= p25 <= p50 <= p75
/// <= p95`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EnsemblePoint {
    /// The date.
    pub date: Date,
    /// 5th percentile.
    pub p5: f64,
    /// 25th percentile.
    pub p25: f64,
    /// Median.
    pub p50: f64,
    /// 75th percentile.
    pub p75: f64,
    /// 95th percentile.
    pub p95: f64,
}

/// An event drawn as a marker on the line.
#[derive(Clone, Debug, PartialEq)]
pub struct EventMarker {
    /// The day the event happened.
    pub date: Date,
    /// The score just after the event, in score points: where the marker sits.
    pub score: f64,
    /// Short title for the legend, e.g. "Treaty of Friendship signed".
    pub title: String,
    /// Where the event comes from, e.g. "seed §4" or "Lüthi 2008".
    pub source: String,
    /// How much the event moves the trajectory, in any unit: when space is short the
    /// events with the largest absolute influence get labels first.
    pub influence: f64,
    /// Whether it may get a number (`--events` chooses); an event that may not is a dot.
    pub eligible: bool,
    /// The event's scenario id.
    pub id: String,
    /// The pair it was logged on, whose line it sits on (index into
    /// [`ChartModel::pairs`]; 0 for a chart of one pair). An event logged on two pairs
    /// is two markers, and gets one number.
    pub pair: usize,
}

/// An event a what-if changed (removed, moved, re-weighted, added), drawn as a dashed
/// line across the plot on its date with a short label.
#[derive(Clone, Debug, PartialEq)]
pub struct ChangeMark {
    /// The event's date (in the variant, or in the base if the variant removed it).
    pub date: Date,
    /// What changed, e.g. "removed: Stalin refuses air cover".
    pub label: String,
}

/// The leaders of one state over time.
#[derive(Clone, Debug, PartialEq)]
pub struct Strip {
    /// The state's name, written left of the strip, e.g. "China".
    pub state: String,
    /// Tenures in any order; gaps stay blank.
    pub tenures: Vec<Tenure>,
}

/// One leader's time in office.
#[derive(Clone, Debug, PartialEq)]
pub struct Tenure {
    /// Full name, written when it fits, e.g. "Mao Zedong".
    pub name: String,
    /// Short form for narrow tenures, e.g. "Mao".
    pub short: String,
    /// First day in office.
    pub from: Date,
    /// Last day in office.
    pub to: Date,
}

/// A chart in both formats, and in words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rendered {
    /// The PNG file's bytes, 8-bit RGB: 1600x900, or less high for a bar chart sized
    /// to its bars.
    pub png: Vec<u8>,
    /// The SVG document, of the PNG's size, with the text alternative as its `<title>`
    /// and `<desc>`.
    pub svg: String,
    /// The text alternative (`chart.txt`): the chart's story in sentences.
    pub text: String,
}

impl Rendered {
    /// The three files every chart is written as, in this order: `chart.png`,
    /// `chart.svg` and `chart.txt`.
    pub fn into_files(self) -> [(String, Vec<u8>); 3] {
        [
            ("chart.png".to_string(), self.png),
            ("chart.svg".to_string(), self.svg.into_bytes()),
            ("chart.txt".to_string(), self.text.into_bytes()),
        ]
    }
}

/// Why a chart could not be drawn.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ChartError {
    /// The time axis would be empty or reversed.
    #[error("the chart's span ends on {to}, which is not after its start {from}")]
    Span {
        /// First day of the span.
        from: Date,
        /// Last day of the span.
        to: Date,
    },
    /// The scale's bound is zero, negative or not a number.
    #[error("the chart's scale bound must be a positive number, not {0}")]
    Bound(f64),
    /// A value to be drawn is NaN or infinite.
    #[error("{what} is not a finite number")]
    NotFinite {
        /// Which value, e.g. "score of series `baseline` on 1950-02-14".
        what: String,
    },
    /// The bundled DejaVu font could not be registered with plotters.
    #[error("the bundled dejavu font could not be loaded")]
    Font,
    /// A plotters backend refused to draw.
    #[error("drawing the {format} chart failed: {message}")]
    Draw {
        /// "png" or "svg".
        format: &'static str,
        /// The backend's message.
        message: String,
    },
    /// The PNG encoder failed.
    #[error("encoding the png failed: {0}")]
    Encode(String),
}

/// Draws the relation-score chart of `model` as PNG and SVG.
pub fn render(model: &ChartModel) -> Result<Rendered, ChartError> {
    fonts()?;
    let scene = layout(model)?;
    let text = describe::describe(model);
    Ok(Rendered {
        png: scene::render_png(&scene)?,
        svg: describe::label_svg(
            scene::render_svg(&scene)?,
            &describe::svg_title(model),
            &text,
        ),
        text,
    })
}

/// Draws the relation-score chart of `model` as a PNG file's bytes only.
pub fn render_png(model: &ChartModel) -> Result<Vec<u8>, ChartError> {
    fonts()?;
    scene::render_png(&layout(model)?)
}

/// Draws the relation-score chart of `model` as an SVG document only.
pub fn render_svg(model: &ChartModel) -> Result<String, ChartError> {
    fonts()?;
    let svg = scene::render_svg(&layout(model)?)?;
    Ok(describe::label_svg(
        svg,
        &describe::svg_title(model),
        &describe::describe(model),
    ))
}

/// Where each event marker of `model` is drawn, in pixels of the 1600x900 canvas (x from
/// the left, y from the top), in the order of `model.markers`.
pub fn marker_points(model: &ChartModel) -> Result<Vec<(f64, f64)>, ChartError> {
    fonts()?;
    if model.panels.is_empty() && model.many_pairs() && model.layout == Layout::Panels {
        timeline::validate(model)?;
        return Ok(panels::pair_layout(model).1);
    }
    timeline::marker_points(model)
}

/// [`render_svg`] and [`marker_points`] together, from one layout of the chart (the
/// page asks for both, and the layout is most of the work of each).
pub fn render_svg_with_points(model: &ChartModel) -> Result<(String, Vec<(f64, f64)>), ChartError> {
    fonts()?;
    let (scene, points) = if !model.panels.is_empty() {
        timeline::validate(model)?;
        (panels::layout(model), timeline::marker_points(model)?)
    } else if model.many_pairs() && model.layout == Layout::Panels {
        timeline::validate(model)?;
        panels::pair_layout(model)
    } else {
        let (scene, decided) = timeline::plan(model)?;
        let points = timeline::points_of(model, &decided);
        (scene, points)
    };
    let svg = describe::label_svg(
        scene::render_svg(&scene)?,
        &describe::svg_title(model),
        &describe::describe(model),
    );
    Ok((svg, points))
}

/// Lays out the relation-score chart of `model`: small multiples of what-ifs, a panel
/// per pair, or one plot.
fn layout(model: &ChartModel) -> Result<scene::Scene, ChartError> {
    if !model.panels.is_empty() {
        timeline::validate(model)?;
        return Ok(panels::layout(model));
    }
    if model.many_pairs() && model.layout == Layout::Panels {
        timeline::validate(model)?;
        return Ok(panels::pair_layout(model).0);
    }
    Ok(timeline::plan(model)?.0)
}

/// A horizontal bar chart, one bar per `(label, value)` from the top down: the ranking
/// of events by influence, or of parameters by their effect. Callers choose how many
/// bars (20 fit). The canvas is 1600 px wide and as high as its bars need, at most 900.
#[derive(Clone, Debug, PartialEq)]
pub struct BarChart {
    /// The headline.
    pub title: String,
    /// The line under the title: what the bars measure.
    pub subtitle: String,
    /// The value axis's title, with its unit, e.g. "mean absolute change (score
    /// points)"; empty for none.
    pub axis: String,
    /// Provenance at the bottom.
    pub small_print: String,
    /// The bars from the top down: label and value.
    pub bars: Vec<(String, f64)>,
    /// Which way each bar's event moved the relation on average, which colours it, with
    /// a key; empty for bars of one colour.
    pub directions: Vec<Direction>,
}

/// Which way an event moved the relation on average, as a ranking's bar is coloured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// It warmed the relation: its mean effect is positive and not small next to its mean
    /// change.
    Warmed,
    /// It cooled the relation: its mean effect is negative and not small next to its mean
    /// change.
    Cooled,
    /// It moved the relation up in some months and down in others, so that its mean
    /// effect is small next to its mean change: no direction is claimed.
    BothWays,
}

/// Draws a bar chart as PNG and SVG.
pub fn render_bars(chart: &BarChart) -> Result<Rendered, ChartError> {
    fonts()?;
    let scene = bars::layout(chart)?;
    let text = describe::describe_bars(chart);
    Ok(Rendered {
        png: scene::render_png(&scene)?,
        svg: describe::label_svg(scene::render_svg(&scene)?, &chart.title, &text),
        text,
    })
}

/// The font family every text uses. For the PNG it is only a key into plotters' font
/// table; the SVG writes it as a CSS font list, so a viewer with DejaVu Sans shows what
/// the PNG shows, and any other falls back to its sans-serif.
const FAMILY: &str = "DejaVu Sans, sans-serif";

/// Registers DejaVu Sans (regular and bold) with plotters, once per process. plotters
/// keeps its font table behind a lock, and `OnceLock` makes concurrent first calls wait
/// for one registration.
fn fonts() -> Result<(), ChartError> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED.get_or_init(|| {
        plotters::style::register_font(FAMILY, FontStyle::Normal, dejavu::sans::regular()).is_ok()
            && plotters::style::register_font(FAMILY, FontStyle::Bold, dejavu::sans::bold()).is_ok()
    });
    if ok { Ok(()) } else { Err(ChartError::Font) }
}

/// Checks that a value to be drawn is finite.
fn finite(value: f64, what: impl FnOnce() -> String) -> Result<f64, ChartError> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(ChartError::NotFinite { what: what() })
    }
}

#[cfg(test)]
mod tests;
