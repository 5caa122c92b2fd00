package io.switchboard.core;

import java.nio.charset.StandardCharsets;

/**
 * Why Switchboard closes a connection: the close code, the reason sent in the close frame, and what
 * a client should do about it. This is the one catalogue of close codes and reasons; the documented
 * reason strings (protocol.md, close codes) are spelled here and nowhere else.
 *
 * @param code   the WebSocket close code
 * @param reason the close reason, at most 123 bytes of UTF-8
 * @param advice whether a well-behaved client reconnects
 */
public record Disconnect(int code, String reason, Advice advice) {

    /** What a client should do after this close. */
    public enum Advice {
        /** Reconnect, with backoff and jitter. */
        RECONNECT,
        /** Do not reconnect with the same credentials or payload: it would fail the same way. */
        TERMINAL
    }

    /** Close frames carry at most 125 bytes, two of them the code. */
    public static final int MAX_REASON_BYTES = 123;

    public static final Disconnect NORMAL = new Disconnect(1000, "", Advice.RECONNECT);
    public static final Disconnect GOING_AWAY = new Disconnect(1001, "going away", Advice.RECONNECT);
    public static final Disconnect HEARTBEAT_TIMEOUT = new Disconnect(1001, "heartbeat timeout", Advice.RECONNECT);
    public static final Disconnect IDLE_TIMEOUT = new Disconnect(1001, "idle timeout", Advice.RECONNECT);
    public static final Disconnect BINARY_NOT_SUPPORTED = new Disconnect(1003, "binary messages not supported", Advice.TERMINAL);
    public static final Disconnect INVALID_TOKEN = new Disconnect(1008, "invalid token", Advice.TERMINAL);
    public static final Disconnect AUTH_TIMEOUT = new Disconnect(1008, "auth timeout", Advice.TERMINAL);
    public static final Disconnect AUTH_REQUIRED = new Disconnect(1008, "auth required", Advice.TERMINAL);
    public static final Disconnect TOO_MANY_CONNECTIONS = new Disconnect(1008, "too many connections", Advice.TERMINAL);
    public static final Disconnect REPLACED = new Disconnect(1008, "replaced by newer connection", Advice.TERMINAL);
    public static final Disconnect RATE_LIMIT_EXCEEDED = new Disconnect(1008, "rate limit exceeded", Advice.RECONNECT);
    public static final Disconnect SLOW_CONSUMER = new Disconnect(1008, "slow consumer", Advice.RECONNECT);
    public static final Disconnect CLOCK_SKEW = new Disconnect(1008, "clock skew", Advice.TERMINAL);
    public static final Disconnect MESSAGE_TOO_BIG = new Disconnect(1009, "message too big", Advice.TERMINAL);
    public static final Disconnect INTERNAL_ERROR = new Disconnect(1011, "internal error", Advice.RECONNECT);

    public Disconnect {
        if (!isSendable(code)) {
            throw new IllegalArgumentException("close code " + code + " cannot be sent by a server");
        }
        if (reason == null) {
            reason = "";
        }
        if (reason.getBytes(StandardCharsets.UTF_8).length > MAX_REASON_BYTES) {
            throw new IllegalArgumentException("close reason is longer than " + MAX_REASON_BYTES + " bytes");
        }
    }

    /** The close the server sends when it shuts down or asks a client to reconnect elsewhere. */
    public static Disconnect shutdown(int code) {
        return new Disconnect(code, "server shutting down", Advice.RECONNECT);
    }

    /** The close after a service-initiated reconnect the client did not act on. */
    public static Disconnect reconnect(int code) {
        return new Disconnect(code, "reconnect", Advice.RECONNECT);
    }

    /** A close asked for by an operator, with a code and reason of their choosing. */
    public static Disconnect byOperator(int code, String reason) {
        return new Disconnect(code, reason, Advice.RECONNECT);
    }

    /**
     * Whether a server may put this code in a close frame (RFC 6455 section 7.4 and the IANA
     * registry): 1000, 1001, 1003, 1007 to 1014, and the application ranges 3000 to 4999.
     * 1005, 1006 and 1015 are reserved for reporting and never sent.
     */
    public static boolean isSendable(int code) {
        return code == 1000 || code == 1001 || code == 1003
                || (code >= 1007 && code <= 1014)
                || (code >= 3000 && code <= 4999);
    }
}
