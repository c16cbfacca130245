//! The API the page calls: each handler reads the page state from the query, does its
//! work through a gate, and answers with a typed JSON body (or a file to download); an
//! error is a [`Reply`], a status and a message for the page.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::app::{App, Loaded, Stored};
use super::cache::{self, Found};
use super::limits;
use super::whatif::{NAME, PageState, Preset, change_error, code_of, to_ron};
use crate::chart;
use crate::date::Date;
use crate::experiment::{self, ExperimentError, Seeds};
use crate::lab::{self, Outcome, WhatIf};
use crate::readings::{Mode, Plan};
use crate::scenario::counterfactual::{Counterfactual, CounterfactualFile};
use crate::scenario::{Era, Event, Scenario, Timing};

/// An error answer: a status and a message for the page.
#[derive(Debug)]
pub struct Reply {
    pub(super) status: StatusCode,
    pub(super) message: String,
    pub(super) ron: Option<String>,
    /// The located message of the counterfactual's text, when `message` says it plainly.
    pub(super) detail: Option<String>,
}

impl Reply {
    pub(super) fn new(status: StatusCode, message: String) -> Reply {
        Reply {
            status,
            message,
            ron: None,
            detail: None,
        }
    }

    pub(super) fn bad(message: impl Into<String>) -> Reply {
        Reply::new(StatusCode::BAD_REQUEST, message.into())
    }
}

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        let mut r = (
            self.status,
            axum::Json(ErrorBody {
                error: &self.message,
                counterfactual: self.ron.as_deref(),
                detail: self.detail.as_deref(),
            }),
        )
            .into_response();
        if self.status == StatusCode::TOO_MANY_REQUESTS {
            r.headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from_static("5"));
        }
        r
    }
}

impl From<ExperimentError> for Reply {
    fn from(e: ExperimentError) -> Reply {
        Reply::new(StatusCode::UNPROCESSABLE_ENTITY, e.to_string())
    }
}

impl From<chart::ChartError> for Reply {
    fn from(e: chart::ChartError) -> Reply {
        Reply::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string())
    }
}

/// An error answer's body.
#[derive(Serialize)]
struct ErrorBody<'a> {
    /// What went wrong, for the page to show.
    error: &'a str,
    /// The counterfactual's text the message locates a problem in, if any.
    counterfactual: Option<&'a str>,
    /// The located message of that text, when `error` says it plainly (a page's
    /// changes); left out otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    detail: Option<&'a str>,
}

/// `GET /api/scenarios`.
#[derive(Serialize)]
struct ScenarioList {
    scenarios: Vec<ScenarioItem>,
}

/// A scenario of the folder, as the list shows it.
#[derive(Serialize)]
struct ScenarioItem {
    /// Its name relative to the folder.
    key: String,
    title: String,
    /// First and last day of its span, `YYYY-MM-DD`.
    from: String,
    to: String,
}

/// `GET /api/scenario`: a scenario as the what-if panel lists it.
#[derive(Serialize)]
struct ScenarioInfo<'a> {
    key: &'a str,
    title: &'a str,
    /// Its pairs of states, in order.
    pairs: Vec<PairInfo>,
    from: String,
    to: String,
    /// The eras' labels, in order (each after its pair's name when there are several).
    eras: Vec<String>,
    events: Vec<EventInfo<'a>>,
    leaders: Vec<LeaderInfo<'a>>,
    presets: Vec<PresetInfo<'a>>,
    /// Contested readings: each contested event or checkpoint with its sourced readings.
    contested: Vec<super::readings::ContestedInfo>,
}

/// A pair of states: its key (`a/b`) and its name for people.
#[derive(Serialize)]
struct PairInfo {
    key: String,
    name: String,
}

impl PairInfo {
    fn of(sc: &Scenario, pair: usize) -> PairInfo {
        PairInfo {
            key: sc.pair_key(pair),
            name: sc.pair_name(pair),
        }
    }
}

#[derive(Serialize)]
struct EventInfo<'a> {
    id: &'a str,
    title: &'a str,
    /// Its date, for a dated event.
    date: Option<String>,
    /// "dated", "follow-up" or "triggered".
    kind: &'static str,
    /// The era its date falls in, or "Not on a fixed date".
    era: String,
    source: &'a str,
    /// Its chance of happening, [0, 1].
    chance: f64,
}

