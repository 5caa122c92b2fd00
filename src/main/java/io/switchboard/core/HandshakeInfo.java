package io.switchboard.core;

/**
 * What the shell learned about a connection during its HTTP upgrade.
 *
 * @param remoteAddress the peer's IP address as the container saw it; the shell leaves it empty and
 *                      the {@link Hub} takes it from the ticket
 * @param userAgent     the {@code User-Agent} header, or {@code ""}
 * @param userId        the authenticated user, or {@code null} when authentication is still to come
 *                      (the shell leaves it null and passes a ticket)
 * @param heartbeatMode the heartbeat the client asked for
 * @param ticket        the {@link Gatekeeper} ticket of the accepted upgrade request, or {@code null}
 *                      when the caller authenticated the connection itself
 */
public record HandshakeInfo(String remoteAddress, String userAgent, String userId, HeartbeatMode heartbeatMode,
                            String ticket) {

    public HandshakeInfo {
        remoteAddress = remoteAddress == null ? "" : remoteAddress;
        userAgent = userAgent == null ? "" : userAgent;
        heartbeatMode = heartbeatMode == null ? HeartbeatMode.PROTOCOL : heartbeatMode;
    }

    /** A handshake without a ticket: {@code userId} is trusted as already authenticated. */
    public HandshakeInfo(String remoteAddress, String userAgent, String userId, HeartbeatMode heartbeatMode) {
        this(remoteAddress, userAgent, userId, heartbeatMode, null);
    }
}
