package io.switchboard.core;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

/**
 * One connection as Switchboard manages it: identity, metadata, lifecycle state and counters, over
 * a {@link Connection} transport.
 *
 * <p>Created by the {@link Hub} when a handshake has been accepted and removed from the registry
 * when it reaches {@link ConnectionState#CLOSED}. State changes go through {@link #moveTo},
 * {@link #beginClose} and {@link #markClosed}, which are safe to call from any thread and tell the
 * caller what it must do next; only the caller that gets {@link CloseResult#RELEASE} releases the
 * connection's resources, so that happens exactly once.
 */
public final class ManagedConnection {

    /** What the caller of {@link #beginClose} or {@link #markClosed} must do next. */
    public enum CloseResult {
        /** This call started the close: send the close frame. */
        SEND_CLOSE_FRAME,
        /** Someone else already started the close: nothing to do. */
        ALREADY_CLOSING,
        /** This call finished the connection: release its resources (exactly once). */
        RELEASE,
        /** The connection was already closed and released: nothing to do. */
        ALREADY_CLOSED
    }

    private static final AtomicLongFieldUpdater<ManagedConnection> MESSAGES_IN =
            AtomicLongFieldUpdater.newUpdater(ManagedConnection.class, "messagesIn");
    private static final AtomicLongFieldUpdater<ManagedConnection> MESSAGES_OUT =
            AtomicLongFieldUpdater.newUpdater(ManagedConnection.class, "messagesOut");
    private static final AtomicLongFieldUpdater<ManagedConnection> BYTES_IN =
            AtomicLongFieldUpdater.newUpdater(ManagedConnection.class, "bytesIn");
    private static final AtomicLongFieldUpdater<ManagedConnection> BYTES_OUT =
            AtomicLongFieldUpdater.newUpdater(ManagedConnection.class, "bytesOut");

    private static final AtomicReferenceFieldUpdater<ManagedConnection, ConnectionState> STATE =
            AtomicReferenceFieldUpdater.newUpdater(ManagedConnection.class, ConnectionState.class, "state");
    private static final AtomicReferenceFieldUpdater<ManagedConnection, String[]> SUBSCRIPTIONS =
            AtomicReferenceFieldUpdater.newUpdater(ManagedConnection.class, String[].class, "subscriptions");
    private static final String[] NONE = new String[0];

    private final String id;
    private final Connection transport;
    private final HandshakeInfo handshake;
    /** The handshake's peer address, or the ticket's when the shell left it to the ticket. */
    private final String remoteAddress;
    private final long connectedAtMillis;
    private final long connectedAtNanos;

    /** Its deadlines on the hub's {@link Sweeper}. */
    private final ConnectionTimers timers;
    /** Its heartbeat, idle and time-sync figures. */
    private final HeartbeatState heartbeat;

    /** Only moves along {@link ConnectionState#canMoveTo}; CLOSED is final. Changed through {@link #STATE}. */
    private volatile ConnectionState state;
    /** The user this connection acts for; set once authentication succeeds, never changed after. */
    private volatile String userId;
    /** The channel patterns the token granted; null when the token had no {@code channels} claim. Set with userId. */
    private volatile List<String> grantedChannels;
    /** Monotonic time of the last frame of any kind from the peer (proof of life). */
    private volatile long lastSeenNanos;
    /** Wall-clock time of the last frame of any kind from the peer, for display. */
    private volatile long lastSeenMillis;
    /** The connection's one writer: every frame but pings and the close goes through it. */
    private final SendQueue outbox;
    /**
     * The channel patterns this connection holds, never changed in place: a change swaps in a new
     * array ({@link #SUBSCRIPTIONS}). A connection holds a few, so this costs a few bytes where a
     * concurrent set would cost two hundred. Only {@link Channels} changes it, and empties it on release.
     */
    private volatile String[] subscriptions = NONE;
    /** The channels this connection may use; set by authentication before OPEN, ALL without a claim. */
    private volatile ChannelAccess channelAccess = ChannelAccess.ALL;
    /** The connection slots it holds; set once by the {@link Gatekeeper} when it claims the ticket. */
    private volatile Reservation slots;
    /**
     * The current token's {@code exp} in epoch milliseconds, 0 when no expiry is known; set by
     * authentication and replaced by each accepted refresh. Written under this object's monitor
     * (taken by {@link TokenLifetime} only), together with {@link #refreshNoticeSent}.
     */
    private volatile long tokenExpiresAtMillis;
    /** Whether the {@code refresh} notice for the current token has been sent (or skipped): at most one per token. */
    private volatile boolean refreshNoticeSent;
    /** Set by the first {@link #beginClose} and never changed after; null while live. */
    private volatile Disconnect closeCause;

