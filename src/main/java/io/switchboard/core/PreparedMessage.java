package io.switchboard.core;

/**
 * A message serialised once for many recipients (a publish or a broadcast): the codec writes the
 * JSON once; each recipient's frame is that text, with its own {@code seq} appended when the
 * message belongs to a channel. Immutable and thread-safe.
 */
public final class PreparedMessage {

    /** The text up to (not including) the seq value, or the whole text when not sequenced. */
    private final String head;
    /** What follows the seq value; unused when not sequenced. */
    private final String tail;
    private final boolean sequenced;
    /** The UTF-8 size of head and tail together: every frame of this message but its seq digits. */
    private final int fixedBytes;

    private PreparedMessage(String head, String tail, boolean sequenced) {
        this.head = head;
        this.tail = tail;
        this.sequenced = sequenced;
        this.fixedBytes = Utf8.length(head) + Utf8.length(tail);
    }

    /** A message whose frames are {@code head + seq + tail}. The seq is digits, so ASCII. */
    public static PreparedMessage sequenced(String head, String tail) {
        return new PreparedMessage(head, tail, true);
    }

    /** A message whose every frame is exactly {@code text}. */
    public static PreparedMessage fixed(String text) {
        return new PreparedMessage(text, "", false);
    }

    public boolean isSequenced() {
        return sequenced;
    }

    /** The frame for a recipient; {@code seq} is ignored when the message is not sequenced. */
    public String text(long seq) {
        return sequenced ? head + seq + tail : head;
    }

    /** The UTF-8 size of {@link #text(long)}, without building it. */
    public int bytes(long seq) {
        return sequenced ? fixedBytes + Long.toString(seq).length() : fixedBytes;
    }
}
