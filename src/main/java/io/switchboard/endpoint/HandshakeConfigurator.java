package io.switchboard.endpoint;

import io.switchboard.upgrade.HandshakeFilter;
import io.switchboard.core.HandshakeInfo;
import io.switchboard.core.HeartbeatMode;
import io.switchboard.core.Hub;
import io.switchboard.upgrade.QueryParameters;
import io.switchboard.lifecycle.SwitchboardRuntime;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.websocket.Extension;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Binds what the handshake established to the new connection: the ticket the {@link HandshakeFilter}
 * recorded (it carries the verified user, the peer address and the reserved slots to the core), the
 * user agent, and the heartbeat mode asked for.
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
                null, // the peer address travels in the ticket
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
     * Header names are case-insensitive, and the two containers' maps answer for them differently:
     * Tyrus's map ignores case, Undertow's holds its canonical names ({@code User-Agent}) and the
     * filter's names as written. So a direct lookup, then the lower-case name; never iteration, which
     * would leave an entry-set view in Tyrus's map for the connection's life.
     */
    private static String header(Map<String, List<String>> headers, String name) {
        List<String> values = headers.get(name);
        if (values == null) {
            values = headers.get(name.toLowerCase(Locale.ROOT));
        }
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
