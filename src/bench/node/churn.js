'use strict';
// Open/close churn on raw sockets, for the churn scenario of run.js: cycles in bursts, each one of
//   clean   - upgrade, wait for the 101, send a close frame, end the socket;
//   upgrade - send the upgrade request and destroy the socket 0-3 ms later (half with a reset),
//             before or while the server upgrades it;
//   message - upgrade, then the head of a text frame that declares 200 bytes and 40 of them, then a reset.
// It counts what each cycle saw; the server's figures (registry, heap, threads) are read by run.js.
const net = require('net');
const crypto = require('crypto');

const KINDS = ['clean', 'clean', 'clean', 'upgrade', 'message'];

function request(url, token) {
  const u = new URL(url);
  return `GET ${u.pathname} HTTP/1.1\r\nHost: ${u.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n`
    + `Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${crypto.randomBytes(16).toString('base64')}\r\n`
    + `Authorization: Bearer ${token}\r\n\r\n`;
}

/** A masked frame head (mask key 0, so the payload goes as is). */
function head(opcode, length) {
  return Buffer.from([0x80 | opcode, 0x80 | length, 0, 0, 0, 0]);
}

function cycle(url, token, kind, localAddress) {
  return new Promise((resolve) => {
    const u = new URL(url);
    const s = net.connect({ host: u.hostname, port: Number(u.port), localAddress });
    let done = false;
    let buffered = '';
    const finish = (outcome) => {
      if (!done) {
        done = true;
        clearTimeout(timer);
        resolve(outcome);
      }
    };
    const timer = setTimeout(() => { s.destroy(); finish('timeout'); }, 15000);
    s.on('error', () => finish(done ? 'ok' : 'error'));
    s.on('close', () => finish(kind === 'clean' ? 'closed-early' : 'ok'));
    s.on('connect', () => {
      s.write(request(url, token));
      if (kind === 'upgrade') {
        setTimeout(() => {
          if (Math.random() < 0.5) { s.resetAndDestroy(); } else { s.destroy(); }
          finish('ok');
        }, Math.floor(Math.random() * 4));
      }
    });
    s.on('data', (chunk) => {
      if (kind === 'upgrade' || done) {
        return;
      }
      buffered += chunk.toString('latin1');
      if (!buffered.includes('\r\n\r\n')) {
        return;
      }
      const status = Number(buffered.split(' ')[1]);
      if (status !== 101) {
        s.destroy();
        finish(`status-${status}`);
        return;
      }
      if (kind === 'clean') {
        s.end(Buffer.concat([head(0x8, 2), Buffer.from([0x03, 0xe8])]));
        finish('ok');
      } else {
        const partial = Buffer.alloc(40, 0x61);
        s.write(Buffer.concat([Buffer.from([0x81, 0x80 | 126, 0, 200, 0, 0, 0, 0]), partial]));
        setTimeout(() => { s.resetAndDestroy(); finish('ok'); }, 1);
      }
      buffered = '';
    });
  });
}

/**
 * Runs `cycles` cycles in bursts of `burst` (at most `inflight` at once), pausing `pauseMs` between
 * bursts; tokens are used round-robin. Returns the outcome counts per kind and the time taken.
 */
async function churn({ url, tokens, cycles, burst, inflight, pauseMs, localAddress, progress, kinds = KINDS }) {
  const outcomes = {};
  const t0 = Date.now();
  let next = 0;
  while (next < cycles) {
    const end = Math.min(cycles, next + burst);
    const running = new Set();
    for (; next < end; next++) {
      const kind = kinds[next % kinds.length];
      const p = cycle(url, tokens[next % tokens.length], kind, localAddress).then((o) => {
        const key = `${kind}:${o}`;
        outcomes[key] = (outcomes[key] || 0) + 1;
        running.delete(p);
      });
      running.add(p);
      if (running.size >= inflight) {
        await Promise.race(running);
      }
    }
    await Promise.all(running);
    if (progress) {
      progress(next);
    }
    if (next < cycles) {
      await new Promise((r) => setTimeout(r, pauseMs));
    }
  }
  return { outcomes, seconds: (Date.now() - t0) / 1000 };
}

module.exports = { churn, cycle };
