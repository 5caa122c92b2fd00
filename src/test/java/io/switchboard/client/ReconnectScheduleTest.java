package io.switchboard.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ReconnectScheduleTest {

    private final AtomicLong nanos = new AtomicLong(5_000_000_000L);
    private final ReconnectSchedule schedule = new ReconnectSchedule(
            new Backoff(Backoff.DEFAULT_MIN, Backoff.DEFAULT_MAX, Backoff.DEFAULT_STABLE_AFTER, new Random(7), nanos::get), nanos::get);

    private void advance(long millis) {
        nanos.addAndGet(Duration.ofMillis(millis).toNanos());
    }

    @Test
    void aNoticeSetsTheTimeOfTheNextAttemptInsteadOfTheBackoff() {
        schedule.connected();
        schedule.plan(3_000);
        advance(1_000);
        schedule.disconnected();
        assertEquals(2_000, schedule.nextDelayMillis(0), "what is left of the notice's delay");
    }

    @Test
    void aNoticeWhoseTimeHasPassedReconnectsAtOnce() {
        schedule.plan(100);
        advance(400);
        schedule.disconnected();
        assertEquals(0, schedule.nextDelayMillis(0));
    }

    @Test
    void aPlanIsUsedOnceAndThenTheBackoffTakesOver() {
        schedule.plan(0);
        schedule.disconnected();
        assertEquals(0, schedule.nextDelayMillis(0));
        schedule.disconnected();
        long delay = schedule.nextDelayMillis(0);
        assertTrue(delay >= 500 && delay <= 1_000, "the first retry's window: " + delay);
    }

    @Test
    void aRefusedHandshakesRetryAfterIsTheFloorOfTheBackoff() {
        schedule.disconnected();
        assertEquals(5_000, schedule.nextDelayMillis(5_000));
    }
}
