package io.switchboard.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RttHistogramTest {

    @Test
    void percentilesAreWithinOneSixteenthOfTheRecordedValues() {
        RttHistogram h = new RttHistogram();
        for (int ms = 1; ms <= 1_000; ms++) {
            h.record(ms * 1_000_000L);
        }
        RttHistogram.Percentiles p = h.percentiles();
        assertEquals(1_000, p.count());
        assertEquals(500, p.p50(), 500 / 16.0);
        assertEquals(900, p.p90(), 900 / 16.0);
        assertEquals(990, p.p99(), 990 / 16.0);
        assertEquals(1_000, p.max(), 1_000 / 16.0);
    }

    @Test
    void anEmptyHistogramReportsZeroAndHugeValuesLandInTheLastBucket() {
        RttHistogram h = new RttHistogram();
        assertEquals(new RttHistogram.Percentiles(0, 0, 0, 0, 0), h.percentiles());
        h.record(Long.MAX_VALUE);
        h.record(-5);
        assertEquals(2, h.percentiles().count());
        assertTrue(h.percentiles().max() > 60_000);
    }

    @Test
    void everyMicrosecondValueMapsToABucketWhoseMiddleIsClose() {
        for (long micros = 0; micros < 70_000_000L; micros = micros * 9 / 8 + 1) {
            int index = RttHistogram.indexOf(micros);
            assertTrue(index >= 0 && index < RttHistogram.BUCKETS);
            double middle = RttHistogram.valueOf(index);
            assertTrue(Math.abs(middle - micros) <= Math.max(1, micros / 16.0), micros + " -> " + middle);
        }
    }
}
