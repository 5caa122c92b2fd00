package io.switchboard.core;

import java.util.EnumSet;
import java.util.Set;

/**
 * The lifecycle of one connection (protocol.md):
 * {@code CONNECTING → HANDSHAKING → AUTHENTICATING → OPEN → CLOSING → CLOSED}.
 *
 * <p>{@code CONNECTING} is an upgrade request the servlet filter has accepted and the container has
 * not upgraded yet: it holds a handshake ticket and its slots, but no {@link ManagedConnection} exists
 * for it. {@link Hub#countByState()} counts such requests from the {@link Gatekeeper}'s tickets; every
 * connection the core holds starts in {@code HANDSHAKING}.
 *
 * <p>Any live state may go to {@code CLOSING}; {@code OPEN} may pass through {@code VIOLATION} on
 * its way to {@code CLOSING}. {@code CLOSED} is reached from {@code CLOSING}, or directly from any
 * state when the transport goes away without a close handshake of ours. {@code CLOSED} is final.
 */
public enum ConnectionState {
    CONNECTING("connecting"),
    HANDSHAKING("handshake"),
    AUTHENTICATING("authenticating"),
    OPEN("open"),
    VIOLATION("violation"),
    CLOSING("closing"),
    CLOSED("close");

    private final String event;

    ConnectionState(String event) {
        this.event = event;
    }

    /** The {@code event=} name logged when a connection enters this state (operations.md). */
    public String event() {
        return event;
    }

    /** Whether a connection in this state still counts as live (it has not begun to close). */
    public boolean isLive() {
        return this != CLOSING && this != CLOSED;
    }

    /** Whether the state machine allows going from this state to {@code next}. */
    public boolean canMoveTo(ConnectionState next) {
        return successors(this).contains(next);
    }

    private static Set<ConnectionState> successors(ConnectionState s) {
        return switch (s) {
            case CONNECTING -> EnumSet.of(HANDSHAKING, CLOSING, CLOSED);
            case HANDSHAKING -> EnumSet.of(AUTHENTICATING, OPEN, CLOSING, CLOSED);
            case AUTHENTICATING -> EnumSet.of(OPEN, CLOSING, CLOSED);
            case OPEN -> EnumSet.of(VIOLATION, CLOSING, CLOSED);
            case VIOLATION -> EnumSet.of(CLOSING, CLOSED);
            case CLOSING -> EnumSet.of(CLOSED);
            case CLOSED -> EnumSet.noneOf(ConnectionState.class);
        };
    }
}
