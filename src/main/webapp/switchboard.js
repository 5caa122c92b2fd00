/*
 * Switchboard browser client (CONTRACT.md section 12). No dependencies, no build step:
 *
 *   <script src="/switchboard.js"></script>
 *   const sb = new Switchboard('wss://example.com/ws', { token: () => myJwt() });
 *   sb.on('message', m => console.log(m.channel, m.data));
 *   sb.connect();
 *   await sb.subscribe('news.sport');
 *
 * It asks for app-level heartbeats (browsers cannot see Ping frames) and answers them, drops a
 * server that has sent nothing for the welcome's intervalMs + timeoutMs, reconnects with
 * exponential backoff and full jitter, follows the server's shutdown and reconnect notices,
 * resubscribes its channels, and answers time sync. It gives up after close() or a terminal close
 * code (1003, 1008, 1009). Events: open (welcome), close ({code, reason, willReconnect}),
 * message (every message for the application), state ({from, to}).
 */
(function (global) {
  'use strict';

  var TERMINAL_CLOSE_CODES = [1003, 1008, 1009];
  var NO_CLOSE_FRAME = 1006;

  /*
   * The delay before retry `attempt` (0 after a stable connection): full jitter over a window that
   * doubles from min up to max, with min as a floor. The same formula as the Java client's Backoff.
   */
  function backoffDelay(attempt, min, max, random) {
    var windowMs = Math.min(max, min * Math.pow(2, Math.min(attempt, 40)));
    return Math.min(max, min + Math.floor(random() * (windowMs + 1)));
  }

  function withQuery(url, name, value) {
    if (new RegExp('[?&]' + name + '=').test(url)) {
      return url;
    }
    var hash = url.indexOf('#');
    var base = hash >= 0 ? url.substring(0, hash) : url;
    return base + (base.indexOf('?') >= 0 ? '&' : '?') + name + '=' + encodeURIComponent(value);
  }

  function failure(code, message) {
    var error = new Error(code + ': ' + message);
    error.code = code;
    return error;
  }

  function Switchboard(url, options) {
    var o = options || {};
    this.options = {
      token: o.token,                                   // a string, or a function called for every attempt
      tokenIn: o.tokenIn === 'auth' ? 'auth' : 'query', // access_token query parameter, or an auth message
      backoffMin: o.backoffMin || 500,
      backoffMax: o.backoffMax || 30000,
      stableAfterMs: o.stableAfterMs || 10000,
      connectTimeoutMs: o.connectTimeoutMs || 10000,
      closeTimeoutMs: o.closeTimeoutMs || 5000,
      random: o.random || Math.random
    };
    this.state = 'idle';           // idle, connecting, open, reconnecting, closed (final)
    this.connectionId = null;
    this.stats = { opens: 0, pingsAnswered: 0, timeAnswered: 0 };
    this._target = url;            // the configured URL: every attempt goes there...
    this._next = null;             // ...except the one right after a notice with a url, which tries it first
    this._handlers = {};
    this._ws = null;               // the current socket; events of older sockets are ignored
    this._attempt = 0;             // retries since the last stable connection
    this._openedAt = 0;            // when the current connection got its welcome, 0 if it has not
    this._lastFrameAt = 0;
    this._probed = false;          // a probe ping went out since the last frame
    this._closing = false;         // close() was called: no more reconnects
    this._plannedAt = 0;           // a shutdown or reconnect notice: reconnect at this time, not by backoff
    this._timers = {};             // reconnect, link (welcome / planned leave / close wait), watchdog
    this._nextId = 0;
    this._inflight = {};           // id -> {kind, channel, waiters: [{resolve, reject}]}
    this._channels = [];           // channels wanted, kept across reconnects
    this._awaiting = {};           // channel -> waiters for a subscribe not yet sent on this connection
  }

  Switchboard.backoffDelay = backoffDelay;

  Switchboard.prototype.on = function (type, handler) {
    (this._handlers[type] = this._handlers[type] || []).push(handler);
    return this;
  };

  Switchboard.prototype.off = function (type, handler) {
    var list = this._handlers[type] || [];
    var i = list.indexOf(handler);
    if (i >= 0) {
      list.splice(i, 1);
    }
    return this;
  };

  Switchboard.prototype._emit = function (type, event) {
    (this._handlers[type] || []).slice().forEach(function (handler) {
      try {
        handler(event);
      } catch (e) {
        setTimeout(function () { throw e; }); // report it without breaking the client
      }
    });
  };

  Switchboard.prototype._setState = function (next) {
    var from = this.state;
    if (from !== next) {
      this.state = next;
      this._emit('state', { from: from, to: next });
    }
  };

  Switchboard.prototype._timer = function (name, ms, fn) {
    clearTimeout(this._timers[name]);
    this._timers[name] = setTimeout(fn.bind(this), ms);
  };

  Switchboard.prototype._clearTimers = function () {
    clearTimeout(this._timers.link);
    clearInterval(this._timers.watchdog);
  };

  Switchboard.prototype.connect = function () {
    if (this.state === 'idle') {
      this._connect();
    }
    return this;
  };

  Switchboard.prototype._connect = function () {
    var self = this;
    var token;
    try {
      token = typeof this.options.token === 'function' ? this.options.token() : this.options.token;
    } catch (e) {
      // a failing token source is retried on the backoff schedule, like a refused connection
      this._ws = {};
      this._lost(this._ws, NO_CLOSE_FRAME, 'token failed: ' + e.message);
      return;
    }
    var url = withQuery(this._next || this._target, 'heartbeat', 'app');
    this._next = null;
    if (token && this.options.tokenIn === 'query') {
      url = withQuery(url, 'access_token', token);
    }
    var ws;
    try {
      ws = new WebSocket(url);
    } catch (e) {
      this._finish();
      this._emit('close', { code: NO_CLOSE_FRAME, reason: 'bad url: ' + e.message, willReconnect: false });
      return;
    }
    this._ws = ws;
    this._setState('connecting');
    this._timer('link', this.options.connectTimeoutMs, function () {
      this._abort(ws, 'no welcome within ' + this.options.connectTimeoutMs + ' ms');
    });
    ws.onopen = function () {
      if (ws === self._ws && token && self.options.tokenIn === 'auth') {
        ws.send(JSON.stringify({ type: 'auth', token: token }));
      }
    };
    ws.onmessage = function (e) { self._onText(ws, e.data); };
    ws.onclose = function (e) { self._lost(ws, e.code, e.reason); };
  };

  /* Drops a socket without waiting for the close handshake, and reports it lost now. */
  Switchboard.prototype._abort = function (ws, reason) {
    ws.onopen = ws.onmessage = ws.onclose = null;
    try {
      ws.close(4000, 'client gave up');
    } catch (e) { /* already closing */ }
    this._lost(ws, NO_CLOSE_FRAME, reason);
  };

  /* The one path by which a connection ends: reconnect, or close for good. */
  Switchboard.prototype._lost = function (ws, code, reason) {
    if (ws !== this._ws) {
      return;
    }
    this._ws = null;
    this._clearTimers();
    if (this._openedAt && Date.now() - this._openedAt >= this.options.stableAfterMs) {
      this._attempt = 0;
    }
    this._openedAt = 0;
    this._disconnectRequests();
    var reconnect = !this._closing && TERMINAL_CLOSE_CODES.indexOf(code) < 0;
    if (reconnect) {
      var delay = this._plannedAt
        ? Math.max(0, this._plannedAt - Date.now())
        : backoffDelay(this._attempt++, this.options.backoffMin, this.options.backoffMax, this.options.random);
      this._plannedAt = 0;
      this._setState('reconnecting');
      this._timer('reconnect', delay, this._connect);
    } else {
      this._finish();
    }
    this._emit('close', { code: code, reason: reason || '', willReconnect: reconnect });
  };

  Switchboard.prototype._finish = function () {
    clearTimeout(this._timers.reconnect);
    this._disconnectRequests();
    var self = this;
    Object.keys(this._awaiting).forEach(function (channel) {
      self._awaiting[channel].forEach(function (w) { w.reject(failure('not_connected', 'the client is closed')); });
    });
    this._awaiting = {};
    this._setState('closed');
  };

  Switchboard.prototype._onText = function (ws, text) {
    if (ws !== this._ws) {
      return;
    }
    this._lastFrameAt = Date.now();
    this._probed = false;
    var m;
    try {
      m = JSON.parse(text);
    } catch (e) {
      return;
    }
    if (!m || typeof m !== 'object') {
      return;
    }
    switch (m.type) {
      case 'welcome': this._onWelcome(ws, m); break;
      case 'ping':
        ws.send(JSON.stringify({ type: 'pong', id: m.id }));
        this.stats.pingsAnswered++;
        break;
      case 'pong': this._answer(m.id, m); break;
      case 'time':
        // the server's request carries t0 only; answering anything else could start a loop
        if (typeof m.t0 === 'number' && m.t1 === undefined) {
          var t1 = Date.now();
          ws.send(JSON.stringify({ type: 'time', t0: m.t0, t1: t1, t2: Date.now() }));
          this.stats.timeAnswered++;
        }
        break;
      case 'subscribed': case 'unsubscribed': case 'published': this._answer(m.ref, m); break;
      case 'error':
        if (!this._answer(m.ref, m)) {
          this._emit('message', m);
        }
        break;
      case 'shutdown': this._planReconnect(ws, m.reconnectAfterMs, m.url); this._emit('message', m); break;
      case 'reconnect': this._planReconnect(ws, m.afterMs, m.url); this._emit('message', m); break;
      default: this._emit('message', m);
    }
  };

  Switchboard.prototype._onWelcome = function (ws, welcome) {
    clearTimeout(this._timers.link);
    this.connectionId = welcome.connectionId;
    this._openedAt = Date.now();
    this.stats.opens++;
    var hb = welcome.heartbeat || {};
    var interval = hb.intervalMs || 30000;
    var timeout = hb.timeoutMs || 10000;
    var self = this;
    this._setState('open');
    clearInterval(this._timers.watchdog);
    this._timers.watchdog = setInterval(function () {
      self._checkAlive(ws, interval + timeout / 2, interval + timeout);
    }, Math.max(50, Math.min(interval, (interval + timeout) / 8)));
    this._emit('open', welcome);
    this._channels.forEach(function (channel) { self._sendSubscribe(channel); });
  };

  /* Drops a server silent for too long; before that, a ping asks it for a frame. */
  Switchboard.prototype._checkAlive = function (ws, probeAfterMs, deadAfterMs) {
    if (ws !== this._ws || this.state !== 'open') {
      return;
    }
    var silent = Date.now() - this._lastFrameAt;
    if (silent >= deadAfterMs) {
      this._abort(ws, 'server unresponsive: no frame for ' + silent + ' ms');
    } else if (silent >= probeAfterMs && !this._probed) {
      this._probed = true;
      this._request('ping', null, {}).catch(function () { /* the watchdog decides */ });
    }
  };

  Switchboard.prototype._planReconnect = function (ws, afterMs, url) {
    if (typeof url === 'string' && url) {
      this._next = url;
    }
    var delay = Math.max(0, Number(afterMs) || 0);
    this._plannedAt = Date.now() + delay;
    this._timer('link', delay, function () {
      if (ws === this._ws) {
        ws.close(1000, 'reconnecting');
        this._timer('link', this.options.closeTimeoutMs, function () { this._abort(ws, 'close handshake timed out'); });
      }
    });
  };

  /* Sends a request with a fresh id; the promise settles with the reply whose ref matches. */
  Switchboard.prototype._request = function (type, channel, fields) {
    var self = this;
    return new Promise(function (resolve, reject) {
      if (self.state !== 'open') {
        reject(failure('not_connected', 'state ' + self.state));
        return;
      }
      self._send(type, channel, fields, [{ resolve: resolve, reject: reject }]);
    });
  };

  Switchboard.prototype._send = function (type, channel, fields, waiters) {
    var id = ++this._nextId;
    var message = { type: type, id: id };
    if (channel !== null) {
      message.channel = channel;
    }
    Object.keys(fields).forEach(function (k) { message[k] = fields[k]; });
    this._inflight[id] = { kind: type, channel: channel, waiters: waiters };
    this._ws.send(JSON.stringify(message));
  };

  Switchboard.prototype._sendSubscribe = function (channel) {
    var waiters = this._awaiting[channel] || [];
    delete this._awaiting[channel];
    this._send('subscribe', channel, {}, waiters);
  };

  Switchboard.prototype._answer = function (ref, reply) {
    var pending = typeof ref === 'number' ? this._inflight[ref] : undefined;
    if (!pending) {
      return false;
    }
    delete this._inflight[ref];
    if (reply.type === 'error') {
      if (pending.kind === 'subscribe') {
        this._forget(pending.channel);
      }
      var error = failure(reply.code || 'error', reply.message || '');
      pending.waiters.forEach(function (w) { w.reject(error); });
    } else {
      pending.waiters.forEach(function (w) { w.resolve(reply); });
    }
    return true;
  };

  /* The connection ended: wanted subscriptions wait for the next one, other requests fail. */
  Switchboard.prototype._disconnectRequests = function () {
    var self = this;
    Object.keys(this._inflight).forEach(function (id) {
      var p = self._inflight[id];
      if (p.kind === 'subscribe' && self._channels.indexOf(p.channel) >= 0) {
        self._awaiting[p.channel] = (self._awaiting[p.channel] || []).concat(p.waiters);
      } else {
        var error = failure('disconnected', 'the connection ended before the reply');
        p.waiters.forEach(function (w) { w.reject(error); });
      }
    });
    this._inflight = {};
  };

  Switchboard.prototype._forget = function (channel) {
    var i = this._channels.indexOf(channel);
    if (i >= 0) {
      this._channels.splice(i, 1);
    }
  };

  /* Subscribes now, or on the next connection; kept across reconnects. */
  Switchboard.prototype.subscribe = function (channel) {
    var self = this;
    return new Promise(function (resolve, reject) {
      if (self.state === 'closed') {
        reject(failure('not_connected', 'the client is closed'));
        return;
      }
      if (self._channels.indexOf(channel) < 0) {
        self._channels.push(channel);
      }
      (self._awaiting[channel] = self._awaiting[channel] || []).push({ resolve: resolve, reject: reject });
      if (self.state === 'open') {
        self._sendSubscribe(channel);
      }
    });
  };

  Switchboard.prototype.unsubscribe = function (channel) {
    this._forget(channel);
    (this._awaiting[channel] || []).forEach(function (w) { w.reject(failure('unsubscribed', channel)); });
    delete this._awaiting[channel];
    if (this.state !== 'open') {
      return Promise.resolve({ type: 'unsubscribed', channel: channel });
    }
    return this._request('unsubscribe', channel, {});
  };

  /* Publishes to a channel; rejects with not_connected unless open (nothing is buffered). */
  Switchboard.prototype.publish = function (channel, data) {
    return this._request('publish', channel, { data: data });
  };

  /* Resolves with the round-trip time in milliseconds. */
  Switchboard.prototype.ping = function () {
    var sent = Date.now();
    return this._request('ping', null, {}).then(function () { return Date.now() - sent; });
  };

  /* Closes with 1000 and stops reconnecting. */
  Switchboard.prototype.close = function () {
    this._closing = true;
    clearTimeout(this._timers.reconnect);
    var ws = this._ws;
    if (ws) {
      ws.close(1000, '');
      this._timer('link', this.options.closeTimeoutMs, function () { this._abort(ws, 'close handshake timed out'); });
    } else {
      this._finish();
    }
  };

  if (typeof module === 'object' && module.exports) {
    module.exports = Switchboard;
  } else {
    global.Switchboard = Switchboard;
  }
}(typeof self !== 'undefined' ? self : this));
