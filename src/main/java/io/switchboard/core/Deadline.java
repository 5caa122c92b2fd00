package io.switchboard.core;

/**
 * The kinds of per-connection deadline the {@link Sweeper} keeps. A connection has at most one
 * pending deadline of each kind; when several fall due in the same sweep they run in this order.
 */
public enum Deadline {
    /** In-band authentication must arrive before this (protocol.md); handler owned by auth. */
    AUTH,
    /** The answer to the last heartbeat ping is due: a miss counts towards a zombie. */
    PONG,
    /** The next heartbeat ping is due. */
    PING,
    /** No data message since {@code idle.timeout}: checked lazily against the last data message. */
    IDLE,
    /** The answer to the last time-sync request is due. */
    TIME_ANSWER,
    /** The next time-sync request is due. */
    TIME_SYNC,
    /** The token's refresh notice is due, or its {@code exp} plus leeway has passed (protocol.md, token lifetime). */
    EXPIRY,
    /** A client told to reconnect has not closed by now. */
    RECONNECT,
    /** The close handshake has not finished by now: abort the TCP connection. */
    CLOSE;

    static final Deadline[] ALL = values();

    int bit() {
        return 1 << ordinal();
    }
}
