package io.switchboard.it.support;

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

    /** The status line's code and the headers of an HTTP response. */
    public record Answer(int statusCode, java.util.Map<String, String> headers) {
        /** A header by name, ignoring case. */
        public java.util.Optional<String> header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(java.util.Map.Entry::getValue).findFirst();
        }
    }

    /**
     * A WebSocket upgrade request written by hand on a socket, so that a refusal's HTTP status and
     * headers can be read (the JDK's HTTP client will not send {@code Upgrade}, and a WebSocket client
     * only reports that the handshake failed). The connection is closed after the response head.
     */
    public static Answer upgrade(URL base) throws Exception {
        try (java.net.Socket socket = new java.net.Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout((int) TestClient.WAIT.toMillis());
            socket.getOutputStream().write(("GET /ws HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort() + "\r\n"
                    + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            java.io.InputStream in = socket.getInputStream();
            StringBuilder head = new StringBuilder();
            int b;
            while (!head.toString().endsWith("\r\n\r\n") && (b = in.read()) >= 0) {
                head.append((char) b);
            }
            String[] lines = head.toString().split("\r\n");
            java.util.Map<String, String> headers = new java.util.LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon > 0) {
                    headers.put(lines[i].substring(0, colon).trim(), lines[i].substring(colon + 1).trim());
                }
            }
            return new Answer(Integer.parseInt(lines[0].split(" ")[1]), headers);
        }
    }
}
