package io.switchboard.core;

/**
 * The answer of {@link ConnectionLimits} to a request for slots: admitted, with the
 * {@link Reservation} to hold and possibly an older connection it displaced, or refused.
 *
 * @param reservation       the slots now held, or {@code null} when refused
 * @param refusal           why not, or {@code null} when admitted
 * @param retryAfterSeconds how long a refused client should wait before trying again
 * @param displaced         the reservation of the user's oldest connection that must now be closed
 *                          with {@link Disconnect#REPLACED} (per-user policy {@code close-oldest}), or null
 */
public record Admission(Reservation reservation, Refusal refusal, long retryAfterSeconds, Reservation displaced) {

    /** Why a connection was not admitted; each maps to one row of protocol.md. */
    public enum Refusal {
        DRAINING("draining", 503),
        /** The cluster's shared state (limits, registry) cannot be reached (protocol.md, cluster). */
        CLUSTER_UNAVAILABLE("cluster unavailable", 503),
        GLOBAL_LIMIT("global connection limit", 503),
        IP_LIMIT("per-ip connection limit", 429),
        USER_LIMIT("per-user connection limit", 429),
        HANDSHAKE_RATE("handshake rate per ip", 429),
        FORBIDDEN_ORIGIN("origin not allowed", 403),
        INVALID_TOKEN("invalid token", 401),
        NO_TOKEN("no token", 401),
        MALFORMED_UPGRADE("malformed upgrade", 400);

        private final String reason;
        private final int httpStatus;

        Refusal(String reason, int httpStatus) {
            this.reason = reason;
            this.httpStatus = httpStatus;
        }

        /** The reason as logged and counted. */
        public String reason() {
            return reason;
        }

        /** The HTTP status of the refused upgrade request. */
        public int httpStatus() {
            return httpStatus;
        }
    }

    static Admission admitted(Reservation reservation, Reservation displaced) {
        return new Admission(reservation, null, 0, displaced);
    }

    static Admission refused(Refusal refusal, long retryAfterSeconds) {
        return new Admission(null, refusal, retryAfterSeconds, null);
    }

    public boolean isAdmitted() {
        return refusal == null;
    }
}
