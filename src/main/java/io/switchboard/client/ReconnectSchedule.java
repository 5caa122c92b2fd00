package io.switchboard.client;

import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * When a {@link SwitchboardClient}'s next connection attempt goes: at the time a {@code shutdown} or
 * {@code reconnect} notice asked for (at once if that time has passed), since the server has already
 * spread its clients over the notice's jitter; otherwise after the {@link Backoff} delay, and never
 * sooner than the {@code Retry-After} of a refused handshake.
 *
 * <p>Not thread-safe: the client calls it from its own serial executor. Time comes from the
 * {@code nanoTime} supplier, so tests control it.
 */
final class ReconnectSchedule {

    private final Backoff backoff;
    private final LongSupplier nanoTime;
    /** Set by a notice; the next end of a connection reconnects at {@link #plannedAtNanos} instead of backing off. */
    private boolean planned;
    /** When the notice asked the client to come back; valid while {@link #planned} is true. */
    private long plannedAtNanos;

    ReconnectSchedule(Backoff backoff, LongSupplier nanoTime) {
        this.backoff = Objects.requireNonNull(backoff, "backoff");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    }

    /** A connection is open (the welcome arrived): the backoff starts counting its lifetime. */
    void connected() {
        backoff.connected();
    }

    /** A notice asked the client to leave in {@code delayMs} and come back right after. */
    void plan(long delayMs) {
        planned = true;
        plannedAtNanos = nanoTime.getAsLong() + delayMs * 1_000_000L;
    }

    /** Whether a notice (or an expired token) has planned the next attempt. */
    boolean isPlanned() {
        return planned;
    }

    /** The connection is gone; a stable one resets the backoff. */
    void disconnected() {
        backoff.disconnected();
    }

    /**
     * The delay in milliseconds before the next attempt: what is left until the planned time, or the
     * backoff's next delay but at least {@code minDelayMs}. A plan is used once.
     */
    long nextDelayMillis(long minDelayMs) {
        long delay = planned
                ? Math.max(0, (plannedAtNanos - nanoTime.getAsLong()) / 1_000_000L)
                : Math.max(backoff.nextDelayMillis(), minDelayMs);
        planned = false;
        return delay;
    }
}
