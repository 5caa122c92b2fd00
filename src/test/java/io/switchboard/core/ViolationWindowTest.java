package io.switchboard.core;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ViolationWindowTest {

    private final FakeClock clock = new FakeClock();
    private final ViolationWindow window = new ViolationWindow(3, Duration.ofMinutes(1).toNanos());

    @Test
    void theMaxThViolationWithinTheWindowTrips() {
        assertFalse(window.record(clock.nanoTime()));
        assertFalse(window.record(clock.nanoTime()));
        assertTrue(window.record(clock.nanoTime()));
    }

    @Test
    void violationsSpreadWiderThanTheWindowDoNotTrip() {
        for (int i = 0; i < 10; i++) {
            assertFalse(window.record(clock.nanoTime()), "violation " + i);
            clock.advance(Duration.ofSeconds(31));
        }
    }
}
