package io.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Both clients against the server's heartbeats, time sync and service-initiated reconnect
 * (protocol.md and clients.md): a peer that answers nothing is closed while the clients,
 * connected at the same time, stay; a reconnect notice moves them to a new connection.
 */
@ExtendWith(ArquillianExtension.class)
class ClientsHeartbeatIT {

    private static final String TOKEN = "it-clients-heartbeat-token";

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.switchboard(Map.of(
                "switchboard.heartbeat.interval", "1s",
                "switchboard.heartbeat.timeout", "500ms",
                "switchboard.heartbeat.max-missed", "2",
                "switchboard.timesync.interval", "1s",
                "switchboard.timesync.max-offset", "2s",
                "switchboard.idle.timeout", "0",
                "switchboard.admin.token", TOKEN));
    }

    @ArquillianResource
    URL base;

    @Test
    void javaClientsAnswerHeartbeatsAndTimeSyncWhileASilentPeerIsClosed() throws Exception {
        ClientEvents app = new ClientEvents();
        ClientEvents protocol = new ClientEvents();
        try (SwitchboardClient appClient = SwitchboardClient.builder(Servers.webSocket(base, null)).token(Tokens.forUser("java-" + System.nanoTime())).appHeartbeat(true).listener(app).build().connect();
             SwitchboardClient protocolClient = SwitchboardClient.builder(Servers.webSocket(base, null)).token(Tokens.forUser("java-" + System.nanoTime())).listener(protocol).build().connect();
             TestClient silent = TestClient.connect(Servers.webSocket(base, "heartbeat=app"))) {
            String appId = app.next("open").json().getString("connectionId");
            String protocolId = protocol.next("open").json().getString("connectionId");

            String closed = silent.awaitClose();

            assertTrue(closed.startsWith("1001") || closed.startsWith("1008"), closed);
            assertEquals(SwitchboardClient.State.OPEN, appClient.state());
            assertEquals(appId, appClient.connectionId());
            assertEquals(SwitchboardClient.State.OPEN, protocolClient.state());
            assertEquals(protocolId, protocolClient.connectionId());
        }
    }

    @Test
    void javaClientFollowsAReconnectNotice() throws Exception {
        ClientEvents events = new ClientEvents();
        try (SwitchboardClient client = SwitchboardClient.builder(Servers.webSocket(base, null)).token(Tokens.forUser("java-" + System.nanoTime())).listener(events).build().connect()) {
            String id = events.next("open").json().getString("connectionId");

            HttpResponse<String> asked = new Api(base, TOKEN).call("POST", "/connections/" + id + "/reconnect", "{\"afterMs\":100,\"reason\":\"move\"}");
            assertEquals(202, asked.statusCode(), asked.body());

            JsonObject notice = events.next("message").json();
            assertEquals("reconnect", notice.getString("type"));
            assertTrue(events.next("close").willReconnect());
            assertNotEquals(id, events.next("open").json().getString("connectionId"));
        }
    }

    @Test
    void browserClientAnswersAppPingsAndTimeSyncAndFollowsAReconnectNotice() throws Exception {
        Optional<Path> binary = Chromium.find();
        Assumptions.assumeTrue(binary.isPresent(), "chromium is not installed: the browser client tests need the Debian package 'chromium'");
        String root = base.toExternalForm().replaceAll("/?$", "/");
        try (Chromium browser = Chromium.launch(binary.get());
             TestClient silent = TestClient.connect(Servers.webSocket(base, "heartbeat=app"))) {
            browser.open(root + "switchboard.js");
            browser.eval("new Promise(ok => { const s = document.createElement('script'); s.src = '/switchboard.js';"
                    + " s.onload = ok; document.head.appendChild(s); }).then(() => true)");
            browser.eval("window.opens = []; window.sb = new Switchboard(" + Json.createValue(Servers.authorized(base, null).toString()) + ");"
                    + " sb.on('open', w => opens.push(w.connectionId)); sb.connect(); true");
            String id = ((JsonString) browser.await("opens[0] || null", v -> v instanceof JsonString)).getString();

            silent.awaitClose();
            browser.await("sb.stats.pingsAnswered > 0 && sb.stats.timeAnswered > 0", JsonValue.TRUE::equals);
            assertEquals("\"open\"", browser.eval("sb.state").toString());
            assertEquals(Json.createValue(id), browser.eval("sb.connectionId"));

            assertEquals(202, new Api(base, TOKEN).call("POST", "/connections/" + id + "/reconnect", "{\"afterMs\":100}").statusCode());
            JsonValue second = browser.await("opens[1] || null", v -> v instanceof JsonString);
            assertNotEquals(Json.createValue(id), second);
        }
    }
}
