//! The page itself: its HTML, CSS and script, embedded in the binary so that it works
//! offline, served as they are.

use axum::http::header;
use axum::response::{IntoResponse, Response};

const PAGE: &str = include_str!("page.html");
const CSS: &str = include_str!("page.css");
const JS: &str = include_str!("page.js");
/// The tab's icon: a rising and falling line, the chart's own shape.
const ICON: &str = include_str!("icon.svg");

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

pub(super) async fn page() -> Response {
    asset("text/html; charset=utf-8", PAGE)
}

pub(super) async fn css() -> Response {
    asset("text/css; charset=utf-8", CSS)
}

pub(super) async fn js() -> Response {
    asset("text/javascript; charset=utf-8", JS)
}

/// `/favicon.ico`, which browsers ask for whatever the page says: an SVG icon.
pub(super) async fn icon() -> Response {
    asset("image/svg+xml", ICON)
}
