// The what-if lab: the page's state lives in the URL (s, p, c, runs, seed, the what-if's
// title t when the teacher wrote one, the contested readings r, and for a scenario of several pairs of states, pairs
// and layout); every change asks the server for the chart and the numbers. No library, no network beyond the page's own server.
"use strict";

const $ = (id) => document.getElementById(id);
const state = { s: "", p: "", c: [], runs: 200, seed: 1, pairs: [], layout: "", t: "", r: "" };
// With more pairs than this, the page starts with the first of them ticked.
const MOST_PAIRS = 4;
let scenario = null;   // the scenario's events, leaders and presets
let editing = null;    // the event the editor changes
let inflight = null;   // the lab request in progress
let addresses = [];    // the page's addresses students on the network can open

function query(extra) {
  const q = new URLSearchParams();
  q.set("s", state.s);
  if (state.p) q.set("p", state.p);
  if (state.c.length) q.set("c", state.c.join(","));
  q.set("runs", String(state.runs));
  q.set("seed", String(state.seed));
  if (state.pairs.length) q.set("pairs", state.pairs.join(","));
  if (state.layout) q.set("layout", state.layout);
  if (state.t && (state.c.length || state.p)) q.set("t", state.t);
  if (state.r) q.set("r", state.r);
  for (const [k, v] of Object.entries(extra || {})) q.set(k, v);
  return q.toString();
}

function readUrl() {
  const q = new URLSearchParams(location.search);
  state.s = q.get("s") || "";
  state.p = q.get("p") || "";
  state.c = (q.get("c") || "").split(",").filter((x) => x);
  state.runs = parseInt(q.get("runs") || "200", 10) || 200;
  state.seed = parseInt(q.get("seed") || "1", 10);
  if (!(state.seed >= 0)) state.seed = 1;
  state.pairs = (q.get("pairs") || "").split(",").filter((x) => x);
  state.layout = q.get("layout") || "";
  state.t = (q.get("t") || "").trim();
  state.r = q.get("r") || "";
}

// Contested readings: r is "" (each as written), "all" (each run draws) or the readings
// chosen, "ID=NAME,...", as `--readings` takes them.
function pinsOf(r) {
  const pins = {};
  if (r && r !== "all" && r !== "default") {
    for (const part of r.split(",")) { const [id, name] = part.split("="); if (id && name) pins[id] = name; }
  }
  return pins;
}

function contestedById(id) { return scenario && (scenario.contested || []).find((c) => c.id === id); }

function fillReadings() {
  const items = scenario.contested || [];
  $("readings").hidden = !items.length;
  if (!items.length) state.r = "";
  const all = state.r === "all";
  $("readings-all").checked = all;
  const pins = pinsOf(state.r);
  $("reading-items").replaceChildren(...items.map((c, i) => {
    const id = "reading-" + i;
    const sel = el("select", { id, "data-item": c.id, onchange: pickReadings, "aria-describedby": id + "-src" },
      ...c.readings.map((r, k) => el("option", { value: r.name }, (k === 0 ? "as written: " : "or: ") + r.name.replaceAll("_", " "))));
    sel.value = pins[c.id] || c.readings[0].name;
    if (!sel.value) sel.value = c.readings[0].name;
    sel.disabled = all;
    return el("div", { class: "reading" },
      el("label", { for: id }, c.title + (c.kind === "checkpoint" ? " (a checkpoint)" : "")),
      sel, el("p", { class: "src", id: id + "-src" }));
  }));
  renderReadingSources();
}

// Under each choice, the source of the reading chosen (with all drawn: every source).
function renderReadingSources() {
  const all = state.r === "all";
  for (const sel of $("reading-items").querySelectorAll("select")) {
    const c = contestedById(sel.dataset.item);
    const shown = all ? c.readings : c.readings.filter((r) => r.name === sel.value);
    $(sel.id + "-src").replaceChildren(...shown.map((r) => el("span", {},
      (all ? r.name.replaceAll("_", " ") + ": " : "Source: ") + r.source)));
  }
}

