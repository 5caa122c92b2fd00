package io.switchboard.core;

/**
 * A message from a client (protocol.md), decoded by a {@link MessageCodec}.
 *
 * <p>{@code id} is the request's {@code "id"} exactly as the client wrote it in JSON (a number or
 * a quoted string), echoed back as {@code "ref"}; {@code null} when the client sent none.
 */
public sealed interface Inbound {

    String id();

    /** {@code {"type":"ping","id":N}}: the client checks that the server is alive. */
    record Ping(String id) implements Inbound { }

    /** {@code {"type":"pong","id":N}}: the answer to an app-level ping of the server. */
    record Pong(String id) implements Inbound { }

    /**
     * {@code {"type":"time","t0":…,"t1":…,"t2":…}}: the answer to a time-sync request, or with
     * {@code t0} alone a client's own request (protocol.md, reconnect and time sync). Times are epoch milliseconds.
     */
    record Time(String id, long t0, Long t1, Long t2) implements Inbound { }
    /** A request about channels (protocol.md, messages), handled by {@link Channels}. */
    sealed interface ChannelRequest extends Inbound {
        /** The channel name or pattern exactly as the client sent it. */
        String channel();
    }

    /**
     * {@code {"type":"subscribe","channel":"news.*"}}, optionally with
     * {@code "since":{"offset":N,"epoch":"E"}}: the last message the client saw of an exact channel
     * (protocol.md, history); {@code since} is null without it.
     */
    record Subscribe(String id, String channel, Since since) implements ChannelRequest {
        public Subscribe(String id, String channel) {
            this(id, channel, null);
        }
    }

    /** The position a resubscribing client continues from: the last offset it saw, in its epoch. */
    record Since(long offset, String epoch) {
        /** The longest epoch accepted from a client, in characters. */
        public static final int MAX_EPOCH_LENGTH = 64;
    }

    /** {@code {"type":"unsubscribe","channel":"news.*"}}. */
    record Unsubscribe(String id, String channel) implements ChannelRequest { }

    /** {@code {"type":"publish","channel":"news.sport","data":...}}; {@code data} is JSON text. */
    record Publish(String id, String channel, String data) implements ChannelRequest { }
    /** {@code {"type":"auth","token":"..."}}: in-band authentication (protocol.md, handshake). Never logged. */
    record Auth(String id, String token) implements Inbound {
        @Override
        public String toString() {
            return "Auth[id=" + id + "]";
        }
    }
}
