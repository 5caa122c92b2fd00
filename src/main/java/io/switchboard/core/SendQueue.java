package io.switchboard.core;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * A connection's one writer: a bounded queue of text frames handed to the transport one at a time,
 * in the order they were offered (the design of OkHttp's {@code RealWebSocket.send} and Spring's
 * {@code ConcurrentWebSocketSessionDecorator}).
 *
 * <p>At most one frame is with the transport at any time; the rest wait here. An offer that would
 * take the waiting frames past {@code maxMessages} or {@code maxBytes} is refused with
 * {@link OfferResult#OVERFLOW}, the queue is emptied and stays shut: the caller closes the connection
 * as a slow consumer. So a peer that stops reading holds at most the bounds plus one frame, and
 * an offer never waits for the peer.
 *
 * <p>Channel messages get their {@code seq} here, under the same lock that orders the queue, so
 * that seq order and delivery order are the same on each connection-channel.
 *
 * <p>Thread-safe; the transport and callbacks are always called without the lock held. The lock
 * is the queue itself, and the waiting frames and seqs exist only once needed: a node holds one
 * queue per connection, nearly all of them idle and empty.
 */
public final class SendQueue {

    /** What became of an offer. */
    public enum OfferResult {
        /** Queued or handed to the transport. */
        ACCEPTED,
        /** Over the bounds: nothing was queued, the queue is now shut, close the connection. */
        OVERFLOW,
        /** The queue was already shut (overflowed, failed or released): dropped. */
        SHUT
    }

    /** Told once per accepted frame whether the transport wrote it. */
    @FunctionalInterface
    public interface Written {
        /** @param failure {@code null} when written, otherwise why not */
        void completed(int bytes, Throwable failure);
    }

    private record Frame(String text, int bytes, Written done) { }

    private final Connection transport;

    /** Frames not yet handed to the transport, oldest first; null until a frame has had to wait. Guarded by this. */
    private ArrayDeque<Frame> waiting;
    /** UTF-8 bytes of the frames in {@link #waiting}. Guarded by this. */
    private long waitingBytes;
    /** True while a frame is with the transport and its callback has not run. Guarded by this. */
    private boolean inFlight;
    /** True while some thread is inside {@link #write}; only that thread hands frames over. Guarded by this. */
    private boolean writing;
    /** True once nothing more will be sent; never reset. Guarded by this. */
    private boolean shut;
    /** Runs once no frame is in flight (set by {@link #whenIdle}); null when none waits. Guarded by this. */
    private Runnable onIdle;
    /** The last seq given per channel; null until the first channel message, then lives as long as the connection. Guarded by this. */
    private Map<String, long[]> seqs;

    public SendQueue(Connection transport) {
        this.transport = transport;
    }

    /** Offers one frame; {@code done} runs once the transport has written it or failed. */
    public OfferResult offer(String text, int bytes, int maxMessages, long maxBytes, Written done) {
        Frame first;
        synchronized (this) {
            OfferResult refused = admit(bytes, maxMessages, maxBytes);
            if (refused != null) {
                return refused;
            }
            first = enqueue(new Frame(text, bytes, done));
        }
        write(first);
        return OfferResult.ACCEPTED;
    }

    /** Offers a channel message, giving it the next seq of {@code channel} on this connection. */
    public OfferResult offer(String channel, PreparedMessage message, int maxMessages, long maxBytes,
                             Written done) {
        Frame first;
        synchronized (this) {
            long[] last = seqs == null ? null : seqs.get(channel);
            long seq = last == null ? 1 : last[0] + 1;
            int bytes = message.bytes(seq);
            OfferResult refused = admit(bytes, maxMessages, maxBytes);
            if (refused != null) {
                return refused;
            }
            if (last == null) {
                if (seqs == null) {
                    seqs = new HashMap<>(4);
                }
                seqs.put(channel, new long[] {seq});
            } else {
                last[0] = seq;
            }
            first = enqueue(new Frame(message.text(seq), bytes, done));
        }
        write(first);
        return OfferResult.ACCEPTED;
    }

    /** Under lock: null when the frame may be queued, otherwise why not (shutting the queue on overflow). */
    private OfferResult admit(int bytes, int maxMessages, long maxBytes) {
        if (shut) {
            return OfferResult.SHUT;
        }
        if (waitingCount() + 1 > maxMessages || waitingBytes + bytes > maxBytes) {
            shutLocked();
            return OfferResult.OVERFLOW;
        }
        return null;
    }

    /** Under lock: queues the frame; returns the frame to write now if this caller must start the writer. */
    private Frame enqueue(Frame frame) {
        if (!inFlight && !writing && waitingCount() == 0) {
            inFlight = true;
            writing = true;
            return frame;
        }
        if (waiting == null) {
            waiting = new ArrayDeque<>(4);
        }
        waiting.addLast(frame);
        waitingBytes += frame.bytes();
        if (inFlight || writing) {
            return null;
        }
        return takeLocked();
    }

    /** Under lock. */
    private int waitingCount() {
        return waiting == null ? 0 : waiting.size();
    }

    /** Under lock: the next frame, now in flight with this thread as the writer; null when none. */
    private Frame takeLocked() {
        Frame next = waiting == null ? null : waiting.pollFirst();
        if (next == null) {
            return null;
        }
        if (waiting.isEmpty()) {
            waiting = null; // a burst's grown array does not outlive the burst
        }
        waitingBytes -= next.bytes();
        inFlight = true;
        writing = true;
        return next;
    }

    /**
     * Hands frames to the transport until one is still in flight when the call returns (its callback
     * continues) or none is left. A loop rather than recursion, so a transport that completes on the
     * calling thread cannot grow the stack.
     */
    private void write(Frame frame) {
        while (frame != null) {
            Frame sent = frame;
            transport.sendText(sent.text(), failure -> completed(sent, failure));
            synchronized (this) {
                if (inFlight) {
                    writing = false;
                    return;
                }
                frame = shut ? null : takeLocked();
                if (frame == null) {
                    writing = false;
                }
            }
        }
    }

    private void completed(Frame frame, Throwable failure) {
        Frame next = null;
        Runnable idle = null;
        synchronized (this) {
            inFlight = false;
            if (failure != null) {
                shutLocked();
            } else if (!writing && !shut) {
                next = takeLocked();
            }
            if (next == null && onIdle != null) {
                idle = onIdle;
                onIdle = null;
            }
        }
        try {
            frame.done().completed(frame.bytes(), failure);
        } finally {
            write(next);
            if (idle != null) {
                idle.run();
            }
        }
    }

    /**
     * Runs {@code action} once the frame now with the transport has been written or has failed, or at
     * once (on the calling thread) when none is. Meant for a shut queue, whose frame in flight is its
     * last: the close frame then follows that frame instead of cutting it off. A later call replaces
     * an action that has not run yet.
     */
    public void whenIdle(Runnable action) {
        synchronized (this) {
            if (inFlight) {
                onIdle = action;
                return;
            }
        }
        action.run();
    }

    /**
     * Takes back the action {@link #whenIdle} left waiting for the frame in flight, so that the caller can
     * run it now; null when none waits (it ran, or none was set).
     */
    public Runnable takeIdleAction() {
        synchronized (this) {
            Runnable action = onIdle;
            onIdle = null;
            return action;
        }
    }

    /** Drops whatever waits and refuses every later offer; the frame in flight, if any, still completes. */
    public void shut() {
        synchronized (this) {
            shutLocked();
        }
    }

    private void shutLocked() {
        shut = true;
        waiting = null;
        waitingBytes = 0;
    }

    /** Frames waiting, not counting the one in flight. */
    public int queuedMessages() {
        synchronized (this) {
            return waitingCount();
        }
    }

    public long queuedBytes() {
        synchronized (this) {
            return waitingBytes;
        }
    }
}
