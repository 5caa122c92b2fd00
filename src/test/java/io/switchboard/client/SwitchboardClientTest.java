package io.switchboard.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The client's side of the protocol against a scripted peer: notices the server side does not send
 * yet, handshake refusals and terminal closes (protocol.md and clients.md).
 */
class SwitchboardClientTest {

    private final FakeServer server = new FakeServer();
    private final Recorder events = new Recorder();
    private SwitchboardClient client;

    SwitchboardClientTest() throws Exception {
    }

    @AfterEach
    void tearDown() throws Exception {
        if (client != null) {
            client.closeAsync();
        }
        server.close();
    }

    private static String welcome(String id, long intervalMs, long timeoutMs) {
        return "{\"type\":\"welcome\",\"connectionId\":\"" + id + "\",\"userId\":\"u\",\"heartbeat\":{\"intervalMs\":"
                + intervalMs + ",\"timeoutMs\":" + timeoutMs + ",\"mode\":\"app\"}}";
    }

    private SwitchboardClient connect(ClientOptions options) {
        client = options.listener(events).backoff(Duration.ofMillis(50), Duration.ofMillis(200)).build().connect();
        return client;
    }

    @Test
    void theTokenAndAppHeartbeatGoWhereAskedAndServerPingsAndTimeRequestsAreAnswered() throws Exception {
        connect(SwitchboardClient.builder(server.uri()).token("jwt-1").tokenTransport(ClientOptions.TokenTransport.QUERY).appHeartbeat(true));
        FakeServer.Peer peer = server.next();
        assertTrue(peer.request.startsWith("GET /ws?heartbeat=app&access_token=jwt-1 "), peer.request);
        peer.send(welcome("c1", 30_000, 10_000));
        assertEquals("open c1", events.next("open"));

        peer.send("{\"type\":\"ping\",\"id\":7}");
        assertEquals("{\"type\":\"pong\",\"id\":7}", peer.next());
        peer.send("{\"type\":\"time\",\"t0\":123}");
        assertTrue(peer.next().startsWith("{\"type\":\"time\",\"t0\":123,\"t1\":"));
    }

    @Test
    void inBandAuthIsTheFirstMessageAndHeaderAuthUsesBearer() throws Exception {
        connect(SwitchboardClient.builder(server.uri()).token("jwt-2").tokenTransport(ClientOptions.TokenTransport.IN_BAND));
        FakeServer.Peer peer = server.next();
        assertEquals("{\"type\":\"auth\",\"token\":\"jwt-2\"}", peer.next());
        client.close();

        client = SwitchboardClient.builder(server.uri()).token("jwt-3").build().connect();
        assertEquals("Bearer jwt-3", server.next().header("authorization"));
    }

    @Test
    void aShutdownNoticeIsHonouredAfterItsDelayAndChannelsAreResubscribed() throws Exception {
        connect(SwitchboardClient.builder(server.uri()));
        client.subscribe("news.*");
        FakeServer.Peer first = server.next();
        first.send(welcome("c1", 30_000, 10_000));
        String subscribe = first.next("subscribe");
        assertTrue(subscribe.contains("\"channel\":\"news.*\""), subscribe);

        long noticeAt = System.nanoTime();
        first.send("{\"type\":\"shutdown\",\"reason\":\"deploy\",\"reconnectAfterMs\":300,\"drainMs\":30000}");
        assertEquals("message shutdown", events.next("message"));
        assertEquals("close 1000", first.next("close"));
        assertTrue(System.nanoTime() - noticeAt >= TimeUnit.MILLISECONDS.toNanos(300), "the client waits reconnectAfterMs before leaving");

        FakeServer.Peer second = server.next();
        second.send(welcome("c2", 30_000, 10_000));
        assertEquals("open c2", events.next("open"));
        assertTrue(second.next("subscribe").contains("\"channel\":\"news.*\""), "resubscribed on the new connection");
    }

    @Test
    void aReconnectNoticeWithAUrlMovesTheClientToThatServer() throws Exception {
        try (FakeServer other = new FakeServer()) {
            connect(SwitchboardClient.builder(server.uri()).appHeartbeat(true));
            FakeServer.Peer first = server.next();
            first.send(welcome("c1", 30_000, 10_000));
            events.next("open");

            first.send("{\"type\":\"reconnect\",\"reason\":\"rebalance\",\"afterMs\":0,\"url\":\"" + other.uri() + "\"}");

            FakeServer.Peer moved = other.next();
            assertTrue(moved.request.startsWith("GET /ws?heartbeat=app "), moved.request);
            moved.send(welcome("c2", 30_000, 10_000));
            assertEquals("open c2", events.next("open"));
        }
    }

