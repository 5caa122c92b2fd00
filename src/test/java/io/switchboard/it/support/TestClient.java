package io.switchboard.it.support;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real WebSocket client for the container tests (the JDK's), recording every text message and
 * the close it received. Waits are bounded: a missing message fails the test, it never hangs it.
 * Every text message is checked against the AsyncAPI document on arrival; a mismatch fails the test
 * at the next wait or at {@link #close()} ({@link ProtocolSchemas.Recorder}).
 */
public final class TestClient implements AutoCloseable {

    public static final Duration WAIT = Duration.ofSeconds(20);

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final AtomicInteger USERS = new AtomicInteger();

    private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    private final CompletableFuture<String> closed = new CompletableFuture<>();
    private final ProtocolSchemas.Recorder schema = new ProtocolSchemas.Recorder();
    private final WebSocket socket;
    /** When set, the client closes by itself as soon as it receives a shutdown notice. */
    private volatile boolean leaveOnShutdown;
    private final String user;

    private TestClient(URI uri, String user, String... headers) throws Exception {
        this.user = user;
        WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(WAIT);
        for (int i = 0; i + 1 < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        this.socket = builder.buildAsync(uri, new Listener()).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    /** Connects with a bearer token of a user of its own ({@code tester-N}; see {@link #user()}). */
    public static TestClient connect(URI uri) throws Exception {
        return connectAs(uri, "tester-" + USERS.incrementAndGet());
    }

    /** Connects with {@code Authorization: Bearer} and a valid token for {@code user}. */
    public static TestClient connectAs(URI uri, String user) throws Exception {
        return new TestClient(uri, user, "Authorization", "Bearer " + Tokens.forUser(user));
    }

    /** Connects with exactly these headers (name, value, name, value...), no token unless given. */
    public static TestClient connectWith(URI uri, String... headers) throws Exception {
        return new TestClient(uri, null, headers);
    }

    /** The user whose token {@link #connect} or {@link #connectAs} presented; null for {@link #connectWith}. */
    public String user() {
        return user;
    }

    /** Makes this a cooperative client: it closes (1000) as soon as the server announces a drain. */
    public TestClient leaveOnShutdown() {
        leaveOnShutdown = true;
        return this;
    }

    public void send(String text) {
        socket.sendText(text, true).join();
    }

    public void sendBinary(java.nio.ByteBuffer data) {
        socket.sendBinary(data, true).join();
    }

    /** The next text message, parsed; fails when none arrives in time. */
    public JsonObject next() throws InterruptedException {
        String text = received.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        schema.assertClean();
        if (text == null) {
            throw new AssertionError("no message within " + WAIT);
        }
        return Json.createReader(new StringReader(text)).readObject();
    }

    /** The next message of this type, skipping others; fails when none arrives in time. */
    public JsonObject next(String type) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() - deadline < 0) {
            String text = received.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            schema.assertClean();
            if (text == null) {
                break;
            }
            JsonObject message = Json.createReader(new StringReader(text)).readObject();
            if (type.equals(message.getString("type", null))) {
                return message;
            }
        }
        throw new AssertionError("no '" + type + "' message within " + WAIT);
    }

    /** {@code "<code> <reason>"} of the close the server sent, waiting for it. */
    public String awaitClose() throws Exception {
        String close = closed.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        schema.assertClean();
        return close;
    }

    public boolean isClosed() {
        return closed.isDone();
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "").exceptionally(e -> null);
        }
        socket.abort();
        schema.assertClean();
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                schema.check(text);
                received.add(text);
                partial.setLength(0);
                if (leaveOnShutdown && text.contains("\"type\":\"shutdown\"")) {
                    webSocket.sendClose(WebSocket.NORMAL_CLOSURE, "leaving");
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode + " " + reason);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.completeExceptionally(error);
        }
    }
}
