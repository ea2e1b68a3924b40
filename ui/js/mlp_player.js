// The MLP playground's player (loaded by ui/mlp_player.py as a Streamlit components.v2 module).
// The server sends runs of frames (a picture of what the network computes, and the counters,
// after each chunk of training); this plays them at a steady rate with requestAnimationFrame,
// queueing new runs behind the frames still playing, and draws everything on one canvas:
// - kind "boundary" (classification): the decision map as an image, the points over it;
// - kind "curve" (regression): the data points, the network's f(x) over a line of inputs, and
//   what each unit of the last hidden layer adds to it (thin lines).
// A click in the plot reports its data coordinates to Python (state "clicks": the last few
// clicks with increasing numbers, so that clicks made during a rerun are never lost) and shows
// the point at once, until the server's next picture includes it.
// window.__mlpPlayer counts the frames drawn, for the browser benchmark and tests.

const MAX_SENT_CLICKS = 16;
const INK = "#1B2330";
const MUTED = "#8A94A6";

function decode(b64) {
  const bin = atob(b64);
  const out = new Uint8ClampedArray(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function floats(b64) {
  // Little-endian float32, as the server packs them (every browser's byte order).
  return new Float32Array(decode(b64).buffer);
}

function niceTicks(lo, hi, count) {
  const span = hi - lo;
  const raw = span / count;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 2.5, 5, 10].map(m => m * mag).find(s => span / s <= count) || raw;
  const ticks = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + 1e-9; t += step) {
    ticks.push(Math.abs(t) < 1e-9 ? 0 : t);
  }
  return ticks;
}

function fmt(x) { return Number.isFinite(x) ? x.toFixed(3) : "–"; }
function pct(x) { return Number.isFinite(x) ? (100 * x).toFixed(0) + "%" : "–"; }

function geometry(S) {
  const d = S.data;
  const cssW = Math.max(200, Math.min(S.root.clientWidth || 480, d.max_width || 620));
  const left = 44, bottom = 40, top = 8, right = 10;
  const w = cssW - left - right;
  // The boundary is a square view of the plane; a curve needs less height than width.
  const h = d.kind === "curve" ? Math.round(0.72 * w) : w;
  const [x0, x1, y0, y1] = d.bounds;
  return {
    cssW, cssH: h + top + bottom, left, top, w, h,
    sx: x => left + (x - x0) / (x1 - x0) * w,
    sy: y => top + (1 - (y - y0) / (y1 - y0)) * h,
    dx: px => x0 + (px - left) / w * (x1 - x0),
    dy: py => y1 - (py - top) / h * (y1 - y0),
  };
}

function drawImage(S, ctx, g, f) {
  // The boundary image: res x res RGB cells, smoothed when scaled up.
  const res = S.data.res;
  if (!S.off || S.off.width !== res) {
    S.off = document.createElement("canvas");
    S.off.width = res; S.off.height = res;
  }
  const octx = S.off.getContext("2d");
  if (f.pixels === undefined) {
    const rgb = decode(f.img);
    const rgba = new Uint8ClampedArray(res * res * 4);
    for (let i = 0, j = 0; i < rgb.length; i += 3, j += 4) {
      rgba[j] = rgb[i]; rgba[j + 1] = rgb[i + 1]; rgba[j + 2] = rgb[i + 2]; rgba[j + 3] = 255;
    }
    f.pixels = new ImageData(rgba, res, res);
  }
  octx.putImageData(f.pixels, 0, 0);
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = "high";
  ctx.drawImage(S.off, g.left, g.top, g.w, g.h);
}

function polyline(ctx, g, xs, ys, stride, offset) {
  ctx.beginPath();
  for (let i = 0; i < xs.length; i++) {
    const px = g.sx(xs[i]), py = g.sy(ys[i * stride + offset]);
    if (i === 0) ctx.moveTo(px, py); else ctx.lineTo(px, py);
  }
  ctx.stroke();
}

function drawCurves(S, ctx, g, f) {
  // Thin lines: each hidden unit's contribution h_j(x) w_j; thick: f(x), their sum plus b.
  const [gx0, gx1, n] = S.data.grid;
  if (!S.xs || S.xs.length !== n || S.xs[0] !== gx0) {
    S.xs = Array.from({ length: n }, (_, i) => gx0 + (gx1 - gx0) * i / (n - 1));
  }
  if (f.fx === undefined) {
    f.fx = floats(f.values);
    f.parts = f.contributions ? floats(f.contributions) : null;
  }
  const m = S.data.units;
  if (f.parts && m) {
    ctx.lineWidth = 1.2; ctx.strokeStyle = MUTED; ctx.globalAlpha = 0.85;
    for (let j = 0; j < m; j++) polyline(ctx, g, S.xs, f.parts, m, j);
    ctx.globalAlpha = 1;
  }
  ctx.lineWidth = 3; ctx.strokeStyle = INK; ctx.lineJoin = "round";
  polyline(ctx, g, S.xs, f.fx, 1, 0);
}

