package io.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.it.support.Api;
import io.switchboard.it.support.Deployments;
import io.switchboard.it.support.Http;
import io.switchboard.it.support.Servers;
import io.switchboard.it.support.TestClient;
import jakarta.json.JsonObject;
import java.net.URL;
import java.net.http.HttpResponse;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** An operator's drain through POST/DELETE /api/drain, on a server that keeps running (protocol.md, drain). */
@ExtendWith(ArquillianExtension.class)
class DrainApiIT {

    private static final String TOKEN = "drain-it-token";

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.switchboard(Map.of(
                "switchboard.admin.token", TOKEN,
                "switchboard.shutdown.drain-timeout", "3s",
                "switchboard.close.timeout", "2s",
                "switchboard.shutdown.reconnect-jitter", "2s",
                "switchboard.shutdown.close-code", "4001"));
    }

    @ArquillianResource
    URL base;

    private String readiness() throws Exception {
        return Http.get(Servers.health(base, "/ready")).body();
    }

    @Test
    void aDrainNotifiesRefusesClosesTheRestAndCanBeEnded() throws Exception {
        Api api = new Api(base, TOKEN);
        try (TestClient stays = TestClient.connect(Servers.webSocket(base, null))) {
            stays.next("welcome");

            HttpResponse<String> started = api.call("POST", "/drain?reason=maintenance", null);
            assertEquals(202, started.statusCode(), started.body());

            JsonObject notice = stays.next("shutdown");
            assertEquals("maintenance", notice.getString("reason"));
            assertEquals(3_000, notice.getInt("drainMs"));
            long after = notice.getJsonNumber("reconnectAfterMs").longValue();
            assertTrue(after >= 0 && after <= 2_000, "reconnectAfterMs " + after);

            assertTrue(readiness().contains("\"DOWN\""), readiness());
            Http.Answer refused = Http.upgrade(base);
            assertEquals(503, refused.statusCode());
            assertTrue(refused.header("Retry-After").isPresent());
            assertEquals(409, api.call("POST", "/drain", null).statusCode(), "one drain at a time");

            // the client ignores the notice: after drain-timeout it is closed with the configured code
            assertEquals("4001 server shutting down", stays.awaitClose());
        }

        JsonObject state = api.awaitDrainPhase("DONE");
        assertEquals(1, state.getJsonObject("last").getInt("closed"));
        assertEquals(0, state.getJsonObject("last").getInt("aborted"));
        // the same drain in the operator's figures: the refused upgrade and the drain's duration
        long deadline = System.nanoTime() + TestClient.WAIT.toNanos();
        String metrics = api.get("/metrics").body();
        while (sample(metrics, "switchboard_drain_duration_seconds_count") < 1 && System.nanoTime() - deadline < 0) {
            Thread.sleep(50); // recorded by the drain's completion callbacks, just after it reports DONE
            metrics = api.get("/metrics").body();
        }
        assertEquals(1.0, sample(metrics, "switchboard_drain_duration_seconds_count"), metrics);
        assertTrue(sample(metrics, "switchboard_drain_duration_seconds_sum") >= 3.0, "at least drain-timeout: " + metrics);
        assertTrue(sample(metrics, "switchboard_rejections_total{reason=\"draining\"}") >= 1.0, metrics);
        JsonObject stats = Api.json(api.get("/stats")).asJsonObject();
        assertTrue(stats.getJsonObject("rejectionsByReason").getInt("draining") >= 1, stats.toString());

        HttpResponse<String> ended = api.call("DELETE", "/drain", null);
        assertEquals(200, ended.statusCode(), ended.body());
        assertTrue(readiness().contains("\"UP\""), readiness());
        try (TestClient again = TestClient.connect(Servers.webSocket(base, null))) {
            again.next("welcome");
        }
        assertEquals(409, api.call("DELETE", "/drain", null).statusCode(), "nothing left to cancel");
    }

    /** The value of one sample line of a Prometheus scrape, or -1 when absent. */
    private static double sample(String scrape, String nameAndLabels) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^" + java.util.regex.Pattern.quote(nameAndLabels) + " (\\S+)$")
                .matcher(scrape);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }
}