#[derive(Serialize)]
struct LeaderInfo<'a> {
    id: &'a str,
    name: &'a str,
    /// The state's name.
    state: &'a str,
    terms: Vec<TermInfo>,
}

#[derive(Serialize)]
struct TermInfo {
    from: String,
    /// None while still in office at the end of the span.
    to: Option<String>,
}

/// A counterfactual of the folder on this scenario, with its changes as page codes
/// (None for a change the page cannot show).
#[derive(Serialize)]
struct PresetInfo<'a> {
    key: &'a str,
    title: &'a str,
    question: &'a str,
    changes: Vec<Option<String>>,
}

/// `GET /api/lab`: the page's view of a study.
#[derive(Serialize)]
struct LabView {
    title: String,
    question: String,
    /// The chart, as the command line's chart.svg.
    svg: String,
    /// The chart's size, px.
    width: u32,
    height: u32,
    markers: Vec<Marker>,
    summary: String,
    /// The summary pair by pair (one entry without a pair for a scenario of one pair).
    summaries: Vec<PairSummary>,
    /// The keys of the pairs shown.
    pairs: Vec<String>,
    /// How they are drawn: "lines" or "panels".
    layout: &'static str,
    /// The divergence summary of a what-if.
    divergence: Option<String>,
    /// The what-if's report card in plain sentences (empty for the history).
    card: Vec<String>,
    checkpoints: Vec<CheckpointInfo>,
    debrief: Vec<String>,
    /// The what-if as a counterfactual file's text.
    counterfactual: Option<String>,
    /// The file name "Download .ron" saves it as: its `name` and `.ron`.
    file: Option<String>,
    runs: u64,
    seed: u64,
    /// The chart in words, for screen readers.
    alt: String,
    /// The files the page offers for download.
    files: Vec<&'static str>,
    /// Contested readings: the choice in canonical form (`default`, `all` or the pins).
    readings: String,
    /// With `all`, what holds under every reading, line by line (empty otherwise).
    held: Vec<String>,
}

/// An event that fired in the first run, where the chart marks it.
#[derive(Serialize)]
struct Marker {
    /// Its mark on the chart, px.
    x: f64,
    y: f64,
    id: String,
    date: String,
    title: String,
    source: String,
    note: String,
    /// The score just after it.
    score: f64,
    /// The pair it was logged on, and that pair's name.
    pair: String,
    pair_name: String,
}

/// One pair's summary in words.
#[derive(Serialize)]
struct PairSummary {
    /// The pair's key and name (none for a scenario of one pair).
    pair: Option<String>,
    pair_name: Option<String>,
    text: String,
}

#[derive(Serialize)]
struct CheckpointInfo {
    id: String,
    from: String,
    to: String,
    /// The band expected.
    expect: String,
    /// The source's sentence, and where it stands.
    quote: String,
    source: String,
    /// Whether the history as scripted meets it.
    baseline: bool,
    /// Whether the what-if meets it (None without one).
    variant: Option<bool>,
    /// The pair it judges, and that pair's name.
    pair: String,
    pair_name: String,
}

/// `GET /api/explain`.
#[derive(Serialize)]
struct ExplainText {
    text: String,
}

/// `POST /api/check`: the uploaded counterfactual's texts and its changes as page codes.
#[derive(Serialize)]
struct Checked {
    name: String,
    title: String,
    question: String,
    changes: Vec<Option<String>>,
}

type Params = Query<BTreeMap<String, String>>;

pub(super) async fn scenarios(State(app): State<Arc<App>>) -> Result<Response, Reply> {
    let a = app.clone();
    let list = app
        .light
        .run(move || {
            Ok(a.entries()
                .into_iter()
                .filter_map(|e| {
                    let loaded = a.scenario(&e.key).ok()?;
                    let sc = &loaded.scenario;
                    Some(ScenarioItem {
                        key: e.key,
                        title: sc.title().to_string(),
                        from: sc.span().0.to_string(),
                        to: sc.span().1.to_string(),
                    })
                })
                .collect::<Vec<_>>())
        })
        .await?;
    Ok(axum::Json(ScenarioList { scenarios: list }).into_response())
}

