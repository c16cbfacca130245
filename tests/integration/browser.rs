//! The classroom page in headless Chromium, driven through chromedriver's WebDriver API
//! with the tests' small HTTP client (no WebDriver crate: they add much to the build).
//!
//! Chromium and chromedriver are found at `/usr/bin` (or `$CHROMIUM`, `$CHROMEDRIVER`).
//! When they are missing, the tests say so and pass on a developer's machine, but fail
//! under CI (`CI` set), where `.ci/run` installs them: a browser test never passes by
//! silently not running.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use diplosim::serve::{Config, Limits, Running, start};
use serde_json::{Value, json};

use crate::common::diplosim;
use crate::support::http::{Answer, request};

const SINO: &str = "sino_soviet_1917_1991.ron";

fn shipped() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios")
}

fn tool(var: &str, default: &str) -> Option<PathBuf> {
    let p = std::env::var_os(var).map_or_else(|| PathBuf::from(default), PathBuf::from);
    p.exists().then_some(p)
}

/// Chromium and chromedriver, or `None` (after a note) on a machine without them.
fn browser() -> Option<(PathBuf, PathBuf)> {
    match (
        tool("CHROMIUM", "/usr/bin/chromium"),
        tool("CHROMEDRIVER", "/usr/bin/chromedriver"),
    ) {
        (Some(c), Some(d)) => Some((c, d)),
        _ if std::env::var_os("CI").is_some() => {
            panic!("chromium and chromedriver are missing: CI must install them (.ci/run)")
        }
        _ => {
            eprintln!(
                "note: browser test not run: no /usr/bin/chromium and /usr/bin/chromedriver (apt-get install chromium chromium-driver)"
            );
            None
        }
    }
}

/// A chromedriver process and one browser session; both end when dropped.
struct Browser {
    driver: Child,
    base: String,
    session: String,
    downloads: tempfile::TempDir,
    _profile: tempfile::TempDir,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = request(
            &self.base,
            "DELETE",
            &format!("/session/{}", self.session),
            None,
        );
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

impl Browser {
    fn open(chromium: &Path, driver: &Path, width: u32, height: u32) -> Browser {
        let port = free_port();
        let child = Command::new(driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let base = format!("http://127.0.0.1:{port}/");
        let started = Instant::now();
        while request(&base, "GET", "/status", None).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "chromedriver did not start"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        let profile = tempfile::tempdir().unwrap();
        let downloads = tempfile::tempdir().unwrap();
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update",
                    "--disable-sync",
                    format!("--user-data-dir={}", profile.path().display()),
                    format!("--window-size={width},{height}"),
                ],
                "prefs": {
                    "download.default_directory": downloads.path(),
                    "download.prompt_for_download": false,
                },
            },
        }}});
        let mut b = Browser {
            driver: child,
            base,
            session: String::new(),
            downloads,
            _profile: profile,
        };
        let v = b.call("POST", "/session", Some(caps));
        b.session = v["sessionId"].as_str().expect("a session id").to_string();
        b
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let text = body.map(|b| b.to_string());
        let a: Answer = request(
            &self.base,
            method,
            path,
            text.as_deref().map(|t| ("application/json", t.as_bytes())),
        )
        .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let v = a.json();
        assert_eq!(a.status, 200, "{method} {path}: {v}");
        v["value"].clone()
    }

    fn post(&self, what: &str, body: Value) -> Value {
        self.call(
            "POST",
            &format!("/session/{}/{what}", self.session),
            Some(body),
        )
    }

    fn go(&self, url: &str) {
        self.post("url", json!({ "url": url }));
    }

    fn js(&self, script: &str) -> Value {
        self.post("execute/sync", json!({ "script": script, "args": [] }))
    }

    /// Waits until `script` returns something truthy, and returns it.
    fn until(&self, what: &str, script: &str) -> Value {
        let started = Instant::now();
        loop {
            let v = self.js(script);
            if !(v.is_null() || v == json!(false) || v == json!("") || v == json!(0)) {
                return v;
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "timed out waiting for {what}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn element(&self, css: &str) -> String {
        let v = self.post("element", json!({"using": "css selector", "value": css}));
        v.as_object()
            .and_then(|o| o.values().next())
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("no element {css}"))
            .to_string()
    }

    fn click(&self, css: &str) {
        let id = self.element(css);
        self.post(&format!("element/{id}/click"), json!({}));
    }

    fn type_into(&self, css: &str, text: &str) {
        let id = self.element(css);
        self.post(&format!("element/{id}/value"), json!({ "text": text }));
    }

    fn tab(&self) {
        self.post(
            "actions",
            json!({"actions": [{"type": "key", "id": "kb", "actions": [
                {"type": "keyDown", "value": "\u{E004}"}, {"type": "keyUp", "value": "\u{E004}"}]}]}),
        );
    }

    fn screenshot(&self, name: &str) -> PathBuf {
        let v = self.call(
            "GET",
            &format!("/session/{}/screenshot", self.session),
            None,
        );
        let png = base64(v.as_str().unwrap());
        assert_eq!(&png[1..4], b"PNG");
        let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
        std::fs::write(&path, png).unwrap();
        path
    }
}

