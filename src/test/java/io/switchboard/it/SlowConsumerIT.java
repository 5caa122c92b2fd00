package io.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.it.support.Api;
import io.switchboard.it.support.Deployments;
import io.switchboard.it.support.FrameClient;
import io.switchboard.it.support.Servers;
import io.switchboard.it.support.TestClient;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URL;
import java.net.http.HttpResponse;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A subscriber that stops reading is closed with 1008 {@code slow consumer} once its bounded send
 * queue overflows, while a subscriber of the same channel that keeps reading gets every message in
 * order (protocol.md). The close frame follows the frame that was being written when
 * the queue overflowed, so a client that reads on sees it on both servers; the close timeout is long
 * here so that the test reads on well within it (SlowConsumerAbortIT: a client that never reads).
 */
@ExtendWith(ArquillianExtension.class)
class SlowConsumerIT {

    private static final String TOKEN = "it-admin-token";
    /** 300 messages of 64 KiB: ~19 MiB, far more than the socket buffers and the queue bound hold. */
    private static final int MESSAGES = 300;
    private static final String PAYLOAD = "x".repeat(64 * 1024);

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.switchboard(Map.of(
                "switchboard.admin.token", TOKEN,
                "switchboard.send.max-queued-messages", "40",
                "switchboard.send.max-queued-bytes", "2MiB",
                "switchboard.close.timeout", "60s"));
    }

    @ArquillianResource
    URL base;

    @Test
    void aReaderThatStopsIsClosedAsSlowConsumerAndTheFastReaderGetsEverythingInOrder() throws Exception {
        Api api = new Api(base, TOKEN);
        try (FrameClient slow = FrameClient.connect(Servers.authorized(base, null), null, 4096);
             TestClient fast = TestClient.connect(Servers.authorized(base, null))) {
            fast.next("welcome");
            fast.send("{\"type\":\"subscribe\",\"channel\":\"feed\"}");
            fast.next("subscribed");
            String slowId = json(slow.nextText()).getString("connectionId");
            slow.sendText("{\"type\":\"subscribe\",\"channel\":\"feed\"}", false);
            assertEquals("subscribed", json(slow.nextText()).getString("type"));
            // from here on the slow client reads nothing until every message has been published

            for (int i = 0; i < MESSAGES; i++) {
                HttpResponse<String> sent = api.call("POST", "/channels/feed/messages",
                        "{\"data\":{\"n\":" + i + ",\"pad\":\"" + PAYLOAD + "\"}}");
                assertEquals(202, sent.statusCode(), sent.body());
            }

            for (int i = 0; i < MESSAGES; i++) {
                JsonObject m = fast.next("message");
                assertEquals(i, m.getJsonObject("data").getInt("n"), "in publish order");
                assertEquals(i + 1, m.getInt("seq"));
            }

            // the slow reader overflowed: the server is closing it, waiting for the frame it was writing
            assertEquals("CLOSING", state(api, slowId));

            // Reading on, it finds an in-order prefix of the messages, then the close frame
            int read = 0;
            FrameClient.Frame frame;
            while ((frame = slow.next()).opcode() == 0x1) {
                JsonObject m = json(frame.text());
                assertEquals(read, m.getJsonObject("data").getInt("n"), "what did reach the slow reader is in order");
                read++;
            }
            assertEquals(0x8, frame.opcode());
            assertEquals(1008, frame.closeCode());
            assertEquals("slow consumer", frame.closeReason());
            System.out.println("slow reader on " + Servers.name() + ": read " + read + " messages, then close "
                    + frame.closeCode() + " " + frame.closeReason());
            assertTrue(read < MESSAGES, "the slow reader was closed before it got everything: " + read);

            // once it hangs up, the server lets go of it
            slow.close();
            long deadline = System.nanoTime() + TestClient.WAIT.toNanos();
            while (api.get("/connections/" + slowId).statusCode() != 404) {
                assertTrue(System.nanoTime() - deadline < 0, "the slow reader is still registered");
                Thread.onSpinWait();
            }
            fast.send("{\"type\":\"ping\",\"id\":1}");
            assertEquals(1, fast.next("pong").getInt("id"), "the fast reader is still connected");

            // the same close in the operator's figures
            JsonObject limits = Api.json(api.get("/stats")).asJsonObject().getJsonObject("limits");
            assertEquals(1, limits.getInt("slowConsumerCloses"), limits.toString());
            String metrics = api.get("/metrics").body();
            assertTrue(metrics.contains("\nswitchboard_slow_consumer_closes_total 1.0\n"), metrics);
        }
    }

    static String state(Api api, String connectionId) throws Exception {
        HttpResponse<String> r = api.get("/connections/" + connectionId);
        return r.statusCode() == 404 ? "GONE" : json(r.body()).getString("state");
    }

    private static JsonObject json(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }
}
