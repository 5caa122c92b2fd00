package io.switchboard.core;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Where channel history lives (protocol.md, history): every publish to a channel goes through
 * {@link #publish}, which gives the message the channel's next offset, retains it, and hands it to
 * the node's {@link Sink} — the local fan-out — in offset order per channel. Reading
 * ({@link #read}) answers both a client's recovery and the admin API.
 *
 * <p>{@link MemoryHistory} keeps it in this node's memory, delivering synchronously inside
 * {@code publish}. A store shared by a cluster implements the same calls: one atomic step per publish
 * assigns the offset, appends to a capped log, refreshes its expiry and publishes to every node,
 * whose receiver then calls its {@link Sink} in offset order; {@code read} completes when the log has
 * answered. Callers never assume a stage is already complete.
 *
 * <p>Offsets start at 1 per channel and are never reused within one epoch; an epoch names one
 * incarnation of a channel's history and changes whenever that history was lost.
 */
public interface HistoryStore {

    /** A channel's position: the offset of its last message (0 before the first) in its epoch. */
    record Position(long offset, String epoch) { }

    /** One retained message: its offset and its data as JSON text. */
    record Entry(long offset, String data) { }

    /**
     * What {@link #read} found: the channel's current {@code top}, the offset of its oldest retained
     * message ({@code 0} when none is retained), and the retained messages after the requested
     * offset, oldest first.
     */
    record Page(Position top, long oldest, List<Entry> entries) {
        public Page {
            entries = List.copyOf(entries);
        }
    }

    /** A publish as stored: its position and, when it was delivered within the call, to how many connections. */
    record Published(Position position, int recipients) { }

    /** The node's local fan-out of a channel message that has its offset. */
    @FunctionalInterface
    interface Sink {
        /** @return how many connections of this node it was queued to */
        int deliver(String channel, String epoch, Entry entry);

        /**
         * The cluster topics a message of {@code channel} must be published to so that every node with
         * a subscriber of it, this one included, receives it: its exact topic and one per wildcard
         * pattern that matches it. Empty for a node alone.
         */
        default java.util.List<String> topics(String channel) {
            return java.util.List.of();
        }
    }

    /** The figures of {@code /api/stats} and the metrics. */
    record Stats(long channels, long messages, long bytes, long evictedBySize, long evictedByTtl,
                 long evictedByBytes) { }

    /**
     * Appends {@code data} to {@code channel}'s history and delivers it through the sink.
     *
     * @param data JSON text, already validated
     */
    CompletionStage<Published> publish(String channel, String data);

    /**
     * The channel's position and at most {@code limit} retained messages with an offset above
     * {@code after}, oldest first, read at one instant (no message is both after the page and in it).
     */
    CompletionStage<Page> read(String channel, long after, int limit);

    /**
     * Whether the store is shared by the nodes of a cluster: then {@link #publish} does not call the
     * sink; every node, the publishing one included, delivers the message when it comes back from the
     * store through the cluster link, and {@code publish} completes once the message has its offset.
     */
    default boolean shared() {
        return false;
    }

    /** Drops what has outlived the ttl; called periodically. Never throws. */
    void expire();

    Stats stats();
}
