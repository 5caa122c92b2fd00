package io.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.it.support.Api;
import io.switchboard.it.support.Http;
import io.switchboard.it.support.RedisProcess;
import io.switchboard.it.support.ServerProcess;
import io.switchboard.it.support.Servers;
import io.switchboard.it.support.TestClient;
import io.switchboard.it.support.Tokens;
import jakarta.json.JsonObject;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A mixed cluster of real processes: one Payara Micro node and one WildFly node sharing one real
 * {@code redis-server}. Every delivery path crosses from one node to the other. Runs once, in the
 * Payara Micro run of the suite (it starts both servers itself).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {

    private static final String ADMIN = "cluster-admin-token";

    private static RedisProcess redis;
    private static ServerProcess payara;
    private static ServerProcess wildfly;
    private static Api payaraApi;
    private static Api wildflyApi;
    /** A Redis with a password, and a WildFly node given the wrong one: it boots beside the cluster. */
    private static RedisProcess guarded;
    private static ServerProcess wrongPassword;

    @BeforeAll
    static void startCluster() throws Exception {
        Assumptions.assumeTrue(Servers.name().equals("payara"), "runs once, in the Payara Micro run");
        redis = RedisProcess.start(null);
        int payaraPort = ServerProcess.freePort();
        int wildflyOffset = freeWildFlyOffset(Set.of(payaraPort));
        payara = ServerProcess.launch("payara", node("p1", "ws://127.0.0.1:" + payaraPort + "/ws"), payaraPort - 8080);
        Map<String, String> w1 = node("w1", "ws://127.0.0.1:" + (8080 + wildflyOffset) + "/ws");
        // the policy is the admitting node's: Payara refuses a user's third connection, WildFly closes the oldest
        w1.put("switchboard.limits.per-user-policy", "close-oldest");
        wildfly = ServerProcess.launch("wildfly", w1, wildflyOffset);
        guarded = RedisProcess.start("right-password-1234");
        Map<String, String> bad = new TreeMap<>(node("w-bad", "ws://127.0.0.1:1/ws"));
        bad.put("switchboard.cluster.redis.uri", "redis://:wrong-password-5678@127.0.0.1:" + guarded.port());
        Set<Integer> taken = new HashSet<>(wildflyPorts(wildflyOffset));
        taken.add(payaraPort);
        wrongPassword = ServerProcess.launch("wildfly", bad, freeWildFlyOffset(taken));
        payara.awaitReady(Duration.ofMinutes(8));
        wildfly.awaitReady(Duration.ofMinutes(8));
        payaraApi = new Api(payara.base(), ADMIN);
        wildflyApi = new Api(wildfly.base(), ADMIN);
    }

    private static Map<String, String> node(String id, String publicUrl) {
        Map<String, String> s = new TreeMap<>();
        s.put("switchboard.node.public-url", publicUrl);
        s.put("switchboard.cluster.node-timeout", "4s");
        s.put("switchboard.cluster.redis-timeout", "1s");
        s.put("switchboard.cluster.redis.uri", redis.uri());
        s.put("switchboard.cluster.name", "it" + redis.port());
        s.put("switchboard.node.id", id);
        s.put("switchboard.admin.token", ADMIN);
        s.put("switchboard.rate.messages-per-second", "1000");
        s.put("switchboard.rate.burst", "1000");
        s.put("switchboard.limits.max-per-user", "2");
        return s;
    }

    /** The ports of standalone-microprofile.xml's socket bindings, before the offset. */
    private static final int[] WILDFLY_PORTS = {4712, 4713, 8009, 8080, 8443, 9990, 9993};

    private static Set<Integer> wildflyPorts(int offset) {
        return Arrays.stream(WILDFLY_PORTS).map(p -> p + offset).boxed().collect(Collectors.toSet());
    }

    /**
     * A WildFly port offset whose ports are all free now and none of them in {@code taken}: the ports of
     * servers launched before, which may not listen yet.
     */
    private static int freeWildFlyOffset(Set<Integer> taken) throws Exception {
        for (int attempt = 0; attempt < 50; attempt++) {
            int offset = ServerProcess.freePort() - 9990;
            Set<Integer> ports = wildflyPorts(offset);
            if (offset > 0 && offset < 50_000 && ports.stream().allMatch(ClusterIT::free)
                    && ports.stream().noneMatch(taken::contains)) {
                return offset;
            }
        }
        throw new IllegalStateException("no free WildFly port offset");
    }

    private static boolean free(int port) {
        try (ServerSocket s = new ServerSocket(port)) {
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    @AfterAll
    static void stopCluster() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {payara, wildfly, redis, wrongPassword, guarded}) {
            if (c != null) {
                c.close();
            }
        }
    }

    private static URI ws(ServerProcess node) {
        return Servers.webSocket(node.base(), null);
    }

    private static JsonObject subscribe(TestClient client, String pattern) throws Exception {
        client.send("{\"type\":\"subscribe\",\"channel\":\"" + pattern + "\",\"id\":\"s\"}");
        return client.next("subscribed");
    }

    /** The next message on {@code channel}, skipping others (such as earlier probes). */
    private static JsonObject nextOn(TestClient client, String channel) throws Exception {
        while (true) {
            JsonObject m = client.next("message");
            if (channel.equals(m.getString("channel", null))) {
                return m;
            }
        }
    }

    /**
     * A wildcard subscription reaches the other nodes as an announcement: publish probes through
     * {@code api} until one arrives, so the test starts once the pattern is known cluster-wide.
     */
    private static void awaitPatternKnown(Api api, TestClient client, String probeChannel) throws Exception {
        long deadline = System.nanoTime() + TestClient.WAIT.toNanos();
        while (System.nanoTime() - deadline < 0) {
            assertEquals(202, api.call("POST", "/channels/" + probeChannel + "/messages", "{\"data\":\"probe\"}").statusCode());
            try {
                client.next("message");
                return;
            } catch (AssertionError notYet) {
                // the announcement had not arrived; the next probe will tell
            }
        }
        throw new AssertionError("the pattern never became known on the other node");
    }

    @Test
    @Order(1)
    void clientAndApiPublishesCrossNodesBothWaysInOrderAndWildcardsMatch() throws Exception {
        try (TestClient onWildFly = TestClient.connect(ws(wildfly));
             TestClient wildcardOnWildFly = TestClient.connect(ws(wildfly));
             TestClient onPayara = TestClient.connect(ws(payara))) {
            onWildFly.next("welcome");
            wildcardOnWildFly.next("welcome");
            assertEquals("p1", onPayara.next("welcome").getString("node"));
            subscribe(onWildFly, "scores.football");
            subscribe(onPayara, "alerts.red");

            // client publish through Payara, one publisher: every message, in order, on WildFly
            for (int i = 1; i <= 100; i++) {
                onPayara.send("{\"type\":\"publish\",\"channel\":\"scores.football\",\"data\":" + i + "}");
            }
            for (int i = 1; i <= 100; i++) {
                JsonObject m = nextOn(onWildFly, "scores.football");
                assertEquals(i, m.getInt("data"));
                assertEquals(i, m.getInt("seq"));
            }

            // API publish through WildFly reaches the subscriber on Payara
            assertEquals(202, wildflyApi.call("POST", "/channels/alerts.red/messages", "{\"data\":{\"level\":3}}").statusCode());
            assertEquals(3, nextOn(onPayara, "alerts.red").getJsonObject("data").getInt("level"));

            // wildcards: '*' and '>' on WildFly match a publish made through Payara
            subscribe(wildcardOnWildFly, "scores.*");
            awaitPatternKnown(payaraApi, wildcardOnWildFly, "scores.probe");
            subscribe(wildcardOnWildFly, "scores.>");
            onPayara.send("{\"type\":\"publish\",\"channel\":\"scores.tennis\",\"data\":\"ace\",\"id\":9}");
            assertEquals("published", onPayara.next("published").getString("type"));
            assertEquals("ace", nextOn(wildcardOnWildFly, "scores.tennis").getString("data"));
        }
    }

    @Test
    @Order(2)
    void userConnectionAndBroadcastMessagesAndOperatorCallsReachAConnectionOnTheOtherNode() throws Exception {
        try (TestClient bob = TestClient.connectAs(ws(wildfly), "bob-cluster");
             TestClient other = TestClient.connect(ws(payara))) {
            String bobId = bob.next("welcome").getString("connectionId");
            other.next("welcome");

            assertEquals(202, payaraApi.call("POST", "/users/bob-cluster/messages", "{\"data\":\"to bob\"}").statusCode());
            assertEquals("to bob", bob.next("message").getString("data"));

            assertEquals(202, payaraApi.call("POST", "/connections/" + bobId + "/messages", "{\"data\":\"to one\"}").statusCode());
            assertEquals("to one", bob.next("message").getString("data"));

            assertEquals(202, wildflyApi.call("POST", "/broadcast", "{\"data\":\"everyone\"}").statusCode());
            assertEquals("everyone", bob.next("message").getString("data"));
            assertEquals("everyone", other.next("message").getString("data"));

            assertEquals(404, payaraApi.call("POST", "/connections/no-such-connection/messages", "{\"data\":1}").statusCode());

            // WildFly's connection is fetched through Payara: WildFly answers with its live view
            java.net.http.HttpResponse<String> fetched = payaraApi.get("/connections/" + bobId);
            assertEquals(200, fetched.statusCode(), fetched.body());
            assertEquals(java.util.Optional.of("w1"), fetched.headers().firstValue("X-Switchboard-Node"));
            JsonObject remote = Api.json(fetched).asJsonObject();
            assertEquals("bob-cluster", remote.getString("userId"));
            assertEquals("OPEN", remote.getString("state"));
            assertTrue(remote.getJsonNumber("messagesOut").longValue() >= 2, "live figures of the node that holds it: " + remote);
            jakarta.json.JsonArray all = Api.json(payaraApi.get("/connections?scope=cluster&user=bob-cluster")).asJsonArray();
            assertEquals(1, all.size(), all.toString());
            assertEquals(bobId, all.getJsonObject(0).getString("id"));

            assertEquals(202, payaraApi.call("POST", "/connections/" + bobId + "/reconnect",
                    "{\"reason\":\"rebalance\",\"url\":\"ws://elsewhere.example/ws\"}").statusCode());
            JsonObject reconnect = bob.next("reconnect");
            assertEquals("rebalance", reconnect.getString("reason"));
            assertEquals("ws://elsewhere.example/ws", reconnect.getString("url"));
        }
        try (TestClient carol = TestClient.connectAs(ws(payara), "carol-cluster")) {
            String id = carol.next("welcome").getString("connectionId");
            java.net.http.HttpResponse<String> closed = wildflyApi.call("DELETE", "/connections/" + id + "?code=4000&reason=moved", null);
            assertEquals(202, closed.statusCode(), closed.body());
            assertEquals(id, Api.json(closed).asJsonObject().getString("id"), "Payara's answer, relayed");
            assertEquals(java.util.Optional.of("p1"), closed.headers().firstValue("X-Switchboard-Node"));
            assertEquals("4000 moved", carol.awaitClose());
        }
    }

    /** The status of an upgrade as {@code user}: 101 when accepted (the socket is closed at once), else the refusal. */
    private static int upgradeAs(ServerProcess node, String user) throws Exception {
        try {
            java.net.http.WebSocket socket = java.net.http.HttpClient.newHttpClient().newWebSocketBuilder()
                    .header("Authorization", "Bearer " + Tokens.forUser(user))
                    .buildAsync(ws(node), new java.net.http.WebSocket.Listener() { })
                    .get(TestClient.WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            socket.abort();
            return 101;
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof java.net.http.WebSocketHandshakeException refused) {
                return refused.getResponse().statusCode();
            }
            throw e;
        }
    }

    @Test
    @Order(3)
    void thePerUserLimitCountsBothNodesAndAClosedConnectionFreesItsSlot() throws Exception {
        try (TestClient onPayara = TestClient.connectAs(ws(payara), "erin-cluster")) {
            onPayara.next("welcome");
            try (TestClient onWildFly = TestClient.connectAs(ws(wildfly), "erin-cluster")) {
                onWildFly.next("welcome");
                assertEquals(429, upgradeAs(payara, "erin-cluster"), "two connections on two nodes: the limit is reached");
            }
            long deadline = System.nanoTime() + TestClient.WAIT.toNanos();
            int status;
            do {
                Thread.sleep(200);
                status = upgradeAs(payara, "erin-cluster");
            } while (status != 101 && System.nanoTime() - deadline < 0);
            assertEquals(101, status, "WildFly's closed connection gave its slot back");
        }
    }

    @Test
    @Order(3)
    void closeOldestClosesTheUsersOldestConnectionOnTheOtherNode() throws Exception {
        try (TestClient oldest = TestClient.connectAs(ws(payara), "fay-cluster")) {
            oldest.next("welcome");
            try (TestClient second = TestClient.connectAs(ws(wildfly), "fay-cluster")) {
                second.next("welcome");
                try (TestClient newest = TestClient.connectAs(ws(wildfly), "fay-cluster")) {
                    newest.next("welcome");
                    assertEquals("1008 replaced by newer connection", oldest.awaitClose(), "Payara held the oldest");
                    newest.send("{\"type\":\"ping\",\"id\":1}");
                    assertEquals("pong", newest.next("pong").getString("type"));
                    assertFalse(second.isClosed());
                }
            }
        }
    }

    @Test
    @Order(3)
    void aUsersConnectionsOnEveryNodeAreClosedInOneCallAndStatsAddUpEveryNode() throws Exception {
        try (TestClient onWildFly = TestClient.connectAs(ws(wildfly), "dave-cluster");
             TestClient onPayara = TestClient.connectAs(ws(payara), "dave-cluster")) {
            String w = onWildFly.next("welcome").getString("connectionId");
            String p = onPayara.next("welcome").getString("connectionId");

            JsonObject stats = Api.json(payaraApi.get("/stats?scope=cluster")).asJsonObject();
            assertEquals(List.of(), stats.getJsonArray("silentNodes").getValuesAs(jakarta.json.JsonString::getString));
            JsonObject byNode = stats.getJsonObject("byNode");
            assertEquals(java.util.Set.of("p1", "w1"), byNode.keySet());
            long active = byNode.getJsonObject("p1").getJsonObject("pool").getInt("active")
                    + byNode.getJsonObject("w1").getJsonObject("pool").getInt("active");
            assertTrue(active >= 2, stats.toString());
            assertEquals(active, stats.getJsonObject("total").getJsonObject("pool").getInt("active"));
            assertEquals(2, stats.getJsonObject("total").getJsonObject("pool").getJsonArray("topUsers").stream()
                    .map(JsonObject.class::cast).filter(u -> u.getString("userId").equals("dave-cluster"))
                    .findFirst().orElseThrow().getInt("connections"));

            java.net.http.HttpResponse<String> revoked = wildflyApi.call("DELETE", "/users/dave-cluster/connections?code=4003&reason=revoked", null);
            assertEquals(202, revoked.statusCode(), revoked.body());
            JsonObject answer = Api.json(revoked).asJsonObject();
            assertEquals(java.util.Set.of(w, p), java.util.Set.copyOf(answer.getJsonArray("closed").getValuesAs(jakarta.json.JsonString::getString)));
            assertEquals(0, answer.getJsonArray("silentNodes").size());
            assertEquals("4003 revoked", onWildFly.awaitClose());
            assertEquals("4003 revoked", onPayara.awaitClose());

            assertEquals(404, payaraApi.call("DELETE", "/connections/" + w, null).statusCode(), "gone from the registry");
        }
    }

    @Test
    @Order(10)
    void aWrongPasswordStopsTheDeploymentWithOneLineNamingTheKeyAndNotThePassword() throws Exception {
        String line = wrongPassword.awaitLogLine("switchboard.cluster.redis.uri", Duration.ofMinutes(6));
        assertTrue(line.contains("password"), line);
        List<String> leaks = new ArrayList<>();
        for (String l : wrongPassword.logLines()) {
            if (l.contains("wrong-password-5678")) {
                leaks.add(l);
            }
        }
        assertEquals(List.of(), leaks, "the password must never be logged");
    }

    private static int readiness(ServerProcess node) throws Exception {
        return Http.get(node.readiness()).statusCode();
    }

    private static void awaitReadiness(ServerProcess node, int status) throws Exception {
        long deadline = System.nanoTime() + TestClient.WAIT.toNanos();
        int last = -1;
        while (System.nanoTime() - deadline < 0) {
            last = readiness(node);
            if (last == status) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("readiness stayed " + last + ", expected " + status + ": " + Http.get(node.readiness()).body());
    }

    /** Publishes through Payara until the WildFly subscriber gets one: the cluster delivers again. */
    private static void awaitCrossing(TestClient subscriber, String channel) throws Exception {
        long deadline = System.nanoTime() + TestClient.WAIT.toNanos();
        while (System.nanoTime() - deadline < 0) {
            if (payaraApi.call("POST", "/channels/" + channel + "/messages", "{\"data\":\"again\"}").statusCode() == 202) {
                try {
                    nextOn(subscriber, channel);
                    return;
                } catch (AssertionError notYet) {
                    // resubscription still under way
                }
            } else {
                Thread.sleep(200);
            }
        }
        throw new AssertionError("messages never crossed again");
    }

    @Test
    @Order(3)
    void theNodesListBothNodesWithTheirPublicUrls() throws Exception {
        long deadline = System.nanoTime() + TestClient.WAIT.toNanos();
        jakarta.json.JsonArray nodes;
        do {
            nodes = Api.json(payaraApi.get("/nodes")).asJsonArray();
            Thread.sleep(200);
        } while (nodes.size() < 2 && System.nanoTime() - deadline < 0);
        assertEquals(2, nodes.size(), nodes.toString());
        assertEquals("p1", nodes.getJsonObject(0).getString("id"));
        assertTrue(nodes.getJsonObject(0).getBoolean("self"));
        assertEquals("w1", nodes.getJsonObject(1).getString("id"));
        assertEquals(Servers.webSocket(wildfly.base(), null).toString(), nodes.getJsonObject(1).getString("publicUrl"));
        assertFalse(nodes.getJsonObject(1).getBoolean("draining"));
    }

    @Test
    @Order(4)
    void whenRedisFreezesOrDiesANodeRefusesWhatItCannotCarryKeepsItsConnectionsAndRecoversWithoutRestart() throws Exception {
        try (TestClient onWildFly = TestClient.connectAs(ws(wildfly), "outage-w");
             TestClient onPayara = TestClient.connectAs(ws(payara), "outage-p")) {
            String wildflyId = onWildFly.next("welcome").getString("connectionId");
            onPayara.next("welcome");
            subscribe(onWildFly, "outage.news");

            redis.freeze();
            awaitReadiness(payara, 503);
            assertTrue(Http.get(payara.readiness()).body().contains("pub/sub probe lost")
                    || Http.get(payara.readiness()).body().contains("redis unreachable"), Http.get(payara.readiness()).body());
            Http.Answer refused = Http.upgrade(payara.base());
            assertEquals(503, refused.statusCode());
            assertTrue(refused.header("Retry-After").isPresent());
            assertEquals(503, payaraApi.call("POST", "/channels/outage.news/messages", "{\"data\":1}").statusCode());
            onPayara.send("{\"type\":\"publish\",\"channel\":\"outage.news\",\"data\":1,\"id\":5}");
            JsonObject error = onPayara.next("error");
            assertEquals("unavailable", error.getString("code"));
            // the open connection is kept and served locally
            onPayara.send("{\"type\":\"ping\",\"id\":6}");
            assertEquals("pong", onPayara.next("pong").getString("type"));

            redis.thaw();
            awaitReadiness(payara, 200);
            awaitReadiness(wildfly, 200);
            awaitCrossing(onWildFly, "outage.news");

            redis.kill();
            awaitReadiness(payara, 503);
            assertEquals(503, payaraApi.call("POST", "/broadcast", "{\"data\":1}").statusCode());
            redis.launch();
            awaitReadiness(payara, 200);
            awaitReadiness(wildfly, 200);
            // the empty Redis was filled again: subscriptions and the registry of connections opened before
            awaitCrossing(onWildFly, "outage.news");
            assertEquals(202, payaraApi.call("POST", "/connections/" + wildflyId + "/messages", "{\"data\":\"still here\"}").statusCode());
            assertEquals("still here", onWildFly.next("message").getString("data"));
            assertFalse(onWildFly.isClosed());
            assertFalse(onPayara.isClosed());
        }
    }

    @Test
    @Order(5)
    void aDrainingNodeSendsItsClientsToTheOtherNode() throws Exception {
        try (TestClient onWildFly = TestClient.connect(ws(wildfly))) {
            onWildFly.next("welcome");
            Thread.sleep(6000); // the node table is read every five seconds
            assertEquals(202, wildflyApi.call("POST", "/drain", null).statusCode());
            JsonObject notice = onWildFly.next("shutdown");
            assertEquals(Servers.webSocket(payara.base(), null).toString(), notice.getString("url"));
        } finally {
            wildflyApi.call("DELETE", "/drain", null);
        }
    }

    @Test
    @Order(6)
    void aKilledNodeDisappearsWithItsConnectionsWithinTheNodeTimeout() throws Exception {
        TestClient onWildFly = TestClient.connect(ws(wildfly));
        String id = onWildFly.next("welcome").getString("connectionId");
        assertEquals(202, payaraApi.call("POST", "/connections/" + id + "/messages", "{\"data\":1}").statusCode());
        wildfly.close(); // SIGKILL
        onWildFly.close();
        long deadline = System.nanoTime() + TestClient.WAIT.toNanos();
        jakarta.json.JsonArray nodes;
        do {
            Thread.sleep(500);
            nodes = Api.json(payaraApi.get("/nodes")).asJsonArray();
        } while (nodes.size() > 1 && System.nanoTime() - deadline < 0);
        assertEquals(1, nodes.size(), nodes.toString());
        assertEquals(404, payaraApi.call("POST", "/connections/" + id + "/messages", "{\"data\":1}").statusCode());
    }
}
