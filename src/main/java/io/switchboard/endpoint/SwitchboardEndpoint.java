package io.switchboard.endpoint;

import io.switchboard.core.Disconnect;
import io.switchboard.core.HandshakeInfo;
import io.switchboard.core.Hub;
import io.switchboard.core.ManagedConnection;
import io.switchboard.core.MessageAssembler;
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
    /** Set in {@link #onOpen}; assembles this connection's text messages within the size limit. */
    private MessageAssembler assembler;

    @OnOpen
    public void onOpen(Session session, EndpointConfig config) {
        // Switchboard owns the idle and heartbeat rules; the container's idle timer would count
        // our own pings as activity or close connections the contract keeps open.
        session.setMaxIdleTimeout(0);
        MessageSizeLimit.apply(session, runtime.hub().settings().limits());
        assembler = new MessageAssembler(runtime.hub().settings().limits().maxMessageSize());
        HandshakeInfo handshake = (HandshakeInfo) config.getUserProperties().get(HandshakeConfigurator.HANDSHAKE);
        connection = runtime.hub().open(new JsrConnection(session), handshake);
    }

    /**
     * Partial, so that a message over {@code max-message-size} is refused with 1009 as soon as it
     * passes the limit ({@link MessageAssembler}), whatever the container would otherwise buffer.
     */
    @OnMessage
    public void onText(String part, boolean last) {
        MessageAssembler.Step step = assembler.append(part, last);
        if (step.message() != null) {
            runtime.hub().onText(connection, step.message());
        } else if (step.tooBig()) {
            runtime.hub().close(connection, Disconnect.MESSAGE_TOO_BIG);
        }
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
