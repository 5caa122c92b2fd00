package io.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.switchboard.it.support.Deployments;
import io.switchboard.it.support.Servers;
import io.switchboard.it.support.TestClient;
import jakarta.json.JsonObject;
import java.net.URL;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A malformed or unknown message gets a bad_request error and the connection stays open (protocol.md, limits). */
@ExtendWith(ArquillianExtension.class)
class BadMessageIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.switchboard();
    }

    @ArquillianResource
    URL base;

    @Test
    void badInputGetsAnErrorAndTheConnectionKeepsWorking() throws Exception {
        try (TestClient client = TestClient.connect(Servers.webSocket(base, null))) {
            client.next("welcome");

            client.send("this is not json");
            JsonObject malformed = client.next();
            assertEquals("error", malformed.getString("type"));
            assertEquals("bad_request", malformed.getString("code"));

            client.send("{\"type\":\"teleport\",\"id\":9}");
            JsonObject unknown = client.next();
            assertEquals("bad_request", unknown.getString("code"));
            assertEquals(9, unknown.getInt("ref"));

            client.send("{\"type\":\"ping\",\"id\":10}");
            assertEquals(10, client.next("pong").getInt("id"));
            assertFalse(client.isClosed());
        }
    }
}
