'use strict';
// One load-generator process (forked by run.js, commands over the IPC channel): opens its share of the
// WebSocket connections from its own loopback source address, answers pings (ws does by itself),
// subscribes to the bench channel (Switchboard), records connect latencies, publish-to-receive times
// of broadcasts and how each connection ended. It measures; run.js decides and reports.
const WebSocket = require('ws');

const conns = [];           // every connection this process opened: { ws, opened, closed, code, notice, self }
let protocol = 'raw';       // 'switchboard' (Switchboard's JSON messages) or 'raw' (the payload itself)
let phase = 'setup';        // 'hold': any close by the server is unexpected; 'drain': closes are timed
let pings = 0;              // Ping frames received (ws answers each with a Pong)
let subscribed = 0;         // 'subscribed' replies received
let unexpected = 0;         // connections the server closed during the 'hold' phase
const received = new Map(); // broadcast number -> publish-to-receive latencies in ms
let firstReceive = 0;
let lastReceive = 0;
let lastClose = 0;

const now = () => performance.timeOrigin + performance.now();
const BROADCAST = /"b":(\d+),"t":([\d.]+)/;
const TYPE = /"type":"(\w+)"/;

function onMessage(conn, data) {
  const text = data.toString();
  if (protocol === 'switchboard') {
    const type = TYPE.exec(text);
    if (type && type[1] === 'subscribed') {
      subscribed++;
      return;
    }
    if (type && type[1] === 'shutdown') {
      conn.notice = true;
      conn.noticed = now();
      if (phase === 'drain-deaf') {
        return; // a deaf client: it waits for the server to close
      }
      conn.self = true;
      conn.ws.close(1000, 'bench: shutdown notice');
      return;
    }
    if (!type || type[1] !== 'message') {
      return;
    }
  }
  const m = BROADCAST.exec(text);
  if (!m) {
    return;
  }
  const t = now();
  const b = Number(m[1]);
  let list = received.get(b);
  if (!list) {
    list = [];
    received.set(b, list);
  }
  list.push(t - Number(m[2]));
  if (!firstReceive) {
    firstReceive = t;
  }
  lastReceive = t;
}

function open(url, token, localAddress, subscribe) {
  return new Promise((resolve) => {
    const started = now();
    const ws = new WebSocket(`${url}?access_token=${token}`, {
      localAddress, perMessageDeflate: false, handshakeTimeout: 120000,
    });
    const conn = { ws, started, opened: 0, closed: 0, code: 0, notice: false, self: false };
    let settled = false;
    ws.on('open', () => {
      conn.opened = now();
      conns.push(conn);
      if (subscribe) {
        ws.send('{"type":"subscribe","channel":"bench","id":1}');
      }
      settled = true;
      resolve({ ok: true, latency: conn.opened - started, at: conn.opened });
    });
    ws.on('ping', () => { pings++; });
    ws.on('message', (data) => onMessage(conn, data));
    ws.on('error', (err) => {
      if (!settled) {
        settled = true;
        const status = /Unexpected server response: (\d+)/.exec(err.message);
        resolve({ ok: false, reason: status ? `http ${status[1]}` : (err.code || err.message) });
      }
    });
    ws.on('close', (code) => {
      conn.closed = now();
      conn.code = code;
      lastClose = conn.closed;
      if (phase === 'hold' && !conn.self) {
        unexpected++;
      }
    });
  });
}

async function connect(msg) {
  const { url, tokens, localAddress, inflight, subscribe } = msg;
  const latencies = [];
  const failures = {};
  let firstStart = now();
  let lastOpen = 0;
  let next = 0;
  async function lane() {
    while (next < tokens.length) {
      const token = tokens[next++];
      const r = await open(url, token, localAddress, subscribe);
      if (r.ok) {
        latencies.push(r.latency);
        lastOpen = Math.max(lastOpen, r.at);
      } else {
        failures[r.reason] = (failures[r.reason] || 0) + 1;
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(inflight, tokens.length) }, lane));
  if (subscribe) {
    const deadline = now() + 60000;
    while (subscribed < latencies.length && now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return { ok: latencies.length, failures, latencies, firstStart, lastOpen, subscribed };
}

function outcomes() {
  const byOutcome = {};
  let open = 0;
  for (const c of conns) {
    if (!c.closed) {
      open++;
      continue;
    }
    const key = `${c.notice ? 'notice, ' : ''}${c.self ? 'client closed' : 'server closed'} ${c.code}`;
    byOutcome[key] = (byOutcome[key] || 0) + 1;
  }
  return { open, byOutcome };
}

async function awaitClosed(deadline) {
  while (conns.some((c) => !c.closed) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
  }
  const closeTimes = conns.filter((c) => c.closed).map((c) => c.closed);
  const noticeTimes = conns.filter((c) => c.noticed).map((c) => c.noticed);
  return { lastClose, closeTimes, noticeTimes, ...outcomes() };
}

const handlers = {
  connect,
  setup: (msg) => { protocol = msg.protocol; return {}; },
  phase: (msg) => { phase = msg.phase; return {}; },
  stats: () => ({ pings, unexpected, subscribed, ...outcomes() }),
  broadcasts: () => ({ received: Object.fromEntries(received), firstReceive, lastReceive }),
  awaitClosed: (msg) => awaitClosed(msg.deadline),
  // msg.polite: a close handshake (1000) instead of dropping the TCP connection
  closeAll: async (msg) => {
    phase = 'closing';
    for (const c of conns) {
      if (!c.closed) {
        c.self = true;
        if (msg.polite) {
          c.ws.close(1000, 'bench: warm-up done');
        } else {
          c.ws.terminate();
        }
      }
    }
    return awaitClosed(Date.now() + 30000);
  },
  // forgets the connections closed so far, so that a warm-up's closes do not count in the next phase
  forget: () => {
    const open = conns.filter((c) => !c.closed);
    conns.length = 0;
    conns.push(...open);
    subscribed = 0;
    return {};
  },
  rss: () => ({ rss: process.memoryUsage().rss }),
};

process.on('message', async (msg) => {
  try {
    const result = await handlers[msg.cmd](msg);
    process.send({ id: msg.id, ...result });
  } catch (e) {
    process.send({ id: msg.id, error: String(e && e.stack || e) });
  }
});
