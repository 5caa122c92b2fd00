package io.switchboard.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    private Backoff backoff(long seed) {
        return new Backoff(Backoff.DEFAULT_MIN, Backoff.DEFAULT_MAX, Backoff.DEFAULT_STABLE_AFTER,
                new Random(seed), nanos::get);
    }

    private void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    @Test
    void theJitterWindowDoublesFromTheMinimumUpToTheMaximum() {
        Backoff b = backoff(1);
        assertEquals(500, b.windowMillis(0));
        assertEquals(1_000, b.windowMillis(1));
        assertEquals(16_000, b.windowMillis(5));
        assertEquals(30_000, b.windowMillis(6));
        assertEquals(30_000, b.windowMillis(40));
        assertEquals(30_000, b.windowMillis(Integer.MAX_VALUE));
    }

    @Test
    void everyDelayLiesBetweenTheMinimumAndItsWindowAndNeverAboveTheMaximum() {
        Backoff b = backoff(42);
        for (int n = 0; n < 200; n++) {
            long window = b.windowMillis(n);
            long delay = b.nextDelayMillis();
            assertTrue(delay >= 500, "retry " + n + " waited " + delay);
            assertTrue(delay <= Math.min(30_000, 500 + window), "retry " + n + " waited " + delay);
        }
        assertEquals(200, b.attempt());
    }

    @Test
    void theSameSeedGivesTheSameScheduleAndTheJitterSpreadsIt() {
        List<Long> first = schedule(backoff(7), 8);
        List<Long> again = schedule(backoff(7), 8);
        List<Long> other = schedule(backoff(8), 8);
        assertEquals(first, again);
        assertTrue(!first.equals(other), "two clients with different randoms do not retry in step");
    }

    @Test
    void fullJitterUsesTheWholeWindowSoClientsDoNotRetryTogether() {
        // 1,000 clients on their sixth retry: the delays cover [500, 16500] ms roughly evenly.
        Random seeds = new Random(3);
        int[] buckets = new int[4];
        for (int client = 0; client < 1_000; client++) {
            Backoff b = backoff(seeds.nextLong());
            long delay = 0;
            for (int n = 0; n <= 5; n++) {
                delay = b.nextDelayMillis();
            }
            buckets[(int) Math.min(3, (delay - 500) / 4_000)]++;
        }
        for (int count : buckets) {
            assertTrue(count > 180 && count < 320, "each quarter of the window gets about 250: " + List.of(buckets[0], buckets[1], buckets[2], buckets[3]));
        }
    }

    @Test
    void aStableConnectionResetsTheScheduleAndAShortOneDoesNot() {
        Backoff b = backoff(5);
        schedule(b, 6);
        assertEquals(6, b.attempt());

        b.connected();
        advance(Duration.ofSeconds(9));
        b.disconnected();
        assertEquals(6, b.attempt(), "9 s is not stable: the next retry keeps backing off");

        b.connected();
        advance(Duration.ofSeconds(10));
        b.disconnected();
        assertEquals(0, b.attempt());
        assertTrue(b.nextDelayMillis() <= 1_000, "the first retry after a stable connection is quick again");
    }

    @Test
    void disconnectingWithoutAConnectionChangesNothing() {
        Backoff b = backoff(5);
        schedule(b, 3);
        advance(Duration.ofMinutes(5));
        b.disconnected();
        assertEquals(3, b.attempt());
    }

    @Test
    void aBadRangeIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ZERO, Duration.ofSeconds(1),
                Duration.ofSeconds(1), new Random(), nanos::get));
        assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1),
                Duration.ofSeconds(1), new Random(), nanos::get));
    }

    private static List<Long> schedule(Backoff b, int n) {
        List<Long> delays = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            delays.add(b.nextDelayMillis());
        }
        return delays;
    }
}
