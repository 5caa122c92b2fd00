package io.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.it.support.Deployments;
import io.switchboard.it.support.RawWebSocket;
import io.switchboard.it.support.Servers;
import io.switchboard.it.support.TestClient;
import io.switchboard.it.support.Tokens;
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

/** Message size, message rate and binary frames (protocol.md). */
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
     * A frame declaring 100 MiB gets 1009 on both servers. Switchboard gets the message in parts
     * (on Payara because FrameSplittingUpgrade cuts the frame into fragments before Tyrus buffers it)
     * and closes when it passes the limit, dropping the rest part by part (MessageAssemblerTest).
     * What the server reads after that differs, but neither holds more than about the limit of it:
     * Tyrus stops reading once the close is done; Undertow reads the rejected frame to its end and
     * keeps none of it.
     */
    @Test
    void aHundredMegabyteFrameIsRefusedWith1009() throws Exception {
        long declared = 100L * 1024 * 1024;
        try (RawWebSocket raw = RawWebSocket.open(ws(), null, "Authorization", "Bearer " + Tokens.forUser("big-frame"))) {
            assertEquals(101, raw.status());
            raw.writeHeader(0x1, declared);
            long written = raw.writePayloadUntilRefused(declared);
            int code = raw.awaitCloseCode();
            System.out.printf("server %s: accepted %,d bytes of a %,d-byte frame before closing with %d%n",
                    Servers.name(), written, declared, code);
            assertEquals(1009, code);
            if (Servers.name().equals("payara")) {
                assertTrue(written < 16L * 1024 * 1024, "the server stopped reading after " + written + " bytes");
            }
        }
        try (TestClient after = TestClient.connect(ws())) {
            after.next("welcome");
        }
    }

    /**
     * Single frames of three and ten times the limit get 1009 on both servers. On Payara they reach
     * Switchboard as fragments of at most the limit (FrameSplittingUpgrade); without that Tyrus
     * buffers each whole first (its engine buffer is 4 MiB) and refuses longer ones with its own 1011
     * "Buffer overflow." (the 100 MiB frame above).
     */
    @Test
    void singleFramesOfThreeAndTenTimesTheLimitGet1009() throws Exception {
        for (int times : new int[] {3, 10}) {
            try (RawWebSocket raw = RawWebSocket.open(ws(), null, "Authorization", "Bearer " + Tokens.forUser("x" + times))) {
                assertEquals(101, raw.status());
                raw.sendText(pingOfSize(times * MAX));
                assertEquals(1009, raw.awaitCloseCode(), times + " times the limit in one frame");
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
