'use strict';
// The outside reference: a Node `ws` server with the heartbeat recipe of the ws README (ping every
// client each interval, terminate those that did not pong since the last one) and its broadcast recipe
// (every text message goes to every open client). GET /stats answers its counters and memory, after a
// full GC when started with --expose-gc. On SIGTERM it closes every client with 1001 and exits.
//
//   node --expose-gc peer.js --port 18502 [--interval 5000]
const http = require('http');
const { WebSocketServer, WebSocket } = require('ws');

const args = Object.fromEntries(process.argv.slice(2).join(' ').split('--').filter(Boolean)
  .map((a) => a.trim().split(/\s+/)));
const port = Number(args.port || 18502);
const interval = Number(args.interval || 5000);

let pingsSent = 0;
let pongs = 0;
let terminated = 0;
let broadcasts = 0;

const server = http.createServer((req, res) => {
  if (req.url.startsWith('/stats')) {
    if (global.gc) {
      global.gc();
    }
    const m = process.memoryUsage();
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({
      clients: wss.clients.size, pingsSent, pongs, terminated, broadcasts,
      rss: m.rss, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers,
    }));
    return;
  }
  res.statusCode = 404;
  res.end();
});

const wss = new WebSocketServer({ server, path: '/ws', perMessageDeflate: false });

function heartbeat() {
  this.isAlive = true;
  pongs++;
}

wss.on('connection', (ws) => {
  ws.isAlive = true;
  ws.on('error', () => {});
  ws.on('pong', heartbeat);
  ws.on('message', (data, isBinary) => {
    broadcasts++;
    wss.clients.forEach((client) => {
      if (client.readyState === WebSocket.OPEN) {
        client.send(data, { binary: isBinary });
      }
    });
  });
});

const timer = setInterval(() => {
  wss.clients.forEach((ws) => {
    if (ws.isAlive === false) {
      terminated++;
      return ws.terminate();
    }
    ws.isAlive = false;
    ws.ping();
    pingsSent++;
  });
}, interval);

wss.on('close', () => clearInterval(timer));

process.on('SIGTERM', () => {
  clearInterval(timer);
  server.close();
  wss.clients.forEach((ws) => ws.close(1001, 'server shutdown'));
  const deadline = Date.now() + 10000;
  const check = setInterval(() => {
    if (wss.clients.size === 0 || Date.now() > deadline) {
      wss.clients.forEach((ws) => ws.terminate());
      process.exit(0);
    }
  }, 20);
});

server.listen(port, '127.0.0.1', () => console.log(`peer listening on 127.0.0.1:${port}, ping every ${interval} ms`));
