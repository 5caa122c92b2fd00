package io.switchboard.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The size syntax of Switchboard's settings: a whole number of bytes, optionally with a unit.
 * Binary units ({@code KiB}, {@code MiB}, {@code GiB}) are powers of 1024, decimal ones
 * ({@code KB}, {@code MB}, {@code GB}) powers of 1000; {@code B} or no unit means bytes.
 * Units are case-sensitive, as in the documented defaults ({@code 1MiB}, {@code 512KiB}).
 */
public final class ByteSizes {

    private static final Pattern SIZE = Pattern.compile("(\\d{1,18})\\s*(B|KiB|MiB|GiB|KB|MB|GB)?");

    private ByteSizes() {
    }

    /** @throws IllegalArgumentException with a message that says what is accepted */
    public static long parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty size; use e.g. 65536, 512KiB or 1MiB");
        }
        String s = text.trim();
        Matcher m = SIZE.matcher(s);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a size; use e.g. 65536, 512KiB or 1MiB");
        }
        long n = Long.parseLong(m.group(1));
        long unit = m.group(2) == null ? 1 : switch (m.group(2)) {
            case "KiB" -> 1L << 10;
            case "MiB" -> 1L << 20;
            case "GiB" -> 1L << 30;
            case "KB" -> 1_000L;
            case "MB" -> 1_000_000L;
            case "GB" -> 1_000_000_000L;
            default -> 1;
        };
        try {
            return Math.multiplyExact(n, unit);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("too large");
        }
    }
}
