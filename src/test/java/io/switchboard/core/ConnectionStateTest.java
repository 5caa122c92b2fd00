package io.switchboard.core;

import static io.switchboard.core.ConnectionState.*;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ConnectionStateTest {

    @Test
    void theHappyPathFollowsTheDocumentedStates() {
        assertTrue(CONNECTING.canMoveTo(HANDSHAKING));
        assertTrue(HANDSHAKING.canMoveTo(AUTHENTICATING));
        assertTrue(AUTHENTICATING.canMoveTo(OPEN));
        assertTrue(OPEN.canMoveTo(CLOSING));
        assertTrue(CLOSING.canMoveTo(CLOSED));
    }

    @Test
    void everyLiveStateMayStartClosing() {
        for (ConnectionState s : ConnectionState.values()) {
            if (s.isLive()) {
                assertTrue(s.canMoveTo(CLOSING), s + " -> CLOSING");
            }
        }
    }

    @Test
    void onlyOpenMayPassThroughViolation() {
        for (ConnectionState s : ConnectionState.values()) {
            if (s != OPEN) {
                assertFalse(s.canMoveTo(VIOLATION), s + " -> VIOLATION");
            }
        }
        assertTrue(VIOLATION.canMoveTo(CLOSING));
        assertFalse(VIOLATION.canMoveTo(OPEN));
    }

    @Test
    void closedIsFinalAndClosingCannotReopen() {
        for (ConnectionState s : ConnectionState.values()) {
            assertFalse(CLOSED.canMoveTo(s), "CLOSED -> " + s);
        }
        assertFalse(CLOSING.canMoveTo(OPEN));
        assertFalse(OPEN.canMoveTo(AUTHENTICATING));
    }
}
