package io.switchboard.core;

/**
 * A message from a client (CONTRACT.md section 6), decoded by a {@link MessageCodec}.
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

    /** {@code {"type":"auth","token":"..."}}: in-band authentication (section 3). Never logged. */
    record Auth(String id, String token) implements Inbound {
        @Override
        public String toString() {
            return "Auth[id=" + id + "]";
        }
    }
}
