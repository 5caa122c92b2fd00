'use strict';
// The scenario runner behind src/bench/run: starts the target, forks the load-generator processes
// (client.js, one loopback source address each), runs one scenario, prints the figures and appends a
// row to src/bench/results-log.md. Figures never fail anything.
const { fork } = require('child_process');
const fs = require('fs');
const path = require('path');
const { SignJWT } = require('jose');
const WebSocket = require('ws');
const T = require('./targets');
const { churn } = require('./churn');

const USAGE = `usage: src/bench/run <hold|handshake|broadcast|drain|all|soak|churn|client-cost|cluster> --target switchboard|bare|node
  [--runtime payara|wildfly] [--n 19000] [--minutes 2] [--broadcasts 5] [--every 5] [--workers k] [--inflight 100]
  [--cycles 1000000 --burst 5000 --pause 1000 --users 500]   (churn; soak and churn are for switchboard)
  [--histogram] [--deaf] [--api] [--warmup N] [--dispatch-to-worker true|false]
  [--nodes 3 --rate 2 --seconds 20]   (cluster: N connections on one node alone, then on 1..nodes nodes
          sharing a redis-server, spread evenly; 1 KiB publishes through node 1 at --rate for --seconds)
  (--runtime: the server of switchboard and bare; payara, Payara Micro, is the default.
   --deaf: in the drain, the clients ignore the shutdown notice and wait for the server's close.
   --api: in the drain, an operator's drain (POST /api/drain) instead of SIGTERM: the same core code in a
          JVM that keeps running, so a flight recording (BENCH_JAVA_OPTS) holds the drain; dump it with
          jcmd <pid> JFR.dump before the harness stops the server.
   --warmup N: in the churn, N cycles before the baseline is taken. In the drain, N connections opened
          and closed (a close handshake) before the measured ones, as on a server that has served before.
          In the soak, N connections opened, held --settle seconds and closed before the empty
          server's heap and threads are taken, so that the baseline includes what the first use of the
          container loads and keeps (a cold baseline makes every "after" look like a leak).
   --dispatch-to-worker: WildFly's websockets setting, for either target; by default each runs as
   shipped: switchboard with docker/wildfly-settings.cli (false), bare on WildFly's defaults (true))
  BENCH_HEAP_DUMP=<file.hprof>: the churn writes the server's live heap there once released.`;

function parseArgs(argv) {
  const o = { scenario: argv[0], target: 'switchboard', runtime: 'payara', n: 500, minutes: 1, broadcasts: 5, every: 5,
    inflight: 100, histogram: false, deaf: false, api: false, settle: 10, dispatchToWorker: undefined,
    cycles: 10000, burst: 2000, pause: 1000, users: 500, warmup: 0, nodes: 3, rate: 2, seconds: 20 };
  for (let i = 1; i < argv.length; i++) {
    const key = argv[i].replace(/^--/, '');
    if (key === 'histogram' || key === 'deaf' || key === 'api') {
      o[key] = true;
    } else if (key === 'kinds') {
      o.kinds = argv[++i].split(',');
    } else if (key === 'target' || key === 'runtime') {
      o[key] = argv[++i];
    } else if (key === 'dispatch-to-worker') {
      o.dispatchToWorker = argv[++i] === 'true';
    } else if (key in o || key === 'workers') {
      o[key] = Number(argv[++i]);
    } else {
      throw new Error(`unknown option ${argv[i]}\n${USAGE}`);
    }
  }
  if (!['hold', 'handshake', 'broadcast', 'drain', 'all', 'soak', 'churn', 'client-cost', 'cluster'].includes(o.scenario)
      || !['switchboard', 'bare', 'node'].includes(o.target) || !['payara', 'wildfly'].includes(o.runtime)) {
    throw new Error(USAGE);
  }
  if (o.target === 'node' && o.runtime !== 'payara') {
    throw new Error(`--runtime is for the Java targets (switchboard, bare), not node\n${USAGE}`);
  }
  // one process may hold ~19,900 fds: at most 6,500 connections per load process, and at least 3
  o.workers = o.workers || Math.max(3, Math.ceil(o.n / 6500));
  return o;
}

const now = () => performance.timeOrigin + performance.now();
const sleep = T.sleep;
const kib = (bytes) => Math.round(bytes / 1024);
const r1 = (x) => Math.round(x * 10) / 10;
const sec = (ms) => Number((ms / 1000).toFixed(3));