    /** Counters only ever grow. */
    private volatile long messagesIn;
    private volatile long messagesOut;
    private volatile long bytesIn;
    private volatile long bytesOut;

    ManagedConnection(String id, Connection transport, HandshakeInfo handshake, String remoteAddress, Clock clock) {
        this.id = Objects.requireNonNull(id, "id");
        this.transport = Objects.requireNonNull(transport, "transport");
        this.handshake = Objects.requireNonNull(handshake, "handshake");
        this.remoteAddress = Objects.requireNonNull(remoteAddress, "remoteAddress");
        this.connectedAtMillis = clock.epochMillis();
        this.connectedAtNanos = clock.nanoTime();
        this.lastSeenNanos = connectedAtNanos;
        this.lastSeenMillis = connectedAtMillis;
        this.userId = handshake.userId();
        this.state = ConnectionState.HANDSHAKING;
        this.timers = new ConnectionTimers(this);
        this.heartbeat = new HeartbeatState(connectedAtNanos);
        this.outbox = new SendQueue(transport);
    }

    public String id() {
        return id;
    }

    public Connection transport() {
        return transport;
    }

    public String remoteAddress() {
        return remoteAddress;
    }

    public String userAgent() {
        return handshake.userAgent();
    }

    public HeartbeatMode heartbeatMode() {
        return handshake.heartbeatMode();
    }

    /** The authenticated user, or {@code null} before authentication. */
    public String userId() {
        return userId;
    }

    void authenticatedAs(String user) {
        this.userId = Objects.requireNonNull(user, "user");
    }

    Reservation slots() {
        return slots;
    }

    void holdSlots(Reservation reservation) {
        this.slots = reservation;
    }

    ConnectionTimers timers() {
        return timers;
    }

    /** Heartbeat figures: round trip, missed pongs, clock offset. */
    public HeartbeatState heartbeat() {
        return heartbeat;
    }

    /** The bounded send queue; {@link Delivery} is its only producer. */
    public SendQueue outbox() {
        return outbox;
    }

    /** The channel patterns this connection is subscribed to, in no particular order. */
    public List<String> subscriptions() {
        return List.of(subscriptions);
    }

    boolean isSubscribed(String pattern) {
        return Arrays.asList(subscriptions).contains(pattern);
    }

    int subscriptionCount() {
        return subscriptions.length;
    }

    /** @return whether the pattern was added (false when already held) */
    boolean addSubscription(String pattern) {
        while (true) {
            String[] held = subscriptions;
            if (Arrays.asList(held).contains(pattern)) {
                return false;
            }
            String[] next = Arrays.copyOf(held, held.length + 1);
            next[held.length] = pattern;
            if (SUBSCRIPTIONS.compareAndSet(this, held, next)) {
                return true;
            }
        }
    }

    /** @return whether the pattern was held and is now removed */
    boolean removeSubscription(String pattern) {
        while (true) {
            String[] held = subscriptions;
            int at = Arrays.asList(held).indexOf(pattern);
            if (at < 0) {
                return false;
            }
            String[] next = NONE;
            if (held.length > 1) {
                next = new String[held.length - 1];
                System.arraycopy(held, 0, next, 0, at);
                System.arraycopy(held, at + 1, next, at, held.length - at - 1);
            }
            if (SUBSCRIPTIONS.compareAndSet(this, held, next)) {
                return true;
            }
        }
    }

    public ChannelAccess channelAccess() {
        return channelAccess;
    }

    /**
     * Limits the channels this connection may subscribe and publish to, from the token's
     * {@code channels} claim. Authentication calls it before the connection becomes OPEN; without a
     * call every channel is allowed.
     */
    public void restrictChannels(ChannelAccess access) {
        this.channelAccess = Objects.requireNonNull(access, "access");
    }

