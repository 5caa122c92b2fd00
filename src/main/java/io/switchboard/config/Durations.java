package io.switchboard.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The duration syntax of Switchboard's settings (configuration.md): a whole number with a unit
 * ({@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 1d}), an ISO-8601 duration
 * ({@code PT30S}), or a bare {@code 0}. A bare non-zero number is refused: it has no unit, and
 * guessing one is how a five-second timeout becomes a five-millisecond one.
 */
public final class Durations {

    private static final Pattern SIMPLE = Pattern.compile("(\\d{1,18})\\s*(ms|s|m|h|d)");

    private Durations() {
    }

    private static final String TOO_LONG = "too long; at most 292 years";

    /** @throws IllegalArgumentException with a message that says what is accepted */
    public static Duration parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty duration; use e.g. 500ms, 30s, 5m or PT30S");
        }
        String s = text.trim();
        if (s.equals("0")) {
            return Duration.ZERO;
        }
        Matcher m = SIMPLE.matcher(s.toLowerCase(Locale.ROOT));
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            try {
                return fitting(switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                });
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException(TOO_LONG); // found by CoreParsersFuzzTest: "222222222222222229m"
            }
        }
        if (s.length() > 1 && (s.charAt(0) == 'P' || s.charAt(0) == 'p')) {
            try {
                Duration d = Duration.parse(s);
                if (d.isNegative()) {
                    throw new IllegalArgumentException("negative duration");
                }
                return fitting(d);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("not an ISO-8601 duration");
            }
        }
        throw new IllegalArgumentException("not a duration; use e.g. 500ms, 30s, 5m, 1h or PT30S");
    }

    /** Every duration the core uses is read in nanoseconds: one that cannot be is refused here, with its key. */
    private static Duration fitting(Duration d) {
        try {
            d.toNanos();
            return d;
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(TOO_LONG);
        }
    }
}
