package io.switchboard.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TokenBucketTest {

    private final FakeClock clock = new FakeClock();

    @Test
    void aFullBucketAllowsTheBurstThenRefusesUntilItRefills() {
        TokenBucket bucket = new TokenBucket(20, 40, clock.nanoTime());
        for (int i = 0; i < 40; i++) {
            assertTrue(bucket.tryTake(clock.nanoTime()), "token " + i);
        }
        assertFalse(bucket.tryTake(clock.nanoTime()));
        assertEquals(Duration.ofMillis(50).toNanos(), bucket.nanosUntilNextToken(clock.nanoTime()));

        clock.advance(Duration.ofMillis(50));
        assertTrue(bucket.tryTake(clock.nanoTime()));
        assertFalse(bucket.tryTake(clock.nanoTime()));
    }

    @Test
    void refillingStopsAtTheBurstAndSurvivesNanoTimeWrapping() {
        TokenBucket bucket = new TokenBucket(10, 3, clock.nanoTime());
        for (int i = 0; i < 3; i++) {
            bucket.tryTake(clock.nanoTime());
        }
        clock.advance(Duration.ofMinutes(2)); // past Long.MAX_VALUE: FakeClock starts a minute before it
        assertTrue(bucket.isFull(clock.nanoTime()));
        for (int i = 0; i < 3; i++) {
            assertTrue(bucket.tryTake(clock.nanoTime()));
        }
        assertFalse(bucket.tryTake(clock.nanoTime()));
    }
}
