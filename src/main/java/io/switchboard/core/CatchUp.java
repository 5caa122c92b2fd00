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

    /** The offset of the first live message that was held back, 0 when none was. */
    synchronized long firstOffset() {
        return firstOffset;
    }

    /** What waits, oldest first; when nothing does, the catch-up is over and this returns null. */
    synchronized List<Held> takeOrGoLive() {
        if (held == null || held.isEmpty()) {
            held = null;
            return null;
        }
        List<Held> out = held;
        held = new ArrayList<>();
        return out;
    }
}
