package io.switchboard.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.switchboard.core.Inbound;
import io.switchboard.core.MessageCodec;
import io.switchboard.core.Outbound;
import io.switchboard.core.PreparedMessage;
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

    @Test
    void channelRequestsCarryTheirChannelAndDataAsJsonText() throws Exception {
        Inbound.Subscribe sub = (Inbound.Subscribe) codec.decode("{\"type\":\"subscribe\",\"channel\":\"news.*\",\"id\":1}");
        assertEquals("news.*", sub.channel());
        assertEquals("1", sub.id());
        assertInstanceOf(Inbound.Unsubscribe.class, codec.decode("{\"type\":\"unsubscribe\",\"channel\":\"x\"}"));
        Inbound.Publish pub = (Inbound.Publish) codec.decode("{\"type\":\"publish\",\"channel\":\"a.b\",\"data\":{\"k\":[1,\"2\",null]}}");
        assertEquals("{\"k\":[1,\"2\",null]}", pub.data());
        assertThrows(MessageCodec.BadMessageException.class, () -> codec.decode("{\"type\":\"subscribe\",\"channel\":7}"));
        assertThrows(MessageCodec.BadMessageException.class, () -> codec.decode("{\"type\":\"publish\",\"channel\":\"a\"}"));
    }

    @Test
    void aPreparedMessageIsValidJsonForEverySeqAndEscapesTheChannel() {
        PreparedMessage m = codec.prepare("we\"ird.ch", "[true]");
        assertEquals("{\"type\":\"message\",\"channel\":\"we\\\"ird.ch\",\"data\":[true],\"seq\":12}", m.text(12));
        assertEquals(m.text(12).getBytes(java.nio.charset.StandardCharsets.UTF_8).length, m.bytes(12));
        PreparedMessage direct = codec.prepare(null, "\"é\"");
        assertEquals("{\"type\":\"message\",\"data\":\"é\"}", direct.text(0));
        assertEquals(direct.text(0).getBytes(java.nio.charset.StandardCharsets.UTF_8).length, direct.bytes(0));
    }

    @Test
    void historyFieldsAreReadAndWritten() throws Exception {
        Inbound.Subscribe s = (Inbound.Subscribe) codec.decode(
                "{\"type\":\"subscribe\",\"channel\":\"c\",\"since\":{\"offset\":12,\"epoch\":\"e-1\"},\"id\":4}");
        assertEquals(new Inbound.Since(12, "e-1"), s.since());
        assertNull(((Inbound.Subscribe) codec.decode("{\"type\":\"subscribe\",\"channel\":\"c\"}")).since());
        assertEquals("{\"type\":\"subscribed\",\"channel\":\"c\",\"ref\":4,\"recovered\":false,\"offset\":9,\"epoch\":\"e\\\"2\"}",
                codec.encode(new io.switchboard.core.Outbound.Subscribed("c", "4", false, 9L, "e\"2")));
        assertEquals("{\"type\":\"resync\",\"channel\":\"c\"}", codec.encode(new io.switchboard.core.Outbound.Resync("c")));
        assertEquals("{\"type\":\"message\",\"channel\":\"c\",\"data\":[1],\"offset\":3,\"epoch\":\"e\",\"seq\":7}",
                codec.prepare("c", "[1]", 3, "e").text(7));
    }
}
