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
 *   <li>Undertow (WildFly): the public {@code UndertowSession.forceClose()}, then its public
 *       {@code closeInternal(CloseReason)}: Undertow forgets a session when its channel's close task
 *       runs, and a channel that closed before the session registered that task (a socket that died
 *       during its upgrade) never runs it, so the session stayed in the container for good; and the
 *       session is taken out of the container's set of open sessions.</li>
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
            Method closeInternal = publicMethod(sessionClass, "closeInternal", CloseReason.class);
            LOG.info("aborting connections of " + sessionClass.getName() + " with forceClose()"
                    + (closeInternal == null ? "" : " and closeInternal(CloseReason)"));
            return session -> {
                forceClose.invoke(session);
                if (closeInternal != null) {
                    closeInternal.invoke(session, ABORTED);
                }
                forgetUndertowSession(session);
            };
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
            Object frame = frameClass.getConstructor(CloseReason.class).newInstance(ABORTED);
            webSocket.getClass().getMethod("onClose", frameClass).invoke(webSocket, frame);
        }
    }

    /** Tyrus's close frame, whose {@code CloseReason} its web socket's {@code onClose} reads. */
    String TYRUS_CLOSE_FRAME = "org.glassfish.tyrus.core.frame.CloseFrame";

    /**
     * Takes the session out of Undertow's set of open sessions. Its {@code closeInternal} does so on an
     * executor of its own, and a session whose write failed while its socket died in the upgrade stayed
     * in the set for good (the churn benchmark: 14 % of aborted upgrades); removing it twice is harmless.
     */
    private static void forgetUndertowSession(Session session) throws ReflectiveOperationException {
        Object container = field(session, "openSessions");
        // the set's class is not public; its public superclass declares the method
        for (Class<?> c = container.getClass(); c != null; c = c.getSuperclass()) {
            if (java.lang.reflect.Modifier.isPublic(c.getModifiers())) {
                c.getMethod("removeOpenSession", Session.class).invoke(container, session);
                return;
            }
        }
    }

    /** The close reason an aborted connection's session is closed with, where the container asks for one. */
    CloseReason ABORTED = new CloseReason(CloseReason.CloseCodes.CLOSED_ABNORMALLY, "aborted");

    /** The public method of this name and parameters, or null. */
    private static Method publicMethod(Class<?> c, String name, Class<?>... parameters) {
        try {
            return c.getMethod(name, parameters);
        } catch (NoSuchMethodException e) {
            return null;
        }
    }

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
