package io.switchboard.core;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * The connection slots one handshake holds: one of the global limit, one of its IP's and, once the
 * user is known, one of its user's. Made by {@link ConnectionLimits}; released exactly once, by
 * {@link #release()}, whoever calls it first (the close of the connection, or the expiry of a
 * handshake that never became a connection).
 */
public final class Reservation {

    private static final AtomicIntegerFieldUpdater<Reservation> RELEASED =
            AtomicIntegerFieldUpdater.newUpdater(Reservation.class, "released");

    private final ConnectionLimits limits;
    private final String ip;
    /** This reservation's id in the cluster-wide limits; null on a node alone. */
    private final String slot;
    /** The user whose slot this holds; null until known, then set once. */
    private volatile String userId;
    /** The connection these slots became; null until the upgrade completes, then set once. */
    private volatile ManagedConnection connection;
    /** Set once when a newer connection of the same user took this one's user slot (close-oldest). */
    private volatile boolean replaced;
    /** Flips from 0 to 1 once, on the first release (a field updater: one object less per connection). */
    private volatile int released;

    Reservation(ConnectionLimits limits, String ip) {
        this(limits, ip, null);
    }

    Reservation(ConnectionLimits limits, String ip, String slot) {
        this.limits = limits;
        this.ip = ip;
        this.slot = slot;
    }

    String slot() {
        return slot;
    }

    public String ip() {
        return ip;
    }

    public String userId() {
        return userId;
    }

    void userId(String user) {
        this.userId = user;
    }

    ManagedConnection connection() {
        return connection;
    }

    void connection(ManagedConnection c) {
        this.connection = c;
    }

    boolean isReplaced() {
        return replaced;
    }

    void markReplaced() {
        this.replaced = true;
    }

    public boolean isReleased() {
        return released != 0;
    }

    /** Gives every slot back; only the first call does anything. */
    public void release() {
        if (RELEASED.compareAndSet(this, 0, 1)) {
            limits.giveBack(this);
        }
    }
}
