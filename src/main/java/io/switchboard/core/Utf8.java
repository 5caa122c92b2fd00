package io.switchboard.core;

/** The UTF-8 size of text, counted without encoding it: what limits, queues and counters measure. */
public final class Utf8 {

    private Utf8() {
    }

    /** How many bytes {@code s} takes in UTF-8; an unpaired surrogate counts as the 3 bytes of its replacement. */
    public static int length(CharSequence s) {
        int bytes = 0;
        for (int i = 0, n = s.length(); i < n; i++) {
            char ch = s.charAt(i);
            if (ch < 0x80) {
                bytes += 1;
            } else if (ch < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(ch) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