pub(super) async fn scenario(
    State(app): State<Arc<App>>,
    Query(q): Params,
) -> Result<Response, Reply> {
    let key = q
        .get("s")
        .cloned()
        .ok_or_else(|| Reply::bad("the scenario (parameter s) is missing"))?;
    let a = app.clone();
    let body = app
        .light
        .run(move || {
            let loaded = a.scenario(&key)?;
            let presets = a.presets(&key);
            serde_json::to_vec(&describe(&loaded, &presets))
                .map_err(|e| Reply::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))
        })
        .await?;
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

/// A scenario as the what-if panel lists it.
fn describe<'a>(loaded: &'a Loaded, presets: &'a [Preset]) -> ScenarioInfo<'a> {
    let sc = &loaded.scenario;
    // With several pairs, each pair has its own eras: an era is named with its pair, and
    // an event is listed in an era of the first pair it is logged on.
    let label = |e: &Era| match e.pair {
        Some(p) if sc.pairs.len() > 1 => format!("{}: {}", sc.pair_name(p), e.label),
        _ => e.label.clone(),
    };
    let era_of = |ev: &Event| {
        let Some(d) = ev.date() else {
            return "Not on a fixed date".to_string();
        };
        let within = |e: &&Era| e.from <= d && d <= e.to;
        let eras = &sc.timeline.eras;
        ev.pairs
            .iter()
            .find_map(|&p| eras.iter().filter(within).find(|e| e.pair == Some(p)))
            .or_else(|| eras.iter().filter(within).find(|e| e.pair.is_none()))
            .or_else(|| eras.iter().find(within))
            .map_or("Not on a fixed date".to_string(), label)
    };
    let (first, last) = sc.span();
    // The events an included file runs before the span (a prelude nothing shows) are not
    // offered: a class could neither see them nor move them into the span it sees.
    let events = sc
        .events
        .iter()
        .filter(|e| e.date().is_none_or(|d| d >= first))
        .map(|e| EventInfo {
            id: &e.id,
            title: &e.title,
            date: e.date().map(|d| d.to_string()),
            kind: match e.timing {
                Timing::Dated { .. } => "dated",
                Timing::FollowUp => "follow-up",
                Timing::Triggered { .. } => "triggered",
            },
            era: era_of(e),
            source: &e.source,
            chance: e.chance,
        })
        .collect();
    // Only the leaders who hold office at some time of the span can be ended or replaced,
    // or stand in for another.
    let leaders = sc
        .leaders
        .iter()
        .filter(|l| {
            l.terms
                .iter()
                .any(|t| t.from <= last.day() && t.to.is_none_or(|to| to > first.day()))
        })
        .map(|l| LeaderInfo {
            id: &l.id,
            name: &l.name,
            state: &sc.states[l.state].name,
            terms: l
                .terms
                .iter()
                .map(|t| TermInfo {
                    from: Date::from_day(t.from).to_string(),
                    to: t.to.map(|d| Date::from_day(d).to_string()),
                })
                .collect(),
        })
        .collect();
    let presets = presets
        .iter()
        .map(|p| PresetInfo {
            key: &p.key,
            title: &p.file.title,
            question: &p.file.question,
            changes: p.file.changes.iter().map(code_of).collect(),
        })
        .collect();
    ScenarioInfo {
        key: &loaded.key,
        title: sc.title(),
        pairs: (0..sc.pairs.len()).map(|p| PairInfo::of(sc, p)).collect(),
        from: sc.span().0.to_string(),
        to: sc.span().1.to_string(),
        eras: sc.timeline.eras.iter().map(label).collect(),
        events,
        leaders,
        presets,
        contested: super::readings::contested_info(sc),
    }
}

/// A page state loaded and checked: the scenario, its what-if (if any) and the seeds.
struct Prepared {
    loaded: Arc<Loaded>,
    file: Option<CounterfactualFile>,
    text: Option<String>,
    whatif: Option<Counterfactual>,
    /// The events the what-if changed, as the chart marks them.
    changes: Vec<chart::ChangeMark>,
    seeds: Seeds,
    /// The pairs shown and their layout.
    show: lab::Show,
    /// Contested readings: the page's choice (`r`), canonical. A pinned choice is already
    /// in `loaded.scenario` and the what-if's scenario; with `all`, the plans of the runs'
    /// draws, the baseline's and the what-if's.
    readings: Mode,
    drawn: Option<(Plan, Option<Plan>)>,
}

impl Prepared {
    fn whatif(&self) -> Option<WhatIf<'_>> {
        self.whatif.as_ref().map(|c| WhatIf {
            name: &c.name,
            title: &c.title,
            question: &c.question,
            scenario: &c.scenario,
            changes: &self.changes,
            told: crate::report::Told::of(&self.loaded.file, &self.loaded.scenario, c),
        })
    }
}

