'use strict';
// The servers under load, each started as a process of the harness's own on 127.0.0.1, and what is
// read from them: RSS (/proc/<pid>/status), CPU ticks (/proc/<pid>/stat), heap after a full GC
// (jcmd GC.run + GC.heap_info for a JVM, the peer's /stats after gc() for Node) and jcmd histograms.
// The Java targets run on Payara Micro (the default) or on WildFly (runtime 'wildfly').
const { spawn, execFileSync } = require('child_process');
const fs = require('fs');
const http = require('http');
const path = require('path');

const ROOT = path.resolve(__dirname, '..', '..', '..');
const WORK = path.join(ROOT, 'target', 'bench');
const SECRET = 'switchboard-bench-hs256-secret-0123456789abcdef';
const ADMIN_TOKEN = 'bench-admin-token';
// The same JVM for every Java target: a 2 GiB heap, G1, nothing else tuned. BENCH_JAVA_OPTS adds options
// for a profile, e.g. BENCH_JAVA_OPTS='-XX:StartFlightRecording=filename=/tmp/drain.jfr,settings=profile'.
const JVM = ['-Xmx2g', '-XX:+UseG1GC', ...(process.env.BENCH_JAVA_OPTS || '').split(' ').filter((x) => x)];

/**
 * Switchboard settings of a benchmark run: heartbeats every 5 s like the other targets, and the limits
 * raised so that they never reject the load (one user per connection stays under max-per-user 5; all
 * connections come from 127.0.0.x, so max-per-ip and the handshake rate per IP must go up); no idle
 * timeout, because the held connections send no data.
 */
const SWITCHBOARD_SETTINGS = {
  'switchboard.auth.jwt.secret': SECRET,
  'switchboard.admin.token': ADMIN_TOKEN,
  'switchboard.heartbeat.interval': '5s',
  'switchboard.idle.timeout': '0',
  'switchboard.limits.max-connections': '25000',
  'switchboard.limits.max-per-ip': '25000',
  'switchboard.rate.handshakes-per-second-per-ip': '1000000',
};

// BENCH_PORT_BASE moves the three ports, for a second engineer's runs on a shared machine
const PORT_BASE = Number(process.env.BENCH_PORT_BASE || 18500);
const PORTS = { switchboard: PORT_BASE, bare: PORT_BASE + 1, node: PORT_BASE + 2 };

function get(url, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers, timeout: 60000 }, (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('timeout')));
  });
}

/** A POST without a body, for the admin API. */
function post(url, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers: { 'content-length': 0, ...headers }, timeout: 60000 }, (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.end();
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitReady(url, child, log, limitMs) {
  const deadline = Date.now() + limitMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`server exited with ${child.exitCode}; see ${log}`);
    }
    try {
      if ((await get(url)).status === 200) {
        return;
      }
    } catch (notYet) {
      // not listening yet
    }
    await sleep(500);
  }
  throw new Error(`server not ready within ${limitMs / 1000} s; see ${log}`);
}

/** The WildFly unpacked by `mvn -Pbench package` (target/bench/wildfly/wildfly-<version>). */
function wildflyHome() {
  const dir = path.join(WORK, 'wildfly');
  const home = fs.existsSync(dir) && fs.readdirSync(dir).find((d) => d.startsWith('wildfly-'));
  if (!home) {
    throw new Error(`no WildFly in ${dir}: run mvn -Pbench -DskipTests package`);
  }
  return path.join(dir, home);
}

/** The java process's pid, as standalone.sh writes it to JBOSS_PIDFILE right after forking it. */
async function wildflyJavaPid(pidfile, child, log) {
  const deadline = Date.now() + 60000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`standalone.sh exited with ${child.exitCode}; see ${log}`);
    }
    const text = fs.existsSync(pidfile) ? fs.readFileSync(pidfile, 'utf8').trim() : '';
    if (/^\d+$/.test(text)) {
      return Number(text);
    }
    await sleep(200);
  }
  throw new Error(`no WildFly pid in ${pidfile}; see ${log}`);
}

/**
 * WildFly as the run-wildfly profile starts it (standalone-microprofile.xml, the WAR in the deployment
 * scanner's folder, served at / by its WEB-INF/jboss-web.xml), on a fresh copy of the standalone folder
 * per run. HTTP on `port` through the port offset (port - 8080), management on 9990 + the same offset.
 * standalone.sh runs the JVM in the background and relays SIGTERM to it; `pid` is the JVM's.
 */