function pct(sorted, q) {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : NaN;
}

/** The load processes: each a forked client.js with a request/reply channel. */
class Load {
  constructor(count) {
    this.workers = Array.from({ length: count }, (_, i) => {
      const child = fork(path.join(__dirname, 'client.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      const pending = new Map();
      child.on('message', (m) => {
        const p = pending.get(m.id);
        pending.delete(m.id);
        if (m.error) { p.reject(new Error(m.error)); } else { p.resolve(m); }
      });
      process.on('exit', () => { try { child.kill('SIGKILL'); } catch (e) { /* gone */ } });
      return { child, pending, seq: 0, localAddress: `127.0.0.${11 + i}` };
    });
  }

  ask(w, msg) {
    return new Promise((resolve, reject) => {
      const id = ++w.seq;
      w.pending.set(id, { resolve, reject });
      w.child.send({ id, ...msg });
    });
  }

  all(msg) {
    return Promise.all(this.workers.map((w) => this.ask(w, typeof msg === 'function' ? msg(w) : msg)));
  }

  /** Opens tokens.length connections spread over the processes; returns the merged connect figures. */
  async connect(url, protocol, tokens, inflight, subscribe) {
    await this.all({ cmd: 'setup', protocol });
    const k = this.workers.length;
    const shares = this.workers.map((_, i) => tokens.filter((__, j) => j % k === i));
    const results = await Promise.all(this.workers.map((w, i) => this.ask(w,
      { cmd: 'connect', url, tokens: shares[i], localAddress: w.localAddress, inflight, subscribe })));
    const failures = {};
    results.forEach((r) => Object.entries(r.failures).forEach(([why, c]) => { failures[why] = (failures[why] || 0) + c; }));
    return {
      ok: results.reduce((s, r) => s + r.ok, 0),
      subscribed: results.reduce((s, r) => s + r.subscribed, 0),
      failures,
      latencies: results.flatMap((r) => r.latencies).sort((a, b) => a - b),
      firstStart: Math.min(...results.map((r) => r.firstStart)),
      lastOpen: Math.max(...results.map((r) => r.lastOpen)),
    };
  }

  async stats() {
    const s = await this.all({ cmd: 'stats' });
    return {
      open: s.reduce((a, r) => a + r.open, 0),
      pings: s.reduce((a, r) => a + r.pings, 0),
      unexpected: s.reduce((a, r) => a + r.unexpected, 0),
    };
  }

  async end() {
    await this.all({ cmd: 'closeAll' }).catch(() => {});
    this.workers.forEach((w) => w.child.kill());
  }
}

async function tokens(n, prefix = 'bench') {
  const key = new TextEncoder().encode(T.SECRET);
  const out = [];
  for (let i = 0; i < n; i++) {
    out.push(await new SignJWT({}).setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(`${prefix}-${i}`).setExpirationTime('3h').sign(key));
  }
  return out;
}

/** Connects N (subscribed to the bench channel on Switchboard) and lets the server settle. */
async function loaded(o, target, load, subscribe = true) {
  const c = await load.connect(target.url, target.protocol, await tokens(o.n), o.inflight,
    subscribe && target.protocol === 'switchboard');
  console.log(`connected ${c.ok} of ${o.n} in ${r1((c.lastOpen - c.firstStart) / 1000)} s`
    + ` (failures ${JSON.stringify(c.failures)}, subscribed ${c.subscribed})`);
  return c;
}

async function baseline(o, target) {
  await sleep(o.settle * 1000);
  const rss = T.rssKiB(target.pid);
  const heap = await T.heapAfterGcKiB(target);
  // the live objects of a class histogram: steadier than "used" after GC, which moves with how full
  // G1 leaves its regions (the same bare run gave 30.5 and 33.9 KiB per connection)
  const live = o.histogram && target.name !== 'node'
    ? T.histogram(target, histogramFile(o, target, 0)).liveBytes : undefined;
  console.log(`empty ${target.name}: RSS ${rss} KiB, heap after GC ${heap} KiB, ${T.threads(target.pid)} threads`
    + (live === undefined ? '' : `, live objects ${kib(live)} KiB`));
  return { rss, heap, live };
}

function histogramFile(o, target, n) {
  return path.join(T.WORK, `histogram-${target.name}-${o.runtime}-${n}.txt`);
}

const scenarios = {
  async hold(o, target, load) {
    const empty = await baseline(o, target);
    const c = await loaded(o, target, load);
    await sleep(o.settle * 1000);
    return phases.hold(o, target, load, empty, c);
  },

  async handshake(o, target, load) {
    await sleep(o.settle * 1000);
    return (await phases.handshake(o, target, load, false)).figures;
  },

  async broadcast(o, target, load) {
    const c = await loaded(o, target, load);
    await sleep(o.settle * 1000);
    return phases.broadcast(o, target, load, c);
  },

  async drain(o, target, load) {
    if (o.warmup > 0) {
      // a server that has served before: what a drain runs (notices, close handshakes, release) has been
      // run, loaded and compiled, as on a node that has been up for a while
      const w = await load.connect(target.url, target.protocol, await tokens(o.warmup), o.inflight, true);
      await load.all({ cmd: 'closeAll', polite: true });
      await load.all({ cmd: 'forget' });
      await load.all({ cmd: 'phase', phase: 'setup' });
      console.log(`warm-up: ${w.ok} of ${o.warmup} connected and closed with a close handshake`);
      await sleep(o.settle * 1000);
    }
    const c = await loaded(o, target, load);
    await sleep(o.settle * 1000);
    return phases.drain(o, target, load, c);
  },

  /**
   * N connections held for --minutes with heartbeats, then all dropped at once: what the server keeps
   * afterwards (registry, heap after GC and threads against the empty server) says whether anything leaked.
   */
  async soak(o, target, load) {
    if (o.warmup > 0) {
      const w = await load.connect(target.url, target.protocol, await tokens(o.warmup), o.inflight, true);
      console.log(`warm-up: ${w.ok} of ${o.warmup} connected; closing them`);
      await sleep(o.settle * 1000);
      await load.all({ cmd: 'closeAll' });
      await load.all({ cmd: 'phase', phase: 'setup' });
      const warm = await afterwards(o, target, await baseline(o, target), T.threads(target.pid));
      console.log(`warm-up released: registry ${warm.registryAfter} after ${warm.registryEmptyAfterS} s`);
    }
    const empty = await baseline(o, target);
    const emptyThreads = T.threads(target.pid);
    const c = await loaded(o, target, load);
    await sleep(o.settle * 1000);
    const held = await phases.hold(o, target, load, empty, c);
    await load.all({ cmd: 'closeAll' });
    return { ...held, ...(await afterwards(o, target, empty, emptyThreads)) };
  },

  /**
   * --cycles open/close cycles in bursts of --burst (clean closes, sockets reset mid-upgrade, sockets
   * reset mid-message), then the same leak figures as soak, and whether the churned users can still
   * open max-per-user connections each (their slots came back).
   */
  async churn(o, target) {
    const toks = await tokens(o.users, 'churn');
    if (o.warmup > 0) {
      // the baseline of a server that has churned before: its pools grown, its classes loaded and compiled
      await churn({ url: target.url, tokens: toks, cycles: o.warmup, burst: o.burst, inflight: o.inflight,
        pauseMs: o.pause, localAddress: '127.0.0.11' });
      const { stats } = await registryEmptied(target);
      console.log(`warm-up: ${o.warmup} cycles, server registry ${stats.pool?.active}`);
    }
    const empty = await baseline(o, target);
    const emptyThreads = T.threads(target.pid);
    const emptyFds = T.fds(target.pid);
    const cpu0 = T.cpuTicks(target.pid);
    const r = await churn({ url: target.url, tokens: toks, cycles: o.cycles, burst: o.burst, inflight: o.inflight,
      pauseMs: o.pause, kinds: o.kinds, localAddress: '127.0.0.11',
      progress: (n) => console.log(`${n} cycles, server registry ${(await0(target))}`) });
    const cpuPct = r1((T.cpuTicks(target.pid) - cpu0) / r.seconds);
    const after = await afterwards(o, target, empty, emptyThreads);
    if (process.env.BENCH_HEAP_DUMP && target.name !== 'node') {
      // the live objects left by the churn, for a path-to-GC-roots look at whatever the histogram says stayed
      require('child_process').execFileSync('jcmd', [String(target.pid), 'GC.heap_dump', process.env.BENCH_HEAP_DUMP]);
    }
    const perUser = 5;
    let reopened = 0;
    for (let u = 0; u < 3; u++) {
      const attempts = await Promise.all(Array.from({ length: perUser }, () => reconnect(target, toks[u])));
      reopened += attempts.filter(Boolean).length;
      attempts.forEach((ws) => ws && ws.terminate());
    }
    return { cycles: o.cycles, burst: o.burst, seconds: r1(r.seconds), cyclesPerSec: Math.round(o.cycles / r.seconds),
      serverCpuPctOfCore: cpuPct, outcomes: JSON.stringify(r.outcomes), ...after,
      fdsEmpty: emptyFds, fdsAfter: T.fds(target.pid),
      slotsBack: `${reopened}/${3 * perUser}` };
  },

  /** The four scenarios on one server: handshake (subscribing), hold, broadcast, then drain; a row each. */
  async all(o, target, load) {
    const empty = await baseline(o, target);
    const { c, figures } = await phases.handshake(o, target, load, true);
    record({ ...o, scenario: 'handshake (all)' }, target, figures);
    await sleep(o.settle * 1000);
    record({ ...o, scenario: 'hold (all)' }, target, await phases.hold(o, target, load, empty, c));
    record({ ...o, scenario: 'broadcast (all)' }, target, await phases.broadcast(o, target, load, c));
    return phases.drain(o, target, load, c);
  },
};

/** The measured part of each scenario, on a target already loaded with c (the connect figures). */
const phases = {
  async hold(o, target, load, empty, c) {
    await load.all({ cmd: 'phase', phase: 'hold' });
    const s0 = await load.stats();
    const before = await T.counters(target);
    const cpu0 = T.cpuTicks(target.pid);
    const t0 = now();
    await sleep(o.minutes * 60000);
    const cpu1 = T.cpuTicks(target.pid);
    const seconds = (now() - t0) / 1000;
    const s1 = await load.stats();
    const after = await T.counters(target);
    const rss = T.rssKiB(target.pid);
    const threadCount = T.threads(target.pid);
    const heap = await T.heapAfterGcKiB(target);
    const held = s1.open;
    const f = {
      held,
      rssPerConnKiB: r1((rss - empty.rss) / held),
      heapPerConnKiB: r1((heap - empty.heap) / held),
      cpuPctOfCore: r1((cpu1 - cpu0) / seconds),
      pingsPerConnPerMin: r1((s1.pings - s0.pings) / held / (seconds / 60)),
      falseZombieCloses: s1.unexpected,
      rssKiB: rss, emptyRssKiB: empty.rss, heapKiB: heap, emptyHeapKiB: empty.heap, threads: threadCount,
      seconds: Math.round(seconds), connectFailures: c.ok === o.n ? 0 : o.n - c.ok,
    };
    if (target.name === 'switchboard') {
      f.serverZombiesClosed = after.heartbeat.zombiesClosed - before.heartbeat.zombiesClosed;
      f.serverPingsAnswered = `${after.heartbeat.answered - before.heartbeat.answered}/${after.heartbeat.pingsSent - before.heartbeat.pingsSent}`;
    } else if (target.name === 'bare') {
      f.serverPongs = `${after.pongs - before.pongs}/${after.pingsSent - before.pingsSent}`;
    } else {
      f.serverTerminated = after.terminated - before.terminated;
      f.serverPongs = `${after.pongs - before.pongs}/${after.pingsSent - before.pingsSent}`;
    }
    if (o.histogram && target.name !== 'node') {
      const file = histogramFile(o, target, held);
      const h = T.histogram(target, file);
      console.log(`${file}:\n${h.top}`);
      f.liveHeapPerConnKiB = Number(((h.liveBytes - empty.live) / held / 1024).toFixed(2));
    }
    return f;
  },

  async handshake(o, target, load, subscribe) {
    const cpu0 = T.cpuTicks(target.pid);
    const c = await loaded(o, target, load, subscribe);
    const seconds = (c.lastOpen - c.firstStart) / 1000;
    return { c, figures: {
      connected: c.ok,
      connectsPerSec: Math.round(c.ok / seconds),
      p50ms: r1(pct(c.latencies, 0.5)), p99ms: r1(pct(c.latencies, 0.99)), maxMs: r1(c.latencies[c.latencies.length - 1]),
      seconds: r1(seconds), serverCpuPctOfCore: r1((T.cpuTicks(target.pid) - cpu0) / seconds),
      inflight: o.inflight * o.workers, failures: JSON.stringify(c.failures),
    } };
  },

  async broadcast(o, target, load, c) {
    const publisher = await openPublisher(target);
    const pad = 'x'.repeat(1024);
    const published = [];
    const cpu0 = T.cpuTicks(target.pid);
    for (let b = 1; b <= o.broadcasts; b++) {
      const head = `{"b":${b},"t":${now()},"pad":"`;
      const data = `${head}${pad.slice(0, 1024 - head.length - 2)}"}`; // the payload is 1 KiB
      publisher.send(target.protocol === 'switchboard'
        ? `{"type":"publish","channel":"bench","id":${b},"data":${data}}` : data);
      published.push(now());
      if (b < o.broadcasts) {
        await sleep(o.every * 1000);
      }
    }
    const expected = c.ok * o.broadcasts;
    const deadline = now() + 120000;
    let got = [];
    let perBroadcast = {};
    for (;;) {
      const r = await load.all({ cmd: 'broadcasts' });
      perBroadcast = {};
      r.forEach((x) => Object.entries(x.received).forEach(([b, list]) => {
        perBroadcast[b] = (perBroadcast[b] || []).concat(list);
      }));
      got = Object.values(perBroadcast).flat();
      if (got.length >= expected || now() > deadline) {
        break;
      }
      await sleep(1000);
    }
    const cpuPct = r1((T.cpuTicks(target.pid) - cpu0) / ((now() - published[0]) / 1000));
    const s = await load.stats();
    publisher.close();
    got.sort((a, b) => a - b);
    // fan-out rate while a broadcast is in flight: deliveries over the union of [publish, last receive] intervals
    let busyMs = 0;
    let busyUntil = 0;
    published.forEach((at, i) => {
      const list = perBroadcast[i + 1] || [];
      const end = list.length ? at + Math.max(...list) : at;
      busyMs += Math.max(0, end - Math.max(at, busyUntil));
      busyUntil = Math.max(busyUntil, end);
    });
    const complete = Object.values(perBroadcast).filter((list) => list.length >= c.ok).length;
    return {
      receivers: c.ok, broadcasts: o.broadcasts, everySec: o.every,
      delivered: `${got.length}/${expected}`, completeBroadcasts: `${complete}/${o.broadcasts}`,
      deliveredPerSec: Math.round(got.length / (busyMs / 1000)),
      p50s: sec(pct(got, 0.5)), p99s: sec(pct(got, 0.99)), maxS: sec(got[got.length - 1]),
      serverCpuPctOfCore: cpuPct, closedDuringRun: c.ok - s.open,
    };
  },

  async drain(o, target, load, c) {
    await load.all({ cmd: 'phase', phase: o.deaf ? 'drain-deaf' : 'drain' });
    const t0 = Date.now();
    if (o.api) {
      const r = await T.post(`http://127.0.0.1:${target.port}/api/drain?reason=bench`, { authorization: `Bearer ${T.ADMIN_TOKEN}` });
      if (r.status !== 202) {
        throw new Error(`POST /api/drain answered ${r.status}: ${r.body}`);
      }
    } else {
      target.child.kill('SIGTERM');
    }
    const results = await load.all({ cmd: 'awaitClosed', deadline: t0 + 150000 });
    if (o.api && process.env.BENCH_JFR_DUMP) {
      require('child_process').execFileSync('jcmd', [String(target.pid), 'JFR.dump', `filename=${process.env.BENCH_JFR_DUMP}`]);
    }
    const exitedAt = o.api ? NaN : await Promise.race([target.exited, sleep(60000).then(() => NaN)]);
    const byOutcome = {};
    results.forEach((r) => Object.entries(r.byOutcome).forEach(([k, v]) => { byOutcome[k] = (byOutcome[k] || 0) + v; }));
    const lastClose = Math.max(...results.map((r) => r.lastClose));
    const closes = results.flatMap((r) => r.closeTimes).map((t) => t - t0).sort((a, b) => a - b);
    const notices = results.flatMap((r) => r.noticeTimes).map((t) => t - t0).sort((a, b) => a - b);
    return {
      connections: c.ok, sigtermToLastCloseS: sec(lastClose - t0),
      sigtermToFirstNoticeS: sec(notices[0]), sigtermToNoticeP50S: sec(pct(notices, 0.5)),
      sigtermToLastNoticeS: sec(notices[notices.length - 1]),
      sigtermToCloseP50S: sec(pct(closes, 0.5)), sigtermToCloseP99S: sec(pct(closes, 0.99)),
      sigtermToExitS: sec(exitedAt - t0),
      stillOpen: results.reduce((s, r) => s + r.open, 0), outcomes: JSON.stringify(byOutcome),
    };
  },
};

/** [class, bytes grown, instances grown] from one jcmd class histogram to another, most bytes first. */
function classGrowth(beforeText, afterText) {
  const parse = (text) => {
    const m = new Map();
    for (const line of text.split('\n')) {
      const f = /^\s*\d+:\s+(\d+)\s+(\d+)\s+(\S+)/.exec(line);
      if (f) {
        m.set(f[3], [Number(f[1]), Number(f[2])]);
      }
    }
    return m;
  };
  const before = parse(beforeText);
  const after = parse(afterText);
  return [...after.entries()].map(([c, [n, b]]) => {
    const [n0, b0] = before.get(c) || [0, 0];
    return [c, b - b0, n - n0];
  }).sort((x, y) => y[1] - x[1]);
}

let lastActive = '?';
/** The registry size, read in the background for progress lines (never awaited by the churn). */
function await0(target) {
  T.counters(target).then((s) => { lastActive = s.pool ? s.pool.active : '?'; });
  return lastActive;
}

/** Registry, heap and threads once the server has had --settle seconds after the last connection went. */
/** Polls the server's figures until its registry is empty (at most 2 minutes): the last figures and when. */
async function registryEmptied(target) {
  const from = now();
  let stats = await T.counters(target);
  while (stats.pool && stats.pool.active > 0 && now() - from < 120000) {
    await sleep(1000);
    stats = await T.counters(target);
  }
  return { stats, releasedAfterS: stats.pool && stats.pool.active === 0 ? sec(now() - from) : 'never' };
}

async function afterwards(o, target, empty, emptyThreads) {
  const { releasedAfterS } = await registryEmptied(target);
  await sleep(o.settle * 1000);
  const stats = await T.counters(target);
  const heap = await T.heapAfterGcKiB(target);
  let grown = {};
  if (o.histogram && target.name !== 'node') {
    // what the released server keeps beyond the empty one, class by class (bytes of live objects)
    const file = path.join(T.WORK, `histogram-${target.name}-${o.runtime}-after.txt`);
    const h = T.histogram(target, file);
    const diff = classGrowth(fs.readFileSync(histogramFile(o, target, 0), 'utf8'), fs.readFileSync(file, 'utf8'));
    console.log(`live objects after release: ${kib(h.liveBytes)} KiB, empty ${kib(empty.live)} KiB; grown most:\n`
      + diff.slice(0, 15).map(([c, b, n]) => `  ${String(b).padStart(10)} B ${String(n).padStart(8)} objects  ${c}`).join('\n'));
    grown = { liveAfterKiB: kib(h.liveBytes), liveEmptyKiB: kib(empty.live), liveVsEmptyPct: r1((100 * (h.liveBytes - empty.live)) / empty.live) };
  }
  return {
    ...grown,
    registryAfter: stats.pool ? stats.pool.active : 'n/a', registryEmptyAfterS: releasedAfterS,
    byStateAfter: JSON.stringify(stats.pool ? stats.pool.byState : {}),
    heapAfterKiB: heap, heapVsEmptyPct: r1((100 * (heap - empty.heap)) / empty.heap),
    threadsEmpty: emptyThreads, threadsAfter: T.threads(target.pid),
    closesByCode: JSON.stringify(stats.closesByCode || {}),
  };
}

function reconnect(target, token) {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${target.url}?access_token=${token}`, { perMessageDeflate: false });
    ws.on('open', () => resolve(ws));
    ws.on('error', () => resolve(null));
    ws.on('unexpected-response', () => resolve(null));
  });
}

function openPublisher(target) {
  return new Promise((resolve, reject) => {
    tokens(1, 'publisher').then(([token]) => {
      const ws = new WebSocket(`${target.url}?access_token=${token}`, { perMessageDeflate: false });
      ws.on('open', () => resolve(ws));
      ws.on('error', reject);
    });
  });
}

/** RSS per connection of a load process: Node ws (client.js) and the JDK's java.net.http WebSocket. */
async function clientCost(o) {
  const peer = await T.start('node');
  const f = {};
  const load = new Load(1);
  const w = load.workers[0];
  await sleep(1000);
  const before = T.rssKiB(w.child.pid);
  const c = await load.connect(peer.url, 'raw', await tokens(o.n), o.inflight, false);
  await sleep(3000);
  f.nodeWsKiBPerConn = r1((T.rssKiB(w.child.pid) - before) / c.ok);
  await load.end();
  const java = require('child_process').spawnSync('java',
    ['-Xmx2g', '-XX:+UseG1GC', path.join(__dirname, '..', 'java', 'JdkClientCost.java'), peer.url, String(o.n)],
    { encoding: 'utf8' });
  console.log(java.stdout, java.stderr);
  const m = /rssPerConnKiB=([\d.]+)/.exec(java.stdout);
  f.jdkWebSocketKiBPerConn = m ? Number(m[1]) : 'failed';
  f.connections = o.n;
  await T.stop(peer);
  return f;
}

/**
 * The cluster's cost: the same N subscribed connections and the same publishes (1 KiB through node 1's
 * WebSocket, --rate a second for --seconds) on one node alone, then on 1, 2 … --nodes Payara Micro nodes
 * sharing one redis-server, connections spread evenly. A row per layout: publish-to-receive p50/p99 on
 * node 1 and on the other nodes (cross-node), deliveries per second, the nodes' CPU and redis-server's
 * CPU per 1,000 delivered.
 */
async function cluster(o) {
  const redisPort = T.PORTS.switchboard + 30;
  const redisDir = fs.mkdtempSync(path.join(require('os').tmpdir(), 'bench-redis-'));
  const redis = require('child_process').spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1',
    '--dir', redisDir, '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  process.on('exit', () => { try { redis.kill('SIGKILL'); } catch (e) { /* gone */ } });
  await sleep(500);
  const toks = await tokens(o.n);
  const layouts = [0, ...Array.from({ length: o.nodes }, (_, i) => i + 1)]; // 0: one node, no cluster
  for (const k of layouts) {
    const count = Math.max(1, k);
    const nodes = await Promise.all(Array.from({ length: count }, (_, i) => {
      const port = T.PORTS.switchboard + 10 + i;
      const settings = k === 0 ? {} : {
        'switchboard.cluster.redis.uri': `redis://127.0.0.1:${redisPort}`,
        'switchboard.cluster.name': `bench-${k}`,
        'switchboard.node.id': `n${i + 1}`,
        'switchboard.node.public-url': `ws://127.0.0.1:${port}/ws`,
      };
      return T.start('switchboard', port, 'payara', { tag: `cluster-${k}-n${i + 1}`, settings });
    }));
    const shares = nodes.map((_, i) => toks.filter((__, j) => j % count === i));
    const loads = shares.map((share) => new Load(Math.max(1, Math.ceil(share.length / 5000))));
    try {
      const connected = [];
      for (let i = 0; i < count; i++) {
        connected.push(await loads[i].connect(nodes[i].url, 'switchboard', shares[i], o.inflight, true));
      }
      const ok = connected.reduce((a, c) => a + c.ok, 0);
      console.log(`${k === 0 ? 'one node alone' : `${k} node(s) on redis`}: connected ${ok} of ${o.n}, subscribed `
        + `${connected.reduce((a, c) => a + c.subscribed, 0)}`);
      await sleep(o.settle * 1000);
      const publisher = await openPublisher(nodes[0]);
      const total = Math.round(o.rate * o.seconds);
      const pad = 'x'.repeat(1024);
      const cpu0 = nodes.map((t) => T.cpuTicks(t.pid));
      const redis0 = T.cpuTicks(redis.pid);
      const t0 = now();
      for (let b = 1; b <= total; b++) {
        const due = t0 + ((b - 1) * 1000) / o.rate;
        if (due > now()) {
          await sleep(due - now());
        }
        const head = `{"b":${b},"t":${now()},"pad":"`;
        publisher.send(`{"type":"publish","channel":"bench","id":${b},"data":${head}${pad.slice(0, 1024 - head.length - 2)}"}}`);
      }
      const expected = ok * total;
      const deadline = now() + 60000;
      let perNode;
      for (;;) {
        perNode = await Promise.all(loads.map(async (l) => (await l.all({ cmd: 'broadcasts' }))
          .flatMap((x) => Object.values(x.received).flat())));
        const got = perNode.reduce((a, list) => a + list.length, 0);
        const lastAt = Math.max(...(await Promise.all(loads.map((l) => l.all({ cmd: 'broadcasts' }))))
          .flat().map((x) => x.lastReceive || 0));
        if (got >= expected || now() > deadline) {
          const seconds = (Math.max(lastAt, t0) - t0) / 1000;
          const cpu = nodes.reduce((a, t, i) => a + T.cpuTicks(t.pid) - cpu0[i], 0);
          const redisTicks = T.cpuTicks(redis.pid) - redis0;
          const local = perNode[0].sort((a, b) => a - b);
          const cross = perNode.slice(1).flat().sort((a, b) => a - b);
          publisher.close();
          record({ ...o, scenario: k === 0 ? 'cluster (one node alone)' : `cluster (${k} node${k > 1 ? 's' : ''}, redis)` },
            { runtime: 'Payara Micro 6.2025.10' }, {
              nodes: count, connections: ok, publishes: total, ratePerSec: o.rate,
              delivered: `${got}/${expected}`, deliveredPerSec: Math.round(got / seconds),
              node1P50ms: r1(pct(local, 0.5)), node1P99ms: r1(pct(local, 0.99)),
              crossP50ms: cross.length ? r1(pct(cross, 0.5)) : 'n/a', crossP99ms: cross.length ? r1(pct(cross, 0.99)) : 'n/a',
              nodesCpuPctOfCore: r1(cpu / seconds),
              redisCpuMsPer1000: k === 0 ? 'n/a' : r1((redisTicks * 10) / (got / 1000)),
            });
          break;
        }
        await sleep(1000);
      }
    } finally {
      for (const l of loads) {
        await l.end();
      }
      await Promise.all(nodes.map((t) => T.stop(t)));
    }
  }
  redis.kill('SIGKILL');
}

