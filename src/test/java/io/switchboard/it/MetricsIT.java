package io.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.it.support.Api;
import io.switchboard.it.support.Deployments;
import io.switchboard.it.support.RawClient;
import io.switchboard.it.support.RawWebSocket;
import io.switchboard.it.support.Servers;
import io.switchboard.it.support.TestClient;
import io.switchboard.it.support.Tokens;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * /api/metrics and /api/stats move with real connections, messages, closes, refused handshakes,
 * in-band authentication failures, rate-limited messages and zombies; {@code POST /api/zombies/cleanup}
 * closes a peer that stopped answering pings and nothing else (operations.md).
 */
@ExtendWith(ArquillianExtension.class)
class MetricsIT {

    private static final String TOKEN = "metrics-it-token";
    private static final String ALLOWED_ORIGIN = "https://app.example";

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.switchboard(Map.ofEntries(
                Map.entry("switchboard.admin.token", TOKEN),
                Map.entry("switchboard.limits.max-connections", "50"),
                Map.entry("switchboard.limits.max-per-user", "2"),
                Map.entry("switchboard.allowed-origins", ALLOWED_ORIGIN),
                // short heartbeats, and so many misses allowed that only the cleanup call closes a zombie
                Map.entry("switchboard.heartbeat.interval", "1s"),
                Map.entry("switchboard.heartbeat.timeout", "500ms"),
                Map.entry("switchboard.heartbeat.max-missed", "1000"),
                Map.entry("switchboard.rate.messages-per-second", "1"),
                Map.entry("switchboard.rate.burst", "5"),
                Map.entry("switchboard.rate.max-violations", "1000")));
    }

    @ArquillianResource
    URL base;

    private String scrape(Api api) throws Exception {
        HttpResponse<String> response = api.get("/metrics");
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        return response.body();
    }

    @Test
    void countersAndGaugesFollowConnectionsMessagesAndCloses() throws Exception {
        Api api = new Api(base, TOKEN);
        String before = scrape(api);
        double opened = Api.sample(before, "switchboard_connections_opened_total");
        double messagesIn = Api.sample(before, "switchboard_messages_total{direction=\"in\"}");
        assertTrue(opened >= 0 && messagesIn >= 0, before);
        assertEquals(50.0, Api.sample(before, "switchboard_connections_max"));

        String user = "metrics-user";
        try (TestClient a = TestClient.connectAs(Servers.webSocket(base, null), user);
             TestClient b = TestClient.connectAs(Servers.webSocket(base, null), user)) {
            a.next("welcome");
            String bId = b.next("welcome").getString("connectionId");
            a.send("{\"type\":\"ping\",\"id\":1}");
            a.next("pong");
            a.send("nonsense");
            a.next("error");

            String during = scrape(api);
            assertEquals(2.0, Api.sample(during, "switchboard_connections_active"), during);
            assertEquals(2.0, Api.sample(during, "switchboard_connections{state=\"open\"}"), during);
            assertEquals(opened + 2, Api.sample(during, "switchboard_connections_opened_total"), during);
            assertEquals(messagesIn + 2, Api.sample(during, "switchboard_messages_total{direction=\"in\"}"), during);
            assertTrue(Api.sample(during, "switchboard_message_bytes_total{direction=\"out\"}") > 0, during);
            assertTrue(Api.sample(during, "switchboard_messages_rejected_total{reason=\"bad_request\"}") >= 1, during);

            JsonObject stats = Api.json(api.get("/stats")).asJsonObject();
            JsonObject pool = stats.getJsonObject("pool");
            assertEquals(2, pool.getInt("active"));
            assertEquals(50, pool.getInt("max"));
            assertEquals(0.04, pool.getJsonNumber("utilisation").doubleValue(), 1e-9);
            assertEquals(2, pool.getJsonObject("byState").getInt("open"));
            assertEquals(user, pool.getJsonArray("topUsers").getJsonObject(0).getString("userId"));
            assertEquals(2, pool.getJsonArray("topUsers").getJsonObject(0).getInt("connections"));

            assertEquals(202, api.call("DELETE", "/connections/" + bId + "?code=4001&reason=metrics", null).statusCode());
            assertEquals("4001 metrics", b.awaitClose());
            String after = awaitSample(api, "switchboard_connections_closed_total{code=\"4001\"}", 1.0);
            assertEquals(1.0, Api.sample(after, "switchboard_connections_active"), after);
            JsonObject closes = Api.json(api.get("/stats")).asJsonObject().getJsonObject("closesByCode");
            assertEquals(1, closes.getInt("4001"));
        }
    }

    @Test
    void refusedHandshakesAndInBandFailuresAreCountedByReason() throws Exception {
        Api api = new Api(base, TOKEN);
        String before = scrape(api);
        JsonObject statsBefore = Api.json(api.get("/stats")).asJsonObject().getJsonObject("rejectionsByReason");
        assertEquals(0.0 + statsBefore.getInt("origin not allowed"),
                Api.sample(before, "switchboard_rejections_total{reason=\"origin not allowed\"}"), before);

        URI ws = Servers.webSocket(base, null);
        try (RawWebSocket r = RawWebSocket.open(ws, "127.0.0.41", "Authorization", "Bearer not-a-jwt")) {
            assertEquals(401, r.status());
        }
        try (RawWebSocket r = RawWebSocket.open(ws, "127.0.0.42", "Authorization", "Bearer " + Tokens.forUser("origin-user"),
                "Origin", "https://evil.example")) {
            assertEquals(403, r.status());
        }
        String user = "limit-user";
        try (TestClient a = TestClient.connectAs(ws, user); TestClient b = TestClient.connectAs(ws, user)) {
            a.next("welcome");
            b.next("welcome");
            try (RawWebSocket r = RawWebSocket.open(ws, "127.0.0.43", "Authorization", "Bearer " + Tokens.forUser(user))) {
                assertEquals(429, r.status());
            }
        }
        try (TestClient inBand = TestClient.connectWith(ws)) {
            inBand.send("{\"type\":\"auth\",\"token\":\"not-a-jwt\"}");
            assertEquals("1008 invalid token", inBand.awaitClose());
        }
        try (TestClient early = TestClient.connectWith(ws)) {
            early.send("{\"type\":\"ping\",\"id\":1}");
            assertEquals("1008 auth required", early.awaitClose());
        }

        Map<String, Double> expected = Map.of("invalid token", 2.0, "origin not allowed", 1.0,
                "per-user connection limit", 1.0, "auth required", 1.0, "draining", 0.0);
        String after = scrape(api);
        JsonObject statsAfter = Api.json(api.get("/stats")).asJsonObject().getJsonObject("rejectionsByReason");
        for (Map.Entry<String, Double> e : expected.entrySet()) {
            String name = "switchboard_rejections_total{reason=\"" + e.getKey() + "\"}";
            assertEquals(Api.sample(before, name) + e.getValue(), Api.sample(after, name), e.getKey() + " in\n" + after);
            assertEquals(statsBefore.getInt(e.getKey()) + e.getValue().intValue(), statsAfter.getInt(e.getKey()),
                    e.getKey() + " in " + statsAfter);
        }
    }

    @Test
    void messagesOverTheRateAreCountedAsRateLimited() throws Exception {
        Api api = new Api(base, TOKEN);
        String name = "switchboard_messages_rejected_total{reason=\"rate_limited\"}";
        double before = Api.sample(scrape(api), name);
        long statsBefore = Api.json(api.get("/stats")).asJsonObject().getJsonObject("limits").getJsonNumber("rateLimitedMessages").longValue();
        int limited = 0;
        try (TestClient chatty = TestClient.connect(Servers.webSocket(base, null))) {
            chatty.next("welcome");
            for (int i = 0; i < 12; i++) {
                chatty.send("{\"type\":\"ping\",\"id\":" + i + "}");
            }
            for (int i = 0; i < 12; i++) {
                JsonObject reply = chatty.next();
                if ("error".equals(reply.getString("type"))) {
                    assertEquals("rate_limited", reply.getString("code"));
                    limited++;
                }
            }
        }
        assertTrue(limited >= 5, "a burst of 5 at 1 per second lets at most 7 of 12 through; limited " + limited);
        String after = scrape(api);
        assertEquals(before + limited, Api.sample(after, name), after);
        JsonObject limits = Api.json(api.get("/stats")).asJsonObject().getJsonObject("limits");
        assertEquals(statsBefore + limited, limits.getJsonNumber("rateLimitedMessages").longValue(), limits.toString());
        assertEquals(0, limits.getInt("rateLimitCloses"), limits.toString());
    }

    @Test
    void theZombieCleanupClosesAPeerThatStoppedAnsweringPingsAndLeavesAHealthyOneOpen() throws Exception {
        Api api = new Api(base, TOKEN);
        assertEquals(401, new Api(base, null).call("POST", "/zombies/cleanup", null).statusCode());
        double zombiesBefore = Api.sample(scrape(api), "switchboard_connections_zombies_total");
        try (RawClient zombie = RawClient.connect(Servers.authorized(base, null), false, true);
             RawClient healthy = RawClient.connect(Servers.authorized(base, null), true, true)) {
            String zombieId = connectionId(zombie.await(RawClient.Frame.TEXT).text());
            String healthyId = connectionId(healthy.await(RawClient.Frame.TEXT).text());
            zombie.await(RawClient.Frame.PING);
            healthy.await(RawClient.Frame.PING);
            // the server has counted at least one missed pong of the zombie, and none of the healthy peer
            long deadline = System.nanoTime() + TestClient.WAIT.toNanos();
            while (Api.json(api.get("/connections/" + zombieId)).asJsonObject().getInt("missedPongs") < 1) {
                assertTrue(System.nanoTime() - deadline < 0, "no missed pong counted");
                Thread.sleep(50);
            }

            HttpResponse<String> cleanup = api.call("POST", "/zombies/cleanup", null);

            assertEquals(200, cleanup.statusCode(), cleanup.body());
            List<String> closed = Api.json(cleanup).asJsonObject().getJsonArray("closed").getValuesAs(JsonString::getString);
            assertTrue(closed.contains(zombieId), cleanup.body());
            assertFalse(closed.contains(healthyId), cleanup.body());
            assertEquals("1001 heartbeat timeout", zombie.await(RawClient.Frame.CLOSE).closeStatus());

            healthy.await(RawClient.Frame.PING); // still pinged: still open
            HttpResponse<String> stillThere = api.get("/connections/" + healthyId);
            assertEquals(200, stillThere.statusCode(), stillThere.body());
            assertEquals("OPEN", Api.json(stillThere).asJsonObject().getString("state"));
            assertEquals(0, Api.json(stillThere).asJsonObject().getInt("missedPongs"));
        }
        String after = scrape(api);
        assertTrue(Api.sample(after, "switchboard_connections_zombies_total") >= zombiesBefore + 1, after);
        assertTrue(Api.json(api.get("/stats")).asJsonObject().getJsonObject("heartbeat").getInt("zombiesClosed") >= 1);
    }

    @Test
    void roundTripsAreAPrometheusHistogram() throws Exception {
        Api api = new Api(base, TOKEN);
        try (RawClient live = RawClient.connect(Servers.authorized(base, null), true, true)) {
            live.await(RawClient.Frame.TEXT);
            live.await(RawClient.Frame.PING);
            String scrape = awaitAtLeast(api, "switchboard_heartbeat_rtt_seconds_count", 1.0);
            double count = Api.sample(scrape, "switchboard_heartbeat_rtt_seconds_count");
            assertEquals(count, Api.sample(scrape, "switchboard_heartbeat_rtt_seconds_bucket{le=\"+Inf\"}"), scrape);
            assertTrue(Api.sample(scrape, "switchboard_heartbeat_rtt_seconds_bucket{le=\"0.001\"}") >= 0, scrape);
            assertTrue(Api.sample(scrape, "switchboard_heartbeat_rtt_seconds_sum") >= 0, scrape);
            assertTrue(scrape.contains("# TYPE switchboard_heartbeat_rtt_seconds histogram"), scrape);
            assertTrue(scrape.contains("# TYPE switchboard_drain_duration_seconds histogram"), scrape);
            assertFalse(scrape.contains("quantile="), "no quantile gauges: " + scrape);
            JsonObject heartbeat = Api.json(api.get("/stats")).asJsonObject().getJsonObject("heartbeat");
            assertTrue(heartbeat.getInt("rttSamples") >= 1 && heartbeat.containsKey("rttP99Ms"), heartbeat.toString());
        }
    }

    private static String connectionId(String welcome) {
        return Json.createReader(new StringReader(welcome)).readObject().getString("connectionId");
    }

    /** Scrapes until the sample reaches at least {@code least}. */
    private String awaitAtLeast(Api api, String nameAndLabels, double least) throws Exception {
        long deadline = System.nanoTime() + TestClient.WAIT.toNanos();
        String scrape = scrape(api);
        while (Api.sample(scrape, nameAndLabels) < least && System.nanoTime() - deadline < 0) {
            Thread.sleep(50);
            scrape = scrape(api);
        }
        assertTrue(Api.sample(scrape, nameAndLabels) >= least, scrape);
        return scrape;
    }

    /** Scrapes until the sample has the value: the server counts a close when its handshake completes. */
    private String awaitSample(Api api, String nameAndLabels, double expected) throws Exception {
        long deadline = System.nanoTime() + TestClient.WAIT.toNanos();
        String scrape = scrape(api);
        while (Api.sample(scrape, nameAndLabels) != expected && System.nanoTime() - deadline < 0) {
            Thread.sleep(50);
            scrape = scrape(api);
        }
        assertEquals(expected, Api.sample(scrape, nameAndLabels), scrape);
        return scrape;
    }
}
