/*
 * Switchboard browser client (clients.md). No dependencies, no build step:
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
 * resubscribes its channels, and answers time sync. When the server says the token is about to
 * expire (refresh) it calls the token function again and sends the new token on the open connection;
 * after 4001 (token expired) it reconnects at once with a new token. The token function may return
 * a string or a promise of one. It gives up after close() or a close code that means "stop"
 * (Switchboard.closeAdvice). Events: open (welcome), close ({code, reason, willReconnect}),
 * message (every message for the application), state ({from, to}), recovery ({channel, recovered,
 * offset, epoch}: the answer to a resubscription from the last message seen; reload the channel's
 * state when recovered is false).
 *
 * With channel history on, it remembers the offset and epoch of the last message of each channel
 * subscribed by exact name, resubscribes with "since" after every reconnect and on "resync", and
 * never delivers a message of such a channel twice.
 */
(function (global) {
  'use strict';

  var NO_CLOSE_FRAME = 1006;
  var TOKEN_EXPIRED = 4001;
  /* The 1008 reasons that mean "try again later" rather than "you may not". */
  var TRANSIENT_POLICY_REASONS = ['slow consumer', 'rate limit exceeded', 'too many connections',
    'replaced by newer connection', 'clock skew'];

  /*
   * What follows a close, by the close-code table of the protocol reference (the server's and the
   * Java client's table are the same, and tested to be): 'stop'; 'reconnect' with backoff; or
   * 'renew', a new token and a reconnect at once (4001). 1008 stops unless its reason is transient.
   */
  function closeAdvice(code, reason) {
    if (code === TOKEN_EXPIRED) {
      return 'renew';
    }
    if (code === 1008) {
      return TRANSIENT_POLICY_REASONS.indexOf(reason) >= 0 ? 'reconnect' : 'stop';
    }
    if (code === 1000 || code === 1002 || code === 1003 || code === 1007 || code === 1009 || code === 1010
        || (code >= 4500 && code <= 4999)) {
      return 'stop';
    }
    return 'reconnect';
  }

  /* The token option's value: a string, or what its function returns (a string or a promise of one). */
  function tokenOf(option) {
    return Promise.resolve(typeof option === 'function' ? option() : option);
  }

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
      token: o.token,                                   // a string, or a function called for every attempt and refresh
      reconnectOnNormalClose: !!o.reconnectOnNormalClose, // reconnect after the server's 1000 too (otherwise: stop)
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
    this.stats = { opens: 0, pingsAnswered: 0, timeAnswered: 0, refreshes: 0 };
    this._target = url;            // the configured URL: every attempt goes there, except...
    this._next = null;             // ...while a notice's url is set (until a welcome): attempts alternate, it first
    this._nextTurn = false;        // whether the next attempt goes to _next
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
    this._positions = {};          // exact channel -> {offset, epoch} of the last message seen (history)
  }

  Switchboard.backoffDelay = backoffDelay;
  Switchboard.closeAdvice = closeAdvice;

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
    var pending = {};              // stands for the socket while the token is fetched
    this._ws = pending;
    this._setState('connecting');
    var token;
    try {
      token = tokenOf(this.options.token);
    } catch (e) {
      token = Promise.reject(e);
    }
    token.then(function (t) {
      if (self._ws === pending) {
        self._dial(t);
      }
    }, function (e) {
      // a failing token source is retried on the backoff schedule, like a refused connection
      self._lost(pending, NO_CLOSE_FRAME, 'token failed: ' + (e && e.message));
    });
  };

  Switchboard.prototype._dial = function (token) {
    var self = this;
    var url = withQuery(this._next && this._nextTurn ? this._next : this._target, 'heartbeat', 'app');
    this._nextTurn = !!this._next && !this._nextTurn;
    if (token && this.options.tokenIn === 'query') {
      url = withQuery(url, 'access_token', token);
    }
    var ws;
    try {
      ws = new WebSocket(url);
    } catch (e) {
      this._ws = null;
      this._finish();
      this._emit('close', { code: NO_CLOSE_FRAME, reason: 'bad url: ' + e.message, willReconnect: false });
      return;
    }
    this._ws = ws;
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
    // a close the client itself started after a notice ends with 1000 too, and reconnects as planned
    var advice = this._plannedAt ? 'reconnect' : closeAdvice(code, reason);
    if (advice === 'stop' && code === 1000 && this.options.reconnectOnNormalClose) {
      advice = 'reconnect';
    }
    var reconnect = !this._closing && advice !== 'stop';
    if (reconnect) {
      var delay = advice === 'renew' ? 0 : this._plannedAt
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
      case 'subscribed':
        this._position(m);
        this._answer(m.ref, m);
        if (typeof m.recovered === 'boolean') {
          this._emit('recovery', { channel: m.channel, recovered: m.recovered, offset: m.offset, epoch: m.epoch });
        }
        break;
      case 'published': case 'refreshed': this._answer(m.ref, m); break;
      case 'unsubscribed':
        if (!this._answer(m.ref, m)) {
          // the server ended a subscription itself (a refreshed token no longer allows it)
          this._forget(m.channel);
          this._emit('message', m);
        }
        break;
      case 'refresh':
        this.refreshToken().catch(function () { /* the server closes with 4001 at expiry; a new token comes then */ });
        break;
      case 'message':
        if (this._channels.indexOf(m.channel) < 0 || this._position(m)) {
          this._emit('message', m);
        }
        break;
      case 'resync':
        if (this._channels.indexOf(m.channel) >= 0) {
          this._sendSubscribe(m.channel);
        }
        break;
      case 'error':
        if (!this._unavailableSubscribe(ws, m) && !this._answer(m.ref, m)) {
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
    this._next = null;
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
      this._nextTurn = true;
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
    var last = this._positions[channel];
    this._send('subscribe', channel, last ? { since: { offset: last.offset, epoch: last.epoch } } : {}, waiters);
  };

  /*
   * Records the position of a channel message or subscribed reply that carries one. False for a
   * message at or below the last position in the same epoch: the application already has it.
   */
  Switchboard.prototype._position = function (m) {
    if (typeof m.offset !== 'number' || typeof m.epoch !== 'string' || typeof m.channel !== 'string') {
      return true;
    }
    var last = this._positions[m.channel];
    if (m.type === 'message' && last && last.epoch === m.epoch && m.offset <= last.offset) {
      return false;
    }
    this._positions[m.channel] = { offset: m.offset, epoch: m.epoch };
    return true;
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

  /*
   * A subscribe answered 'unavailable' (the channel's history could not be read, or the cluster was
   * out of reach for a moment) is not a refusal: while the channel is still wanted its callers wait
   * again, and it is subscribed again on the same connection after backoffMin plus jitter.
   */
  Switchboard.prototype._unavailableSubscribe = function (ws, m) {
    var pending = typeof m.ref === 'number' ? this._inflight[m.ref] : undefined;
    if (m.code !== 'unavailable' || !pending || pending.kind !== 'subscribe'
        || this._channels.indexOf(pending.channel) < 0) {
      return false;
    }
    delete this._inflight[m.ref];
    var channel = pending.channel;
    this._awaiting[channel] = (this._awaiting[channel] || []).concat(pending.waiters);
    var self = this;
    var min = this.options.backoffMin;
    setTimeout(function () {
      if (self._ws === ws && self.state === 'open' && self._channels.indexOf(channel) >= 0) {
        self._sendSubscribe(channel);
      }
    }, min + Math.floor(this.options.random() * min));
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
    delete this._positions[channel];
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

  /*
   * Calls the token function again and sends the new token on the open connection (an in-band
   * refresh); resolves with the server's refreshed, rejects with its error (invalid_token). The
   * client does this by itself when the server sends refresh.
   */
  Switchboard.prototype.refreshToken = function () {
    var self = this;
    var ws = this._ws;
    if (this.state !== 'open') {
      return Promise.reject(failure('not_connected', 'state ' + this.state));
    }
    return tokenOf(this.options.token).then(function (token) {
      if (!token) {
        throw failure('token_failed', 'no token to refresh with');
      }
      if (ws !== self._ws) {
        throw failure('disconnected', 'the connection ended before the refresh');
      }
      self.stats.refreshes++;
      return self._request('auth', null, { token: token });
    });
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
    if (ws && ws.close) {
      ws.close(1000, '');
      this._timer('link', this.options.closeTimeoutMs, function () { this._abort(ws, 'close handshake timed out'); });
    } else {
      this._ws = null; // no socket yet, or its token is still being fetched: nothing to close
      this._finish();
    }
  };

  if (typeof module === 'object' && module.exports) {
    module.exports = Switchboard;
  } else {
    global.Switchboard = Switchboard;
  }
}(typeof self !== 'undefined' ? self : this));
