//! What keeps one class, or one hostile client, from wearing the server down: the limits
//! of a request, the gates on CPU work, and the checks every request passes before a
//! handler sees it (address length, announced body size, `Host`, cross-site requests).
//!
//! A gate's place in its queue and its permit are owned by guards: a request whose client
//! hangs up is dropped with its future, and the guards give the place and the permit back
//! whatever await it was dropped at.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tokio::sync::Semaphore;

use super::Reply;

/// Limits on what one request may ask for, and on connections.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Most paired runs per request.
    pub runs: u64,
    /// Most page changes per request.
    pub changes: usize,
    /// Longest request URL, bytes.
    pub url: usize,
    /// Largest request body, bytes.
    pub body: usize,
    /// Paired comparisons computed at once.
    pub comparisons: usize,
    /// Requests that may wait for a comparison; more get 429.
    pub queue: usize,
    /// Longest wait for a turn; longer gets 429.
    pub wait: Duration,
    /// Longest time a client may take to send a request's head (its line and headers),
    /// or its body; the connection is closed past it.
    pub header_read: Duration,
    /// Longest time a connection may stay open with no request in it; it is closed then.
    pub idle: Duration,
    /// Connections served at once; more wait (unaccepted) until one closes.
    pub connections: usize,
    /// Memory for answers kept for the next identical question, bytes: three quarters for
    /// the answers, a quarter for the baselines they are compared with (monthly scores
    /// and first runs).
    pub cache: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            runs: 1000,
            changes: 40,
            url: 8 * 1024,
            body: 64 * 1024,
            comparisons: 2,
            queue: 64,
            wait: Duration::from_secs(30),
            header_read: Duration::from_secs(10),
            idle: Duration::from_secs(30),
            connections: 512,
            cache: 64 << 20,
        }
    }
}

/// A semaphore with a bounded queue.
pub(super) struct Gate {
    permits: Arc<Semaphore>,
    waiting: AtomicUsize,
    queue: usize,
    wait: Duration,
}

/// A place in a gate's queue, given back when dropped.
struct Place<'a>(&'a AtomicUsize);

impl Drop for Place<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Gate {
    pub(super) fn new(permits: usize, queue: usize, wait: Duration) -> Gate {
        Gate {
            permits: Arc::new(Semaphore::new(permits.max(1))),
            waiting: AtomicUsize::new(0),
            queue,
            wait,
        }
    }

    /// Requests waiting for a turn now.
    #[cfg(test)]
    fn waiting(&self) -> usize {
        self.waiting.load(Ordering::SeqCst)
    }

    /// A place in the queue, if it is not full.
    fn enter(&self) -> Option<Place<'_>> {
        self.waiting
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                (n < self.queue).then_some(n + 1)
            })
            .ok()?;
        Some(Place(&self.waiting))
    }

    /// Runs `work` on a blocking thread once a permit is free. The permit goes with the
    /// work, so it is held until the work ends even if the request is dropped before.
    pub(super) async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> Result<T, Reply> + Send + 'static,
    ) -> Result<T, Reply> {
        let busy = || {
            Reply::new(
                StatusCode::TOO_MANY_REQUESTS,
                "the server is busy with other what-ifs: try again in a few seconds".to_string(),
            )
        };
        let place = self.enter().ok_or_else(busy)?;
        let permit = tokio::time::timeout(self.wait, self.permits.clone().acquire_owned()).await;
        drop(place);
        let permit = match permit {
            Ok(Ok(p)) => p,
            _ => return Err(busy()),
        };
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            work()
        })
        .await
        .map_err(|_| {
            Reply::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "the computation stopped unexpectedly".to_string(),
            )
        })?
    }
}

/// Refuses an address longer than the limit.
pub(super) async fn url_limit(State(limits): State<Limits>, req: Request, next: Next) -> Response {
    let len = req.uri().to_string().len();
    if len > limits.url {
        return Reply::new(
            StatusCode::URI_TOO_LONG,
            format!(
                "the address is {len} bytes long; the page allows {}: remove some changes",
                limits.url
            ),
        )
        .into_response();
    }
    next.run(req).await
}

/// The answer to a body over the limit, as the page's other errors are (JSON).
pub(super) fn too_large(limit: usize) -> Reply {
    Reply::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        format!(
            "the file is larger than the {} KiB the page takes",
            limit / 1024
        ),
    )
}

/// Refuses, before reading a byte of it, a body that announces more than the limit; the
/// connection is closed after the answer, so a client cannot hold it by never sending the
/// body.
pub(super) async fn body_limit(State(limits): State<Limits>, req: Request, next: Next) -> Response {
    let announced = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if announced.is_some_and(|n| n > limits.body as u64) {
        let mut r = too_large(limits.body).into_response();
        r.headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
        return r;
    }
    next.run(req).await
}

