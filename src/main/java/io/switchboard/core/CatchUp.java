package io.switchboard.core;

import java.util.ArrayList;
import java.util.List;

/**
 * One connection's subscription to one channel while its history is being read: live messages of
 * the channel wait here instead of going out, so that the replay can go first and the two can be
 * merged by offset (no gap, no duplicate). Once the replay is out, the subscriber takes what waits
 * until nothing does and the subscription goes live; from then on it holds nothing.
 *
 * <p>Thread-safe: publishers call {@link #hold}, the subscribing thread {@link #takeOrGoLive}.
 * Nothing is sent under its lock.
 */
final class CatchUp {

    /** Identifies a catch-up: one per connection and exact channel. */
    record Key(ManagedConnection connection, String channel) { }

    /** A live message held back. */
    record Held(long offset, String epoch, PreparedMessage message) { }

    enum HoldResult { HELD, LIVE, OVERFLOW }

    private final int maxHeld;
    /** Messages held back, in offset order; null once live. Guarded by this. */
    private List<Held> held = new ArrayList<>();
    /** The offset of the first message ever held, 0 when none. Guarded by this. */
    private long firstOffset;
    /**
     * Once live: the last offset sent by the catch-up and its epoch. A live message at or below it is a
     * copy of one the client already got (with a shared history, a message can still be on its way
     * from the store after the replay that contained it). Guarded by this.
     */
    private long floor;
    private String floorEpoch;

    CatchUp(int maxHeld) {
        this.maxHeld = maxHeld;
    }

    synchronized HoldResult hold(Held message) {
        if (held == null) {
            return HoldResult.LIVE;
        }
        if (held.size() >= maxHeld) {
            return HoldResult.OVERFLOW;
        }
        if (firstOffset == 0) {
            firstOffset = message.offset();
        }
        held.add(message);
        return HoldResult.HELD;
    }

    /** Whether a live message was already sent by the catch-up (see {@link #floor}). */
    synchronized boolean alreadySent(long offset, String epoch) {
        return held == null && offset <= floor && epoch != null && epoch.equals(floorEpoch);
    }

    /** The offset of the first live message that was held back, 0 when none was. */
    synchronized long firstOffset() {
        return firstOffset;
    }

    /**
     * What waits, oldest first; when nothing does, the catch-up is over, everything up to
     * {@code sent} in {@code epoch} counts as sent, and this returns null.
     */
    synchronized List<Held> takeOrGoLive(long sent, String epoch) {
        if (held == null || held.isEmpty()) {
            held = null;
            floor = sent;
            floorEpoch = epoch;
            return null;
        }
        List<Held> out = held;
        held = new ArrayList<>();
        return out;
    }
}
