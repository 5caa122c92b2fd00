package io.switchboard.endpoint;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.io.Closeable;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.Set;
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
 *       during its upgrade) never runs it, so the session stayed in the container for good; then the
 *       session leaves the container's set of open sessions and its channel leaves the upgrade filter's
 *       set of peer connections ({@code WebSocketChannel.peerConnections}), which for the
 *       same reason kept channels of sockets that died during their upgrade.</li>
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
            Field openSessions = fieldOrNull(sessionClass, "openSessions");
            // declared as the public SessionContainer; its value is of a class that is not public
            Method removeOpenSession = openSessions == null ? null
                    : publicMethod(openSessions.getType(), "removeOpenSession", Session.class);
            Method channelOf = publicMethod(sessionClass, "getWebSocketChannel");
            // its getter gives a read-only view of the set
            Field peersOf = channelOf == null ? null : fieldOrNull(channelOf.getReturnType(), "peerConnections");
            LOG.info("aborting connections of " + sessionClass.getName() + " with forceClose()"
                    + (closeInternal == null ? "" : " and closeInternal(CloseReason)")
                    + (removeOpenSession == null ? "" : ", then leaving its open sessions")
                    + (peersOf == null ? "" : " and its channel's peer connections"));
            return session -> {
                Object channel = channelOf == null ? null : channelOf.invoke(session);
                forceClose.invoke(session);
                if (closeInternal != null) {
                    closeInternal.invoke(session, ABORTED);
                }
                if (removeOpenSession != null) {
                    // closeInternal leaves the set on an executor of its own, and a session whose write
                    // failed while its socket died in the upgrade stayed in it for good (the churn
                    // benchmark: 14 % of aborted upgrades); leaving it twice is harmless
                    removeOpenSession.invoke(openSessions.get(session), session);
                }
                if (channel != null && peersOf != null
                        && peersOf.get(channel) instanceof Set<?> peers) {
                    // the channel's own close task leaves this set of the upgrade filter, and only runs
                    // when the socket closes after the channel was built: a socket that died during the
                    // upgrade left channel, session and socket in it for the life of the application
                    peers.remove(channel);
                }
            };
        } catch (NoSuchMethodException e) {
            // not Undertow
        }
        if (sessionClass.getName().startsWith("org.glassfish.tyrus.")) {
            Constructor<?> closeFrame = null;
            Method onClose = null;
            try {
                ClassLoader tyrus = sessionClass.getClassLoader();
                Class<?> frameClass = Class.forName(TYRUS_CLOSE_FRAME, false, tyrus);
                closeFrame = frameClass.getConstructor(CloseReason.class);
                onClose = Class.forName(TYRUS_WEB_SOCKET, false, tyrus).getMethod("onClose", frameClass);
            } catch (ReflectiveOperationException e) {
                LOG.log(Level.WARNING, "Tyrus's web socket cannot be told of an abort; its sessions may outlive their sockets", e);
            }
            LOG.info("aborting connections of " + sessionClass.getName() + " by closing the Tyrus writer"
                    + (onClose == null ? "" : ", then its web socket's onClose"));
            Constructor<?> frame = closeFrame;
            Method closed = onClose;
            return session -> closeTyrusWriter(session, frame, closed);
        }
        LOG.info("no way to abort connections of " + sessionClass.getName() + "; falling back to Session.close()");
        return Session::close;
    }

    /**
     * Closes the Tyrus writer (the socket), then tells the Tyrus web socket that it is closed, as Tyrus
     * does itself when a peer's close arrives: closing the socket alone leaves the session in Tyrus's
     * endpoint wrapper, with the upgrade request and its buffers, for the life of the application
     * (the churn benchmark found 4 % of a million cycles kept that way, about 40 KiB each).
     *
     * @param closeFrame Tyrus's {@code CloseFrame(CloseReason)}, or null when it was not found
     * @param onClose    {@code TyrusWebSocket.onClose(CloseFrame)}, or null when it was not found
     */
    private static void closeTyrusWriter(Session session, Constructor<?> closeFrame, Method onClose) throws Exception {
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
            if (onClose != null) {
                onClose.invoke(webSocket, closeFrame.newInstance(ABORTED));
            }
        }
    }

    /** Tyrus's close frame, whose {@code CloseReason} its web socket's {@code onClose} reads. */
    String TYRUS_CLOSE_FRAME = "org.glassfish.tyrus.core.frame.CloseFrame";
    /** Tyrus's web socket, whose {@code onClose(CloseFrame)} makes its endpoint forget the session. */
    String TYRUS_WEB_SOCKET = "org.glassfish.tyrus.core.TyrusWebSocket";

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
        Field f = fieldOrNull(target.getClass(), name);
        if (f == null) {
            throw new NoSuchFieldException(name + " in " + target.getClass().getName());
        }
        return f.get(target);
    }

    /** The first field of this name in the class or a superclass, made accessible; null when none. */
    private static Field fieldOrNull(Class<?> type, String name) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            try {
                Field f = c.getDeclaredField(name);
                f.setAccessible(true);
                return f;
            } catch (NoSuchFieldException e) {
                // look in the superclass
            }
        }
        return null;
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
