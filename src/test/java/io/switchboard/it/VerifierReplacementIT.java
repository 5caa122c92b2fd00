package io.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.it.support.Deployments;
import io.switchboard.it.support.RawWebSocket;
import io.switchboard.it.support.ReplacementVerifier;
import io.switchboard.it.support.Servers;
import io.switchboard.it.support.TestClient;
import io.switchboard.it.support.Tokens;
import java.net.URL;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** An application replaces token verification with a CDI alternative of its own (protocol.md, handshake). */
@ExtendWith(ArquillianExtension.class)
class VerifierReplacementIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.switchboard().addClass(ReplacementVerifier.class);
    }

    @ArquillianResource
    URL base;

    @Test
    void theApplicationsVerifierDecidesAtTheHandshakeAndInBand() throws Exception {
        try (TestClient header = TestClient.connectWith(Servers.webSocket(base, null),
                "Authorization", "Bearer " + ReplacementVerifier.PREFIX + "replaced-user")) {
            assertEquals("replaced-user", header.next("welcome").getString("userId"));
        }
        try (TestClient inBand = TestClient.connectWith(Servers.webSocket(base, null))) {
            inBand.send("{\"type\":\"auth\",\"token\":\"" + ReplacementVerifier.PREFIX + "in-band-user\"}");
            assertEquals("in-band-user", inBand.next("welcome").getString("userId"));
        }
        try (RawWebSocket jwt = RawWebSocket.open(Servers.webSocket(base, null), null,
                "Authorization", "Bearer " + Tokens.forUser("jwt-user"))) {
            assertEquals(401, jwt.status(), "the default JWT verifier is out of the picture");
        }
    }
}
