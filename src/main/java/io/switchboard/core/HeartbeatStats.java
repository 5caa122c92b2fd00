package io.switchboard.core;

import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongConsumer;

/**
 * Server-wide heartbeat figures (operations.md, {@code GET /api/stats} "heartbeat"): pings
 * sent, answered and missed, connections closed as zombies, idle or skewed, TCP aborts after an
 * unfinished close handshake, and the round-trip histogram. Counters only grow.
 */
public final class HeartbeatStats {

    /** A consistent-enough copy of the figures for reporting. */
    public record Snapshot(long pingsSent, long answered, long missed, double successRate, long zombiesClosed,
                           long idleClosed, long clockSkewClosed, long reconnectsRequested, long aborted,
                           RttHistogram.Percentiles rtt) { }

    final LongAdder pingsSent = new LongAdder();
    final LongAdder answered = new LongAdder();
    final LongAdder missed = new LongAdder();
    final LongAdder zombiesClosed = new LongAdder();
    final LongAdder idleClosed = new LongAdder();
    final LongAdder clockSkewClosed = new LongAdder();
    final LongAdder reconnectsRequested = new LongAdder();
    final LongAdder aborted = new LongAdder();
    final RttHistogram rtt = new RttHistogram();
    /** Told every round trip recorded (the shell's metrics); replaced whole, never changed in place. */
    private volatile LongConsumer roundTripListener = nanos -> { };

    /**
     * Has {@code listener} told every round trip from now on, in nanoseconds, on the thread that
     * received the answer; it must neither block nor throw.
     */
    public synchronized void onRoundTrip(LongConsumer listener) {
        roundTripListener = roundTripListener.andThen(Objects.requireNonNull(listener, "listener"));
    }

    void recordRoundTrip(long nanos) {
        rtt.record(nanos);
        roundTripListener.accept(nanos);
    }

    public long pingsSent() {
        return pingsSent.sum();
    }

    public long answered() {
        return answered.sum();
    }

    public long missed() {
        return missed.sum();
    }

    public long zombiesClosed() {
        return zombiesClosed.sum();
    }

    public long aborted() {
        return aborted.sum();
    }

    /** Every figure, with the round-trip percentiles (which read the whole histogram). */
    public Snapshot snapshot() {
        long a = answered.sum();
        long m = missed.sum();
        double rate = a + m == 0 ? 1.0 : (double) a / (a + m);
        return new Snapshot(pingsSent.sum(), a, m, Math.round(rate * 10_000) / 10_000.0, zombiesClosed.sum(),
                idleClosed.sum(), clockSkewClosed.sum(), reconnectsRequested.sum(), aborted.sum(), rtt.percentiles());
    }
}
