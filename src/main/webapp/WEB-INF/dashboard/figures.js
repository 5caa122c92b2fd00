// The figures of /api/stats with the names an operator reads, and the formats they are read in.

export const DASH = "—";

export function num(v) {
  return typeof v === "number" && isFinite(v) ? v.toLocaleString("en-US") : DASH;
}

export function bytes(v) {
  if (typeof v !== "number") { return DASH; }
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return (i === 0 ? v : v.toFixed(1)) + " " + units[i];
}

/** Milliseconds to three significant figures at most: 0.42, 7.3, 38, 573. */
export function ms(v) {
  return typeof v !== "number" ? DASH : v >= 10 ? String(Math.round(v)) : String(Math.round(v * 10) / 10);
}

/** A duration in words: 45 s, 12 min 3 s, 5 h 2 min, 3 d 4 h. */
export function duration(millis) {
  if (typeof millis !== "number" || millis < 0) { return DASH; }
  let s = Math.floor(millis / 1000);
  if (s < 60) { return s + " s"; }
  let m = Math.floor(s / 60); s %= 60;
  if (m < 60) { return m + " min" + (s ? " " + s + " s" : ""); }
  let h = Math.floor(m / 60); m %= 60;
  if (h < 24) { return h + " h" + (m ? " " + m + " min" : ""); }
  const d = Math.floor(h / 24); h %= 24;
  return d + " d" + (h ? " " + h + " h" : "");
}

export function percent(v, digits) {
  return typeof v === "number" ? (v * 100).toFixed(digits) + " %" : DASH;
}

/** What each close code means, as the close-code table of the protocol says. */
export const CLOSE_CODES = {
  "1000": "normal", "1001": "going away", "1002": "protocol error", "1003": "binary not accepted",
  "1006": "transport broke", "1007": "invalid UTF-8", "1008": "policy violation", "1009": "message too big",
  "1011": "server error", "4001": "token expired"
};

function closeMeaning(code) {
  const n = Number(code);
  return CLOSE_CODES[code] || (n >= 4000 && n < 4500 ? "application: reconnect" : n >= 4500 && n < 5000 ? "application: stop" : "");
}

const FORMATS = { n: num, b: bytes, ms: (v) => ms(v) + " ms", pct: (v) => percent(v, 2), dur: (v) => (v < 0 ? DASH : duration(v)) };

/** Each group of /api/stats the Figures section shows: its title and its fields as [key, label, format]. */
const GROUPS = [
  ["heartbeat", "Heartbeat", [
    ["pingsSent", "Pings sent", "n"], ["answered", "Answered in time", "n"], ["missed", "Missed pongs", "n"],
    ["successRate", "Success rate", "pct"], ["zombiesClosed", "Zombies closed", "n"], ["zombieRate", "Zombies among closes", "pct"],
    ["idleClosed", "Closed as idle", "n"], ["clockSkewClosed", "Closed for clock skew", "n"], ["aborted", "TCP aborts", "n"],
    ["rttSamples", "Round trips measured", "n"], ["rttP50Ms", "Round trip p50", "ms"], ["rttP90Ms", "Round trip p90", "ms"],
    ["rttP99Ms", "Round trip p99", "ms"]]],
  ["messages", "Messages", [
    ["in", "Received", "n"], ["out", "Sent", "n"], ["bytesIn", "Bytes received", "b"], ["bytesOut", "Bytes sent", "b"],
    ["badRequests", "Bad requests", "n"]]],
  ["limits", "Limits enforced", [
    ["rateLimitedMessages", "Messages over the rate", "n"], ["rateLimitCloses", "Closed: rate limit exceeded", "n"],
    ["slowConsumerCloses", "Closed: slow consumer", "n"], ["largeMessages", "Messages over the warn size", "n"]]],
  ["drain", "Last drain", [
    ["lastDurationMs", "Duration", "dur"], ["lastLeftOnTheirOwn", "Clients that left on their own", "n"],
    ["lastClosed", "Closed by the server", "n"], ["lastAborted", "Aborted", "n"]]]
];

function card(title, name, rows, empty) {
  const div = document.createElement("div");
  div.className = "card";
  div.dataset.group = name;
  const h = document.createElement("h3");
  h.textContent = title;
  div.appendChild(h);
  if (rows.length === 0) {
    const p = document.createElement("p");
    p.className = "empty";
    p.textContent = empty;
    div.appendChild(p);
    return div;
  }
  const dl = document.createElement("dl");
  rows.forEach(([key, label, value]) => {
    const dt = document.createElement("dt");
    const dd = document.createElement("dd");
    dt.textContent = label;
    dd.textContent = value;
    dd.dataset.key = key;
    dl.append(dt, dd);
  });
  div.appendChild(dl);
  return div;
}

/** Fills the Figures section from one /api/stats answer. */
export function renderFigures(box, stats) {
  box.textContent = "";
  GROUPS.forEach(([name, title, fields]) => {
    const group = stats[name] || {};
    let rows = fields.filter(([key]) => key in group).map(([key, label, f]) => [name + "." + key, label, FORMATS[f](group[key])]);
    if (name === "heartbeat" && group.answered + group.missed === 0) {
      rows = rows.map((r) => (r[0] === "heartbeat.successRate" ? [r[0], r[1], DASH] : r));
    }
    if (name === "heartbeat" && !group.rttSamples) {
      rows = rows.map((r) => (/^heartbeat\.rttP/.test(r[0]) ? [r[0], r[1], DASH] : r));
    }
    if (name === "drain" && group.lastDurationMs < 0) {
      rows = [];
    }
    box.appendChild(card(title, name, rows, "No drain has finished since the server started."));
  });
  const closes = Object.entries(stats.closesByCode || {}).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1])
    .map(([code, n]) => ["closesByCode." + code, code + " " + closeMeaning(code), num(n)]);
  box.appendChild(card("Closes by code", "closesByCode", closes, "No connection has closed yet."));
  const rejections = Object.entries(stats.rejectionsByReason || {}).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1])
    .map(([reason, n]) => ["rejectionsByReason." + reason, reason, num(n)]);
  box.appendChild(card("Rejections by reason", "rejectionsByReason", rejections, "No connection has been refused."));
  const users = ((stats.pool || {}).topUsers || []).map((u) => ["topUsers." + u.userId, u.userId, num(u.connections)]);
  box.appendChild(card("Users with most connections", "topUsers", users, "No authenticated user is connected."));
}
