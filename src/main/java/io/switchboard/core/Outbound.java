package io.switchboard.core;

/** A message to a client (CONTRACT.md sections 3 to 6), encoded by a {@link MessageCodec}. */
public sealed interface Outbound {

    /** The first message after authentication. */
    record Welcome(String connectionId, String userId, String node, HeartbeatMode mode,
                   long heartbeatIntervalMs, long heartbeatTimeoutMs,
                   long maxMessageBytes, int messagesPerSecond, int burst,
                   long serverTime) implements Outbound { }

    /**
     * The drain notice (section 10): the server is going away; reconnect after {@code reconnectAfterMs},
     * and expect to be closed after {@code drainMs}.
     */
    record Shutdown(String reason, long reconnectAfterMs, long drainMs, String url) implements Outbound { }
    /** An app-level heartbeat ping ({@code ?heartbeat=app}); the client answers with a pong of the same id. */
    record Ping(long id) implements Outbound { }

    /**
     * Time sync (section 11): the server's request carries {@code t0} only; the answer to a client's
     * request carries its {@code t0} and the server's receive and send times {@code t1}, {@code t2}.
     */
    record Time(long t0, Long t1, Long t2) implements Outbound { }

    /** A service-initiated reconnect (section 11); {@code url} may be {@code null}. */
    record Reconnect(String reason, long afterMs, String url) implements Outbound { }

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
        /** A subscribe or publish outside the token's {@code channels} claim. */
        public static final String FORBIDDEN = "forbidden";
        /** A subscribe over {@link Channels#MAX_SUBSCRIPTIONS}. */
        public static final String TOO_MANY_SUBSCRIPTIONS = "too_many_subscriptions";
        public static final String RATE_LIMITED = "rate_limited";
        /** A publish that must reach other nodes while the cluster cannot carry it (section 13). */
        public static final String UNAVAILABLE = "unavailable";
    }

    /** The reply to a {@code subscribe}: the pattern is now in force. */
    record Subscribed(String channel, String ref) implements Outbound { }

    /** The reply to an {@code unsubscribe}, whether or not the pattern was subscribed. */
    record Unsubscribed(String channel, String ref) implements Outbound { }

    /** The reply to a {@code publish}: the message has been queued to this node's subscribers. */
    record Published(String channel, String ref) implements Outbound { }
}
