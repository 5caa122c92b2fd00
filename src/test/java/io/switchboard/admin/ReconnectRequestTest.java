package io.switchboard.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ReconnectRequestTest {

    @Test
    void anEmptyBodyAsksForAnImmediateReconnectWithTheDefaultReason() {
        assertEquals(new ReconnectRequest("reconnect requested", 0, null), ReconnectRequest.parse(""));
        assertEquals(new ReconnectRequest("reconnect requested", 0, null), ReconnectRequest.parse("{}"));
    }

    @Test
    void everyFieldIsReadWhenGiven() {
        assertEquals(new ReconnectRequest("rebalance", 250, "wss://b.example/ws"),
                ReconnectRequest.parse("{\"reason\":\"rebalance\",\"afterMs\":250,\"url\":\"wss://b.example/ws\"}"));
    }

    @Test
    void badBodiesAreRefusedWithAMessage() {
        for (String body : new String[] {"[1]", "not json", "{\"afterMs\":-1}", "{\"afterMs\":1.5}",
                "{\"afterMs\":99999999}", "{\"url\":\"http://x/ws\"}", "{\"url\":\"::\"}", "{\"reason\":7}"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ReconnectRequest.parse(body), body);
            assertEquals(false, e.getMessage().isBlank());
        }
    }
}
