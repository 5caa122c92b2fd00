package io.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A mixed cluster of real processes: one Payara Micro node and one WildFly node sharing one real
 * {@code redis-server}. Every delivery path crosses from one node to the other. Runs once, in the
 * Payara Micro run of the suite (it starts both servers itself).
 */
class ClusterIT {

    private static final String ADMIN = "cluster-admin-token";

    private static RedisProcess redis;
    private static ServerProcess payara;
    private static ServerProcess wildfly;
    private static Api payaraApi;
    private static Api wildflyApi;

    @BeforeAll
    static void startCluster() throws Exception {
        Assumptions.assumeTrue(Servers.name().equals("payara"), "runs once, in the Payara Micro run");
        redis = RedisProcess.start(null);
        payara = ServerProcess.launch("payara", node("p1"), PayaraMicroProcess.freePort() - 8080);
        wildfly = ServerProcess.launch("wildfly", node("w1"), freeWildFlyOffset());
        payara.awaitReady(Duration.ofMinutes(4));
        wildfly.awaitReady(Duration.ofMinutes(4));
        payaraApi = new Api(payara.base(), ADMIN);
        wildflyApi = new Api(wildfly.base(), ADMIN);
    }

    private static Map<String, String> node(String id) {
        Map<String, String> s = new TreeMap<>();
        s.put("switchboard.cluster.redis.uri", redis.uri());
        s.put("switchboard.cluster.name", "it" + redis.port());
        s.put("switchboard.node.id", id);
        s.put("switchboard.admin.token", ADMIN);
        s.put("switchboard.rate.messages-per-second", "1000");
        s.put("switchboard.rate.burst", "1000");
        return s;
    }

    /** A WildFly port offset whose HTTP, HTTPS and management ports are all free now. */
    private static int freeWildFlyOffset() throws Exception {
        for (int attempt = 0; attempt < 50; attempt++) {
            int offset = PayaraMicroProcess.freePort() - 9990;
            if (offset > 0 && offset < 50_000 && free(8080 + offset) && free(8443 + offset) && free(9993 + offset)) {
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
        for (AutoCloseable c : new AutoCloseable[] {payara, wildfly, redis}) {
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

            assertEquals(202, payaraApi.call("POST", "/connections/" + bobId + "/reconnect",
                    "{\"reason\":\"rebalance\",\"url\":\"ws://elsewhere.example/ws\"}").statusCode());
            JsonObject reconnect = bob.next("reconnect");
            assertEquals("rebalance", reconnect.getString("reason"));
            assertEquals("ws://elsewhere.example/ws", reconnect.getString("url"));
        }
        try (TestClient carol = TestClient.connectAs(ws(payara), "carol-cluster")) {
            String id = carol.next("welcome").getString("connectionId");
            assertEquals(202, wildflyApi.call("DELETE", "/connections/" + id + "?code=4000&reason=moved", null).statusCode());
            assertEquals("4000 moved", carol.awaitClose());
        }
    }

    @Test
    void aWrongPasswordStopsTheDeploymentWithOneLineNamingTheKeyAndNotThePassword() throws Exception {
        try (RedisProcess guarded = RedisProcess.start("right-password-1234")) {
            Map<String, String> settings = new TreeMap<>(node("w-bad"));
            settings.put("switchboard.cluster.redis.uri", "redis://:wrong-password-5678@127.0.0.1:" + guarded.port());
            try (ServerProcess bad = ServerProcess.launch("wildfly", settings, freeWildFlyOffset())) {
                String line = bad.awaitLogLine("switchboard.cluster.redis.uri", Duration.ofMinutes(2));
                assertTrue(line.contains("password"), line);
                List<String> leaks = new ArrayList<>();
                for (String l : bad.logLines()) {
                    if (l.contains("wrong-password-5678")) {
                        leaks.add(l);
                    }
                }
                assertEquals(List.of(), leaks, "the password must never be logged");
            }
        }
    }
}
