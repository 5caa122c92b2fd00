package io.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

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

/** A client's {@code ping} gets a {@code pong} with the same id (protocol.md). */
@ExtendWith(ArquillianExtension.class)
class PingPongIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.switchboard();
    }

    @ArquillianResource
    URL base;

    @Test
    void pingGetsPongWithTheSameIdInOrder() throws Exception {
        try (TestClient client = TestClient.connect(Servers.webSocket(base, null))) {
            client.next("welcome");

            client.send("{\"type\":\"ping\",\"id\":1}");
            client.send("{\"type\":\"ping\",\"id\":\"two\"}");

            JsonObject first = client.next();
            assertEquals("pong", first.getString("type"));
            assertEquals(1, first.getInt("id"));
            JsonObject second = client.next();
            assertEquals("pong", second.getString("type"));
            assertEquals("two", second.getString("id"));
        }
    }
}
