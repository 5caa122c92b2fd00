package io.switchboard.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The core's entry point for the shell: it opens, feeds and closes {@link ManagedConnection}s.
 *
 * <p>The endpoint calls {@link #open} when the container has accepted an upgrade, then
 * {@link #onText} and {@link #onPong} for every frame, and {@link #onTransportClosed} once the
 * socket is gone, whoever closed it. Every method may be called from any thread; none blocks on a
 * peer. A connection's resources are released exactly once, by the call that moves it to
 * {@link ConnectionState#CLOSED}: {@link #release} says everything that happens then, in order.
 *
 * <p>The parts it is made of get what they need of it and no more: a {@link Sender} to send, a
 * {@link Closer} to end a connection, the cluster a {@link ClusterRouter.LocalNode}.
 */
public final class Hub {

    private static final Logger LOG = Logger.getLogger(Hub.class.getName());
    /** How often retained messages past the ttl are dropped when nothing reads or publishes. */
    private static final long HISTORY_EXPIRY_PERIOD = 1_000_000_000L;

    private final Settings settings;
    private final Clock clock;
    private final MessageCodec codec;
    private final ConnectionRegistry registry = new ConnectionRegistry();
    private final Counters counters = new Counters();
    /** Where this hub's lifecycle lines go; {@link Heartbeats} and {@link Gatekeeper} write there too. */
    private final LifecycleLog log;
    private final Transitions transitions;
    private final Sweeper sweeper;
    private final Delivery delivery;
    private final Heartbeats heartbeats;
    private final Channels channels;
    private final TokenLifetime tokenLifetime;
    private final Gatekeeper gatekeeper;
    private final ClusterRouter cluster;
    private final Drain drain;
    private final Closer closer = new Closer() {
        @Override
        public void close(ManagedConnection c, Disconnect why) {
            Hub.this.close(c, why);
        }

        @Override
        public void transportFailed(ManagedConnection c) {
            Hub.this.transportFailed(c);
        }
    };

    /** A node alone whose channel history, when {@code switchboard.history.size} is above 0, is in its memory. */
    public Hub(Settings settings, Clock clock, MessageCodec codec) {
        this(settings, clock, codec, ClusterLink.alone());
    }

    /**
     * A node that reaches the others through {@code link} (or alone, with {@link ClusterLink#alone()});
     * call {@link ClusterRouter#start()} once built. Its channel history, when on, is in this node's
     * memory; a cluster's nodes share theirs through the constructor that takes a history store.
     */
    public Hub(Settings settings, Clock clock, MessageCodec codec, ClusterLink link) {
        this(settings, clock, codec, memoryHistory(settings, clock), link);
    }

    /**
     * A node with the channel history {@code historyStore} builds around this node's fan-out, or none
     * when it is null.
     */
    public Hub(Settings settings, Clock clock, MessageCodec codec,
               Function<HistoryStore.Sink, HistoryStore> historyStore, ClusterLink link) {
        this(settings, clock, codec, historyStore, link, new LifecycleLog());
    }

    /** A hub whose lifecycle lines go to {@code log} instead of the lifecycle logger. */
    Hub(Settings settings, Clock clock, MessageCodec codec,
        Function<HistoryStore.Sink, HistoryStore> historyStore, ClusterLink link, LifecycleLog log) {
        this.log = Objects.requireNonNull(log, "log");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.codec = Objects.requireNonNull(codec, "codec");
        this.transitions = new Transitions(counters, log);
        this.sweeper = new Sweeper(clock, Sweeper.tickFor(settings));
        this.delivery = new Delivery(codec, settings.send(), counters, closer);
        this.drain = new Drain(this, Drain.uniformJitter(settings.shutdown().reconnectJitter(), new SplittableRandom()));
        this.heartbeats = new Heartbeats(settings, clock, sweeper, log, registry, delivery, closer, drain::isClosing);
        this.cluster = new ClusterRouter(new HubNode(this), Objects.requireNonNull(link, "link"));
        this.channels = new Channels(settings, codec, delivery, closer, counters, registry, cluster, historyStore);
        this.tokenLifetime = new TokenLifetime(settings, clock, sweeper, delivery, closer, counters, channels,
                drain::isRefusing);
        this.gatekeeper = new Gatekeeper(settings, clock, sweeper, log, transitions, counters, delivery, closer,
                tokenLifetime, this::becomeOpen, () -> drain.isRefusing(), cluster::isAvailable);
        if (cluster.isClustered()) {
            gatekeeper.limits().useCluster(cluster); // the limits count every node (protocol.md, cluster)
        }
        sweeper.on(Deadline.RECONNECT, this::reconnectOverdue);
        sweeper.on(Deadline.CLOSE, this::closeOverdue);
        if (channels.history() != null) {
            sweeper.schedule(this::expireHistory, clock.nanoTime() + HISTORY_EXPIRY_PERIOD);
        }
    }

    private static Function<HistoryStore.Sink, HistoryStore> memoryHistory(Settings settings, Clock clock) {
        return settings.history().enabled()
                ? sink -> new MemoryHistory(settings.history(), clock, MemoryHistory.newNodeEpoch(), sink)
                : null;
    }

    private void expireHistory() {
        try {
            channels.history().expire();
        } finally {
            sweeper.schedule(this::expireHistory, clock.nanoTime() + HISTORY_EXPIRY_PERIOD);
        }
    }

    /** The other nodes, if any (protocol.md, cluster). */
    public ClusterRouter cluster() {
        return cluster;
    }

    /** The one timer of all connections; the shell calls {@link Sweeper#sweep()} every tick. */
    public Sweeper sweeper() {
        return sweeper;
    }

    public Heartbeats heartbeats() {
        return heartbeats;
    }

    /** Subscriptions, publishing and direct messages. */
    public Channels channels() {
        return channels;
    }

    /** Admission, authentication and rate limits (sections 3 and 5). */
    public Gatekeeper gatekeeper() {
        return gatekeeper;
    }

    /** The graceful drain of this node: the one place that knows whether the node is draining. */
    public Drain drain() {
        return drain;
    }

    public Settings settings() {
        return settings;
    }

    public ConnectionRegistry registry() {
        return registry;
    }

    public Counters counters() {
        return counters;
    }

    public Clock clock() {
        return clock;
    }

    /**
     * This node's connections by state, in one pass over the registry, with the accepted upgrade requests
     * the container has not upgraded yet as {@link ConnectionState#CONNECTING}.
     */
    public java.util.Map<ConnectionState, Integer> countByState() {
        java.util.Map<ConnectionState, Integer> counts = registry.countByState();
        counts.put(ConnectionState.CONNECTING, gatekeeper.pendingTickets());
        return counts;
    }

    /** Whether this node refuses new connections because it is draining (protocol.md). */
    public boolean isDraining() {
        return drain.isRefusing();
    }

    /**
     * Registers a connection whose upgrade the container has accepted. The {@link Gatekeeper} then
     * claims its handshake ticket: with a user known from the handshake it becomes OPEN and gets its
     * {@code welcome}, otherwise it is AUTHENTICATING until an {@code auth} message.
     */
    public ManagedConnection open(Connection transport, HandshakeInfo handshake) {
        // a connection takes its ticket's id (a random UUID, claimed once and then forgotten by the
        // Gatekeeper): one id string per connection rather than two, and the container keeps the
        // ticket's string with the upgraded request for as long as the connection lives anyway
        String id = handshake.ticket() != null ? handshake.ticket() : UUID.randomUUID().toString();
        String address = handshake.ticket() != null && handshake.remoteAddress().isEmpty()
                ? gatekeeper.ticketAddress(handshake.ticket()) : handshake.remoteAddress();
        ManagedConnection c = new ManagedConnection(id, transport, handshake, address, clock);
        registry.add(c);
        transitions.started(c);
        gatekeeper.opened(c, handshake.ticket());
        return c;
    }

    /** Authentication is done: OPEN, the heartbeat and token deadlines armed, the {@code welcome} sent. */
    private void becomeOpen(ManagedConnection c) {
        if (c.grantedChannels() != null) {
            try {
                c.restrictChannels(ChannelAccess.only(c.grantedChannels()));
            } catch (IllegalArgumentException e) {
                // a signed token whose channels claim is not a list of valid patterns is not usable
                close(c, Disconnect.INVALID_TOKEN);
                return;
            }
        }
        if (!transitions.move(c, ConnectionState.OPEN)) {
            return;
        }
        heartbeats.opened(c);
        cluster.opened(c);
        Settings.Heartbeat hb = settings.heartbeat();
        Settings.Limits limits = settings.limits();
        Settings.Rate rate = settings.rate();
        send(c, new Outbound.Welcome(c.id(), c.userId(), settings.nodeId(), c.heartbeatMode(),
                hb.interval().toMillis(), hb.timeout().toMillis(),
                limits.maxMessageSize(), rate.messagesPerSecond(), rate.burst(),
                clock.epochMillis()));
        tokenLifetime.opened(c);
    }

    /** A text frame from the peer. Bad input gets an {@code error} reply and the connection stays open. */
    public void onText(ManagedConnection c, String text) {
        c.seen(clock);
        int bytes = Utf8.length(text);
        c.countIn(bytes);
        counters.messageIn(bytes);
        if (!c.state().isLive()) {
            return;
        }
        Inbound message = null;
        MessageCodec.BadMessageException bad = null;
        try {
            message = codec.decode(text);
        } catch (MessageCodec.BadMessageException e) {
            bad = e;
        } catch (RuntimeException e) {
            // a codec must refuse bad input with BadMessageException; should one fail instead, the
            // message is still answered and counted like any malformed one, never dropped in silence
            LOG.log(Level.WARNING, "message codec failed on a client message", e);
            bad = new MessageCodec.BadMessageException("not valid JSON", null);
        }
        if (!gatekeeper.screen(c, message, bad != null ? bad.ref() : message.id(), bytes)) {
            return;
        }
        if (bad != null) {
            counters.badMessage();
            heartbeats.dataReceived(c);
            send(c, new Outbound.Error(Outbound.Error.BAD_REQUEST, bad.getMessage(), bad.ref()));
            return;
        }
        // seen() above recorded the proof of life; heartbeats take pongs, time sync and idle time
        heartbeats.received(c, message);
        if (message instanceof Inbound.Ping ping) {
            send(c, new Outbound.Pong(ping.id()));
        } else if (message instanceof Inbound.ChannelRequest request) {
            channels.onRequest(c, request);
        } else if (message instanceof Inbound.Auth auth) {
            gatekeeper.refresh(c, auth);
        }
    }

    /** A Pong control frame from the peer: proof of life. */
    public void onPong(ManagedConnection c) {
        c.seen(clock);
        heartbeats.pongFrame(c);
    }

    /**
     * Encodes one message and queues it on the connection's bounded send queue; a connection whose
     * queue overflows is closed as a slow consumer.
     */
    public void send(ManagedConnection c, Outbound message) {
        delivery.send(c, message);
    }

    /**
     * Tells a live connection to reconnect (protocol.md, reconnect), optionally to {@code url}, and closes
     * it with the shutdown close code if it has not closed within {@code close.timeout}.
     *
     * @return false when the connection is no longer live
     */
    public boolean requestReconnect(ManagedConnection c, String reason, long afterMs, String url) {
        if (!c.state().isLive()) {
            return false;
        }
        heartbeats.stats().reconnectsRequested.increment();
        log.event("reconnect", c, "reason=" + LifecycleLog.quote(reason) + " afterMs=" + afterMs);
        send(c, new Outbound.Reconnect(reason, afterMs, url));
        sweeper.schedule(c, Deadline.RECONNECT, clock.nanoTime() + settings.closeTimeout().toNanos());
        return true;
    }

    private void reconnectOverdue(ManagedConnection c, long due, long now) {
        if (c.state().isLive()) {
            close(c, Disconnect.reconnect(settings.shutdown().closeCode()));
        }
    }

    /**
     * Starts closing {@code c} for {@code why}; a no-op when it is already closing or closed. Frames that
     * wait on its send queue are dropped; the frame the transport is writing, if any, is finished first
     * and the close frame follows it, so that the close never cuts a frame in half (Tyrus drops unwritten
     * data when a session closes). The close timeout runs from now: a peer that does not read at all is
     * aborted after it, and one that does gets it again for the close handshake.
     */
    public void close(ManagedConnection c, Disconnect why) {
        if (transitions.beginClose(c, why)) {
            armCloseTimeout(c);
            c.outbox().shut();
            c.outbox().whenIdle(() -> sendCloseFrame(c, why));
        }
    }

    /**
     * Closes every live connection of {@code userId} on this node with {@code why}: this node's part
     * of revoking a user ({@code DELETE /api/users/{user}/connections}); a cluster runs it on every node.
     *
     * @return the ids of the connections this call started closing
     */
    public List<String> closeUser(String userId, Disconnect why) {
        Objects.requireNonNull(userId, "userId");
        List<String> closed = new ArrayList<>();
        for (ManagedConnection c : registry.all()) {
            if (userId.equals(c.userId()) && c.state().isLive()) {
                close(c, why);
                if (c.closeCause() == why) {
                    closed.add(c.id());
                }
            }
        }
        counters.revokedConnections(closed.size());
        if (!closed.isEmpty()) {
            LOG.info("revoked user " + LifecycleLog.quote(userId) + ": closing " + closed.size() + " connection(s) with " + why.code());
        }
        return closed;
    }

    /**
     * Sends the close frame of a connection whose close still waits for its frame in flight, without
     * waiting any longer: for a drain whose close timeout is half gone, since a stopping container may
     * never report that frame written (the frame may then be cut, which the abort would do anyway).
     */
    void sendCloseFrameNow(ManagedConnection c) {
        Runnable waiting = c.outbox().takeIdleAction();
        if (waiting != null) {
            waiting.run();
        }
    }

    private void sendCloseFrame(ManagedConnection c, Disconnect why) {
        if (c.state() == ConnectionState.CLOSING) {
            armCloseTimeout(c);
            c.transport().close(why.code(), why.reason());
        }
    }

    /** The close handshake must finish within {@code close.timeout}, or the TCP connection is aborted. */
    private void armCloseTimeout(ManagedConnection c) {
        sweeper.schedule(c, Deadline.CLOSE, clock.nanoTime() + settings.closeTimeout().toNanos());
    }

    private void closeOverdue(ManagedConnection c, long due, long now) {
        if (c.state() == ConnectionState.CLOSED) {
            return;
        }
        heartbeats.stats().aborted.increment();
        log.event("abort", c, "closeTimeoutMs=" + settings.closeTimeout().toMillis());
        c.transport().abort();
        onTransportClosed(c, 1006, "close handshake timed out");
    }

    /** Drops the connection without a close handshake and releases it, whatever the container reports later. */
    public void abort(ManagedConnection c) {
        c.transport().abort();
        onTransportClosed(c, 1006, "aborted");
    }

    /**
     * The socket is gone: the close handshake finished, the peer closed, or the transport failed.
     * {@code code} and {@code reason} are what the container reports; when Switchboard started the
     * close, its own cause is what gets counted and logged.
     */
    public void onTransportClosed(ManagedConnection c, int code, String reason) {
        if (transitions.closed(c)) {
            release(c, code, reason);
        }
    }

    /** Everything a connection held, given back once, in this order, by the one caller that closed it. */
    private void release(ManagedConnection c, int code, String reason) {
        registry.remove(c);          // no lookup finds it any more
        sweeper.release(c);          // none of its deadlines fires
        c.outbox().shut();           // what still waits to be written is dropped
        tryRelease(c, channels::release, "subscriptions");      // here and in the cluster's routing
        tryRelease(c, gatekeeper::release, "connection slots"); // its user's and its address's
        tryRelease(c, cluster::released, "cluster registry entry");
        Disconnect cause = c.closeCause();
        int loggedCode = cause != null ? cause.code() : code;
        counters.closed(loggedCode);
        log.closed(c, loggedCode, cause != null ? cause.reason() : reason, (clock.nanoTime() - c.connectedAtNanos()) / 1_000_000L);
    }

    /** One step of a release: one that fails is logged and the others still run. */
    private static void tryRelease(ManagedConnection c, java.util.function.Consumer<ManagedConnection> step, String what) {
        try {
            step.accept(c);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "releasing the " + what + " of " + c.id() + " failed", e);
        }
    }

    /**
     * The container is done with the socket of the upgrade that got {@code ticket}, however it ended
     * (Tyrus tells its upgrade handler; nothing else may). The ticket's slots come back if no connection
     * claimed them (the socket died between its 101 and its start), and the connection that did claim
     * them, if it is still registered, is released as closed without a close frame: the socket is gone.
     * A no-op for a connection already released.
     */
    public void socketEnded(String ticket) {
        if (ticket == null) {
            return;
        }
        gatekeeper.cancelTicket(ticket);
        registry.find(ticket).ifPresent(c -> {
            onTransportClosed(c, 1006, "socket closed");
            // the WebSocket layer may not have let go of it: Tyrus keeps a session whose close frame
            // could not be written to the dead socket for good, with its upgrade request and buffers
            c.transport().abort();
        });
    }

    /**
     * A transport error. One that says the socket failed (an I/O error anywhere in its causes) releases
     * the connection at once, like a failed write: a container does not report the close of a socket
     * that died while it was being upgraded, and nothing else but the heartbeat would free its slots.
     * Any other error (a protocol violation the container answers with its own close) is only logged;
     * the container reports that close through {@link #onTransportClosed}.
     */
    public void onTransportError(ManagedConnection c, Throwable error) {
        if (LOG.isLoggable(Level.FINE)) {
            LOG.log(Level.FINE, "transport error on " + c.id(), error);
        }
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.io.IOException) {
                transportFailed(c);
                return;
            }
        }
    }

    /**
     * The transport failed under a live connection (a write or a ping was refused, a read failed):
     * drops the socket and releases the connection now, counted and logged as 1006. A connection
     * already closing is left to its close timeout, so that the close frame it is sending is not cut off.
     */
    void transportFailed(ManagedConnection c) {
        if (!c.state().isLive()) {
            return;
        }
        c.transport().abort();
        onTransportClosed(c, 1006, "transport failed");
    }
}