fn prepare(app: &App, q: &BTreeMap<String, String>) -> Result<Prepared, Reply> {
    let state = PageState::from_query(q).map_err(Reply::bad)?;
    let mut seeds = app.limit_runs(state.runs)?;
    seeds.first = state.seed;
    let mut loaded = app.scenario(&state.scenario)?;
    let readings = super::readings::choice_of(&loaded.scenario, q.get("r").map(String::as_str))
        .map_err(Reply::bad)?;
    let show = lab::Show {
        pairs: lab::Show::pairs_of(&loaded.scenario, &state.pairs).map_err(Reply::bad)?,
        layout: state.layout,
    };
    let file = app.counterfactual_file(&loaded, &state)?;
    let text = file
        .as_ref()
        .map(to_ron)
        .transpose()
        .map_err(|e| Reply::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
    let mut whatif = match (&text, &file) {
        (Some(t), Some(f)) => {
            Some(
                app.validate(&loaded, t.clone(), f.name.as_deref().unwrap_or(NAME))
                    .map_err(|b| {
                        let (e, mut reply) = *b;
                        // A change made on the page is told in one plain sentence.
                        reply.detail = Some(std::mem::replace(
                            &mut reply.message,
                            change_error(&loaded.scenario, f, &e),
                        ));
                        reply
                    })?,
            )
        }
        _ => None,
    };
    let changes = whatif.as_ref().map_or_else(Vec::new, |c| {
        crate::report::WhatIf::of(&loaded.file, &loaded.scenario, c).marks()
    });
    // Contested readings: a pinned choice reads both scenarios once; `all` plans the
    // draws of every run.
    let unread = |e: crate::scenario::ScenarioError| Reply::bad(e.to_string());
    let mut drawn = None;
    match &readings {
        Mode::Default => {}
        Mode::Pinned(_) => {
            let sc = &loaded.scenario;
            let read = sc
                .read(&super::readings::pinned(sc, &readings))
                .map_err(unread)?;
            loaded = Arc::new(Loaded {
                key: loaded.key.clone(),
                file: loaded.file.clone(),
                scenario: read,
                modified: loaded.modified,
            });
            if let Some(w) = &mut whatif {
                let choice = super::readings::pinned(&w.scenario, &readings);
                w.scenario = w.scenario.read(&choice).map_err(unread)?;
            }
        }
        Mode::All => {
            let plan = Plan::new(&loaded.scenario, &Mode::All, seeds).map_err(Reply::bad)?;
            let variant = (whatif.as_ref())
                .map(|w| Plan::new(&w.scenario, &Mode::All, seeds))
                .transpose()
                .map_err(Reply::bad)?;
            drawn = Some((plan, variant));
        }
    }
    Ok(Prepared {
        loaded,
        file,
        text,
        whatif,
        changes,
        seeds,
        show,
        readings,
        drawn,
    })
}

/// What the reader is told of a page's what-if besides its curves.
fn told(p: &Prepared) -> crate::report::Told<'_> {
    let Some(w) = &p.whatif else {
        return crate::report::Told::default();
    };
    crate::report::Told::of(&p.loaded.file, &p.loaded.scenario, w)
}

/// A page state read and checked (a light turn: it reads files and parses the what-if).
async fn prepared(app: &Arc<App>, q: BTreeMap<String, String>) -> Result<Prepared, Reply> {
    let a = app.clone();
    app.light.run(move || prepare(&a, &q)).await
}

