package io.switchboard.core;

/**
 * Every change of a connection's state, counted and logged in one place: {@link Counters} counts
 * the state entered, the {@link LifecycleLog} writes the transition line.
 */
final class Transitions {

    private final Counters counters;
    private final LifecycleLog log;

    Transitions(Counters counters, LifecycleLog log) {
        this.counters = counters;
        this.log = log;
    }

    /** A new connection, in its first state. */
    void started(ManagedConnection c) {
        record(c, c.state());
    }

    /**
     * Moves {@code c} to a live state.
     *
     * @return false when the move is not allowed from where it is (it is closing, say)
     */
    boolean move(ManagedConnection c, ConnectionState next) {
        if (c.moveTo(next) == null) {
            return false;
        }
        record(c, next);
        return true;
    }

    /** Moves {@code c} to CLOSING for {@code why}; false when someone else already did, or it is closed. */
    boolean beginClose(ManagedConnection c, Disconnect why) {
        if (c.beginClose(why) != ManagedConnection.CloseResult.SEND_CLOSE_FRAME) {
            return false;
        }
        record(c, ConnectionState.CLOSING);
        counters.closing(why);
        return true;
    }

    /** Marks {@code c} CLOSED; true for exactly one caller, which must release it. */
    boolean closed(ManagedConnection c) {
        if (c.markClosed() != ManagedConnection.CloseResult.RELEASE) {
            return false;
        }
        counters.entered(ConnectionState.CLOSED);
        return true;
    }

    private void record(ManagedConnection c, ConnectionState state) {
        counters.entered(state);
        log.transition(c, state);
    }
}