    /** Authentication succeeded: the user, its channel claim and its token's expiry, before the connection is OPEN. */
    void authenticatedAs(Identity identity) {
        this.grantedChannels = identity.channels();
        this.tokenExpiresAtMillis = identity.expiresAt() == null ? 0 : identity.expiresAt().toEpochMilli();
        authenticatedAs(identity.userId());
    }

    /** An accepted refresh of the same user: the new token's channel claim and expiry (under this object's monitor). */
    void renewedToken(Identity identity, ChannelAccess access) {
        this.grantedChannels = identity.channels();
        this.channelAccess = access;
        this.tokenExpiresAtMillis = identity.expiresAt() == null ? 0 : identity.expiresAt().toEpochMilli();
        this.refreshNoticeSent = false;
    }

    /** The current token's {@code exp} in epoch milliseconds, or 0 when no expiry is known. */
    public long tokenExpiresAtMillis() {
        return tokenExpiresAtMillis;
    }

    boolean refreshNoticeSent() {
        return refreshNoticeSent;
    }

    void refreshNoticeSent(boolean sent) {
        this.refreshNoticeSent = sent;
    }

    /** The channel patterns the user's token allows, or {@code null} when it set no restriction. */
    public List<String> grantedChannels() {
        return grantedChannels;
    }

    public ConnectionState state() {
        return state;
    }

    public long connectedAtMillis() {
        return connectedAtMillis;
    }

    public long connectedAtNanos() {
        return connectedAtNanos;
    }

    public long lastSeenNanos() {
        return lastSeenNanos;
    }

    public long lastSeenMillis() {
        return lastSeenMillis;
    }

    /** Why this connection is closing, or {@code null} while it is live or when the peer closed first. */
    public Disconnect closeCause() {
        return closeCause;
    }

    public long messagesIn() {
        return messagesIn;
    }

    public long messagesOut() {
        return messagesOut;
    }

    public long bytesIn() {
        return bytesIn;
    }

    public long bytesOut() {
        return bytesOut;
    }

    /** Records a frame from the peer: any frame is proof of life. */
    void seen(Clock clock) {
        lastSeenNanos = clock.nanoTime();
        lastSeenMillis = clock.epochMillis();
    }

    void countIn(int bytes) {
        MESSAGES_IN.incrementAndGet(this);
        BYTES_IN.addAndGet(this, bytes);
    }

    void countOut(int bytes) {
        MESSAGES_OUT.incrementAndGet(this);
        BYTES_OUT.addAndGet(this, bytes);
    }

    /**
     * Moves from a live state to {@code next} (a live state too, such as OPEN or VIOLATION).
     *
     * @return the state left, or {@code null} when the move is not allowed from the current state
     */
    ConnectionState moveTo(ConnectionState next) {
        while (true) {
            ConnectionState current = state;
            if (!current.canMoveTo(next)) {
                return null;
            }
            if (STATE.compareAndSet(this, current, next)) {
                return current;
            }
        }
    }

    /** Starts closing for {@code cause}; only the first caller gets {@link CloseResult#SEND_CLOSE_FRAME}. */
    CloseResult beginClose(Disconnect cause) {
        while (true) {
            ConnectionState current = state;
            if (current == ConnectionState.CLOSED) {
                return CloseResult.ALREADY_CLOSED;
            }
            if (current == ConnectionState.CLOSING) {
                return CloseResult.ALREADY_CLOSING;
            }
            if (STATE.compareAndSet(this, current, ConnectionState.CLOSING)) {
                closeCause = cause;
                return CloseResult.SEND_CLOSE_FRAME;
            }
        }
    }

    /** Marks the connection closed; only the first caller gets {@link CloseResult#RELEASE}. */
    CloseResult markClosed() {
        ConnectionState previous = STATE.getAndSet(this, ConnectionState.CLOSED);
        return previous == ConnectionState.CLOSED ? CloseResult.ALREADY_CLOSED : CloseResult.RELEASE;
    }

    @Override
    public String toString() {
        return "ManagedConnection[" + id + ", " + state + "]";
    }
}
