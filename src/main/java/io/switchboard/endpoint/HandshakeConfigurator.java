package io.switchboard.endpoint;

import io.switchboard.auth.HandshakeFilter;
import io.switchboard.core.HandshakeInfo;
import io.switchboard.core.HeartbeatMode;
import jakarta.websocket.Extension;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;
import java.util.List;
import java.util.Map;

/**
 * Binds what the handshake established to the new connection: the peer address and the ticket the
 * {@link HandshakeFilter} recorded (the ticket carries the verified user and the reserved slots to the
 * core), the user agent, and the heartbeat mode asked for.
 * Every check that can refuse a handshake runs earlier, in the filter, because only a servlet filter
 * can answer with a real HTTP status on both containers.
 */
public class HandshakeConfigurator extends ServerEndpointConfig.Configurator {

    /** The user-properties key under which the {@link HandshakeInfo} reaches the endpoint. */
    static final String HANDSHAKE = HandshakeInfo.class.getName();

    @Override
    public void modifyHandshake(ServerEndpointConfig config, HandshakeRequest request, HandshakeResponse response) {
        Map<String, List<String>> headers = request.getHeaders();
        String heartbeat = first(request.getParameterMap(), "heartbeat");
        config.getUserProperties().put(HANDSHAKE, new HandshakeInfo(
                header(headers, HandshakeFilter.REMOTE_ADDRESS_HEADER),
                header(headers, "User-Agent"),
                null,
                HeartbeatMode.fromQuery(heartbeat),
                header(headers, HandshakeFilter.TICKET_HEADER)));
    }

    /** permessage-deflate as {@code switchboard.compression.*} says, where the container supports it. */
    @Override
    public List<Extension> getNegotiatedExtensions(List<Extension> installed, List<Extension> requested) {
        return Compression.negotiate(requested, super.getNegotiatedExtensions(installed, requested));
    }

    /** Header names are case-insensitive, but not every container's map is. */
    private static String header(Map<String, List<String>> headers, String name) {
        for (Map.Entry<String, List<String>> e : headers.entrySet()) {
            if (e.getKey() != null && e.getKey().equalsIgnoreCase(name)) {
                return e.getValue().isEmpty() ? null : e.getValue().get(0);
            }
        }
        return null;
    }

    private static String first(Map<String, List<String>> params, String name) {
        List<String> values = params.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