/// Decodes standard base64 (WebDriver's screenshots and PDFs).
fn base64(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let bits: Vec<u8> = text.bytes().filter_map(value).collect();
    let mut out = Vec::with_capacity(bits.len() * 3 / 4);
    for chunk in bits.chunks(4) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | (u32::from(b) << (18 - 6 * i)));
        let bytes = n.to_be_bytes();
        out.extend_from_slice(&bytes[1..chunk.len()]);
    }
    out
}

fn server(dir: &Path) -> Running {
    start(Config {
        dir: dir.to_path_buf(),
        host: "127.0.0.1".into(),
        port: 0,
        limits: Limits::default(),
    })
    .expect("the server starts")
}

const SVG_READY: &str = "const s = document.querySelector('#svg svg'); return s && !document.querySelector('#chart.busy') ? s.outerHTML : null;";

#[test]
fn a_student_removes_an_event_shares_the_link_and_downloads_the_what_if() {
    let Some((chromium, driver)) = browser() else {
        return;
    };
    let s = server(&shipped());
    let b = Browser::open(&chromium, &driver, 1024, 768);
    b.go(&format!("{}?s={SINO}&runs=50", s.url));
    let before = b.until("the history as scripted", SVG_READY);
    let lines_before = before.as_str().unwrap().matches("<polyline").count();
    b.screenshot("page-1024x768-history.png");

    // Toggle an event off: find it by searching, untick it, and see the variant appear.
    b.type_into("#search", "secret");
    b.click("#ev-secret_speech");
    let after = b.until(
        "the variant's curve",
        "const t = document.querySelector('#view-title').textContent; const s = document.querySelector('#svg svg'); return t.includes('never happened') && !document.querySelector('#chart.busy') ? s.outerHTML : null;",
    );
    let after = after.as_str().unwrap().to_string();
    assert!(
        after.matches("<polyline").count() > lines_before,
        "no new line drawn"
    );
    assert!(
        after.contains("never happened"),
        "the variant is not in the legend"
    );
    b.screenshot("page-1024x768-whatif.png");

    // The link restores the same view, number for number.
    let url = b.js("return location.href;").as_str().unwrap().to_string();
    assert!(
        url.contains("c=remove%3Asecret_speech") || url.contains("c=remove:secret_speech"),
        "{url}"
    );
    let other = Browser::open(&chromium, &driver, 1920, 1080);
    other.go(&url);
    let again = other.until("the shared view", SVG_READY);
    assert_eq!(
        again.as_str().unwrap(),
        after,
        "the shared link draws another chart"
    );
    let ticked = other.js("return document.querySelector('#ev-secret_speech').checked;");
    assert_eq!(ticked, json!(false));
    let summary = |br: &Browser| br.js("return document.querySelector('#summary').textContent;");
    assert_eq!(summary(&other), summary(&b));
    other.screenshot("page-1920x1080-whatif.png");

    // Download the what-if and check it with the binary, beside the shipped ones.
    b.click("#download");
    let file = b.downloads.path().join("whatif.ron");
    let started = Instant::now();
    while !file.exists() {
        assert!(started.elapsed() < Duration::from_secs(30), "no download");
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_millis(300));
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join("counterfactuals")).unwrap();
    std::fs::copy(shipped().join(SINO), tmp.path().join(SINO)).unwrap();
    std::fs::copy(&file, tmp.path().join("counterfactuals/whatif.ron")).unwrap();
    let r = diplosim(tmp.path(), &["check", "counterfactuals/whatif.ron"]);
    assert_eq!(r.code, Some(0), "{}{}", r.stdout, r.stderr);
}

