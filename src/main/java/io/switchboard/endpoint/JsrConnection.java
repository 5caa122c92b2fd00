package io.switchboard.endpoint;

import io.switchboard.core.Connection;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.logging.Level;
import java.util.logging.Logger;

/** A core {@link Connection} over a JSR-356 {@link Session}. */
final class JsrConnection implements Connection {

    private static final Logger LOG = Logger.getLogger(JsrConnection.class.getName());

    private final Session session;

    JsrConnection(Session session) {
        this.session = session;
    }

    @Override
    public void sendText(String text, SendCallback done) {
        try {
            session.getAsyncRemote().sendText(text, result -> done.completed(result.isOK() ? null : result.getException()));
        } catch (RuntimeException e) {
            // the session closed under us (IllegalStateException) or the container refused the send
            done.completed(e);
        }
    }

    @Override
    public void sendPing(byte[] payload) {
        try {
            session.getAsyncRemote().sendPing(ByteBuffer.wrap(payload));
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "ping not sent", e);
        }
    }

    @Override
    public void close(int code, String reason) {
        try {
            session.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(code), reason));
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "close frame not sent", e);
        }
    }

    @Override
    public void abort() {
        ContainerAbort.abortQuietly(session);
    }
}
