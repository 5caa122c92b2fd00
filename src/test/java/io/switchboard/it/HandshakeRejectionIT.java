package io.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.it.support.Deployments;
import io.switchboard.it.support.RawWebSocket;
import io.switchboard.it.support.Servers;
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

/**
 * The token, Origin and handshake-rate rows of the rejection table (protocol.md): plain HTTP
 * answers with the documented status and headers, never an upgrade. The handshake rate is one per
 * second per IP, so every handshake here comes from a source address of its own (127.0.0.x), except
 * the ones that test the rate.
 */
@ExtendWith(ArquillianExtension.class)
class HandshakeRejectionIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.switchboard(Map.of(
                "switchboard.auth.in-band", "false",
                "switchboard.allowed-origins", "https://app.example",
                "switchboard.limits.max-per-user", "1",
                "switchboard.rate.handshakes-per-second-per-ip", "1"));
    }

    @ArquillianResource
    URL base;

    private URI ws(String query) {
        return Servers.webSocket(base, query);
    }

    @Test
    void noTokenWithInBandAuthDisabledIs401Bearer() throws Exception {
        try (RawWebSocket r = RawWebSocket.open(ws(null), "127.0.0.11")) {
            assertEquals(401, r.status());
            assertEquals("Bearer", r.header("WWW-Authenticate"));
        }
    }

    @Test
    void anInvalidExpiredOrForgedTokenIs401InvalidToken() throws Exception {
        String[] tokens = {"not-a-jwt", Tokens.expired("ann"), Tokens.forged("ann")};
        for (int i = 0; i < tokens.length; i++) {
            try (RawWebSocket r = RawWebSocket.open(ws(null), "127.0.0.2" + i, "Authorization", "Bearer " + tokens[i])) {
                assertEquals(401, r.status());
                assertEquals("Bearer error=\"invalid_token\"", r.header("WWW-Authenticate"));
            }
        }
        try (RawWebSocket r = RawWebSocket.open(ws("access_token=" + Tokens.forged("ann")), "127.0.0.12")) {
            assertEquals(401, r.status());
            assertEquals("Bearer error=\"invalid_token\"", r.header("WWW-Authenticate"));
        }
    }

    @Test
    void aValidTokenInTheQueryParameterIsAccepted() throws Exception {
        try (RawWebSocket r = RawWebSocket.open(ws("access_token=" + Tokens.forUser("query-user")), "127.0.0.16")) {
            assertEquals(101, r.status());
        }
    }

    @Test
    void anOriginOutsideTheAllowedListIs403() throws Exception {
        String token = "Bearer " + Tokens.forUser("origin-user");
        try (RawWebSocket r = RawWebSocket.open(ws(null), "127.0.0.13", "Authorization", token, "Origin", "https://evil.example")) {
            assertEquals(403, r.status());
        }
        try (RawWebSocket r = RawWebSocket.open(ws(null), "127.0.0.18", "Authorization", token, "Origin", "https://app.example")) {
            assertEquals(101, r.status());
        }
    }

    @Test
    void aSecondConnectionOverThePerUserLimitIs429WithRetryAfter() throws Exception {
        String token = "Bearer " + Tokens.forUser("limited-user");
        try (RawWebSocket first = RawWebSocket.open(ws(null), "127.0.0.14", "Authorization", token)) {
            assertEquals(101, first.status());
            try (RawWebSocket r = RawWebSocket.open(ws(null), "127.0.0.17", "Authorization", token)) {
                assertEquals(429, r.status());
                assertRetryAfter(r);
            }
        }
    }

    @Test
    void handshakesOverThePerIpRateAre429WithRetryAfter() throws Exception {
        int refused = 0;
        for (int i = 0; i < 5 && refused == 0; i++) {
            try (RawWebSocket r = RawWebSocket.open(ws(null), "127.0.0.15")) {
                if (r.status() == 429) {
                    refused++;
                    assertRetryAfter(r);
                } else {
                    assertEquals(401, r.status(), "within the rate the request reaches the token check");
                }
            }
        }
        assertTrue(refused > 0, "5 handshakes in a row from one IP exceed 1 per second");
    }

    private static void assertRetryAfter(RawWebSocket r) {
        assertNotNull(r.header("Retry-After"), "Retry-After");
        assertTrue(Long.parseLong(r.header("Retry-After")) >= 1);
    }
}
