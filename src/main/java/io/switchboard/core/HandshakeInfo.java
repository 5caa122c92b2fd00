package io.switchboard.core;

/**
 * What the shell learned about a connection during its HTTP upgrade.
 *
 * @param remoteAddress the peer's IP address as the container saw it
 * @param userAgent     the {@code User-Agent} header, or {@code ""}
 * @param userId        the authenticated user, or {@code null} when authentication is still to come
 * @param heartbeatMode the heartbeat the client asked for
 */
public record HandshakeInfo(String remoteAddress, String userAgent, String userId, HeartbeatMode heartbeatMode) {

    public HandshakeInfo {
        remoteAddress = remoteAddress == null ? "" : remoteAddress;
        userAgent = userAgent == null ? "" : userAgent;
        heartbeatMode = heartbeatMode == null ? HeartbeatMode.PROTOCOL : heartbeatMode;
    }
}
