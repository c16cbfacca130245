//! `diplosim serve`: the classroom page, a what-if lab in the browser.
//!
//! One more front end over the library: every answer comes from [`crate::lab::study`]
//! (the experiment functions of `diplosim compare`) and the chart module's SVG backend.
//! The page (HTML, CSS, a small script) is embedded in the binary, so it works offline.
//!
//! ## Endpoints
//! - `GET /`, `/page.css`, `/page.js`: the page.
//! - `GET /api/scenarios`: the scenarios of the served folder.
//! - `GET /api/scenario?s=`: a scenario's events (grouped by era), leaders and presets.
//! - `GET /api/lab?s=&p=&c=&runs=&seed=`: the chart (SVG and its event marks), the
//!   summary in words, the checkpoints and the counterfactual's text.
//! - `GET /api/explain?...&at=YYYY-MM`: what `diplosim explain` says for that month.
//! - `GET /api/counterfactual?...`: the state as a counterfactual RON file.
//! - `GET /api/handout?...`: the state as a self-contained HTML handout.
//! - `POST /api/check`: a counterfactual file's text, checked against its scenario.
//!
//! ## Limits
//! Only files listed from the served folder can be named (the folder and its direct
//! subfolders, by their relative names), so no path from a request reaches the disk.
//! Requests have a size limit (URL and body), a limit on runs and changes, and CPU work
//! runs off the async threads: paired comparisons on their own thread pool (one core
//! fewer than the machine has, at least one) behind a semaphore with a bounded queue,
//! single runs behind another. A request over a limit gets a 4xx answer with a message.
//! Connections are capped and timed out (`listen`); a request must name this server in
//! its `Host` header and not come from another site's page; a gate's queue place and
//! permit are freed by guards when a client hangs up (`limits`).
//! Because comparisons never take every core, the page of a teacher (single runs, the
//! page's files) stays quick while students run what-ifs.

mod limits;
mod listen;
mod whatif;

pub use limits::Limits;
pub use whatif::{
    CodeError, DEFAULT_RUNS, NAME, PageState, Preset, code_of, counterfactual, parse_codes, to_ron,
};

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use axum::Router;
use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

use limits::Gate;

use crate::chart;
use crate::date::Date;
use crate::experiment::{self, ExperimentError, Seeds};
use crate::lab::{self, Outcome, WhatIf};
use crate::scenario::counterfactual::{self as cf, Counterfactual, CounterfactualFile, FileKind};
use crate::scenario::file::ScenarioFile;
use crate::scenario::{Scenario, Timing};

const PAGE: &str = include_str!("page.html");
const CSS: &str = include_str!("page.css");
const JS: &str = include_str!("page.js");

/// Single runs (the history as scripted, explanations, downloads) that may wait for a
/// turn: many, since each takes milliseconds.
const LIGHT_QUEUE: usize = 256;

/// How to serve.
#[derive(Clone, Debug)]
pub struct Config {
    /// The folder of scenarios and counterfactuals.
    pub dir: PathBuf,
    /// Address to listen on.
    pub host: String,
    /// Port; 0 for any free one.
    pub port: u16,
    /// Limits per request.
    pub limits: Limits,
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The folder to serve cannot be read.
    #[error("{}: cannot serve this folder: {reason}", dir.display())]
    Dir {
        /// The folder.
        dir: PathBuf,
        /// Why.
        reason: String,
    },
    /// The address cannot be listened on.
    #[error("cannot listen on {addr}: {reason}")]
    Listen {
        /// host:port.
        addr: String,
        /// Why.
        reason: String,
    },
}

impl Config {
    /// Warnings to print before serving: anything but loopback is open to the network.
    pub fn warnings(&self) -> Vec<String> {
        // As the listener will read it: `127.1`, `[::1]` and `localhost` are this machine.
        let bare = self.host.trim_start_matches('[').trim_end_matches(']');
        let loopback = bare
            .parse::<std::net::IpAddr>()
            .map(|ip| vec![ip])
            .or_else(|_| {
                std::net::ToSocketAddrs::to_socket_addrs(&(self.host.as_str(), 0))
                    .map(|a| a.map(|a| a.ip()).collect())
            })
            .is_ok_and(|ips: Vec<std::net::IpAddr>| {
                !ips.is_empty() && ips.iter().all(|ip| ip.is_loopback())
            });
        if loopback {
            Vec::new()
        } else {
            vec![format!(
                "warning: listening on {}: anyone who can reach this machine on the network can use the page and run what-ifs on it; use --host 127.0.0.1 to keep it to this machine",
                self.host
            )]
        }
    }
}

