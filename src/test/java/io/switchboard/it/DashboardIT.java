package io.switchboard.it;

import static io.switchboard.it.support.ConsolePage.DISCONNECTED;
import static io.switchboard.it.support.ConsolePage.LIVE;
import static io.switchboard.it.support.ConsolePage.REJECTED;
import static io.switchboard.it.support.ConsolePage.awaitState;
import static io.switchboard.it.support.ConsolePage.awaitText;
import static io.switchboard.it.support.ConsolePage.click;
import static io.switchboard.it.support.ConsolePage.paste;
import static io.switchboard.it.support.ConsolePage.rows;
import static io.switchboard.it.support.ConsolePage.setValue;
import static io.switchboard.it.support.ConsolePage.shoot;
import static io.switchboard.it.support.ConsolePage.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.it.support.Api;
import io.switchboard.it.support.Chromium;
import io.switchboard.it.support.Deployments;
import io.switchboard.it.support.Http;
import io.switchboard.it.support.RawClient;
import io.switchboard.it.support.Servers;
import io.switchboard.it.support.TestClient;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.arquillian.container.test.api.Deployment;
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
 * The operator's console at /dashboard/ in a real headless Chromium, on both servers: what it shows
 * (node, figures, connections with filters and pages, channels), what it does (close with code, reason
 * and confirmation, drain and cancel, zombie cleanup, publish and broadcast, each seen by a real
 * WebSocket client) and how it fails (token rejected, server gone). Screenshots at desktop width and
 * at 420 px go to target/dashboard-screenshots/; the test checks their size and the state badge's
 * colour in them, and checks the same figures in the page's DOM.
 */
