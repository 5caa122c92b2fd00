package io.switchboard.client;

import java.time.Duration;
import java.util.Objects;
import java.util.Random;
import java.util.function.LongSupplier;

/**
 * The reconnect schedule: exponential backoff with full jitter, reset once a connection has stayed
 * up long enough to count as stable.
 *
 * <p>The delay before retry {@code n} (counting from 0 since the last stable connection) is
 * {@code min(max, min + uniform[0, min(max, min * 2^n)])}: full jitter over an exponentially growing
 * window, as in the AWS architecture note "Exponential Backoff And Jitter" and Centrifuge's
 * JavaScript client, with {@code min} as a floor so that no retry comes sooner than {@code min}.
 * The browser client ({@code switchboard.js}) uses the same formula.
 *
 * <p>Not thread-safe: the client calls it from its own serial executor. Time comes from the
 * {@code nanoTime} supplier and randomness from the {@link Random} given, so tests control both.
 */
public final class Backoff {

    public static final Duration DEFAULT_MIN = Duration.ofMillis(500);
    public static final Duration DEFAULT_MAX = Duration.ofSeconds(30);
    /** A connection that stayed open this long resets the schedule. */
    public static final Duration DEFAULT_STABLE_AFTER = Duration.ofSeconds(10);

    private final long minMs;
    private final long maxMs;
    private final long stableAfterNanos;
    private final Random random;
    private final LongSupplier nanoTime;

    /** Retries since the last stable connection; the next delay's window grows with it. */
    private int attempt;
    /** When the current connection opened, valid while {@link #connected} is true. */
    private long connectedAtNanos;
    /** True between {@link #connected()} and {@link #disconnected()}. */
    private boolean connected;

    public Backoff(Duration min, Duration max, Duration stableAfter, Random random, LongSupplier nanoTime) {
        this.minMs = min.toMillis();
        this.maxMs = max.toMillis();
        if (minMs <= 0 || maxMs < minMs) {
            throw new IllegalArgumentException("backoff needs 0 < min <= max, got " + min + " and " + max);
        }
        this.stableAfterNanos = stableAfter.toNanos();
        this.random = Objects.requireNonNull(random, "random");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    }

    /** The documented schedule: 500 ms to 30 s, stable after 10 s, on the system clock. */
    public static Backoff standard() {
        return new Backoff(DEFAULT_MIN, DEFAULT_MAX, DEFAULT_STABLE_AFTER, new Random(), System::nanoTime);
    }

    /** The delay in milliseconds before the next attempt; each call counts one more attempt. */
    public long nextDelayMillis() {
        long window = windowMillis(attempt);
        if (attempt < Integer.MAX_VALUE) {
            attempt++;
        }
        long jitter = (long) (random.nextDouble() * (window + 1));
        return Math.min(maxMs, minMs + jitter);
    }

    /** The upper bound of the jitter window for retry {@code n}: {@code min(max, min * 2^n)}. */
    long windowMillis(int n) {
        if (n >= Long.numberOfLeadingZeros(minMs) - 1) {
            return maxMs; // min * 2^n would not fit in a long, and is above any max anyway
        }
        return Math.min(maxMs, minMs << n);
    }

    /** A connection is open (the server's welcome arrived). */
    public void connected() {
        connected = true;
        connectedAtNanos = nanoTime.getAsLong();
    }

    /** The connection is gone; if it lasted {@code stableAfter}, the schedule starts over. */
    public void disconnected() {
        if (connected && nanoTime.getAsLong() - connectedAtNanos - stableAfterNanos >= 0) {
            attempt = 0;
        }
        connected = false;
    }

    /** Retries counted since the last stable connection. */
    public int attempt() {
        return attempt;
    }
}
