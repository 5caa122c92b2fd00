// The operator's console: reads /api/stats, /api/connections and /api/channels every two seconds with
// the pasted admin token, and says plainly when it cannot (no token, token rejected, API off, server
// gone) instead of leaving old figures on the screen.

import { createApi } from "./api.js";
import { Series, drawChart } from "./charts.js";
import { DASH, duration, ms, num, percent, renderFigures } from "./figures.js";
import { createConnections } from "./connections.js";
import { createActions } from "./actions.js";

const POLL_MS = 2000;
const WINDOW_MS = 5 * 60 * 1000;
const STORAGE = "switchboard.admin.token";
const $ = (id) => document.getElementById(id);

const tokenInput = $("token");
const api = createApi(() => tokenInput.value.trim());
const history = {
  active: new Series(WINDOW_MS), in: new Series(WINDOW_MS), out: new Series(WINDOW_MS), miss: new Series(WINDOW_MS),
  p50: new Series(WINDOW_MS), p99: new Series(WINDOW_MS), rejects: new Series(WINDOW_MS), closes: new Series(WINDOW_MS)
};
let last = null;      // the previous successful reading, for rates
let timer = null;     // the next poll
let generation = 0;   // answers to an older poll (another token) are dropped

let downSince = null; // when the server stopped answering
const connections = createConnections(api, () => poll(), (message) => text("connectionsNotice", message));
const actions = createActions(api, () => poll());

function setState(kind, label, detail) {
  $("state").className = "state " + kind;
  $("state").dataset.state = kind;
  $("stateLabel").textContent = label;
  $("stateDetail").textContent = detail;
}

function text(id, value) {
  $(id).textContent = value;
}

const sum = (map) => Object.values(map || {}).reduce((t, n) => t + n, 0);

function drawCharts(now) {
  drawChart($("activeChart"), [history.active], { unit: "conn", windowMs: WINDOW_MS, now, floor: 5 });
  drawChart($("messageChart"), [history.in, history.out], { unit: "msg/s", windowMs: WINDOW_MS, now, floor: 1 });
  drawChart($("missChart"), [history.miss], { unit: "miss/s", windowMs: WINDOW_MS, now, floor: 1 });
  drawChart($("rttChart"), [history.p50, history.p99], { unit: "ms", windowMs: WINDOW_MS, now, floor: 1 });
  drawChart($("rejectChart"), [history.rejects, history.closes], { unit: "per s", windowMs: WINDOW_MS, now, floor: 1 });
}

function renderNode(node) {
  const parts = [node.id, "Switchboard " + node.version, node.server, "up " + duration(node.uptimeMs)];
  text("node", parts.join(" · "));
  $("node").title = "Java " + node.java + ", started " + new Date(node.startedAt).toLocaleString();
}

function renderStats(stats, now) {
  const pool = stats.pool;
  const m = stats.messages;
  const hb = stats.heartbeat;
  renderNode(stats.node);
  text("active", num(pool.active));
  text("poolDetail", "limit " + num(pool.max));
  const u = $("utilisation");
  u.textContent = percent(pool.utilisation, 1);
  u.className = "value" + (pool.utilisation >= 0.8 ? " bad" : pool.utilisation >= 0.6 ? " warn" : "");
  $("utilisationBar").style.width = Math.min(100, pool.utilisation * 100) + "%";
  const states = Object.entries(pool.byState).filter(([, n]) => n > 0).map(([s, n]) => n + " " + s);
  text("byState", states.length ? states.join(" · ") : "no connections");

  const rejected = sum(stats.rejectionsByReason);
  const closed = sum(stats.closesByCode);
  history.active.add(now, pool.active);
  history.p50.add(now, hb.rttSamples ? hb.rttP50Ms : null);
  history.p99.add(now, hb.rttSamples ? hb.rttP99Ms : null);
  if (last) {
    const secs = Math.max((now - last.at) / 1000, 0.001);
    const rate = (a, b) => Math.max(a - b, 0) / secs;
    const inRate = rate(m.in, last.in);
    const outRate = rate(m.out, last.out);
    text("rates", inRate.toFixed(1) + " in · " + outRate.toFixed(1) + " out");
    history.in.add(now, inRate);
    history.out.add(now, outRate);
    history.miss.add(now, rate(hb.missed, last.missed));
    history.rejects.add(now, rate(rejected, last.rejected));
    history.closes.add(now, rate(closed, last.closed));
  } else {
    text("rates", "measuring…"); // a rate needs two readings
  }
  last = { at: now, in: m.in, out: m.out, missed: hb.missed, rejected, closed };

  const s = $("hbSuccess");
  if (hb.answered + hb.missed === 0) {
    s.textContent = DASH;
    s.className = "value";
    text("hbDetail", hb.pingsSent === 0 ? "no ping sent yet" : num(hb.pingsSent) + " pings sent, none answered or missed yet");
  } else {
    s.textContent = percent(hb.successRate, 2);
    s.className = "value" + (hb.successRate < 0.95 ? " bad" : hb.successRate < 0.99 ? " warn" : "");
    text("hbDetail", num(hb.missed) + " missed of " + num(hb.answered + hb.missed) + " · " + num(hb.zombiesClosed)
      + (hb.zombiesClosed === 1 ? " zombie" : " zombies") + " closed (" + percent(hb.zombieRate, 1) + " of closes)");
  }
  const rtt = $("rtt");
  rtt.textContent = hb.rttSamples ? [hb.rttP50Ms, hb.rttP90Ms, hb.rttP99Ms].map(ms).join(" / ") + " ms" : DASH;
  text("rejectCloseTotals", num(rejected) + " rejected · " + num(closed) + " closed");
  renderFigures($("figures"), stats);
  actions.renderDrain(stats.drain, pool.active);
  actions.enable();
}

