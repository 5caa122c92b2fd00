package io.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.switchboard.it.support.Deployments;
import io.switchboard.it.support.Servers;
import io.switchboard.it.support.TestClient;
import jakarta.json.JsonObject;
import java.net.URL;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Time sync (protocol.md): the server asks for the client's time every interval; a
 * client within {@code max-offset} stays, one too far off or silent is closed with 1008 {@code clock skew}.
 */
@ExtendWith(ArquillianExtension.class)
class TimeSyncIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.switchboard(Map.of(
                "switchboard.timesync.interval", "1s",
                "switchboard.timesync.max-offset", "2s",
                "switchboard.heartbeat.interval", "1s",
                "switchboard.heartbeat.timeout", "1s"));
    }

    @ArquillianResource
    URL base;

    /** Answers the next time request as a client whose clock is {@code skewMs} off. */
    private static void answer(TestClient client, long skewMs) throws Exception {
        JsonObject request = client.next("time");
        long now = System.currentTimeMillis() + skewMs;
        client.send("{\"type\":\"time\",\"t0\":" + request.getJsonNumber("t0").longValue()
                + ",\"t1\":" + now + ",\"t2\":" + now + "}");
    }

    @Test
    void aClientWithinTheMaxOffsetStays() throws Exception {
        try (TestClient client = TestClient.connect(Servers.authorized(base, null))) {
            client.next("welcome");
            for (int i = 0; i < 4; i++) {
                answer(client, 0);
            }
            assertFalse(client.isClosed());
        }
    }

    @Test
    void aClientWhoseClockIsFarOffIsClosed() throws Exception {
        try (TestClient client = TestClient.connect(Servers.authorized(base, null))) {
            client.next("welcome");
            answer(client, 60_000);
            assertEquals("1008 clock skew", client.awaitClose());
        }
    }

    @Test
    void aClientThatDoesNotAnswerIsClosed() throws Exception {
        try (TestClient client = TestClient.connect(Servers.authorized(base, null))) {
            client.next("welcome");
            client.next("time");
            assertEquals("1008 clock skew", client.awaitClose());
        }
    }

    @Test
    void aClientMayAskForTheServersTime() throws Exception {
        try (TestClient client = TestClient.connect(Servers.authorized(base, null))) {
            client.next("welcome");
            client.send("{\"type\":\"time\",\"t0\":12345}");
            JsonObject reply;
            do {
                reply = client.next("time");
            } while (reply.getJsonNumber("t0").longValue() != 12345);
            long t1 = reply.getJsonNumber("t1").longValue();
            long t2 = reply.getJsonNumber("t2").longValue();
            assertEquals(true, t2 >= t1 && Math.abs(System.currentTimeMillis() - t1) < 60_000);
        }
    }
}
