package io.switchboard.endpoint;

import io.switchboard.core.Disconnect;
import io.switchboard.core.HandshakeInfo;
import io.switchboard.core.Hub;
import io.switchboard.core.ManagedConnection;
import io.switchboard.core.MessageAssembler;
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
 *
 * <p>Not a CDI bean: {@link HandshakeConfigurator} creates each instance with the hub.
 */
@ServerEndpoint(value = "/ws", configurator = HandshakeConfigurator.class)
public class SwitchboardEndpoint {

    private final Hub hub;

    /** Set in {@link #onOpen}, before any other callback can run. */
    private ManagedConnection connection;
    /** Made at the first message that comes in parts; assembles them within the size limit. */
    private MessageAssembler assembler;

    SwitchboardEndpoint(Hub hub) {
        this.hub = hub;
    }

    /** For a container that ignores the configurator's {@code getEndpointInstance}; neither Tyrus nor Undertow does. */
    public SwitchboardEndpoint() {
        this(HandshakeConfigurator.lookUpHub());
    }

    @OnOpen
    public void onOpen(Session session, EndpointConfig config) {
        hub.counters().containerSessionOpened();
        // Switchboard owns the idle and heartbeat rules; the container's idle timer would count
        // our own pings as activity or close connections the protocol keeps open.
        session.setMaxIdleTimeout(0);
        MessageSizeLimit.apply(session, hub.settings().limits());
        // taken out of the container's maps (the session's and the handshake's copies): the connection
        // keeps it, and the maps need not hold it for the connection's life
        HandshakeInfo handshake = (HandshakeInfo) config.getUserProperties().remove(HandshakeConfigurator.HANDSHAKE);
        session.getUserProperties().remove(HandshakeConfigurator.HANDSHAKE);
        connection = hub.open(new JsrConnection(session), handshake);
    }

    /**
     * Partial, so that a message over {@code max-message-size} is refused with 1009 as soon as it
     * passes the limit ({@link MessageAssembler}), whatever the container would otherwise buffer.
     */
    @OnMessage
    public void onText(String part, boolean last) {
        long max = hub.settings().limits().maxMessageSize();
        MessageAssembler.Step step;
        if (assembler == null && last) {
            step = MessageAssembler.whole(part, max); // nearly every message: no assembler per connection
        } else {
            if (assembler == null) {
                assembler = new MessageAssembler(max);
            }
            step = assembler.append(part, last);
        }
        if (step.message() != null) {
            hub.onText(connection, step.message());
        } else if (step.tooBig()) {
            hub.close(connection, Disconnect.MESSAGE_TOO_BIG);
        }
    }

    /** Partial, so that the first fragment of a binary message closes with 1003 before any more is buffered. */
    @OnMessage
    public void onBinary(ByteBuffer part, boolean last) {
        hub.close(connection, Disconnect.BINARY_NOT_SUPPORTED);
    }

    @OnMessage
    public void onPong(PongMessage pong) {
        hub.onPong(connection);
    }

    @OnClose
    public void onClose(CloseReason reason) {
        hub.counters().containerSessionClosed();
        if (connection != null) {
            hub.onTransportClosed(connection, reason.getCloseCode().getCode(), reason.getReasonPhrase());
        }
    }

    @OnError
    public void onError(Throwable error) {
        if (connection != null) {
            hub.onTransportError(connection, error);
        }
    }
}
