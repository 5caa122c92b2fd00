package io.switchboard.client;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.function.Supplier;

/**
 * How a {@link SwitchboardClient} connects; build one with {@link SwitchboardClient#builder(URI)}.
 * Many clients may share the defaults: one {@link HttpClient}, one timer thread and one worker pool
 * for every client in the JVM.
 */
public final class ClientOptions {

    /** Where the client presents its token (protocol.md). */
    public enum TokenTransport {
        /** {@code Authorization: Bearer} on the upgrade request. */
        HEADER,
        /** The {@code access_token} query parameter, as browsers must. */
        QUERY,
        /** An {@code auth} message right after the upgrade. */
        IN_BAND
    }

    final URI uri;
    Supplier<String> token;
    TokenTransport tokenTransport = TokenTransport.HEADER;
    boolean appHeartbeat;
    boolean reconnectOnNormalClose;
    ClientListener listener = new ClientListener() { };
    Duration backoffMin = Backoff.DEFAULT_MIN;
    Duration backoffMax = Backoff.DEFAULT_MAX;
    Duration stableAfter = Backoff.DEFAULT_STABLE_AFTER;
    Random random = new Random();
    Duration connectTimeout = Duration.ofSeconds(10);
    Duration closeTimeout = Duration.ofSeconds(5);
    HttpClient http;
    ScheduledExecutorService timers;
    ExecutorService workers;

    ClientOptions(URI uri) {
        this.uri = Objects.requireNonNull(uri, "uri");
    }

    /** A fixed token, or none with {@code null}. */
    public ClientOptions token(String token) {
        this.token = token == null ? null : () -> token;
        return this;
    }

    /**
     * A token read again for every connection attempt and for every in-band refresh (when the server
     * says the current one is about to expire). It runs on the client's serial executor.
     */
    public ClientOptions token(Supplier<String> token) {
        this.token = token;
        return this;
    }

    public ClientOptions tokenTransport(TokenTransport transport) {
        this.tokenTransport = Objects.requireNonNull(transport, "transport");
        return this;
    }

    /** Ask for {@code ?heartbeat=app}: the server's pings come as text messages, answered by the client. */
    public ClientOptions appHeartbeat(boolean app) {
        this.appHeartbeat = app;
        return this;
    }

    /**
     * Reconnect (with backoff) after the server closes with 1000 too, which otherwise means "stop"
     * (an operator closed this connection on purpose). Off by default.
     */
    public ClientOptions reconnectOnNormalClose(boolean reconnect) {
        this.reconnectOnNormalClose = reconnect;
        return this;
    }

    public ClientOptions listener(ClientListener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
        return this;
    }

    /** The reconnect backoff's floor and ceiling (defaults 500 ms and 30 s). */
    public ClientOptions backoff(Duration min, Duration max) {
        this.backoffMin = min;
        this.backoffMax = max;
        return this;
    }

    /** How long a connection must last for the backoff to start over (default 10 s). */
    public ClientOptions stableAfter(Duration stableAfter) {
        this.stableAfter = stableAfter;
        return this;
    }

    /** The source of the backoff's jitter; a seeded one makes the schedule repeatable. */
    public ClientOptions random(Random random) {
        this.random = Objects.requireNonNull(random, "random");
        return this;
    }

    /** The limit for the upgrade, and again for the {@code welcome} after it (default 10 s). */
    public ClientOptions connectTimeout(Duration timeout) {
        this.connectTimeout = timeout;
        return this;
    }

    /** How long a close handshake may take before the connection is dropped (default 5 s). */
    public ClientOptions closeTimeout(Duration timeout) {
        this.closeTimeout = timeout;
        return this;
    }

    public ClientOptions httpClient(HttpClient http) {
        this.http = http;
        return this;
    }

    public ClientOptions timers(ScheduledExecutorService timers) {
        this.timers = timers;
        return this;
    }

    public ClientOptions workers(ExecutorService workers) {
        this.workers = workers;
        return this;
    }

    public SwitchboardClient build() {
        return new SwitchboardClient(this);
    }

    HttpClient httpOrDefault() {
        return http != null ? http : Shared.HTTP;
    }

    ScheduledExecutorService timersOrDefault() {
        return timers != null ? timers : Shared.TIMERS;
    }

    ExecutorService workersOrDefault() {
        return workers != null ? workers : Shared.WORKERS;
    }

    /** The defaults, created on first use and shared by every client. */
    private static final class Shared {
        static final HttpClient HTTP = HttpClient.newHttpClient();
        static final ScheduledExecutorService TIMERS = timers();
        static final ExecutorService WORKERS = Executors.newCachedThreadPool(daemon("switchboard-client"));

        private static ScheduledExecutorService timers() {
            ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1, daemon("switchboard-client-timer"));
            timers.setRemoveOnCancelPolicy(true);
            return timers;
        }

        private static ThreadFactory daemon(String name) {
            return task -> {
                Thread t = new Thread(task, name);
                t.setDaemon(true);
                return t;
            };
        }
    }
}
