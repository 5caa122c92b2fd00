package io.switchboard.core;

/**
 * Turns text frames into {@link Inbound} messages and {@link Outbound} messages into text frames.
 * The shell implements it with the container's JSON library; the core never parses JSON itself.
 * Implementations are stateless and thread-safe.
 */
public interface MessageCodec {

    /**
     * @throws BadMessageException when the text is not JSON, not an object, has no known
     *                             {@code type}, or lacks a field that type needs
     */
    Inbound decode(String text) throws BadMessageException;

    String encode(Outbound message);

    /**
     * A {@code message} serialised once for all its recipients (protocol.md):
     * {@code {"type":"message","channel":...,"data":...,"seq":N}}, each recipient adding its own
     * seq; without a channel (a direct message or a broadcast) there is no seq.
     *
     * @param channel the channel name, or {@code null}
     * @param data    JSON text, as produced by this codec or validated by the caller
     */
    PreparedMessage prepare(String channel, String data);

    /**
     * A channel {@code message} with history on (protocol.md, history):
     * {@code {"type":"message","channel":...,"data":...,"offset":N,"epoch":"E","seq":N}}.
     */
    PreparedMessage prepare(String channel, String data, long offset, String epoch);

    /** A client message that cannot be understood; its text goes back to the client. */
    final class BadMessageException extends Exception {
        private final String ref;

        /**
         * @param message what is wrong, safe to show to the client
         * @param ref     the request's {@code id} if it could be read, otherwise {@code null}
         */
        public BadMessageException(String message, String ref) {
            super(message, null, false, false);
            this.ref = ref;
        }

        public String ref() {
            return ref;
        }
    }
}
