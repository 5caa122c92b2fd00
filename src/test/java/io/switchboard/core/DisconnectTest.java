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
    void theDocumentedReasonsAreSpelledAsWritten() {
        assertEquals("1001 heartbeat timeout", Disconnect.HEARTBEAT_TIMEOUT.code() + " " + Disconnect.HEARTBEAT_TIMEOUT.reason());
        assertEquals("1008 replaced by newer connection", Disconnect.REPLACED.code() + " " + Disconnect.REPLACED.reason());
        assertEquals("1008 slow consumer", Disconnect.SLOW_CONSUMER.code() + " " + Disconnect.SLOW_CONSUMER.reason());
        assertEquals(Disconnect.Advice.STOP, Disconnect.INVALID_TOKEN.advice());
    }

    @Test
    void whatAClientDoesNextFollowsTheCloseCodeTable() {
        assertEquals(Disconnect.Advice.STOP, new Disconnect(1000, "").advice());
        assertEquals(Disconnect.Advice.RECONNECT, Disconnect.HEARTBEAT_TIMEOUT.advice());
        assertEquals(Disconnect.Advice.RECONNECT, Disconnect.shutdown(1001).advice());
        assertEquals(Disconnect.Advice.STOP, Disconnect.BINARY_NOT_SUPPORTED.advice());
        assertEquals(Disconnect.Advice.RECONNECT, Disconnect.adviceFor(1006, ""));
        assertEquals(Disconnect.Advice.STOP, Disconnect.adviceFor(1007, "invalid UTF-8"));
        for (Disconnect stop : new Disconnect[] {Disconnect.INVALID_TOKEN, Disconnect.AUTH_TIMEOUT, Disconnect.AUTH_REQUIRED,
                Disconnect.USER_CHANGED, new Disconnect(1008, "not allowed"), new Disconnect(1008, "")}) {
            assertEquals(Disconnect.Advice.STOP, stop.advice(), stop.reason());
        }
        for (Disconnect transientOne : new Disconnect[] {Disconnect.SLOW_CONSUMER, Disconnect.RATE_LIMIT_EXCEEDED,
                Disconnect.TOO_MANY_CONNECTIONS, Disconnect.REPLACED, Disconnect.CLOCK_SKEW}) {
            assertEquals(Disconnect.Advice.RECONNECT, transientOne.advice(), transientOne.reason());
        }
        assertEquals(Disconnect.Advice.STOP, Disconnect.MESSAGE_TOO_BIG.advice());
        assertEquals(Disconnect.Advice.RECONNECT, Disconnect.INTERNAL_ERROR.advice());
        assertEquals(Disconnect.Advice.RENEW_TOKEN, Disconnect.TOKEN_EXPIRED.advice());
        assertEquals("4001 token expired", Disconnect.TOKEN_EXPIRED.code() + " " + Disconnect.TOKEN_EXPIRED.reason());
        assertEquals(Disconnect.Advice.RECONNECT, Disconnect.adviceFor(4000, "x"));
        assertEquals(Disconnect.Advice.RECONNECT, Disconnect.adviceFor(4499, "x"));
        assertEquals(Disconnect.Advice.STOP, Disconnect.adviceFor(4500, "x"));
        assertEquals(Disconnect.Advice.STOP, Disconnect.adviceFor(4999, null));
    }
}