function pickReadings() {
  if ($("readings-all").checked) state.r = "all";
  else {
    state.r = [...$("reading-items").querySelectorAll("select")]
      .filter((sel) => sel.value !== contestedById(sel.dataset.item).readings[0].name)
      .map((sel) => sel.dataset.item + "=" + sel.value).join(",");
  }
  for (const sel of $("reading-items").querySelectorAll("select")) sel.disabled = state.r === "all";
  renderReadingSources();
  update();
}

function pairName(key) {
  const p = scenario && scenario.pairs.find((x) => x.key === key);
  return p ? p.name : key;
}

// Several pairs: the picker is shown, and the state names the pairs ticked (none when all
// are, so a link stays short). One pair: no picker, and the page is as it always was.
function fillPairs() {
  const pairs = scenario.pairs || [];
  const many = pairs.length > 1;
  $("pairs").hidden = !many;
  $("explain-pairs").hidden = !many;
  const keys = pairs.map((p) => p.key);
  state.pairs = state.pairs.filter((k) => keys.includes(k));
  if (!many) { state.pairs = []; state.layout = ""; }
  else if (!state.pairs.length && pairs.length > MOST_PAIRS) state.pairs = keys.slice(0, MOST_PAIRS);
  if (state.pairs.length === keys.length) state.pairs = [];
  $("pair-boxes").replaceChildren(...pairs.map((p, i) => el("label", { class: "pair" },
    el("input", { type: "checkbox", id: "pair-" + i, value: p.key, onchange: pickPairs }), " " + p.name)));
  renderPairs();
}

function shownPairs() {
  const keys = (scenario.pairs || []).map((p) => p.key);
  return state.pairs.length ? keys.filter((k) => state.pairs.includes(k)) : keys;
}

function renderPairs() {
  const shown = shownPairs();
  for (const box of $("pair-boxes").querySelectorAll("input")) box.checked = shown.includes(box.value);
  const layout = state.layout || (shown.length > MOST_PAIRS ? "panels" : "lines");
  for (const r of document.querySelectorAll("input[name=layout]")) {
    r.checked = r.value === layout;
    r.disabled = shown.length < 2;
  }
  $("explain-pairs").textContent = "For " + (shown.length === 1 ? "the pair shown: " : "each pair shown: ") + shown.map(pairName).join("; ") + ".";
}

function pickPairs(ev) {
  const ticked = [...$("pair-boxes").querySelectorAll("input")].filter((b) => b.checked).map((b) => b.value);
  // A chart of no pair says nothing: the last pair stays ticked.
  if (!ticked.length) { ev.target.checked = true; $("status").textContent = "At least one pair stays on the chart."; return; }
  state.pairs = ticked.length === scenario.pairs.length ? [] : ticked;
  renderPairs();
  update();
}

async function getJson(url) {
  const r = await fetch(url);
  const body = await r.json().catch(() => ({ error: "the server answered " + r.status }));
  if (!r.ok) throw body;
  return body;
}

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else if (v !== false && v !== null && v !== undefined) e.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children) e.append(c);
  return e;
}

function eventById(id) { return scenario && scenario.events.find((e) => e.id === id); }
function leaderById(id) { return scenario && scenario.leaders.find((l) => l.id === id); }

function codeInWords(code) {
  const [kind, a, b, d] = code.split(":");
  const ev = eventById(a);
  const t = ev ? "“" + ev.title + "”" : a;
  const name = (id) => (leaderById(id) || { name: id }).name;
  switch (kind) {
    case "remove": return t + " never happens";
    case "move": return t + " moved to " + b;
    case "scale": return t + " weighs × " + b;
    case "chance": return t + " has a chance of " + b;
    case "end": return name(a) + " leaves office on " + b;
    case "lead": return name(b) + " in " + name(a) + "’s place from " + d;
    default: return code;
  }
}

// Replaces the change of one kind for one subject, or adds it.
function setChange(code) {
  const [kind, subject] = code.split(":");
  const same = (c) => { const [k, s] = c.split(":"); return s === subject && (k === kind || (k === "remove" || kind === "remove")); };
  state.c = state.c.filter((c) => !same(c));
  state.c.push(code);
  update();
}