function startWildfly(name, port, war, settings, out, dispatchToWorker) {
  const home = wildflyHome();
  const base = path.join(WORK, `wildfly-${name}`);
  fs.rmSync(base, { recursive: true, force: true });
  fs.cpSync(path.join(home, 'standalone'), base, { recursive: true });
  if (name === 'switchboard') {
    // Switchboard as shipped: docker/wildfly-settings.cli, applied to this fresh copy
    execFileSync(path.join(home, 'bin', 'jboss-cli.sh'), [`-Djboss.server.base.dir=${base}`,
      `--file=${path.join(ROOT, 'docker', 'wildfly-settings.cli')}`], { stdio: 'ignore', timeout: 120000 });
  }
  if (dispatchToWorker !== undefined) {
    const config = path.join(base, 'configuration', 'standalone-microprofile.xml');
    const xml = fs.readFileSync(config, 'utf8');
    if (!/<websockets[^>]*\/>/.test(xml)) {
      throw new Error(`${config}: no <websockets/> element to set dispatch-to-worker on`);
    }
    fs.writeFileSync(config, xml.replace(/<websockets[^>]*\/>/, `<websockets dispatch-to-worker="${dispatchToWorker}"/>`));
  }
  fs.copyFileSync(war, path.join(base, 'deployments', `${name}.war`));
  const offset = port - 8080;
  const pidfile = path.join(base, 'server.pid');
  const argv = ['-c', 'standalone-microprofile.xml', `-Djboss.server.base.dir=${base}`,
    `-Djboss.socket.binding.port-offset=${offset}`, '-b', '127.0.0.1', '-bmanagement', '127.0.0.1',
    // SIGTERM waits for Switchboard's drain, as in the run-wildfly profile
    '-Dorg.wildfly.sigterm.suspend.timeout=40',
    ...Object.entries(settings).map(([k, v]) => `-D${k}=${v}`)];
  const env = { ...process.env, JBOSS_JAVA_SIZING: JVM.join(' '), LAUNCH_JBOSS_IN_BACKGROUND: '1',
    JBOSS_PIDFILE: pidfile, GC_LOG: 'false' };
  delete env.JAVA_OPTS;
  const child = spawn(path.join(home, 'bin', 'standalone.sh'), argv, { stdio: ['ignore', out, out], env });
  return { child, pidfile, managementPort: 9990 + offset, version: path.basename(home).replace('wildfly-', '') };
}

/** Starts the target and waits until it serves; returns { name, pid, child, port, url, log, stats() }. */
async function start(name, port, runtime = 'payara', options = {}) {
  fs.mkdirSync(WORK, { recursive: true });
  port = port || PORTS[name];
  const onWildfly = name !== 'node' && runtime === 'wildfly';
  const tag = options.tag || name;
  const log = path.join(WORK, onWildfly ? `${tag}-wildfly-server.log` : `${tag}-server.log`);
  const out = fs.openSync(log, 'w');
  let child;
  let probe;
  let wildfly;
  if (onWildfly) {
    const war = name === 'switchboard' ? path.join(ROOT, 'target', 'switchboard.war') : path.join(WORK, 'bare.war');
    // each target as it is shipped (Switchboard with docker/wildfly-settings.cli, the bare WAR on
    // WildFly's defaults) unless --dispatch-to-worker says otherwise for that one setting
    wildfly = startWildfly(name, port, war, name === 'switchboard' ? SWITCHBOARD_SETTINGS : {}, out, options.dispatchToWorker);
    child = wildfly.child;
    // WildFly serves health on the management port only
    probe = name === 'switchboard' ? `http://127.0.0.1:${wildfly.managementPort}/health/ready` : `http://127.0.0.1:${port}/stats`;
  } else if (name === 'node') {
    child = spawn(process.execPath, ['--expose-gc', path.join(__dirname, 'peer.js'), '--port', String(port), '--interval', '5000'],
      { stdio: ['ignore', out, out] });
    probe = `http://127.0.0.1:${port}/stats`;
  } else {
    const war = name === 'switchboard' ? path.join(ROOT, 'target', 'switchboard.war') : path.join(WORK, 'bare.war');
    const settings = name === 'switchboard' ? { ...SWITCHBOARD_SETTINGS, ...(options.settings || {}) } : {};
    const rootdir = path.join(WORK, `payara-${tag}`);
    fs.rmSync(rootdir, { recursive: true, force: true });
    const argv = [...JVM, ...Object.entries(settings).map(([k, v]) => `-D${k}=${v}`),
      '-jar', path.join(ROOT, 'target', 'payara-micro.jar'), '--deploy', war, '--contextroot', '/',
      '--port', String(port), '--nocluster', '--rootdir', rootdir,
      // the same container settings for Switchboard and the bare endpoint, as README runs Payara Micro
      '--prebootcommandfile', path.join(ROOT, 'docker', 'payara-preboot.asadmin')];
    child = spawn('java', argv, { stdio: ['ignore', out, out] });
    probe = name === 'switchboard' ? `http://127.0.0.1:${port}/health/ready` : `http://127.0.0.1:${port}/stats`;
  }
  const target = {
    name, port, child, pid: child.pid, log,
    runtime: name === 'node' ? `node ${process.version}, ws 8.18.3`
      : onWildfly ? `WildFly ${wildfly.version}${name === 'switchboard' ? ', docker/wildfly-settings.cli' : ''}`
        + (options.dispatchToWorker === undefined ? '' : `, dispatch-to-worker=${options.dispatchToWorker}`)
        : 'Payara Micro 6.2025.10',
    url: `ws://127.0.0.1:${port}/ws`,
    protocol: name === 'switchboard' ? 'switchboard' : 'raw',
    exited: new Promise((resolve) => child.on('exit', () => resolve(Date.now()))),
  };
  const pids = [child.pid];
  process.on('exit', () => pids.forEach((pid) => { try { process.kill(pid, 'SIGKILL'); } catch (e) { /* gone */ } }));
  if (onWildfly) {
    target.pid = await wildflyJavaPid(wildfly.pidfile, child, log);
    pids.push(target.pid);
  }
  await waitReady(probe, child, log, 300000);
  return target;
}

