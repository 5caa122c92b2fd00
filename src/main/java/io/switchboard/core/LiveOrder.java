package io.switchboard.core;

import java.util.HashMap;
import java.util.Map;

/**
 * Where each channel's live messages stand on this node when history is shared by a cluster
 * (protocol.md, history in a cluster): every numbered message that comes back from the shared store
 * is checked against the last offset and epoch this node delivered for that channel, and the result
 * says what the caller must do with it.
 *
 * <ul>
 *   <li>{@link Step#DELIVER}: the next offset, or the first message seen for the channel;</li>
 *   <li>{@link Step#DUPLICATE}: at or below what was delivered (the same message through a second
 *       topic, or one already recovered): dropped;</li>
 *   <li>{@link Step#GAP}: offsets between {@link Result#after()} and this one never arrived: the caller
 *       recovers them from the store, or tells the channel's subscribers to resync;</li>
 *   <li>{@link Step#NEW_EPOCH}: the channel's history was lost (Redis flushed, restarted or expired):
 *       nothing can be recovered, the subscribers must resync.</li>
 * </ul>
 * In every case but a duplicate the channel's position moves to the message's. A channel is forgotten
 * when this node has no subscriber of it left, so a later subscriber never sees an old gap.
 *
 * <p>Thread-safe; in practice called by the cluster's one receiving thread.
 */
final class LiveOrder {

    enum Step { DELIVER, DUPLICATE, GAP, NEW_EPOCH }

    /** What to do with one message; {@code after} is the last offset delivered before it (for a gap). */
    record Result(Step step, long after) { }

    record Position(String epoch, long offset) { }

    /** The last delivered position of each channel with subscribers here. Guarded by this. */
    private final Map<String, Position> channels = new HashMap<>();

    synchronized Result arrived(String channel, String epoch, long offset) {
        Position last = channels.get(channel);
        if (last == null) {
            channels.put(channel, new Position(epoch, offset));
            return new Result(Step.DELIVER, offset - 1);
        }
        if (!last.epoch().equals(epoch)) {
            channels.put(channel, new Position(epoch, offset));
            return new Result(Step.NEW_EPOCH, 0);
        }
        if (offset <= last.offset()) {
            return new Result(Step.DUPLICATE, last.offset());
        }
        channels.put(channel, new Position(epoch, offset));
        return new Result(offset == last.offset() + 1 ? Step.DELIVER : Step.GAP, last.offset());
    }

    /** The channels with a position, and their positions, as they are now. */
    synchronized Map<String, Position> snapshot() {
        return Map.copyOf(channels);
    }

    synchronized void forget(String channel) {
        channels.remove(channel);
    }

    synchronized int size() {
        return channels.size();
    }
}
