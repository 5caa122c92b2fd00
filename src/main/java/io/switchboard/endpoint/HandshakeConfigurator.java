package io.switchboard.endpoint;

import io.switchboard.auth.HandshakeFilter;
import io.switchboard.core.HandshakeInfo;
import io.switchboard.core.HeartbeatMode;
import io.switchboard.core.Hub;
import io.switchboard.core.QueryParameters;
import io.switchboard.lifecycle.SwitchboardRuntime;
import jakarta.enterprise.inject.spi.CDI;
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
 *
 * <p>It also creates the endpoint instances itself, each handed the {@link Hub}: left to the
 * container, every connection's endpoint would be made through CDI, which costs a handshake an
 * injection target and keeps CDI bookkeeping for every open connection (Tyrus creates both per
 * instance), for an endpoint whose only dependency is the application's one hub.
 */
public class HandshakeConfigurator extends ServerEndpointConfig.Configurator {

    /** The user-properties key under which the {@link HandshakeInfo} reaches the endpoint. */
    static final String HANDSHAKE = HandshakeInfo.class.getName();

    /** The application's hub, looked up on the first handshake; the container makes one configurator per deployment. */
    private volatile Hub hub;

    @Override
    public void modifyHandshake(ServerEndpointConfig config, HandshakeRequest request, HandshakeResponse response) {
        Map<String, List<String>> headers = request.getHeaders();
        // the raw query, not getParameterMap(): see QueryParameters
        String heartbeat = QueryParameters.first(request.getQueryString(), "heartbeat");
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
        return Compression.negotiate(hub().settings(), requested, super.getNegotiatedExtensions(installed, requested));
    }

    @Override
    public <T> T getEndpointInstance(Class<T> endpointClass) throws InstantiationException {
        if (endpointClass != SwitchboardEndpoint.class) {
            return super.getEndpointInstance(endpointClass);
        }
        return endpointClass.cast(new SwitchboardEndpoint(hub()));
    }

    /** Called in handshakes only, where the application's CDI container is current on both servers. */
    static Hub lookUpHub() {
        return CDI.current().select(SwitchboardRuntime.class).get().hub();
    }

    private Hub hub() {
        Hub h = hub;
        if (h == null) {
            h = lookUpHub();
            hub = h;
        }
        return h;
    }

    /**
     * Header names are case-insensitive, but not every container's map is. The direct lookup comes
     * first: iterating makes the container's map keep an entry-set view for the connection's life.
     */
    private static String header(Map<String, List<String>> headers, String name) {
        List<String> direct = headers.get(name);
        if (direct != null) {
            return direct.isEmpty() ? null : direct.get(0);
        }
        for (Map.Entry<String, List<String>> e : headers.entrySet()) {
            if (e.getKey() != null && e.getKey().equalsIgnoreCase(name)) {
                return e.getValue().isEmpty() ? null : e.getValue().get(0);
            }
        }
        return null;
    }
}
