package io.switchboard.core;

import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Channel history in this node's memory: the store of a node that runs alone.
 *
 * <p>Bounds: at most {@code history.size} messages per channel, none older than {@code history.ttl},
 * and at most {@code history.max-bytes} of message data (UTF-8) on the node; each is enforced by
 * dropping the oldest messages first, and every drop is counted by its cause. A channel's log is
 * created by its first publish or read and forgotten once it has retained nothing for a ttl; a log
 * created again gets a new epoch, as does every log of a restarted node (the node epoch is random).
 *
 * <p>Locking: a channel's log lock is held across assigning an offset and delivering the message,
 * so every connection gets one channel's messages in offset order, and a {@link #read} never sees
 * a message whose delivery is still under way. The node lock guards the retained messages of all
 * channels (one oldest-first order for the byte budget and the ttl); it is taken inside a log lock,
 * never the other way round, and never while delivering.
 */
public final class MemoryHistory implements HistoryStore {

    /** One retained message, in its channel's log and in the node-wide order. */
    private static final class Item {
        final Log log;
        final long offset;
        final String data;
        final int bytes;
        final long atNanos;
        /** True once dropped from its log; it may still wait in {@link #order}. Guarded by the node lock. */
        boolean removed;

        Item(Log log, long offset, String data, int bytes, long atNanos) {
            this.log = log;
            this.offset = offset;
            this.data = data;
            this.bytes = bytes;
            this.atNanos = atNanos;
        }
    }

    /** One channel's history. Its monitor orders publish-and-deliver against reads. */
    private static final class Log {
        final String channel;
        final String epoch;
        /** The last offset given; never decreases. Guarded by the node lock. */
        long lastOffset;
        /** Retained messages, oldest first, offsets consecutive. Guarded by the node lock. */
        final ArrayDeque<Item> items = new ArrayDeque<>();
        /** When it was last published to or read. Guarded by the node lock. */
        long touchedNanos;
        /** True once forgotten; a caller holding it looks the channel up again. Guarded by the node lock. */
        boolean dropped;

        Log(String channel, String epoch, long now) {
            this.channel = channel;
            this.epoch = epoch;
            this.touchedNanos = now;
        }
    }

    private final int size;
    private final long ttlNanos;
    private final long maxBytes;
    private final Clock clock;
    private final Sink sink;
    private final String nodeEpoch;
    private final AtomicLong generation = new AtomicLong();
    private final ConcurrentHashMap<String, Log> logs = new ConcurrentHashMap<>();

    private final Object lock = new Object();
    /** Every item not yet popped, oldest first: the live ones and some removed ones. Guarded by lock. */
    private final ArrayDeque<Item> order = new ArrayDeque<>();
    /** Removed items still in {@link #order}. Guarded by lock. */
    private long dead;
    /** Live items and their bytes. Guarded by lock. */
    private long messages;
    private long bytes;
    /** Drops by cause. Guarded by lock. */
    private long evictedBySize;
    private long evictedByTtl;
    private long evictedByBytes;

