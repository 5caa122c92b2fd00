package io.switchboard.endpoint;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.io.Closeable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Drops a WebSocket's TCP connection without a close handshake. The WebSocket API has no such
 * call, so each container gets its own way, found by reflection so that the WAR needs neither
 * container's classes at compile time:
 * <ul>
 *   <li>Undertow (WildFly): the public {@code UndertowSession.forceClose()}.</li>
 *   <li>Tyrus (Payara): {@code TyrusRemoteEndpoint.webSocket → TyrusWebSocket.protocolHandler →
 *       ProtocolHandler.writer}, a {@link Closeable} whose {@code close()} closes the servlet
 *       {@code WebConnection}, and so the socket; then {@code TyrusWebSocket.onClose}, so that Tyrus
 *       forgets the session.</li>
 *   <li>Anything else: {@link Session#close()}, which at least releases the session.</li>
 * </ul>
 */
interface ContainerAbort {

    Logger LOG = Logger.getLogger(ContainerAbort.class.getName());

    void abort(Session session) throws Exception;

    /** The way to abort sessions of this class, worked out once per class. */
    static ContainerAbort of(Session session) {
        return Cache.BY_CLASS.computeIfAbsent(session.getClass(), ContainerAbort::find);
    }

    private static ContainerAbort find(Class<?> sessionClass) {
        try {
            Method forceClose = sessionClass.getMethod("forceClose");
            LOG.info("aborting connections of " + sessionClass.getName() + " with forceClose()");
            return session -> forceClose.invoke(session);
        } catch (NoSuchMethodException e) {
            // not Undertow
        }
        if (sessionClass.getName().startsWith("org.glassfish.tyrus.")) {
            LOG.info("aborting connections of " + sessionClass.getName() + " by closing the Tyrus writer");
            return ContainerAbort::closeTyrusWriter;
        }
        LOG.info("no way to abort connections of " + sessionClass.getName() + "; falling back to Session.close()");
        return Session::close;
    }

    /**
     * Closes the Tyrus writer (the socket), then tells the Tyrus web socket that it is closed, as Tyrus
     * does itself when a peer's close arrives: closing the socket alone leaves the session in Tyrus's
     * endpoint wrapper, with the upgrade request and its buffers, for the life of the application
     * (the churn benchmark found 4 % of a million cycles kept that way, about 40 KiB each).
     */
    private static void closeTyrusWriter(Session session) throws Exception {
        Object remote = session.getAsyncRemote();
        Object webSocket = field(remote, "webSocket");
        Object protocolHandler = field(webSocket, "protocolHandler");
        Object writer = field(protocolHandler, "writer");
        if (!(writer instanceof Closeable closeable)) {
            session.close();
            return;
        }
        try {
            closeable.close();
        } finally {
            Class<?> frameClass = Class.forName(TYRUS_CLOSE_FRAME, false, webSocket.getClass().getClassLoader());
            Object frame = frameClass.getConstructor(CloseReason.class)
                    .newInstance(new CloseReason(CloseReason.CloseCodes.CLOSED_ABNORMALLY, "aborted"));
            webSocket.getClass().getMethod("onClose", frameClass).invoke(webSocket, frame);
        }
    }

    /** Tyrus's close frame, whose {@code CloseReason} its web socket's {@code onClose} reads. */
    String TYRUS_CLOSE_FRAME = "org.glassfish.tyrus.core.frame.CloseFrame";

    /** The value of the first field of this name in the object's class or a superclass. */
    private static Object field(Object target, String name) throws ReflectiveOperationException {
        for (Class<?> c = target.getClass(); c != null; c = c.getSuperclass()) {
            try {
                Field f = c.getDeclaredField(name);
                f.setAccessible(true);
                return f.get(target);
            } catch (NoSuchFieldException e) {
                // look in the superclass
            }
        }
        throw new NoSuchFieldException(name + " in " + target.getClass().getName());
    }

    /** Runs the abort, logging (never throwing) a failure. */
    static void abortQuietly(Session session) {
        try {
            of(session).abort(session);
        } catch (Exception | LinkageError e) {
            LOG.log(Level.WARNING, "could not abort connection " + session.getId() + "; closing it instead", e);
            try {
                session.close();
            } catch (Exception ignored) {
                // the session is gone either way
            }
        }
    }

    /** Holder of the per-class choice. */
    final class Cache {
        static final ConcurrentHashMap<Class<?>, ContainerAbort> BY_CLASS = new ConcurrentHashMap<>();

        private Cache() {
        }
    }
}
