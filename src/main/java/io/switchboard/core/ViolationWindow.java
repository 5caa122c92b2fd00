package io.switchboard.core;

/**
 * Counts violations over a sliding window and says when {@code max} of them fell within it
 * (protocol.md: {@code switchboard.rate.max-violations} within a minute).
 *
 * <p>Keeps the times of the last {@code max} violations in a ring; the limit is reached when the
 * oldest of them is younger than the window; the ring is made at the first violation, since most
 * users never commit one. Thread-safe.
 */
public final class ViolationWindow {

    private final int max;
    private final long windowNanos;
    /** The times of the last {@code max} violations; {@link #next} is the oldest once full. Null until the first. */
    private long[] ring;
    /** Where the next violation is written. */
    private int next;
    /** How many slots of the ring hold a violation, up to its length. */
    private int filled;

    public ViolationWindow(int max, long windowNanos) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be positive");
        }
        this.max = max;
        this.windowNanos = windowNanos;
    }

    /** Records one violation; true when it is the {@code max}-th within the window. */
    public synchronized boolean record(long nowNanos) {
        if (ring == null) {
            ring = new long[max];
        }
        ring[next] = nowNanos;
        next = (next + 1) % ring.length;
        if (filled < ring.length) {
            filled++;
        }
        return filled == ring.length && nowNanos - ring[next % ring.length] < windowNanos;
    }
}
