package io.switchboard.core;

/**
 * The pending deadlines of one connection, one per {@link Deadline} kind, and its single node on
 * the {@link Sweeper}'s wheel, armed at the earliest of them. Every field is guarded by the
 * sweeper's lock.
 */
final class ConnectionTimers extends TimerWheel.Node {

    final ManagedConnection connection;
    /** {@code at[k]} is the deadline of kind k, meaningful only while bit k of {@link #pending} is set. */
    final long[] at = new long[Deadline.ALL.length];
    /** Bit k set while a deadline of kind k is pending. */
    int pending;
    /** The deadline the wheel node is armed for; meaningful only while linked. */
    long armedFor;
    /** Set once the connection is released: nothing may be armed again. */
    boolean released;

    ConnectionTimers(ManagedConnection connection) {
        this.connection = connection;
    }

    /** The earliest pending deadline; only call with {@code pending != 0}. */
    long earliest() {
        long min = 0;
        boolean first = true;
        for (Deadline d : Deadline.ALL) {
            if ((pending & d.bit()) != 0 && (first || at[d.ordinal()] - min < 0)) {
                min = at[d.ordinal()];
                first = false;
            }
        }
        return min;
    }
}
