package io.switchboard.core;

import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * Why Switchboard closes a connection: the close code and the reason sent in the close frame. This is
 * the one catalogue of close codes and reasons; the documented reason strings (protocol.md, close codes) are spelled here and nowhere else, and {@link #adviceFor} is the one place the server
 * says what a client does after a close (the clients keep the same table, tested against this one).
 *
 * @param code   the WebSocket close code
 * @param reason the close reason, at most 123 bytes of UTF-8
 */
public record Disconnect(int code, String reason) {

    /** What a client should do after a close (the close-code table of the clients guide). */
    public enum Advice {
        /** Reconnect, with backoff and jitter: the cause may be transient. */
        RECONNECT,
        /** Do not reconnect with the same credentials or payload: it would fail the same way. */
        STOP,
        /** The token ran out: get a new one and reconnect at once, without backoff. */
        RENEW_TOKEN
    }

    /** Close frames carry at most 125 bytes, two of them the code. */
    public static final int MAX_REASON_BYTES = 123;

    public static final Disconnect HEARTBEAT_TIMEOUT = new Disconnect(1001, "heartbeat timeout");
    public static final Disconnect IDLE_TIMEOUT = new Disconnect(1001, "idle timeout");
    public static final Disconnect BINARY_NOT_SUPPORTED = new Disconnect(1003, "binary messages not supported");
    public static final Disconnect INVALID_TOKEN = new Disconnect(1008, "invalid token");
    public static final Disconnect AUTH_TIMEOUT = new Disconnect(1008, "auth timeout");
    public static final Disconnect AUTH_REQUIRED = new Disconnect(1008, "auth required");
    /** An in-band refresh presented a token of another user (protocol.md, token lifetime). */
    public static final Disconnect USER_CHANGED = new Disconnect(1008, "user changed");
    public static final Disconnect TOO_MANY_CONNECTIONS = new Disconnect(1008, "too many connections");
    public static final Disconnect REPLACED = new Disconnect(1008, "replaced by newer connection");
    public static final Disconnect RATE_LIMIT_EXCEEDED = new Disconnect(1008, "rate limit exceeded");
    public static final Disconnect SLOW_CONSUMER = new Disconnect(1008, "slow consumer");
    public static final Disconnect CLOCK_SKEW = new Disconnect(1008, "clock skew");
    public static final Disconnect MESSAGE_TOO_BIG = new Disconnect(1009, "message too big");
    public static final Disconnect INTERNAL_ERROR = new Disconnect(1011, "internal error");
    /** The token's {@code exp} plus the leeway has passed without a refresh (protocol.md, token lifetime). */
    public static final Disconnect TOKEN_EXPIRED = new Disconnect(4001, "token expired");

    /**
     * The 1008 reasons whose cause may be gone on the next attempt, so a client reconnects with
     * backoff; every other 1008 (a bad or missing token, a forbidden request) is final.
     */
    public static final Set<String> TRANSIENT_POLICY_REASONS = Set.of(
            SLOW_CONSUMER.reason, RATE_LIMIT_EXCEEDED.reason, TOO_MANY_CONNECTIONS.reason,
            REPLACED.reason, CLOCK_SKEW.reason);

    /** What a client does after this close: {@link #adviceFor} of its code and reason. */
    public Advice advice() {
        return adviceFor(code, reason);
    }

    /**
     * The close-code table (documented in the clients guide), by code (and, for 1008 alone, by reason):
     * 1000, 1002, 1003, 1007, 1009, 1010 and 4500-4999 stop; 1008 stops unless its reason is one of
     * {@link #TRANSIENT_POLICY_REASONS}; 4001 asks for a new token and an immediate reconnect; every
     * other code (1001, 1005, 1006, 1011-1014, 3000-3999, 4000-4499) reconnects with backoff.
     *
     * @param reason the close frame's reason, or {@code null}/empty when it had none
     */
    public static Advice adviceFor(int code, String reason) {
        if (code == TOKEN_EXPIRED.code) {
            return Advice.RENEW_TOKEN;
        }
        if (code == 1008) {
            return reason != null && TRANSIENT_POLICY_REASONS.contains(reason) ? Advice.RECONNECT : Advice.STOP;
        }
        if (code == 1000 || code == 1002 || code == 1003 || code == 1007 || code == 1009 || code == 1010
                || (code >= 4500 && code <= 4999)) {
            return Advice.STOP;
        }
        return Advice.RECONNECT;
    }

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
        return new Disconnect(code, "server shutting down");
    }

    /** The close after a service-initiated reconnect the client did not act on. */
    public static Disconnect reconnect(int code) {
        return new Disconnect(code, "reconnect");
    }

    /** A close asked for by an operator, with a code and reason of their choosing. */
    public static Disconnect byOperator(int code, String reason) {
        return new Disconnect(code, reason);
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