/// Serves until the process is stopped. `ready` is called with the page's address once
/// the server listens.
pub fn run(config: Config, ready: impl FnOnce(&str)) -> Result<(), ServeError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_io()
        .enable_time()
        .build()
        .map_err(|e| ServeError::Listen {
            addr: format!("{}:{}", config.host, config.port),
            reason: e.to_string(),
        })?;
    runtime.block_on(async move {
        let (listener, app) = bind(config).await?;
        let addr = listener.local_addr().map_err(|e| ServeError::Listen {
            addr: "?".into(),
            reason: e.to_string(),
        })?;
        ready(&format!("http://{}/", display_addr(addr)));
        let limits = app.limits;
        listen::serve(listener, router(app), limits, std::future::pending()).await;
        Ok(())
    })
}

/// A server running on a thread of its own, stopped when dropped.
pub struct Running {
    /// The page's address, e.g. `http://127.0.0.1:40123/`.
    pub url: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Starts a server on a background thread (for tests, benches and embedding) and returns
/// once it listens.
pub fn start(config: Config) -> Result<Running, ServeError> {
    let (ready_tx, ready_rx) = std::sync::mpsc::channel();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let thread = std::thread::spawn(move || {
        let runtime = match tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_io()
            .enable_time()
            .build()
        {
            Ok(r) => r,
            Err(e) => {
                let _ = ready_tx.send(Err(ServeError::Listen {
                    addr: config.host.clone(),
                    reason: e.to_string(),
                }));
                return;
            }
        };
        runtime.block_on(async move {
            let (listener, app) = match bind(config).await {
                Ok(x) => x,
                Err(e) => {
                    let _ = ready_tx.send(Err(e));
                    return;
                }
            };
            let url = listener
                .local_addr()
                .map(|a| format!("http://{}/", display_addr(a)));
            let _ = ready_tx.send(url.map_err(|e| ServeError::Listen {
                addr: "?".into(),
                reason: e.to_string(),
            }));
            let limits = app.limits;
            let stop = async {
                let _ = stop_rx.await;
            };
            listen::serve(listener, router(app), limits, stop).await;
        });
    });
    let url = ready_rx.recv().map_err(|_| ServeError::Listen {
        addr: "?".into(),
        reason: "the server thread stopped".into(),
    })??;
    Ok(Running {
        url,
        stop: Some(stop_tx),
        thread: Some(thread),
    })
}

fn display_addr(addr: SocketAddr) -> String {
    match addr {
        SocketAddr::V6(a) => format!("[{}]:{}", a.ip(), a.port()),
        SocketAddr::V4(a) => a.to_string(),
    }
}

/// Opens the listener and the shared state: for tests and benches, which run the router
/// in their own runtime.
pub async fn bind(config: Config) -> Result<(tokio::net::TcpListener, Arc<App>), ServeError> {
    let app = App::new(&config)?;
    let addr = format!("{}:{}", config.host, config.port);
    let listener = tokio::net::TcpListener::bind(&addr)
        .await
        .map_err(|e| ServeError::Listen {
            addr: addr.clone(),
            reason: e.to_string(),
        })?;
    Ok((listener, Arc::new(app)))
}

/// What every request shares: the folder, a cache of loaded scenarios, the limits and the
/// gates on CPU work.
pub struct App {
    dir: PathBuf,
    /// The `--host` it was started with, a name the `Host` header may give.
    host: Arc<str>,
    limits: Limits,
    cache: Mutex<HashMap<PathBuf, (SystemTime, Arc<Loaded>)>>,
    pool: rayon::ThreadPool,
    heavy: Gate,
    light: Gate,
}

/// A scenario file of the folder, loaded and validated.
pub struct Loaded {
    /// Its name relative to the folder.
    pub key: String,
    /// What the file says.
    pub file: ScenarioFile,
    /// The validated scenario.
    pub scenario: Scenario,
}

/// A file of the served folder.
struct Entry {
    key: String,
    path: PathBuf,
}

/// An error answer: a status and a message for the page.
#[derive(Debug)]
pub struct Reply {
    status: StatusCode,
    message: String,
    ron: Option<String>,
}

impl Reply {
    fn new(status: StatusCode, message: String) -> Reply {
        Reply {
            status,
            message,
            ron: None,
        }
    }