function dot(ctx, x, y, r, colour, ring) {
  ctx.beginPath();
  ctx.arc(x, y, r, 0, 2 * Math.PI);
  if (ring) {
    ctx.fillStyle = "white"; ctx.fill();
    ctx.lineWidth = 2.2; ctx.strokeStyle = colour; ctx.stroke();
  } else {
    ctx.fillStyle = colour; ctx.fill();
    ctx.lineWidth = 1.2; ctx.strokeStyle = "white"; ctx.stroke();
  }
}

function drawPoints(S, ctx, g) {
  // Training points filled, test points as rings; clicks not yet answered by the server drawn
  // as they will be (an erasure as a cross).
  const d = S.data;
  const r = d.points.length > 400 ? 3.5 : d.points.length > 60 ? 4.5 : 7;
  for (const [px, py, c, isTest] of d.points) {
    dot(ctx, g.sx(px), g.sy(py), r, d.colours[c % d.colours.length], isTest);
  }
  for (const p of S.pending) {
    const x = g.sx(p.x), y = g.sy(p.y);
    if (p.brush === "erase") {
      ctx.lineWidth = 2; ctx.strokeStyle = INK;
      ctx.beginPath();
      ctx.moveTo(x - 5, y - 5); ctx.lineTo(x + 5, y + 5);
      ctx.moveTo(x + 5, y - 5); ctx.lineTo(x - 5, y + 5);
      ctx.stroke();
    } else {
      dot(ctx, x, y, Math.max(r, 4.5), d.colours[Number(p.brush) % d.colours.length], false);
    }
  }
}

function drawAxes(S, ctx, g) {
  const [x0, x1, y0, y1] = S.data.bounds;
  const labels = S.data.kind === "curve" ? ["x", "y"] : ["x\u2081", "x\u2082"];
  ctx.strokeStyle = "#C4CCD8"; ctx.lineWidth = 1;
  ctx.strokeRect(g.left, g.top, g.w, g.h);
  ctx.fillStyle = INK; ctx.font = "13px Source Sans Pro, sans-serif";
  ctx.textAlign = "center"; ctx.textBaseline = "top";
  for (const t of niceTicks(x0, x1, 6)) {
    ctx.fillText(String(+t.toFixed(2)), g.sx(t), g.top + g.h + 4);
  }
  ctx.textAlign = "right"; ctx.textBaseline = "middle";
  for (const t of niceTicks(y0, y1, 6)) {
    ctx.fillText(String(+t.toFixed(2)), g.left - 5, g.sy(t));
  }
  ctx.font = "italic 15px Source Sans Pro, sans-serif";
  ctx.textAlign = "center"; ctx.textBaseline = "bottom";
  ctx.fillText(labels[0], g.left + g.w / 2, g.cssH - 2);
  ctx.save(); ctx.translate(12, g.top + g.h / 2); ctx.rotate(-Math.PI / 2);
  ctx.textBaseline = "middle"; ctx.fillText(labels[1], 0, 0); ctx.restore();
}

function draw(S) {
  const f = S.current;
  const d = S.data;
  if (!f || !d) return;
  const g = geometry(S);
  S.geom = g;
  const canvas = S.canvas;
  const dpr = window.devicePixelRatio || 1;
  if (canvas.width !== Math.round(g.cssW * dpr) || canvas.height !== Math.round(g.cssH * dpr)) {
    canvas.width = Math.round(g.cssW * dpr);
    canvas.height = Math.round(g.cssH * dpr);
    canvas.style.width = g.cssW + "px";
    canvas.style.height = g.cssH + "px";
  }
  const ctx = canvas.getContext("2d");
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.fillStyle = "white";
  ctx.fillRect(0, 0, g.cssW, g.cssH);
  if (d.kind !== "curve") drawImage(S, ctx, g, f);
  drawAxes(S, ctx, g);
  ctx.save();
  ctx.beginPath(); ctx.rect(g.left, g.top, g.w, g.h); ctx.clip();
  if (d.kind === "curve") drawCurves(S, ctx, g, f);
  drawPoints(S, ctx, g);
  ctx.restore();
  // The picture's own counters: while playing it runs behind the server's heading above.
  const counters = `epoch ${f.ep}, iteration ${f.it}  \u00b7  `;
  S.caption.textContent = d.kind === "curve"
    ? counters + `squared loss: train ${fmt(f.loss)}, test ${fmt(f.tloss)}`
    : counters + `loss: train ${fmt(f.loss)}, test ${fmt(f.tloss)}  \u00b7  ` +
      `accuracy: train ${pct(f.acc)}, test ${pct(f.tacc)}`;
  S.root.dataset.iteration = String(f.it);
  S.root.dataset.points = String(d.points.length);
}

function frameInterval(S) {
  // Play at the target rate, but when runs of frames arrive more slowly than they play, stretch
  // the playback to the arrival rate: steady motion instead of bursts and stalls.
  const target = 1000 / (S.data ? S.data.fps : 20);
  const a = S.arrivals;
  if (a.length < 2 || !S.data) return target;
  const perBatch = (a[a.length - 1] - a[0]) / (a.length - 1);
  const perFrame = perBatch / Math.max(1, S.data.frames.length);
  return Math.min(200, Math.max(target, 0.97 * perFrame));
}

