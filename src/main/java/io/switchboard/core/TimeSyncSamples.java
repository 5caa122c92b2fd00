package io.switchboard.core;

/**
 * The time-sync samples of one connection over the last minute (protocol.md): a ring of
 * at most {@link #CAPACITY} (offset, wall time) pairs, oldest overwritten first. Thread-safe.
 */
final class TimeSyncSamples {

    /** At one request per second a minute holds 60; more are never kept. */
    static final int CAPACITY = 64;
    static final long WINDOW_MILLIS = 60_000;

    /** Guarded by this: ring of samples, {@code count} of them valid, the newest at {@code next - 1}. */
    private final long[] offsetMillis = new long[CAPACITY];
    private final long[] atMillis = new long[CAPACITY];
    private int next;
    private int count;
    /** The latest round trip measured by a time exchange, in milliseconds; -1 before the first. */
    private long lastRttMillis = -1;
    /** The newest sample's wall time, the end of the averaging window. */
    private long newestAt;

    synchronized void add(long offset, long rttMillis, long nowMillis) {
        offsetMillis[next] = offset;
        atMillis[next] = nowMillis;
        next = (next + 1) % CAPACITY;
        count = Math.min(count + 1, CAPACITY);
        lastRttMillis = rttMillis;
        newestAt = nowMillis;
    }

    /** The mean offset of the samples taken within a minute of the newest, or {@code null} without any. */
    synchronized Double meanOffsetMillis() {
        if (count == 0) {
            return null;
        }
        long sum = 0;
        int n = 0;
        for (int i = 0; i < count; i++) {
            int idx = Math.floorMod(next - 1 - i, CAPACITY);
            if (newestAt - atMillis[idx] > WINDOW_MILLIS) {
                break;
            }
            sum += offsetMillis[idx];
            n++;
        }
        return (double) sum / n;
    }

    synchronized long lastRttMillis() {
        return lastRttMillis;
    }
}