function dropChange(i) { state.c.splice(i, 1); update(); }

function renderChanges() {
  const ul = $("changes");
  ul.replaceChildren();
  const preset = scenario && scenario.presets.find((p) => p.key === state.p);
  if (preset) ul.append(el("li", {}, el("span", {}, "Prepared: " + preset.title)));
  state.c.forEach((code, i) => {
    ul.append(el("li", {}, el("span", {}, codeInWords(code)),
      el("button", { type: "button", onclick: () => dropChange(i), "aria-label": "Undo: " + codeInWords(code) }, "Undo")));
  });
  if (!preset && !state.c.length) ul.append(el("li", { class: "none" }, "None yet: this is the history as scripted."));
  $("count").textContent = state.c.length ? "(" + state.c.length + ")" : "";
  $("clear").disabled = !state.c.length && !state.p;
  for (const row of document.querySelectorAll(".event")) {
    const id = row.dataset.id;
    const removed = state.c.includes("remove:" + id);
    const touched = state.c.some((c) => c.split(":")[1] === id);
    row.classList.toggle("off", removed);
    row.classList.toggle("touched", touched);
    const box = row.querySelector("input");
    if (box) box.checked = !removed;
  }
}

function renderEvents() {
  const box = $("events");
  box.replaceChildren();
  const term = $("search").value.trim().toLowerCase();
  const eras = [];
  for (const e of scenario.events) {
    // Titles, ids, dates ("1969"), sources and eras ("border") are searched.
    const text = [e.title, e.id, e.date || e.kind, e.source, e.era].join(" ").toLowerCase();
    if (term && !text.includes(term)) continue;
    let era = eras.find((x) => x.name === e.era);
    if (!era) { era = { name: e.era, events: [] }; eras.push(era); }
    era.events.push(e);
  }
  const order = scenario.eras.concat(["Not on a fixed date"]);
  eras.sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
  for (const era of eras) {
    const d = el("details", { class: "era", open: term ? true : false },
      el("summary", {}, era.name + " (" + era.events.length + ")"));
    for (const e of era.events) {
      const boxId = "ev-" + e.id;
      const when = e.date ? e.date : e.kind;
      d.append(el("div", { class: "event", "data-id": e.id },
        el("input", { type: "checkbox", id: boxId, checked: true,
          onchange: (ev) => ev.target.checked ? (state.c = state.c.filter((c) => c !== "remove:" + e.id), update()) : setChange("remove:" + e.id) }),
        el("label", { for: boxId }, e.title, contestedById(e.id) ? el("span", { class: "tag", title: "Historians read this event two ways: see Contested readings" }, "contested") : ""),
        el("button", { type: "button", onclick: () => edit(e), "aria-label": "Change " + e.title }, "Change…"),
        el("span", { class: "meta" }, when + " · " + e.id + " · " + e.source)));
    }
    box.append(d);
  }
  if (!eras.length) box.append(el("p", { class: "hint" }, "No event matches “" + term + "”."));
  renderChanges();
}

function edit(e) {
  editing = e;
  $("editor").hidden = false;
  $("editor-event").textContent = e.title + (e.date ? " (" + e.date + ")" : " (" + e.kind + ")");
  $("move-to").value = e.date || "";
  $("move-form").hidden = !e.date;
  $("chance").value = String(e.chance);
  $("move-to").focus();
  if (!e.date) $("scale-by").focus();
}

function fillLeaders() {
  // A scenario that names no leader has nothing to end or replace.
  $("leaders").hidden = !scenario.leaders.length;
  // Grouped by state, so an option is only the leader's name and their years: short
  // enough to be read whole in a drop-down on a narrow screen.
  const states = [...new Set(scenario.leaders.map((l) => l.state))];
  const years = (l) => {
    if (!l.terms.length) return "";
    const from = l.terms.map((t) => t.from).sort()[0].slice(0, 4);
    const ends = l.terms.map((t) => t.to || "");
    const to = ends.includes("") ? "" : ends.sort().pop().slice(0, 4);
    return ", " + from + (to === from ? "" : "-" + to);
  };
  const opts = (sel) => {
    sel.replaceChildren(...states.map((s) => el("optgroup", { label: s },
      ...scenario.leaders.filter((l) => l.state === s).map((l) => el("option", { value: l.id }, l.name + years(l))))));
  };
  opts($("leader")); opts($("by")); opts($("replaced"));
}

