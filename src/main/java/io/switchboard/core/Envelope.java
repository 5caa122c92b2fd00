package io.switchboard.core;

import java.util.ArrayList;
import java.util.List;

/**
 * One message between nodes, as text: a kind letter, then length-prefixed fields
 * ({@code 5:alice}), so that no field value (a user id from a token, JSON data) can be mistaken for
 * a separator. Fields 0 to 2 are always the sending node's incarnation, its sequence number and the
 * target (channel, user, connection id or node); the rest depend on the kind.
 */
record Envelope(char kind, String origin, long seq, String target, List<String> rest) {

    static final char CHANNEL = 'C';
    static final char USER = 'U';
    static final char BROADCAST = 'B';
    static final char TO_CONNECTION = 'M';
    static final char RECONNECT = 'R';
    static final char CLOSE = 'X';
    /** A node's wildcard patterns changed: rest is "+" or "-" then the pattern. */
    static final char PATTERN = 'P';
    /** A node's whole set of wildcard patterns: rest is the patterns. */
    static final char PATTERNS = 'S';
    /** A node (re)joined: every node answers with {@link #PATTERNS}. */
    static final char HELLO = 'H';
    /** A node's probe of its own pub/sub subscription. */
    static final char PROBE = 'Q';
    /**
     * A node's marker on its own topic, sent once every topic is subscribed again after the link came
     * back: when it returns, pub/sub delivers again and what the node's channels missed can be read.
     */
    static final char RESUBSCRIBED = 'K';
    /**
     * A channel message numbered by the shared history, written by its publish script (not by a node):
     * origin {@value #STORE}, seq the channel's offset, target the channel, rest the epoch then the data.
     */
    static final char NUMBERED = 'O';
    /** The origin of {@link #NUMBERED} messages. */
    static final String STORE = "h";
    /** A call to a node, or to every node when the target is "*": rest is call id, calling node, operation, arguments. */
    static final char CALL = 'A';
    /** An answer to a call: the target is the call id; rest is answering node, status, body. */
    static final char REPLY = 'Y';
    /** A newer connection of the same user took this slot's user slot (close-oldest): the target is the slot. */
    static final char DISPLACE = 'D';

    static String encode(char kind, String origin, long seq, String target, String... rest) {
        StringBuilder b = new StringBuilder(64 + (rest.length == 0 ? 0 : rest[rest.length - 1].length()));
        b.append(kind);
        field(b, origin);
        field(b, Long.toString(seq));
        field(b, target);
        for (String r : rest) {
            field(b, r);
        }
        return b.toString();
    }

    private static void field(StringBuilder b, String value) {
        b.append(value.length()).append(':').append(value);
    }

    /** @throws IllegalArgumentException when {@code text} is not an envelope */
    static Envelope decode(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("empty envelope");
        }
        List<String> fields = new ArrayList<>(4);
        int i = 1;
        while (i < text.length()) {
            int colon = text.indexOf(':', i);
            if (colon < 0 || colon - i > 10 || colon == i) {
                throw new IllegalArgumentException("bad field length");
            }
            int length;
            try {
                length = Integer.parseInt(text, i, colon, 10);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad field length");
            }
            int end = colon + 1 + length;
            if (length < 0 || end > text.length()) {
                throw new IllegalArgumentException("field past the end");
            }
            fields.add(text.substring(colon + 1, end));
            i = end;
        }
        if (fields.size() < 3) {
            throw new IllegalArgumentException("too few fields");
        }
        long seq;
        try {
            seq = Long.parseLong(fields.get(1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad sequence number");
        }
        return new Envelope(text.charAt(0), fields.get(0), seq, fields.get(2), List.copyOf(fields.subList(3, fields.size())));
    }

    String rest(int i) {
        if (i >= rest.size()) {
            throw new IllegalArgumentException("missing field " + (i + 3));
        }
        return rest.get(i);
    }
}