/// Whether a `Host` header names this server in a way no other site can: an IP address
/// (a rebinding attack needs a name it controls), `localhost`, a name of the local
/// network's multicast DNS (`NAME.local`, which no site on the Internet can point
/// anywhere), or the name it was told to listen on. `host` is the `--host` the server
/// was started with.
pub(super) fn host_allowed(value: &str, host: &str) -> bool {
    let name = match value.strip_prefix('[') {
        // [::1]:port
        Some(rest) => match rest.split_once(']') {
            Some((ip, port)) if port.is_empty() || port.starts_with(':') => {
                return ip.parse::<std::net::Ipv6Addr>().is_ok();
            }
            _ => return false,
        },
        None => value.rsplit_once(':').map_or(value, |(n, _)| n),
    };
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    name.parse::<std::net::Ipv4Addr>().is_ok()
        || name == "localhost"
        || name.ends_with(".localhost")
        || name.ends_with(".local")
        || name.eq_ignore_ascii_case(host.trim_end_matches('.'))
}

/// Refuses a request whose `Host` is a name other than this server's (DNS rebinding), or
/// which a browser marks as sent by another site; adds the headers that keep the page
/// from being framed or its files from being read as another type.
pub(super) async fn guard(State(host): State<Arc<str>>, req: Request, next: Next) -> Response {
    let value = req
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .or_else(|| req.uri().authority().map(|a| a.as_str()));
    let refused = match value {
        Some(v) if !host_allowed(v, &host) => Some(format!(
            "this server answers to its IP address, localhost or NAME.local, not to \"{}\": open it by its address, or start it with --host and that name",
            v.chars().take(80).collect::<String>().escape_debug()
        )),
        None => Some("the request names no host".to_string()),
        _ if req
            .headers()
            .get("sec-fetch-site")
            .is_some_and(|v| v.as_bytes() == b"cross-site") =>
        {
            Some("the page's API answers the page, not other sites".to_string())
        }
        _ => None,
    };
    let mut r = match refused {
        Some(message) => Reply::new(StatusCode::FORBIDDEN, message).into_response(),
        None => next.run(req).await,
    };
    let h = r.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("frame-ancestors 'none'"),
    );
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap()
    }

    /// A request waiting for a turn whose client hangs up (its future is dropped) gives
    /// its place back: the queue is as long as before.
    #[test]
    fn a_dropped_request_gives_its_place_back() {
        runtime().block_on(async {
            let gate = Gate::new(1, 2, Duration::from_secs(60));
            // The one permit is taken, so what comes next waits.
            let held = gate.permits.clone().acquire_owned().await.unwrap();
            for _ in 0..5 {
                let mut a = Box::pin(gate.run(|| Ok(1)));
                let mut b = Box::pin(gate.run(|| Ok(2)));
                // Polled once each: both wait in the queue.
                assert!(futures_poll(&mut a).is_none());
                assert!(futures_poll(&mut b).is_none());
                assert_eq!(gate.waiting(), 2);
                drop(a);
                drop(b);
                assert_eq!(gate.waiting(), 0);
            }
            drop(held);
            assert_eq!(gate.run(|| Ok(3)).await.unwrap(), 3);
        });
    }

    /// A full queue refuses with 429 and gives nothing away.
    #[test]
    fn a_full_queue_refuses_and_keeps_its_count() {
        runtime().block_on(async {
            let gate = Gate::new(1, 1, Duration::from_secs(60));
            let held = gate.permits.clone().acquire_owned().await.unwrap();
            let mut a = Box::pin(gate.run(|| Ok(1)));
            assert!(futures_poll(&mut a).is_none());
            let refused = gate.run(|| Ok(2)).await.unwrap_err();
            assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
            assert_eq!(gate.waiting(), 1);
            drop(held);
            assert_eq!(a.await.unwrap(), 1);
            assert_eq!(gate.waiting(), 0);
        });
    }

    /// Polls a future once.
    fn futures_poll<F: std::future::Future + Unpin>(f: &mut F) -> Option<F::Output> {
        let waker = std::task::Waker::noop();
        let mut cx = std::task::Context::from_waker(waker);
        match std::pin::Pin::new(f).poll(&mut cx) {
            std::task::Poll::Ready(v) => Some(v),
            std::task::Poll::Pending => None,
        }
    }

    #[test]
    fn hosts_that_no_other_site_can_name_are_allowed() {
        for ok in [
            "127.0.0.1:8080",
            "127.0.0.1",
            "localhost:3000",
            "LOCALHOST",
            "[::1]:80",
            "[::1]",
            "192.168.1.20:8080",
            "app.localhost:1",
            "teacher.example:8080",
            "teachers-laptop.local:8080",
        ] {
            assert!(host_allowed(ok, "teacher.example"), "{ok}");
        }
        for bad in [
            "evil.example:8080",
            "evil.example",
            "127.0.0.1.evil.example",
            "[::1",
            "[::1]x",
            "",
        ] {
            assert!(!host_allowed(bad, "127.0.0.1"), "{bad}");
        }
    }
}
