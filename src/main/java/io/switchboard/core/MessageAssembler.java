package io.switchboard.core;

/**
 * Puts one connection's text message together from the parts the container delivers, refusing it as
 * soon as it passes {@code switchboard.limits.max-message-size} (protocol.md), so that no
 * more than the limit is ever held here, whatever size the message or its frames declare.
 *
 * <p>Why not the container's own limit: Undertow takes it only from the {@code @OnMessage}
 * annotation (a compile-time constant) and ignores {@code Session.setMaxTextMessageBufferSize};
 * Tyrus checks it only after a whole frame is in memory. A partial-message handler gets the parts
 * as the container reads them.
 *
 * <p>Not thread-safe: the container delivers one connection's messages one at a time. A connection
 * needs an assembler only once a message comes in more than one part; a message in one part is
 * checked by {@link #whole}.
 */
public final class MessageAssembler {

    /** What one part amounts to. */
    public record Step(String message, boolean tooBig) {
        static final Step INCOMPLETE = new Step(null, false);
        static final Step TOO_BIG = new Step(null, true);
    }

    private final long maxBytes;
    /** The parts of the message so far; null between messages, so no buffer outlives its message. */
    private StringBuilder parts;
    /** UTF-8 bytes of {@link #parts}. */
    private long bytes;
    /** True from the part that passed the limit to the last part of that message: its parts are dropped. */
    private boolean discarding;

    public MessageAssembler(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** A message that came in one part: itself, or {@link Step#tooBig()} when it is over {@code maxBytes}. */
    public static Step whole(String message, long maxBytes) {
        return Utf8.length(message) > maxBytes ? Step.TOO_BIG : new Step(message, false);
    }

    /**
     * Adds one part.
     *
     * @return the whole message when {@code last} completes one within the limit; {@link Step#tooBig()}
     *         once, for the part that passes the limit; otherwise neither
     */
    public Step append(String part, boolean last) {
        if (discarding) {
            discarding = !last;
            return Step.INCOMPLETE;
        }
        bytes += Utf8.length(part);
        if (bytes > maxBytes) {
            parts = null;
            bytes = 0;
            discarding = !last;
            return Step.TOO_BIG;
        }
        if (last && parts == null) {
            bytes = 0;
            return new Step(part, false);
        }
        if (parts == null) {
            parts = new StringBuilder(part.length() * 2);
        }
        parts.append(part);
        if (!last) {
            return Step.INCOMPLETE;
        }
        String message = parts.toString();
        parts = null;
        bytes = 0;
        return new Step(message, false);
    }
}
