package io.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.client.ClientListener;
import io.switchboard.client.SwitchboardClient;
import io.switchboard.it.support.Api;
import io.switchboard.it.support.PayaraMicroProcess;
import io.switchboard.it.support.RedisProcess;
import io.switchboard.it.support.ServerProcess;
import io.switchboard.it.support.Servers;
import io.switchboard.it.support.TestClient;
import io.switchboard.it.support.Tokens;
import jakarta.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Channel history shared by a cluster (protocol.md, history in a cluster): two Payara Micro nodes
 * with history on, sharing one real {@code redis-server} (a mixed Payara/Second cluster is
 * {@link ClusterIT}'s). Runs once, in the Payara Micro run of the suite (it starts its nodes itself).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HistoryClusterIT {

    private static final String ADMIN = "history-cluster-admin-token";

    private static RedisProcess redis;
    private static ServerProcess payara;
    private static ServerProcess second;
    private static Api payaraApi;
    private static Api secondApi;
    private static int payaraPort;

    @BeforeAll
    static void startCluster() throws Exception {
        Assumptions.assumeTrue(Servers.name().equals("payara"), "runs once, in the Payara Micro run");
        redis = RedisProcess.start(null);
        payaraPort = PayaraMicroProcess.freePort();
        int secondPort = PayaraMicroProcess.freePort();
        payara = ServerProcess.launch("payara", node("hp1", "ws://127.0.0.1:" + payaraPort + "/ws"), payaraPort - 8080);
        second = ServerProcess.launch("payara", node("hp2", "ws://127.0.0.1:" + secondPort + "/ws"), secondPort - 8080);
        payara.awaitReady(Duration.ofMinutes(8));
        second.awaitReady(Duration.ofMinutes(8));
        payaraApi = new Api(payara.base(), ADMIN);
        secondApi = new Api(second.base(), ADMIN);
    }

    private static Map<String, String> node(String id, String publicUrl) {
        Map<String, String> s = new TreeMap<>();
        s.put("switchboard.node.public-url", publicUrl);
        s.put("switchboard.cluster.node-timeout", "4s");
        s.put("switchboard.cluster.redis-timeout", "5s"); // a shared, busy machine: no publish lost to a slow answer
        s.put("switchboard.cluster.redis.uri", redis.uri());
        s.put("switchboard.cluster.name", "hit" + redis.port());
        s.put("switchboard.node.id", id);
        s.put("switchboard.admin.token", ADMIN);
        s.put("switchboard.history.size", "1000");
        s.put("switchboard.history.max-recover", "1000");
        s.put("switchboard.rate.messages-per-second", "1000");
        s.put("switchboard.rate.burst", "1000");
        return s;
    }

    @AfterAll
    static void stopCluster() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {payara, second, redis}) {
            if (c != null) {
                c.close();
            }
        }
    }

    private static URI ws(ServerProcess node) {
        return Servers.webSocket(node.base(), null);
    }

    private static JsonObject subscribe(TestClient client, String channel) throws Exception {
        client.send("{\"type\":\"subscribe\",\"channel\":\"" + channel + "\",\"id\":\"s\"}");
        return client.next("subscribed");
    }

    /** The next {@code count} messages of {@code channel} as "offset:data", in arrival order. */
    private static List<String> take(TestClient client, String channel, int count) throws Exception {
        List<String> got = new ArrayList<>();
        while (got.size() < count) {
            JsonObject m;
            try {
                m = client.next("message");
            } catch (AssertionError none) {
                throw new AssertionError("got " + got.size() + " of " + count + ": " + got, none);
            }
            if (channel.equals(m.getString("channel", null))) {
                got.add(m.getJsonNumber("offset").longValue() + ":" + m.get("data"));
            }
        }
        return got;
    }

    @Test
    @Order(1)
    void publishersOnBothNodesAtOnceGiveEverySubscriberTheSameOffsetsInTheSameOrder() throws Exception {
        int each = 150;
        try (TestClient subOnPayara = TestClient.connect(ws(payara));
             TestClient subOnSecond = TestClient.connect(ws(second));
             TestClient pubOnPayara = TestClient.connect(ws(payara));
             TestClient pubOnSecond = TestClient.connect(ws(second))) {
            for (TestClient c : List.of(subOnPayara, subOnSecond, pubOnPayara, pubOnSecond)) {
                c.next("welcome");
            }
            assertEquals(0, subscribe(subOnPayara, "race").getInt("offset"));
            assertEquals(0, subscribe(subOnSecond, "race").getInt("offset"));

            CountDownLatch go = new CountDownLatch(1);
            List<Thread> publishers = new ArrayList<>();
            for (var p : List.of(Map.entry("\"p", pubOnPayara), Map.entry("\"w", pubOnSecond))) {
                Thread t = new Thread(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (int i = 1; i <= each; i++) {
                        p.getValue().send("{\"type\":\"publish\",\"channel\":\"race\",\"data\":" + p.getKey() + i + "\"}");
                    }
                });
                t.start();
                publishers.add(t);
            }
            go.countDown();
            for (Thread t : publishers) {
                t.join();
            }
            for (TestClient p : List.of(pubOnPayara, pubOnSecond)) {
                for (int i = 0; i < each; i++) {
                    JsonObject reply = p.next();
                    assertEquals("published", reply.getString("type"), reply.toString());
                }
            }

            List<String> onPayara = take(subOnPayara, "race", 2 * each);
            List<String> onSecond = take(subOnSecond, "race", 2 * each);
            assertEquals(onPayara, onSecond, "one order for every subscriber");
            int pNext = 1;
            int wNext = 1;
            for (int i = 0; i < onPayara.size(); i++) {
                String[] m = onPayara.get(i).split(":", 2);
                assertEquals(Integer.toString(i + 1), m[0], "offsets 1, 2, 3 … without a gap");
                String data = m[1].replace("\"", "");
                if (data.startsWith("p")) {
                    assertEquals("p" + pNext++, data, "one publisher's messages in its order");
                } else {
                    assertEquals("w" + wNext++, data, "one publisher's messages in its order");
                }
            }
        }
    }

    @Test
    @Order(2)
    void aJavaClientSentFromOneNodeToTheOtherRecoversEveryMessagePublishedWhileItMoved() throws Exception {
        int total = 200;
        List<Integer> seen = new CopyOnWriteArrayList<>();
        List<Boolean> recoveries = new CopyOnWriteArrayList<>();
        // the offset of the last message the application got, and each recovery's position against it
        java.util.concurrent.atomic.AtomicLong lastOffset = new java.util.concurrent.atomic.AtomicLong();
        List<String> wentBack = new CopyOnWriteArrayList<>();
        CountDownLatch all = new CountDownLatch(total);
        ClientListener listener = new ClientListener() {
            @Override
            public void onMessage(JsonObject message) {
                if ("moves".equals(message.getString("channel", null))) {
                    seen.add(message.getInt("data"));
                    lastOffset.set(message.getJsonNumber("offset").longValue());
                    all.countDown();
                }
            }

            @Override
            public void onRecovery(String channel, boolean recovered, JsonObject subscribed) {
                recoveries.add(recovered);
                if (subscribed.getJsonNumber("offset").longValue() < lastOffset.get()) {
                    wentBack.add(subscribed + " after offset " + lastOffset.get());
                }
            }
        };
        try (SwitchboardClient client = SwitchboardClient.builder(ws(second)).token(Tokens.forUser("mover"))
                .listener(listener).build().connect()) {
            client.subscribe("moves").get(30, TimeUnit.SECONDS);
            String id = client.connectionId();
            Thread publisher = new Thread(() -> {
                for (int i = 1; i <= total; i++) {
                    try {
                        Api api = i % 2 == 0 ? payaraApi : secondApi;
                        assertEquals(202, api.call("POST", "/channels/moves/messages", "{\"data\":" + i + "}").statusCode());
                        Thread.sleep(10);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            });
            publisher.start();
            Thread.sleep(300);
            assertEquals(202, secondApi.call("POST", "/connections/" + id + "/reconnect",
                    "{\"reason\":\"move\",\"afterMs\":0,\"url\":\"ws://127.0.0.1:" + payaraPort + "/ws\"}").statusCode());
            publisher.join();
            assertTrue(all.await(60, TimeUnit.SECONDS), "got " + seen.size() + " of " + total);
            Thread.sleep(500); // a duplicate would arrive now
            List<Integer> expected = new ArrayList<>();
            for (int i = 1; i <= total; i++) {
                expected.add(i);
            }
            assertEquals(expected, seen, "every message once, in order");
            assertTrue(recoveries.contains(Boolean.TRUE), "resubscribed on the other node with since: " + recoveries);
            assertFalse(recoveries.contains(Boolean.FALSE), "nothing lost: " + recoveries);
            assertEquals(List.of(), wentBack, "the position after a move is never before what the client already has");
            assertNotEquals(id, client.connectionId(), "it moved");
            JsonObject conn = (JsonObject) Api.json(payaraApi.get("/connections/" + client.connectionId()));
            assertEquals("mover", conn.getString("userId"));
        }
    }

    @Test
    @Order(3)
    void aRedisRestartGivesANewEpochAndRecoveredFalseNeverASilentGap() throws Exception {
        try (TestClient live = TestClient.connect(ws(payara))) {
            live.next("welcome");
            subscribe(live, "restart");
            for (int i = 1; i <= 3; i++) {
                assertEquals(202, secondApi.call("POST", "/channels/restart/messages", "{\"data\":" + i + "}").statusCode());
            }
            JsonObject third = null;
            for (int i = 0; i < 3; i++) {
                third = live.next("message");
            }
            String epoch = third.getString("epoch");
            assertEquals(3, third.getInt("offset"));

            int linesBefore = payara.logLines().size();
            redis.kill();
            redis.launch();
            payara.awaitReady(Duration.ofMinutes(2));
            second.awaitReady(Duration.ofMinutes(2));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (secondApi.call("POST", "/channels/restart/messages", "{\"data\":4}").statusCode() != 202) {
                assertTrue(System.nanoTime() - deadline < 0, "the cluster never took a publish again");
                Thread.sleep(500);
            }
            JsonObject resync = live.next("resync");
            assertEquals("restart", resync.getString("channel"));
            // the node that holds the subscriber logs its catch-up once its link is back: one channel read,
            // nothing recoverable across the new epoch (the resync came from the catch-up, or from the
            // first message of the new epoch when that arrived first)
            String caughtUp = awaitLineAfter(payara, linesBefore, "event=cluster-caught-up node=hp1 ");
            assertTrue(caughtUp.matches(".*channels=1 recovered=0 resynced=[01] durationMs=\\d+.*"), caughtUp);
            JsonObject after = live.next("message");
            assertNotEquals(epoch, after.getString("epoch"), "a new epoch");
            assertEquals(1, after.getInt("offset"));

            try (TestClient back = TestClient.connect(ws(second))) {
                back.next("welcome");
                back.send("{\"type\":\"subscribe\",\"channel\":\"restart\",\"id\":\"s\",\"since\":{\"offset\":3,\"epoch\":\""
                        + epoch + "\"}}");
                JsonObject subscribed = back.next("subscribed");
                assertFalse(subscribed.getBoolean("recovered"));
                assertEquals(after.getString("epoch"), subscribed.getString("epoch"));
                assertEquals(1, subscribed.getInt("offset"));
            }
        }
    }

    /** The first line of {@code node}'s log after its first {@code from} lines that contains {@code text}, waiting 30 s for it. */
    private static String awaitLineAfter(ServerProcess node, int from, String text) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            List<String> lines = node.logLines();
            for (String line : lines.subList(Math.min(from, lines.size()), lines.size())) {
                if (line.contains(text)) {
                    return line;
                }
            }
            assertTrue(System.nanoTime() - deadline < 0, "no line with " + text + " after the restart:\n" + node.logTail());
            Thread.sleep(250);
        }
    }
}
