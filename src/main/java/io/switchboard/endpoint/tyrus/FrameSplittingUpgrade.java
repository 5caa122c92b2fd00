package io.switchboard.endpoint.tyrus;

import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpUpgradeHandler;
import jakarta.servlet.http.WebConnection;
import java.io.IOException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Makes Tyrus (Payara) read incoming frames through a {@link FrameSplitter}, so that a single frame
 * larger than {@code max-message-size} reaches Switchboard in pieces and is refused with the
 * documented 1009 instead of Tyrus's own 1011 "Buffer overflow." (see admission.md).
 *
 * <p>Tyrus upgrades a WebSocket request with the standard {@link HttpServletRequest#upgrade} from its
 * servlet filter, which runs after Switchboard's {@code HandshakeFilter} and so gets the request as
 * that filter passes it on, wrapped in this class. When Tyrus asks for its upgrade handler, this
 * wrapper creates that handler itself and upgrades the connection with a {@link Handler} of its own
 * instead, which hands Tyrus's handler the connection with its input stream wrapped. Tyrus configures
 * and drives its handler as before; output and close go straight to the container.
 *
 * <p>Inert elsewhere: Undertow (WildFly) upgrades WebSockets without {@code HttpServletRequest.upgrade},
 * and any other handler class is upgraded unchanged.
 */
public final class FrameSplittingUpgrade extends HttpServletRequestWrapper {

    private static final Logger LOG = Logger.getLogger(FrameSplittingUpgrade.class.getName());

    /** The upgrade handler of Tyrus's servlet integration, by name: the WAR does not compile against it. */
    static final String TYRUS_HANDLER = "org.glassfish.tyrus.servlet.TyrusHttpUpgradeHandler";

    /**
     * The largest fragment whatever the message size limit: well inside the 4 MiB frame buffer that
     * Tyrus's engine keeps by default (on Payara Micro its initializer reads the buffer parameter
     * before {@link ContainerBufferLimits} sets it), so a fragment never overflows it.
     */
    static final long MAX_FRAGMENT = 1024 * 1024;

    private final long maxFramePayload;
    private final Runnable ended;
    /** Set when the WebSocket layer upgraded this request through {@link #upgrade}. */
    private volatile boolean upgraded;

    /**
     * @param maxMessageSize {@code switchboard.limits.max-message-size}: data frames longer than it,
     *                       or than {@link #MAX_FRAGMENT}, reach the container as fragments of at most
     *                       the smaller of the two
     * @param ended          runs when the container is done with the upgraded socket, whether or not it
     *                       was ever handed to the WebSocket layer ({@code Hub.socketEnded}): the slots of
     *                       a socket that died between the 101 and the connection's start come back, and a
     *                       connection Tyrus forgot to report closed is released
     */
    public FrameSplittingUpgrade(HttpServletRequest request, long maxMessageSize, Runnable ended) {
        super(request);
        this.maxFramePayload = Math.min(maxMessageSize, MAX_FRAGMENT);
        this.ended = ended;
    }

    /**
     * Whether the request was upgraded through this wrapper ({@link HttpServletRequest#upgrade}, as
     * Tyrus does), known without asking the response: once Tyrus has flushed its 101, Payara Micro may
     * already have recycled the response, and reading its status then can fail.
     */
    public boolean upgraded() {
        return upgraded;
    }

    @Override
    public <T extends HttpUpgradeHandler> T upgrade(Class<T> handlerClass) throws IOException, ServletException {
        upgraded = true;
        if (!TYRUS_HANDLER.equals(handlerClass.getName())) {
            return super.upgrade(handlerClass);
        }
        T inner;
        try {
            inner = handlerClass.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(Level.WARNING, "cannot create " + handlerClass.getName() + "; upgrading without frame splitting", e);
            return super.upgrade(handlerClass);
        }
        Handler outer = super.upgrade(Handler.class);
        outer.delegateTo(inner, maxFramePayload, ended);
        return inner;
    }

    /**
     * The upgrade handler the container gets: it passes the connection to the WebSocket layer's own
     * handler with the input run through a {@link FrameSplitter}, being that connection itself (one
     * object per connection less than a separate wrapper). Public with a no-argument constructor
     * because the container instantiates it.
     */
    public static final class Handler implements HttpUpgradeHandler, WebConnection {

        /** Set once by {@link FrameSplittingUpgrade#upgrade}, before the container calls {@link #init}. */
        private HttpUpgradeHandler inner;
        private long maxFramePayload;
        private Runnable ended;
        /** The container's connection; set by {@link #init}. */
        private WebConnection connection;
        /** Created on first use, then the same stream for every caller. */
        private FrameSplittingInputStream input;

        public Handler() {
            // the container creates it
        }

        void delegateTo(HttpUpgradeHandler handler, long maxPayload, Runnable whenEnded) {
            this.inner = handler;
            this.maxFramePayload = maxPayload;
            this.ended = whenEnded;
        }

        @Override
        public void init(WebConnection containerConnection) {
            this.connection = containerConnection;
            inner.init(this);
        }

        @Override
        public void destroy() {
            try {
                if (inner != null) {
                    inner.destroy();
                }
            } finally {
                if (ended != null) {
                    ended.run();
                }
            }
        }

        @Override
        public synchronized ServletInputStream getInputStream() throws IOException {
            if (input == null) {
                input = new FrameSplittingInputStream(connection.getInputStream(), maxFramePayload, this::peerEnded);
            }
            return input;
        }

        @Override
        public ServletOutputStream getOutputStream() throws IOException {
            return connection.getOutputStream();
        }

        @Override
        public void close() throws Exception {
            connection.close();
        }

        /**
         * The peer ended its side of the stream: it will send no frame, not even a close frame. The
         * connection is closed, which the WebSocket layer reports as a close without a close frame (1006),
         * so Switchboard releases it now rather than at the first failed Ping.
         */
        private void peerEnded() {
            try {
                connection.close();
            } catch (Exception e) {
                LOG.log(Level.FINE, "closing a connection whose peer has ended its stream failed", e);
            }
        }
    }
}
