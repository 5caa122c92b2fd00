package io.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.it.support.Deployments;
import io.switchboard.it.support.FrameClient;
import io.switchboard.it.support.Servers;
import io.switchboard.it.support.TestClient;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * permessage-deflate is negotiated and used both ways, and the message size limit applies to the
 * inflated message: a small compressed frame that inflates far past it is refused with 1009
 * (protocol.md).
 */
@ExtendWith(ArquillianExtension.class)
class DeflateIT {

    private static final int MAX_MESSAGE = 64 * 1024;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.switchboard(Map.of(
                "switchboard.limits.max-message-size", "64KiB",
                "switchboard.limits.message-warn-size", "32KiB"));
    }

    @ArquillianResource
    URL base;

    private FrameClient connectWithDeflate() throws Exception {
        FrameClient client = FrameClient.connect(Servers.authorized(base, null), "permessage-deflate; client_max_window_bits", 0);
        String negotiated = client.header("Sec-WebSocket-Extensions");
        assertNotNull(negotiated, "no extension negotiated");
        assertTrue(negotiated.startsWith("permessage-deflate"), negotiated);
        assertEquals("welcome", json(client.nextText()).getString("type"));
        return client;
    }

    @Test
    void compressedMessagesGoBothWays() throws Exception {
        try (FrameClient client = connectWithDeflate()) {
            client.sendText("{\"type\":\"subscribe\",\"channel\":\"big\",\"id\":1}", true);
            assertEquals("subscribed", json(client.nextText()).getString("type"));

            String data = "compress me ".repeat(400);
            client.sendText("{\"type\":\"publish\",\"channel\":\"big\",\"data\":\"" + data + "\"}", true);
            FrameClient.Frame message = client.next();
            JsonObject m = json(message.text());
            assertEquals("message", m.getString("type"));
            assertEquals(data, m.getString("data"));
            assertTrue(message.compressed(), "a message over the threshold arrives compressed");
            assertTrue(message.payload().length > 4000);
            assertEquals("published", json(client.nextText()).getString("type"));
        }
    }

    @Test
    void aDeflateBombIsRefusedWith1009AndTheServerKeepsServing() throws Exception {
        String huge = "{\"type\":\"ping\",\"id\":\"" + "a".repeat(32 * 1024 * 1024) + "\"}";
        byte[] bomb = FrameClient.deflate(huge.getBytes(StandardCharsets.UTF_8));
        assertTrue(bomb.length < MAX_MESSAGE, "the compressed frame itself is under the limit: " + bomb.length);
        try (FrameClient client = connectWithDeflate()) {
            client.sendRawCompressed(bomb);

            FrameClient.Frame close = client.next();
            assertEquals(0x8, close.opcode(), "expected a close, got " + close.opcode());
            assertEquals(1009, close.closeCode(), close.closeReason());
        }
        try (TestClient other = TestClient.connect(Servers.authorized(base, null))) {
            other.next("welcome");
            other.send("{\"type\":\"ping\",\"id\":2}");
            assertEquals(2, other.next("pong").getInt("id"));
        }
    }

    /**
     * A compressed message whose single frame is itself over twice the limit. On Payara it reaches the
     * inflating extension in fragments (FrameSplittingUpgrade), which stops at the limit.
     */
    @Test
    void aSingleCompressedFrameOverTwiceTheLimitGets1009() throws Exception {
        java.util.Random random = new java.util.Random(7);
        StringBuilder id = new StringBuilder();
        for (int i = 0; i < 6 * MAX_MESSAGE; i++) {
            id.append((char) ('a' + random.nextInt(26)));
        }
        byte[] frame = FrameClient.deflate(("{\"type\":\"ping\",\"id\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8));
        assertTrue(frame.length > 2 * MAX_MESSAGE, "the compressed frame is over twice the limit: " + frame.length);
        try (FrameClient client = connectWithDeflate()) {
            client.sendRawCompressed(frame);
            FrameClient.Frame close = client.next();
            assertEquals(0x8, close.opcode(), "expected a close, got " + close.opcode());
            assertEquals(1009, close.closeCode(), close.closeReason());
        }
    }

    private static JsonObject json(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }
}
