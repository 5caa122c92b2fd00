package io.switchboard.core;

/**
 * The syntax of channel names and subscription patterns (protocol.md).
 *
 * <p>A name is one or more dot-separated segments, such as {@code news.sport}: each segment is
 * non-empty and holds no whitespace, control character, {@code *} or {@code >}. A pattern is a name
 * in which a segment may be {@code *} (exactly one segment) and the last segment may be {@code >}
 * (one or more further segments): {@code news.*}, {@code news.>}, {@code *.scores.>}.
 * Names and patterns are at most {@value #MAX_LENGTH} characters.
 */
public final class ChannelNames {

    /** The longest name or pattern accepted, in characters. */
    public static final int MAX_LENGTH = 255;

    public static final String ONE = "*";
    public static final String REST = ">";

    private ChannelNames() {
    }

    /** The segments of a channel name (no wildcards); throws with a message fit for the client. */
    public static String[] name(String name) {
        return parse(name, false);
    }

    /** The segments of a subscription pattern (wildcards allowed); throws with a message fit for the client. */
    public static String[] pattern(String pattern) {
        return parse(pattern, true);
    }

    private static String[] parse(String text, boolean wildcards) {
        String what = wildcards ? "channel pattern" : "channel name";
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("a " + what + " is required");
        }
        if (text.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("a " + what + " is at most " + MAX_LENGTH + " characters");
        }
        String[] segments = text.split("\\.", -1);
        for (int i = 0; i < segments.length; i++) {
            String s = segments[i];
            if (s.isEmpty()) {
                throw new IllegalArgumentException("'" + text + "' has an empty segment");
            }
            if (s.equals(ONE) || s.equals(REST)) {
                if (!wildcards) {
                    throw new IllegalArgumentException("'" + text + "' is a pattern; publish to a channel name without * or >");
                }
                if (s.equals(REST) && i != segments.length - 1) {
                    throw new IllegalArgumentException("'" + text + "': > may only be the last segment");
                }
                continue;
            }
            for (int k = 0; k < s.length(); k++) {
                char ch = s.charAt(k);
                if (ch == '*' || ch == '>' || Character.isWhitespace(ch) || Character.isISOControl(ch)) {
                    throw new IllegalArgumentException("'" + text + "': segments may not contain *, > or whitespace"
                            + " except as a whole wildcard segment");
                }
            }
        }
        return segments;
    }

    /**
     * Whether {@code granted} covers {@code wanted}: every channel {@code wanted} can match is matched
     * by {@code granted}. A name is a pattern that matches only itself, so this answers both
     * "may subscribe to this pattern" and "may publish to this channel".
     */
    public static boolean covers(String[] granted, String[] wanted) {
        for (int i = 0; i < granted.length; i++) {
            String g = granted[i];
            if (g.equals(REST)) {
                return i < wanted.length;
            }
            if (i >= wanted.length) {
                return false;
            }
            String w = wanted[i];
            if (g.equals(ONE)) {
                if (w.equals(REST)) {
                    return false;
                }
            } else if (!g.equals(w)) {
                return false;
            }
        }
        return granted.length == wanted.length;
    }

    /** Whether a parsed pattern holds a wildcard segment, so that it can match more than one name. */
    public static boolean isPattern(String[] segments) {
        for (String s : segments) {
            if (s.equals(ONE) || s.equals(REST)) {
                return true;
            }
        }
        return false;
    }
}
