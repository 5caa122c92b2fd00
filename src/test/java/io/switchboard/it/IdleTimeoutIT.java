package io.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.it.support.Deployments;
import io.switchboard.it.support.RawClient;
import io.switchboard.it.support.Servers;
import java.net.URL;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A connection that sends no data message for {@code idle.timeout} is closed with 1001
 * {@code idle timeout}, even though it answers every heartbeat (protocol.md).
 */
@ExtendWith(ArquillianExtension.class)
class IdleTimeoutIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.switchboard(Map.of(
                "switchboard.heartbeat.interval", "500ms",
                "switchboard.heartbeat.timeout", "250ms",
                "switchboard.idle.timeout", "2s"));
    }

    @ArquillianResource
    URL base;

    @Test
    void aClientThatOnlyAnswersHeartbeatsIsClosedAsIdle() throws Exception {
        try (RawClient client = RawClient.connect(Servers.authorized(base, "heartbeat=app"), true, true)) {
            long opened = System.nanoTime();
            client.await(RawClient.Frame.TEXT); // welcome
            int pings = 0;
            RawClient.Frame close = null;
            while (close == null) {
                RawClient.Frame text = client.await(RawClient.Frame.TEXT);
                if (text.text().contains("\"ping\"")) {
                    pings++;
                    client.sendText(text.text().replace("\"ping\"", "\"pong\"")); // app pongs are not data
                }
                if (pings >= 2) {
                    close = client.await(RawClient.Frame.CLOSE);
                }
            }
            assertEquals("1001 idle timeout", close.closeStatus());
            assertTrue(close.atNanos() - opened >= 2_000_000_000L, "closed before the idle timeout");
        }
    }
}
