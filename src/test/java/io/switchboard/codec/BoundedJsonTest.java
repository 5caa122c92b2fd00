package io.switchboard.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.core.Inbound;
import io.switchboard.core.MessageCodec;
import jakarta.json.Json;
import jakarta.json.JsonValue;
import java.io.StringReader;
import org.junit.jupiter.api.Test;

class BoundedJsonTest {

    private final BoundedJson json = new BoundedJson(4);

    private static String arrays(int depth) {
        return "[".repeat(depth) + "]".repeat(depth);
    }

    @Test
    void valuesUpToTheLimitReadAsTheProviderReadsThem() throws Exception {
        String[] texts = {"1", "\"s\"", "null", "true", "[]", "{}", arrays(4),
            "{\"a\":[1,2.5,{\"b\":null,\"c\":[true,false]}],\"d\":\"\\u00e9\"}",
            "{\"a\":1,\"a\":2}", "[1e400,-0,12345678901234567890]"};
        for (String text : texts) {
            JsonValue expected = Json.createReader(new StringReader(text)).readValue();
            assertEquals(expected, json.read(text), text);
        }
    }

    @Test
    void oneLevelMoreThanTheLimitIsRefusedAsTooDeep() {
        BoundedJson.RefusedException e = assertThrows(BoundedJson.RefusedException.class, () -> json.read(arrays(5)));
        assertTrue(e.tooDeep());
        assertEquals("nested deeper than 4 levels", e.getMessage());
        assertTrue(assertThrows(BoundedJson.RefusedException.class,
                () -> json.read("{\"a\":{\"b\":[{\"c\":[]}]}}")).tooDeep());
    }

    @Test
    void hostileDepthIsRefusedWithoutRecursion() {
        for (String text : new String[] {"[".repeat(1_000_000), "{\"a\":".repeat(200_000) + "1" + "}".repeat(200_000)}) {
            assertTrue(assertThrows(BoundedJson.RefusedException.class, () -> json.read(text)).tooDeep());
        }
        BoundedJson lenient = new BoundedJson(1_000_000);
        // past the provider's own limit, or unbalanced: refused, never a RuntimeException or an Error
        assertThrows(BoundedJson.RefusedException.class, () -> lenient.read("[".repeat(100_000)));
        assertThrows(BoundedJson.RefusedException.class, () -> lenient.read(arrays(100_000)));
    }

    @Test
    void anythingButOneValueIsRefused() {
        for (String text : new String[] {"", " ", "[1]x", "[1][2]", "{\"a\"}", "{1:2}", "[1,]", "\"\\x\"", "tru"}) {
            BoundedJson.RefusedException e = assertThrows(BoundedJson.RefusedException.class, () -> json.read(text), text);
            assertFalse(e.tooDeep(), text);
        }
    }

    @Test
    void theCodecAnswersDeepMessagesAsBadRequestsWithinItsLimit() throws Exception {
        JsonMessageCodec codec = new JsonMessageCodec(64);
        String ok = "{\"type\":\"publish\",\"id\":1,\"channel\":\"c\",\"data\":" + arrays(63) + "}";
        assertEquals(arrays(63), ((Inbound.Publish) codec.decode(ok)).data());
        String deep = "{\"type\":\"publish\",\"id\":1,\"channel\":\"c\",\"data\":" + arrays(64) + "}";
        MessageCodec.BadMessageException e = assertThrows(MessageCodec.BadMessageException.class, () -> codec.decode(deep));
        assertEquals("nested deeper than 64 levels", e.getMessage());
        String hostile = "{\"a\":".repeat(1000) + "1" + "}".repeat(1000);
        assertEquals("nested deeper than 64 levels",
                assertThrows(MessageCodec.BadMessageException.class, () -> codec.decode(hostile)).getMessage());
        assertThrows(MessageCodec.BadMessageException.class, () -> codec.decode("[".repeat(100_000)));
    }
}
