package io.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.it.support.Deployments;
import io.switchboard.it.support.Servers;
import io.switchboard.it.support.TestClient;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Liveness and readiness are UP and carry the connection figures (operations.md). */
@ExtendWith(ArquillianExtension.class)
class HealthIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.switchboard();
    }

    @ArquillianResource
    URL base;

    private JsonObject check(String path, String name) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(Servers.health(base, path)).timeout(TestClient.WAIT).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        JsonObject body = Json.createReader(new StringReader(response.body())).readObject();
        assertEquals("UP", body.getString("status"), response.body());
        return body.getJsonArray("checks").stream()
                .map(v -> v.asJsonObject())
                .filter(c -> name.equals(c.getString("name")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no check " + name + " in " + response.body()));
    }

    /** Payara Micro renders every health datum as a JSON string, WildFly keeps numbers and booleans. */
    private static String datum(JsonObject data, String key) {
        JsonValue value = data.get(key);
        if (value == null) {
            throw new AssertionError("no " + key + " in " + data);
        }
        return value instanceof JsonString s ? s.getString() : value.toString();
    }

    @Test
    void readinessCountsTheConnectedClientsAgainstTheLimit() throws Exception {
        try (TestClient one = TestClient.connect(Servers.webSocket(base, null));
             TestClient two = TestClient.connect(Servers.webSocket(base, null))) {
            one.next("welcome");
            two.next("welcome");

            JsonObject ready = check("/ready", "switchboard-ready");
            assertEquals("UP", ready.getString("status"));
            JsonObject data = ready.getJsonObject("data");
            assertEquals("2", datum(data, "activeConnections"));
            assertEquals("10000", datum(data, "maxConnections"));
            assertEquals("0.0002", datum(data, "utilisation"));
            assertEquals("false", datum(data, "atLimit"));
        }
    }

    @Test
    void livenessIsUpWithItsFigures() throws Exception {
        JsonObject live = check("/live", "switchboard-live");
        assertEquals("UP", live.getString("status"));
        assertTrue(live.getJsonObject("data").containsKey("activeConnections"));
        assertTrue(live.getJsonObject("data").containsKey("node"));
    }
}
