package io.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.client.SwitchboardClient;
import io.switchboard.it.support.Api;
import io.switchboard.it.support.Chromium;
import io.switchboard.it.support.ClientEvents;
import io.switchboard.it.support.Deployments;
import io.switchboard.it.support.Servers;
import io.switchboard.it.support.TestClient;
import io.switchboard.it.support.Tokens;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.OperateOnDeployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Channel history and recovery on a lone node (protocol.md, history): offsets and epochs on
 * channel messages, a resubscription with {@code since} that gets exactly what it missed, refusals
 * when it cannot, the admin view, both clients across a reconnect, and a new epoch after the
 * application restarts (a new Payara Micro process; a redeploy on WildFly).
 */
@ExtendWith(ArquillianExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HistoryIT {

    private static final String DEPLOYMENT = "history";
    private static final String TOKEN = "it-history-token";

    /** The restart test's channel position before the restart. */
    private static String epochBeforeRestart;

    @Deployment(name = DEPLOYMENT, managed = false, testable = false)
    static WebArchive deployment() {
        return Deployments.switchboard(Map.of(
                "switchboard.admin.token", TOKEN,
                "switchboard.history.size", "5",
                "switchboard.history.max-recover", "3",
                "switchboard.shutdown.drain-timeout", "2s"));
    }

    private static String subscribe(String channel, Object id, String since) {
        return "{\"type\":\"subscribe\",\"channel\":\"" + channel + "\",\"id\":" + id + (since == null ? "" : ",\"since\":" + since) + "}";
    }

    private static String since(long offset, String epoch) {
        return "{\"offset\":" + offset + ",\"epoch\":" + Json.createValue(epoch) + "}";
    }

    private static void publish(Api api, String channel, Object data) throws Exception {
        assertEquals(202, api.call("POST", "/channels/" + channel + "/messages", "{\"data\":" + data + "}").statusCode());
    }

    private static void assertMessage(JsonObject m, String channel, int data, long offset, String epoch) {
        assertEquals("message", m.getString("type"), m.toString());
        assertEquals(channel, m.getString("channel"), m.toString());
        assertEquals(data, m.getInt("data"), m.toString());
        assertEquals(offset, m.getJsonNumber("offset").longValue(), m.toString());
        assertEquals(epoch, m.getString("epoch"), m.toString());
    }

    @Test
    @Order(1)
    void deploy(@ArquillianResource Deployer deployer) {
        deployer.deploy(DEPLOYMENT);
    }

    @Test
    @Order(2)
    void aResubscriptionWithSinceGetsExactlyTheMissedMessagesInOrderThenSubscribedThenLive(
            @ArquillianResource @OperateOnDeployment(DEPLOYMENT) URL base) throws Exception {
        Api api = new Api(base, TOKEN);
        String epoch;
        try (TestClient a = TestClient.connect(Servers.webSocket(base, null))) {
            a.next("welcome");
            a.send(subscribe("h.raw", 1, null));
            JsonObject subscribed = a.next();
            assertEquals(0, subscribed.getInt("offset"), subscribed.toString());
            assertFalse(subscribed.containsKey("recovered"), subscribed.toString());
            epoch = subscribed.getString("epoch");
            publish(api, "h.raw", 1);
            publish(api, "h.raw", 2);
            assertMessage(a.next(), "h.raw", 1, 1, epoch);
            assertMessage(a.next(), "h.raw", 2, 2, epoch);
        }
        publish(api, "h.raw", 3);
        publish(api, "h.raw", 4);
        publish(api, "h.raw", 5);

        try (TestClient b = TestClient.connect(Servers.webSocket(base, null))) {
            b.next("welcome");
            b.send(subscribe("h.raw", "\"again\"", since(2, epoch)));
            assertMessage(b.next(), "h.raw", 3, 3, epoch);
            assertMessage(b.next(), "h.raw", 4, 4, epoch);
            assertMessage(b.next(), "h.raw", 5, 5, epoch);
            JsonObject recovered = b.next();
            assertEquals("subscribed", recovered.getString("type"), recovered.toString());
            assertEquals("again", recovered.getString("ref"));
            assertTrue(recovered.getBoolean("recovered"), recovered.toString());
            assertEquals(5, recovered.getInt("offset"));
            assertEquals(epoch, recovered.getString("epoch"));

            publish(api, "h.raw", 6);
            assertMessage(b.next(), "h.raw", 6, 6, epoch);
            assertEquals(202, api.call("POST", "/broadcast", "{\"data\":7}").statusCode());
            assertEquals(Json.createObjectBuilder().add("type", "message").add("data", 7).build(), b.next(),
                    "messages that are not a channel's keep their form");
        }
    }

    @Test
    @Order(3)
    void aClientTooFarBehindOrFromAnotherEpochIsToldRecoveredFalseAndTheAdminSeesTheHistory(
            @ArquillianResource @OperateOnDeployment(DEPLOYMENT) URL base) throws Exception {
        Api api = new Api(base, TOKEN);
        for (int i = 1; i <= 7; i++) {
            publish(api, "h.far", i); // history.size 5 keeps 3..7
        }
        JsonObject history = Api.json(api.get("/channels/h.far/history")).asJsonObject();
        assertEquals(7, history.getInt("offset"), history.toString());
        assertEquals(3, history.getInt("oldest"), history.toString());
        assertEquals(List.of(3, 4, 5, 6, 7), history.getJsonArray("messages").stream()
                .map(m -> m.asJsonObject().getInt("data")).toList());
        String epoch = history.getString("epoch");
        JsonObject page = Api.json(api.get("/channels/h.far/history?since=5&limit=1")).asJsonObject();
        assertEquals(Json.createArrayBuilder().add(Json.createObjectBuilder().add("offset", 6).add("data", 6)).build(),
                page.getJsonArray("messages"));
        assertEquals(400, api.get("/channels/h.*/history").statusCode());
        assertEquals(400, api.get("/channels/h.far/history?limit=0").statusCode());

        try (TestClient c = TestClient.connect(Servers.webSocket(base, null))) {
            c.next("welcome");
            for (String since : List.of(since(1, epoch), since(3, epoch), since(5, "another"))) {
                c.send(subscribe("h.far", 1, since));
                JsonObject refused = c.next();
                assertEquals("subscribed", refused.getString("type"), since + " " + refused);
                assertFalse(refused.getBoolean("recovered"), since + " " + refused);
                assertEquals(7, refused.getInt("offset"), since + " " + refused);
                assertEquals(epoch, refused.getString("epoch"), since + " " + refused);
            }
            c.send(subscribe("h.far", 2, since(4, epoch)));
            assertMessage(c.next(), "h.far", 5, 5, epoch);
            assertMessage(c.next(), "h.far", 6, 6, epoch);
            assertMessage(c.next(), "h.far", 7, 7, epoch);
            assertTrue(c.next().getBoolean("recovered"));
            c.send(subscribe("h.*", 3, since(4, epoch)));
            JsonObject error = c.next();
            assertEquals("bad_request", error.getString("code"), error.toString());
            assertEquals(3, error.getInt("ref"));
        }

        JsonObject stats = Api.json(api.get("/stats")).asJsonObject().getJsonObject("history");
        assertTrue(stats.getBoolean("enabled"), stats.toString());
        assertTrue(stats.getInt("channels") >= 2, stats.toString());
        assertTrue(stats.getInt("messages") >= 10, stats.toString());
        assertTrue(stats.getInt("bytes") >= 10, stats.toString());
        assertTrue(stats.getJsonObject("evictions").getInt("size") >= 3, stats.toString());
        assertTrue(stats.getInt("recovered") >= 2, stats.toString());
        assertTrue(stats.getInt("recoveryFailed") >= 3, stats.toString());
        String metrics = api.get("/metrics").body();
        for (String series : List.of("switchboard_history_messages ", "switchboard_history_bytes ",
                "switchboard_history_evictions_total{cause=\"size\"}", "switchboard_history_recoveries_total{result=\"failed\"}")) {
            assertTrue(metrics.contains(series), series);
        }
    }

    @Test
    @Order(4)
    void theJavaClientRecoversWhatWasPublishedWhileItWasAway(
            @ArquillianResource @OperateOnDeployment(DEPLOYMENT) URL base) throws Exception {
        Api api = new Api(base, TOKEN);
        ClientEvents events = new ClientEvents();
        // a reconnect at least 2 s after a close, so that the publishes below happen while it is away
        try (SwitchboardClient client = SwitchboardClient.builder(Servers.webSocket(base, null)).token(Tokens.forUser("history-java"))
                .backoff(Duration.ofSeconds(2), Duration.ofSeconds(3)).listener(events).build().connect()) {
            String id = events.next("open").json().getString("connectionId");
            client.subscribe("h.java").get(TestClient.WAIT.toSeconds(), TimeUnit.SECONDS);
            publish(api, "h.java", 1);
            assertEquals(1, events.next("message").json().getInt("data"));

            assertEquals(202, api.call("DELETE", "/connections/" + id + "?code=4000", null).statusCode());
            events.next("close");
            publish(api, "h.java", 2);
            publish(api, "h.java", 3);
            events.next("open");
            assertEquals(2, events.next("message").json().getInt("data"));
            assertEquals(3, events.next("message").json().getInt("data"));
            JsonObject recovery = events.next("recovery").json();
            assertTrue(recovery.getBoolean("recovered"), recovery.toString());
            publish(api, "h.java", 4);
            assertEquals(4, events.next("message").json().getInt("data"), "live again, with nothing twice");
        }
    }

    @Test
    @Order(5)
    void theBrowserClientRecoversWhatWasPublishedWhileItWasAway(
            @ArquillianResource @OperateOnDeployment(DEPLOYMENT) URL base) throws Exception {
        Optional<Path> binary = Chromium.find();
        Assumptions.assumeTrue(binary.isPresent(), "chromium is not installed: the browser client tests need the Debian package 'chromium'");
        Api api = new Api(base, TOKEN);
        String root = base.toExternalForm().replaceAll("/?$", "/");
        try (Chromium browser = Chromium.launch(binary.get())) {
            browser.open(root + "switchboard.js");
            browser.eval("new Promise(ok => { const s = document.createElement('script'); s.src = '/switchboard.js';"
                    + " s.onload = ok; document.head.appendChild(s); }).then(() => true)");
            browser.eval("window.opens = []; window.data = []; window.recoveries = [];"
                    + " window.sb = new Switchboard(" + Json.createValue(Servers.authorized(base, null).toString())
                    + ", {backoffMin: 2000, backoffMax: 3000});"
                    + " sb.on('open', w => opens.push(w.connectionId)); sb.on('message', m => data.push(m.data));"
                    + " sb.on('recovery', r => recoveries.push(r.recovered)); sb.connect(); true");
            String id = ((JsonString) browser.await("opens[0] || null", v -> v instanceof JsonString)).getString();
            assertEquals("\"subscribed\"", browser.eval("sb.subscribe('h.js').then(r => r.type)").toString());
            publish(api, "h.js", 1);
            browser.await("data.length === 1", JsonValue.TRUE::equals);

            assertEquals(202, api.call("DELETE", "/connections/" + id + "?code=4000", null).statusCode());
            browser.await("sb.state !== 'open'", JsonValue.TRUE::equals);
            publish(api, "h.js", 2);
            publish(api, "h.js", 3);
            browser.await("recoveries.length === 1", JsonValue.TRUE::equals);
            publish(api, "h.js", 4);
            browser.await("data.length === 4", JsonValue.TRUE::equals);
            assertEquals("[1,2,3,4]", ((JsonString) browser.eval("JSON.stringify(data)")).getString(), "each once, in order");
            assertEquals("[true]", ((JsonString) browser.eval("JSON.stringify(recoveries)")).getString());
        }
    }

    @Test
    @Order(6)
    void restart(@ArquillianResource @OperateOnDeployment(DEPLOYMENT) URL base, @ArquillianResource Deployer deployer)
            throws Exception {
        Api api = new Api(base, TOKEN);
        publish(api, "h.restart", 1);
        publish(api, "h.restart", 2);
        epochBeforeRestart = Api.json(api.get("/channels/h.restart/history")).asJsonObject().getString("epoch");
        deployer.undeploy(DEPLOYMENT);
        deployer.deploy(DEPLOYMENT);
    }

    @Test
    @Order(7)
    void afterARestartTheHistoryIsANewEpochAndAResubscriptionIsNotRecovered(
            @ArquillianResource @OperateOnDeployment(DEPLOYMENT) URL base, @ArquillianResource Deployer deployer) throws Exception {
        try (TestClient c = TestClient.connect(Servers.webSocket(base, null))) {
            c.next("welcome");
            c.send(subscribe("h.restart", 1, since(2, epochBeforeRestart)));
            JsonObject subscribed = c.next();
            assertFalse(subscribed.getBoolean("recovered"), subscribed.toString());
            assertEquals(0, subscribed.getInt("offset"), subscribed.toString());
            assertNotEquals(epochBeforeRestart, subscribed.getString("epoch"));
        } finally {
            deployer.undeploy(DEPLOYMENT);
        }
    }
}
