package io.switchboard.core;

/** A message to a client (protocol.md), encoded by a {@link MessageCodec}. */
public sealed interface Outbound {

    /** The first message after authentication. */
    record Welcome(String connectionId, String userId, String node, HeartbeatMode mode,
                   long heartbeatIntervalMs, long heartbeatTimeoutMs,
                   long maxMessageBytes, int messagesPerSecond, int burst,
                   long serverTime) implements Outbound { }

    /**
     * The drain notice (protocol.md, drain): the server is going away; reconnect after {@code reconnectAfterMs},
     * and expect to be closed after {@code drainMs}.
     */
    record Shutdown(String reason, long reconnectAfterMs, long drainMs, String url) implements Outbound { }
    /** An app-level heartbeat ping ({@code ?heartbeat=app}); the client answers with a pong of the same id. */
    record Ping(long id) implements Outbound { }

    /**
     * Time sync (protocol.md, reconnect and time sync): the server's request carries {@code t0} only; the answer to a client's
     * request carries its {@code t0} and the server's receive and send times {@code t1}, {@code t2}.
     */
    record Time(long t0, Long t1, Long t2) implements Outbound { }

    /** A service-initiated reconnect (protocol.md, reconnect and time sync); {@code url} may be {@code null}. */
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
        /** A refresh token that did not verify; the connection keeps its old token's expiry. */
        public static final String INVALID_TOKEN = "invalid_token";
        /**
         * Something the request needs cannot be reached now: a channel's history, or the other nodes of
         * a cluster for a publish that must reach them (protocol.md, cluster).
         */
        public static final String UNAVAILABLE = "unavailable";
    }

    /**
     * The reply to a {@code subscribe}: the pattern is now in force. With history on, a subscription
     * to an exact channel also carries the channel's position ({@code offset}, {@code epoch}): every
     * message after this reply has a greater offset. {@code recovered} answers a {@code since}
     * (protocol.md, history). Fields that do not apply are null and left out.
     */
    record Subscribed(String channel, String ref, Boolean recovered, Long offset, String epoch) implements Outbound {
        public Subscribed(String channel, String ref) {
            this(channel, ref, null, null, null);
        }
    }

    /**
     * The live stream of {@code channel} may have lost messages: the client resubscribes with
     * {@code since} (protocol.md, history). A lone node never has to send it; a cluster does.
     */
    record Resync(String channel) implements Outbound { }

    /**
     * The reply to an {@code unsubscribe}, whether or not the pattern was subscribed; or, with a
     * {@code reason} and no {@code ref}, a subscription the server ended itself.
     */
    record Unsubscribed(String channel, String ref, String reason) implements Outbound {
        /** The reason of a subscription a refreshed token's {@code channels} claim no longer allows. */
        public static final String NOT_ALLOWED = "not allowed";

        public Unsubscribed(String channel, String ref) {
            this(channel, ref, null);
        }
    }

    /** The token expires at {@code expiresAt} (epoch ms): send a new one in an {@code auth} message (protocol.md, token lifetime). */
    record Refresh(long expiresAt) implements Outbound { }

    /**
     * The reply to an accepted in-band refresh; {@code expiresAt} is the new token's {@code exp} in
     * epoch ms, or {@code null} when the verifier knows no expiry.
     */
    record Refreshed(Long expiresAt, String ref) implements Outbound { }

    /** The reply to a {@code publish}: the message has been queued to this node's subscribers. */
    record Published(String channel, String ref) implements Outbound { }
}
