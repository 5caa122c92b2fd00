package io.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.switchboard.it.support.Deployments;
import io.switchboard.it.support.Servers;
import io.switchboard.it.support.TestClient;
import java.net.URL;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code per-user-policy=close-oldest}: a user's newest connection replaces the oldest (protocol.md, limits). */
@ExtendWith(ArquillianExtension.class)
class CloseOldestIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.switchboard(Map.of(
                "switchboard.limits.max-per-user", "2",
                "switchboard.limits.per-user-policy", "close-oldest"));
    }

    @ArquillianResource
    URL base;

    @Test
    void theOldestConnectionIsClosedWith1008ReplacedByNewerConnection() throws Exception {
        try (TestClient oldest = TestClient.connectAs(Servers.webSocket(base, null), "carol");
             TestClient middle = TestClient.connectAs(Servers.webSocket(base, null), "carol")) {
            oldest.next("welcome");
            middle.next("welcome");
            try (TestClient newest = TestClient.connectAs(Servers.webSocket(base, null), "carol")) {
                newest.next("welcome");

                assertEquals("1008 replaced by newer connection", oldest.awaitClose());
                newest.send("{\"type\":\"ping\",\"id\":1}");
                assertEquals(1, newest.next("pong").getInt("id"));
                middle.send("{\"type\":\"ping\",\"id\":2}");
                assertEquals(2, middle.next("pong").getInt("id"));
                assertFalse(middle.isClosed());
            }
        }
    }
}