/// The answer to a prepared page state, kept by the canonical form of its question
/// (`endpoint` names what is asked of it): kept from before, computed by a request
/// already at it, or computed here by `present` from the study (a what-if is a heavy
/// turn, on the baseline's kept scores; the history as scripted a light one).
async fn kept_answer(
    app: &Arc<App>,
    p: Prepared,
    endpoint: &str,
    present: impl FnOnce(&Prepared, &Outcome) -> Result<Stored, Reply> + Send + 'static,
) -> Result<Response, Reply> {
    let sc = &p.loaded.scenario;
    let pairs = p.show.of(sc);
    let endpoint = format!("{endpoint}{}", super::readings::key_part(&p.readings));
    let key = cache::canonical(&cache::Question {
        endpoint: &endpoint,
        scenario: &p.loaded.key,
        modified: p.loaded.modified,
        seeds: p.seeds,
        pairs: &pairs,
        layout: (p.show.layout).unwrap_or_else(|| chart::Layout::default_for(pairs.len())),
        whatif: p.text.as_deref(),
    });
    let a = app.clone();
    let (stored, found) = app
        .answers
        .get(&key, || async move {
            let base = match p.whatif {
                Some(_) if p.drawn.is_none() => Some(baseline(&a, &p).await?),
                _ => None,
            };
            let gate = if p.whatif.is_some() || p.drawn.is_some() {
                &a.heavy
            } else {
                &a.light
            };
            let b = a.clone();
            gate.run(move || {
                let sc = &p.loaded.scenario;
                let o = b.pool.install(|| match (p.whatif(), base) {
                    (w, _) if let Some((plan, variant)) = &p.drawn => {
                        lab::study_drawn(sc, w, p.seeds, &p.show, plan, variant.as_ref())
                    }
                    (Some(w), Some(base)) => lab::study_on_baseline(sc, w, p.seeds, &p.show, &base),
                    (w, _) => lab::study_of(sc, w, p.seeds, &p.show),
                })?;
                present(&p, &o)
            })
            .await
        })
        .await?;
    Ok(stored.into_response(found))
}

/// The baseline's side on a state's seeds (its runs' monthly scores and first run), which
/// every what-if on them is compared with: kept, or computed (a heavy turn) once for all
/// who ask at once.
async fn baseline(app: &Arc<App>, p: &Prepared) -> Result<Arc<lab::Baseline>, Reply> {
    let endpoint = format!("baseline{}", super::readings::key_part(&p.readings));
    let key = cache::canonical(&cache::Question {
        endpoint: &endpoint,
        scenario: &p.loaded.key,
        modified: p.loaded.modified,
        seeds: p.seeds,
        pairs: &[],
        layout: chart::Layout::Lines,
        whatif: None,
    });
    let (a, loaded, seeds) = (app.clone(), p.loaded.clone(), p.seeds);
    let (scores, _) = app
        .baselines
        .get(&key, || async move {
            let b = a.clone();
            a.heavy
                .run(move || {
                    b.pool
                        .install(|| lab::Baseline::of(&loaded.scenario, seeds))
                        .map(Arc::new)
                        .map_err(Reply::from)
                })
                .await
        })
        .await?;
    Ok(scores)
}

impl Stored {
    fn into_response(self, found: Found) -> Response {
        let mut r = self.body.into_response();
        let h = r.headers_mut();
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static(self.kind));
        if let Some(name) = &self.file
            && let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
        {
            h.insert(header::CONTENT_DISPOSITION, v);
        }
        h.insert("x-diplosim-cache", HeaderValue::from_static(found.name()));
        r
    }
}

