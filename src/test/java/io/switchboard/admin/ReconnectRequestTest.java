package io.switchboard.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ReconnectRequestTest {

    private static final io.switchboard.codec.BoundedJson JSON = new io.switchboard.codec.BoundedJson(64);


    @Test
    void anEmptyBodyAsksForAnImmediateReconnectWithTheDefaultReason() {
        assertEquals(new ReconnectRequest("reconnect requested", 0, null), ReconnectRequest.parse("", JSON));
        assertEquals(new ReconnectRequest("reconnect requested", 0, null), ReconnectRequest.parse("{}", JSON));
    }

    @Test
    void everyFieldIsReadWhenGiven() {
        assertEquals(new ReconnectRequest("rebalance", 250, "wss://b.example/ws"),
                ReconnectRequest.parse("{\"reason\":\"rebalance\",\"afterMs\":250,\"url\":\"wss://b.example/ws\"}", JSON));
    }

    @Test
    void badBodiesAreRefusedWithAMessage() {
        for (String body : new String[] {"[1]", "not json", "{\"afterMs\":-1}", "{\"afterMs\":1.5}",
                "{\"afterMs\":99999999}", "{\"url\":\"http://x/ws\"}", "{\"url\":\"::\"}", "{\"reason\":7}"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ReconnectRequest.parse(body, JSON), body);
            assertEquals(false, e.getMessage().isBlank());
        }
    }
}
