package io.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.core.ManagedConnection;
import io.switchboard.it.support.Api;
import io.switchboard.it.support.Deployments;
import io.switchboard.it.support.FrameClient;
import io.switchboard.it.support.HeapProbeServlet;
import io.switchboard.it.support.Http;
import io.switchboard.it.support.LogProbeServlet;
import io.switchboard.it.support.RawWebSocket;
import io.switchboard.it.support.Servers;
import io.switchboard.it.support.TestClient;
import io.switchboard.it.support.Tokens;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What a hostile client does from the network, and what it must get: sockets that die right after
 * their upgrade give their slots back at once (not at the next heartbeat); deeply nested JSON is a
 * malformed message, answered and rate-limited, in-band and in the API; every malformed upgrade the
 * filter can see is a 400; a request head trickled in byte by byte is cut off (WildFly); a token's user id
 * cannot write a line of its own into the log.
 *
 * <p>Timers that could free a ghost are all far away here (heartbeat 30 s, auth timeout 30 s), so a
 * connection released within a few seconds was released because its socket was gone. (A socket reset
 * before its upgrade started holds slots until its handshake ticket expires, 10 s: see the ghosts test.)
 */
@ExtendWith(ArquillianExtension.class)
class HostileClientsIT {

    private static final String ADMIN = "hostile-it-admin-token";
    /** How long the registry may take to forget sockets that are gone: far less than any timer above. */
    private static final long RELEASE_WITHIN_MS = 8_000;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.switchboard(Map.of(
                "switchboard.admin.token", ADMIN,
                "switchboard.auth.timeout", "30s",
                "switchboard.heartbeat.interval", "30s",
                "switchboard.limits.max-per-user", "3",
                "switchboard.rate.messages-per-second", "5",
                "switchboard.rate.burst", "5",
                "switchboard.rate.max-violations", "3"))
                .addClass(LogProbeServlet.class).addClass(HeapProbeServlet.class);
    }

    @ArquillianResource
    URL base;

    private Api api() {
        return new Api(base, ADMIN);
    }

    private URI ws() {
        return Servers.webSocket(base, null);
    }

    @BeforeEach
    void noConnectionsLeft() throws Exception {
        List<String> left = awaitRegistryEmpty(TestClient.WAIT.toMillis());
        assertTrue(left.isEmpty(), "connections still registered before the test: " + left);
    }

    /** Polls {@code GET /api/connections}; returns what is still registered at the deadline (empty when none). */
    private List<String> awaitRegistryEmpty(long withinMs) throws Exception {
        long deadline = System.nanoTime() + withinMs * 1_000_000L;
        List<String> left = new ArrayList<>();
        while (true) {
            JsonArray all = (JsonArray) Api.json(api().get("/connections"));
            left.clear();
            for (JsonObject c : all.getValuesAs(JsonObject.class)) {
                left.add(c.getString("userId", "-") + "/" + c.getString("state", "?"));
            }
            if (left.isEmpty() || System.nanoTime() - deadline > 0) {
                return left;
            }
            Thread.sleep(100);
        }
    }

    /** Polls the {@code switchboard_connections_container} gauge until it is 0; returns its last value. */
    private long awaitContainerSessions(long withinMs) throws Exception {
        long deadline = System.nanoTime() + withinMs * 1_000_000L;
        while (true) {
            double sample = Api.sample(api().get("/metrics").body(), "switchboard_connections_container");
            assertTrue(sample >= 0, "no switchboard_connections_container in /api/metrics");
            long held = (long) sample;
            if (held == 0 || System.nanoTime() - deadline > 0) {
                return held;
            }
            Thread.sleep(100);
        }
    }

    /**
     * Polls the server's heap (after a full collection) until it holds no more Switchboard connection
     * objects than {@code baseline}; returns the last count. Generous: a cancelled timer may keep a
     * released connection until the time it was due (30 s here), which is late, not leaked.
     */
    private long awaitConnectionObjects(long baseline) throws Exception {
        long deadline = System.nanoTime() + 45_000_000_000L;
        while (true) {
            long held = connectionObjects();
            if (held <= baseline || System.nanoTime() - deadline > 0) {
                return held;
            }
            Thread.sleep(1_000);
        }
    }

    /** Switchboard connection objects on the server's heap after a full collection. */
    private long connectionObjects() throws Exception {
        HttpResponse<String> r = Http.get(URI.create(base + "it/heap?class=" + ManagedConnection.class.getName()));
        assertEquals(200, r.statusCode(), r.body());
        return Long.parseLong(r.body().trim());
    }

    // ---- 1. ghosts ------------------------------------------------------------------------------

    @Test
    void socketsThatDieRightAfterTheirUpgradeGiveTheirSlotsBackAtOnce() throws Exception {
        URI ws = ws();
        for (int i = 0; i < 90; i++) {
            // a third as the one user the issue saw locked out, the rest as users of their own
            String user = i % 3 == 0 ? "ghost" : "ghost-" + i;
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(ws.getHost(), ws.getPort()), 5_000);
                s.getOutputStream().write(upgrade("GET", "HTTP/1.1", "Upgrade", key(16), "13",
                        "Authorization", "Bearer " + Tokens.forUser(user)).getBytes(StandardCharsets.ISO_8859_1));
                s.getOutputStream().flush();
                Thread.sleep(2);
                // a reset, as a killed client or a NAT timeout leaves it. (A polite FIN just after the 101
                // lets the welcome be written, so such a ghost goes at the first failed Ping instead:
                // within the heartbeat, not at once; admission.md says so.)
                s.setSoLinger(true, 0);
            }
        }
        List<String> left = awaitRegistryEmpty(RELEASE_WITHIN_MS);
        assertTrue(left.isEmpty(), left.size() + " connections whose socket is gone are still registered: " + left);
        // and the container has let go of them too (Tyrus kept the session of such a socket for good,
        // with its upgrade request and buffers: about 40 KiB each, for the life of the application)
        long held = awaitContainerSessions(RELEASE_WITHIN_MS);
        assertEquals(0, held, "WebSocket sessions the container still holds after their sockets died");
        // and the user's slots are free: max-per-user is 3
        // A socket reset before its upgrade even started never becomes a connection, and no container says
        // so: its slots come back when its handshake ticket expires (10 s), still far inside the timers above.
        List<RawWebSocket> again = new ArrayList<>();
        long deadline = System.nanoTime() + 15_000_000_000L;
        try {
            for (int i = 0; i < 3; i++) {
                RawWebSocket r = RawWebSocket.open(ws, null, "Authorization", "Bearer " + Tokens.forUser("ghost"));
                while (r.status() == 429 && System.nanoTime() - deadline < 0) {
                    r.close();
                    Thread.sleep(250);
                    r = RawWebSocket.open(ws, null, "Authorization", "Bearer " + Tokens.forUser("ghost"));
                }
                again.add(r);
                assertEquals(101, r.status(), "reconnect " + i + " of the user whose sockets died");
            }
        } finally {
            again.forEach(RawWebSocket::close);
        }
    }

    /**
     * Sockets that send their upgrade request and close politely (a FIN) a moment later, without reading
     * the answer: the connection is released, and the WebSocket container lets go of its session too.
     * Tyrus tried to write a close frame to the dead socket and kept the session, with its upgrade
     * request and buffers, for the life of the application (about 40 KiB each; a million such cycles
     * filled the heap), while Switchboard's registry was already empty.
     */
    @Test
    void socketsClosedDuringTheirUpgradeAreForgottenByTheContainerToo() throws Exception {
        URI ws = ws();
        assertTrue(awaitRegistryEmpty(RELEASE_WITHIN_MS).isEmpty(), "connections of an earlier test still registered");
        long before = connectionObjects();
        for (int i = 0; i < 100; i++) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(ws.getHost(), ws.getPort()), 5_000);
                s.getOutputStream().write(upgrade("GET", "HTTP/1.1", "Upgrade", key(16), "13",
                        "Authorization", "Bearer " + Tokens.forUser("fin-" + i)).getBytes(StandardCharsets.ISO_8859_1));
                s.getOutputStream().flush();
                Thread.sleep(i % 3);
            }
        }
        List<String> left = awaitRegistryEmpty(RELEASE_WITHIN_MS);
        assertTrue(left.isEmpty(), left.size() + " connections whose socket is gone are still registered: " + left);
        long held = awaitContainerSessions(RELEASE_WITHIN_MS);
        assertEquals(0, held, "WebSocket sessions the container still holds after their sockets closed");
        // and nothing in the container still reaches them: their memory comes back
        long kept = awaitConnectionObjects(before);
        assertTrue(kept <= before, (kept - before) + " of 100 connections whose socket closed in the upgrade are still on the heap");
    }

    /**
     * A client that reads its welcome and then closes its socket politely (a FIN, no close frame): the
     * server must notice the end of the stream and release the connection at once, not at the first Ping
     * that fails (30 s away here). The socket stays open for reading, so no reset comes back.
     */
    @Test
    void socketsClosedPolitelyAfterTheirWelcomeAreReleasedAtOnce() throws Exception {
        URI ws = ws();
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < 10; i++) {
                Socket s = new Socket();
                sockets.add(s);
                s.setSoTimeout((int) TestClient.WAIT.toMillis());
                s.connect(new InetSocketAddress(ws.getHost(), ws.getPort()), 5_000);
                s.getOutputStream().write(upgrade("GET", "HTTP/1.1", "Upgrade", key(16), "13",
                        "Authorization", "Bearer " + Tokens.forUser("polite-" + i)).getBytes(StandardCharsets.ISO_8859_1));
                s.getOutputStream().flush();
                InputStream in = s.getInputStream();
                String head = readHead(in);
                assertTrue(head.startsWith("HTTP/1.1 101"), head);
                String welcome = readTextFrame(in);
                assertTrue(welcome.contains("\"type\":\"welcome\""), welcome);
                s.shutdownOutput();
            }
            List<String> left = awaitRegistryEmpty(RELEASE_WITHIN_MS);
            assertTrue(left.isEmpty(), left.size() + " connections whose peer closed its socket are still registered: " + left);
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
        }
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed during the upgrade: " + head);
            }
            head.append((char) b);
        }
        return head.toString();
    }

    /** One unmasked text frame from the server (the welcome is one frame, never fragmented). */
    private static String readTextFrame(InputStream in) throws IOException {
        java.io.DataInputStream data = new java.io.DataInputStream(in);
        int first = data.readUnsignedByte();
        int length = data.readUnsignedByte() & 0x7F;
        if (length == 126) {
            length = data.readUnsignedShort();
        } else if (length == 127) {
            length = (int) data.readLong();
        }
        byte[] payload = new byte[length];
        data.readFully(payload);
        assertEquals(0x81, first, "a final text frame");
        return new String(payload, StandardCharsets.UTF_8);
    }

    /** RFC 6455 5.1: a client frame without a mask fails the connection with 1002, and the message is not handled. */
    @Test
    void anUnmaskedClientFrameClosesTheConnectionWith1002() throws Exception {
        try (FrameClient client = FrameClient.connect(Servers.authorized(base, null), null, 0)) {
            assertTrue(client.nextText().contains("\"type\":\"welcome\""));
            client.sendUnmaskedText("{\"type\":\"ping\",\"id\":\"u\"}");
            FrameClient.Frame answer = client.next();
            assertEquals(0x8, answer.opcode(), "a close frame, not a pong: " + answer.text());
            assertEquals(1002, answer.closeCode());
        }
        assertEquals(List.of(), awaitRegistryEmpty(RELEASE_WITHIN_MS), "the connection is released");
    }

    // ---- 2. deep JSON in-band ---------------------------------------------------------------------

    @Test
    void deeplyNestedJsonIsABadRequestAndCountsAgainstTheRate() throws Exception {
        try (TestClient client = TestClient.connect(ws())) {
            client.next("welcome");
            client.send(publish(63)); // 64 levels with the message itself: the default limit
            assertEquals("published", client.next().getString("type"));
            client.send(publish(64));
            JsonObject tooDeep = client.next();
            assertEquals("bad_request", tooDeep.getString("code"), tooDeep.toString());
            assertEquals("nested deeper than 64 levels", tooDeep.getString("message"));

            String deep = "{\"a\":".repeat(1000) + "1" + "}".repeat(1000);
            client.send(deep);
            assertEquals("bad_request", client.next().getString("code"));
            // rate 5/s, burst 5, 3 violations: the same deep message in a burst is rate limited, then closed
            boolean rateLimited = false;
            for (int i = 0; i < 40 && !client.isClosed(); i++) {
                try {
                    client.send(deep);
                } catch (RuntimeException e) {
                    break; // closed under us
                }
            }
            for (int i = 0; i < 40 && !rateLimited; i++) {
                rateLimited = "rate_limited".equals(client.next().getString("code", ""));
            }
            assertTrue(rateLimited, "deep messages count against the message rate");
            assertEquals("1008 rate limit exceeded", client.awaitClose());
        }
    }

    @Test
    void deeplyNestedJsonBeforeAuthIsAuthRequired() throws Exception {
        try (RawWebSocket r = RawWebSocket.open(ws(), null)) {
            assertEquals(101, r.status());
            r.sendText("{\"a\":".repeat(1000) + "1" + "}".repeat(1000));
            assertEquals(1008, r.awaitCloseCode());
        }
    }

    /** {@code {"type":"publish","id":7,"channel":"deep","data":[[...]]}} with {@code arrays} nested arrays as data. */
    private static String publish(int arrays) {
        return "{\"type\":\"publish\",\"id\":7,\"channel\":\"deep\",\"data\":" + "[".repeat(arrays) + "]".repeat(arrays) + "}";
    }

    // ---- 3. deep JSON in the API ------------------------------------------------------------------

    @Test
    void deeplyNestedApiBodiesAre400() throws Exception {
        String[] bodies = {
            "[".repeat(100_000),
            "{\"data\":".repeat(50_000),
            "{\"data\":" + "[".repeat(64) + "]".repeat(64) + "}",
        };
        for (String body : bodies) {
            var response = api().call("POST", "/broadcast", body);
            assertEquals(400, response.statusCode(), body.substring(0, 20) + "... -> " + response.body());
            assertEquals("bad_request", ((JsonObject) Api.json(response)).getString("error"));
        }
        var fine = api().call("POST", "/broadcast", "{\"data\":" + "[".repeat(63) + "]".repeat(63) + "}");
        assertEquals(202, fine.statusCode(), fine.body());
    }

    // ---- 4. malformed upgrades --------------------------------------------------------------------

    @Test
    void everyMalformedUpgradeIs400() throws Exception {
        String token = Tokens.forUser("malformed");
        Map<String, String> requests = new LinkedHashMap<>();
        requests.put("Connection: keep-alive", upgrade("GET", "HTTP/1.1", "keep-alive", key(16), "13", "Authorization", "Bearer " + token));
        requests.put("Connection: close", upgrade("GET", "HTTP/1.1", "close", key(16), "13", "Authorization", "Bearer " + token));
        requests.put("no Connection", upgrade("GET", "HTTP/1.1", null, key(16), "13", "Authorization", "Bearer " + token));
        requests.put("key abc", upgrade("GET", "HTTP/1.1", "Upgrade", "abc", "13", "Authorization", "Bearer " + token));
        requests.put("20-byte key", upgrade("GET", "HTTP/1.1", "Upgrade", key(20), "13", "Authorization", "Bearer " + token));
        requests.put("no key", upgrade("GET", "HTTP/1.1", "Upgrade", null, "13", "Authorization", "Bearer " + token));
        requests.put("POST", upgrade("POST", "HTTP/1.1", "Upgrade", key(16), "13", "Authorization", "Bearer " + token,
                "Content-Length", "0"));
        requests.put("HTTP/1.0", upgrade("GET", "HTTP/1.0", "Upgrade", key(16), "13", "Authorization", "Bearer " + token));
        requests.put("no version", upgrade("GET", "HTTP/1.1", "Upgrade", key(16), null, "Authorization", "Bearer " + token));
        requests.put("version 8", upgrade("GET", "HTTP/1.1", "Upgrade", key(16), "8", "Authorization", "Bearer " + token));
        requests.put("version x", upgrade("GET", "HTTP/1.1", "Upgrade", key(16), "x", "Authorization", "Bearer " + token));
        Map<String, Integer> wrong = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : requests.entrySet()) {
            int status = status(e.getValue());
            if (status != 400) {
                wrong.put(e.getKey(), status);
            }
        }
        assertEquals(Map.of(), wrong, "malformed upgrades not answered 400");
        assertEquals(List.of(), awaitRegistryEmpty(RELEASE_WITHIN_MS), "no refused upgrade holds a connection");
        // the well-formed request these were made from is upgraded; its socket is then reset, which frees
        // the slot at once (a polite FIN after the 101 is only noticed at the next Ping on Payara: see the
        // ghosts test above, and admission.md)
        assertEquals(101, status(upgrade("GET", "HTTP/1.1", "Upgrade", key(16), "13", "Authorization", "Bearer " + token), true));
        assertEquals(List.of(), awaitRegistryEmpty(RELEASE_WITHIN_MS), "the upgraded socket, reset, is released");
    }

    private int status(String request) throws IOException {
        return status(request, false);
    }

    /** The status of the answer to one raw request; the socket is closed right after, reset if asked. */
    private int status(String request, boolean reset) throws IOException {
        URI ws = ws();
        try (Socket s = new Socket()) {
            if (reset) {
                s.setSoLinger(true, 0);
            }
            s.setSoTimeout((int) TestClient.WAIT.toMillis());
            s.connect(new InetSocketAddress(ws.getHost(), ws.getPort()), 5_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            StringBuilder line = new StringBuilder();
            InputStream in = s.getInputStream();
            for (int b; (b = in.read()) != -1 && b != '\n'; ) {
                line.append((char) b);
            }
            String[] parts = line.toString().trim().split(" ");
            return parts.length < 2 ? -1 : Integer.parseInt(parts[1]);
        }
    }

    /** An upgrade request to {@code /ws}; a null Connection, key or version leaves that header out. */
    private String upgrade(String method, String protocol, String connection, String key, String version, String... headers) {
        URI ws = ws();
        StringBuilder r = new StringBuilder(method).append(' ').append(ws.getRawPath()).append(' ').append(protocol).append("\r\n")
                .append("Host: ").append(ws.getHost()).append(':').append(ws.getPort()).append("\r\n")
                .append("Upgrade: websocket\r\n");
        if (connection != null) {
            r.append("Connection: ").append(connection).append("\r\n");
        }
        if (key != null) {
            r.append("Sec-WebSocket-Key: ").append(key).append("\r\n");
        }
        if (version != null) {
            r.append("Sec-WebSocket-Version: ").append(version).append("\r\n");
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            r.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
        }
        return r.append("\r\n").toString();
    }

    private static String key(int bytes) {
        byte[] raw = new byte[bytes];
        for (int i = 0; i < bytes; i++) {
            raw[i] = (byte) (i * 31 + 7);
        }
        return Base64.getEncoder().encodeToString(raw);
    }

    // ---- 5. slowloris -----------------------------------------------------------------------------

    /**
     * WildFly: request-parse-timeout (docker/wildfly-settings.cli). Payara Micro 6 has no deadline for a
     * request head (Grizzly's idle timeout restarts with every byte): seen failing there after 40 s,
     * so it is not run on Payara; admission.md says what to do instead.
     */
    @Test
    @DisabledIfSystemProperty(named = "switchboard.it.server", matches = "payara",
            disabledReason = "Grizzly (Payara Micro 6) has no request-head deadline to set")
    void aRequestHeadTrickledInByteByByteIsCutOff() throws Exception {
        URI ws = ws();
        long startedAt = System.nanoTime();
        long limitMs = 40_000;
        try (Socket s = new Socket()) {
            s.setSoTimeout(1_000);
            s.connect(new InetSocketAddress(ws.getHost(), ws.getPort()), 5_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + ws.getRawPath() + " HTTP/1.1\r\nHost: " + ws.getHost() + "\r\nUpgrade: websocket\r\nX-Slow: ")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            boolean cutOff = false;
            while (!cutOff && System.nanoTime() - startedAt < limitMs * 1_000_000L) {
                try {
                    out.write('a');
                    out.flush();
                    cutOff = s.getInputStream().read() == -1; // waits up to the 1 s socket timeout
                } catch (SocketTimeoutException e) {
                    // still open: one more byte
                } catch (IOException e) {
                    cutOff = true; // reset by the server
                }
            }
            long afterMs = (System.nanoTime() - startedAt) / 1_000_000L;
            assertTrue(cutOff, "a request head trickled in for " + afterMs + " ms is still being read");
        }
    }

    // ---- 6. forged log lines ----------------------------------------------------------------------

    @Test
    void aUserIdCannotForgeALogLine() throws Exception {
        String forger = "eve\nevent=close conn=forged-by-eve user=admin code=1000\r\u2028x";
        try (TestClient client = TestClient.connectAs(ws(), forger)) {
            client.next("welcome");
        }
        assertTrue(awaitRegistryEmpty(TestClient.WAIT.toMillis()).isEmpty());
        JsonArray lines = (JsonArray) Api.json(Http.get(URI.create(base.toExternalForm().replaceAll("/?$", "/") + "it/log")));
        boolean sawEve = false;
        for (JsonString line : lines.getValuesAs(JsonString.class)) {
            String text = line.getString();
            assertFalse(text.contains("\n") || text.contains("\r") || text.contains("\u2028"), "a log line broken by a client value: " + text);
            assertFalse(text.startsWith("event=close conn=forged-by-eve"), "a forged line: " + text);
            sawEve |= text.contains("user=\"eve\\nevent=close conn=forged-by-eve");
        }
        assertTrue(sawEve, "the user id is logged, escaped: " + lines);
    }
}
