package io.switchboard.client;

/**
 * How long the server has been silent, and what to do about it (protocol.md, client side).
 * The server sends something at least every {@code intervalMs} (a Ping frame or an app-level ping),
 * so after {@code intervalMs + timeoutMs/2} of silence the client asks with a ping of its own, and
 * after {@code intervalMs + timeoutMs} it treats the server as dead.
 *
 * <p>Times are {@code System.nanoTime()}-style readings passed in by the caller. Not thread-safe:
 * used on the client's serial executor only.
 */
final class Silence {

    enum Verdict { FINE, PROBE, DEAD }

    private final long probeAfterNanos;
    private final long deadAfterNanos;
    /** When the last frame of any kind arrived. */
    private long lastFrameNanos;
    /** True once a probe went out after the last frame; the next frame clears it. */
    private boolean probed;

    Silence(long intervalMs, long timeoutMs, long nowNanos) {
        this.probeAfterNanos = (intervalMs + timeoutMs / 2) * 1_000_000L;
        this.deadAfterNanos = (intervalMs + timeoutMs) * 1_000_000L;
        this.lastFrameNanos = nowNanos;
    }

    /** How often to call {@link #check}: often enough to notice the limit within an eighth of it. */
    static long checkPeriodMillis(long intervalMs, long timeoutMs) {
        return Math.max(50, Math.min(intervalMs, (intervalMs + timeoutMs) / 8));
    }

    void frame(long nowNanos) {
        lastFrameNanos = nowNanos;
        probed = false;
    }

    /** {@link Verdict#PROBE} at most once per silence, {@link Verdict#DEAD} from the limit on. */
    Verdict check(long nowNanos) {
        long silent = nowNanos - lastFrameNanos;
        if (silent - deadAfterNanos >= 0) {
            return Verdict.DEAD;
        }
        if (silent - probeAfterNanos >= 0 && !probed) {
            probed = true;
            return Verdict.PROBE;
        }
        return Verdict.FINE;
    }

    long silentMillis(long nowNanos) {
        return (nowNanos - lastFrameNanos) / 1_000_000L;
    }
}
