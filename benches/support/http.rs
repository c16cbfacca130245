//! A minimal HTTP/1.1 client over a loopback TCP socket, for the classroom server's tests
//! and benches and for talking to chromedriver: one request per connection, the whole
//! answer read into memory. A real client crate would add more to the build than these
//! few lines do.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// An answer: status, headers (lowercased names) and body.
#[derive(Clone, Debug)]
pub struct Answer {
    /// Status code.
    pub status: u16,
    /// Headers, names lowercased.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl Answer {
    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }

    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Sends one request to `base` (`http://host:port/`) for `path` (`/api/...`).
pub fn request(
    base: &str,
    method: &str,
    path: &str,
    body: Option<(&str, &[u8])>,
) -> std::io::Result<Answer> {
    let host = base
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    let mut s = TcpStream::connect(&host)?;
    s.set_read_timeout(Some(Duration::from_secs(120)))?;
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n");
    if let Some((kind, bytes)) = body {
        head.push_str(&format!(
            "Content-Type: {kind}\r\nContent-Length: {}\r\n",
            bytes.len()
        ));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes())?;
    if let Some((_, bytes)) = body {
        // The server may refuse a body that is too large before reading it all.
        let _ = s.write_all(bytes);
    }
    // Read until the answer is complete: some servers keep the connection open even
    // when asked to close it.
    let mut raw = Vec::new();
    let mut buf = [0u8; 64 * 1024];
    loop {
        if complete(&raw) {
            break;
        }
        match s.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => raw.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) if raw.is_empty() => return Err(e),
            Err(_) => break,
        }
    }
    parse(&raw).ok_or_else(|| std::io::Error::other("malformed HTTP answer"))
}

/// GET `path`.
pub fn get(base: &str, path: &str) -> Answer {
    request(base, "GET", path, None).unwrap_or_else(|e| panic!("GET {path}: {e}"))
}

/// POST `body` to `path`.
pub fn post(base: &str, path: &str, kind: &str, body: &[u8]) -> Answer {
    request(base, "POST", path, Some((kind, body))).unwrap_or_else(|e| panic!("POST {path}: {e}"))
}

/// Whether `raw` holds a whole answer: headers and a body of the length they announce, or
/// the last chunk of a chunked body.
fn complete(raw: &[u8]) -> bool {
    let Some(end) = raw.windows(4).position(|w| w == b"\r\n\r\n") else {
        return false;
    };
    let head = String::from_utf8_lossy(&raw[..end]).to_ascii_lowercase();
    let body = raw.len() - end - 4;
    if let Some(len) = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok())
    {
        return body >= len;
    }
    if head.contains("transfer-encoding: chunked") {
        return raw.ends_with(b"0\r\n\r\n");
    }
    false
}

fn parse(raw: &[u8]) -> Option<Answer> {
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&raw[..end]).ok()?;
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let rest = &raw[end + 4..];
    let chunked = headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && v.contains("chunked"));
    let body = if chunked {
        dechunk(rest)?
    } else {
        rest.to_vec()
    };
    Some(Answer {
        status,
        headers,
        body,
    })
}

fn dechunk(mut rest: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line = rest.windows(2).position(|w| w == b"\r\n")?;
        let size =
            usize::from_str_radix(std::str::from_utf8(&rest[..line]).ok()?.trim(), 16).ok()?;
        rest = &rest[line + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(rest.get(..size)?);
        rest = rest.get(size + 2..)?;
    }
}

/// GETs every path of `paths` at the same moment, one client thread each (they start
/// together at a barrier), and returns each answer with how long it took, in the order
/// of `paths`.
pub fn at_once(base: &str, paths: &[String]) -> Vec<(Answer, std::time::Duration)> {
    let start = std::sync::Arc::new(std::sync::Barrier::new(paths.len()));
    let clients: Vec<_> = paths
        .iter()
        .map(|path| {
            let (base, path, start) = (base.to_string(), path.clone(), start.clone());
            std::thread::spawn(move || {
                start.wait();
                let t = std::time::Instant::now();
                let a = get(&base, &path);
                (a, t.elapsed())
            })
        })
        .collect();
    clients
        .into_iter()
        .map(|c| c.join().expect("a client thread panicked"))
        .collect()
}
