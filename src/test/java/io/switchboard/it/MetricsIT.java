package io.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.net.URL;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** /api/metrics and /api/stats move with real connections, messages and closes (section 7). */
@ExtendWith(ArquillianExtension.class)
class MetricsIT {

    private static final String TOKEN = "metrics-it-token";

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.switchboard(Map.of("switchboard.admin.token", TOKEN, "switchboard.limits.max-connections", "50"));
    }

    @ArquillianResource
    URL base;

    /** The value of one sample line, such as {@code switchboard_connections_active}, or -1 when absent. */
    private static double sample(String scrape, String nameAndLabels) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(nameAndLabels) + " (\\S+)$").matcher(scrape);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

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
        double opened = sample(before, "switchboard_connections_opened_total");
        double messagesIn = sample(before, "switchboard_messages_total{direction=\"in\"}");
        assertTrue(opened >= 0 && messagesIn >= 0, before);
        assertEquals(50.0, sample(before, "switchboard_connections_max"));

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
            assertEquals(2.0, sample(during, "switchboard_connections_active"), during);
            assertEquals(2.0, sample(during, "switchboard_connections{state=\"open\"}"), during);
            assertEquals(opened + 2, sample(during, "switchboard_connections_opened_total"), during);
            assertEquals(messagesIn + 2, sample(during, "switchboard_messages_total{direction=\"in\"}"), during);
            assertTrue(sample(during, "switchboard_message_bytes_total{direction=\"out\"}") > 0, during);
            assertTrue(sample(during, "switchboard_messages_rejected_total{reason=\"bad_request\"}") >= 1, during);

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
            assertEquals(1.0, sample(after, "switchboard_connections_active"), after);
            JsonObject closes = Api.json(api.get("/stats")).asJsonObject().getJsonObject("closesByCode");
            assertEquals(1, closes.getInt("4001"));
        }
    }

    /** Scrapes until the sample has the value: the server counts a close when its handshake completes. */
    private String awaitSample(Api api, String nameAndLabels, double expected) throws Exception {
        long deadline = System.nanoTime() + TestClient.WAIT.toNanos();
        String scrape = scrape(api);
        while (sample(scrape, nameAndLabels) != expected && System.nanoTime() - deadline < 0) {
            Thread.sleep(50);
            scrape = scrape(api);
        }
        assertEquals(expected, sample(scrape, nameAndLabels), scrape);
        return scrape;
    }
}
