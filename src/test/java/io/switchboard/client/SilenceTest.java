package io.switchboard.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.client.Silence.Verdict;
import org.junit.jupiter.api.Test;

class SilenceTest {

    private static final long MS = 1_000_000L;
    private final long start = 5_000 * MS;

    @Test
    void aServerSilentForIntervalPlusTimeoutIsDeadAfterOneProbe() {
        Silence silence = new Silence(30_000, 10_000, start);

        assertEquals(Verdict.FINE, silence.check(start + 34_999 * MS));
        assertEquals(Verdict.PROBE, silence.check(start + 35_000 * MS));
        assertEquals(Verdict.FINE, silence.check(start + 36_000 * MS), "one probe per silence");
        assertEquals(Verdict.FINE, silence.check(start + 39_999 * MS));
        assertEquals(Verdict.DEAD, silence.check(start + 40_000 * MS));
        assertEquals(40_000, silence.silentMillis(start + 40_000 * MS));
    }

    @Test
    void anyFrameStartsTheSilenceAgainAndAllowsANewProbe() {
        Silence silence = new Silence(2_000, 1_000, start);
        assertEquals(Verdict.PROBE, silence.check(start + 2_500 * MS));

        silence.frame(start + 2_600 * MS);

        assertEquals(Verdict.FINE, silence.check(start + 5_000 * MS));
        assertEquals(Verdict.PROBE, silence.check(start + 5_100 * MS));
        assertEquals(Verdict.DEAD, silence.check(start + 5_600 * MS));
    }

    @Test
    void theClockMayStartAnywhereEvenNegative() {
        long negative = Long.MIN_VALUE + 10;
        Silence silence = new Silence(1_000, 1_000, negative);
        assertEquals(Verdict.FINE, silence.check(negative + 1_000 * MS));
        assertEquals(Verdict.DEAD, silence.check(negative + 2_000 * MS));
    }

    @Test
    void theCheckRunsOftenEnoughToNoticeTheLimitWithinAnEighthOfIt() {
        assertEquals(5_000, Silence.checkPeriodMillis(30_000, 10_000));
        assertEquals(375, Silence.checkPeriodMillis(2_000, 1_000));
        assertEquals(50, Silence.checkPeriodMillis(100, 50));
    }
}