    fn bad(message: impl Into<String>) -> Reply {
        Reply::new(StatusCode::BAD_REQUEST, message.into())
    }
}

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        let mut r = (
            self.status,
            axum::Json(json!({ "error": self.message, "counterfactual": self.ron })),
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

impl App {
    /// The shared state for serving `config.dir`.
    pub fn new(config: &Config) -> Result<App, ServeError> {
        let dir = config.dir.canonicalize().map_err(|e| ServeError::Dir {
            dir: config.dir.clone(),
            reason: crate::scenario::error::io_reason(&e),
        })?;
        if !dir.is_dir() {
            return Err(ServeError::Dir {
                dir: config.dir.clone(),
                reason: "this is a file, not a folder; name the folder that holds the scenarios"
                    .into(),
            });
        }
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let threads = cores.saturating_sub(1).max(1);
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .thread_name(|i| format!("diplosim-whatif-{i}"))
            .build()
            .map_err(|e| ServeError::Dir {
                dir: dir.clone(),
                reason: e.to_string(),
            })?;
        let l = config.limits;
        Ok(App {
            dir,
            host: config.host.as_str().into(),
            limits: l,
            cache: Mutex::new(HashMap::new()),
            pool,
            heavy: Gate::new(l.comparisons, l.queue, l.wait),
            light: Gate::new(cores * 2, LIGHT_QUEUE, l.wait),
        })
    }

    /// Every `.ron` file of the folder and its direct subfolders, by relative name.
    fn entries(&self) -> Vec<Entry> {
        let mut out = Vec::new();
        let mut visit = |dir: &Path, prefix: &str, deeper: bool| -> Vec<(PathBuf, String)> {
            let mut subdirs = Vec::new();
            let Ok(read) = std::fs::read_dir(dir) else {
                return subdirs;
            };
            let mut names: Vec<_> = read.flatten().collect();
            names.sort_by_key(|e| e.file_name());
            for e in names {
                let name = e.file_name().to_string_lossy().into_owned();
                if name.starts_with('.') {
                    continue;
                }
                let path = e.path();
                if path.is_dir() {
                    if deeper {
                        subdirs.push((path, format!("{prefix}{name}/")));
                    }
                } else if name.ends_with(".ron") {
                    out.push(Entry {
                        key: format!("{prefix}{name}"),
                        path,
                    });
                }
            }
            subdirs
        };
        for (sub, prefix) in visit(&self.dir, "", true) {
            visit(&sub, &prefix, false);
        }
        out
    }

    fn entry(&self, key: &str) -> Option<Entry> {
        self.entries().into_iter().find(|e| e.key == key)
    }

    /// A scenario of the folder, by its relative name.
    pub fn scenario(&self, key: &str) -> Result<Arc<Loaded>, Reply> {
        let entry = self.entry(key).ok_or_else(|| {
            Reply::new(
                StatusCode::NOT_FOUND,
                format!("no scenario \"{key}\" in the served folder"),
            )
        })?;
        let modified = std::fs::metadata(&entry.path)
            .and_then(|m| m.modified())
            .unwrap_or(SystemTime::UNIX_EPOCH);
        if let Ok(cache) = self.cache.lock()
            && let Some((when, loaded)) = cache.get(&entry.path)
            && *when == modified
        {
            return Ok(loaded.clone());
        }
        let text = crate::scenario::load::read(&entry.path)
            .map_err(|e| Reply::new(StatusCode::UNPROCESSABLE_ENTITY, self.relative(e)))?;
        if cf::kind(&text) == FileKind::Counterfactual {
            return Err(Reply::new(
                StatusCode::NOT_FOUND,
                format!("\"{key}\" is a counterfactual, not a scenario: pick it as a preset"),
            ));
        }
        let shown = Path::new(&entry.key);
        let (file, scenario) = crate::scenario::load::scenario_text(&text, shown)
            .map_err(|e| Reply::new(StatusCode::UNPROCESSABLE_ENTITY, e.to_string()))?;
        let loaded = Arc::new(Loaded {
            key: key.to_string(),
            file,
            scenario,
        });
        if let Ok(mut cache) = self.cache.lock() {
            cache.insert(entry.path, (modified, loaded.clone()));
        }
        Ok(loaded)
    }

    fn relative(&self, e: impl std::fmt::Display) -> String {
        let dir = format!("{}/", self.dir.display());
        e.to_string().replace(&dir, "")
    }

    /// The counterfactuals of the folder whose base is the scenario `key`.
    fn presets(&self, key: &str) -> Vec<Preset> {
        let Some(target) = self.entry(key).and_then(|e| e.path.canonicalize().ok()) else {
            return Vec::new();
        };
        self.entries()
            .into_iter()
            .filter_map(|e| {
                let text = crate::scenario::load::read(&e.path).ok()?;
                if cf::kind(&text) != FileKind::Counterfactual {
                    return None;
                }
                let source = cf::Source::parse(text, &e.path).ok()?;
                (source.base_path().canonicalize().ok()? == target).then_some(Preset {
                    key: e.key,
                    file: source.file,
                })
            })
            .collect()
    }

    fn preset(&self, key: &str, scenario: &str) -> Result<Preset, Reply> {
        self.presets(scenario)
            .into_iter()
            .find(|p| p.key == key)
            .ok_or_else(|| {
                Reply::new(
                    StatusCode::NOT_FOUND,
                    format!("no preset \"{key}\" for \"{scenario}\" in the served folder"),
                )
            })
    }

    /// The page state's counterfactual file, as the download writes it: its base is
    /// written relative to the folder `counterfactuals/` beside the scenario, where the
    /// shipped ones live.
    fn counterfactual_file(
        &self,
        loaded: &Loaded,
        state: &PageState,
    ) -> Result<Option<CounterfactualFile>, Reply> {
        if state.changes.len() > self.limits.changes {
            return Err(Reply::bad(format!(
                "{} changes asked for; the page allows at most {}",
                state.changes.len(),
                self.limits.changes
            )));
        }
        let preset = state
            .preset
            .as_deref()
            .map(|k| self.preset(k, &loaded.key))
            .transpose()?;
        if preset.is_none() && state.changes.is_empty() {
            return Ok(None);
        }
        let base = match loaded.key.rsplit_once('/') {
            Some((_, name)) => format!("../{name}"),
            None => format!("../{}", loaded.key),
        };
        Ok(Some(counterfactual(
            &loaded.scenario,
            &base,
            preset.as_ref(),
            &state.changes,
        )))
    }

    /// Validates a counterfactual file's text against a scenario by the rules of a file
    /// on disk. Its messages name `whatif.ron`, the text the page shows.
    fn validate(&self, loaded: &Loaded, text: String) -> Result<Counterfactual, Reply> {
        let name = format!("{NAME}.ron");
        let with_text = |e: crate::scenario::ScenarioError, text: &str| Reply {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            message: self.relative(e),
            ron: Some(text.to_string()),
        };
        let source =
            cf::Source::parse(text.clone(), Path::new(&name)).map_err(|e| with_text(e, &text))?;
        source
            .apply(&loaded.file, Path::new(&loaded.key))
            .map_err(|e| with_text(e, &text))
    }

    fn limit_runs(&self, runs: u64) -> Result<Seeds, Reply> {
        if runs == 0 || runs > self.limits.runs {
            return Err(Reply::bad(format!(
                "runs must be from 1 to {}, not {runs}",
                self.limits.runs
            )));
        }
        Ok(Seeds { first: 0, runs })
    }
}

/// The router of the page and its API, over shared state.
pub fn router(app: Arc<App>) -> Router {
    let l = app.limits;
    Router::new()
        .route("/", get(page))
        .route("/page.css", get(css))
        .route("/page.js", get(js))
        .route("/api/scenarios", get(scenarios))
        .route("/api/scenario", get(scenario))
        .route("/api/lab", get(lab_view))
        .route("/api/explain", get(explain))
        .route("/api/counterfactual", get(download))
        .route("/api/handout", get(handout))
        .route("/api/data", get(data))
        .route("/api/check", post(check))
        .layer(middleware::from_fn_with_state(l, limits::body_limit))
        .layer(middleware::from_fn_with_state(l, limits::url_limit))
        .layer(middleware::from_fn_with_state(
            app.host.clone(),
            limits::guard,
        ))
        .with_state(app)
}

fn asset(kind: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, kind),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
        .into_response()
}

async fn page() -> Response {
    asset("text/html; charset=utf-8", PAGE)
}

async fn css() -> Response {
    asset("text/css; charset=utf-8", CSS)
}

async fn js() -> Response {
    asset("text/javascript; charset=utf-8", JS)
}

type Params = Query<BTreeMap<String, String>>;

async fn scenarios(State(app): State<Arc<App>>) -> Result<Response, Reply> {
    let a = app.clone();
    let list = app
        .light
        .run(move || {
            Ok(a.entries()
                .into_iter()
                .filter_map(|e| {
                    let loaded = a.scenario(&e.key).ok()?;
                    let sc = &loaded.scenario;
                    Some(json!({
                        "key": e.key,
                        "title": sc.title(),
                        "from": sc.span().0.to_string(),
                        "to": sc.span().1.to_string(),
                    }))
                })
                .collect::<Vec<Value>>())
        })
        .await?;
    Ok(axum::Json(json!({ "scenarios": list })).into_response())
}

async fn scenario(State(app): State<Arc<App>>, Query(q): Params) -> Result<Response, Reply> {
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
            Ok(describe(&loaded, &presets))
        })
        .await?;
    Ok(axum::Json(body).into_response())
}

