package io.switchboard.it;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** Plain HTTP calls of the container tests: upgrade attempts and health probes. */
public final class Http {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private Http() {
    }

    public static HttpResponse<String> get(URI uri) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri).timeout(TestClient.WAIT).build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * A WebSocket upgrade request by hand, so that a refusal's HTTP status and headers can be read
     * (a WebSocket client only reports that the handshake failed).
     */
    public static HttpResponse<String> upgrade(URL base) throws Exception {
        URI ws = Servers.webSocket(base, null);
        URI http = URI.create(ws.toString().replaceFirst("^ws", "http"));
        return HTTP.send(HttpRequest.newBuilder(http).timeout(TestClient.WAIT)
                        .header("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
                        .header("Sec-WebSocket-Version", "13")
                        .GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
