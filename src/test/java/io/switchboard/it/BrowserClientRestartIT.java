package io.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.it.support.Api;
import io.switchboard.it.support.Chromium;
import io.switchboard.it.support.ServerProcess;
import io.switchboard.it.support.Servers;
import io.switchboard.it.support.Tokens;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The browser client in a real headless Chromium rides through a drain to a restarted server
 * (protocol.md and clients.md): it connects and subscribes, receives a publish, gets the
 * {@code shutdown} notice when the server is sent SIGTERM, leaves after the notice's delay, keeps
 * trying while the old server drains and exits and no server listens, and once a new server process
 * is up on the same port it is back by itself, resubscribed, and receives a new publish.
 *
 * <p>The page is {@code /switchboard.js} as served by the first server, with the same script loaded
 * into it: the page's origin is the server's own, so the {@code Origin} check of the handshake would
 * admit it whatever {@code switchboard.allowed-origins} says, and the loaded page stays in the browser
 * while its server is gone. The test asserts what the page's own event listeners recorded.
 *
 * <p>It runs in the Payara Micro run only, like {@link ClientServerRestartIT}: it starts, stops and
 * restarts a server process of its own ({@link ServerProcess}), which Arquillian cannot do, and two
 * more server boots per build buy nothing on WildFly, whose SIGTERM drain {@link SigtermDrainIT}
 * covers; what is tested here is the browser client, which is the same against either server.
 */
class BrowserClientRestartIT {

    private static final String ADMIN = "browser-restart-it-token";
    private static final long JITTER_MS = 2_000;
    private static final long DRAIN_MS = 10_000;
    private static final Map<String, String> SETTINGS = Map.of(
            "switchboard.admin.token", ADMIN,
            "switchboard.shutdown.drain-timeout", DRAIN_MS / 1000 + "s",
            "switchboard.shutdown.reconnect-jitter", JITTER_MS / 1000 + "s",
            "switchboard.close.timeout", "2s");

    @Test
    void theBrowserClientLeavesOnTheNoticeAndComesBackToTheRestartedServerResubscribed() throws Exception {
        Assumptions.assumeTrue("payara".equals(Servers.name()), "runs a Payara Micro of its own: once per build, in the Payara run");
        Optional<Path> binary = Chromium.find();
        Assumptions.assumeTrue(binary.isPresent(), "chromium is not installed: the browser client tests need the Debian package 'chromium'");
        int offset = Integer.getInteger("switchboard.it.port.offset", 0) + 60;
        // the first server boots while Chromium starts; it has exited before the restarted one is started
        try (ServerProcess server = ServerProcess.launch(Servers.name(), SETTINGS, offset);
             Chromium browser = Chromium.launch(binary.get())) {
            server.awaitReady(Duration.ofMinutes(3));
            openPageAndConnect(browser, server.base());
            String first = event(browser, "open", 0).getString("connectionId");
            assertEquals("\"subscribed\"", browser.eval("sb.subscribe('ops.>').then(r => r.type)").toString());
            publish(server.base(), "before");
            assertEquals("before", event(browser, "message", 0).getString("data"));

            server.terminate();
            JsonObject notice = event(browser, "message", 1);
            assertEquals("shutdown", notice.getString("type"));
            long reconnectAfterMs = notice.getJsonNumber("reconnectAfterMs").longValue();
            assertTrue(reconnectAfterMs >= 0 && reconnectAfterMs <= JITTER_MS, notice.toString());
            assertEquals(DRAIN_MS, notice.getJsonNumber("drainMs").longValue());

            JsonObject left = event(browser, "close", 0);
            assertEquals(1000, left.getInt("code"), "the client closes by itself: " + left);
            assertTrue(left.getBoolean("willReconnect"));
            long leftAfterMs = at(browser, "close", 0) - at(browser, "message", 1);
            assertTrue(leftAfterMs >= reconnectAfterMs,
                    "it waited reconnectAfterMs=" + reconnectAfterMs + " before leaving, left after " + leftAfterMs);
            assertTrue(server.awaitExit(Duration.ofSeconds(90)), "the drained server exits\n" + server.logTail());

            try (ServerProcess restarted = ServerProcess.start(SETTINGS, offset)) {
                long readyAt = System.nanoTime();
                String second = event(browser, "open", 1).getString("connectionId");
                System.out.println("browser client back " + (System.nanoTime() - readyAt) / 1_000_000
                        + " ms after the restarted server was ready");
                assertNotEquals(first, second);
                new Api(restarted.base(), ADMIN).awaitSubscribed(second, "ops.>");
                publish(restarted.base(), "after");
                JsonObject after = event(browser, "message", 2);
                assertEquals("ops.deploy", after.getString("channel"));
                assertEquals("after", after.getString("data"));

                JsonArray closes = events(browser, "close");
                for (JsonValue close : closes.subList(1, closes.size())) {
                    // the draining server refuses (503) and then nobody listens: a browser sees both as 1006
                    assertEquals(1006, close.asJsonObject().getInt("code"), closes.toString());
                    assertTrue(close.asJsonObject().getBoolean("willReconnect"), closes.toString());
                }
                List<String> states = events(browser, "state").stream().map(s -> s.asJsonObject().getString("to")).toList();
                assertEquals(List.of("connecting", "open", "reconnecting"), states.subList(0, 3), states.toString());
                assertEquals("open", states.get(states.size() - 1), states.toString());
                assertFalse(states.contains("closed"), "never gives up: " + states);
            }
        }
    }