    /** Connects to the configured server, then gets its shutdown notice naming {@code other}. */
    private void connectedThenToldToMoveTo(FakeServer other) throws Exception {
        connect(SwitchboardClient.builder(server.uri()));
        FakeServer.Peer first = server.next();
        first.send(welcome("c1", 30_000, 10_000));
        events.next("open");
        first.send("{\"type\":\"shutdown\",\"reason\":\"maintenance\",\"reconnectAfterMs\":0,\"drainMs\":30000,\"url\":\""
                + other.uri() + "\"}");
    }

    @Test
    void aShutdownNoticeWithAUrlIsTriedFirstAndTheConfiguredUrlIsTheFallback() throws Exception {
        FakeServer other = new FakeServer();
        connectedThenToldToMoveTo(other);
        FakeServer.Peer moved = other.next();
        other.close(); // the named node goes away before it welcomes the client
        moved.drop();

        FakeServer.Peer back = server.next();
        back.send(welcome("c2", 30_000, 10_000));
        assertEquals("open c2", events.next("open"));
    }

    @Test
    void aNoticeUrlIsTriedAgainWhileTheConfiguredUrlRefusesUntilAConnectionOpens() throws Exception {
        try (FakeServer other = new FakeServer()) {
            connectedThenToldToMoveTo(other);
            server.refuseNext("503 Service Unavailable\r\nRetry-After: 0"); // the configured node is draining
            other.next().drop(); // the named node did not answer this time (busy taking the drained node's clients)
            FakeServer.Peer moved = other.next(); // so the named node again, not the draining one for good
            moved.send(welcome("c2", 30_000, 10_000));
            assertEquals("open c2", events.next("open"));

            // once connected, the notice's url is spent: a later loss goes to the configured URL
            moved.drop();
            FakeServer.Peer back = server.next();
            back.send(welcome("c3", 30_000, 10_000));
            assertEquals("open c3", events.next("open"));
        }
    }

    @Test
    void aSilentServerIsProbedThenDroppedAndReconnectedTo() throws Exception {
        connect(SwitchboardClient.builder(server.uri()));
        FakeServer.Peer first = server.next();
        first.send(welcome("c1", 200, 200));

        assertTrue(first.next().contains("\"type\":\"ping\""), "a probe after interval + timeout/2 of silence");
        String close = events.next("close");
        assertTrue(close.startsWith("close 1006 server unresponsive"), close);
        assertTrue(close.endsWith("reconnect"), close);
        server.next().send(welcome("c2", 30_000, 10_000));
        assertEquals("open c2", events.next("open"));
    }

    @Test
    void aBusyServersRetryAfterIsWaitedAndAnUnauthorisedHandshakeIsFinal() throws Exception {
        server.refuseNext("503 Service Unavailable\r\nRetry-After: 1");
        server.refuseNext("401 Unauthorized\r\nWWW-Authenticate: Bearer error=\"invalid_token\"");
        long start = System.nanoTime();
        connect(SwitchboardClient.builder(server.uri()));

        assertEquals("close 1006 handshake refused with HTTP 503 reconnect", events.next("close"));
        assertEquals("close 1006 handshake refused with HTTP 401 final", events.next("close"));
        assertTrue(System.nanoTime() - start >= TimeUnit.SECONDS.toNanos(1), "Retry-After is a floor for the next attempt");
        assertEquals(SwitchboardClient.State.CLOSED, client.state());
    }

    @Test
    void terminalCloseCodesEndTheClientAndOthersDoNot() throws Exception {
        connect(SwitchboardClient.builder(server.uri()));
        FakeServer.Peer first = server.next();
        first.send(welcome("c1", 30_000, 10_000));
        events.next("open");
        first.close(1011, "internal error");
        assertEquals("close 1011 internal error reconnect", events.next("close"));

        FakeServer.Peer second = server.next();
        second.send(welcome("c2", 30_000, 10_000));
        events.next("open");
        second.close(1009, "message too big");
        assertEquals("close 1009 message too big final", events.next("close"));
        assertEquals(SwitchboardClient.State.CLOSED, client.state());
    }

