package io.switchboard.lifecycle;

import io.switchboard.core.Clock;

/** The real clock, for the server. */
public enum SystemClock implements Clock {
    INSTANCE;

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public long epochMillis() {
        return System.currentTimeMillis();
    }
}
