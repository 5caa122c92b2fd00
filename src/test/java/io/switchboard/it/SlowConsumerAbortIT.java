package io.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.it.support.Api;
import io.switchboard.it.support.Deployments;
import io.switchboard.it.support.FrameClient;
import io.switchboard.it.support.Servers;
import jakarta.json.Json;
import java.io.IOException;
import java.io.StringReader;
import java.net.URL;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A subscriber that never reads again: its queue overflows, the frame the server was writing to it
 * never finishes, so no close frame can follow it; the server aborts the TCP connection once
 * {@code switchboard.close.timeout} has passed since the overflow (plus at most one sweep tick), and
 * publishing never waits for it.
 */
@ExtendWith(ArquillianExtension.class)
class SlowConsumerAbortIT {

    private static final String TOKEN = "it-admin-token";
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(2);
    /** A tenth of the shortest timeout (Sweeper.tickFor). */
    private static final Duration TICK = CLOSE_TIMEOUT.dividedBy(10);
    /** Scheduling and polling on a busy machine: the sweep task, the API calls of this test. */
    private static final Duration SCHEDULING = Duration.ofMillis(1_500);
    private static final String PAYLOAD = "x".repeat(64 * 1024);

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.switchboard(Map.of(
                "switchboard.admin.token", TOKEN,
                "switchboard.send.max-queued-messages", "20",
                "switchboard.send.max-queued-bytes", "512KiB",
                "switchboard.close.timeout", "2s"));
    }

    @ArquillianResource
    URL base;

    @Test
    void aReaderThatNeverReadsIsAbortedWithinTheCloseTimeoutOfTheOverflow() throws Exception {
        Api api = new Api(base, TOKEN);
        try (FrameClient stalled = FrameClient.connect(Servers.authorized(base, null), null, 4096)) {
            String id = Json.createReader(new StringReader(stalled.nextText())).readObject().getString("connectionId");
            stalled.sendText("{\"type\":\"subscribe\",\"channel\":\"feed\"}", false);
            assertTrue(stalled.nextText().contains("subscribed"));
            // from here on it reads nothing

            long closingSeen = 0;
            for (int i = 0; i < 400 && closingSeen == 0; i++) {
                HttpResponse<String> sent = api.call("POST", "/channels/feed/messages",
                        "{\"data\":{\"n\":" + i + ",\"pad\":\"" + PAYLOAD + "\"}}");
                assertEquals(202, sent.statusCode(), sent.body());
                if (!"OPEN".equals(SlowConsumerIT.state(api, id))) {
                    closingSeen = System.nanoTime();
                }
            }
            assertTrue(closingSeen != 0, "the queue never overflowed");

            long gone;
            long deadline = closingSeen + Duration.ofSeconds(30).toNanos();
            while (!"GONE".equals(SlowConsumerIT.state(api, id))) {
                assertTrue(System.nanoTime() - deadline < 0, "the stalled reader is still registered");
                Thread.onSpinWait();
            }
            gone = System.nanoTime();
            Duration took = Duration.ofNanos(gone - closingSeen);
            System.out.println("stalled reader on " + Servers.name() + ": gone " + took.toMillis()
                    + " ms after its queue overflowed (close.timeout " + CLOSE_TIMEOUT.toMillis() + " ms)");
            assertTrue(took.compareTo(CLOSE_TIMEOUT.plus(TICK).plus(SCHEDULING)) <= 0,
                    "gone " + took.toMillis() + " ms after the overflow");

            // the TCP connection is gone too: what it had received, then the end, without a close frame
            int messages = 0;
            try {
                FrameClient.Frame frame;
                while ((frame = stalled.next()).opcode() == 0x1) {
                    messages++;
                }
                assertTrue(frame.opcode() != 0x8, "no close frame can follow an unfinished frame, got "
                        + frame.closeCode());
            } catch (IOException ended) {
                // EOF or reset: the abort
            }
            System.out.println("stalled reader on " + Servers.name() + ": found " + messages
                    + " whole messages in its buffers, then the end of the connection");
        }
    }
}