/// A scenario as the what-if panel lists it.
fn describe(loaded: &Loaded, presets: &[Preset]) -> Value {
    let sc = &loaded.scenario;
    let era_of = |d: Option<Date>| {
        d.and_then(|d| sc.timeline.eras.iter().find(|e| e.from <= d && d <= e.to))
            .map_or("Not on a fixed date".to_string(), |e| e.label.clone())
    };
    let events: Vec<Value> = sc
        .events
        .iter()
        .map(|e| {
            let kind = match e.timing {
                Timing::Dated { .. } => "dated",
                Timing::FollowUp => "follow-up",
                Timing::Triggered { .. } => "triggered",
            };
            json!({
                "id": e.id,
                "title": e.title,
                "date": e.date().map(|d| d.to_string()),
                "kind": kind,
                "era": era_of(e.date()),
                "source": e.source,
                "chance": e.chance,
            })
        })
        .collect();
    let leaders: Vec<Value> = sc
        .leaders
        .iter()
        .map(|l| {
            json!({
                "id": l.id,
                "name": l.name,
                "state": sc.states[l.state].name,
                "terms": l.terms.iter().map(|t| json!({
                    "from": Date::from_day(t.from).to_string(),
                    "to": t.to.map(|d| Date::from_day(d).to_string()),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let presets: Vec<Value> = presets
        .iter()
        .map(|p| {
            let codes: Vec<Option<String>> = p.file.changes.iter().map(code_of).collect();
            json!({
                "key": p.key,
                "title": p.file.title,
                "question": p.file.question,
                "changes": codes,
            })
        })
        .collect();
    json!({
        "key": loaded.key,
        "title": sc.title(),
        "from": sc.span().0.to_string(),
        "to": sc.span().1.to_string(),
        "eras": sc.timeline.eras.iter().map(|e| e.label.clone()).collect::<Vec<_>>(),
        "events": events,
        "leaders": leaders,
        "presets": presets,
    })
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
}

impl Prepared {
    fn whatif(&self) -> Option<WhatIf<'_>> {
        self.whatif.as_ref().map(|c| WhatIf {
            name: &c.name,
            title: &c.title,
            question: &c.question,
            scenario: &c.scenario,
            changes: &self.changes,
        })
    }
}

fn prepare(app: &App, q: &BTreeMap<String, String>) -> Result<Prepared, Reply> {
    let state = PageState::from_query(q).map_err(Reply::bad)?;
    let mut seeds = app.limit_runs(state.runs)?;
    seeds.first = state.seed;
    let loaded = app.scenario(&state.scenario)?;
    let file = app.counterfactual_file(&loaded, &state)?;
    let text = file
        .as_ref()
        .map(to_ron)
        .transpose()
        .map_err(|e| Reply::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
    let whatif = text
        .as_ref()
        .map(|t| app.validate(&loaded, t.clone()))
        .transpose()?;
    let changes = whatif.as_ref().map_or_else(Vec::new, |c| {
        crate::report::WhatIf::of(&loaded.file, &loaded.scenario, c).marks()
    });
    Ok(Prepared {
        loaded,
        file,
        text,
        whatif,
        changes,
        seeds,
    })
}

/// The gate a state's work goes through: comparisons are heavy, single runs light.
fn gate<'a>(app: &'a App, q: &BTreeMap<String, String>) -> &'a Gate {
    let changed =
        q.get("c").is_some_and(|c| !c.is_empty()) || q.get("p").is_some_and(|p| !p.is_empty());
    if changed { &app.heavy } else { &app.light }
}

async fn lab_view(State(app): State<Arc<App>>, Query(q): Params) -> Result<Response, Reply> {
    let a = app.clone();
    let g = gate(&app, &q);
    let body = g
        .run(move || {
            let p = prepare(&a, &q)?;
            let sc = &p.loaded.scenario;
            let o = a.pool.install(|| lab::study(sc, p.whatif(), p.seeds))?;
            Ok(view(sc, &p, &o)?)
        })
        .await?;
    Ok(axum::Json(body).into_response())
}

/// The page's view of a study.
fn view(sc: &Scenario, p: &Prepared, o: &Outcome) -> Result<Value, chart::ChartError> {
    let svg = chart::render_svg(&o.chart)?;
    let points = chart::marker_points(&o.chart)?;
    let markers: Vec<Value> = o
        .first
        .fired
        .iter()
        .zip(points)
        .map(|(f, (x, y))| {
            let e = &sc.events[f.event];
            json!({
                "x": x, "y": y,
                "id": e.id,
                "date": Date::from_day(f.day).to_string(),
                "title": e.title,
                "source": e.source,
                "note": e.note,
                "score": f.after,
            })
        })
        .collect();
    let checkpoints: Vec<Value> = lab::checkpoints(sc, o)
        .into_iter()
        .map(|(i, base, var)| {
            let c = &sc.timeline.checkpoints[i];
            json!({
                "id": c.id, "from": c.from.to_string(), "to": c.to.to_string(),
                "expect": c.expect, "baseline": base, "variant": var,
            })
        })
        .collect();
    let (title, question) = p
        .file
        .as_ref()
        .map_or((sc.title().to_string(), String::new()), |f| {
            (f.title.clone(), f.question.clone())
        });
    let divergence = o
        .comparison
        .as_ref()
        .map(|c| crate::report::divergence_text(sc, c, &[title.as_str()]));
    Ok(json!({
        "title": title,
        "question": question,
        "svg": svg,
        "width": chart::WIDTH,
        "height": chart::HEIGHT,
        "markers": markers,
        "summary": lab::in_words(sc, o),
        "divergence": divergence,
        "checkpoints": checkpoints,
        "debrief": lab::debrief(sc, o),
        "counterfactual": p.text,
        "runs": p.seeds.runs,
        "seed": p.seeds.first,
        "alt": crate::handout::alt_text(sc, o),
        "files": data_files(p.whatif.is_some()),
    }))
}

async fn explain(State(app): State<Arc<App>>, Query(q): Params) -> Result<Response, Reply> {
    let at = q
        .get("at")
        .cloned()
        .ok_or_else(|| Reply::bad("the month (parameter at, YYYY-MM) is missing"))?;
    let date: Date = format!("{at}-01")
        .parse()
        .map_err(|e| Reply::bad(format!("at: {e}; write the month as YYYY-MM")))?;
    let a = app.clone();
    let text = app
        .light
        .run(move || {
            let mut q = q;
            q.insert("runs".into(), "1".into());
            let p = prepare(&a, &q)?;
            let base = &p.loaded.scenario;
            let mut out = String::new();
            let x = experiment::explain(base, p.seeds.first, date)?;
            out.push_str(&crate::report::explain_text(base, &x));
            if let Some(w) = &p.whatif {
                let x = experiment::explain(&w.scenario, p.seeds.first, date)?;
                out.push_str("\nThe what-if on the same day:\n");
                out.push_str(&crate::report::explain_text(&w.scenario, &x));
            }
            Ok(out)
        })
        .await?;
    Ok(axum::Json(json!({ "text": text })).into_response())
}

async fn download(State(app): State<Arc<App>>, Query(q): Params) -> Result<Response, Reply> {
    let a = app.clone();
    let text = app
        .light
        .run(move || {
            let mut q = q;
            q.insert("runs".into(), "1".into());
            let p = prepare(&a, &q)?;
            p.text
                .ok_or_else(|| Reply::bad("no change to download: make a change first"))
        })
        .await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"whatif.ron\"",
            ),
        ],
        text,
    )
        .into_response())
}

async fn handout(State(app): State<Arc<App>>, Query(q): Params) -> Result<Response, Reply> {
    let a = app.clone();
    let g = gate(&app, &q);
    let (name, html) = g
        .run(move || {
            let p = prepare(&a, &q)?;
            let sc = &p.loaded.scenario;
            let o = a.pool.install(|| lab::study(sc, p.whatif(), p.seeds))?;
            let html = crate::handout::html(sc, p.whatif(), &o)?;
            Ok((crate::handout::file_name(sc, p.whatif()), html))
        })
        .await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        html,
    )
        .into_response())
}