function renderView(v) {
  $("view-title").textContent = v.title;
  $("svg").innerHTML = v.svg;
  const svg = $("svg").querySelector("svg");
  if (svg) {
    svg.setAttribute("viewBox", "0 0 " + v.width + " " + v.height);
    svg.removeAttribute("width"); svg.removeAttribute("height");
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-labelledby", "alt");
  }
  $("alt").textContent = v.alt;
  // The files the chart's small print names, for this view.
  $("files").replaceChildren("The numbers behind the chart: ",
    ...v.files.flatMap((f, i) => [i ? ", " : "", el("a", { href: "api/data?" + query({ file: f }), download: f }, f)]));
  // With several pairs, a paragraph per pair shown, under its name.
  if (scenario.pairs.length > 1 && v.summaries) {
    $("summary").replaceChildren(...v.summaries.map((x) => el("p", {},
      x.pair_name ? el("b", {}, x.pair_name + ": ") : "", x.text)));
  } else {
    $("summary").replaceChildren(el("p", {}, v.summary));
  }
  // Readings chosen other than as written: said under the summary, with their sources.
  const pins = pinsOf(v.readings);
  const read = Object.entries(pins).map(([id, name]) => {
    const c = contestedById(id);
    const r = c && c.readings.find((x) => x.name === name);
    return el("li", {}, (c ? c.title : id) + ", read as “" + name.replaceAll("_", " ") + "”" + (r ? " (" + r.source + ")" : ""));
  });
  if (read.length) $("summary").append(el("h4", {}, "Read otherwise than the scenario as written"), el("ul", { class: "card" }, ...read));
  // With every reading drawn: what holds under every reading, and what does not.
  // The lines are `compare`'s; its curve names become words.
  const name = v.file ? v.file.replace(/\.ron$/, "") : null;
  const words = (l) => l.startsWith("baseline: ") ? "history as scripted: " + l.slice(10)
    : name && l.startsWith(name + ": ") ? "what-if: " + l.slice(name.length + 2)
    : name && l.startsWith(name + " ") ? "the what-if " + l.slice(name.length + 1) : l;
  const kind = (l) => /^(event|checkpoint) \S+: .* runs?(,|$)/.test(l) ? "src" : l.includes("does not hold") ? "breaks" : "";
  const held = (v.held || []).filter((l) => !l.startsWith("Under the contested readings"));
  if (held.length) {
    $("summary").append(el("h4", {}, "Under every reading (" + v.runs + " runs, each drawing one reading of each contested item)"),
      el("ul", { class: "card held" }, ...held.map((l) => el("li", { class: kind(l) }, words(l).replaceAll("_", " ")))));
  }
  // A what-if's report card: the rules historians hold counterfactuals to.
  if (v.card && v.card.length) {
    $("summary").append(el("h4", {}, "The what-if's report card"),
      el("ul", { class: "card" }, ...v.card.map((line) => el("li", {}, line))));
  }
  const marks = $("marks");
  marks.replaceChildren();
  v.markers.forEach((m, i) => {
    const b = el("button", { type: "button", class: "mark", tabindex: i === 0 ? "0" : "-1",
      style: "left:" + (100 * m.x / v.width) + "%;top:" + (100 * m.y / v.height) + "%",
      "aria-label": m.date + ": " + m.title + (scenario.pairs.length > 1 ? " (" + m.pair_name + ")" : "") + ". Source: " + m.source });
    b.addEventListener("mouseenter", () => tip(m, v));
    b.addEventListener("focus", () => tip(m, v));
    b.addEventListener("mouseleave", () => { if (document.activeElement !== b) $("tip").hidden = true; });
    b.addEventListener("blur", () => { $("tip").hidden = true; });
    b.addEventListener("click", () => { $("month").value = m.date.slice(0, 7); explain(); });
    b.addEventListener("keydown", (ev) => {
      const step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1, Home: -1e9, End: 1e9 }[ev.key];
      if (step === undefined) return;
      ev.preventDefault();
      const all = [...marks.children];
      const j = Math.max(0, Math.min(all.length - 1, i + step));
      all.forEach((x, k) => x.tabIndex = k === j ? 0 : -1);
      all[j].focus();
    });
    marks.append(b);
  });
  const tb = $("checks");
  tb.replaceChildren();
  // With several pairs, the checkpoints come by pair, each under its pair's name.
  const many = scenario.pairs.length > 1;
  const rows = many ? v.pairs.flatMap((k) => v.checkpoints.filter((c) => c.pair === k)) : v.checkpoints;
  let group = null;
  for (const c of rows) {
    if (many && c.pair !== group) {
      group = c.pair;
      tb.append(el("tr", { class: "pair-row" }, el("th", { scope: "colgroup", colspan: "5" }, c.pair_name)));
    }
    const mark = (m) => m === null || m === undefined ? el("td", {}, "–") : el("td", { class: m ? "met" : "missed" }, m ? "met" : "missed");
    const row = el("tr", { class: c.variant !== null && c.variant !== c.baseline ? "changed" : "" },
      el("th", { scope: "row" }, c.id), el("td", {}, c.from === c.to ? c.from : c.from + " to " + c.to),
      el("td", {}, c.expect, c.quote ? el("br") : "", c.quote ? el("span", { class: "src" }, "“" + c.quote + "” (" + c.source + ")") : ""),
      mark(c.baseline), mark(c.variant));
    tb.append(row);
  }
  const dl = $("download");
  if (v.counterfactual) {
    dl.href = "api/counterfactual?" + query();
    dl.download = v.file;
    dl.setAttribute("aria-disabled", "false");
  } else {
    dl.removeAttribute("href");
    dl.setAttribute("aria-disabled", "true");
  }
  // With a what-if, "Explain" asks which run: the history's, the what-if's, or both (each
  // of seed N: the lines are means, an explanation is of one run).
  $("explain-run-label").hidden = !v.counterfactual;
  const runs = { both: "both runs (seed " + v.seed + " of each)", whatif: "the what-if's run (seed " + v.seed + ")", history: "the history's run (seed " + v.seed + ")" };
  for (const o of $("explain-run").options) o.textContent = runs[o.value];
  // The what-if's title, for the teacher to edit; the history's is not theirs to change.
  const title = $("title");
  title.disabled = !v.counterfactual;
  if (document.activeElement !== title) title.value = v.counterfactual ? v.title : "";
}

