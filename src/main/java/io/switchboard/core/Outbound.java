package io.switchboard.core;

/** A message to a client (CONTRACT.md sections 3 to 6), encoded by a {@link MessageCodec}. */
public sealed interface Outbound {

    /** The first message after authentication. */
    record Welcome(String connectionId, String userId, String node, HeartbeatMode mode,
                   long heartbeatIntervalMs, long heartbeatTimeoutMs,
                   long maxMessageBytes, int messagesPerSecond, int burst,
                   long serverTime) implements Outbound { }

    /** The answer to a client's ping; {@code id} is echoed as the client sent it. */
    record Pong(String id) implements Outbound { }

    /**
     * An error reply; the connection stays open.
     *
     * @param code    a stable machine-readable code, such as {@code bad_request}
     * @param message a human-readable explanation
     * @param ref     the {@code id} of the request it answers, or {@code null}
     */
    record Error(String code, String message, String ref) implements Outbound {
        public static final String BAD_REQUEST = "bad_request";
        public static final String RATE_LIMITED = "rate_limited";
    }
}