/// The files the chart's small print names, which the page offers for download: those
/// of `diplosim run --seed` for the history as scripted, those of `diplosim compare` for
/// a what-if.
fn data_files(whatif: bool) -> [&'static str; 2] {
    if whatif {
        ["compare.csv", "divergence.txt"]
    } else {
        ["trajectory.csv", "events.csv"]
    }
}

/// One of [`data_files`] for a page state (`file`), with the same bytes as the command
/// line writes for the same scenario, changes, runs and seed.
async fn data(State(app): State<Arc<App>>, Query(q): Params) -> Result<Response, Reply> {
    let name = q
        .get("file")
        .cloned()
        .ok_or_else(|| Reply::bad("the file (parameter file) is missing"))?;
    let a = app.clone();
    let g = gate(&app, &q);
    let asked = name.clone();
    let body = g
        .run(move || {
            let p = prepare(&a, &q)?;
            let names = data_files(p.whatif.is_some());
            if !names.contains(&asked.as_str()) {
                return Err(Reply::bad(format!(
                    "no file \"{}\" for this view: it has {}",
                    asked.chars().take(80).collect::<String>(),
                    names.join(" and ")
                )));
            }
            let sc = &p.loaded.scenario;
            let o = a.pool.install(|| lab::study(sc, p.whatif(), p.seeds))?;
            let csv = |r: Result<Vec<u8>, csv::Error>| {
                r.map_err(|e| Reply::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))
            };
            match (asked.as_str(), &o.comparison, &p.whatif) {
                ("compare.csv", Some(c), _) => csv(crate::report::compare_csv(c)),
                ("divergence.txt", Some(c), Some(w)) => {
                    Ok(
                        crate::report::summary(sc, c, &[w.title.as_str()], &[w.question.as_str()])
                            .into_bytes(),
                    )
                }
                ("trajectory.csv", ..) => csv(crate::record::trajectory_csv(sc, &o.first)),
                _ => csv(crate::record::events_csv(sc, &o.first)),
            }
        })
        .await?;
    let kind = if name.ends_with(".csv") {
        "text/csv; charset=utf-8"
    } else {
        "text/plain; charset=utf-8"
    };
    Ok((
        [
            (header::CONTENT_TYPE, kind.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response())
}

/// Checks the text of a counterfactual file against a scenario of the folder (`s`), as
/// `diplosim check` would, and answers with the page codes of its changes.
async fn check(
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
            let c = a.validate(&loaded, text.clone())?;
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
                });
            }
            let codes: Vec<Option<String>> = file.changes.iter().map(code_of).collect();
            Ok(json!({
                "name": c.name,
                "title": c.title,
                "question": c.question,
                "changes": codes,
            }))
        })
        .await?;
    Ok(axum::Json(body).into_response())
}
