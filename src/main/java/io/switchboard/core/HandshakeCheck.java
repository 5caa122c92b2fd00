package io.switchboard.core;

/**
 * The decision on one upgrade request, made by {@link Gatekeeper#checkHandshake} before the
 * container upgrades it: go on with a ticket, or answer with the refusal's HTTP status.
 *
 * @param ticket            the ticket that carries the verified identity and the reserved slots to
 *                          the connection; {@code null} when refused
 * @param refusal           why the upgrade is refused; {@code null} when it may go on
 * @param retryAfterSeconds the {@code Retry-After} of a 429 or 503
 */
public record HandshakeCheck(String ticket, Admission.Refusal refusal, long retryAfterSeconds) {

    static HandshakeCheck accepted(String ticket) {
        return new HandshakeCheck(ticket, null, 0);
    }

    static HandshakeCheck refused(Admission.Refusal refusal, long retryAfterSeconds) {
        return new HandshakeCheck(null, refusal, retryAfterSeconds);
    }

    public boolean isAccepted() {
        return refusal == null;
    }
}