@ExtendWith(ArquillianExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardIT {

    private static final String TOKEN = "dashboard-it-token";
    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.switchboard(Map.of(
                "switchboard.admin.token", TOKEN,
                "switchboard.limits.max-connections", "200",
                // pings every 3 s, so that a silent client becomes a zombie quickly; the sweeper
                // never closes it by itself (1000 misses), so only the console's cleanup does
                "switchboard.heartbeat.interval", "3s",
                "switchboard.heartbeat.timeout", "1s",
                "switchboard.heartbeat.max-missed", "1000",
                "switchboard.shutdown.drain-timeout", "120s"));
    }

    @ArquillianResource
    URL base;

    private String root() {
        return base.toExternalForm().replaceFirst("/*$", "/");
    }

    private static Chromium browser() throws Exception {
        Optional<Path> binary = Chromium.find();
        Assumptions.assumeTrue(binary.isPresent(), "chromium is not installed: the dashboard test needs the Debian package 'chromium'");
        return Chromium.launch(binary.get());
    }

    @Test
    @Order(2)
    void thePageIsServedAtBothAddressesAndTheApiCallsItNeedsAnswer() throws Exception {
        HttpResponse<String> slash = Http.get(URI.create(root() + "dashboard/"));
        assertEquals(200, slash.statusCode());
        assertTrue(slash.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        assertTrue(slash.headers().firstValue("Content-Security-Policy").orElse("").contains("script-src 'self'"));
        assertTrue(slash.body().contains("assets/console.js"));
        HttpResponse<String> bare = Http.get(URI.create(root() + "dashboard"));
        assertEquals(302, bare.statusCode(), "/dashboard sends the browser to /dashboard/");
        assertTrue(bare.headers().firstValue("Location").orElse("").endsWith("/dashboard/"));
        HttpResponse<String> script = Http.get(URI.create(root() + "dashboard/assets/console.js"));
        assertEquals(200, script.statusCode());
        assertTrue(script.headers().firstValue("Content-Type").orElse("").startsWith("text/javascript"));
        assertEquals(404, Http.get(URI.create(root() + "dashboard/assets/index.html")).statusCode(), "only the listed assets");
        assertEquals(404, Http.get(URI.create(root() + "dashboard/assets/../web.xml")).statusCode());

        Api api = new Api(base, TOKEN);
        List<TestClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                TestClient c = TestClient.connect(Servers.webSocket(base, null));
                clients.add(c);
                c.next("welcome");
            }
            clients.get(0).send("{\"type\":\"subscribe\",\"channel\":\"news.*\",\"id\":1}");
            clients.get(0).next("subscribed");
            clients.get(1).send("{\"type\":\"subscribe\",\"channel\":\"news.*\",\"id\":1}");
            clients.get(1).next("subscribed");
            HttpResponse<String> page = api.get("/connections?limit=2&offset=3");
            assertEquals(200, page.statusCode());
            assertEquals("5", page.headers().firstValue("X-Total-Count").orElse(""));
            JsonArray second = Api.json(page).asJsonArray();
            JsonArray all = Api.json(api.get("/connections")).asJsonArray();
            assertEquals(5, all.size(), "without offset and limit: the old answer");
            assertEquals(List.of(all.get(3), all.get(4)), List.copyOf(second), "offset 3 continues where a page of three ends");
            assertEquals(0, Api.json(api.get("/connections?offset=9")).asJsonArray().size());
            assertEquals(400, api.get("/connections?offset=-1").statusCode());
            assertEquals(400, api.get("/connections?offset=x").statusCode());

            HttpResponse<String> channels = api.get("/channels");
            assertEquals(200, channels.statusCode());
            assertEquals(Json.createArrayBuilder().add(Json.createObjectBuilder().add("channel", "news.*").add("subscribers", 2)).build(),
                    Api.json(channels));
            assertEquals(400, api.get("/channels?limit=0").statusCode());
            assertEquals(401, new Api(base, "wrong").get("/channels").statusCode());

            JsonObject node = Api.json(api.get("/stats")).asJsonObject().getJsonObject("node");
            assertFalse(node.getString("id").isBlank());
            assertTrue(node.getString("version").matches("\\d+\\.\\d+\\.\\d+.*"), node.toString());
            assertTrue(node.getString("server").toLowerCase().contains(Servers.name().equals("wildfly") ? "wildfly" : "payara"),
                    node.toString());
            assertTrue(node.getJsonNumber("uptimeMs").longValue() > 0, node.toString());
        } finally {
            clients.forEach(TestClient::close);
        }
    }

    @Test
    @Order(1)
    void withNoConnectionsTheConsoleSaysSoAndShowsNoMadeUpFigures() throws Exception {
        try (Chromium browser = browser()) {
            browser.viewport(1280, 900);
            browser.open(root() + "dashboard", root() + "dashboard/");
            assertEquals("idle", awaitState(browser, "idle"));
            assertEquals("—", text(browser, "active"), "no token, no figures");
            paste(browser, TOKEN);
            awaitState(browser, "live");
            awaitText(browser, "active", "0");
            awaitText(browser, "connectionsEmpty", "nobody is connected");
            awaitText(browser, "channelsEmpty", "No connection is subscribed");
            String node = text(browser, "node");
            assertTrue(node.contains("Switchboard 0.") && node.contains(" · up "), node);
            assertTrue(node.toLowerCase().contains(Servers.name()), node);
            assertEquals("—", text(browser, "rtt"), "no round trip measured");
            // the first test of a fresh deployment: no connection has existed, so no ping was sent
            assertEquals("—", text(browser, "hbSuccess"), "no ping: no success rate, not 100 %");
            assertEquals("no ping sent yet", text(browser, "hbDetail"));
            assertTrue(text(browser, "figures").contains("No drain has finished"));
            assertEquals(JsonValue.TRUE, browser.eval("document.querySelector('#figures [data-key=\"messages.in\"]').textContent === '0'"));
            assertEquals(JsonValue.TRUE, browser.eval("document.getElementById('activeChart').querySelector('.tick') !== null"),
                    "the chart has an axis");
            shoot(browser, "empty-desktop", 1280, LIVE);
        }
    }

    @Test
    @Order(3)
    void theConsoleFiltersPagesClosesDrainsSweepsAndPublishes() throws Exception {
        List<TestClient> clients = new ArrayList<>();
        RawClient silent = null;
        try (Chromium browser = browser()) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 55; i++) {
                TestClient c = TestClient.connectAs(Servers.webSocket(base, null), i < 2 ? "alice" : "user-" + i);
                clients.add(c);
                ids.add(c.next("welcome").getString("connectionId"));
            }
            for (int i = 0; i < 2; i++) {
                clients.get(i).send("{\"type\":\"subscribe\",\"channel\":\"news.sport\",\"id\":1}");
                clients.get(i).next("subscribed");
            }
            TestClient bob = TestClient.connectAs(Servers.webSocket(base, null), "bob");
            clients.add(bob);
            bob.next("welcome");
            bob.send("{\"type\":\"subscribe\",\"channel\":\"news.*\",\"id\":1}");
            bob.next("subscribed");
            // answers no ping: a zombie once its first ping is a second old
            silent = RawClient.connect(Servers.authorized(base, null), false, true);
            String silentId = Json.createReader(new java.io.StringReader(silent.await(RawClient.Frame.TEXT).text()))
                    .readObject().getString("connectionId");

            browser.viewport(1280, 900);
            browser.open(root() + "dashboard/");
            paste(browser, TOKEN);
            awaitState(browser, "live");
            awaitText(browser, "active", "57");
            assertEquals("28.5 %", awaitText(browser, "utilisation", "%"), "57 of 200");

            // the table: 50 a page, oldest first, with the columns an operator needs
            awaitText(browser, "pageInfo", "1–50 of 57");
            assertEquals(50, rows(browser));
            assertEquals(ids.get(0), ((JsonString) browser.eval("document.querySelector('#connections tr').dataset.id")).getString());
            JsonObject first = browser.eval("(() => { const r = document.querySelector('#connections tr'); const o = {};"
                    + " [...r.children].forEach(td => o[td.dataset.label] = td.textContent); return o; })()").asJsonObject();
            assertEquals("alice", first.getString("User"));
            assertEquals("news.sport", first.getString("Channels"));
            assertEquals("0", first.getString("Queued"));
            assertEquals("open", first.getString("State"));
            assertTrue(first.getString("User agent").startsWith("Java-http-client"), first.toString());
            assertTrue(first.getString("Last seen").endsWith(" ago"), first.toString());
            assertTrue(first.getString("Age").matches("\\d+ (s|min).*"), first.toString());
            click(browser, "#nextPage");
            awaitText(browser, "pageInfo", "51–57 of 57");
            assertEquals(7, rows(browser));
            click(browser, "#prevPage");
            awaitText(browser, "pageInfo", "1–50 of 57");

            // filters by user and by state
            setValue(browser, "filterUser", "alice", "input");
            awaitText(browser, "pageInfo", "1–2 of 2");
            assertEquals(JsonValue.TRUE, browser.eval("[...document.querySelectorAll('#connections tr td[data-label=User]')]"
                    + ".every(td => td.textContent === 'alice')"));
            setValue(browser, "filterState", "CLOSING", "change");
            browser.await("document.getElementById('connectionTable').hidden", JsonValue.TRUE::equals);
            assertEquals("No connection matches these filters.", text(browser, "connectionsEmpty"));
            assertEquals("0 of 0", text(browser, "pageInfo"));
            setValue(browser, "filterState", "OPEN", "change");
            awaitText(browser, "pageInfo", "1–2 of 2");
            setValue(browser, "filterUser", "", "input");
            setValue(browser, "filterState", "", "change");
            awaitText(browser, "pageInfo", "1–50 of 57");

            // channels with their subscriber counts
            browser.await("JSON.stringify([...document.querySelectorAll('#channels tr')].map(r => r.dataset.channel + '=' + r.cells[1].textContent))",
                    v -> ((JsonString) v).getString().equals("[\"news.sport=2\",\"news.*=1\"]"));

            // the detail view of one connection
            click(browser, "#connections tr[data-id=\"" + ids.get(0) + "\"] button.detail");
            awaitText(browser, "detailFields", "alice");
            assertEquals("news.sport", text(browser, "detailChannels"));
            assertEquals(JsonValue.TRUE, browser.eval("document.getElementById('detailDialog').open"));
            assertTrue(text(browser, "detailFields").contains("Queued messages0"), text(browser, "detailFields"));
            shoot(browser, "detail-desktop", 1280, LIVE);
            click(browser, "#detailDismiss");

            // close: cancelling the confirmation closes nothing; confirming closes with the chosen code and reason
            TestClient victim = clients.get(5);
            String victimId = ids.get(5);
            click(browser, "#connections tr[data-id=\"" + victimId + "\"] button.close");
            assertEquals(JsonValue.TRUE, browser.eval("document.getElementById('closeDialog').open"));
            click(browser, "#closeCancel");
            assertEquals(JsonValue.FALSE, browser.eval("document.getElementById('closeDialog').open"));
            Thread.sleep(500);
            assertFalse(victim.isClosed(), "cancel closes nothing");
            click(browser, "#connections tr[data-id=\"" + victimId + "\"] button.close");
            setValue(browser, "closeCode", "4500", "change");
            setValue(browser, "closeReason", "closed from the console test", "input");
            shoot(browser, "close-dialog-desktop", 1280, LIVE);
            click(browser, "#closeConfirm");
            assertEquals("4500 closed from the console test", victim.awaitClose());
            awaitText(browser, "connectionsNotice", "Closed " + victimId + " with 4500");
            browser.await("document.querySelector('#connections tr[data-id=\"" + victimId + "\"]') === null", JsonValue.TRUE::equals);
            awaitText(browser, "active", "56");

            // publish to a channel and broadcast reach real clients
            setValue(browser, "publishChannel", "news.sport", "input");
            setValue(browser, "publishData", "{\"score\":[2,1]}", "input");
            click(browser, "#publishSend");
            awaitText(browser, "publishResult", "queued to 3 connections");
            JsonObject message = bob.next("message");
            assertEquals("news.sport", message.getString("channel"));
            assertEquals(Json.createReader(new java.io.StringReader("{\"score\":[2,1]}")).readObject(), message.getJsonObject("data"));
            assertEquals("news.sport", clients.get(0).next("message").getString("channel"));
            setValue(browser, "publishData", "{\"notice\":\"hello all\"}", "input");
            click(browser, "#broadcastSend");
            assertEquals(JsonValue.TRUE, browser.eval("document.getElementById('confirmDialog').open"), "a broadcast asks first");
            click(browser, "#confirmYes");
            awaitText(browser, "publishResult", "Broadcast: queued to");
            assertEquals("hello all", clients.get(30).next("message").getJsonObject("data").getString("notice"));
            setValue(browser, "publishData", "{not json", "input");
            click(browser, "#publishSend");
            awaitText(browser, "publishResult", "not valid JSON");

            // the table shows the silent client's missed pongs (on the second page, as the newest but one);
            // zombie cleanup closes it, and only it
            click(browser, "#nextPage");
            awaitText(browser, "pageInfo", "51–56 of 56");
            browser.await("(() => { const td = document.querySelector('#connections tr[data-id=\"" + silentId
                    + "\"] td[data-label=Missed]'); return td !== null && td.textContent !== '0'; })()", JsonValue.TRUE::equals);
            click(browser, "#zombieRun");
            awaitText(browser, "zombieResult", "Closed 1 zombie: " + silentId);
            assertEquals("1001 heartbeat timeout", silent.await(RawClient.Frame.CLOSE).closeStatus());
            click(browser, "#prevPage");
            awaitText(browser, "pageInfo", "1–50 of 55");
            click(browser, "#zombieRun");
            awaitText(browser, "zombieResult", "No zombie found");

            // drain: start (confirmed), its progress, cancel
            click(browser, "#drainStart");
            click(browser, "#confirmYes");
            browser.await("document.getElementById('drainState').dataset.phase || ''", v -> ((JsonString) v).getString().equals("WAITING"));
            String progress = awaitText(browser, "drainState", "waiting for clients to leave");
            assertTrue(progress.contains("of 2 min") && progress.contains("55 of 55 connections left"), progress);
            assertEquals("shutdown", bob.next("shutdown").getString("type"));
            assertEquals(JsonValue.TRUE, browser.eval("document.getElementById('drainStart').disabled"));
            shoot(browser, "draining-desktop", 1280, LIVE);
            browser.viewport(420, 900);
            Thread.sleep(300);
            assertEquals(JsonValue.TRUE, browser.eval("document.documentElement.scrollWidth <= 420"),
                    "nothing wider than a 420 px window");
            shoot(browser, "draining-420", 420, LIVE);
            browser.viewport(1280, 900);
            click(browser, "#drainCancel");
            awaitText(browser, "drainResult", "Drain cancelled");
            browser.await("document.getElementById('drainState').dataset.phase || ''", v -> ((JsonString) v).getString().equals("IDLE"));
            try (TestClient after = TestClient.connect(Servers.webSocket(base, null))) {
                after.next("welcome");
            }
            String figures = text(browser, "figures");
            assertTrue(figures.contains("Zombies closed") && figures.contains("4500"), figures);
            for (String key : List.of("pingsSent", "successRate", "rttP99Ms", "bytesIn", "rateLimitCloses", "lastDurationMs")) {
                assertFalse(figures.contains(key), "labels, not the API's keys: " + figures);
            }
            assertTrue(figures.contains("Pings sent") && figures.contains("Round trip p99"), figures);
            shoot(browser, "live-desktop", 1280, LIVE);
        } finally {
            clients.forEach(TestClient::close);
            if (silent != null) {
                silent.close();
            }
        }
    }

    @Test
    @Order(4)
    void aRejectedTokenOrAServerThatIsGoneClearsEveryFigure() throws Exception {
        try (TestClient client = TestClient.connect(Servers.webSocket(base, null)); Chromium browser = browser()) {
            client.next("welcome");
            browser.viewport(420, 900);
            browser.open(root() + "dashboard/");
            paste(browser, TOKEN);
            awaitState(browser, "live");
            browser.await("document.querySelectorAll('#connections tr').length > 0", JsonValue.TRUE::equals);
            assertEquals(JsonValue.TRUE, browser.eval("document.documentElement.scrollWidth <= 420"),
                    "nothing wider than a 420 px window");
            shoot(browser, "live-420", 420, LIVE);

            paste(browser, "not-the-token");
            awaitState(browser, "rejected");
            assertEquals("token rejected", text(browser, "stateLabel"));
            assertEquals("—", text(browser, "active"));
            assertEquals("—", text(browser, "utilisation"));
            assertEquals(0, rows(browser));
            assertEquals("no node yet", text(browser, "node"));
            assertTrue(text(browser, "figures").contains("token was rejected"));
            shoot(browser, "rejected-420", 420, REJECTED);

            paste(browser, TOKEN);
            awaitState(browser, "live");
            browser.await("document.querySelectorAll('#connections tr').length > 0", JsonValue.TRUE::equals);
            browser.offline(true);
            awaitState(browser, "disconnected");
            assertEquals("disconnected", text(browser, "stateLabel"));
            assertEquals("—", text(browser, "active"));
            assertEquals(0, rows(browser));
            assertTrue(text(browser, "connectionsEmpty").contains("cannot be reached"));
            browser.viewport(1280, 900);
            shoot(browser, "disconnected-desktop", 1280, DISCONNECTED);
            browser.offline(false);
            awaitState(browser, "live");
            browser.await("document.querySelectorAll('#connections tr').length > 0", JsonValue.TRUE::equals);
        }
    }
}
