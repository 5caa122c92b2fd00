/*
 * Part of /switchboard.js: the build (pom.xml, execution "browser-client") joins the files of
 * src/main/js/switchboard inside one function scope, so what they declare is private to the client.
 *
 * A client's requests and subscriptions, as in the Java client's Requests: fresh ids for requests,
 * replies matched by ref, the channels it wants, and the callers waiting for a subscription to be
 * confirmed. Subscriptions outlive connections: when a connection ends, waiting subscribers wait for
 * the resubscription on the next one, while other requests fail with 'disconnected'.
 */

function failure(code, message) {
  var error = new Error(code + ': ' + message);
  error.code = code;
  return error;
}

function Requests() {
  this._nextId = 0;
  this._inflight = {};           // id -> {kind, channel, waiters: [{resolve, reject}]}
  this._channels = [];           // channels wanted, kept across reconnects
  this._awaiting = {};           // channel -> waiters for a subscribe not yet sent on this connection
}

/* Records that the application wants the channel; the waiter settles with the server's answer. */
Requests.prototype.want = function (channel, waiter) {
  if (this._channels.indexOf(channel) < 0) {
    this._channels.push(channel);
  }
  (this._awaiting[channel] = this._awaiting[channel] || []).push(waiter);
};

/* Forgets the channel; callers still waiting for it are told it was unsubscribed. */
Requests.prototype.unwant = function (channel) {
  this._forget(channel);
  (this._awaiting[channel] || []).forEach(function (w) { w.reject(failure('unsubscribed', channel)); });
  delete this._awaiting[channel];
};

Requests.prototype.channels = function () {
  return this._channels.slice();
};

/* A subscribe message for the channel, taking over the callers waiting for it. */
Requests.prototype.subscribe = function (channel) {
  var waiters = this._awaiting[channel] || [];
  delete this._awaiting[channel];
  return this.message('subscribe', channel, {}, waiters);
};

/* A request message with a fresh id, registered so that its reply settles the waiters. */
Requests.prototype.message = function (type, channel, fields, waiters) {
  var id = ++this._nextId;
  var message = { type: type, id: id };
  if (channel !== null) {
    message.channel = channel;
  }
  Object.keys(fields).forEach(function (k) { message[k] = fields[k]; });
  this._inflight[id] = { kind: type, channel: channel, waiters: waiters };
  return message;
};

/*
 * Settles the request that the reply answers (by its ref, or id for a pong): an error rejects it and
 * forgets a refused subscription. False when the reply answers no request of ours.
 */
Requests.prototype.answer = function (ref, reply) {
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
Requests.prototype.disconnected = function () {
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

/* The client is closed for good: everyone still waiting fails with the code. */
Requests.prototype.closed = function (code, message) {
  this.disconnected();
  var self = this;
  Object.keys(this._awaiting).forEach(function (channel) {
    self._awaiting[channel].forEach(function (w) { w.reject(failure(code, message)); });
  });
  this._awaiting = {};
};

Requests.prototype._forget = function (channel) {
  var i = this._channels.indexOf(channel);
  if (i >= 0) {
    this._channels.splice(i, 1);
  }
};
