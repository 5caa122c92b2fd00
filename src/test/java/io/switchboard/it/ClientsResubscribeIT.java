package io.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
import java.net.URL;
import java.nio.file.Path;
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

/** Both clients subscribe and publish with replies matched by ref, and resubscribe after a reconnect (protocol.md and clients.md). */
@ExtendWith(ArquillianExtension.class)
class ClientsResubscribeIT {

    private static final String TOKEN = "it-clients-channels-token";

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.switchboard(Map.of("switchboard.admin.token", TOKEN));
    }

    @ArquillianResource
    URL base;

    private Api api() {
        return new Api(base, TOKEN);
    }

    @Test
    void javaClientResubscribesAfterAReconnectAndKeepsReceiving() throws Exception {
        ClientEvents events = new ClientEvents();
        try (SwitchboardClient client = SwitchboardClient.builder(Servers.webSocket(base, null)).token(Tokens.forUser("java-" + System.nanoTime())).listener(events).build().connect()) {
            String id = events.next("open").json().getString("connectionId");
            JsonObject subscribed = client.subscribe("news.*").get(TestClient.WAIT.toSeconds(), TimeUnit.SECONDS);
            assertEquals("subscribed", subscribed.getString("type"));
            ExecutionException refused = assertThrows(ExecutionException.class, () -> client.subscribe("news..bad").get());
            assertEquals("bad_request", ((SwitchboardException) refused.getCause()).code());

            JsonObject published = client.publish("news.sport", Json.createValue("one")).get(TestClient.WAIT.toSeconds(), TimeUnit.SECONDS);
            assertEquals("published", published.getString("type"));
            assertEquals("one", events.next("message").json().getString("data"));

            assertEquals(202, api().call("DELETE", "/connections/" + id + "?code=4000", null).statusCode());
            String again = events.next("open").json().getString("connectionId");
            api().awaitSubscribed(again, "news.*");
            assertEquals(202, api().call("POST", "/channels/news.weather/messages", "{\"data\":\"two\"}").statusCode());
            JsonObject message = events.next("message").json();
            assertEquals("news.weather", message.getString("channel"));
            assertEquals("two", message.getString("data"));
        }
    }

    @Test
    void browserClientResubscribesAfterAReconnectAndKeepsReceiving() throws Exception {
        Optional<Path> binary = Chromium.find();
        Assumptions.assumeTrue(binary.isPresent(), "chromium is not installed: the browser client tests need the Debian package 'chromium'");
        String root = base.toExternalForm().replaceAll("/?$", "/");
        try (Chromium browser = Chromium.launch(binary.get())) {
            browser.open(root + "switchboard.js");
            browser.eval("new Promise(ok => { const s = document.createElement('script'); s.src = '/switchboard.js';"
                    + " s.onload = ok; document.head.appendChild(s); }).then(() => true)");
            browser.eval("window.opens = []; window.data = []; window.sb = new Switchboard(" + Json.createValue(Servers.authorized(base, null).toString()) + ");"
                    + " sb.on('open', w => opens.push(w.connectionId)); sb.on('message', m => data.push(m.data)); sb.connect(); true");
            String id = ((JsonString) browser.await("opens[0] || null", v -> v instanceof JsonString)).getString();
            assertEquals("\"subscribed\"", browser.eval("sb.subscribe('alerts.>').then(r => r.type)").toString());
            assertEquals("\"bad_request\"", browser.eval("sb.publish('alerts.*', 1).then(() => 'published', e => e.code)").toString());

            assertEquals(202, api().call("DELETE", "/connections/" + id + "?code=4000", null).statusCode());
            String again = ((JsonString) browser.await("opens[1] || null", v -> v instanceof JsonString)).getString();
            api().awaitSubscribed(again, "alerts.>");
            assertEquals(202, api().call("POST", "/channels/alerts.fire.now/messages", "{\"data\":\"run\"}").statusCode());
            browser.await("data.includes('run')", JsonValue.TRUE::equals);
        }
    }
}
