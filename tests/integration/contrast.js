// WCAG 2.x contrast of text against what is painted under it, measured in the browser.
// Colours are composited (alpha, opacity) over the page's backgrounds, or, for the chart's
// SVG text, over the shapes drawn before it at five points of the text's box; the worst
// point counts. Large text (24 px, or 18.66 px bold) needs 3:1, other text 4.5:1.
const rgba = (s) => {
  const m = String(s).match(/rgba?\(([^)]+)\)/);
  if (!m) return null;
  const p = m[1].split(/[ ,/]+/).filter((x) => x).map(Number);
  return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
};
const over = (top, under) => {
  const a = top[3];
  return [0, 1, 2].map((i) => top[i] * a + under[i] * (1 - a)).concat([1]);
};
const lum = (c) => {
  const f = (v) => { v /= 255; return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
  return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
};
const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
const hex = (c) => "#" + c.slice(0, 3).map((v) => Math.round(v).toString(16).padStart(2, "0")).join("");
// The colour painted by an HTML element's ancestors, root first, on a white canvas.
const htmlBackground = (e) => {
  const chain = [];
  for (let a = e; a && a.nodeType === 1; a = a.parentElement) chain.unshift(a);
  let c = [255, 255, 255, 1];
  for (const a of chain) {
    const st = getComputedStyle(a);
    const b = rgba(st.backgroundColor);
    if (b && b[3] > 0) c = over([b[0], b[1], b[2], b[3] * parseFloat(st.opacity)], c);
  }
  return c;
};
const svgPaint = (e) => {
  const st = getComputedStyle(e);
  const f = rgba(st.fill);
  if (!f || st.fill === "none") return null;
  return [f[0], f[1], f[2], f[3] * parseFloat(st.fillOpacity || 1) * parseFloat(st.opacity || 1)];
};
// What is painted under an SVG text at (x, y): the shapes drawn before it, over the page.
const svgBackground = (t, x, y) => {
  const svg = t.ownerSVGElement;
  let c = htmlBackground(svg);
  const shapes = document.elementsFromPoint(x, y)
    .filter((s) => s !== t && svg.contains(s) && ["rect", "polygon", "circle", "path", "ellipse"].includes(s.localName)
      && (s.compareDocumentPosition(t) & Node.DOCUMENT_POSITION_FOLLOWING))
    .reverse();
  for (const s of shapes) { const p = svgPaint(s); if (p) c = over(p, c); }
  return c;
};
const visible = (e) => {
  if (!e.checkVisibility({ opacityProperty: true, visibilityProperty: true })) return false;
  const r = e.getBoundingClientRect();
  return r.width > 0 && r.height > 0 && r.right > 0 && r.bottom > 0 && r.left < document.documentElement.scrollWidth;
};
const nameOf = (e) => {
  const id = e.id ? "#" + e.id : "";
  const cls = typeof e.className === "string" && e.className ? "." + e.className.trim().split(/\s+/).join(".") : "";
  const text = (e.value !== undefined && e.localName !== "button" && e.localName !== "li" ? String(e.value) : e.textContent).trim().replace(/\s+/g, " ").slice(0, 50);
  return e.localName + id + cls + " \"" + text + "\"";
};
const large = (px, weight) => px >= 24 || (px >= 18.66 && weight >= 700);
// Measures the texts among `elements`; returns {name, ratio, need, fg, bg, px} for each.
const measure = (elements) => {
  const out = [];
  for (const e of elements) {
    if (["script", "style", "title", "desc", "option", "svg"].includes(e.localName)) continue;
    const svgText = e.localName === "text" && e.ownerSVGElement;
    const control = ["input", "select", "textarea"].includes(e.localName);
    const own = [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!svgText && !control && !own) continue;
    if (control && (e.type === "checkbox" || e.type === "hidden")) continue;
    if (!visible(e)) continue;
    const st = getComputedStyle(e);
    const weight = parseInt(st.fontWeight, 10) || 400;
    let fg, bg, px;
    if (svgText) {
      // The chart is drawn in its own units: the size that counts is the one on screen.
      px = parseFloat(st.fontSize) * e.getScreenCTM().a;
      const r = e.getBoundingClientRect();
      const f = svgPaint(e);
      let worst = null;
      for (const [fx, fy] of [[0.5, 0.5], [0.2, 0.3], [0.8, 0.3], [0.2, 0.7], [0.8, 0.7]]) {
        const b = svgBackground(e, r.left + fx * r.width, r.top + fy * r.height);
        const c = over(f, b);
        const q = ratio(c, b);
        if (!worst || q < worst[0]) worst = [q, c, b];
      }
      [, fg, bg] = worst;
    } else {
      px = parseFloat(st.fontSize);
      bg = htmlBackground(e);
      const c = rgba(st.color);
      fg = over([c[0], c[1], c[2], c[3] * parseFloat(st.opacity)], bg);
    }
    const q = ratio(fg, bg);
    out.push({ name: nameOf(e), ratio: Math.round(q * 100) / 100, need: large(px, weight) ? 3 : 4.5, fg: hex(fg), bg: hex(bg), px: Math.round(px * 10) / 10 });
  }
  return out;
};

// "all": every text of the page. "focus": each control focused in turn, its text, its
// focus outline (WCAG's 3:1 for what is not text) and the tooltip it opens.
if (arguments[0] === "all") return measure([document.body, ...document.body.querySelectorAll("*")]);
const controls = [...document.querySelectorAll("a[href], button, input, select, summary, [tabindex='0'], .mark, .skip")]
  .filter((e) => !e.disabled && !e.closest("[hidden]"));
const out = [];
for (const c of controls) {
  c.focus();
  if (document.activeElement !== c || !visible(c)) continue;
  const found = measure([c, ...c.querySelectorAll("*"), ...document.querySelectorAll("#tip, #tip *")]);
  const st = getComputedStyle(c);
  const line = rgba(st.outlineColor);
  if (st.outlineStyle !== "none" && parseFloat(st.outlineWidth) > 0 && line) {
    const bg = htmlBackground(c.parentElement);
    found.push({ name: "the focus outline of " + nameOf(c), ratio: Math.round(ratio(over(line, bg), bg) * 100) / 100, need: 3, fg: hex(line), bg: hex(bg), px: 0 });
  }
  out.push(...found.map((f) => Object.assign(f, { name: "focused " + nameOf(c) + ": " + f.name })));
}
document.activeElement.blur();
return out;