    /**
     * @param nodeEpoch the prefix of every epoch this store gives; {@link #newNodeEpoch()} in production
     * @param sink      this node's fan-out, called with a channel's log lock held
     */
    public MemoryHistory(Settings.History limits, Clock clock, String nodeEpoch, Sink sink) {
        if (!limits.enabled()) {
            throw new IllegalArgumentException("history is off (switchboard.history.size = 0)");
        }
        this.size = limits.size();
        this.ttlNanos = limits.ttl().toNanos();
        this.maxBytes = limits.maxBytes();
        this.clock = Objects.requireNonNull(clock, "clock");
        this.nodeEpoch = Objects.requireNonNull(nodeEpoch, "nodeEpoch");
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    /** A random prefix, so that a restarted node's epochs differ from the last run's. */
    public static String newNodeEpoch() {
        return Long.toString(new SecureRandom().nextLong() >>> 16, 36);
    }

    @Override
    public CompletionStage<Published> publish(String channel, String data) {
        int dataBytes = Utf8.length(data);
        while (true) {
            long now = clock.nanoTime();
            Log log = logs.computeIfAbsent(channel, c -> newLog(c, now));
            synchronized (log) {
                long offset;
                synchronized (lock) {
                    if (log.dropped) {
                        continue;
                    }
                    offset = ++log.lastOffset;
                    log.touchedNanos = now;
                    Item item = new Item(log, offset, data, dataBytes, now);
                    log.items.addLast(item);
                    order.addLast(item);
                    messages++;
                    bytes += dataBytes;
                    if (log.items.size() > size) {
                        remove(log.items.peekFirst());
                        evictedBySize++;
                    }
                    expireLocked(now);
                    while (bytes > maxBytes) {
                        remove(oldestLive());
                        evictedByBytes++;
                    }
                    compact();
                }
                int recipients = sink.deliver(channel, log.epoch, new Entry(offset, data));
                return CompletableFuture.completedFuture(new Published(new Position(offset, log.epoch), recipients));
            }
        }
    }

    @Override
    public CompletionStage<Page> read(String channel, long after, int limit) {
        while (true) {
            long now = clock.nanoTime();
            Log log = logs.computeIfAbsent(channel, c -> newLog(c, now));
            synchronized (log) {
                synchronized (lock) {
                    if (log.dropped) {
                        continue;
                    }
                    expireLocked(now);
                    log.touchedNanos = now;
                    List<Entry> page = page(log, after, limit);
                    long oldest = log.items.isEmpty() ? 0 : log.items.peekFirst().offset;
                    return CompletableFuture.completedFuture(new Page(new Position(log.lastOffset, log.epoch), oldest, page));
                }
            }
        }
    }

    /** Under lock: at most {@code limit} items after {@code after}, oldest first, walking no further than needed. */
    private static List<Entry> page(Log log, long after, int limit) {
        List<Entry> out = new ArrayList<>();
        long newer = log.lastOffset - after;
        if (newer <= 0 || limit <= 0 || log.items.isEmpty()) {
            return out;
        }
        if (newer <= limit) {
            for (Iterator<Item> it = log.items.descendingIterator(); it.hasNext(); ) {
                Item item = it.next();
                if (item.offset <= after) {
                    break;
                }
                out.add(new Entry(item.offset, item.data));
            }
            Collections.reverse(out);
            return out;
        }
        for (Item item : log.items) {
            if (item.offset > after) {
                out.add(new Entry(item.offset, item.data));
                if (out.size() == limit) {
                    break;
                }
            }
        }
        return out;
    }

    @Override
    public void expire() {
        long now = clock.nanoTime();
        synchronized (lock) {
            expireLocked(now);
            compact();
        }
        for (Log log : logs.values()) {
            synchronized (log) {
                synchronized (lock) {
                    if (!log.dropped && log.items.isEmpty() && now - log.touchedNanos - ttlNanos > 0) {
                        log.dropped = true;
                        logs.remove(log.channel, log);
                    }
                }
            }
        }
    }

    @Override
    public Stats stats() {
        synchronized (lock) {
            return new Stats(logs.size(), messages, bytes, evictedBySize, evictedByTtl, evictedByBytes);
        }
    }

    private Log newLog(String channel, long now) {
        return new Log(channel, nodeEpoch + "-" + Long.toString(generation.incrementAndGet(), 36), now);
    }

    /** Under lock: drops every message older than the ttl (the oldest come first in {@link #order}). */
    private void expireLocked(long now) {
        Item head;
        while ((head = oldestLive()) != null && now - head.atNanos - ttlNanos > 0) {
            remove(head);
            evictedByTtl++;
        }
    }

    /** Under lock: the oldest live item, popping removed ones on the way; null when none. */
    private Item oldestLive() {
        Item head;
        while ((head = order.peekFirst()) != null && head.removed) {
            order.pollFirst();
            dead--;
        }
        return head;
    }

    /** Under lock: drops {@code item}, the oldest of its log. */
    private void remove(Item item) {
        Item first = item.log.items.pollFirst();
        assert first == item : "history items leave their log oldest first";
        item.removed = true;
        dead++;
        messages--;
        bytes -= item.bytes;
    }

    /** Under lock: keeps removed items from outnumbering live ones in {@link #order}, amortised O(1). */
    private void compact() {
        if (dead > 1024 && dead > messages) {
            order.removeIf(i -> i.removed);
            dead = 0;
        }
    }
}
