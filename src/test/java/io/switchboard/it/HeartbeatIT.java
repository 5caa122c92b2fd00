package io.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.it.support.AbortProbeServlet;
import io.switchboard.it.support.Api;
import io.switchboard.it.support.Deployments;
import io.switchboard.it.support.RawClient;
import io.switchboard.it.support.Servers;
import io.switchboard.it.support.TestClient;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.net.URL;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Heartbeats on a real server (protocol.md) with short intervals: zombies are closed
 * with 1001 {@code heartbeat timeout} and aborted when they ignore the close; a peer that answers
 * stays; app mode; round trips in the admin API; a service-initiated reconnect (protocol.md, reconnect and time sync).
 */
@ExtendWith(ArquillianExtension.class)
class HeartbeatIT {

    private static final String TOKEN = "it-heartbeat-token";
    private static final Duration INTERVAL = Duration.ofSeconds(1);
    private static final Duration TIMEOUT = Duration.ofMillis(500);
    private static final int MAX_MISSED = 2;
    /** A tenth of the shortest timeout: see Sweeper.tickFor. */
    private static final Duration TICK = Duration.ofMillis(50);
    /** Room for a busy machine's scheduling between the server's clock and this client's. */
    private static final Duration SCHEDULING = Duration.ofMillis(750);

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.switchboard(Map.of(
                "switchboard.heartbeat.interval", "1s",
                "switchboard.heartbeat.timeout", "500ms",
                "switchboard.heartbeat.max-missed", String.valueOf(MAX_MISSED),
                "switchboard.close.timeout", "1s",
                "switchboard.idle.timeout", "0",
                "switchboard.admin.token", TOKEN))
                .addClass(AbortProbeServlet.class);
    }

    @ArquillianResource
    URL base;

    @Test
    void aClientThatAnswersNoPingIsClosedWithinTheWorstCaseDetectionTime() throws Exception {
        try (RawClient zombie = RawClient.connect(Servers.authorized(base, null), false, true)) {
            zombie.await(RawClient.Frame.TEXT); // welcome
            RawClient.Frame firstPing = zombie.await(RawClient.Frame.PING);

            RawClient.Frame close = zombie.await(RawClient.Frame.CLOSE);

            assertEquals("1001 heartbeat timeout", close.closeStatus());
            Duration took = Duration.ofNanos(close.atNanos() - firstPing.atNanos());
            Duration worstCase = INTERVAL.multipliedBy(MAX_MISSED - 1).plus(TIMEOUT).plus(TICK);
            assertTrue(took.compareTo(worstCase.plus(SCHEDULING)) <= 0,
                    "closed " + took.toMillis() + " ms after the first unanswered ping; worst case " + worstCase.toMillis() + " ms");
            // "never early" is a unit test's job (SweeperTest, HeartbeatsTest): seen from the client, a
            // first ping delayed on its way makes any lower bound a test of the machine's speed
        }
    }

    @Test
    void aZombieThatIgnoresTheCloseFrameIsDroppedAfterTheCloseTimeout() throws Exception {
        try (RawClient zombie = RawClient.connect(Servers.authorized(base, null), false, false)) {
            zombie.await(RawClient.Frame.TEXT);
            RawClient.Frame close = zombie.await(RawClient.Frame.CLOSE);
            assertEquals("1001 heartbeat timeout", close.closeStatus());

            RawClient.Frame eof = zombie.awaitEof();

            Duration took = Duration.ofNanos(eof.atNanos() - close.atNanos());
            assertTrue(took.compareTo(Duration.ofSeconds(1).plus(TICK).plus(SCHEDULING)) <= 0,
                    "TCP connection dropped " + took.toMillis() + " ms after the close frame");
        }
    }

    @Test
    void theContainerSpecificAbortDropsTheTcpConnectionWithoutThePeersHelp() throws Exception {
        Api api = new Api(base, TOKEN);
        try (RawClient client = RawClient.connect(Servers.authorized(base, null), true, false)) {
            String welcome = client.await(RawClient.Frame.TEXT).text();
            String id = welcome.replaceFirst(".*\"connectionId\"\\s*:\\s*\"([^\"]+)\".*", "$1");
            String root = base.toExternalForm().endsWith("/") ? base.toExternalForm() : base.toExternalForm() + "/";
            HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(root + "it/abort?id=" + id))
                            .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).timeout(TestClient.WAIT).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(204, response.statusCode(), response.body());

            // the client never answers a close frame: the stream ends because the server dropped it
            assertEquals(RawClient.Frame.EOF, client.awaitEof().opcode());
            long deadline = System.nanoTime() + TestClient.WAIT.toNanos();
            int status;
            do {
                status = api.get("/connections/" + id).statusCode();
            } while (status != 404 && System.nanoTime() - deadline < 0);
            assertEquals(404, status, "the aborted connection is released");
        }
    }

    @Test
    void aClientThatAnswersStaysOpenOverManyIntervals() throws Exception {
        try (RawClient live = RawClient.connect(Servers.authorized(base, null), true, true)) {
            live.await(RawClient.Frame.TEXT);
            for (int i = 0; i < 6; i++) {
                live.await(RawClient.Frame.PING); // fails on a close or a dropped connection
            }
            live.sendText("{\"type\":\"ping\",\"id\":7}");
            assertTrue(live.await(RawClient.Frame.TEXT).text().contains("\"pong\""));
        }
    }

    @Test
    void appModeSendsPingMessagesAndTheRoundTripShowsInTheAdminApi() throws Exception {
        Api api = new Api(base, TOKEN);
        try (TestClient client = TestClient.connect(Servers.authorized(base, "heartbeat=app"))) {
            JsonObject welcome = client.next("welcome");
            assertEquals("app", welcome.getJsonObject("heartbeat").getString("mode"));
            String id = welcome.getString("connectionId");

            for (int i = 0; i < 3; i++) {
                JsonObject ping = client.next("ping");
                client.send("{\"type\":\"pong\",\"id\":" + ping.get("id") + "}");
            }

            HttpResponse<String> response = api.get("/connections/" + id);
            assertEquals(200, response.statusCode(), response.body());
            JsonObject view = Api.json(response).asJsonObject();
            assertTrue(view.containsKey("rttMs") && view.get("rttMs").getValueType() == JsonValue.ValueType.NUMBER,
                    response.body());
            assertEquals(0, view.getInt("missedPongs"), response.body());
            assertFalse(client.isClosed());
        }
    }

    @Test
    void aReconnectRequestReachesTheClientWhichIsClosedIfItStays() throws Exception {
        Api api = new Api(base, TOKEN);
        try (TestClient client = TestClient.connect(Servers.authorized(base, null))) {
            String id = client.next("welcome").getString("connectionId");

            HttpResponse<String> response = api.call("POST", "/connections/" + id + "/reconnect",
                    "{\"reason\":\"rebalance\",\"afterMs\":250}");
            assertEquals(202, response.statusCode(), response.body());

            JsonObject reconnect = client.next("reconnect");
            assertEquals("rebalance", reconnect.getString("reason"));
            assertEquals(250, reconnect.getInt("afterMs"));
            assertEquals("1001 reconnect", client.awaitClose());
        }
        assertEquals(404, api.call("POST", "/connections/no-such-id/reconnect", null).statusCode());
    }

    @Test
    void livenessCarriesTheSweepersFigures() throws Exception {
        HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(Servers.health(base, "/live")).timeout(TestClient.WAIT).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        JsonObject check = Api.json(response).asJsonObject().getJsonArray("checks").stream()
                .map(JsonValue::asJsonObject)
                .filter(c -> "switchboard-live".equals(c.getString("name")))
                .findFirst().orElseThrow();
        assertEquals("UP", check.getString("status"));
        JsonObject data = check.getJsonObject("data");
        assertNotNull(data.get("sweeps"), response.body());
        assertNotNull(data.get("sweeperStalled"), response.body());
        assertNotNull(data.get("rttP99Ms"), response.body());
    }
}