pub(super) async fn lab_view(
    State(app): State<Arc<App>>,
    Query(q): Params,
) -> Result<Response, Reply> {
    let p = prepared(&app, q).await?;
    kept_answer(&app, p, "lab", |p, o| {
        let body = serde_json::to_vec(&view(&p.loaded.scenario, p, o)?)
            .map_err(|e| Reply::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
        Ok(Stored {
            kind: "application/json",
            file: None,
            body: body.into(),
        })
    })
    .await
}

/// The page's view of a study.
fn view(sc: &Scenario, p: &Prepared, o: &Outcome) -> Result<LabView, chart::ChartError> {
    let (svg, points) = chart::render_svg_with_points(&o.chart)?;
    let markers = o
        .first
        .fired
        .iter()
        .filter(|f| o.pairs.contains(&f.pair))
        .zip(points)
        .map(|(f, (x, y))| {
            let e = &sc.events[f.event];
            Marker {
                x,
                y,
                id: e.id.clone(),
                date: Date::from_day(f.day).to_string(),
                title: e.title.clone(),
                source: e.source.clone(),
                note: e.note.clone(),
                score: f.after,
                pair: sc.pair_key(f.pair),
                pair_name: sc.pair_name(f.pair),
            }
        })
        .collect();
    let checkpoints = lab::checkpoints(sc, o)
        .into_iter()
        .map(|(i, baseline, variant)| {
            let c = &sc.timeline.checkpoints[i];
            CheckpointInfo {
                id: c.id.clone(),
                from: c.from.to_string(),
                to: c.to.to_string(),
                expect: c.expect.clone(),
                quote: c.quote.clone(),
                source: c.source.clone(),
                baseline,
                variant,
                pair: sc.pair_key(c.pair),
                pair_name: sc.pair_name(c.pair),
            }
        })
        .collect();
    let (title, question) = p
        .file
        .as_ref()
        .map_or((sc.title().to_string(), String::new()), |f| {
            (f.title.clone(), f.question.clone())
        });
    // What the removals take with them and leave, before the answer.
    let removals = (p.whatif.as_ref()).and_then(|w| lab::removals_in_words(&w.removals));
    let divergence = (o.comparison.as_ref())
        .map(|c| crate::report::divergence_text(sc, c, &[title.as_str()], &[told(p)]));
    Ok(LabView {
        title,
        question,
        svg,
        width: chart::WIDTH,
        height: chart::HEIGHT,
        markers,
        summary: removals
            .iter()
            .map(String::as_str)
            .chain([lab::in_words(sc, o).as_str()])
            .collect::<Vec<_>>()
            .join("\n"),
        summaries: (removals.iter().map(|r| (None, r.clone())))
            .chain(lab::summaries(sc, o))
            .map(|(pair, text)| PairSummary {
                pair: pair.map(|p| sc.pair_key(p)),
                pair_name: pair.map(|p| sc.pair_name(p)),
                text,
            })
            .collect(),
        pairs: o.pairs.iter().map(|&p| sc.pair_key(p)).collect(),
        layout: o.chart.layout.name(),
        divergence,
        card: match (&p.file, &p.whatif) {
            (Some(f), Some(w)) => crate::serve::whatif::card_in_words(sc, f, w),
            _ => Vec::new(),
        },
        checkpoints,
        debrief: lab::debrief(sc, o),
        counterfactual: p.text.clone(),
        file: p
            .file
            .as_ref()
            .and_then(|f| f.name.as_ref())
            .map(|n| format!("{n}.ron")),
        runs: p.seeds.runs,
        seed: p.seeds.first,
        alt: crate::handout::alt_text(sc, o),
        files: data_files(p.whatif.is_some(), sc.triangle().is_some()),
        readings: p.readings.name(),
        held: (o.held.iter())
            .flat_map(|h| h.lines())
            .filter(|l| !l.trim().is_empty())
            .map(|l| l.trim().to_string())
            .collect(),
    })
}

/// With contested readings drawn per run, the scenario and the what-if's read as the run
/// of the first seed drew them; `None` otherwise.
fn drawn_first(p: &Prepared) -> Result<(Option<Scenario>, Option<Scenario>), Reply> {
    let Some((plan, variant)) = &p.drawn else {
        return Ok((None, None));
    };
    let first = |plan: &Plan| plan.choices.first().cloned().unwrap_or_default();
    let unread = |e: crate::scenario::ScenarioError| Reply::bad(e.to_string());
    let base = p.loaded.scenario.read(&first(plan)).map_err(unread)?;
    let variant = match (variant, &p.whatif) {
        (Some(v), Some(w)) => Some(w.scenario.read(&first(v)).map_err(unread)?),
        _ => None,
    };
    Ok((Some(base), variant))
}

/// Which runs "Why is the score what it is?" explains when a what-if is shown (`run`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Explained {
    /// The history's run and the what-if's, one after the other (the default).
    Both,
    /// The history's run only.
    History,
    /// The what-if's run only.
    WhatIf,
}

impl Explained {
    fn of(run: Option<&str>) -> Result<Explained, Reply> {
        match run.unwrap_or("") {
            "" | "both" => Ok(Explained::Both),
            "history" => Ok(Explained::History),
            "whatif" => Ok(Explained::WhatIf),
            other => Err(Reply::bad(format!(
                "run must be history, whatif or both, not \"{}\"",
                other.escape_debug()
            ))),
        }
    }
}

