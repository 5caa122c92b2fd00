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
}