    /** Events as short strings, in order. */
    @Test
    void aRefreshNoticeSendsTheSuppliersNextTokenOnTheOpenConnectionAndAnExpiredTokenReconnectsAtOnce() throws Exception {
        java.util.concurrent.atomic.AtomicInteger issued = new java.util.concurrent.atomic.AtomicInteger();
        // a backoff far longer than the test waits: only the immediate reconnect after 4001 can pass
        client = SwitchboardClient.builder(server.uri()).token(() -> "jwt-" + issued.incrementAndGet()).listener(events)
                .backoff(Duration.ofMinutes(5), Duration.ofMinutes(10)).build().connect();
        FakeServer.Peer first = server.next();
        assertEquals("Bearer jwt-1", first.header("authorization"));
        first.send(welcome("c1", 30_000, 10_000));
        assertEquals("open c1", events.next("open"));

        first.send("{\"type\":\"refresh\",\"expiresAt\":1763800000000}");
        String refresh = first.next("auth");
        JsonObject auth = Wire.parse(refresh);
        assertEquals("jwt-2", auth.getString("token"));
        first.send("{\"type\":\"refreshed\",\"expiresAt\":1763800060000,\"ref\":" + auth.get("id") + "}");
        java.util.concurrent.CompletableFuture<JsonObject> own = client.refreshToken(); // the application may refresh too
        JsonObject again = Wire.parse(first.next("auth"));
        assertEquals("jwt-3", again.getString("token"));
        first.send("{\"type\":\"error\",\"code\":\"invalid_token\",\"message\":\"no\",\"ref\":" + again.get("id") + "}");
        java.util.concurrent.ExecutionException refused = org.junit.jupiter.api.Assertions.assertThrows(
                java.util.concurrent.ExecutionException.class, () -> own.get(FakeServer.WAIT_SECONDS, TimeUnit.SECONDS));
        assertEquals("invalid_token", ((SwitchboardException) refused.getCause()).code());
        assertEquals(SwitchboardClient.State.OPEN, client.state());

        first.close(4001, "token expired");
        assertEquals("close 4001 token expired reconnect", events.next("close"));
        FakeServer.Peer second = server.next(); // within seconds although the backoff's floor is five minutes
        assertEquals("Bearer jwt-4", second.header("authorization"));
    }

    @Test
    void aSubscriptionTheServerEndsIsForgottenAndReported() throws Exception {
        connect(SwitchboardClient.builder(server.uri()).token("jwt"));
        client.subscribe("sport.*");
        FakeServer.Peer first = server.next();
        first.send(welcome("c1", 30_000, 10_000));
        first.next("subscribe");
        first.send("{\"type\":\"unsubscribed\",\"channel\":\"sport.*\",\"reason\":\"not allowed\"}");
        assertEquals("message unsubscribed", events.next("message"));
        first.close(1001, "going away");
        FakeServer.Peer second = server.next();
        second.send(welcome("c2", 30_000, 10_000));
        assertEquals("open c2", events.next("open"));
        second.send("{\"type\":\"ping\",\"id\":1}");
        assertEquals("{\"type\":\"pong\",\"id\":1}", second.next(), "no resubscribe of the ended subscription before the pong");
    }

    private static final class Recorder implements ClientListener {
        private final BlockingQueue<String> queue = new LinkedBlockingQueue<>();

        @Override
        public void onOpen(JsonObject welcome) {
            queue.add("open " + welcome.getString("connectionId"));
        }

        @Override
        public void onMessage(JsonObject message) {
            queue.add("message " + message.getString("type"));
        }

        @Override
        public void onClose(int code, String reason, boolean willReconnect) {
            queue.add("close " + code + " " + reason + " " + (willReconnect ? "reconnect" : "final"));
        }

        String next(String kind) throws InterruptedException {
            while (true) {
                String e = queue.poll(FakeServer.WAIT_SECONDS, TimeUnit.SECONDS);
                if (e == null) {
                    throw new AssertionError("no " + kind + " event within " + FakeServer.WAIT_SECONDS + " s");
                }
                if (e.startsWith(kind)) {
                    return e;
                }
            }
        }
    }
}
