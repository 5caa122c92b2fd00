package io.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.client.SwitchboardClient;
import io.switchboard.it.support.Api;
import io.switchboard.it.support.ClientEvents;
import io.switchboard.it.support.Deployments;
import io.switchboard.it.support.Servers;
import io.switchboard.it.support.TestClient;
import io.switchboard.it.support.Tokens;
import jakarta.json.JsonObject;
import java.net.URL;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Java client rides through a drain (sections 10 and 12): it takes the notice, waits the
 * notice's delay, leaves, keeps trying while the node refuses, and once the node admits again it is
 * back, resubscribed, and receiving.
 */
@ExtendWith(ArquillianExtension.class)
class ClientDrainIT {

    private static final String TOKEN = "client-drain-it-token";

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.switchboard(Map.of(
                "switchboard.admin.token", TOKEN,
                "switchboard.shutdown.drain-timeout", "20s",
                "switchboard.shutdown.reconnect-jitter", "1s"));
    }

    @ArquillianResource
    URL base;

    @Test
    void theJavaClientLeavesOnTheNoticeAndComesBackResubscribed() throws Exception {
        Api api = new Api(base, TOKEN);
        ClientEvents events = new ClientEvents();
        try (SwitchboardClient client = SwitchboardClient.builder(Servers.webSocket(base, null)).token(Tokens.forUser("java-" + System.nanoTime()))
                .listener(events).build().connect()) {
            String first = events.next("open").json().getString("connectionId");
            client.subscribe("ops.>").get(TestClient.WAIT.toSeconds(), TimeUnit.SECONDS);

            long drainStarted = System.nanoTime();
            assertEquals(202, api.call("POST", "/drain", null).statusCode());
            JsonObject notice = events.next("message").json();
            assertEquals("shutdown", notice.getString("type"));
            long delay = notice.getJsonNumber("reconnectAfterMs").longValue();

            ClientEvents.Event left = events.next("close");
            long leftAfterMs = (System.nanoTime() - drainStarted) / 1_000_000;
            assertEquals(1000, left.code(), "the client closes by itself");
            assertTrue(left.willReconnect());
            assertTrue(leftAfterMs >= delay, "it waited reconnectAfterMs=" + delay + " before leaving, left after " + leftAfterMs);

            api.awaitDrainPhase("DONE"); // with its only client gone, the drain finishes
            assertEquals(200, api.call("DELETE", "/drain", null).statusCode());
            String second = events.next("open").json().getString("connectionId");
            assertNotEquals(first, second);

            api.awaitSubscribed(second, "ops.>");
            assertEquals(202, api.call("POST", "/channels/ops.deploy/messages", "{\"data\":\"done\"}").statusCode());
            JsonObject message = events.next("message").json();
            assertEquals("ops.deploy", message.getString("channel"));
            assertEquals("done", message.getString("data"));
        }
    }
}
