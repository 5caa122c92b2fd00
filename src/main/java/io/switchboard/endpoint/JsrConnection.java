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

    private static final ClassLoader SEND_CONTEXT_LOADER = ClassLoader.getPlatformClassLoader();

    private final Session session;

    JsrConnection(Session session) {
        this.session = session;
    }

    @Override
    public void sendText(String text, SendCallback done) {
        ClassLoader caller = enterSendContext();
        try {
            session.getAsyncRemote().sendText(text, result -> done.completed(result.isOK() ? null : result.getException()));
        } catch (RuntimeException e) {
            // the session closed under us (IllegalStateException) or the container refused the send
            done.completed(e);
        } finally {
            Thread.currentThread().setContextClassLoader(caller);
        }
    }

    @Override
    public boolean sendPing(byte[] payload) {
        ClassLoader caller = enterSendContext();
        try {
            session.getAsyncRemote().sendPing(ByteBuffer.wrap(payload));
            return true;
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "ping not sent", e);
            return false;
        } finally {
            Thread.currentThread().setContextClassLoader(caller);
        }
    }

    /**
     * Tyrus schedules an idle-timeout task on every send, even with the timeout off, and Payara
     * captures that task's context with a ServiceLoader scan of the context class loader: with the
     * application's loader that scan is most of a send's cost. {@link TyrusSessionScheduler} takes
     * that executor out of the path; should it not apply, no application class is needed for the
     * send, so it runs with the platform loader.
     *
     * @return the caller's loader, to restore
     */
    private static ClassLoader enterSendContext() {
        Thread thread = Thread.currentThread();
        ClassLoader caller = thread.getContextClassLoader();
        thread.setContextClassLoader(SEND_CONTEXT_LOADER);
        return caller;
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
