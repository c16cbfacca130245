//! `diplosim serve`: the classroom page, a what-if lab in the browser.
//!
//! One more front end over the library: every answer comes from [`crate::lab::study_of`]
//! (the experiment functions of `diplosim compare`) and the chart module's SVG backend.
//! The page (HTML, CSS, a small script) is embedded in the binary, so it works offline.
//!
//! ## Endpoints
//! - `GET /`, `/page.css`, `/page.js`, `/favicon.ico`: the page.
//! - `GET /api/addresses`: the page's addresses students on the network can open.
//! - `GET /api/qr?text=`: the QR code of a link, as SVG.
//! - `GET /api/scenarios`: the scenarios of the served folder.
//! - `GET /api/scenario?s=`: a scenario's pairs of states, events (grouped by era),
//!   leaders, presets and contested items with their readings.
//! - Every endpoint below takes `r`, the contested readings (`readings`): `all`, or
//!   `ID=NAME,...`; the scenario as written without it.
//! - `GET /api/lab?s=&p=&c=&runs=&seed=&pairs=&layout=&r=`: the chart (SVG and its event
//!   marks), the summary in words, the checkpoints and the counterfactual's text, of the
//!   pairs shown (`pairs`, keys `a/b` comma-separated; all by default) in a `layout`
//!   (`lines` or `panels`).
//! - `GET /api/explain?...&at=YYYY-MM`: what `diplosim explain` says for that month, for
//!   each pair shown.
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
//!
//! ## Kept answers
//! Answers are byte-deterministic, so the chart view, the handout and the data files are
//! kept by the canonical form of their question (`cache`), within [`Limits::cache`]
//! bytes, least recently used first out; identical questions at once wait for one
//! computation, and every what-if on the same scenario and seeds is compared with one
//! kept copy of the baseline's monthly scores and first run. An answer says how it was
//! found in its `x-diplosim-cache` header: `miss` (computed for it), `shared` (computed
//! for another request while it waited) or `hit` (kept).
//!
//! ## Modules
//! This one starts the server and routes; `listen` accepts and times connections,
//! `limits` holds the limits, the gates and the checks every request passes, `app` the
//! shared state and the served folder, `cache` the kept answers and their single flight,
//! `api` the handlers and their typed JSON answers, `share` the links students can open,
//! `page` the embedded page, `whatif` the page state and its change codes, `readings`
//! the choice of contested readings.

mod api;
mod app;
mod cache;
mod limits;
mod listen;
mod page;
mod readings;
mod share;
mod whatif;

pub use api::Reply;
pub use app::{App, Loaded};
pub use limits::Limits;
pub use share::{qr_svg, student_addresses};
pub use whatif::{
    CodeError, DEFAULT_RUNS, NAME, PageState, Preset, code_of, counterfactual, parse_codes, to_ron,
};

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use axum::middleware;
use axum::routing::{get, post};

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

/// Serves until the process is stopped. `ready` is called once the server listens, with
/// the page's address on this machine and the addresses students on the network can
/// open ([`student_addresses`]).
pub fn run(config: Config, ready: impl FnOnce(&str, &[String])) -> Result<(), ServeError> {
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
        ready(&share::own_address(addr), &app.addresses);
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
            let url = listener.local_addr().map(share::own_address);
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
    let mut app = App::new(&config)?;
    let addr = format!("{}:{}", config.host, config.port);
    let listener = tokio::net::TcpListener::bind(&addr)
        .await
        .map_err(|e| ServeError::Listen {
            addr: addr.clone(),
            reason: e.to_string(),
        })?;
    if let Ok(local) = listener.local_addr() {
        app.addresses = student_addresses(local);
    }
    Ok((listener, Arc::new(app)))
}

/// The router of the page and its API, over shared state.
pub fn router(app: Arc<App>) -> Router {
    let l = app.limits;
    Router::new()
        .route("/", get(page::page))
        .route("/page.css", get(page::css))
        .route("/page.js", get(page::js))
        .route("/api/scenarios", get(api::scenarios))
        .route("/api/scenario", get(api::scenario))
        .route("/api/lab", get(api::lab_view))
        .route("/api/explain", get(api::explain))
        .route("/api/counterfactual", get(api::download))
        .route("/api/handout", get(api::handout))
        .route("/api/data", get(api::data))
        .route("/api/check", post(api::check))
        .route("/api/addresses", get(share::addresses))
        .route("/api/qr", get(share::qr))
        .route("/favicon.ico", get(page::icon))
        .layer(middleware::from_fn_with_state(l, limits::body_limit))
        .layer(middleware::from_fn_with_state(l, limits::url_limit))
        .layer(middleware::from_fn_with_state(
            app.host.clone(),
            limits::guard,
        ))
        .with_state(app)
}
