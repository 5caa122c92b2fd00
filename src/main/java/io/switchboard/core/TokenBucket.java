package io.switchboard.core;

/**
 * A token bucket: {@code burst} tokens at most, refilled at {@code perSecond} tokens a second.
 * Used for the per-user message rate and the per-IP handshake rate (protocol.md).
 *
 * <p>Time comes in as an argument from the caller's {@link Clock}; elapsed time is computed by
 * subtraction, so {@code nanoTime} may wrap. Thread-safe: each call holds the bucket's own lock
 * briefly and never calls out.
 */
public final class TokenBucket {

    private static final double NANOS_PER_SECOND = 1_000_000_000d;

    private final double tokensPerNano;
    private final double capacity;

    /** Between 0 and {@code capacity}; as of {@link #lastRefillNanos}. */
    private double tokens;
    /** The time {@link #tokens} was last brought up to date. */
    private long lastRefillNanos;

    public TokenBucket(int perSecond, int burst, long nowNanos) {
        if (perSecond < 1 || burst < 1) {
            throw new IllegalArgumentException("rate and burst must be positive");
        }
        this.tokensPerNano = perSecond / NANOS_PER_SECOND;
        this.capacity = burst;
        this.tokens = burst;
        this.lastRefillNanos = nowNanos;
    }

    /** Takes one token if there is one. */
    public synchronized boolean tryTake(long nowNanos) {
        refill(nowNanos);
        if (tokens >= 1d) {
            tokens -= 1d;
            return true;
        }
        return false;
    }

    /** How long until the next token, zero when one is there now. */
    public synchronized long nanosUntilNextToken(long nowNanos) {
        refill(nowNanos);
        return tokens >= 1d ? 0 : (long) Math.ceil((1d - tokens) / tokensPerNano);
    }

    /** Whether the bucket is back to its full burst, so that forgetting it changes nothing. */
    public synchronized boolean isFull(long nowNanos) {
        refill(nowNanos);
        return tokens >= capacity;
    }

    private void refill(long nowNanos) {
        long elapsed = nowNanos - lastRefillNanos;
        if (elapsed > 0) {
            tokens = Math.min(capacity, tokens + elapsed * tokensPerNano);
            lastRefillNanos = nowNanos;
        }
    }
}
