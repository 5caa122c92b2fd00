package io.switchboard.core;

/**
 * The heartbeat, idle and time-sync figures of one connection. Written by the sweeper (pings sent,
 * checks) and by the container's threads (frames received); the methods that touch more than one
 * field are synchronized on this object, which nothing else locks.
 */
public final class HeartbeatState {

    /** No round trip measured yet. */
    public static final long UNKNOWN = -1;

    /** The id of the last heartbeat ping sent; 0 before the first. Only grows. */
    private long pingId;
    /** Monotonic time the last heartbeat ping was sent. */
    private long pingSentNanos;
    /** Monotonic time the last ping counted as missed was sent; meaningful while {@code missedPongs > 0}. */
    private long missedPingSentNanos;
    /** True from a ping until the first answer to it: only the first answer measures a round trip. */
    private boolean awaitingAnswer;
    /** Consecutive pings without proof of life within the timeout; reset by an answered one. */
    private volatile int missedPongs;
    /** The last round trip and its exponentially smoothed mean (RFC 6298, alpha 1/8), in nanoseconds. */
    private volatile long lastRttNanos = UNKNOWN;
    private volatile long smoothedRttNanos = UNKNOWN;
    /** Monotonic time of the last data message (anything but a pong); starts at the open. */
    private volatile long lastDataNanos;

    /** The {@code t0} of the time-sync request awaiting an answer, or {@link #UNKNOWN}. */
    private long timeRequestT0 = UNKNOWN;
    /**
     * Created by the first time-sync answer (time sync is off by default, and its ring costs about
     * 1 KiB per connection); null until then, never reset.
     */
    private volatile TimeSyncSamples timeSamples;

    HeartbeatState(long openedNanos) {
        this.lastDataNanos = openedNanos;
    }

    synchronized long pingSent(long nowNanos) {
        pingId++;
        pingSentNanos = nowNanos;
        awaitingAnswer = true;
        return pingId;
    }

    synchronized long pingSentNanos() {
        return pingSentNanos;
    }

    /**
     * An answer to the last ping (a Pong frame, or an app {@code pong} with its id).
     *
     * @param id the app pong's id, or {@code null} for a Pong frame, which carries none we check
     * @return the round trip in nanoseconds, or {@link #UNKNOWN} when this answer measures nothing
     */
    synchronized long answered(String id, long nowNanos) {
        if (!awaitingAnswer || (id != null && !id.equals(Long.toString(pingId)))) {
            return UNKNOWN;
        }
        awaitingAnswer = false;
        long rtt = Math.max(0, nowNanos - pingSentNanos);
        lastRttNanos = rtt;
        long srtt = smoothedRttNanos;
        smoothedRttNanos = srtt == UNKNOWN ? rtt : srtt + (rtt - srtt) / 8;
        return rtt;
    }

    /**
     * Whether the peer has been silent since a ping it failed to answer: a ping the sweeper already
     * counted as missed with nothing received since it was sent, or the last ping, sent at least
     * {@code timeoutNanos} ago, with nothing received since. False before the first ping and whenever
     * a frame arrived after the last ping, however late.
     *
     * @param lastSeenNanos the connection's last proof of life
     */
    synchronized boolean silentPastTimeout(long lastSeenNanos, long nowNanos, long timeoutNanos) {
        if (pingId == 0 || lastSeenNanos - pingSentNanos > 0) {
            return false;
        }
        if (missedPongs > 0 && lastSeenNanos - missedPingSentNanos <= 0) {
            return true;
        }
        return nowNanos - pingSentNanos - timeoutNanos >= 0;
    }

    /** @return the consecutive misses after this one */
    synchronized int missed() {
        missedPingSentNanos = pingSentNanos;
        return ++missedPongs;
    }

    synchronized void alive() {
        missedPongs = 0;
    }

    void dataReceived(long nowNanos) {
        lastDataNanos = nowNanos;
    }

    long lastDataNanos() {
        return lastDataNanos;
    }

    synchronized void timeRequested(long t0) {
        timeRequestT0 = t0;
    }

    /** @return whether {@code t0} is the request awaiting an answer, which it then no longer is */
    synchronized boolean timeAnswered(long t0) {
        if (timeRequestT0 == UNKNOWN || timeRequestT0 != t0) {
            return false;
        }
        timeRequestT0 = UNKNOWN;
        return true;
    }

    synchronized boolean timeRequestPending() {
        return timeRequestT0 != UNKNOWN;
    }

    /** This connection's time-sync samples, created on first use. */
    synchronized TimeSyncSamples timeSamples() {
        if (timeSamples == null) {
            timeSamples = new TimeSyncSamples();
        }
        return timeSamples;
    }

    public int missedPongs() {
        return missedPongs;
    }

    /** The last round trip in nanoseconds, or {@link #UNKNOWN}. */
    public long lastRttNanos() {
        return lastRttNanos;
    }

    /** The smoothed round trip in nanoseconds, or {@link #UNKNOWN}. */
    public long smoothedRttNanos() {
        return smoothedRttNanos;
    }

    /** The mean clock offset of the client over the last minute in milliseconds, or {@code null} without samples. */
    public Double clockOffsetMillis() {
        TimeSyncSamples samples = timeSamples;
        return samples == null ? null : samples.meanOffsetMillis();
    }
}