function onLoopback() {
  const h = location.hostname;
  return h === "localhost" || h.startsWith("127.") || h === "[::1]" || h === "::1";
}

// The link to this view that students can open: on this machine's loopback address, the
// same view at the machine's network address (the first the server gives).
function shareLink() {
  if (!onLoopback() || !addresses.length) return location.href;
  return addresses[0].replace(/\/$/, "") + location.pathname + location.search;
}

function renderShare() {
  const link = shareLink();
  const local = onLoopback() && !addresses.length;
  $("share-link").textContent = link;
  $("share-note").textContent = local
    ? "This address opens on this machine only: start the server with --host 0.0.0.0 for students on the network to open it."
    : "Students on the same network open this link, or scan the code:";
  $("qr").hidden = local;
  if (!$("share").hidden && !local) {
    const src = "api/qr?text=" + encodeURIComponent(link);
    if ($("qr").getAttribute("src") !== src) $("qr").src = src;
  }
}

function tip(m, v) {
  const t = $("tip");
  t.replaceChildren(el("b", {}, m.date + ": " + m.title),
    scenario.pairs.length > 1 ? el("span", { class: "src pair" }, m.pair_name) : "",
    el("span", { class: "src" }, "Source: " + m.source),
    m.note ? el("div", {}, m.note) : "");
  t.hidden = false;
  const left = 100 * m.x / v.width;
  t.style.left = left < 60 ? left + 1 + "%" : "auto";
  t.style.right = left >= 60 ? (100 - left) + 1 + "%" : "auto";
  t.style.top = (100 * m.y / v.height < 55 ? 100 * m.y / v.height + 3 : 5) + "%";
}

