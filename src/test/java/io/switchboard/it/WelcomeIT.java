package io.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.it.support.Deployments;
import io.switchboard.it.support.Servers;
import io.switchboard.it.support.TestClient;
import jakarta.json.JsonObject;
import java.net.URL;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A client that connects to /ws gets the welcome message of protocol.md first. */
@ExtendWith(ArquillianExtension.class)
class WelcomeIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.switchboard();
    }

    @ArquillianResource
    URL base;

    @Test
    void theFirstMessageIsTheWelcomeWithTheDocumentedDefaults() throws Exception {
        long before = System.currentTimeMillis();
        try (TestClient client = TestClient.connect(Servers.webSocket(base, null))) {
            JsonObject welcome = client.next();

            assertEquals("welcome", welcome.getString("type"));
            UUID.fromString(welcome.getString("connectionId"));
            assertEquals(client.user(), welcome.getString("userId"));
            assertFalse(welcome.getString("node").isBlank());
            JsonObject heartbeat = welcome.getJsonObject("heartbeat");
            assertEquals(30_000, heartbeat.getInt("intervalMs"));
            assertEquals(10_000, heartbeat.getInt("timeoutMs"));
            assertEquals("protocol", heartbeat.getString("mode"));
            JsonObject limits = welcome.getJsonObject("limits");
            assertEquals(1_048_576, limits.getInt("maxMessageBytes"));
            assertEquals(20, limits.getInt("messagesPerSecond"));
            assertEquals(40, limits.getInt("burst"));
            long serverTime = welcome.getJsonNumber("serverTime").longValue();
            assertTrue(serverTime >= before - 60_000 && serverTime <= System.currentTimeMillis() + 60_000,
                    "serverTime is the server's wall clock in epoch milliseconds: " + serverTime);
        }
    }

    @Test
    void everyConnectionGetsItsOwnIdAndAppHeartbeatIsAnnounced() throws Exception {
        try (TestClient first = TestClient.connect(Servers.webSocket(base, null));
             TestClient second = TestClient.connect(Servers.webSocket(base, "heartbeat=app"))) {
            JsonObject a = first.next("welcome");
            JsonObject b = second.next("welcome");

            assertNotEquals(a.getString("connectionId"), b.getString("connectionId"));
            assertEquals("app", b.getJsonObject("heartbeat").getString("mode"));
        }
    }
}
