package io.switchboard.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DisconnectTest {

    @Test
    void reservedCodesCannotBeSent() {
        for (int code : new int[] {999, 1002, 1004, 1005, 1006, 1015, 2000, 2999, 5000}) {
            assertFalse(Disconnect.isSendable(code), Integer.toString(code));
        }
        for (int code : new int[] {1000, 1001, 1003, 1008, 1009, 1011, 1012, 3000, 4999}) {
            assertTrue(Disconnect.isSendable(code), Integer.toString(code));
        }
        assertThrows(IllegalArgumentException.class, () -> Disconnect.byOperator(1006, "x"));
    }

    @Test
    void reasonsLongerThan123BytesAreRefused() {
        String ok = "é".repeat(61) + "a"; // 123 bytes
        assertEquals(ok, Disconnect.byOperator(1000, ok).reason());
        assertThrows(IllegalArgumentException.class, () -> Disconnect.byOperator(1000, "é".repeat(62)));
    }

    @Test
    void theContractsReasonsAreSpelledAsWritten() {
        assertEquals("1001 heartbeat timeout", Disconnect.HEARTBEAT_TIMEOUT.code() + " " + Disconnect.HEARTBEAT_TIMEOUT.reason());
        assertEquals("1008 replaced by newer connection", Disconnect.REPLACED.code() + " " + Disconnect.REPLACED.reason());
        assertEquals("1008 slow consumer", Disconnect.SLOW_CONSUMER.code() + " " + Disconnect.SLOW_CONSUMER.reason());
        assertEquals(Disconnect.Advice.TERMINAL, Disconnect.INVALID_TOKEN.advice());
    }
}