/** Clears every figure, so that nothing stale stays on screen, and says why. */
function clearAll(message, forgetHistory) {
  last = null;
  const now = Date.now();
  Object.values(history).forEach((s) => (forgetHistory ? s.clear() : s.gap(now)));
  ["active", "utilisation", "rates", "hbSuccess", "rtt", "rejectCloseTotals"].forEach((id) => text(id, DASH));
  ["poolDetail", "byState", "hbDetail"].forEach((id) => text(id, ""));
  $("utilisation").className = "value";
  $("hbSuccess").className = "value";
  $("utilisationBar").style.width = "0";
  text("node", "no node yet");
  $("figures").innerHTML = "";
  const p = document.createElement("p");
  p.className = "empty";
  p.textContent = message;
  $("figures").appendChild(p);
  connections.clear(message);
  actions.clear(message);
  drawCharts(now);
}

async function poll() {
  clearTimeout(timer);
  const mine = ++generation;
  if (!tokenInput.value.trim()) {
    setState("idle", "no token", "paste the admin token to start");
    clearAll("No data: paste the admin token above.", true);
    return;
  }
  try {
    const [stats, list, channels] = await Promise.all([
      api.get("/stats"), api.get(connections.query()), api.get("/channels?limit=50")]);
    if (mine !== generation) { return; }
    const now = Date.now();
    renderStats(stats.json, now);
    connections.render(list.json, list.total === null ? list.json.length : list.total);
    actions.renderChannels(channels.json, channels.total === null ? channels.json.length : channels.total);
    drawCharts(now);
    connections.refreshDetail();
    downSince = null;
    setState("live", "live", "updated " + new Date(now).toLocaleTimeString());
  } catch (err) {
    if (mine !== generation) { return; }
    if (err.kind === "rejected") {
      setState("rejected", "token rejected", "the server refused this admin token: check switchboard.admin.token");
      clearAll("No data: the token was rejected.", true);
    } else if (err.kind === "off") {
      setState("rejected", "admin API off", err.message);
      clearAll("No data: the admin API is off on this server.", true);
    } else if (err.kind === "unreachable") {
      downSince = downSince || new Date();
      setState("disconnected", "disconnected", err.message + " since " + downSince.toLocaleTimeString()
        + "; retrying every " + POLL_MS / 1000 + " s");
      clearAll("No data: the server cannot be reached.", false);
    } else {
      setState("disconnected", "error", err.message);
      clearAll("No data: " + err.message, false);
    }
  }
  if (mine === generation) {
    timer = setTimeout(poll, POLL_MS);
  }
}

// a pasted or typed token is used at once, without Enter
let typing = null;
let tokenInUse = null;
function tokenChanged() {
  clearTimeout(typing);
  typing = setTimeout(() => {
    if (tokenInput.value.trim() === tokenInUse) {
      return; // "change" after "input" (the field lost focus): nothing new
    }
    tokenInUse = tokenInput.value.trim();
    sessionStorage.setItem(STORAGE, tokenInUse);
    clearAll("Reading the server…", true);
    setState("idle", "connecting", "reading the server with the new token");
    poll();
  }, 150);
}
tokenInput.addEventListener("input", tokenChanged);
tokenInput.addEventListener("change", tokenChanged);
tokenInput.value = sessionStorage.getItem(STORAGE) || "";
tokenInUse = tokenInput.value.trim();
poll();
