package io.switchboard.core;

/**
 * The only source of time for the core. The shell passes the system clock; tests pass a fake one.
 *
 * <p>{@link #nanoTime()} is monotonic and may wrap: compare two readings by subtraction
 * ({@code a - b < 0}), never with {@code <}. {@link #epochMillis()} is wall-clock time, used only
 * for timestamps shown to people and clients.
 */
public interface Clock {

    /** Monotonic time in nanoseconds, with an arbitrary origin. */
    long nanoTime();

    /** Wall-clock time in milliseconds since the epoch. */
    long epochMillis();
}
