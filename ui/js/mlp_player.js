// The MLP playground's decision-boundary player (loaded by ui/mlp_player.py as a Streamlit
// components.v2 module). The server sends runs of frames (a boundary image and the counters after
// each chunk of training); this plays them at a steady rate with requestAnimationFrame, queueing
// new runs behind the frames still playing, and draws image, axes and points on one canvas.
// window.__mlpPlayer counts the frames drawn, for the browser benchmark and tests.

function decode(b64) {
  const bin = atob(b64);
  const out = new Uint8ClampedArray(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
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

function draw(S) {
  const f = S.current;
  const d = S.data;
  if (!f || !d) return;
  const canvas = S.canvas;
  const cssW = Math.max(200, Math.min(S.root.clientWidth || 480, d.max_width || 620));
  const dpr = window.devicePixelRatio || 1;
  const left = 44, bottom = 40, top = 8, right = 10;
  const plot = cssW - left - right;
  const cssH = plot + top + bottom;
  if (canvas.width !== Math.round(cssW * dpr) || canvas.height !== Math.round(cssH * dpr)) {
    canvas.width = Math.round(cssW * dpr);
    canvas.height = Math.round(cssH * dpr);
    canvas.style.width = cssW + "px";
    canvas.style.height = cssH + "px";
  }
  const ctx = canvas.getContext("2d");
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.fillStyle = "white";
  ctx.fillRect(0, 0, cssW, cssH);
  // The boundary image: res x res RGB cells, smoothed when scaled up.
  const res = d.res;
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
  ctx.drawImage(S.off, left, top, plot, plot);
  const [x0, x1, y0, y1] = d.bounds;
  const sx = x => left + (x - x0) / (x1 - x0) * plot;
  const sy = y => top + (1 - (y - y0) / (y1 - y0)) * plot;
  // Axes, ticks and the lecture's symbols.
  ctx.strokeStyle = "#C4CCD8"; ctx.lineWidth = 1;
  ctx.strokeRect(left, top, plot, plot);
  ctx.fillStyle = "#1B2330"; ctx.font = "13px Source Sans Pro, sans-serif";
  ctx.textAlign = "center"; ctx.textBaseline = "top";
  for (const t of niceTicks(x0, x1, 6)) {
    ctx.fillText(String(+t.toFixed(2)), sx(t), top + plot + 4);
  }
  ctx.textAlign = "right"; ctx.textBaseline = "middle";
  for (const t of niceTicks(y0, y1, 6)) {
    ctx.fillText(String(+t.toFixed(2)), left - 5, sy(t));
  }
  ctx.font = "italic 15px Source Sans Pro, sans-serif";
  ctx.textAlign = "center"; ctx.textBaseline = "bottom";
  ctx.fillText("x\u2081", left + plot / 2, cssH - 2);
  ctx.save(); ctx.translate(12, top + plot / 2); ctx.rotate(-Math.PI / 2);
  ctx.textBaseline = "middle"; ctx.fillText("x\u2082", 0, 0); ctx.restore();
  // Points: training points filled, test points as rings.
  const r = d.points.length > 400 ? 3.5 : d.points.length > 60 ? 4.5 : 7;
  ctx.save();
  ctx.beginPath(); ctx.rect(left, top, plot, plot); ctx.clip();
  for (const [px, py, c, isTest] of d.points) {
    ctx.beginPath();
    ctx.arc(sx(px), sy(py), r, 0, 2 * Math.PI);
    const colour = d.colours[c % d.colours.length];
    if (isTest) {
      ctx.fillStyle = "white"; ctx.fill();
      ctx.lineWidth = 2.2; ctx.strokeStyle = colour; ctx.stroke();
    } else {
      ctx.fillStyle = colour; ctx.fill();
      ctx.lineWidth = 1.2; ctx.strokeStyle = "white"; ctx.stroke();
    }
  }
  ctx.restore();
  // The picture's own counters: while playing it runs behind the server's heading above.
  S.caption.textContent =
    `epoch ${f.ep}, iteration ${f.it}  \u00b7  ` +
    `loss: train ${fmt(f.loss)}, test ${fmt(f.tloss)}  \u00b7  ` +
    `accuracy: train ${pct(f.acc)}, test ${pct(f.tacc)}`;
  S.root.dataset.iteration = String(f.it);
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

export default function (component) {
  const { data, parentElement } = component;
  if (!window.__mlpPlayer) {
    window.__mlpPlayer = { framesDrawn: 0, batches: 0, drawMs: 0, firstFrameAt: null,
                           lastFrameAt: null };
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
          batch: null, nextDue: 0, tickMs: 16.7, lastTick: 0, stopped: false, arrivals: [] };
    parentElement.__mlpPlayer = S;
    new ResizeObserver(() => draw(S)).observe(root);
    requestAnimationFrame(t => tick(S, t));
  }
  if (!data || data.batch === S.batch && data.run === S.run) return;
  const newRun = data.run !== S.run;
  S.data = data; S.run = data.run; S.batch = data.batch;
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
