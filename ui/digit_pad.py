"""A drawing pad for the LeNet lesson, and what the network makes of the drawing.

Why a component and not plotly: a digit is drawn with a pointer (mouse, finger or pen), which no
Streamlit widget offers, and the answer should follow every stroke at once. The pad runs in the
page (st.components.v2, no iframe). When a stroke ends (and on Undo or Clear) it sends the strokes
to Python as a state value: ``{"version": n, "strokes": [[x0, y0, x1, y1, ...], ...]}``,
coordinates as fractions of the pad's side. Python rasterises them with the same round pen
(engine.digits.drawing_from_strokes), normalises the digit as the data set's were, runs the
network and sends back ``result`` (ui.figures.lenet.pad_result): the 8 × 8 grid, the
probabilities and every layer's maps, which the component draws on canvases — a changed plotly
chart per layer would cost the browser far more per stroke.

The pad keeps its strokes in the browser; Python sends them back only to restore the pad (after a
visit to another lesson) or to replace them (``pad_id`` changes, e.g. cleared after "add to my
digits"). ``window.__digitPad.latencies`` records, per stroke, the milliseconds from the stroke's
end to its answer drawn, for benchmarks/bench_pad.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

CSS = """
.dp { font-family: "Source Sans Pro", sans-serif; color: #1B2330; font-size: 14px; }
.dp-top { display: flex; flex-wrap: wrap; gap: 18px 32px; align-items: flex-start; }
.dp-title { font-weight: 600; margin: 0 0 6px 0; line-height: 1.3; }
.dp-note { color: #5A6475; font-size: 13px; margin-top: 4px; max-width: 300px; }
.dp-pad canvas { display: block; touch-action: none; cursor: crosshair; border-radius: 8px;
  border: 1px solid #C4CCD8; background: white; }
.dp-buttons { display: flex; gap: 8px; margin-top: 8px; }
.dp-buttons button { font: inherit; padding: 4px 14px; border-radius: 8px; cursor: pointer;
  border: 1px solid #C4CCD8; background: white; color: #1B2330; min-height: 36px; }
.dp-buttons button:hover:not(:disabled) { border-color: #0072B2; color: #0072B2; }
.dp-buttons button:focus-visible { outline: 2px solid #0072B2; outline-offset: 1px; }
.dp-buttons button:disabled { color: #A0A8B6; cursor: default; }
.dp-steps { display: flex; gap: 10px; margin-top: 10px; flex-wrap: wrap; }
.dp-steps figure, .dp-maps figure { margin: 0; }
.dp-steps figcaption { font-size: 12px; color: #5A6475; max-width: 110px; margin-top: 2px; }
.dp-maps { display: flex; flex-wrap: wrap; gap: 14px 26px; margin-top: 18px; }
.dp-maps figcaption, .dp-units figcaption { font-weight: 600; margin-bottom: 6px; }
.dp-units figure { margin: 14px 0 0 0; }
.dp canvas.dp-view { display: block; }
.dp-empty { color: #5A6475; padding: 8px 0; max-width: 320px; }
.dp-verdict { margin-top: 16px; padding: 12px 16px; border-radius: 8px; font-size: 15px;
  line-height: 1.5; }
.dp-verdict:empty { display: none; }
.dp-success { background: rgba(33, 195, 84, 0.1); color: #177233; }
.dp-info { background: rgba(28, 131, 225, 0.1); color: #004280; }
.dp-warning { background: rgba(255, 227, 18, 0.12); color: #7A5A04; }
.dp-steps-text { color: #5A6475; font-size: 13px; margin-top: 8px; }
"""

JS = r"""
const INK = [27, 35, 48], WHITE = [255, 255, 255];
const NEG = [0, 114, 178], MID = [247, 247, 247], POS = [213, 94, 0];
const HIGHLIGHT = "#CC79A7", MUTED = "#8A94A6", GAPS = "#D5DBE5", BORDER = "#C4CCD8";

function mix(a, b, t) {
  t = Math.max(0, Math.min(1, t));
  return `rgb(${a.map((v, i) => Math.round(v + (b[i] - v) * t)).join(",")})`;
}
const ink = t => mix(WHITE, INK, t);
const signed = t => (t < 0 ? mix(MID, NEG, -t) : mix(MID, POS, t));

function sized(canvas, w, h) {
  // A canvas w x h CSS pixels, drawn at the screen's resolution.
  const dpr = window.devicePixelRatio || 1;
  if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(h * dpr);
  }
  canvas.style.width = w + "px";
  canvas.style.height = h + "px";
  const ctx = canvas.getContext("2d");
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  return ctx;
}

function make(tag, cls, parent, text) {
  const el = document.createElement(tag);
  if (cls) el.className = cls;
  if (text !== undefined) el.textContent = text;
  if (parent) parent.appendChild(el);
  return el;
}

function rich(el, text) {
  // Our own sentences with **bold** as in markdown; text nodes only, never HTML.
  for (const part of text.split(/(\*\*[^*]+\*\*)/)) {
    if (part.length > 4 && part.startsWith("**") && part.endsWith("**")) {
      make("strong", "", el, part.slice(2, -2));
    } else if (part) {
      el.appendChild(document.createTextNode(part));
    }
  }
}

// -- the pad ---------------------------------------------------------------------------------

function padSize(S) {
  const w = S.root.clientWidth || 300;
  return Math.max(180, Math.min(280, w - 4));
}

function drawPad(S) {
  const size = padSize(S);
  const ctx = sized(S.pad, size, size);
  ctx.fillStyle = "white";
  ctx.fillRect(0, 0, size, size);
  // A faint frame of where a digit sits best: most of the height, in the middle.
  ctx.strokeStyle = "#EEF1F5"; ctx.lineWidth = 1;
  ctx.strokeRect(size * 0.15, size * 0.1, size * 0.7, size * 0.8);
  ctx.strokeStyle = "rgb(27,35,48)";
  ctx.fillStyle = "rgb(27,35,48)";
  ctx.lineWidth = S.pen * size;
  ctx.lineCap = "round"; ctx.lineJoin = "round";
  const all = S.current ? [...S.strokes, S.current] : S.strokes;
  for (const s of all) {
    ctx.beginPath();
    if (s.length === 2) {  // a dot
      ctx.arc(s[0] * size, s[1] * size, S.pen * size / 2, 0, 2 * Math.PI);
      ctx.fill();
      continue;
    }
    ctx.moveTo(s[0] * size, s[1] * size);
    for (let i = 2; i < s.length; i += 2) ctx.lineTo(s[i] * size, s[i + 1] * size);
    ctx.stroke();
  }
  const box = S.result && S.result.steps && S.result.version === S.version && S.result.steps.box;
  if (box) {  // the ink's bounding box, the first normalisation step
    const [top, left, h, w] = box, side = S.result.steps.side;
    ctx.setLineDash([4, 3]); ctx.strokeStyle = "#CC79A7"; ctx.lineWidth = 1.5;
    ctx.strokeRect(left / side * size, top / side * size, w / side * size, h / side * size);
    ctx.setLineDash([]);
  }
  S.undo.disabled = S.clear.disabled = S.strokes.length === 0;
}

function point(S, e) {
  const r = S.pad.getBoundingClientRect();
  const x = Math.max(0, Math.min(1, (e.clientX - r.left) / r.width));
  const y = Math.max(0, Math.min(1, (e.clientY - r.top) / r.height));
  return [Math.round(x * 1000) / 1000, Math.round(y * 1000) / 1000];
}

function send(S) {
  S.version += 1;
  window.__digitPad.strokeEnd = performance.now();
  window.__digitPad.sent += 1;
  S.root.dataset.version = String(S.version);
  S.setStateValue("drawing", { version: S.version, strokes: S.strokes });
}

function listen(S) {
  const pad = S.pad;
  pad.addEventListener("pointerdown", e => {
    if (e.pointerType === "mouse" && e.button !== 0) return;
    pad.setPointerCapture(e.pointerId);
    S.current = point(S, e);
    drawPad(S);
    e.preventDefault();
  });
  pad.addEventListener("pointermove", e => {
    if (!S.current) return;
    const events = e.getCoalescedEvents ? e.getCoalescedEvents() : [e];
    for (const ev of (events.length ? events : [e])) {
      const [x, y] = point(S, ev);
      const n = S.current.length;
      // Skip points closer than a small step: a stroke stays a few hundred numbers.
      if (Math.hypot(x - S.current[n - 2], y - S.current[n - 1]) >= 0.006) S.current.push(x, y);
    }
    drawPad(S);
    e.preventDefault();
  });
  const end = e => {
    if (!S.current) return;
    if (S.strokes.length < 60) S.strokes.push(S.current);
    S.current = null;
    drawPad(S);
    send(S);
  };
  pad.addEventListener("pointerup", end);
  pad.addEventListener("pointercancel", end);
  S.undo.addEventListener("click", () => { S.strokes.pop(); drawPad(S); send(S); });
  S.clear.addEventListener("click", () => { S.strokes = []; drawPad(S); send(S); });
}

// -- what the network makes of it -------------------------------------------------------------

function tiles(canvas, values, shape, cols, height) {
  // Channels (c, h, w) as tiles, cols per row, grey gaps; one colour range for all of them.
  const [c, h, w] = shape;
  const rows = Math.ceil(c / cols);
  const unitsH = rows * h + (rows - 1) * 0.5, unitsW = cols * w + (cols - 1) * 0.5;
  const cell = height / unitsH, gap = 0.5 * cell;
  const width = unitsW * cell;
  const ctx = sized(canvas, width, height);
  ctx.fillStyle = GAPS;
  ctx.fillRect(0, 0, width, height);
  let lo = Infinity, hi = -Infinity;
  for (const v of values) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  const isSigned = lo < 0, top = isSigned ? Math.max(-lo, hi) || 1 : (hi > 0 ? hi : 1);
  for (let k = 0; k < c; k++) {
    const r0 = Math.floor(k / cols) * (h * cell + gap), c0 = (k % cols) * (w * cell + gap);
    for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) {
      const v = values[(k * h + i) * w + j];
      ctx.fillStyle = isSigned ? signed(v / top) : ink(v / top);
      // Overlap by a fraction of a pixel: no hairlines between cells.
      ctx.fillRect(c0 + j * cell, r0 + i * cell, cell + 0.5, cell + 0.5);
    }
  }
}

function strip(canvas, values, width, height) {
  const ctx = sized(canvas, width, height);
  let lo = Infinity, hi = -Infinity;
  for (const v of values) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  const isSigned = lo < 0, top = isSigned ? Math.max(-lo, hi) || 1 : (hi > 0 ? hi : 1);
  const cell = width / values.length;
  values.forEach((v, i) => {
    ctx.fillStyle = isSigned ? signed(v / top) : ink(v / top);
    ctx.fillRect(i * cell, 0, cell + 0.5, height);
  });
  ctx.strokeStyle = BORDER; ctx.lineWidth = 1; ctx.strokeRect(0.5, 0.5, width - 1, height - 1);
}

function grid(canvas, values, side, size, top) {
  // A side x side grid of counts (0..top), ink on white, framed.
  const ctx = sized(canvas, size, size);
  const cell = size / side;
  for (let i = 0; i < side; i++) for (let j = 0; j < side; j++) {
    ctx.fillStyle = ink(values[i * side + j] / top);
    ctx.fillRect(j * cell, i * cell, cell + 0.5, cell + 0.5);
  }
  ctx.strokeStyle = BORDER; ctx.lineWidth = 1; ctx.strokeRect(0.5, 0.5, size - 1, size - 1);
}

function bars(canvas, probs, width, height) {
  const ctx = sized(canvas, width, height);
  ctx.clearRect(0, 0, width, height);
  const best = probs.indexOf(Math.max(...probs));
  const top = 18, bottom = 22, slot = width / probs.length, plot = height - top - bottom;
  ctx.font = "12px Source Sans Pro, sans-serif"; ctx.textAlign = "center";
  ctx.strokeStyle = "#E6EAF0"; ctx.lineWidth = 1;
  ctx.beginPath(); ctx.moveTo(0, top + plot + 0.5); ctx.lineTo(width, top + plot + 0.5);
  ctx.stroke();
  probs.forEach((p, d) => {
    const h = p * plot, x = d * slot + slot * 0.18, w = slot * 0.64;
    ctx.fillStyle = d === best ? HIGHLIGHT : MUTED;
    ctx.fillRect(x, top + plot - h, w, h);
    ctx.fillStyle = "#1B2330";
    // Never "100%" for a probability below 1: the network is never that sure.
    const label = p > 0.995 && p < 1 ? ">99%" : Math.round(100 * p) + "%";
    if (p >= 0.01) ctx.fillText(label, d * slot + slot / 2, top + plot - h - 4);
    ctx.font = (d === best ? "bold " : "") + "13px Source Sans Pro, sans-serif";
    ctx.fillText(String(d), d * slot + slot / 2, height - 5);
    ctx.font = "12px Source Sans Pro, sans-serif";
  });
}

function bitsOf(text) { return Array.from(text, ch => (ch === "1" ? 1 : 0)); }

function figure(parent, title, cls) {
  const fig = make("figure", cls, parent);
  make("figcaption", "", fig, title);
  const canvas = make("canvas", "dp-view", fig);
  canvas.setAttribute("role", "img");
  return [fig, canvas];
}

function showResult(S) {
  const r = S.result, data = S.data;
  S.view.replaceChildren();
  S.verdict.replaceChildren();
  S.verdict.className = "dp-verdict";
  S.maps.replaceChildren();
  S.units.replaceChildren();
  S.root.dataset.prediction = "";
  // The drawing Python has answered for: its result's, or (nothing to read) its own version.
  S.root.dataset.answered = String(r ? r.version : data.version || 0);
  if (!r) {
    make("div", "dp-empty", S.view, data.message || "");
    return;
  }
  const seesBox = make("div", "dp-sees", S.view);
  make("div", "dp-title", seesBox, "What the network sees: 8 × 8");
  const g = make("canvas", "dp-view", seesBox);
  g.setAttribute("role", "img");
  g.setAttribute("aria-label", "The drawing as the network's 8 by 8 input: ink counts 0 to 16");
  grid(g, r.grid, 8, 150, 16);
  make("div", "dp-note", seesBox, "Each cell counts the inked pixels of a 4 × 4 block of the " +
       "32 × 32 bitmap: 0 to 16.");
  if (r.steps) {
    const row = make("div", "dp-steps", seesBox);
    for (const [key, caption] of [["scaled", "1. scaled to 32 × 32"],
                                  ["bitmap", "2–3. strokes and slant normalised"]]) {
      const fig = make("figure", "", row);
      const c = make("canvas", "dp-view", fig);
      c.setAttribute("role", "img");
      c.setAttribute("aria-label", caption);
      grid(c, bitsOf(r.steps[key]), 32, 96, 1);
      make("figcaption", "", fig, caption);
    }
  }
  const probBox = make("div", "dp-probs", S.view);
  make("div", "dp-title", probBox, "Probabilities (softmax)");
  const b = make("canvas", "dp-view", probBox);
  const best = r.probs.indexOf(Math.max(...r.probs));
  b.setAttribute("role", "img");
  b.setAttribute("aria-label",
                 `The network reads ${best} with probability ${Math.round(100 * r.probs[best])} %`);
  bars(b, r.probs, Math.min(300, Math.max(220, S.root.clientWidth - 20)), 170);
  for (const st of r.stages) {
    const [, c] = figure(S.maps, st.title);
    c.setAttribute("aria-label", st.title + ": the feature maps of your digit");
    tiles(c, st.values, st.shape, st.cols, 150);
  }
  const width = Math.max(200, S.root.clientWidth - 4);
  for (const u of r.units) {
    const [, c] = figure(S.units, u.title);
    c.setAttribute("aria-label", u.title + ": the units' outputs for your digit");
    strip(c, u.values, width, 30);
  }
  S.verdict.className = `dp-verdict dp-${r.verdict.kind}`;
  rich(S.verdict, r.verdict.text);
  if (r.steps) make("div", "dp-steps-text", S.verdict, r.steps.text);
  S.root.dataset.prediction = String(best);
}

function render(S) {
  const arrived = performance.now();
  S.result = S.data.result || null;
  drawPad(S);
  showResult(S);
  const stats = window.__digitPad;
  if (S.result && S.result.version === S.version && stats.strokeEnd !== null) {
    const now = performance.now();
    stats.latencies.push(now - stats.strokeEnd);
    stats.parts.push({ arrive: arrived - stats.strokeEnd, draw: now - arrived });
    stats.strokeEnd = null;
  }
}

export default function (component) {
  const { data, parentElement, setStateValue } = component;
  if (!window.__digitPad) {
    window.__digitPad = { latencies: [], parts: [], strokeEnd: null, sent: 0 };
  }
  let S = parentElement.__digitPad;
  if (!S || !S.root.isConnected) {
    const root = make("div", "dp");
    root.dataset.testid = "digit-pad";
    const top = make("div", "dp-top", root);
    const padBox = make("div", "dp-pad", top);
    make("div", "dp-title", padBox, "Draw a digit");
    const pad = make("canvas", "", padBox);
    pad.setAttribute("role", "img");
    pad.setAttribute("aria-label",
                     "Drawing pad: draw a digit with the mouse, a finger or a pen");
    pad.dataset.testid = "digit-pad-canvas";
    const buttons = make("div", "dp-buttons", padBox);
    const undo = make("button", "", buttons, "Undo");
    const clear = make("button", "", buttons, "Clear");
    undo.type = clear.type = "button";
    const view = make("div", "dp-view-box dp-top", top);
    const verdict = make("div", "dp-verdict", root);
    verdict.setAttribute("role", "status");  // a screen reader hears each new reading
    const maps = make("div", "dp-maps", root);
    const units = make("div", "dp-units", root);
    parentElement.appendChild(root);
    S = { root, pad, undo, clear, view, verdict, maps, units, strokes: [], current: null,
          version: 0,
          padId: null, pen: 0.1, data: null, result: null, setStateValue };
    parentElement.__digitPad = S;
    listen(S);
    let width = 0;
    new ResizeObserver(() => {
      if (S.data && root.clientWidth !== width) { width = root.clientWidth; render(S); }
    }).observe(root);
  }
  S.setStateValue = setStateValue;
  if (!data) return;
  S.data = data;
  S.pen = data.pen;
  if (data.pad_id !== S.padId) {
    // Python replaces what is on the pad: on a first mount (restoring a drawing kept while the
    // learner was on another page), or after it cleared the pad.
    S.padId = data.pad_id;
    S.strokes = (data.strokes || []).map(s => s.slice());
    S.version = Math.max(S.version, data.version || 0);
  }
  render(S);
}
"""

_pad = st.components.v2.component("lenet_digit_pad", css=CSS, js=JS)


def digit_pad(data: dict[str, Any], *, key: str, on_drawing_change: Callable[[], None]) -> Any:
    """Mount (or update) the pad. ``data``: ``pad_id``, ``strokes``, ``version``, ``pen``, and
    ``result`` (or None, with ``message``). ``on_drawing_change`` runs when the learner finishes
    a stroke, undoes or clears; the strokes are then in ``st.session_state[key]["drawing"]``."""
    return _pad(data=data, key=key, on_drawing_change=on_drawing_change)
