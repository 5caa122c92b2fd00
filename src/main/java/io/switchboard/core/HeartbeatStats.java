package io.switchboard.core;

import java.util.concurrent.atomic.LongAdder;

/**
 * Server-wide heartbeat figures (CONTRACT.md section 7, {@code GET /api/stats} "heartbeat"): pings
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

    public Snapshot snapshot() {
        long a = answered.sum();
        long m = missed.sum();
        double rate = a + m == 0 ? 1.0 : (double) a / (a + m);
        return new Snapshot(pingsSent.sum(), a, m, Math.round(rate * 10_000) / 10_000.0, zombiesClosed.sum(),
                idleClosed.sum(), clockSkewClosed.sum(), reconnectsRequested.sum(), aborted.sum(), rtt.percentiles());
    }
}
