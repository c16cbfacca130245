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
        self.js_with(script, json!([]))
    }

    fn js_with(&self, script: &str, args: Value) -> Value {
        self.post("execute/sync", json!({ "script": script, "args": args }))
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
    // The removed event is marked on its date, as `compare` marks it: a dashed wine-red
    // line down the plot and its label, both on screen.
    // At 1024 px the panel is under the chart: its link goes back up to the chart.
    b.click("#to-chart");
    let mark = b.js(
        "const svg = document.querySelector('#svg svg'); const on = (e) => { const r = e.getBoundingClientRect(); return e.checkVisibility() && r.bottom > 0 && r.right > 0 && r.left < innerWidth ? r : null; }; const dashes = [...svg.querySelectorAll('polyline[stroke=\"#882255\"]')].map(on).filter((r) => r); const label = [...svg.querySelectorAll('text[fill=\"#882255\"]')].find((t) => t.textContent.includes('removed: Khrushchev') && on(t)); return [dashes.length, dashes.length ? Math.max(...dashes.map((r) => r.bottom)) - Math.min(...dashes.map((r) => r.top)) : 0, !!label, svg.getBoundingClientRect().height];",
    );
    assert!(
        mark[0].as_u64().unwrap() > 5 && mark[2] == json!(true),
        "the removed event is not marked: {mark}"
    );
    assert!(
        mark[1].as_f64().unwrap() > 0.4 * mark[3].as_f64().unwrap(),
        "the mark does not run down the plot: {mark}"
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

    // The teacher renames the what-if: the chart, the link and the download follow.
    assert_eq!(
        b.js("const t = document.querySelector('#title'); return [t.disabled, t.value.endsWith('never happened')];"),
        json!([false, true])
    );
    b.js("const t = document.querySelector('#title'); t.value = 'Without the Secret Speech'; t.dispatchEvent(new Event('change'));");
    b.until(
        "the renamed what-if",
        "return !document.querySelector('#chart.busy') && document.querySelector('#svg svg').outerHTML.includes('What if? Without the Secret Speech');",
    );
    let url = b.js("return location.href;").as_str().unwrap().to_string();
    assert!(url.contains("t=Without+the+Secret+Speech"), "{url}");
    let renamed = Browser::open(&chromium, &driver, 1920, 1080);
    renamed.go(&url);
    renamed.until(
        "the renamed view from its link",
        "return document.querySelector('#title').value === 'Without the Secret Speech' && !document.querySelector('#chart.busy');",
    );
    renamed.screenshot("page-1920x1080-titled.png");

    // Download the what-if and check it with the binary, beside the shipped ones.
    b.click("#download");
    let file = b.downloads.path().join("without_the_secret_speech.ron");
    let started = Instant::now();
    while !file.exists() {
        assert!(started.elapsed() < Duration::from_secs(30), "no download");
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_millis(300));
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join("counterfactuals")).unwrap();
    std::fs::copy(shipped().join(SINO), tmp.path().join(SINO)).unwrap();
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        text.contains("name: Some(\"without_the_secret_speech\")")
            && text.contains("title: \"Without the Secret Speech\""),
        "{text}"
    );
    let saved = tmp
        .path()
        .join("counterfactuals/without_the_secret_speech.ron");
    std::fs::copy(&file, saved).unwrap();
    let r = diplosim(
        tmp.path(),
        &["check", "counterfactuals/without_the_secret_speech.ron"],
    );
    assert_eq!(r.code, Some(0), "{}{}", r.stdout, r.stderr);
}

#[test]
fn a_student_picks_which_pairs_of_three_states_to_see() {
    let Some((chromium, driver)) = browser() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/three_states.ron");
    std::fs::copy(fixture, tmp.path().join("three_states.ron")).unwrap();
    let s = server(tmp.path());
    let b = Browser::open(&chromium, &driver, 1024, 768);
    b.go(&format!("{}?s=three_states.ron", s.url));
    b.until("the three pairs", SVG_READY);
    let picker = "return [document.querySelector('#pairs').hidden, [...document.querySelectorAll('#pair-boxes input')].map((i) => [i.value, i.checked, i.checkVisibility()]), [...document.querySelectorAll('#checks tr.pair-row')].map((r) => r.textContent)];";
    assert_eq!(
        b.js(picker),
        json!([
            false,
            [
                ["china/soviet_union", true, true],
                ["china/us", true, true],
                ["soviet_union/us", true, true]
            ],
            [
                "China – Soviet Union",
                "China – United States",
                "Soviet Union – United States"
            ]
        ])
    );
    b.screenshot("page-1024x768-three-pairs.png");

    // Untick a pair: it leaves the chart, the checkpoints and the link.
    b.click("#pair-0");
    b.until(
        "the chart of two pairs",
        "return location.search.includes('pairs=') && !document.querySelector('#chart.busy') && document.querySelectorAll('#checks tr.pair-row').length === 2;",
    );
    let url = b.js("return location.href;").as_str().unwrap().to_string();
    assert!(
        url.contains("pairs=china%2Fus%2Csoviet_union%2Fus")
            || url.contains("pairs=china/us,soviet_union/us"),
        "{url}"
    );

    // A scenario of one pair has no picker.
    let one = server(&shipped());
    b.go(&format!("{}?s={SINO}", one.url));
    b.until("the history as scripted", SVG_READY);
    assert_eq!(
        b.js("return [document.querySelector('#pairs').checkVisibility(), document.querySelectorAll('#checks tr.pair-row').length];"),
        json!([false, 0])
    );
}

