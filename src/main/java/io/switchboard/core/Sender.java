package io.switchboard.core;

/** How a part of the core sends one protocol message to one connection: encoded and queued, never waiting. */
interface Sender {

    void send(ManagedConnection c, Outbound message);
}
