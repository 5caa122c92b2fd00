package io.switchboard.core;

/**
 * Makes a value that came from outside (a token's {@code sub}, a close reason, a user agent, a
 * channel, a path, an exception message) safe to write into a {@code key=value} log line: whatever it
 * holds, it stays one value of one line, so that a client cannot end a line or add fields to it.
 *
 * <p>{@link #bare} leaves a value of plain characters as it is and quotes anything else;
 * {@link #quoted} always quotes. Inside quotes a backslash and a double quote are escaped, every
 * control character and every Unicode line or paragraph separator is written as {@code \n},
 * {@code \r}, {@code \t} or {@code \}{@code uXXXX}, and a lone surrogate as {@code \}{@code uXXXX}.
 * Values are cut at {@link #MAX_CHARS} characters (marked with {@code ...}), so a long value cannot
 * blow up a line either. Every method is pure and thread-safe.
 */
public final class LogValues {

    /** The longest part of a value that is written; the rest is cut off. */
    public static final int MAX_CHARS = 256;

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private LogValues() {
    }

    /**
     * A value for {@code key=value}: as it is when it is non-empty and made only of letters, digits and
     * {@code . _ - : / @ + ~ * [ ] ,} (ids, addresses, most user ids), otherwise {@link #quoted};
     * {@code -} for null.
     */
    public static String bare(String value) {
        if (value == null) {
            return "-";
        }
        if (value.isEmpty() || value.length() > MAX_CHARS) {
            return quoted(value);
        }
        for (int i = 0; i < value.length(); i++) {
            if (!isPlain(value.charAt(i))) {
                return quoted(value);
            }
        }
        return value;
    }

    /** A value in double quotes, escaped as the class says; {@code ""} for null. */
    public static String quoted(String value) {
        if (value == null) {
            return "\"\"";
        }
        int n = Math.min(value.length(), MAX_CHARS);
        StringBuilder out = new StringBuilder(n + 8).append('"');
        for (int i = 0; i < n; i++) {
            char ch = value.charAt(i);
            switch (ch) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (Character.isHighSurrogate(ch) && i + 1 < value.length()
                            && Character.isLowSurrogate(value.charAt(i + 1))) {
                        if (i + 1 < n) {
                            out.append(ch).append(value.charAt(++i));
                        } // a pair cut in two by the limit is left out whole
                    } else if (needsEscape(ch)) {
                        unicode(out, ch);
                    } else {
                        out.append(ch);
                    }
                }
            }
        }
        if (value.length() > n) {
            out.append("...");
        }
        return out.append('"').toString();
    }

    private static boolean isPlain(char ch) {
        return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9')
                || ".-_:/@+~*[],".indexOf(ch) >= 0;
    }

    /** Controls (C0, DEL, C1), line and paragraph separators, format characters, lone surrogates. */
    private static boolean needsEscape(char ch) {
        if (ch < 0x20 || (ch >= 0x7f && ch <= 0x9f) || ch == '\u2028' || ch == '\u2029') {
            return true;
        }
        if (Character.isSurrogate(ch)) {
            return true; // a pair was handled by the caller: this one is alone
        }
        int type = Character.getType(ch);
        return type == Character.FORMAT || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR;
    }

    private static void unicode(StringBuilder out, char ch) {
        out.append("\\u").append(HEX[(ch >> 12) & 0xf]).append(HEX[(ch >> 8) & 0xf])
                .append(HEX[(ch >> 4) & 0xf]).append(HEX[ch & 0xf]);
    }
}