function tick(S, now) {
  if (!S.root.isConnected) { S.stopped = true; return; }
  // Average time between animation ticks: a loaded browser may tick at 30/s instead of 60/s.
  if (S.lastTick) S.tickMs = 0.9 * S.tickMs + 0.1 * Math.min(250, now - S.lastTick);
  S.lastTick = now;
  const interval = frameInterval(S);
  // Draw on the tick nearest each frame's due time, so the average rate is 1 / interval even
  // when ticks do not divide it; after a stall, start afresh instead of bursting.
  if (S.queue.length && now >= S.nextDue - S.tickMs / 2) {
    S.current = S.queue.shift();
    const t0 = performance.now();
    draw(S);
    const stats = window.__mlpPlayer;
    stats.framesDrawn += 1;
    stats.drawMs += performance.now() - t0;
    stats.lastFrameAt = now;
    if (stats.firstFrameAt === null) stats.firstFrameAt = now;
    S.nextDue = Math.max(S.nextDue + interval, now);
  }
  requestAnimationFrame(t => tick(S, t));
}

function onClick(S, event) {
  const d = S.data, g = S.geom;
  if (!d || !g || !d.clickable || !S.setStateValue) return;
  const box = S.canvas.getBoundingClientRect();
  const px = event.clientX - box.left, py = event.clientY - box.top;
  if (px < g.left || px > g.left + g.w || py < g.top || py > g.top + g.h) return;
  const x = g.dx(px), y = g.dy(py);
  S.seq += 1;
  S.sent.push([S.seq, +x.toFixed(4), +y.toFixed(4)]);
  if (S.sent.length > MAX_SENT_CLICKS) S.sent.shift();
  S.pending.push({ seq: S.seq, x, y, brush: d.brush });
  S.setStateValue("clicks", { mount: S.mount, clicks: S.sent.slice() });
  window.__mlpPlayer.clicks += 1;
  draw(S);
}

function acknowledge(S, ack) {
  // The server has applied the clicks up to ack.seq: its points now include them.
  if (ack && ack.mount === S.mount) S.pending = S.pending.filter(p => p.seq > ack.seq);
}

export default function (component) {
  const { data, parentElement, setStateValue } = component;
  if (!window.__mlpPlayer) {
    window.__mlpPlayer = { framesDrawn: 0, batches: 0, drawMs: 0, firstFrameAt: null,
                           lastFrameAt: null, clicks: 0 };
  }
  let S = parentElement.__mlpPlayer;
  if (!S || !S.root.isConnected) {
    const root = document.createElement("div");
    root.className = "mlp-player";
    root.dataset.testid = "mlp-player";
    const canvas = document.createElement("canvas");
    const caption = document.createElement("div");
    caption.className = "mlp-caption";
    root.append(canvas, caption);
    parentElement.appendChild(root);
    S = { root, canvas, caption, queue: [], current: null, data: null, run: null,
          batch: null, nextDue: 0, tickMs: 16.7, lastTick: 0, stopped: false, arrivals: [],
          mount: Math.random().toString(36).slice(2, 12), seq: 0, sent: [], pending: [] };
    parentElement.__mlpPlayer = S;
    new ResizeObserver(() => draw(S)).observe(root);
    canvas.addEventListener("click", event => onClick(S, event));
    requestAnimationFrame(t => tick(S, t));
  }
  S.setStateValue = setStateValue;
  if (!data) return;
  // The brush and the acknowledged clicks may change without a new picture.
  if (S.data && data.batch === S.batch && data.run === S.run) {
    S.data = { ...S.data, brush: data.brush, clickable: data.clickable };
    S.root.classList.toggle("mlp-clickable", !!data.clickable);
    const before = S.pending.length;
    acknowledge(S, data.ack);
    if (S.pending.length !== before) draw(S);
    return;
  }
  const newRun = data.run !== S.run;
  if (newRun && data.kind !== (S.data && S.data.kind)) S.current = null;  // another picture
  S.data = data; S.run = data.run; S.batch = data.batch;
  S.root.classList.toggle("mlp-clickable", !!data.clickable);
  S.root.dataset.kind = data.kind;
  acknowledge(S, data.ack);
  window.__mlpPlayer.batches += 1;
  if (data.playing) {
    S.arrivals.push(performance.now());
    if (S.arrivals.length > 4) S.arrivals.shift();
  } else {
    S.arrivals = [];
  }
  if (data.playing && !newRun) {
    // Keep playing what is queued; drop a backlog so the view never lags far behind.
    S.queue.push(...data.frames);
    const maxQueue = 3 * data.frames.length;
    if (S.queue.length > maxQueue) S.queue.splice(0, S.queue.length - maxQueue);
  } else if (data.playing) {
    S.queue = data.frames.slice();
  } else {
    S.queue = [];
    S.current = data.frames[data.frames.length - 1];
    draw(S);
  }
  S.root.dataset.playing = data.playing ? "1" : "0";
}
