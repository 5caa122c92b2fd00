package io.switchboard.core;

/**
 * One WebSocket as the core sees it: the transport half of a {@link ManagedConnection}.
 *
 * <p>The shell implements it over the container's session. Every method must return without
 * blocking on the peer: sends are asynchronous and report their outcome to the callback, on any
 * thread. Calls after the socket has closed are ignored by the implementation.
 */
public interface Connection {

    /** Queues a text frame; {@code done} is called once with {@code null} or the failure. */
    void sendText(String text, SendCallback done);

    /**
     * Sends a Ping control frame with the given payload (at most 125 bytes).
     *
     * @return false when the transport refused it because the socket is gone (the core then releases
     *         the connection at once rather than waiting for a close the container may never report)
     */
    boolean sendPing(byte[] payload);

    /** Starts the close handshake with this code and reason (at most 123 bytes of UTF-8). */
    void close(int code, String reason);

    /**
     * Drops the TCP connection at once, without a close handshake: for a peer that did not answer
     * our close frame within {@code close.timeout}. Must not block.
     */
    void abort();

    /** The outcome of one asynchronous send. */
    @FunctionalInterface
    interface SendCallback {
        SendCallback IGNORE = failure -> { };

        /** @param failure {@code null} when the frame was written, otherwise why it was not */
        void completed(Throwable failure);
    }
}
