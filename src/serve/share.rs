//! Links students can open: the addresses of this machine on the network, for a server
//! that listens on them, and a QR code of a link, drawn as SVG.
//!
//! A teacher who opened the page on `127.0.0.1` would otherwise send students a link to
//! their own machines; the page's "Copy link" and its QR code use these addresses instead.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::{App, Reply};

/// The page's addresses that students on the network can open, as `http://IP:PORT/`: for
/// a server listening on every address (`0.0.0.0`, or `::` for IPv6 too), each address of
/// the machine's interfaces that is up and neither loopback nor link-local (IPv4 first);
/// for one listening on one address that is not loopback, that address; none for
/// loopback. An interface list that cannot be read gives none.
pub fn student_addresses(local: SocketAddr) -> Vec<String> {
    let ip = local.ip();
    let ips: Vec<IpAddr> = if ip.is_loopback() {
        Vec::new()
    } else if ip.is_unspecified() {
        let mut ips: Vec<IpAddr> = if_addrs::get_if_addrs()
            .unwrap_or_default()
            .into_iter()
            .filter(|i| !i.is_loopback() && !i.is_link_local())
            .filter(|i| i.oper_status != if_addrs::IfOperStatus::Down)
            .map(|i| i.ip())
            .filter(|a| ip.is_ipv6() || a.is_ipv4())
            .collect();
        ips.sort_by_key(|a| (a.is_ipv6(), *a));
        ips.dedup();
        ips
    } else {
        vec![ip]
    };
    ips.into_iter()
        .map(|ip| {
            format!(
                "http://{}/",
                super::display_addr(SocketAddr::new(ip, local.port()))
            )
        })
        .collect()
}

/// The address of the page on this machine: the loopback address for a server that
/// listens on every address (a browser cannot open `0.0.0.0`), else the address itself.
pub(super) fn own_address(local: SocketAddr) -> String {
    let mut shown = local;
    if local.ip().is_unspecified() {
        shown.set_ip(match local {
            SocketAddr::V4(_) => IpAddr::from([127, 0, 0, 1]),
            SocketAddr::V6(_) => IpAddr::from(std::net::Ipv6Addr::LOCALHOST),
        });
    }
    format!("http://{}/", super::display_addr(shown))
}

/// `GET /api/addresses`.
#[derive(Serialize)]
struct Addresses<'a> {
    /// The page's addresses students can open (none when the server listens on loopback
    /// only).
    addresses: &'a [String],
}

pub(super) async fn addresses(State(app): State<Arc<App>>) -> Response {
    axum::Json(Addresses {
        addresses: &app.addresses,
    })
    .into_response()
}

/// The QR code of `text`, as an SVG image (black on white, with its quiet zone).
pub fn qr_svg(text: &str) -> Result<String, qrcode::types::QrError> {
    let code = qrcode::QrCode::new(text.as_bytes())?;
    Ok(code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(200, 200)
        .dark_color(qrcode::render::svg::Color("#000000"))
        .light_color(qrcode::render::svg::Color("#ffffff"))
        .build())
}

/// `GET /api/qr?text=`: the QR code of a link, as SVG.
pub(super) async fn qr(Query(q): Query<std::collections::BTreeMap<String, String>>) -> Response {
    let Some(text) = q.get("text").filter(|t| !t.is_empty()) else {
        return Reply::bad("the link (parameter text) is missing").into_response();
    };
    match qr_svg(text) {
        Ok(svg) => ([(header::CONTENT_TYPE, "image/svg+xml")], svg).into_response(),
        Err(e) => Reply::new(
            StatusCode::BAD_REQUEST,
            format!(
                "no QR code for a link of {} bytes ({e}): copy the link instead",
                text.len()
            ),
        )
        .into_response(),
    }
}