#[test]
fn every_control_is_reached_by_keyboard_with_a_visible_focus() {
    let Some((chromium, driver)) = browser() else {
        return;
    };
    let s = server(&shipped());
    let b = Browser::open(&chromium, &driver, 1024, 768);
    b.go(&format!(
        "{}?s={SINO}&c=remove:secret_speech&runs=20",
        s.url
    ));
    b.until("the page", SVG_READY);
    // The eras of the event list open (as Enter on their summaries does), so their
    // controls are visible too.
    b.js("document.querySelectorAll('details').forEach(d => d.open = true); return 1;");
    // Every visible control, named by a path the focus walk can report too.
    let name = "function name(e) { return e.id || (e.tagName + ':' + (e.getAttribute('aria-label') || e.textContent).trim().slice(0, 40)); }";
    let controls = b.js(&format!(
        "{name} return [...document.querySelectorAll('a[href], button, input, select, summary, [tabindex=\"0\"]')].filter(e => !e.disabled && e.checkVisibility() && !e.closest('[hidden]') && !e.classList.contains('mark')).map(name);"
    ));
    let controls: Vec<String> = serde_json::from_value(controls).unwrap();
    assert!(controls.len() > 20, "{controls:?}");
    let mut seen = std::collections::BTreeSet::new();
    let mut unfocused = Vec::new();
    for _ in 0..controls.len() + 10 {
        b.tab();
        let v = b.js(&format!(
            "{name} const e = document.activeElement; const st = getComputedStyle(e); return [name(e), st.outlineStyle !== 'none' && parseFloat(st.outlineWidth) >= 2 || st.borderColor === 'rgb(196, 90, 0)', st.outlineStyle + ' ' + st.outlineWidth];"
        ));
        let n = v[0].as_str().unwrap().to_string();
        if v[1] != json!(true) {
            unfocused.push(format!("{n} ({})", v[2]));
        }
        seen.insert(n);
    }
    let missed: Vec<&String> = controls.iter().filter(|c| !seen.contains(*c)).collect();
    assert!(missed.is_empty(), "not reached by Tab: {missed:?}");
    unfocused.retain(|n| !n.starts_with("BODY:") && !n.is_empty());
    assert!(unfocused.is_empty(), "focus not visible on: {unfocused:?}");
    // The event marks take one Tab stop and move with the arrow keys.
    assert!(
        seen.iter()
            .any(|n| n.starts_with("BUTTON:") && n.contains("19")),
        "no event mark reached: {seen:?}"
    );
}

#[test]
fn the_handout_prints_with_its_chart_and_table() {
    let Some((chromium, driver)) = browser() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("handout.html");
    let r = diplosim(
        tmp.path(),
        &[
            "handout",
            shipped().join(SINO).to_str().unwrap(),
            shipped()
                .join("counterfactuals/no_secret_speech.ron")
                .to_str()
                .unwrap(),
            "--runs",
            "20",
            "--out",
            file.to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let b = Browser::open(&chromium, &driver, 1024, 768);
    b.go(&format!("file://{}", file.display()));
    // Laid out for print, the chart and the tables are there and take room.
    b.post(
        "goog/cdp/execute",
        json!({"cmd": "Emulation.setEmulatedMedia", "params": {"media": "print"}}),
    );
    let laid = b.js(
        "const r = (q) => { const e = document.querySelector(q); return e ? e.getBoundingClientRect().height : 0; }; return [r('figure.chart svg'), r('table.scores'), document.querySelectorAll('table.scores tbody tr').length];",
    );
    assert!(laid[0].as_f64().unwrap() > 200.0, "chart: {laid}");
    assert!(laid[1].as_f64().unwrap() > 100.0, "table: {laid}");
    assert!(laid[2].as_u64().unwrap() > 800, "monthly rows: {laid}");
    for (paper, w, h) in [("a4", 21.0, 29.7), ("letter", 21.59, 27.94)] {
        let pdf = b.post(
            "print",
            json!({"page": {"width": w, "height": h}, "background": true}),
        );
        let pdf = base64(pdf.as_str().unwrap());
        assert!(pdf.starts_with(b"%PDF"), "{paper}");
        let text = String::from_utf8_lossy(&pdf);
        let pages = text.matches("/Type /Page\n").count()
            + text.matches("/Type /Page ").count()
            + text.matches("/Type /Page>").count()
            + text.matches("/Type/Page/").count();
        std::fs::write(
            Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("handout-{paper}.pdf")),
            &pdf,
        )
        .unwrap();
        assert!(pdf.len() > 50_000, "{paper}: {} bytes", pdf.len());
        assert!(pages >= 3 || pdf.len() > 150_000, "{paper}: {pages} pages");
    }
}