#[test]
fn a_class_picks_the_triangle_and_moves_nixons_visit_on_two_pairs() {
    let Some((chromium, driver)) = browser() else {
        return;
    };
    let s = server(&shipped());
    for (w, h) in [(1024, 768), (1920, 1080)] {
        let b = Browser::open(&chromium, &driver, w, h);
        // The page opens on a scenario; the class picks the triangle in the picker.
        b.go(&format!("{}?runs=20", s.url));
        b.until("the first scenario", SVG_READY);
        b.js("const p = document.querySelector('#scenario'); p.value = 'strategic_triangle_1949_1991.ron'; p.dispatchEvent(new Event('change'));");
        b.until(
            "the triangle",
            "return document.querySelector('#view-title').textContent.includes('strategic triangle') && !document.querySelector('#chart.busy') && document.querySelectorAll('#pair-boxes input').length === 3 ? true : null;",
        );
        // Its prepared questions are its five what-ifs, and only those.
        let presets = b.js("return [...document.querySelectorAll('#preset option')].map((o) => o.value).filter((v) => v);");
        assert_eq!(
            presets,
            json!([
                "counterfactuals/triangle_no_afghanistan_invasion.ron",
                "counterfactuals/triangle_no_kissinger_channel.ron",
                "counterfactuals/triangle_no_tiananmen_crackdown.ron",
                "counterfactuals/triangle_strike_on_lop_nur.ron",
                "counterfactuals/triangle_us_recognises_prc_1950.ron"
            ])
        );
        // The eras are each pair's; no event before 1949 is offered; the leader
        // drop-downs hold only who rules within 1949-1991.
        let eras = b.js("return [...document.querySelectorAll('#events details.era summary')].map((x) => x.textContent);");
        let eras: Vec<&str> = eras
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_str().unwrap())
            .collect();
        assert!(
            eras.contains(&"China – United States: Opening (17)"),
            "{eras:?}"
        );
        assert!(eras.contains(&"Not on a fixed date (5)"), "{eras:?}");
        assert!(
            b.js("return document.querySelector('#ev-treaty_1945');")
                .is_null()
        );
        let leaders = b.js("return [...document.querySelectorAll('#leader option')].map((o) => o.textContent).join('; ');");
        let leaders = leaders.as_str().unwrap();
        assert!(
            !leaders.contains("Lenin") && !leaders.contains("Sun Yat-sen"),
            "{leaders}"
        );
        assert!(leaders.contains("Harry S. Truman, 1945-1953"), "{leaders}");
        // "Why is the score what it is?" asks for a month of the span only.
        assert_eq!(
            b.js("const m = document.querySelector('#month'); return [m.min, m.max];"),
            json!(["1949-01", "1991-12"])
        );
        // Nixon's visit, moved to 1975 from its "Change…" form: China's relations with
        // both others part from the history, the third pair does not.
        b.type_into("#search", "Nixon visits China");
        b.js("document.querySelector(\"#events .event[data-id='nixon_visit'] button\").click();");
        b.js("document.querySelector('#move-to').value = '';");
        b.type_into("#move-to", "1975-06-01");
        b.js("document.querySelector('#move-form').requestSubmit();");
        let said = b.until(
            "the what-if, pair by pair",
            "const t = document.querySelector('#view-title').textContent; const p = [...document.querySelectorAll('#summary p')].map((x) => x.textContent); return t.includes('1975-06-01') && !document.querySelector('#chart.busy') && p.length >= 3 ? p : null;",
        );
        let said: Vec<&str> = said
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_str().unwrap())
            .collect();
        for (pair, parts) in [
            ("China – Soviet Union: ", true),
            ("China – United States: ", true),
            ("Soviet Union – United States: ", false),
        ] {
            let text = said
                .iter()
                .find(|x| x.starts_with(pair))
                .unwrap_or_else(|| panic!("{pair} {said:?}"));
            assert_eq!(
                text.contains("first parts from the history as scripted in March 1972"),
                parts,
                "{text}"
            );
        }
        // The three lines are named at their ends on the chart, on screen.
        let names = b.js("const svg = document.querySelector('#svg svg'); return ['China –', 'Soviet Union –', 'United States'].map((n) => [...svg.querySelectorAll('text')].some((t) => t.textContent.includes(n) && t.getBoundingClientRect().height >= 11));");
        assert_eq!(names, json!([true, true, true]), "at {w}x{h}");
        b.js("window.scrollTo(0, 0);");
        b.screenshot(&format!("page-{w}x{h}-triangle-nixon-1975.png"));
    }
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

