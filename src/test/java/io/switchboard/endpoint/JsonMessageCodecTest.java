package io.switchboard.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.switchboard.core.Inbound;
import io.switchboard.core.MessageCodec;
import io.switchboard.core.Outbound;
import org.junit.jupiter.api.Test;

class JsonMessageCodecTest {

    private final JsonMessageCodec codec = new JsonMessageCodec();

    @Test
    void idsKeepTheirJsonType() throws Exception {
        assertEquals("12", codec.decode("{\"type\":\"ping\",\"id\":12}").id());
        assertEquals("\"a\\\"b\"", codec.decode("{\"type\":\"ping\",\"id\":\"a\\\"b\"}").id());
        assertNull(codec.decode("{\"type\":\"ping\",\"id\":null}").id());
        assertInstanceOf(Inbound.Pong.class, codec.decode("{\"type\":\"pong\",\"id\":3}"));
    }

    @Test
    void anErrorEchoesTheRefAndEscapesItsMessage() {
        String text = codec.encode(new Outbound.Error("bad_request", "a \"quoted\" word", "\"r-1\""));
        assertEquals("{\"type\":\"error\",\"code\":\"bad_request\",\"message\":\"a \\\"quoted\\\" word\",\"ref\":\"r-1\"}", text);
    }

    @Test
    void trailingGarbageIsNotValidJson() {
        MessageCodec.BadMessageException e = assertThrows(MessageCodec.BadMessageException.class,
                () -> codec.decode("{\"type\":\"ping\"} {"));
        assertEquals("not valid JSON", e.getMessage());
    }
}