    /** Opens the server's own {@code /switchboard.js} as the page, loads it as a script, and starts a client. */
    private static void openPageAndConnect(Chromium browser, URL base) throws Exception {
        String root = base.toExternalForm().replaceAll("/?$", "/");
        browser.open(root + "switchboard.js");
        browser.eval("new Promise((ok, fail) => { const s = document.createElement('script'); s.src = '/switchboard.js';"
                + " s.onload = ok; s.onerror = () => fail('not loaded'); document.head.appendChild(s); }).then(() => true)");
        // a quicker schedule than the default 500 ms to 30 s, so the test waits seconds while no server runs
        browser.eval("window.events = []; window.sb = new Switchboard(" + Json.createValue(Servers.webSocket(base, null).toString())
                + ", {token: " + Json.createValue(Tokens.forUser("browser-restart")) + ", backoffMin: 200, backoffMax: 2000});"
                + " ['open', 'close', 'state', 'message'].forEach(t => sb.on(t, e => events.push({type: t, at: Date.now(), event: e})));"
                + " sb.connect(); true");
    }

    private static void publish(URL base, String data) throws Exception {
        assertEquals(202, new Api(base, ADMIN).call("POST", "/channels/ops.deploy/messages", "{\"data\":\"" + data + "\"}").statusCode());
    }

    /** Every event of this type that the page recorded so far, oldest first. */
    private static JsonArray events(Chromium browser, String type) throws Exception {
        return parse(browser.eval(list(type, "e.event")));
    }

    /** The {@code n}-th (from 0) event of this type, once the page has recorded it. */
    private static JsonObject event(Chromium browser, String type, int n) throws Exception {
        return parse(browser.await(list(type, "e.event"), v -> parse(v).size() > n)).getJsonObject(n);
    }

    /** When the page recorded its {@code n}-th event of this type, in the page's epoch milliseconds. */
    private static long at(Chromium browser, String type, int n) throws Exception {
        return parse(browser.eval(list(type, "e.at"))).getJsonNumber(n).longValue();
    }

    private static String list(String type, String field) {
        return "JSON.stringify(events.filter(e => e.type === '" + type + "').map(e => " + field + "))";
    }

    private static JsonArray parse(JsonValue json) {
        return Json.createReader(new StringReader(((JsonString) json).getString())).readArray();
    }
}
