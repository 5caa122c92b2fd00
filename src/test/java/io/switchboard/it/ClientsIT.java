package io.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.client.SwitchboardClient;
import io.switchboard.client.SwitchboardException;
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
import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Java client and the browser client against the real server: welcome, ping, and what each does
 * when an operator closes its connection (protocol.md, operations.md, clients.md). One class for both
 * clients because they share this deployment, which is a server boot on Payara Micro.
 */
@ExtendWith(ArquillianExtension.class)
class ClientsIT {

    private static final String TOKEN = "it-admin-token";

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.switchboard(Map.of("switchboard.admin.token", TOKEN));
    }

    @ArquillianResource
    URL base;

    private Api api() {
        return new Api(base, TOKEN);
    }

    private void adminClose(String connectionId, int code) throws Exception {
        HttpResponse<String> response = api().call("DELETE", "/connections/" + connectionId + "?code=" + code + "&reason=test", null);
        assertEquals(202, response.statusCode(), response.body());
    }

    // ---- Java client ---------------------------------------------------------------------------

    @Test
    void javaClientOpensWithTheWelcomeAnswersAppHeartbeatAndMeasuresAPing() throws Exception {
        ClientEvents events = new ClientEvents();
        try (SwitchboardClient client = SwitchboardClient.builder(Servers.webSocket(base, null)).token(Tokens.forUser("java-client"))
                .appHeartbeat(true).listener(events).build().connect()) {
            JsonObject welcome = events.next("open").json();

            assertEquals(SwitchboardClient.State.OPEN, client.state());
            assertEquals(welcome.getString("connectionId"), client.connectionId());
            assertEquals("app", welcome.getJsonObject("heartbeat").getString("mode"));
            Duration rtt = client.ping().get(TestClient.WAIT.toSeconds(), TimeUnit.SECONDS);
            assertTrue(rtt.compareTo(Duration.ZERO) > 0 && rtt.compareTo(TestClient.WAIT) < 0, rtt.toString());
        }
    }

    @Test
    void javaClientReconnectsAfterAnOperatorCloseWith4000Or1001AndStopsAfter1000() throws Exception {
        ClientEvents events = new ClientEvents();
        try (SwitchboardClient client = SwitchboardClient.builder(Servers.webSocket(base, null)).token(Tokens.forUser("java-client"))
                .listener(events).build().connect()) {
            String id = events.next("open").json().getString("connectionId");
            for (int code : new int[] {4000, 1001}) {
                adminClose(id, code);

                ClientEvents.Event close = events.next("close");
                assertEquals(code, close.code());
                assertEquals("test", close.reason());
                assertTrue(close.willReconnect());
                String next = events.next("open").json().getString("connectionId");
                assertNotEquals(id, next, "a new connection, not the old one");
                assertEquals(next, client.connectionId());
                id = next;
            }
            assertTrue(api().get("/connections/" + id).statusCode() == 200, "the server sees the new connection");

            adminClose(id, 1000); // an operator's normal close means "stop"
            ClientEvents.Event close = events.next("close");
            assertEquals(1000, close.code());
            assertFalse(close.willReconnect());
            assertEquals(SwitchboardClient.State.CLOSED, client.state());
        }
    }

    @Test
    void javaClientStopsAfterAnOperatorCloseWith1008() throws Exception {
        ClientEvents events = new ClientEvents();
        try (SwitchboardClient client = SwitchboardClient.builder(Servers.webSocket(base, null)).token(Tokens.forUser("java-client"))
                .listener(events).build().connect()) {
            String id = events.next("open").json().getString("connectionId");

            adminClose(id, 1008);

            ClientEvents.Event close = events.next("close");
            assertEquals(1008, close.code());
            assertFalse(close.willReconnect());
            assertEquals(SwitchboardClient.State.CLOSED, client.state(), "CLOSED is final: no attempt follows");
            ExecutionException refused = assertThrows(ExecutionException.class, () -> client.subscribe("news").get());
            assertEquals("not_connected", ((SwitchboardException) refused.getCause()).code());
        }
    }

    // ---- browser client ------------------------------------------------------------------------

    @Test
    void theBrowserClientIsServedAsJavaScript() throws Exception {
        HttpResponse<String> js = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(base.toExternalForm().replaceAll("/?$", "/") + "switchboard.js")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, js.statusCode());
        assertTrue(js.headers().firstValue("Content-Type").orElse("").contains("javascript"), js.headers().map().toString());
        assertTrue(js.body().contains("function Switchboard("));
    }

    @Test
    void browserClientConnectsPingsAndReconnectsAfterAnOperatorCloseButNotAfter1008() throws Exception {
        Optional<Path> binary = Chromium.find();
        Assumptions.assumeTrue(binary.isPresent(),
                "chromium is not installed: the browser client tests need the Debian package 'chromium'");
        String root = base.toExternalForm().replaceAll("/?$", "/");
        try (Chromium browser = Chromium.launch(binary.get())) {
            browser.open(root + "switchboard.js");
            browser.eval("new Promise((ok, fail) => { const s = document.createElement('script');"
                    + " s.src = '/switchboard.js'; s.onload = ok; s.onerror = () => fail('not loaded');"
                    + " document.head.appendChild(s); }).then(() => typeof Switchboard)");
            browser.eval("window.events = []; window.sb = new Switchboard(" + Json.createValue(Servers.webSocket(base, null).toString()) + ", {token: " + Json.createValue(Tokens.forUser("browser")) + "});"
                    + " ['open', 'close', 'state'].forEach(t => sb.on(t, e => events.push({type: t, event: e})));"
                    + " sb.connect(); true");

            JsonObject welcome = awaitEvent(browser, "open", 0);
            assertEquals("app", welcome.getJsonObject("heartbeat").getString("mode"), "the browser asks for app heartbeats");
            assertTrue(browser.eval("sb.ping()").toString().matches("\\d+"), "ping resolves with the round-trip time");

            adminClose(welcome.getString("connectionId"), 4000);
            JsonObject close = awaitEvent(browser, "close", 0);
            assertEquals(4000, close.getInt("code"));
            assertTrue(close.getBoolean("willReconnect"));
            JsonObject again = awaitEvent(browser, "open", 1);
            assertNotEquals(welcome.getString("connectionId"), again.getString("connectionId"));

            adminClose(again.getString("connectionId"), 1008);
            JsonObject last = awaitEvent(browser, "close", 1);
            assertEquals(1008, last.getInt("code"));
            assertFalse(last.getBoolean("willReconnect"));
            assertEquals("\"closed\"", browser.eval("sb.state").toString());
        }
    }

    @Test
    void browserBackoffIsFullJitterBetweenTheMinimumAndTheMaximum() throws Exception {
        Optional<Path> binary = Chromium.find();
        Assumptions.assumeTrue(binary.isPresent(),
                "chromium is not installed: the browser client tests need the Debian package 'chromium'");
        String root = base.toExternalForm().replaceAll("/?$", "/");
        try (Chromium browser = Chromium.launch(binary.get())) {
            browser.open(root + "switchboard.js");
            browser.eval("new Promise(ok => { const s = document.createElement('script'); s.src = '/switchboard.js';"
                    + " s.onload = ok; document.head.appendChild(s); }).then(() => true)");
            // random() = 0 gives the floor, random() -> 1 the top of each retry's window
            assertEquals("[500,500,500,500]", browser.eval("JSON.stringify([0, 1, 5, 60].map(n => Switchboard.backoffDelay(n, 500, 30000, () => 0)))").toString().replace("\"", ""));
            assertEquals("[1000,1500,16500,30000]", browser.eval("JSON.stringify([0, 1, 5, 60].map(n => Switchboard.backoffDelay(n, 500, 30000, () => 0.9999999)))").toString().replace("\"", ""));
        }
    }

    /** The {@code n}-th (from 0) event of this type that the page recorded. */
    private static JsonObject awaitEvent(Chromium browser, String type, int n) throws Exception {
        String expression = "JSON.stringify(events.filter(e => e.type === '" + type + "').map(e => e.event))";
        JsonValue list = browser.await(expression, v -> Json.createReader(new StringReader(((JsonString) v).getString())).readArray().size() > n);
        return Json.createReader(new StringReader(((JsonString) list).getString())).readArray().getJsonObject(n);
    }
}