// Runs outside what the server takes: the message, and the field back to the last runs.
function runsOutOfRange() {
  const asked = Number($("runs").value);
  const most = parseInt($("runs").max, 10);
  if (Number.isInteger(asked) && asked >= 1 && asked <= most) return false;
  $("error").hidden = false;
  const back = state.runs >= 1 && state.runs <= most ? state.runs : 200;
  $("error").textContent = "Runs must be a whole number from 1 to " + most + ", not “" + $("runs").value + "”: back to " + back + ".";
  $("runs").value = back;
  state.runs = back;
  return true;
}

// A date field's value, if it is a real day YYYY-MM-DD within the scenario's span; else
// the field says what it takes.
function dateOf(id) {
  const f = $(id);
  const v = f.value.trim();
  const real = /^\d{4}-\d{2}-\d{2}$/.test(v) && !isNaN(Date.parse(v + "T00:00:00Z")) && new Date(v + "T00:00:00Z").toISOString().slice(0, 10) === v;
  const inside = real && (!scenario || (v >= scenario.from && v <= scenario.to));
  f.setCustomValidity(inside ? "" : "Write a day from " + scenario.from + " to " + scenario.to + " as YYYY-MM-DD.");
  if (!inside) { f.reportValidity(); return null; }
  return v;
}

async function update() {
  if (runsOutOfRange()) return;
  state.runs = Math.max(1, parseInt($("runs").value, 10) || 200);
  state.seed = Math.max(0, parseInt($("seed").value, 10) || 0);
  history.replaceState(null, "", "?" + query());
  renderShare();
  $("handout").href = "api/handout?" + query();
  renderChanges();
  const ask = query();
  inflight = ask;
  $("chart").classList.add("busy");
  $("status").textContent = state.c.length || state.p ? "Running " + state.runs + " paired runs…" : "Drawing the history as scripted…";
  const started = performance.now();
  try {
    const v = await getJson("api/lab?" + ask);
    if (inflight !== ask) return;
    $("error").hidden = true;
    renderView(v);
    // An explanation on screen is of the view before: explain the same month again.
    if ($("explain").textContent && $("month").value) explain();
    // The history alone is one run; a what-if turns the black line into a mean of runs.
    $("status").textContent = (v.counterfactual
      ? v.runs + " paired runs (seeds " + v.seed + " to " + (v.seed + v.runs - 1) + "): the black line is now the mean of " + v.runs + " runs of the history as scripted, the coloured line the what-if's"
      : "One run (seed " + v.seed + "): the black line is a single simulated history; a change runs " + v.runs + " paired runs and the line becomes their mean") + " · " + Math.round(performance.now() - started) + " ms";
  } catch (e) {
    if (inflight !== ask) return;
    $("error").hidden = false;
    // A change made on the page is told in one plain sentence (its file's located message
    // is `detail`); a file's own problems come with the file.
    $("error").textContent = (e.error || String(e)) + (e.counterfactual && !e.detail ? "\n\nThe what-if as a file:\n" + e.counterfactual : "");
    $("status").textContent = "This what-if cannot run: see the message.";
  } finally {
    if (inflight === ask) $("chart").classList.remove("busy");
  }
}

async function explain() {
  const at = $("month").value;
  if (!at) return;
  try {
    const run = $("explain-run-label").hidden ? {} : { run: $("explain-run").value };
    const v = await getJson("api/explain?" + query({ at, ...run }));
    $("explain").textContent = v.text;
  } catch (e) {
    $("explain").textContent = e.error || String(e);
  }
}

