// A click layer over a plotly chart of the page (loaded by ui/click_layer.py as a Streamlit
// components.v2 module): a click in the chart's plot area is reported to Python in data
// coordinates. Why: Streamlit's plotly selection events report clicks on points only, and a
// learner adds a point exactly where there is none. The layer draws nothing; it listens on the
// document (the chart is redrawn, and replaced, on every step) for clicks inside the element
// with the target key, and converts the pixel to data with the axes' own ranges and offsets.
// The state "clicks" holds the last few clicks, numbered, as the MLP player sends them
// (ui/clicks.py reads them).

const MAX_SENT_CLICKS = 16;

function dataPoint(chart, event) {
  const gd = chart.querySelector(".js-plotly-plot");
  const layout = gd && gd._fullLayout;
  if (!layout || !layout.xaxis || !layout.yaxis) return null;
  const xa = layout.xaxis, ya = layout.yaxis;
  const box = gd.getBoundingClientRect();
  const px = event.clientX - box.left - xa._offset;
  const py = event.clientY - box.top - ya._offset;
  if (px < 0 || px > xa._length || py < 0 || py > ya._length) return null;
  const [x0, x1] = xa.range, [y0, y1] = ya.range;
  return [x0 + px / xa._length * (x1 - x0), y1 - py / ya._length * (y1 - y0)];
}

function onClick(S, event) {
  const d = S.data;
  if (!d || !d.enabled || !S.setStateValue) return;
  const chart = event.target.closest && event.target.closest(".st-key-" + d.target);
  if (!chart) return;
  const point = dataPoint(chart, event);
  if (!point) return;
  S.seq += 1;
  S.sent.push([S.seq, +point[0].toFixed(4), +point[1].toFixed(4)]);
  if (S.sent.length > MAX_SENT_CLICKS) S.sent.shift();
  S.setStateValue("clicks", { mount: S.mount, clicks: S.sent.slice() });
  window.__clickLayer = (window.__clickLayer || 0) + 1;
}

export default function (component) {
  const { data, parentElement, setStateValue } = component;
  let S = parentElement.__clickLayer;
  if (!S) {
    S = { mount: Math.random().toString(36).slice(2, 12), seq: 0, sent: [], installed: false };
    S.handler = event => onClick(S, event);
    parentElement.__clickLayer = S;
  }
  S.data = data;
  S.setStateValue = setStateValue;
  // The crosshair says that a click does something here.
  document.querySelectorAll(".st-key-" + data.target + " .nsewdrag").forEach(el => {
    el.style.cursor = data.enabled ? "crosshair" : "";
  });
  if (!S.installed) {
    document.addEventListener("click", S.handler, true);
    S.installed = true;
  }
  return () => {
    document.removeEventListener("click", S.handler, true);
    S.installed = false;
  };
}
