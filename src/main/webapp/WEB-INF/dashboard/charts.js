// Line charts as inline SVG: a fixed time window (the newest sample at "now" on the right), a y axis
// from 0 to a round maximum with its unit, and a gap wherever the console could not read the server.

const NS = "http://www.w3.org/2000/svg";
const W = 320, H = 110, LEFT = 40, RIGHT = 8, TOP = 18, BOTTOM = 20;

/** A time series that forgets samples older than its window. */
export class Series {
  constructor(windowMs) {
    this.windowMs = windowMs;
    this.points = [];
  }
  add(t, v) {
    this.points.push([t, v]);
    while (this.points.length && this.points[0][0] < t - this.windowMs) {
      this.points.shift();
    }
  }
  /** A break in the line: the console lost the server here. */
  gap(t) {
    if (this.points.length && this.points[this.points.length - 1][1] !== null) {
      this.points.push([t, null]);
    }
  }
  clear() {
    this.points = [];
  }
  max() {
    return this.points.reduce((m, p) => (p[1] === null ? m : Math.max(m, p[1])), 0);
  }
}

/** The smallest of 1, 2, 2.5, 5 times a power of ten that is at least v. */
export function niceCeil(v) {
  if (!(v > 0)) {
    return 1;
  }
  const p = Math.pow(10, Math.floor(Math.log10(v)));
  for (const m of [1, 2, 2.5, 5, 10]) {
    if (m * p >= v - 1e-9) {
      return m * p;
    }
  }
  return 10 * p;
}

function el(name, attrs, text) {
  const e = document.createElementNS(NS, name);
  Object.entries(attrs).forEach(([k, v]) => e.setAttribute(k, v));
  if (text !== undefined) {
    e.textContent = text;
  }
  return e;
}

function label(v) {
  if (v >= 1e6) { return (v / 1e6) + "M"; }
  if (v >= 1e4) { return (v / 1e3) + "k"; }
  return String(Math.round(v * 100) / 100);
}

/**
 * Draws the series into svg over [now - windowMs, now].
 * options: unit (shown on the y axis), windowMs, now, floor (the smallest y maximum).
 */
export function drawChart(svg, series, options) {
  const { unit, windowMs, now } = options;
  const max = niceCeil(Math.max(options.floor || 1, ...series.map((s) => s.max())));
  svg.textContent = "";
  svg.dataset.max = String(max);
  svg.dataset.unit = unit;
  const x = (t) => LEFT + (W - LEFT - RIGHT) * (1 - (now - t) / windowMs);
  const y = (v) => TOP + (H - TOP - BOTTOM) * (1 - v / max);
  [0, max / 2, max].forEach((v) => {
    svg.appendChild(el("line", { x1: LEFT, x2: W - RIGHT, y1: y(v), y2: y(v), class: v === 0 ? "axis" : "grid" }));
    svg.appendChild(el("text", { x: LEFT - 4, y: y(v) + 3, class: "tick", "text-anchor": "end" }, label(v)));
  });
  svg.appendChild(el("text", { x: 2, y: 9, class: "unit" }, unit));
  const minutes = windowMs / 60000;
  [[windowMs, "−" + minutes + " min"], [windowMs / 2, "−" + minutes / 2 + " min"], [0, "now"]].forEach(([ago, text], i) => {
    svg.appendChild(el("text", { x: x(now - ago), y: H - 5, class: "tick", "text-anchor": ["start", "middle", "end"][i] }, text));
  });
  let drawn = 0;
  series.forEach((s, i) => {
    let d = "";
    const visible = s.points.map(([t, v]) => (v === null || v === undefined || t < now - windowMs ? null : [x(t), y(Math.min(v, max))]));
    visible.forEach((p, k) => {
      if (p === null) {
        return;
      }
      const joined = k > 0 && visible[k - 1] !== null;
      d += (joined ? "L" : "M") + p[0].toFixed(1) + " " + p[1].toFixed(1) + " ";
      drawn++;
      if (!joined && (k + 1 >= visible.length || visible[k + 1] === null)) {
        // a sample with no neighbour: a dot, or it would not show
        svg.appendChild(el("circle", { cx: p[0].toFixed(1), cy: p[1].toFixed(1), r: 2, class: "dot s" + i }));
      }
    });
    if (d) {
      svg.appendChild(el("path", { d, class: "line s" + i }));
    }
  });
  svg.dataset.points = String(drawn);
  if (drawn === 0) {
    svg.appendChild(el("text", { x: (LEFT + W) / 2, y: H / 2, class: "nodata", "text-anchor": "middle" }, "no samples yet"));
  }
}
