package io.switchboard.core;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Puts frames on connections' send queues within {@code switchboard.send.*}, counts what was
 * written, and closes a connection whose queue overflows with 1008 {@code slow consumer} once the
 * frame it is writing is done (aborting it if that takes longer than {@code close.timeout}). Never
 * waits for a peer, so one slow connection cannot slow delivery to the others. The first failed write
 * releases the connection ({@link Closer#transportFailed}).
 */
final class Delivery implements Sender {

    private static final Logger LOG = Logger.getLogger(Delivery.class.getName());

    private final MessageCodec codec;
    private final int maxMessages;
    private final long maxBytes;
    private final Counters counters;
    private final Closer closer;

    Delivery(MessageCodec codec, Settings.Send limits, Counters counters, Closer closer) {
        this.codec = codec;
        this.maxMessages = limits.maxQueuedMessages();
        this.maxBytes = limits.maxQueuedBytes();
        this.counters = counters;
        this.closer = closer;
    }

    /** Encodes one protocol message and queues it. */
    @Override
    public void send(ManagedConnection c, Outbound message) {
        String text = codec.encode(message);
        outcome(c, c.outbox().offer(text, Utf8.length(text), maxMessages, maxBytes, written(c)));
    }

    /** Queues a prepared message, with the connection's next seq for {@code channel} when it has one. */
    boolean send(ManagedConnection c, String channel, PreparedMessage message) {
        if (!message.isSequenced()) {
            // the size was counted once for every recipient: a broadcast to N does not count it N times
            return outcome(c, c.outbox().offer(message.text(0), message.bytes(0), maxMessages, maxBytes, written(c)));
        }
        return outcome(c, c.outbox().offer(channel, message, maxMessages, maxBytes, written(c)));
    }

    private SendQueue.Written written(ManagedConnection c) {
        return (bytes, failure) -> {
            if (failure == null) {
                c.countOut(bytes);
                counters.messageOut(bytes);
            } else {
                if (LOG.isLoggable(Level.FINE)) {
                    LOG.log(Level.FINE, "send to " + c.id() + " failed", failure);
                }
                // the first failed write: the socket is gone, whether or not the container says so later
                closer.transportFailed(c);
            }
        };
    }

    private boolean outcome(ManagedConnection c, SendQueue.OfferResult result) {
        if (result == SendQueue.OfferResult.OVERFLOW) {
            // the queue dropped what waited; the frame in flight finishes, then the close frame
            closer.close(c, Disconnect.SLOW_CONSUMER);
        }
        return result == SendQueue.OfferResult.ACCEPTED;
    }
}
