package io.switchboard.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import org.junit.jupiter.api.Test;

class WireTest {

    @Test
    void queryParametersAreAddedOnceAndKeepTheExistingQuery() {
        URI plain = URI.create("ws://h:1/ws");
        assertEquals("ws://h:1/ws?heartbeat=app&access_token=t",
                Wire.withQuery(plain, "heartbeat=app", null, "access_token=t").toString());
        assertEquals("ws://h:1/ws", Wire.withQuery(plain, (String) null).toString());
        URI other = URI.create("ws://other:2/ws?heartbeat=app&x=1");
        assertEquals("ws://other:2/ws?heartbeat=app&x=1&access_token=t",
                Wire.withQuery(other, "heartbeat=app", "access_token=t").toString());
    }

    @Test
    void refusedTokensAreTerminalButADrainingServerIsNot() {
        assertTrue(Wire.TERMINAL_STATUSES.contains(401));
        assertFalse(Wire.TERMINAL_STATUSES.contains(503), "a draining server asks to retry");
    }

    @Test
    void onlyTheServersTimeRequestIsAnsweredAndItsT0IsEchoed() {
        String answer = Wire.timeAnswer(Wire.parse("{\"type\":\"time\",\"t0\":100}"), 150, 151);
        assertEquals("{\"type\":\"time\",\"t0\":100,\"t1\":150,\"t2\":151}", answer);
        assertEquals(null, Wire.timeAnswer(Wire.parse("{\"type\":\"time\",\"t0\":100,\"t1\":1,\"t2\":2}"), 150, 151));
        assertEquals("{\"type\":\"pong\",\"id\":\"a\"}", Wire.pong(Wire.parse("{\"type\":\"ping\",\"id\":\"a\"}")));
    }

    @Test
    void retryAfterIsReadInSeconds() {
        assertEquals(5_000, Wire.retryAfterMillis(" 5"));
        assertEquals(0, Wire.retryAfterMillis("Wed, 21 Oct 2026 07:28:00 GMT"));
    }

    @Test
    void aReconnectNoticesUrlReplacesTheTargetUnlessItIsMissingBlankOrNotAUri() {
        URI current = URI.create("ws://a:1/ws");
        assertEquals(URI.create("ws://b:2/ws"), Wire.reconnectTarget(jakarta.json.Json.createValue("ws://b:2/ws"), current));
        assertEquals(current, Wire.reconnectTarget(null, current));
        assertEquals(current, Wire.reconnectTarget(jakarta.json.Json.createValue(" "), current));
        assertEquals(current, Wire.reconnectTarget(jakarta.json.Json.createValue("ws://bad host/ws"), current));
        assertEquals(current, Wire.reconnectTarget(jakarta.json.Json.createValue(7), current));
    }
}
