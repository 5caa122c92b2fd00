package io.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.net.URI;
import java.net.URL;
import java.nio.ByteBuffer;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Message size, message rate and binary frames (CONTRACT.md section 5). */
@ExtendWith(ArquillianExtension.class)
class MessageLimitsIT {

    private static final int MAX = 64 * 1024;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.switchboard(Map.of(
                "switchboard.limits.max-message-size", "64KiB",
                "switchboard.limits.message-warn-size", "1KiB",
                "switchboard.rate.messages-per-second", "1",
                "switchboard.rate.burst", "3",
                "switchboard.rate.max-violations", "3"));
    }

    @ArquillianResource
    URL base;

    private URI ws() {
        return Servers.webSocket(base, null);
    }

    private static String pingOfSize(int bytes) {
        String head = "{\"type\":\"ping\",\"id\":\"";
        return head + "x".repeat(bytes - head.length() - 2) + "\"}";
    }

    @Test
    void aMessageAtTheLimitIsHandledAndOneByteMoreClosesWith1009() throws Exception {
        try (TestClient client = TestClient.connect(ws())) {
            client.next("welcome");
            client.send(pingOfSize(MAX));
            assertEquals("pong", client.next().getString("type"));
            client.send(pingOfSize(MAX + 1));
            assertTrue(client.awaitClose().startsWith("1009"), "closed with 1009");
        }
    }

    /**
     * A frame declaring 100 MiB. Switchboard gets the message in parts and closes with 1009 when it
     * passes the limit, dropping the rest part by part (MessageAssemblerTest). Payara: Tyrus stops
     * reading after a bounded amount (what loopback sockets hold in flight, a few MiB, plus its frame
     * buffer) and may refuse the frame first with its own 1011 "Buffer overflow.". WildFly: Undertow
     * keeps reading the rejected frame to its end, so all of it is sent, but none of it is kept.
     */
    @Test
    void aHundredMegabyteFrameIsRefusedLongBeforeItIsReceived() throws Exception {
        long declared = 100L * 1024 * 1024;
        try (RawWebSocket raw = RawWebSocket.open(ws(), null, "Authorization", "Bearer " + Tokens.forUser("big-frame"))) {
            assertEquals(101, raw.status());
            raw.writeHeader(0x1, declared);
            long written = raw.writePayloadUntilRefused(declared);
            int code = raw.awaitCloseCode();
            System.out.printf("server %s: accepted %,d bytes of a %,d-byte frame before closing with %d%n",
                    Servers.name(), written, declared, code);
            if (Servers.name().equals("payara")) {
                assertTrue(code == 1009 || code == 1011, "close code " + code);
                assertTrue(written < 16L * 1024 * 1024, "the server stopped reading after " + written + " bytes");
            } else {
                assertEquals(1009, code);
            }
        }
        try (TestClient after = TestClient.connect(ws())) {
            after.next("welcome");
        }
    }

    /**
     * One frame of three times the limit: 1009 on WildFly. On Payara it depends on how the bytes
     * arrive: when more than Tyrus's frame buffer (twice the limit, ContainerBufferLimits) is in its
     * buffer at once, Tyrus refuses the frame itself with 1011 "Buffer overflow." before any callback;
     * otherwise the frame reaches Switchboard, which answers 1009. Either way it is refused.
     */
    @Test
    void aSingleFrameOfThreeTimesTheLimitIsRefused() throws Exception {
        try (RawWebSocket raw = RawWebSocket.open(ws(), null, "Authorization", "Bearer " + Tokens.forUser("three-times"))) {
            assertEquals(101, raw.status());
            raw.sendText(pingOfSize(3 * MAX));
            int code = raw.awaitCloseCode();
            if (Servers.name().equals("payara")) {
                assertTrue(code == 1009 || code == 1011, "close code " + code);
            } else {
                assertEquals(1009, code);
            }
        }
    }

    @Test
    void aMessageOfTwiceTheLimitStillGets1009() throws Exception {
        try (TestClient client = TestClient.connect(ws())) {
            client.next("welcome");
            client.send(pingOfSize(2 * MAX));
            assertTrue(client.awaitClose().startsWith("1009"), "closed with 1009");
        }
    }

    @Test
    void messagesOverTheRateGetRateLimitedAndTooManyViolationsClose1008() throws Exception {
        try (TestClient client = TestClient.connect(ws())) {
            client.next("welcome");
            int limited = 0;
            for (int id = 1; id <= 12 && !client.isClosed(); id++) {
                client.send("{\"type\":\"ping\",\"id\":" + id + "}");
                JsonObject reply = client.next();
                if ("error".equals(reply.getString("type"))) {
                    assertEquals("rate_limited", reply.getString("code"));
                    assertEquals(id, reply.getInt("ref"));
                    limited++;
                }
                if (limited == 3) {
                    break;
                }
            }
            assertEquals(3, limited);
            assertEquals("1008 rate limit exceeded", client.awaitClose());
        }
    }

    @Test
    void aBinaryFrameClosesWith1003() throws Exception {
        try (TestClient client = TestClient.connect(ws())) {
            client.next("welcome");
            client.sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}));
            assertTrue(client.awaitClose().startsWith("1003"), "closed with 1003");
        }
    }
}
