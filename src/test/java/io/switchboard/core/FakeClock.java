package io.switchboard.core;

import java.time.Duration;

/** A clock that moves only when a test says so. Starts near the wrap-around point of nanoTime on purpose. */
public final class FakeClock implements Clock {

    private long nanos = Long.MAX_VALUE - Duration.ofMinutes(1).toNanos();
    private long millis = 1_763_800_000_000L;

    @Override
    public long nanoTime() {
        return nanos;
    }

    @Override
    public long epochMillis() {
        return millis;
    }

    public void advance(Duration d) {
        nanos += d.toNanos();
        millis += d.toMillis();
    }

    /** Moves on by {@code total} in steps of {@code step}, sweeping after each, as the shell's periodic task does. */
    public void runFor(Duration total, Duration step, Sweeper sweeper) {
        for (long t = 0; t < total.toNanos(); t += step.toNanos()) {
            advance(step);
            sweeper.sweep();
        }
    }
}