pub(super) async fn explain(
    State(app): State<Arc<App>>,
    Query(q): Params,
) -> Result<Response, Reply> {
    let at = q
        .get("at")
        .cloned()
        .ok_or_else(|| Reply::bad("the month (parameter at, YYYY-MM) is missing"))?;
    let date: Date = format!("{at}-01")
        .parse()
        .map_err(|e| Reply::bad(format!("at: {e}; write the month as YYYY-MM")))?;
    let runs = Explained::of(q.get("run").map(String::as_str))?;
    let a = app.clone();
    let text = app
        .light
        .run(move || {
            let mut q = q;
            q.insert("runs".into(), "1".into());
            let p = prepare(&a, &q)?;
            // Contested readings drawn per run: the run explained is read as it drew.
            let (drawn_base, drawn_variant) = drawn_first(&p)?;
            let base = drawn_base.as_ref().unwrap_or(&p.loaded.scenario);
            let seed = p.seeds.first;
            // With a what-if shown, the chart's lines are means of paired runs: each
            // explanation says which single run it is of.
            let mut explained: Vec<(Option<String>, &Scenario)> = Vec::new();
            match &p.whatif {
                None if runs == Explained::WhatIf => {
                    return Err(Reply::bad(
                        "run=whatif explains the what-if's run, but no change is made: make a change first, or leave run out",
                    ));
                }
                None => explained.push((None, base)),
                Some(w) => {
                    if runs != Explained::WhatIf {
                        let head = format!("The history as scripted, seed {seed} (one of the runs the black line averages):");
                        explained.push((Some(head), base));
                    }
                    if runs != Explained::History {
                        let head = format!("The what-if, seed {seed} (one of the runs the coloured line averages):");
                        explained.push((Some(head), drawn_variant.as_ref().unwrap_or(&w.scenario)));
                    }
                }
            }
            let mut out = String::new();
            for pair in p.show.of(base) {
                for (head, sc) in &explained {
                    // A blank line between one explanation and the next.
                    if !out.is_empty() {
                        out.push('\n');
                    }
                    if let Some(head) = head {
                        out.push_str(head);
                        out.push('\n');
                    }
                    let x = experiment::explain(sc, seed, date, pair)?;
                    out.push_str(&crate::report::explain_text(sc, &x));
                }
            }
            Ok(out)
        })
        .await?;
    Ok(axum::Json(ExplainText { text }).into_response())
}

pub(super) async fn download(
    State(app): State<Arc<App>>,
    Query(q): Params,
) -> Result<Response, Reply> {
    let a = app.clone();
    let text = app
        .light
        .run(move || {
            let mut q = q;
            q.insert("runs".into(), "1".into());
            let p = prepare(&a, &q)?;
            let name = p.file.as_ref().and_then(|f| f.name.clone());
            p.text
                .zip(name)
                .ok_or_else(|| Reply::bad("no change to download: make a change first"))
        })
        .await?;
    let (text, name) = text;
    // The name is of ASCII letters, digits and `_` only (`name_of`, or a preset's name that
    // validation accepted as a folder name): safe in the header as it is.
    let disposition = format!("attachment; filename=\"{name}.ron\"");
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "text/plain; charset=utf-8".to_string(),
            ),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        text,
    )
        .into_response())
}

pub(super) async fn handout(
    State(app): State<Arc<App>>,
    Query(q): Params,
) -> Result<Response, Reply> {
    // `table=1` adds the appendix, as `diplosim handout --table` does.
    let (appendix, endpoint) = match q.get("table").map(String::as_str) {
        Some("1") => (crate::handout::Appendix::Table, "handout with table"),
        _ => (crate::handout::Appendix::None, "handout"),
    };
    let p = prepared(&app, q).await?;
    kept_answer(&app, p, endpoint, move |p, o| {
        let sc = &p.loaded.scenario;
        let html = crate::handout::html_with(sc, p.whatif(), o, appendix)?;
        Ok(Stored {
            kind: "text/html; charset=utf-8",
            file: Some(crate::handout::file_name(sc, p.whatif())),
            body: html.into(),
        })
    })
    .await
}

/// The files the chart's small print names, which the page offers for download: those
/// of `diplosim run --seed` for the history as scripted (with `triangle.csv` when the
/// scenario names a triangle), those of `diplosim compare` for a what-if.
fn data_files(whatif: bool, triangle: bool) -> Vec<&'static str> {
    if whatif {
        vec!["compare.csv", "divergence.txt"]
    } else if triangle {
        vec!["trajectory.csv", "events.csv", "triangle.csv"]
    } else {
        vec!["trajectory.csv", "events.csv"]
    }
}

