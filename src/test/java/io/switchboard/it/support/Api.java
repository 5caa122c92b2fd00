package io.switchboard.it.support;

import jakarta.json.Json;
import jakarta.json.JsonStructure;
import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Calls the admin API of the server under test with a real HTTP client. */
public final class Api {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final URL base;
    private final String token;

    public Api(URL base, String token) {
        this.base = base;
        this.token = token;
    }

    public HttpResponse<String> call(String method, String path, String body) throws Exception {
        String root = base.toExternalForm().endsWith("/") ? base.toExternalForm() : base.toExternalForm() + "/";
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(root + "api" + path))
                .timeout(TestClient.WAIT)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> get(String path) throws Exception {
        return call("GET", path, null);
    }

    /** The value of one sample line of a metrics scrape ({@code switchboard_connections_active}), or -1 when absent. */
    public static double sample(String scrape, String nameAndLabels) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(nameAndLabels) + " (\\S+)$").matcher(scrape);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    public static JsonStructure json(HttpResponse<String> response) {
        return Json.createReader(new StringReader(response.body())).read();
    }

    /** Waits until the server lists {@code channel} among the connection's subscriptions. */
    public void awaitSubscribed(String connectionId, String channel) throws Exception {
        long deadline = System.nanoTime() + TestClient.WAIT.toNanos();
        while (true) {
            HttpResponse<String> response = get("/connections/" + connectionId);
            if (response.statusCode() == 200
                    && json(response).asJsonObject().getJsonArray("channels").contains(Json.createValue(channel))) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(connectionId + " never subscribed to " + channel + ": " + response.body());
            }
            Thread.sleep(50);
        }
    }

    /** Waits until {@code GET /api/drain} reports {@code phase}, and returns that answer. */
    public jakarta.json.JsonObject awaitDrainPhase(String phase) throws Exception {
        long deadline = System.nanoTime() + TestClient.WAIT.toNanos();
        jakarta.json.JsonObject state = json(get("/drain")).asJsonObject();
        while (!phase.equals(state.getString("phase"))) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("the drain never reached " + phase + ": " + state);
            }
            Thread.sleep(50);
            state = json(get("/drain")).asJsonObject();
        }
        return state;
    }
}
