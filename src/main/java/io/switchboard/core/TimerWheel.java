package io.switchboard.core;

import java.util.List;

/**
 * A single-level hashed timer wheel over monotonic nanoseconds: O(1) to arm, re-arm and cancel,
 * and each {@link #expire} visits only the buckets of the ticks that have fully elapsed.
 *
 * <p>Design after Varghese and Lauck's hashed wheel and Caffeine's {@code TimerWheel.advance(…,
 * currentTimeNanos)}: time is passed in, a node's tick is {@code (deadline - origin) / tickNanos}
 * (a difference, so {@code System.nanoTime()} wrapping around is harmless), and the node lives in
 * bucket {@code tick & mask} of a doubly linked list. A node whose tick is a whole revolution or
 * more ahead stays in its bucket until its own tick comes round. Nodes fire at most one tick late,
 * never early.
 *
 * <p>Not thread-safe: the owner ({@link Sweeper}) guards every call with one lock.
 */
final class TimerWheel {

    /** Something that can be armed on the wheel; the linkage fields belong to the wheel. */
    abstract static class Node {
        /** The tick the node fires in; meaningful only while {@link #linked}. */
        long tick;
        /** Neighbours in the bucket's list; null at the ends and while unlinked. */
        Node prev;
        Node next;
        /** True while the node sits in a bucket. */
        boolean linked;
    }

    private final Node[] buckets;
    private final int mask;
    private final long tickNanos;
    private final long origin;
    /** Every tick up to and including this one has been expired; only grows. */
    private long expiredThrough;
    /** Nodes currently linked. */
    private int size;

    TimerWheel(int bucketCount, long tickNanos, long nowNanos) {
        if (Integer.bitCount(bucketCount) != 1) {
            throw new IllegalArgumentException("bucket count must be a power of two: " + bucketCount);
        }
        if (tickNanos <= 0) {
            throw new IllegalArgumentException("tick must be positive");
        }
        this.buckets = new Node[bucketCount];
        this.mask = bucketCount - 1;
        this.tickNanos = tickNanos;
        this.origin = nowNanos;
        this.expiredThrough = -1;
    }

    long tickNanos() {
        return tickNanos;
    }

    int size() {
        return size;
    }

    private long tickOf(long nanos) {
        return Math.floorDiv(nanos - origin, tickNanos);
    }

    /** Arms {@code node} for {@code deadlineNanos}, moving it if it was armed already. */
    void schedule(Node node, long deadlineNanos) {
        if (node.linked) {
            unlink(node);
        }
        long tick = Math.max(tickOf(deadlineNanos), expiredThrough + 1);
        node.tick = tick;
        int b = (int) (tick & mask);
        Node head = buckets[b];
        node.prev = null;
        node.next = head;
        if (head != null) {
            head.prev = node;
        }
        buckets[b] = node;
        node.linked = true;
        size++;
    }

    /** Disarms {@code node}; a no-op when it is not armed. */
    void cancel(Node node) {
        if (node.linked) {
            unlink(node);
        }
    }

    private void unlink(Node node) {
        int b = (int) (node.tick & mask);
        if (node.prev == null) {
            buckets[b] = node.next;
        } else {
            node.prev.next = node.next;
        }
        if (node.next != null) {
            node.next.prev = node.prev;
        }
        node.prev = null;
        node.next = null;
        node.linked = false;
        size--;
    }

    /**
     * Unlinks every node whose tick has fully elapsed at {@code nowNanos} and adds it to {@code out}.
     * After a stall of a revolution or more every bucket is visited once.
     */
    void expire(long nowNanos, List<Node> out) {
        long last = tickOf(nowNanos) - 1;
        if (last <= expiredThrough) {
            return;
        }
        long from = expiredThrough + 1;
        long count = Math.min(last - expiredThrough, buckets.length);
        for (long t = from; t < from + count; t++) {
            Node n = buckets[(int) (t & mask)];
            while (n != null) {
                Node next = n.next;
                if (n.tick <= last) {
                    unlink(n);
                    out.add(n);
                }
                n = next;
            }
        }
        expiredThrough = last;
    }
}