/// Writes the handout of "no secret speech" (20 runs) with `diplosim handout` into `dir`,
/// with the extra arguments `more` (e.g. `--table`).
fn handout(dir: &Path, more: &[&str]) -> PathBuf {
    let file = dir.join("handout.html");
    let sc = shipped().join(SINO);
    let cf = shipped().join("counterfactuals/no_secret_speech.ron");
    let mut args = vec![
        "handout",
        sc.to_str().unwrap(),
        cf.to_str().unwrap(),
        "--runs",
        "20",
        "--out",
        file.to_str().unwrap(),
    ];
    args.extend(more);
    let r = diplosim(dir, &args);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    file
}

/// The paper sizes a handout must print on, in cm (portrait width and height).
const PAPERS: [(&str, f64, f64); 2] = [("a4", 21.0, 29.7), ("letter", 21.59, 27.94)];

/// DejaVu Sans's ascent plus descent in ems (hhea 1901 + 483 over 2048): poppler's box of a
/// word is this many times its font size.
const DEJAVU_BOX_EMS: f64 = 2384.0 / 2048.0;

#[test]
fn the_handout_prints_on_two_pages_with_every_word_at_9_pt_or_more() {
    let Some((chromium, driver)) = browser() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let b = Browser::open(&chromium, &driver, 1024, 768);
    // The history alone, a what-if, and a what-if of three pairs of states.
    let history = tmp.path().join("history.html");
    let r = diplosim(
        tmp.path(),
        &[
            "handout",
            shipped().join(SINO).to_str().unwrap(),
            "--out",
            history.to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let triangle = tmp.path().join("triangle.html");
    let r = diplosim(
        tmp.path(),
        &[
            "handout",
            crate::common::fixture("three_states.ron").to_str().unwrap(),
            "--out",
            triangle.to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let whatif = handout(tmp.path(), &[]);
    // The shipped what-if with the longest report card: a leader replaced, three changes,
    // a cotenability warning.
    let longest = tmp.path().join("malenkov.html");
    let r = diplosim(
        tmp.path(),
        &[
            "handout",
            shipped().join(SINO).to_str().unwrap(),
            shipped()
                .join("counterfactuals/malenkov_instead_of_khrushchev.ron")
                .to_str()
                .unwrap(),
            "--runs",
            "20",
            "--out",
            longest.to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    for file in [history, whatif, longest, triangle] {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        b.go(&format!("file://{}", file.display()));
        for (paper, w, h) in PAPERS {
            let pdf = b.post(
                "print",
                json!({"page": {"width": w, "height": h}, "orientation": "landscape", "background": true}),
            );
            let pdf = base64(pdf.as_str().unwrap());
            let what = format!("{name} on {paper}");
            std::fs::write(
                Path::new(env!("CARGO_TARGET_TMPDIR"))
                    .join(format!("two-pages-{paper}-{name}.pdf")),
                &pdf,
            )
            .unwrap();
            let Some(pages) = pdf_pages(&pdf) else {
                return;
            };
            assert_eq!(pages, 2, "{what}: {pages} pages");
            let Some(words) = pdf_words(&pdf) else {
                return;
            };
            assert!(words.len() > 300, "{what}: {} words", words.len());
            let small: Vec<String> = words
                .iter()
                .filter(|w| w.1 / DEJAVU_BOX_EMS < 8.95)
                .map(|w| format!("{} ({:.1} pt, page {})", w.0, w.1 / DEJAVU_BOX_EMS, w.2))
                .collect();
            assert!(small.is_empty(), "{what}: words under 9 pt: {small:?}");
            // Page 1: the question, the chart (its key says the line is simulated) and what
            // the runs say; page 2: the debrief and the checkpoints with their sources.
            let on = |page: usize| -> String {
                words
                    .iter()
                    .filter(|w| w.2 == page)
                    .map(|w| w.0.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            let (one, two) = (on(1), on(2));
            // With several pairs, page 1 is the chart and what the runs say, pair beside
            // pair, opens page 2.
            let several = name == "triangle.html";
            let runs = "What the runs say";
            for part in ["?", "simulated"] {
                assert!(one.contains(part), "{what}: page 1 lacks `{part}`: {one}");
            }
            assert_eq!(one.contains(runs), !several, "{what}: page 1: {one}");
            assert_eq!(two.contains(runs), several, "{what}: page 2: {two}");
            for part in [
                "Questions for the debrief",
                "Checkpoints of the documented timeline",
                "“",
            ] {
                assert!(two.contains(part), "{what}: page 2 lacks `{part}`: {two}");
            }
        }
    }
}

/// The number of pages of a PDF by poppler's `pdfinfo`, or `None` (after a note) on a
/// machine without it; under CI its absence fails.
fn pdf_pages(pdf: &[u8]) -> Option<usize> {
    let tool = poppler("PDFINFO", "/usr/bin/pdfinfo")?;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("handout.pdf");
    std::fs::write(&file, pdf).unwrap();
    let out = Command::new(tool).arg(&file).output().expect("run pdfinfo");
    assert!(
        out.status.success(),
        "pdfinfo: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let pages = text
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok());
    Some(pages.unwrap_or_else(|| panic!("pdfinfo names no page count: {text}")))
}

/// Every word of a PDF by poppler's `pdftotext -bbox`: its text, its box's height in
/// points and its page (from 1), or `None` (after a note) on a machine without it.
fn pdf_words(pdf: &[u8]) -> Option<Vec<(String, f64, usize)>> {
    let tool = poppler("PDFTOTEXT", "/usr/bin/pdftotext")?;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("handout.pdf");
    std::fs::write(&file, pdf).unwrap();
    let out = Command::new(tool)
        .arg("-bbox")
        .arg(&file)
        .arg("-")
        .output()
        .expect("run pdftotext");
    assert!(
        out.status.success(),
        "pdftotext: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let html = String::from_utf8(out.stdout).expect("pdftotext writes UTF-8");
    let attr = |tag: &str, name: &str| -> f64 {
        let at = tag.find(&format!("{name}=\"")).expect("a word's box") + name.len() + 2;
        tag[at..tag[at..].find('"').unwrap() + at].parse().unwrap()
    };
    let mut words = Vec::new();
    let mut page = 0;
    for line in html.lines().map(str::trim) {
        if line.starts_with("<page ") {
            page += 1;
        } else if let Some(rest) = line.strip_prefix("<word ") {
            let (tag, text) = rest.split_once('>').expect("a word");
            let text = text.trim_end_matches("</word>");
            let text = text
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&apos;", "'")
                .replace("&amp;", "&");
            words.push((text, attr(tag, "yMax") - attr(tag, "yMin"), page));
        }
    }
    Some(words)
}

/// A poppler tool, or `None` (after a note) on a machine without it; under CI, where
/// `.ci/run` installs poppler-utils, its absence fails.
fn poppler(var: &str, default: &str) -> Option<PathBuf> {
    let found = tool(var, default);
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "{default} is missing: CI must install poppler-utils (.ci/run)"
        );
        eprintln!(
            "note: the printed handout not checked: no {default} (apt-get install poppler-utils)"
        );
    }
    found
}

#[test]
fn the_handout_prints_with_its_chart_and_table() {
    let Some((chromium, driver)) = browser() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let file = handout(tmp.path(), &["--table"]);
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
    let printed: Printed = serde_json::from_value(b.js(
        "const svg = document.querySelector('figure.chart svg'); const rest = [...document.body.querySelectorAll('*')].filter((e) => !e.closest('svg')).map((e) => [...e.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent).join(' ')).join(' '); const chart = [...svg.querySelectorAll('text')].map((t) => t.textContent.trim()).filter((t) => t.length >= 12 && !rest.includes(t)); const rows = [...document.querySelectorAll('table.scores tbody tr')]; return { chart, months: rows.length, rows: [0, 100, 400, rows.length - 1].map((i) => [...rows[i].children].map((c) => c.textContent.trim()).join(' ')) };",
    ))
    .unwrap();
    for (paper, w, h) in PAPERS {
        let pdf = b.post(
            "print",
            json!({"page": {"width": w, "height": h}, "orientation": "landscape", "background": true}),
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
        let Some(text) = pdf_text(&pdf) else {
            continue;
        };
        let words = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ");
        let flat = words(&text);
        // The chart: its texts that the handout says nowhere else (legend, small print,
        // the mark of the changed event) are printed.
        let missing: Vec<&String> = printed
            .chart
            .iter()
            .filter(|t| !flat.contains(&words(t)))
            .collect();
        assert!(
            printed.chart.len() >= 5 && missing.is_empty(),
            "{paper}: the chart's texts {missing:?} of {:?} are not in the PDF",
            printed.chart
        );
        // The table: every month is printed, and a month's row keeps its scores on its line.
        let months = text
            .split_whitespace()
            .filter(|w| {
                w.len() == 7
                    && w.as_bytes()[4] == b'-'
                    && w[..4].parse::<u32>().is_ok()
                    && w[5..].parse::<u32>().is_ok()
            })
            .count();
        assert!(
            months >= printed.months,
            "{paper}: {months} months printed of {}",
            printed.months
        );
        let lines: Vec<String> = text.lines().map(words).collect();
        for row in &printed.rows {
            assert!(
                lines.iter().any(|l| l.contains(row.as_str())),
                "{paper}: the row \"{row}\" is not printed on one line"
            );
        }
    }
}

/// The text of a PDF by poppler's `pdftotext -layout`, or `None` (after a note) on a
/// machine without it; under CI, where `.ci/run` installs it, its absence fails.
fn pdf_text(pdf: &[u8]) -> Option<String> {
    let Some(tool) = tool("PDFTOTEXT", "/usr/bin/pdftotext") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "pdftotext is missing: CI must install poppler-utils (.ci/run)"
        );
        eprintln!(
            "note: the PDF's text not checked: no /usr/bin/pdftotext (apt-get install poppler-utils)"
        );
        return None;
    };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("handout.pdf");
    std::fs::write(&file, pdf).unwrap();
    let out = Command::new(tool)
        .arg("-layout")
        .arg(&file)
        .arg("-")
        .output()
        .expect("run pdftotext");
    assert!(
        out.status.success(),
        "pdftotext: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(String::from_utf8(out.stdout).expect("pdftotext writes UTF-8"))
}

/// What the handout shows that its PDF must print.
#[derive(serde::Deserialize)]
struct Printed {
    /// The chart's texts (of 12 characters or more) found nowhere else in the handout.
    chart: Vec<String>,
    /// The number of months in the data table.
    months: usize,
    /// Some rows of the data table, their cells joined by a space.
    rows: Vec<String>,
}

/// The contrast measurer: every text, its colour and what is painted under it.
const CONTRAST: &str = include_str!("contrast.js");

/// Contrast findings of several states: the failures by name, and the lowest ratio.
#[derive(Default)]
struct Contrast {
    texts: usize,
    chart_texts: usize,
    failures: Vec<String>,
    /// The lowest ratio of a text, and of a focus outline, with where it was found.
    lowest: [Option<(f64, String)>; 2],
}

impl Contrast {
    /// Measures the page in `b` (`mode` "all" or "focus") and files what it finds under
    /// `state`.
    fn measure(&mut self, b: &Browser, state: &str, mode: &str) {
        let found = b.js_with(CONTRAST, json!([mode]));
        for t in found.as_array().expect("a list of texts") {
            let (name, ratio, need) = (
                t["name"].as_str().unwrap(),
                t["ratio"].as_f64().unwrap(),
                t["need"].as_f64().unwrap(),
            );
            let what = format!(
                "{state}: {name}: {ratio}:1, needs {need}:1 ({} on {}, {} px)",
                t["fg"], t["bg"], t["px"]
            );
            self.texts += 1;
            if name.starts_with("text ") || name.contains(": text ") {
                self.chart_texts += 1;
            }
            if ratio < need {
                self.failures.push(what.clone());
            }
            let lowest = &mut self.lowest[usize::from(name.contains("the focus outline of"))];
            if lowest.as_ref().is_none_or(|(r, _)| ratio < *r) {
                *lowest = Some((ratio, what));
            }
        }
    }
}

#[test]
fn every_text_on_the_page_and_the_handout_meets_wcag_aa_contrast() {
    let Some((chromium, driver)) = browser() else {
        return;
    };
    let s = server(&shipped());
    let mut c = Contrast::default();
    for (w, h) in [(1024, 768), (1920, 1080)] {
        let b = Browser::open(&chromium, &driver, w, h);
        // The history as scripted, then each control focused in turn (with the event
        // marks' tooltips).
        b.go(&format!("{}?s={SINO}&runs=20", s.url));
        b.until("the history as scripted", SVG_READY);
        c.measure(&b, &format!("{w}x{h}, history"), "all");
        c.measure(&b, &format!("{w}x{h}, history"), "focus");
        // A what-if with every era of the panel open, the editor of an event and a month
        // explained: the chart now has a variant, its band and a changed event marked.
        b.go(&format!(
            "{}?s={SINO}&c=remove:secret_speech,scale:leap_ridiculed:0.5&runs=20",
            s.url
        ));
        b.until(
            "the what-if",
            "return document.querySelector('#files').textContent.includes('compare.csv') && !document.querySelector('#chart.busy');",
        );
        b.js("document.querySelectorAll('details').forEach(d => d.open = true); document.querySelector('#events .event button').click(); document.querySelector('#month').value = '1960-07'; document.querySelector('#explain-form').requestSubmit(); return 1;");
        b.until(
            "the explanation",
            "return document.querySelector('#explain').textContent.length > 0 && !document.querySelector('#editor').hidden;",
        );
        c.measure(&b, &format!("{w}x{h}, what-if panel open"), "all");
        c.measure(&b, &format!("{w}x{h}, what-if panel open"), "focus");
        // A change that cannot run: the located message.
        b.go(&format!(
            "{}?s={SINO}&c=scale:secret_speech:x&runs=20",
            s.url
        ));
        b.until(
            "the error",
            "return !document.querySelector('#error').hidden;",
        );
        c.measure(&b, &format!("{w}x{h}, a bad change"), "all");
    }

    // The handout, on screen and laid out for print.
    let tmp = tempfile::tempdir().unwrap();
    let file = handout(tmp.path(), &["--table"]);
    let b = Browser::open(&chromium, &driver, 1024, 768);
    b.go(&format!("file://{}", file.display()));
    c.measure(&b, "handout", "all");
    b.post(
        "goog/cdp/execute",
        json!({"cmd": "Emulation.setEmulatedMedia", "params": {"media": "print"}}),
    );
    c.measure(&b, "handout printed", "all");

    let [Some((text, what)), Some((outline, where_))] = c.lowest.clone() else {
        panic!("no text or no focus outline measured");
    };
    eprintln!(
        "contrast: {} texts and outlines measured ({} in the charts); the lowest text {text}:1, {what}; the lowest focus outline {outline}:1, {where_}",
        c.texts, c.chart_texts
    );
    assert!(c.texts > 1000, "only {} texts measured", c.texts);
    assert!(
        c.chart_texts > 200,
        "only {} chart texts measured",
        c.chart_texts
    );
    assert!(
        c.failures.is_empty(),
        "under WCAG AA contrast:\n{}",
        c.failures.join("\n")
    );
}

/// A teacher who opened the page on loopback, with the server on every address: "Copy
/// link" and the QR code give the machine's network address, not 127.0.0.1.
#[test]
fn the_link_for_students_uses_the_machines_network_address() {
    let Some((chromium, driver)) = browser() else {
        return;
    };
    let s = start(Config {
        dir: shipped(),
        host: "0.0.0.0".into(),
        port: 0,
        limits: Limits::default(),
    })
    .expect("the server starts");
    let given = request(&s.url, "GET", "/api/addresses", None)
        .unwrap()
        .json()["addresses"]
        .as_array()
        .unwrap()
        .clone();
    let b = Browser::open(&chromium, &driver, 1024, 768);
    b.go(&format!(
        "{}?s={SINO}&c=remove:secret_speech&runs=20",
        s.url
    ));
    b.until("the what-if", SVG_READY);
    b.click("#share-open");
    let link = b.js("return document.querySelector('#share-link').textContent;");
    let link = link.as_str().unwrap().to_string();
    b.click("#copy");
    // The clipboard may answer later, or refuse (then the page shows the link to copy).
    let status = b.until(
        "the copied link",
        "const t = document.querySelector('#status').textContent; return /^(Link copied|Copy this link)/.test(t) ? t : null;",
    );
    assert!(status.as_str().unwrap().contains(&link), "{status}");
    let Some(first) = given.first().and_then(Value::as_str) else {
        eprintln!("skipped the network address: this machine has none besides loopback");
        assert!(link.starts_with("http://127.0.0.1:"), "{link}");
        let note = b.js("return document.querySelector('#share-note').textContent;");
        assert!(note.as_str().unwrap().contains("--host 0.0.0.0"), "{note}");
        return;
    };
    assert!(
        link.starts_with(first) && link.contains("c=remove%3Asecret_speech"),
        "{link} is not at {first}"
    );
    let drawn = b.until(
        "the QR code",
        "const i = document.querySelector('#qr'); return i.complete && i.naturalWidth > 0 && i.checkVisibility() ? i.getAttribute('src') : null;",
    );
    assert!(drawn.as_str().unwrap().contains("text="), "{drawn}");
    b.screenshot("page-1024x768-share.png");
    // The link opens the same view from the network address.
    let other = Browser::open(&chromium, &driver, 1024, 768);
    other.go(&link);
    other.until("the view at the network address", SVG_READY);
    let at = other.js("return location.href;");
    assert_eq!(at.as_str().unwrap(), link);
}

/// At 1024x768 the what-if panel comes just under the chart; "Undo all changes" waits for
/// a change; search finds dates, sources and eras; the checkpoints give the sources'
/// words; an out-of-range runs value is set back after its message; dates are typed
/// YYYY-MM-DD within the scenario's span; the status says what the black line is.
#[test]
fn the_page_at_1024_keeps_the_panel_by_the_chart_and_its_small_items_work() {
    let Some((chromium, driver)) = browser() else {
        return;
    };
    let s = server(&shipped());
    let b = Browser::open(&chromium, &driver, 1024, 768);
    b.go(&format!("{}?s={SINO}&runs=20", s.url));
    b.until("the history as scripted", SVG_READY);
    let gap = b.js(
        "return document.querySelector('#panel').getBoundingClientRect().top - document.querySelector('figure.chart').getBoundingClientRect().bottom;",
    );
    assert!(
        gap.as_f64().unwrap() < 80.0,
        "the panel is {gap} px under the chart"
    );
    assert_eq!(
        b.js("return document.querySelector('#clear').disabled;"),
        json!(true)
    );
    let status = b.js("return document.querySelector('#status').textContent;");
    let status = status.as_str().unwrap();
    assert!(
        status.starts_with("One run (seed 1): the black line is a single simulated history"),
        "{status}"
    );
    // The sources' words in the checkpoints.
    let quoted = b.js(
        "return [...document.querySelectorAll('#checks td .src')].filter((s) => /^“.+” \\(.+\\)$/.test(s.textContent)).length;",
    );
    assert!(
        quoted.as_u64().unwrap() >= 5,
        "{quoted} checkpoints quote a source"
    );
    b.screenshot("page-1024x768-panel.png");

    // Search by a year and by an era's word.
    let found = |term: &str| {
        b.js_with(
            "const f = document.querySelector('#search'); f.value = arguments[0]; f.dispatchEvent(new Event('input')); return [...document.querySelectorAll('.event')].map((e) => e.querySelector('label').textContent + ' | ' + e.querySelector('.meta').textContent);",
            json!([term]),
        )
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect::<Vec<_>>()
    };
    let of_1969 = found("1969");
    assert!(
        of_1969.iter().any(|e| e.contains("| 1969-03-02")),
        "{of_1969:?}"
    );
    let border = found("border");
    let titled = border
        .iter()
        .filter(|e| {
            e.split(" | ")
                .next()
                .unwrap()
                .to_lowercase()
                .contains("border")
        })
        .count();
    assert!(border.len() > titled, "only titles found: {border:?}");
    found("");

    // Runs out of range: the message, and the field back to the last runs.
    b.js("const r = document.querySelector('#runs'); r.value = '5000'; r.dispatchEvent(new Event('change'));");
    let error = b.js("return document.querySelector('#error').textContent;");
    assert!(
        error.as_str().unwrap().contains("from 1 to 1000"),
        "{error}"
    );
    assert_eq!(
        b.js("return document.querySelector('#runs').value;"),
        json!("20")
    );

    // A date: typed YYYY-MM-DD, and refused outside the scenario's span.
    b.js("document.querySelector('.event[data-id=secret_speech] button').click();");
    let field = b.js(
        "const f = document.querySelector('#move-to'); return [f.type, f.placeholder, f.value];",
    );
    assert_eq!(field, json!(["text", "YYYY-MM-DD", "1956-02-25"]));
    let refused = b.js(
        "const f = document.querySelector('#move-to'); f.value = '1800-01-01'; document.querySelector('#move-form').requestSubmit(); return f.validationMessage;",
    );
    assert!(
        refused.as_str().unwrap().contains("from 1917-"),
        "{refused}"
    );
    b.js("const f = document.querySelector('#move-to'); f.value = '1957-02-25'; f.dispatchEvent(new Event('input')); document.querySelector('#move-form').requestSubmit();");
    b.until(
        "the moved event's what-if",
        "return !document.querySelector('#chart.busy') && document.querySelector('#status').textContent.startsWith('20 paired runs');",
    );
    assert_eq!(
        b.js("return document.querySelector('#clear').disabled;"),
        json!(false)
    );
    let status = b.js("return document.querySelector('#status').textContent;");
    assert!(
        status
            .as_str()
            .unwrap()
            .contains("the black line is now the mean of 20 runs"),
        "{status}"
    );
    b.screenshot("page-1024x768-moved.png");
}

/// For each leader drop-down: its id, the options whose text does not fit in it, and
/// whether it sits inside the panel and the window.
const LEADER_FITS: &str = "const panel = document.querySelector('#panel').getBoundingClientRect(); const c = document.createElement('canvas').getContext('2d'); return ['leader', 'by', 'replaced'].map((id) => { const s = document.getElementById(id); const st = getComputedStyle(s); c.font = st.fontWeight + ' ' + st.fontSize + ' ' + st.fontFamily; const r = s.getBoundingClientRect(); const room = s.clientWidth - parseFloat(st.paddingLeft) - parseFloat(st.paddingRight) - 20; const cut = [...s.options].filter((o) => c.measureText(o.text).width > room).map((o) => o.text); return [id, cut, s.options.length, r.left >= panel.left - 1 && r.right <= panel.right + 1 && r.right <= innerWidth, r.width]; });";

#[test]
fn leader_drop_downs_show_every_name_whole_on_a_narrow_and_a_wide_screen() {
    let Some((chromium, driver)) = browser() else {
        return;
    };
    let s = server(&shipped());
    for (w, h) in [(1024, 768), (1920, 1080)] {
        let b = Browser::open(&chromium, &driver, w, h);
        b.go(&format!("{}?s={SINO}&runs=20", s.url));
        b.until("the history as scripted", SVG_READY);
        let fits = b.js(LEADER_FITS);
        for f in fits.as_array().unwrap() {
            assert!(
                f[2].as_u64().unwrap() >= 20,
                "{w}x{h}: too few leaders: {f}"
            );
            assert_eq!(f[1], json!([]), "{w}x{h}: names cut off in #{}: {f}", f[0]);
            assert_eq!(
                f[3],
                json!(true),
                "{w}x{h}: #{} leaves the panel: {f}",
                f[0]
            );
        }
        // Grouped by state: an option is the name and the years, not the state again.
        let groups = b.js(
            "return [...document.querySelectorAll('#replaced optgroup')].map((g) => g.label + ': ' + [...g.children].map((o) => o.text).join('; '));",
        );
        let groups: Vec<&str> = groups
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g.as_str().unwrap())
            .collect();
        assert_eq!(groups.len(), 2, "{groups:?}");
        assert!(
            groups[0].starts_with("China: Feng Guozhang, 1917-1918;"),
            "{groups:?}"
        );
        assert!(
            groups[1].contains("Konstantin Chernenko, 1984-1985"),
            "{groups:?}"
        );
        b.js("document.querySelector('#leaders').scrollIntoView();");
        b.screenshot(&format!("page-{w}x{h}-leaders.png"));
    }
}

#[test]
fn explain_says_which_run_and_explains_the_what_ifs_run() {
    let Some((chromium, driver)) = browser() else {
        return;
    };
    let s = server(&shipped());
    for (w, h) in [(1024, 768), (1920, 1080)] {
        let b = Browser::open(&chromium, &driver, w, h);
        b.go(&format!("{}?s={SINO}&runs=20&seed=4", s.url));
        b.until("the history as scripted", SVG_READY);
        // The history alone: one run, no choice to make.
        assert_eq!(
            b.js("return document.querySelector('#explain-run-label').hidden;"),
            json!(true)
        );
        b.js("document.querySelector('#month').value = '1962-06'; document.querySelector('#explain-form').requestSubmit();");
        let alone = b.until(
            "the history's explanation",
            "return document.querySelector('#explain').textContent;",
        );
        assert!(
            alone
                .as_str()
                .unwrap()
                .starts_with("Sino-Soviet relations, 1917-1991: the score on 1962-06-01 (seed 4)"),
            "{alone}"
        );
        // A what-if: the explanation on screen is made again, of both runs, each named.
        b.js("document.querySelector('#ev-secret_speech').click();");
        let both = b.until(
            "both runs explained",
            "const t = document.querySelector('#explain').textContent; return t.startsWith('The history as scripted, seed 4 (') ? t : null;",
        );
        assert!(
            both.as_str().unwrap().contains("\nThe what-if, seed 4 ("),
            "{both}"
        );
        let options = b.js(
            "return [...document.querySelector('#explain-run').options].map((o) => o.textContent);",
        );
        assert_eq!(
            options,
            json!([
                "both runs (seed 4 of each)",
                "the what-if's run (seed 4)",
                "the history's run (seed 4)"
            ])
        );
        b.js("const r = document.querySelector('#explain-run'); r.value = 'whatif'; r.dispatchEvent(new Event('change'));");
        let only = b.until(
            "the what-if's run explained",
            "const t = document.querySelector('#explain').textContent; return t.startsWith('The what-if, seed 4 (') ? t : null;",
        );
        assert!(
            !only
                .as_str()
                .unwrap()
                .contains("of the history as scripted"),
            "{only}"
        );
        b.js("document.querySelector('#explain-form').scrollIntoView();");
        b.screenshot(&format!("page-{w}x{h}-explain.png"));
    }
}

// Contested readings: a teacher picks a reading, the link reopens it, and "all" shows
// what holds under every reading.
#[test]
fn a_teacher_picks_a_contested_reading_and_the_link_reopens_it() {
    let Some((chromium, driver)) = browser() else {
        return;
    };
    let s = server(&shipped());
    for (w, h) in [(1024, 768), (1920, 1080)] {
        let b = Browser::open(&chromium, &driver, w, h);
        b.go(&format!("{}?s={SINO}&runs=4", s.url));
        b.until("the history as scripted", SVG_READY);
        let panel = "return [document.querySelector('#readings').checkVisibility(), [...document.querySelectorAll('#reading-items select')].map((s) => [s.dataset.item, s.options[0].textContent, s.value]), document.querySelectorAll('.event .tag').length];";
        assert_eq!(
            b.js(panel),
            json!([
                true,
                [
                    [
                        "yangtze_advice",
                        "as written: moscow advised",
                        "moscow_advised"
                    ],
                    [
                        "korean_war",
                        "as written: moscow and kim alone",
                        "moscow_and_kim_alone"
                    ],
                    [
                        "zhenbao_ambush",
                        "as written: chinese ambush",
                        "chinese_ambush"
                    ]
                ],
                3
            ])
        );
        assert!(
            b.js("return document.querySelector('#reading-2-src').textContent;")
                .as_str()
                .unwrap()
                .starts_with("Source: Westad 2017")
        );

        // The other reading of Zhenbao: its source shows, the link and the summary say it.
        b.js("const s = document.querySelector('#reading-2'); s.value = 'soviet_patrol_first'; s.dispatchEvent(new Event('change'));");
        b.until(
            "the run read otherwise",
            "return location.search.includes('r=zhenbao_ambush%3Dsoviet_patrol_first') && !document.querySelector('#chart.busy') && document.querySelector('#summary').textContent.includes('read as “soviet patrol first”');",
        );
        assert!(
            b.js("return document.querySelector('#reading-2-src').textContent;")
                .as_str()
                .unwrap()
                .contains("Renmin Ribao")
        );
        let link = b.js("return location.href;").as_str().unwrap().to_string();
        b.go(&link);
        b.until("the link reopened", SVG_READY);
        assert_eq!(
            b.js("return document.querySelector('#reading-2').value;"),
            json!("soviet_patrol_first")
        );
        b.js("document.querySelector('#readings').scrollIntoView();");
        b.screenshot(&format!("page-{w}x{h}-readings.png"));

        // Every reading drawn: the choices give way, the summary says what holds.
        b.click("#readings-all");
        let held = b.until(
            "what holds under every reading",
            "const l = [...document.querySelectorAll('#summary ul.held li')].map((x) => x.textContent); return location.search.includes('r=all') && !document.querySelector('#chart.busy') && l.length ? l : null;",
        );
        let held: Vec<&str> = held
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l.as_str().unwrap())
            .collect();
        assert!(
            held.iter().any(|l| l.contains("holds under every reading")),
            "{held:?}"
        );
        assert_eq!(
            b.js("return [...document.querySelectorAll('#reading-items select')].every((s) => s.disabled);"),
            json!(true)
        );
        b.js("document.querySelector('#summary').scrollIntoView();");
        b.screenshot(&format!("page-{w}x{h}-readings-all.png"));
    }
}
