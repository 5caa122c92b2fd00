package io.switchboard.client;

import java.util.Set;

/**
 * What the client does after the server closes a connection: the close-code table of the protocol
 * reference, written once for the Java client (the server's table and switchboard.js's are tested
 * against this one). 1000, 1002, 1003, 1007, 1009, 1010 and 4500-4999 stop; 1008 stops unless its
 * reason names a cause that may be gone next time (a slow consumer, a rate or connection limit, a
 * replaced connection, clock skew); 4001 ({@code token expired}) means a new token and a reconnect
 * at once; everything else (1001, 1006, 1011-1014, 3000-4499) reconnects with backoff.
 */
final class CloseCodes {

    /** What comes after a close. */
    enum Next {
        /** Reconnect after the backoff delay. */
        RECONNECT,
        /** Give up: the same attempt would fail the same way. */
        STOP,
        /** Ask the token supplier for a new token and reconnect at once, without backoff. */
        RENEW_TOKEN
    }

    /** The close code of an expired token. */
    static final int TOKEN_EXPIRED = 4001;

    /** The 1008 reasons that mean "try again later" rather than "you may not". */
    static final Set<String> TRANSIENT_POLICY_REASONS = Set.of(
            "slow consumer", "rate limit exceeded", "too many connections", "replaced by newer connection", "clock skew");

    private CloseCodes() {
    }

    /** @param reason the close frame's reason, or null/empty when it had none */
    static Next next(int code, String reason) {
        if (code == TOKEN_EXPIRED) {
            return Next.RENEW_TOKEN;
        }
        if (code == 1008) {
            return reason != null && TRANSIENT_POLICY_REASONS.contains(reason) ? Next.RECONNECT : Next.STOP;
        }
        if (code == 1000 || code == 1002 || code == 1003 || code == 1007 || code == 1009 || code == 1010
                || (code >= 4500 && code <= 4999)) {
            return Next.STOP;
        }
        return Next.RECONNECT;
    }
}