/// One of [`data_files`] for a page state (`file`), with the same bytes as the command
/// line writes for the same scenario, changes, runs and seed.
pub(super) async fn data(State(app): State<Arc<App>>, Query(q): Params) -> Result<Response, Reply> {
    let name = q
        .get("file")
        .cloned()
        .ok_or_else(|| Reply::bad("the file (parameter file) is missing"))?;
    let p = prepared(&app, q).await?;
    let names = data_files(p.whatif.is_some(), p.loaded.scenario.triangle().is_some());
    let Some(&name) = names.iter().find(|&&n| n == name) else {
        return Err(Reply::bad(format!(
            "no file \"{}\" for this view: it has {}",
            name.chars().take(80).collect::<String>(),
            names.join(" and ")
        )));
    };
    kept_answer(&app, p, &format!("data {name}"), move |p, o| {
        let sc = &p.loaded.scenario;
        let csv = |r: Result<Vec<u8>, csv::Error>| {
            r.map_err(|e| Reply::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))
        };
        let body = match (name, &o.comparison, &p.whatif) {
            ("compare.csv", Some(c), _) => csv(crate::report::compare_csv(sc, c))?,
            ("divergence.txt", Some(c), Some(w)) => crate::report::summary(
                sc,
                c,
                &[w.title.as_str()],
                &[w.question.as_str()],
                &[told(p)],
            )
            .into_bytes()
            .into_iter()
            // Contested readings: what holds under every reading, as `compare` adds it.
            .chain(o.held.iter().flat_map(|h| h.bytes()))
            .collect(),
            ("trajectory.csv", ..) => csv(crate::record::trajectory_csv(sc, &o.first))?,
            ("triangle.csv", ..) => match sc.triangle() {
                Some(t) => csv(crate::record::triangle_csv(
                    sc,
                    t,
                    &crate::triangle::of_run(t, &o.first),
                ))?,
                None => Vec::new(),
            },
            _ => csv(crate::record::events_csv(sc, &o.first))?,
        };
        Ok(Stored {
            kind: if name.ends_with(".csv") {
                "text/csv; charset=utf-8"
            } else {
                "text/plain; charset=utf-8"
            },
            file: Some(name.to_string()),
            body: body.into(),
        })
    })
    .await
}

/// Checks the text of a counterfactual file against a scenario of the folder (`s`), as
/// `diplosim check` would, and answers with the page codes of its changes.
pub(super) async fn check(
    State(app): State<Arc<App>>,
    Query(q): Params,
    body: Body,
) -> Result<Response, Reply> {
    let key = q
        .get("s")
        .cloned()
        .ok_or_else(|| Reply::bad("the scenario (parameter s) is missing"))?;
    // A body sent slowly may take as long as a request's head, no longer.
    let limit = app.limits.body;
    let body = tokio::time::timeout(app.limits.header_read, axum::body::to_bytes(body, limit))
        .await
        .map_err(|_| {
            Reply::new(
                StatusCode::REQUEST_TIMEOUT,
                "the file took too long to arrive".to_string(),
            )
        })?
        .map_err(|_| limits::too_large(limit))?;
    let text = String::from_utf8(body.to_vec())
        .map_err(|_| Reply::bad("the counterfactual is not UTF-8 text"))?;
    let a = app.clone();
    let body = app
        .light
        .run(move || {
            let loaded = a.scenario(&key)?;
            let c = a.validate(&loaded, text.clone(), NAME).map_err(|b| b.1)?;
            let file: CounterfactualFile = crate::scenario::source::parse(&text, Path::new("x"))
                .map_err(|e| Reply::bad(e.to_string()))?;
            // As `diplosim check` reads it, the file names its base: it must be the
            // scenario the page shows (by file name, since the file's folder is unknown).
            let shown_name = Path::new(&key).file_name();
            if file.base.is_empty() || Path::new(&file.base).file_name() != shown_name {
                return Err(Reply {
                    status: StatusCode::UNPROCESSABLE_ENTITY,
                    message: format!(
                        "{NAME}.ron: its base is \"{}\", not the scenario this page shows (\"{}\"): pick that scenario first, or set `base` to \"../{}\"",
                        file.base.escape_debug(),
                        key,
                        shown_name.map_or(String::new(), |n| n.to_string_lossy().into_owned())
                    ),
                    ron: Some(text.clone()),
                    detail: None,
                });
            }
            Ok(Checked {
                name: c.name,
                title: c.title,
                question: c.question,
                changes: file.changes.iter().map(code_of).collect(),
            })
        })
        .await?;
    Ok(axum::Json(body).into_response())
}
