package io.switchboard.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The graceful drain of protocol.md, as a state machine driven by the caller's clock.
 *
 * <p>The drain's phase is the one place that says whether the node drains: from {@link #start} new
 * connections are refused ({@link #isRefusing()}), and once it closes connections itself the heartbeats
 * stop ({@link #isClosing()}). {@link #start} also sends every
 * open connection a {@code shutdown} notice with a random {@code reconnectAfterMs} in
 * {@code [0, reconnect-jitter]}. The caller then calls {@link #advance} with the current time until it
 * returns {@link Phase#DONE}: once every client has left or {@code drain-timeout} has passed, the rest
 * are closed with {@code shutdown.close-code}; once they have completed the close handshake or
 * {@code close.timeout} has passed, whatever remains is aborted, the cleanup callbacks run exactly once,
 * and the drain's figures are recorded and logged. {@link #advance} never blocks and never waits on a
 * peer: every send and close it makes is asynchronous.
 *
 * <p>Thread-safe: every method is {@code synchronized}, and none of them holds the lock while it sends.
 */
public final class Drain {

    private static final Logger LOG = Logger.getLogger("io.switchboard.lifecycle");

    /** Where a drain is. */
    public enum Phase {
        /** Not draining: connections are admitted. */
        IDLE,
        /** Notices sent; waiting for clients to leave, up to {@code drain-timeout}. */
        WAITING,
        /** Remaining connections were closed; waiting for their close handshakes, up to {@code close.timeout}. */
        CLOSING,
        /** Finished: no connection remains, and new ones are still refused. */
        DONE
    }

    /** The figures of a finished drain. */
    public record Result(String reason, long durationMs, int connectionsAtStart, int notified,
                         int leftOnTheirOwn, int closed, int aborted) { }

    private final Hub hub;
    private volatile LongSupplier jitterMs;
    /** Where the drain's event lines go: the lifecycle log, and more where the shell needs it. */
    private volatile Consumer<String> events = LOG::info;
    private final List<Runnable> cleanups = new CopyOnWriteArrayList<>();

    /** Changes only under this object's lock; read without it by {@link #isRefusing} and {@link #isClosing}. */
    private volatile Phase phase = Phase.IDLE;
    private String reason = "";
    private long startedNanos;
    private long closeDeadlineNanos;
    /** When the close frames still waiting for a frame in flight are sent anyway: half-way to the close deadline. */
    private long forceDeadlineNanos;
    /** Whether those close frames were sent; set once per drain. */
    private boolean forced;
    /** True while one caller sends the close frames: the close deadline is not final until it is done. */
    private boolean sendingCloses;
    private int atStart;
    private int notified;
    private int closedByUs;
    /** The last finished drain, or null before the first. */
    private volatile Result last;

    /**
     * @param hub      the connections to drain
     * @param jitterMs a source of the random {@code reconnectAfterMs}, in {@code [0, reconnect-jitter]}
     */
    Drain(Hub hub, LongSupplier jitterMs) {
        this.hub = Objects.requireNonNull(hub, "hub");
        this.jitterMs = Objects.requireNonNull(jitterMs, "jitterMs");
    }

    /** A jitter source that draws uniformly from {@code [0, max]} with the given random source. */
    public static LongSupplier uniformJitter(Duration max, java.util.random.RandomGenerator random) {
        long bound = max.toMillis();
        return () -> bound <= 0 ? 0 : random.nextLong(bound + 1);
    }

    /**
     * Sends the drain's {@code event=drain} lines to {@code sink} instead of the lifecycle log: a JVM that
     * is shutting down may have closed its log handlers already.
     */
    public void logTo(Consumer<String> sink) {
        events = Objects.requireNonNull(sink, "sink");
    }

    /** Runs {@code cleanup} once at the end of every drain that reaches {@link Phase#DONE}. */
    public void onCompleted(Runnable cleanup) {
        cleanups.add(Objects.requireNonNull(cleanup, "cleanup"));
    }

    public Phase phase() {
        return phase;
    }

    /** Whether new connections are refused: from the start of a drain until it is cancelled. */
    public boolean isRefusing() {
        return phase != Phase.IDLE;
    }

    /**
     * Whether the drain closes the remaining connections itself (protocol.md, drain step 4): no more
     * pings, pong, idle or time-sync checks from then on.
     */
    boolean isClosing() {
        return phase == Phase.CLOSING || phase == Phase.DONE;
    }

    /** Draws each notice's {@code reconnectAfterMs} from {@code source} instead of at random. */
    void useJitter(LongSupplier source) {
        this.jitterMs = Objects.requireNonNull(source, "source");
    }

    /**
     * Where a drain is at one moment, for an operator watching it.
     *
     * @param elapsedMs          since the drain started; 0 when idle
     * @param connectionsAtStart connections when it started (0 when idle)
     * @param notified           of them, sent a {@code shutdown} notice
     * @param remaining          connections still in the registry
     */
    public record Progress(Phase phase, String reason, long elapsedMs, int connectionsAtStart, int notified,
                           int remaining) { }

    /** The drain's progress at monotonic time {@code now}. */
    public synchronized Progress progress(long now) {
        int remaining = hub.registry().size();
        if (phase == Phase.IDLE) {
            return new Progress(phase, "", 0, 0, 0, remaining);
        }
        return new Progress(phase, reason, Math.max(0, (now - startedNanos) / 1_000_000L), atStart, notified, remaining);
    }

    /** The figures of the last finished drain, or {@code null}. */
    public Result lastResult() {
        return last;
    }

    /**
     * Starts a drain: refuses new connections and notifies every open one.
     *
     * @return false when a drain is already under way or done (the call changes nothing)
     */
    public boolean start(String why, long now) {
        List<ManagedConnection> toNotify;
        synchronized (this) {
            if (phase != Phase.IDLE) {
                return false;
            }
            phase = Phase.WAITING;
            reason = why;
            startedNanos = now;
            closedByUs = 0;
            toNotify = new ArrayList<>(hub.registry().all());
            atStart = toNotify.size();
            notified = 0;
        }
        Settings.Shutdown settings = hub.settings().shutdown();
        events.accept("event=drain phase=start reason=" + LifecycleLog.quote(why) + " connections=" + toNotify.size()
                + " drainTimeoutMs=" + settings.drainTimeout().toMillis());
        int sent = 0;
        if (settings.notifyClients()) {
            // in a cluster: the least-loaded node that is not draining, where clients should go first
            String url = hub.cluster().bestOtherNode().orElse(null);
            for (ManagedConnection c : toNotify) {
                if (c.state() == ConnectionState.OPEN) {
                    hub.send(c, new Outbound.Shutdown(why, jitterMs.getAsLong(), settings.drainTimeout().toMillis(), url));
                    sent++;
                }
            }
        }
        synchronized (this) {
            notified = sent;
        }
        return true;
    }

    /**
     * Ends a drain that is still waiting for clients, or one that has finished: connections are admitted
     * again and the heartbeats resume for them. A drain that is closing connections cannot be cancelled.
     *
     * @return whether the drain was cancelled (false while closing, or when no drain was started)
     */
    public boolean cancel() {
        synchronized (this) {
            if (phase != Phase.WAITING && phase != Phase.DONE) {
                return false;
            }
            phase = Phase.IDLE;
        }
        events.accept("event=drain phase=cancelled reason=" + LifecycleLog.quote(reason));
        return true;
    }

    /** Moves the drain on at time {@code now}; call it until it returns {@link Phase#DONE}. */
    public Phase advance(long now) {
        List<ManagedConnection> toClose = null;
        List<ManagedConnection> toForce = null;
        List<ManagedConnection> toAbort = null;
        Result finished = null;
        synchronized (this) {
            Settings settings = hub.settings();
            if (phase == Phase.WAITING
                    && (hub.registry().size() == 0 || now - startedNanos - settings.shutdown().drainTimeout().toNanos() >= 0)) {
                phase = Phase.CLOSING; // step 4: the drain closes what is left; no more pings or zombie checks
                closeDeadlineNanos = now + settings.closeTimeout().toNanos();
                forceDeadlineNanos = now + settings.closeTimeout().toNanos() / 2;
                forced = false;
                sendingCloses = true;
                toClose = new ArrayList<>(hub.registry().all());
                closedByUs = toClose.size();
            } else if (phase == Phase.CLOSING && !sendingCloses && !forced && now - forceDeadlineNanos >= 0) {
                forced = true;
                toForce = new ArrayList<>(hub.registry().all());
            }
            // nobody left to close: the drain is done now, not a tick later
            // another caller may be sending the close frames still: then only it can end the drain
            if (phase == Phase.CLOSING && (!sendingCloses || toClose != null)
                    && ((toClose != null && toClose.isEmpty()) || hub.registry().size() == 0 || now - closeDeadlineNanos >= 0)) {
                phase = Phase.DONE;
                toAbort = new ArrayList<>(hub.registry().all());
                long durationMs = Math.max(0, (now - startedNanos) / 1_000_000L);
                int aborted = toAbort.size();
                finished = new Result(reason, durationMs, atStart, notified, atStart - closedByUs,
                        closedByUs - aborted, aborted);
                last = finished;
            }
        }
        if (toClose != null) {
            Disconnect shutdown = Disconnect.shutdown(hub.settings().shutdown().closeCode());
            long closing = hub.clock().nanoTime();
            try {
                for (ManagedConnection c : toClose) {
                    hub.close(c, shutdown);
                }
            } finally {
                synchronized (this) {
                    sendingCloses = false;
                    // each close frame gets its close.timeout, however long sending them all took
                    long timeout = settings().closeTimeout().toNanos();
                    long sent = hub.clock().nanoTime();
                    if (sent + timeout - closeDeadlineNanos > 0) {
                        closeDeadlineNanos = sent + timeout;
                        forceDeadlineNanos = sent + timeout / 2;
                    }
                }
            }
            long closed = hub.clock().nanoTime();
            events.accept("event=drain phase=closing reason=" + LifecycleLog.quote(why()) + " connections=" + toClose.size()
                    + " code=" + shutdown.code() + " closeFramesMs=" + (closed - closing) / 1_000_000L);
        }
        if (toForce != null) {
            for (ManagedConnection c : toForce) {
                hub.sendCloseFrameNow(c);
            }
        }
        if (toAbort != null) {
            for (ManagedConnection c : toAbort) {
                hub.abort(c);
            }
            runCleanups();
            events.accept("event=drain phase=done reason=" + LifecycleLog.quote(finished.reason())
                    + " durationMs=" + finished.durationMs() + " connections=" + finished.connectionsAtStart()
                    + " notified=" + finished.notified()
                    + " leftOnTheirOwn=" + finished.leftOnTheirOwn() + " closed=" + finished.closed()
                    + " aborted=" + finished.aborted());
        }
        synchronized (this) {
            return phase;
        }
    }

    /**
     * The last resort of a stop hook whose drain failed (a container that can no longer load a class the
     * drain needs, say): sends every connection still registered a close frame with
     * {@code shutdown.close-code} at once, without the drain's bookkeeping, each on its own so that one
     * failure does not keep the others open.
     *
     * @return how many connections were sent a close frame
     */
    public int closeRemaining() {
        Disconnect shutdown = Disconnect.shutdown(hub.settings().shutdown().closeCode());
        int sent = 0;
        for (ManagedConnection c : new ArrayList<>(hub.registry().all())) {
            try {
                if (c.state() != ConnectionState.CLOSED) {
                    c.beginClose(shutdown);
                    c.transport().close(shutdown.code(), shutdown.reason());
                    sent++;
                }
            } catch (RuntimeException | LinkageError e) {
                LOG.log(Level.WARNING, "could not close connection " + c.id(), e);
            }
        }
        return sent;
    }

    /** After {@link #closeRemaining}: drops whatever has not finished its close handshake; returns how many. */
    public int abortRemaining() {
        int aborted = 0;
        for (ManagedConnection c : new ArrayList<>(hub.registry().all())) {
            try {
                hub.abort(c);
                aborted++;
            } catch (RuntimeException | LinkageError e) {
                LOG.log(Level.WARNING, "could not abort connection " + c.id(), e);
            }
        }
        return aborted;
    }

    private Settings settings() {
        return hub.settings();
    }

    private synchronized String why() {
        return reason;
    }

    private void runCleanups() {
        for (Runnable cleanup : cleanups) {
            try {
                cleanup.run();
            } catch (RuntimeException | LinkageError e) {
                // a cleanup of the shell may need a class its stopping container can no longer load
                LOG.log(Level.WARNING, "drain cleanup failed", e);
            }
        }
    }
}