/** The target's own counters: Switchboard's /api/stats, the bare endpoint's and the peer's /stats. */
async function counters(target) {
  try {
    if (target.name === 'switchboard') {
      const r = await get(`http://127.0.0.1:${target.port}/api/stats`, { authorization: `Bearer ${ADMIN_TOKEN}` });
      return JSON.parse(r.body);
    }
    return JSON.parse((await get(`http://127.0.0.1:${target.port}/stats`)).body);
  } catch (e) {
    return { error: String(e) };
  }
}

/** Resident set size in KiB. */
function rssKiB(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}

/** utime + stime in clock ticks (USER_HZ = 100). */
function cpuTicks(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]);
}

/** Open file descriptors of the process (sockets included). */
function fds(pid) {
  try {
    return fs.readdirSync(`/proc/${pid}/fd`).length;
  } catch (e) {
    return NaN;
  }
}

function threads(pid) {
  const m = /Threads:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}

/** Heap in use after a full GC, in KiB. */
async function heapAfterGcKiB(target) {
  if (target.name === 'node') {
    const s = await counters(target);
    return Math.round(s.heapUsed / 1024);
  }
  execFileSync('jcmd', [String(target.pid), 'GC.run'], { timeout: 120000 });
  const info = execFileSync('jcmd', [String(target.pid), 'GC.heap_info'], { timeout: 60000 }).toString();
  const m = /used (\d+)K/.exec(info);
  return m ? Number(m[1]) : NaN;
}

/**
 * Writes jcmd GC.class_histogram (taken after a full GC) to a file; returns its first lines and the
 * bytes of all live objects (its Total line).
 */
function histogram(target, file, lines = 25) {
  const text = execFileSync('jcmd', [String(target.pid), 'GC.class_histogram'], { timeout: 120000, maxBuffer: 64 << 20 }).toString();
  fs.writeFileSync(file, text);
  const all = text.split('\n');
  const total = /Total\s+\d+\s+(\d+)/.exec(text);
  return { top: [...all.slice(0, lines + 3), ...all.slice(-2)].join('\n'), liveBytes: total ? Number(total[1]) : NaN };
}

async function stop(target, signal = 'SIGKILL') {
  if (target.child.exitCode === null) {
    target.child.kill(signal);
  }
  if (signal === 'SIGKILL' && target.pid !== target.child.pid) {
    // standalone.sh relays TERM, not KILL: the JVM is killed on its own
    try { process.kill(target.pid, 'SIGKILL'); } catch (gone) { /* already exited */ }
  }
  await Promise.race([target.exited, sleep(30000)]);
}

module.exports = {
  start, stop, counters, rssKiB, cpuTicks, threads, fds, heapAfterGcKiB, histogram, get, post, sleep,
  SECRET, ADMIN_TOKEN, SWITCHBOARD_SETTINGS, WORK, ROOT, PORTS,
};
