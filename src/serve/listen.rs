//! Accepting connections and serving each over HTTP/1.1, with the bounds that keep idle
//! or slow clients from holding the server: at most [`Limits::connections`] at once (the
//! next waits in the system's backlog until one closes), a request's head read within
//! [`Limits::header_read`], and a connection with no request in it closed after
//! [`Limits::idle`].

use std::convert::Infallible;
use std::future::Future;
use std::pin::{Pin, pin};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::response::Response;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio::time::Instant;

use super::Limits;

/// Serves `router` on `listener` until `stop` completes.
pub(super) async fn serve(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    stop: impl Future<Output = ()>,
) {
    let open = Arc::new(Semaphore::new(limits.connections.max(1)));
    let mut stop = pin!(stop);
    loop {
        // A place first: past the cap, connections wait in the backlog, unaccepted.
        let place = tokio::select! {
            p = open.clone().acquire_owned() => match p {
                Ok(p) => p,
                Err(_) => return,
            },
            () = &mut stop => return,
        };
        let stream = tokio::select! {
            s = listener.accept() => s,
            () = &mut stop => return,
        };
        let stream = match stream {
            Ok((s, _)) => s,
            // Out of file descriptors, or a connection reset before it was accepted: wait
            // a moment rather than spin.
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let router = router.clone();
        tokio::spawn(async move {
            let _place = place;
            connection(stream, router, limits).await;
        });
    }
}

/// When the connection last had a request in it, and how many it has now.
#[derive(Debug)]
struct Activity {
    active: AtomicUsize,
    last: Mutex<Instant>,
}

impl Activity {
    /// How long the connection has had no request in it; zero while it has one.
    fn idle_for(&self) -> Duration {
        if self.active.load(Ordering::SeqCst) > 0 {
            return Duration::ZERO;
        }
        self.last.lock().map_or(Duration::ZERO, |l| l.elapsed())
    }
}

/// A request in progress on a connection; its end is the connection's last activity.
struct Busy(Arc<Activity>);

impl Busy {
    fn new(a: &Arc<Activity>) -> Busy {
        a.active.fetch_add(1, Ordering::SeqCst);
        Busy(a.clone())
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        if let Ok(mut l) = self.0.last.lock() {
            *l = Instant::now();
        }
        self.0.active.fetch_sub(1, Ordering::SeqCst);
    }
}

/// The router as a hyper service that keeps a connection's [`Activity`].
#[derive(Clone)]
struct Tracked {
    inner: TowerToHyperService<Router>,
    activity: Arc<Activity>,
}

impl hyper::service::Service<hyper::Request<Incoming>> for Tracked {
    type Response = Response;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

    fn call(&self, req: hyper::Request<Incoming>) -> Self::Future {
        let busy = Busy::new(&self.activity);
        let answer = self.inner.call(req.map(Body::new));
        Box::pin(async move {
            let r = answer.await;
            drop(busy);
            r
        })
    }
}

async fn connection(stream: tokio::net::TcpStream, router: Router, limits: Limits) {
    let activity = Arc::new(Activity {
        active: AtomicUsize::new(0),
        last: Mutex::new(Instant::now()),
    });
    let service = Tracked {
        inner: TowerToHyperService::new(router),
        activity: activity.clone(),
    };
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read);
    let mut conn = pin!(builder.serve_connection(TokioIo::new(stream), service));
    loop {
        let idle = activity.idle_for();
        let wake = Instant::now()
            + limits
                .idle
                .saturating_sub(idle)
                .max(Duration::from_millis(10));
        tokio::select! {
            _ = conn.as_mut() => return,
            () = tokio::time::sleep_until(wake) => {
                if activity.idle_for() >= limits.idle {
                    break;
                }
            }
        }
    }
    // Idle too long: close after what is in progress, and no later than a head's time.
    conn.as_mut().graceful_shutdown();
    let _ = tokio::time::timeout(limits.header_read, conn).await;
}
