package io.switchboard.client;

import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A Switchboard client that stays connected: it reconnects on the {@link ReconnectSchedule} after a lost
 * connection, follows the server's {@code shutdown} and {@code reconnect} notices, resubscribes its
 * channels, answers app-level pings and time sync, and drops a server that has sent nothing for the
 * welcome's {@code intervalMs + timeoutMs}. When the server says the token is about to expire
 * ({@code refresh}) it asks the token supplier again and sends the new token on the open connection;
 * after 4001 {@code token expired} it reconnects at once with a fresh token. It gives up only after
 * {@link #close()}, a close code that means "stop" ({@link CloseCodes}) or a handshake refused with 401
 * or 403.
 *
 * <p>All state lives on one serial executor; the public methods may be called from any thread and
 * return at once. Requests complete their futures with the server's reply, matched by {@code ref}.
 */
public final class SwitchboardClient implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(SwitchboardClient.class.getName());

    /** Where the client is; {@link #CLOSED} is final. */
    public enum State { IDLE, CONNECTING, OPEN, RECONNECTING, CLOSED }

    private final ClientOptions options;
    private final ClientListener listener;
    private final ReconnectSchedule schedule;
    private final Dialer dialer;
    private final SerialExecutor serial;
    private final ScheduledExecutorService timers;
    private final Requests requests = new Requests();
    private final Positions positions = new Positions();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private final Link.Events linkEvents = new LinkEvents();

    // Everything below is touched on the serial executor only (volatile where read by getters).
    /**
     * The {@code url} of the last {@code shutdown} or {@code reconnect} notice, until a connection opens:
     * attempts alternate between it (first) and the configured URI (a load balancer, typically), so that
     * one failed attempt to it does not leave a client that was given node URLs knocking on the
     * draining node alone. Null otherwise: every attempt goes to the configured URI.
     */
    private URI redirect;
    /** Whether the next attempt goes to {@link #redirect}; flips at each attempt while there is one. */
    private boolean redirectTurn;
    private volatile State state = State.IDLE;
    /** The current connection, or null between connections; events of older links are ignored. */
    private Link link;
    private volatile String connectionId;
    /** The current link's silence since its welcome; null before the welcome. */
    private Silence silence;
    /** Set by close(): no reconnect from now on. */
    private boolean closing;
    private ScheduledFuture<?> reconnectTimer;
    private ScheduledFuture<?> watchdog;
    private ScheduledFuture<?> linkTimer;

    SwitchboardClient(ClientOptions options) {
        this.options = options;
        this.listener = options.listener;
        this.schedule = new ReconnectSchedule(
                new Backoff(options.backoffMin, options.backoffMax, options.stableAfter, options.random, System::nanoTime), System::nanoTime);
        this.dialer = new Dialer(options);
        this.serial = new SerialExecutor(options.workersOrDefault());
        this.timers = options.timersOrDefault();
    }

    /** Options for a client of the endpoint at {@code uri}, such as {@code ws://host:8080/ws}. */
    public static ClientOptions builder(URI uri) {
        return new ClientOptions(uri);
    }

    public State state() {
        return state;
    }

    /** The current connection's id from its welcome, or null before the first welcome. */
    public String connectionId() {
        return connectionId;
    }

    /** Starts connecting; the listener's {@code onOpen} follows the welcome. Calling it again does nothing. */
    public SwitchboardClient connect() {
        serial.execute(() -> {
            if (state == State.IDLE) {
                attempt();
            }
        });
        return this;
    }

    /** Subscribes now or, when not connected, on the next connection; kept across reconnects. */
    public CompletableFuture<JsonObject> subscribe(String channel) {
        CompletableFuture<JsonObject> reply = new CompletableFuture<>();
        serial.execute(() -> {
            if (state == State.CLOSED) {
                reply.completeExceptionally(new SwitchboardException(SwitchboardException.NOT_CONNECTED, "the client is closed"));
                return;
            }
            requests.want(channel, reply);
            if (state == State.OPEN) {
                sendSubscribe(channel);
            }
        });
        return reply;
    }

    /** Unsubscribes; when not connected there is nothing to tell the server and it completes at once. */
    public CompletableFuture<JsonObject> unsubscribe(String channel) {
        CompletableFuture<JsonObject> reply = new CompletableFuture<>();
        serial.execute(() -> {
            requests.unwant(channel);
            positions.forget(channel);
            if (state == State.OPEN) {
                long id = requests.request(Requests.Kind.UNSUBSCRIBE, channel, reply);
                link.send(Wire.request("unsubscribe", id, channel, null));
            } else {
                reply.complete(Wire.unsubscribed(channel));
            }
        });
        return reply;
    }

    /** Publishes {@code data} to a channel; fails with {@code not_connected} unless open (no buffering). */
    public CompletableFuture<JsonObject> publish(String channel, JsonValue data) {
        CompletableFuture<JsonObject> reply = new CompletableFuture<>();
        serial.execute(() -> {
            if (state != State.OPEN) {
                reply.completeExceptionally(new SwitchboardException(SwitchboardException.NOT_CONNECTED, "state " + state));
                return;
            }
            long id = requests.request(Requests.Kind.PUBLISH, channel, reply);
            link.send(Wire.request("publish", id, channel, data));
        });
        return reply;
    }

    /**
     * Asks the token supplier for a new token and sends it on the open connection (an in-band refresh):
     * completes with the server's {@code refreshed}, or fails with its error ({@code invalid_token})
     * or {@code not_connected}. The client does this by itself when the server sends {@code refresh}.
     */
    public CompletableFuture<JsonObject> refreshToken() {
        CompletableFuture<JsonObject> reply = new CompletableFuture<>();
        serial.execute(() -> {
            if (state != State.OPEN) {
                reply.completeExceptionally(new SwitchboardException(SwitchboardException.NOT_CONNECTED, "state " + state));
                return;
            }
            String token;
            try {
                token = options.token == null ? null : options.token.get();
            } catch (RuntimeException e) {
                reply.completeExceptionally(new SwitchboardException("token_failed", "the token supplier failed: " + e));
                return;
            }
            if (token == null) {
                reply.completeExceptionally(new SwitchboardException("token_failed", "no token to refresh with"));
                return;
            }
            long id = requests.request(Requests.Kind.REFRESH, null, reply);
            link.send(Wire.refresh(token, id));
        });
        return reply;
    }

    /** Sends a {@code ping} and completes with the round-trip time when the {@code pong} arrives. */
    public CompletableFuture<Duration> ping() {
        CompletableFuture<JsonObject> pong = new CompletableFuture<>();
        long sent = System.nanoTime();
        serial.execute(() -> {
            if (state != State.OPEN) {
                pong.completeExceptionally(new SwitchboardException(SwitchboardException.NOT_CONNECTED, "state " + state));
                return;
            }
            sendPing(pong);
        });
        return pong.thenApply(p -> Duration.ofNanos(System.nanoTime() - sent));
    }

    /** Closes with 1000 and stops reconnecting; completes once the connection is gone. */
    public CompletableFuture<Void> closeAsync() {
        serial.execute(() -> {
            closing = true;
            cancel(reconnectTimer);
            if (link != null && link.isOpen()) {
                Link l = link;
                l.close(1000, "");
                restartLinkTimer(options.closeTimeout, () -> l.abort("close handshake timed out"));
            } else if (link != null) {
                link.abort("client closed"); // still in the handshake, which will be dropped when it completes
            } else {
                finish("client closed");
            }
        });
        return closed;
    }

    /** {@link #closeAsync()}, waiting up to the close timeout and a little more. */
    @Override
    public void close() {
        try {
            closeAsync().get(options.closeTimeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.log(Level.FINE, "close did not complete", e);
        }
    }

    // ---- connection attempts ------------------------------------------------------------------

    private void attempt() {
        cancel(reconnectTimer);
        Link l = new Link(linkEvents, serial);
        link = l;
        setState(State.CONNECTING);
        Dialer.Dialing dialing;
        try {
            URI to = redirect != null && redirectTurn ? redirect : options.uri;
            redirectTurn = redirect != null && !redirectTurn;
            dialing = dialer.dial(to, l);
        } catch (RuntimeException e) {
            // a token supplier that failed, or a URI the JDK refuses: try again later, like a refused connection
            lost(l, Link.NO_CLOSE_FRAME, "could not start a connection: " + e, false, 0);
            return;
        }
        dialing.upgrade().whenComplete((ws, failure) -> serial.execute(() -> {
            if (failure != null) {
                Wire.Failure f = Wire.handshakeFailure(failure);
                lost(l, Link.NO_CLOSE_FRAME, f.reason(), f.terminal(), f.minDelayMs());
            } else if (l != link || closing) {
                ws.abort(); // given up on while the handshake ran
                l.end(Link.NO_CLOSE_FRAME, "client closed");
            } else {
                if (dialing.firstMessage() != null) {
                    l.send(dialing.firstMessage()); // the in-band auth message
                }
                if (state == State.CONNECTING) {
                    restartLinkTimer(options.connectTimeout, () -> l.abort("no welcome within " + options.connectTimeout.toMillis() + " ms"));
                }
            }
        }));
    }

    /** The one path by which a connection ends: decides between reconnecting and closing for good. */
    private void lost(Link l, int code, String reason, boolean terminal, long minDelayMs) {
        if (l != link) {
            return;
        }
        link = null;
        silence = null;
        cancel(watchdog);
        cancel(linkTimer);
        schedule.disconnected();
        requests.disconnected();
        boolean reconnect = !closing && !terminal;
        if (reconnect) {
            long delay = schedule.nextDelayMillis(minDelayMs);
            setState(State.RECONNECTING);
            reconnectTimer = schedule(delay, this::attempt);
            notify(() -> listener.onClose(code, reason, true));
        } else {
            finish(closing ? "client closed" : "closed by the server: " + code + " " + reason);
            notify(() -> listener.onClose(code, reason, false));
        }
    }

    private void finish(String why) {
        cancel(reconnectTimer);
        requests.closed(SwitchboardException.NOT_CONNECTED, why);
        setState(State.CLOSED);
        closed.complete(null);
    }

    // ---- messages from the server --------------------------------------------------------------

    private void onText(Link l, String text) {
        if (l != link) {
            return;
        }
        alive(l);
        JsonObject message;
        try {
            message = Wire.parse(text);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Switchboard client ignored a message that is not a JSON object");
            return;
        }
        switch (message.getString("type", "")) {
            case "welcome" -> onWelcome(l, message);
            case "ping" -> l.send(Wire.pong(message));
            case "pong" -> requests.answer(message.get("id"), message);
            case "time" -> {
                String answer = Wire.timeAnswer(message, System.currentTimeMillis(), System.currentTimeMillis());
                if (answer != null) {
                    l.send(answer);
                }
            }
            case "subscribed" -> onSubscribed(message);
            case "published", "refreshed" -> requests.answer(message.get("ref"), message);
            case "unsubscribed" -> {
                if (!requests.answer(message.get("ref"), message)) {
                    // the server ended a subscription itself (a refreshed token no longer allows it): not wanted any more
                    requests.unwant(message.getString("channel", ""));
                    notify(() -> listener.onMessage(message));
                }
            }
            case "refresh" -> refreshToken().whenComplete((reply, failure) -> {
                if (failure != null) {
                    LOG.log(Level.WARNING, "Switchboard client could not refresh its token: " + failure.getMessage());
                }
            });
            case "message" -> {
                if (positions.accept(message, requests.wants(message.getString("channel", "")))) {
                    notify(() -> listener.onMessage(message));
                }
            }
            case "resync" -> {
                if (requests.wants(message.getString("channel", ""))) {
                    sendSubscribe(message.getString("channel"));
                }
            }
            case "error" -> {
                String again = requests.unavailableSubscribe(message);
                if (again != null) {
                    resubscribeLater(l, again);
                } else if (!requests.answer(message.get("ref"), message)) {
                    notify(() -> listener.onMessage(message));
                }
            }
            case "shutdown" -> {
                planReconnect(l, message.get("reconnectAfterMs"), message.get("url"));
                notify(() -> listener.onMessage(message));
            }
            case "reconnect" -> {
                planReconnect(l, message.get("afterMs"), message.get("url"));
                notify(() -> listener.onMessage(message));
            }
            default -> notify(() -> listener.onMessage(message));
        }
    }

    private void onWelcome(Link l, JsonObject welcome) {
        cancel(linkTimer);
        connectionId = welcome.getString("connectionId", null);
        JsonObject heartbeat = welcome.getJsonObject("heartbeat");
        long interval = heartbeat == null ? 30_000 : heartbeat.getJsonNumber("intervalMs").longValue();
        long timeout = heartbeat == null ? 10_000 : heartbeat.getJsonNumber("timeoutMs").longValue();
        silence = new Silence(interval, timeout, System.nanoTime());
        schedule.connected();
        redirect = null;
        setState(State.OPEN);
        long period = Silence.checkPeriodMillis(interval, timeout);
        watchdog = timers.scheduleAtFixedRate(() -> serial.execute(() -> checkAlive(l)), period, period, TimeUnit.MILLISECONDS);
        notify(() -> listener.onOpen(welcome));
        for (String channel : requests.channels()) {
            sendSubscribe(channel);
        }
    }

    /** Drops a server that has been silent too long; before that, a ping asks it for a frame. */
    private void checkAlive(Link l) {
        if (l != link || state != State.OPEN) {
            return;
        }
        long now = System.nanoTime();
        switch (silence.check(now)) {
            case DEAD -> l.abort("server unresponsive: no frame for " + silence.silentMillis(now) + " ms");
            case PROBE -> sendPing(new CompletableFuture<>());
            case FINE -> { }
        }
    }

    /** A shutdown or reconnect notice: leave after its delay, then connect again (to its url first, if any). */
    private void planReconnect(Link l, JsonValue afterMs, JsonValue url) {
        long delayMs = afterMs instanceof JsonNumber n ? Math.max(0, n.longValue()) : 0;
        redirect = Wire.reconnectTarget(url, null);
        redirectTurn = true;
        schedule.plan(delayMs);
        restartLinkTimer(Duration.ofMillis(delayMs), () -> {
            l.close(1000, "reconnecting");
            restartLinkTimer(options.closeTimeout, () -> l.abort("close handshake timed out"));
        });
    }

    private void alive(Link l) {
        if (l == link && silence != null) {
            silence.frame(System.nanoTime());
        }
    }

    /** Resubscribes from the last position seen, so that nothing published meanwhile is missed. */
    private void sendSubscribe(String channel) {
        long id = requests.subscribe(channel);
        link.send(Wire.subscribe(id, channel, positions.since(channel)));
    }

    /**
     * Subscribes {@code channel} again on the same connection after a short random delay (the backoff's
     * minimum, jittered): the server answered {@code unavailable}, which passes.
     */
    private void resubscribeLater(Link l, String channel) {
        long min = options.backoffMin.toMillis();
        schedule(min + (long) (options.random.nextDouble() * min), () -> {
            if (l == link && state == State.OPEN && requests.wants(channel)) {
                sendSubscribe(channel);
            }
        });
    }

    private void onSubscribed(JsonObject reply) {
        positions.subscribed(reply);
        requests.answer(reply.get("ref"), reply);
        JsonValue recovered = reply.get("recovered");
        if (recovered != null) {
            boolean ok = recovered.getValueType() == JsonValue.ValueType.TRUE;
            notify(() -> listener.onRecovery(reply.getString("channel", ""), ok, reply));
        }
    }

    private void sendPing(CompletableFuture<JsonObject> pong) {
        long id = requests.request(Requests.Kind.PING, null, pong);
        link.send(Wire.request("ping", id, null, null));
    }

    // ---- helpers -------------------------------------------------------------------------------

    private void setState(State next) {
        State previous = state;
        if (previous != next) {
            state = next;
            notify(() -> listener.onStateChange(previous, next));
        }
    }

    /** Runs a listener callback; a listener that throws does not break the client. */
    private static void notify(Runnable callback) {
        try {
            callback.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Switchboard client listener failed", e);
        }
    }

    private ScheduledFuture<?> schedule(long delayMs, Runnable task) {
        return timers.schedule(() -> serial.execute(task), delayMs, TimeUnit.MILLISECONDS);
    }

    /** The one timer of the current link (welcome wait, planned leave, close wait); a new one replaces it. */
    private void restartLinkTimer(Duration delay, Runnable task) {
        cancel(linkTimer);
        linkTimer = schedule(delay.toMillis(), task);
    }

    private static void cancel(ScheduledFuture<?> timer) {
        if (timer != null) {
            timer.cancel(false);
        }
    }

    /** Routes a link's events into the client, ignoring those of links it has moved on from. */
    private final class LinkEvents implements Link.Events {
        @Override
        public void text(Link l, String text) {
            onText(l, text);
        }

        @Override
        public void alive(Link l) {
            SwitchboardClient.this.alive(l);
        }

        @Override
        public void ended(Link l, int code, String reason) {
            if (l != link) {
                return;
            }
            // a close the client itself started after a notice ends with 1000 too, and reconnects as planned
            CloseCodes.Next next = schedule.isPlanned() ? CloseCodes.Next.RECONNECT : CloseCodes.next(code, reason);
            if (next == CloseCodes.Next.STOP && code == 1000 && options.reconnectOnNormalClose) {
                next = CloseCodes.Next.RECONNECT;
            }
            if (next == CloseCodes.Next.RENEW_TOKEN) {
                schedule.plan(0); // at once: the supplier is asked for a new token by the attempt
            }
            lost(l, code, reason, next == CloseCodes.Next.STOP, 0);
        }
    }
}
