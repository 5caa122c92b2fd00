package io.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

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

/** Settings from MicroProfile Config, in the documented duration and size syntax, reach clients. */
@ExtendWith(ArquillianExtension.class)
class ConfigOverrideIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.switchboard(Map.of(
                "switchboard.node.id", "config-it-node",
                "switchboard.heartbeat.interval", "1500ms",
                "switchboard.heartbeat.timeout", "PT2S",
                "switchboard.limits.max-message-size", "64KiB",
                "switchboard.rate.burst", "7"));
    }

    @ArquillianResource
    URL base;

    @Test
    void theWelcomeShowsTheOverriddenSettings() throws Exception {
        try (TestClient client = TestClient.connect(Servers.webSocket(base, null))) {
            JsonObject welcome = client.next("welcome");

            assertEquals("config-it-node", welcome.getString("node"));
            assertEquals(1500, welcome.getJsonObject("heartbeat").getInt("intervalMs"));
            assertEquals(2000, welcome.getJsonObject("heartbeat").getInt("timeoutMs"));
            assertEquals(65_536, welcome.getJsonObject("limits").getInt("maxMessageBytes"));
            assertEquals(7, welcome.getJsonObject("limits").getInt("burst"));
        }
    }
}
