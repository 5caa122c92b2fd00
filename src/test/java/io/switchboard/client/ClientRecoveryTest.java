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
 * The Java client's side of channel history (protocol.md, history) against a scripted peer, for
 * what a real server cannot be made to send on demand: a duplicate, a {@code resync}, a refused
 * recovery.
 */
class ClientRecoveryTest {

    private final FakeServer server = new FakeServer();
    private final BlockingQueue<String> events = new LinkedBlockingQueue<>();
    private SwitchboardClient client;

    ClientRecoveryTest() throws Exception {
    }

    @AfterEach
    void tearDown() throws Exception {
        if (client != null) {
            client.closeAsync();
        }
        server.close();
    }

    private String next() throws InterruptedException {
        String e = events.poll(FakeServer.WAIT_SECONDS, TimeUnit.SECONDS);
        if (e == null) {
            throw new AssertionError("no event within " + FakeServer.WAIT_SECONDS + " s");
        }
        return e;
    }

    private static String message(String channel, int offset, String epoch) {
        return "{\"type\":\"message\",\"channel\":\"" + channel + "\",\"data\":" + offset + ",\"offset\":" + offset
                + ",\"epoch\":\"" + epoch + "\",\"seq\":1}";
    }

    private static String welcome(String id) {
        return "{\"type\":\"welcome\",\"connectionId\":\"" + id + "\",\"userId\":\"u\",\"heartbeat\":{\"intervalMs\":30000,"
                + "\"timeoutMs\":10000,\"mode\":\"protocol\"}}";
    }

    /** The id of a subscribe request, to answer it. */
    private static String idOf(String request) {
        return request.replaceAll(".*\"id\":(\\d+).*", "$1");
    }

    @Test
    void resubscribesFromTheLastMessageSeenDeliversEachOnceAndReportsRecovery() throws Exception {
        client = SwitchboardClient.builder(server.uri()).backoff(Duration.ofMillis(50), Duration.ofMillis(200))
                .listener(new ClientListener() {
                    @Override
                    public void onMessage(JsonObject m) {
                        events.add("message " + m.getString("channel", "-") + " " + m.get("data"));
                    }

                    @Override
                    public void onRecovery(String channel, boolean recovered, JsonObject subscribed) {
                        events.add("recovery " + channel + " " + recovered);
                    }
                }).build().connect();
        client.subscribe("orders");
        client.subscribe("orders.*");
        FakeServer.Peer first = server.next();
        first.send(welcome("c1"));
        String subscribe = first.next("\"orders\"");
        assertTrue(!subscribe.contains("since"), "nothing seen yet: " + subscribe);
        first.send("{\"type\":\"subscribed\",\"channel\":\"orders\",\"ref\":" + idOf(subscribe) + ",\"offset\":4,\"epoch\":\"e1\"}");
        first.send(message("orders", 5, "e1"));
        first.send(message("orders", 5, "e1"));
        first.send(message("orders.x", 1, "e9"));
        first.send(message("orders.x", 1, "e9"));
        assertEquals("message orders 5", next());
        assertEquals("message orders.x 1", next(), "the duplicate of 5 was dropped");
        assertEquals("message orders.x 1", next(), "a channel reached through a pattern is not tracked");

        first.close(1001, "server shutting down");
        FakeServer.Peer second = server.next();
        second.send(welcome("c2"));
        String again = second.next("\"orders\"");
        assertTrue(again.contains("\"since\":{\"offset\":5,\"epoch\":\"e1\"}"), again);
        second.send(message("orders", 5, "e1"));
        second.send(message("orders", 6, "e1"));
        second.send("{\"type\":\"subscribed\",\"channel\":\"orders\",\"ref\":" + idOf(again)
                + ",\"recovered\":true,\"offset\":6,\"epoch\":\"e1\"}");
        assertEquals("message orders 6", next());
        assertEquals("recovery orders true", next());

        second.send("{\"type\":\"resync\",\"channel\":\"orders\"}");
        String resync = second.next("\"orders\"");
        assertTrue(resync.contains("\"since\":{\"offset\":6,\"epoch\":\"e1\"}"), resync);
        second.send("{\"type\":\"subscribed\",\"channel\":\"orders\",\"ref\":" + idOf(resync)
                + ",\"recovered\":false,\"offset\":40,\"epoch\":\"e2\"}");
        assertEquals("recovery orders false", next());
        second.send(message("orders", 41, "e2"));
        assertEquals("message orders 41", next());
    }

    /**
     * A subscribe answered {@code unavailable} (the server could not read the shared history in time)
     * is tried again on the same connection, with the same {@code since}, and its future completes
     * with the answer to the retry; a refusal of another kind is final.
     */
    @Test
    void aSubscribeAnsweredUnavailableIsTriedAgainWithItsSinceAndThenCompletes() throws Exception {
        client = SwitchboardClient.builder(server.uri()).backoff(Duration.ofMillis(50), Duration.ofMillis(200))
                .listener(new ClientListener() {
                    @Override
                    public void onMessage(JsonObject m) {
                        events.add("message " + m.getString("channel", "-") + " " + m.get("data"));
                    }
                }).build().connect();
        var subscribed = client.subscribe("orders");
        FakeServer.Peer peer = server.next();
        peer.send(welcome("c1"));
        String first = peer.next("\"orders\"");
        peer.send("{\"type\":\"subscribed\",\"channel\":\"orders\",\"ref\":" + idOf(first) + ",\"offset\":4,\"epoch\":\"e1\"}");
        peer.send(message("orders", 5, "e1"));
        assertEquals("message orders 5", next());
        subscribed.get(FakeServer.WAIT_SECONDS, TimeUnit.SECONDS);

        peer.send("{\"type\":\"resync\",\"channel\":\"orders\"}");
        String resync = peer.next("\"orders\"");
        peer.send("{\"type\":\"error\",\"code\":\"unavailable\",\"message\":\"the channel's history cannot be read\",\"ref\":"
                + idOf(resync) + "}");
        String again = peer.next("\"orders\"");
        assertTrue(again.contains("\"since\":{\"offset\":5,\"epoch\":\"e1\"}"), again);
        peer.send("{\"type\":\"subscribed\",\"channel\":\"orders\",\"ref\":" + idOf(again)
                + ",\"recovered\":true,\"offset\":5,\"epoch\":\"e1\"}");
        peer.send(message("orders", 5, "e1"));
        peer.send(message("orders", 6, "e1"));
        assertEquals("message orders 6", next(), "still filtered by offset: the channel was never forgotten");

        var refused = client.subscribe("secret");
        String secret = peer.next("\"secret\"");
        peer.send("{\"type\":\"error\",\"code\":\"forbidden\",\"message\":\"no\",\"ref\":" + idOf(secret) + "}");
        try {
            refused.get(FakeServer.WAIT_SECONDS, TimeUnit.SECONDS);
            throw new AssertionError("a forbidden subscribe must fail");
        } catch (java.util.concurrent.ExecutionException e) {
            assertEquals("forbidden", ((SwitchboardException) e.getCause()).code());
        }
    }
}