async function loadScenario() {
  scenario = await getJson("api/scenario?s=" + encodeURIComponent(state.s));
  $("preset").replaceChildren(el("option", { value: "" }, "none: the history as scripted"),
    ...scenario.presets.map((p) => el("option", { value: p.key }, p.title)));
  $("preset").value = state.p;
  $("month").min = scenario.from.slice(0, 7);
  $("month").max = scenario.to.slice(0, 7);
  for (const id of ["move-to", "end-on", "lead-from"]) $(id).title = "A day from " + scenario.from + " to " + scenario.to + ", YYYY-MM-DD";
  fillLeaders();
  fillPairs();
  fillReadings();
  renderEvents();
}

async function start() {
  readUrl();
  $("runs").value = state.runs;
  $("seed").value = state.seed;
  try { addresses = (await getJson("api/addresses")).addresses; } catch (_) { addresses = []; }
  try {
    const list = await getJson("api/scenarios");
    $("scenario").replaceChildren(...list.scenarios.map((s) => el("option", { value: s.key }, s.title)));
    if (!state.s && list.scenarios.length) state.s = list.scenarios[0].key;
    $("scenario").value = state.s;
    await loadScenario();
  } catch (e) {
    $("error").hidden = false;
    $("error").textContent = e.error || String(e);
    return;
  }
  // Runs from the address outside what the server takes are set back before the first ask.
  runsOutOfRange();
  update();
}

function wire() {
  $("scenario").addEventListener("change", async () => {
    state.s = $("scenario").value; state.p = ""; state.c = []; state.pairs = []; state.layout = ""; state.t = ""; state.r = "";
    await loadScenario(); update();
  });
  $("preset").addEventListener("change", () => { state.p = $("preset").value; update(); });
  $("runs").addEventListener("change", update);
  $("seed").addEventListener("change", update);
  $("search").addEventListener("input", renderEvents);
  $("readings-all").addEventListener("change", pickReadings);
  for (const r of document.querySelectorAll("input[name=layout]")) {
    r.addEventListener("change", () => { state.layout = r.value; renderPairs(); update(); });
  }
  $("clear").addEventListener("click", () => { state.c = []; state.p = ""; state.t = ""; $("preset").value = ""; update(); });
  // An emptied title gives back the one made from the changes.
  $("title").addEventListener("change", () => { state.t = $("title").value.trim(); update(); });
  $("copy").addEventListener("click", async () => {
    const link = shareLink();
    const where = onLoopback() && !addresses.length ? " (on this machine only: see “Link for students”)" : "";
    try { await navigator.clipboard.writeText(link); $("status").textContent = "Link copied: " + link + where; }
    catch (_) { $("status").textContent = "Copy this link: " + link + where; }
  });
  $("share-open").addEventListener("click", () => {
    const open = $("share").hidden;
    $("share").hidden = !open;
    $("share-open").setAttribute("aria-expanded", String(open));
    renderShare();
  });
  $("download").addEventListener("click", (e) => { if ($("download").getAttribute("aria-disabled") === "true") e.preventDefault(); });
  $("explain-form").addEventListener("submit", (e) => { e.preventDefault(); explain(); });
  $("explain-run").addEventListener("change", () => { if ($("month").value) explain(); });
  $("move-form").addEventListener("submit", (e) => { e.preventDefault(); const d = dateOf("move-to"); if (editing && d) setChange("move:" + editing.id + ":" + d); });
  $("scale-form").addEventListener("submit", (e) => { e.preventDefault(); if (editing) setChange("scale:" + editing.id + ":" + $("scale-by").value); });
  $("chance-form").addEventListener("submit", (e) => { e.preventDefault(); if (editing) setChange("chance:" + editing.id + ":" + $("chance").value); });
  $("end-form").addEventListener("submit", (e) => { e.preventDefault(); const d = dateOf("end-on"); if (d) setChange("end:" + $("leader").value + ":" + d); });
  $("lead-form").addEventListener("submit", (e) => { e.preventDefault(); const d = dateOf("lead-from"); if (d) setChange("lead:" + $("replaced").value + ":" + $("by").value + ":" + d); });
  for (const id of ["move-to", "end-on", "lead-from"]) $(id).addEventListener("input", () => $(id).setCustomValidity(""));
}

wire();
start();