function record(o, target, figures) {
  const when = new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
  const list = Object.entries(figures).map(([k, v]) => `${k}=${v}`).join(', ');
  const row = `| ${when} | ${o.scenario} | ${target ? o.target : '-'} | ${target ? target.runtime : '-'} | ${o.n} | ${list} |`;
  const file = path.join(T.ROOT, 'src', 'bench', 'results-log.md');
  if (!fs.existsSync(file)) {
    fs.writeFileSync(file, '# Benchmark rows, appended by src/bench/run (newest last)\n\n'
      + '| when | scenario | target | runtime | N | figures |\n|---|---|---|---|---|---|\n');
  }
  fs.appendFileSync(file, `${row}\n`);
  console.log(row);
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  if (o.scenario === 'cluster') {
    await cluster(o);
    process.exit(0);
  }
  if (o.scenario === 'client-cost') {
    record(o, null, await clientCost(o));
    process.exit(0);
  }
  const target = await T.start(o.target, undefined, o.runtime, { dispatchToWorker: o.dispatchToWorker });
  console.log(`${o.target} on ${target.runtime}, pid ${target.pid}, ${target.url}; ${o.workers} load processes`);
  const load = new Load(o.workers);
  let figures;
  try {
    figures = await scenarios[o.scenario](o, target, load);
  } finally {
    await load.end();
    await T.stop(target);
  }
  const named = o.scenario === 'all' ? { ...o, scenario: 'drain (all)' } : o.deaf ? { ...o, scenario: 'drain (deaf)' }
    : o.api && o.scenario === 'drain' ? { ...o, scenario: 'drain (api)' } : o;
  record(o.scenario === 'drain' && o.warmup > 0 ? { ...named, scenario: `${named.scenario}, warm ${o.warmup}` } : named,
    target, figures);
  process.exit(0);
}

main().catch((e) => {
  console.error(e.stack || String(e));
  process.exit(1);
});
