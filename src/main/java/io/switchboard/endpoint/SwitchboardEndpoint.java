package io.switchboard.endpoint;

import io.switchboard.core.Disconnect;
import io.switchboard.core.HandshakeInfo;
import io.switchboard.core.Hub;
import io.switchboard.core.ManagedConnection;
import io.switchboard.lifecycle.SwitchboardRuntime;
import jakarta.inject.Inject;
import jakarta.websocket.CloseReason;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.nio.ByteBuffer;

/**
 * {@code /ws}: one instance per connection, translating container callbacks into calls on the
 * core {@link Hub}. The container calls these methods one at a time for a given session.
 */
@ServerEndpoint(value = "/ws", configurator = HandshakeConfigurator.class)
public class SwitchboardEndpoint {

    @Inject
    SwitchboardRuntime runtime;

    /** Set in {@link #onOpen}, before any other callback can run. */
    private ManagedConnection connection;

    @OnOpen
    public void onOpen(Session session, EndpointConfig config) {
        // Switchboard owns the idle and heartbeat rules; the container's idle timer would count
        // our own pings as activity or close connections the contract keeps open.
        session.setMaxIdleTimeout(0);
        MessageSizeLimit.apply(session, runtime.hub().settings().limits());
        HandshakeInfo handshake = (HandshakeInfo) config.getUserProperties().get(HandshakeConfigurator.HANDSHAKE);
        connection = runtime.hub().open(new JsrConnection(session), handshake);
    }

    @OnMessage
    public void onText(String text) {
        runtime.hub().onText(connection, text);
    }

    /** Partial, so that the first fragment of a binary message closes with 1003 before any more is buffered. */
    @OnMessage
    public void onBinary(ByteBuffer part, boolean last) {
        runtime.hub().close(connection, Disconnect.BINARY_NOT_SUPPORTED);
    }

    @OnMessage
    public void onPong(PongMessage pong) {
        runtime.hub().onPong(connection);
    }

    @OnClose
    public void onClose(CloseReason reason) {
        if (connection != null) {
            runtime.hub().onTransportClosed(connection, reason.getCloseCode().getCode(), reason.getReasonPhrase());
        }
    }

    @OnError
    public void onError(Throwable error) {
        if (connection != null) {
            runtime.hub().onTransportError(connection, error);
        }
    }
}
