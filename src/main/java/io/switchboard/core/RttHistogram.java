package io.switchboard.core;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Server-wide round-trip times in a fixed log-linear histogram: 16 sub-buckets per power of two of
 * microseconds (at most 1/16 relative error), from 0 to about 67 s, larger values in the last
 * bucket. Memory is fixed (384 counters) whatever the number of samples; recording is lock-free.
 *
 * <p>The layout is HdrHistogram's idea in a few lines: the bucket of {@code v} is its power of two
 * and its top four bits below the leading one.
 */
public final class RttHistogram {

    /** Percentiles of the recorded values, in milliseconds; all zero without samples. */
    public record Percentiles(long count, double p50, double p90, double p99, double max) { }

    private static final int SUB_BITS = 4;
    private static final int SUB = 1 << SUB_BITS;
    private static final int MAX_EXPONENT = 26;
    static final int BUCKETS = (MAX_EXPONENT - SUB_BITS + 2) * SUB;

    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);

    public void record(long nanos) {
        counts.incrementAndGet(indexOf(Math.max(0, nanos / 1_000L)));
    }

    static int indexOf(long micros) {
        if (micros < SUB) {
            return (int) micros;
        }
        int exponent = 63 - Long.numberOfLeadingZeros(micros);
        if (exponent > MAX_EXPONENT) {
            return BUCKETS - 1;
        }
        int sub = (int) ((micros >>> (exponent - SUB_BITS)) & (SUB - 1));
        return (exponent - SUB_BITS + 1) * SUB + sub;
    }

    /** The middle of bucket {@code index}, in microseconds. */
    static double valueOf(int index) {
        if (index < SUB) {
            return index;
        }
        int exponent = index / SUB + SUB_BITS - 1;
        int sub = index % SUB;
        long low = (long) (SUB + sub) << (exponent - SUB_BITS);
        long width = 1L << (exponent - SUB_BITS);
        return low + width / 2.0;
    }

    public Percentiles percentiles() {
        long[] snapshot = new long[BUCKETS];
        long total = 0;
        for (int i = 0; i < BUCKETS; i++) {
            snapshot[i] = counts.get(i);
            total += snapshot[i];
        }
        if (total == 0) {
            return new Percentiles(0, 0, 0, 0, 0);
        }
        int maxIndex = 0;
        for (int i = BUCKETS - 1; i >= 0; i--) {
            if (snapshot[i] > 0) {
                maxIndex = i;
                break;
            }
        }
        return new Percentiles(total, at(snapshot, total, 0.50), at(snapshot, total, 0.90),
                at(snapshot, total, 0.99), millis(valueOf(maxIndex)));
    }

    private static double at(long[] snapshot, long total, double quantile) {
        long rank = (long) Math.ceil(quantile * total);
        long seen = 0;
        for (int i = 0; i < snapshot.length; i++) {
            seen += snapshot[i];
            if (seen >= rank) {
                return millis(valueOf(i));
            }
        }
        return millis(valueOf(snapshot.length - 1));
    }

    private static double millis(double micros) {
        return Math.round(micros / 100.0) / 10.0;
    }
}
