package io.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.it.support.Deployments;
import io.switchboard.it.support.Servers;
import io.switchboard.it.support.TestClient;
import io.switchboard.it.support.Tokens;
import java.net.URI;
import java.net.URL;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** In-band authentication with {@code {"type":"auth"}} after the upgrade (protocol.md). */
@ExtendWith(ArquillianExtension.class)
class InBandAuthIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.switchboard(Map.of("switchboard.auth.timeout", "1s"));
    }

    @ArquillianResource
    URL base;

    private URI ws() {
        return Servers.webSocket(base, null);
    }

    @Test
    void aValidAuthMessageGetsTheWelcome() throws Exception {
        try (TestClient client = TestClient.connectWith(ws())) {
            client.send("{\"type\":\"auth\",\"token\":\"" + Tokens.forUser("in-band-alice") + "\"}");
            assertEquals("in-band-alice", client.next("welcome").getString("userId"));
            client.send("{\"type\":\"ping\",\"id\":1}");
            assertEquals(1, client.next("pong").getInt("id"));
        }
    }

    @Test
    void anInvalidTokenClosesWith1008InvalidToken() throws Exception {
        try (TestClient client = TestClient.connectWith(ws())) {
            client.send("{\"type\":\"auth\",\"token\":\"" + Tokens.expired("in-band-bob") + "\"}");
            assertEquals("1008 invalid token", client.awaitClose());
        }
    }

    @Test
    void anyOtherMessageBeforeAuthClosesWith1008AuthRequired() throws Exception {
        try (TestClient client = TestClient.connectWith(ws())) {
            client.send("{\"type\":\"ping\",\"id\":1}");
            assertEquals("1008 auth required", client.awaitClose());
        }
    }

    @Test
    void noAuthWithinTheTimeoutClosesWith1008AuthTimeout() throws Exception {
        try (TestClient client = TestClient.connectWith(ws())) {
            assertEquals("1008 auth timeout", client.awaitClose());
        }
    }
}
