package io.switchboard.core;

/** How a part of the core ends a connection; the {@link Hub} carries it out and releases the connection. */
interface Closer {

    /** Starts the close handshake with {@code why}; a no-op when the connection is already closing or closed. */
    void close(ManagedConnection c, Disconnect why);

    /** The socket failed under a live connection (a write or a ping was refused): drop it and release it now. */
    void transportFailed(ManagedConnection c);
}
