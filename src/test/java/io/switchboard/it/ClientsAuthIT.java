package io.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.client.ClientOptions.TokenTransport;
import io.switchboard.client.SwitchboardClient;
import io.switchboard.it.support.Chromium;
import io.switchboard.it.support.ClientEvents;
import io.switchboard.it.support.Deployments;
import io.switchboard.it.support.Servers;
import io.switchboard.it.support.Tokens;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.net.URL;
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

/** Both clients present their token each of the three ways, and stop on a rejected one (protocol.md and clients.md). */
@ExtendWith(ArquillianExtension.class)
class ClientsAuthIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.switchboard(Map.of("switchboard.auth.timeout", "2s"));
    }

    @ArquillianResource
    URL base;

    @Test
    void javaClientAuthenticatesByHeaderQueryOrInBand() throws Exception {
        for (TokenTransport transport : TokenTransport.values()) {
            ClientEvents events = new ClientEvents();
            String user = "client-" + transport.name().toLowerCase();
            try (SwitchboardClient client = SwitchboardClient.builder(Servers.webSocket(base, null))
                    .token(() -> Tokens.forUser(user)).tokenTransport(transport).listener(events).build().connect()) {
                assertEquals(user, events.next("open").json().getString("userId"), transport.name());
            }
        }
    }

    @Test
    void javaClientStopsOnARejectedTokenBeforeOrAfterTheUpgrade() throws Exception {
        ClientEvents refused = new ClientEvents();
        try (SwitchboardClient client = SwitchboardClient.builder(Servers.webSocket(base, null))
                .token(Tokens.forged("mallory")).listener(refused).build().connect()) {
            ClientEvents.Event close = refused.next("close");
            assertTrue(close.reason().contains("401"), close.reason());
            assertFalse(close.willReconnect());
            assertEquals(SwitchboardClient.State.CLOSED, client.state());
        }
        ClientEvents inBand = new ClientEvents();
        try (SwitchboardClient client = SwitchboardClient.builder(Servers.webSocket(base, null))
                .token(Tokens.expired("mallory")).tokenTransport(TokenTransport.IN_BAND).listener(inBand).build().connect()) {
            ClientEvents.Event close = inBand.next("close");
            assertEquals(1008, close.code());
            assertFalse(close.willReconnect());
            assertEquals(SwitchboardClient.State.CLOSED, client.state());
        }
    }

    @Test
    void browserClientAuthenticatesByQueryOrInBandAndStopsOnARejectedInBandToken() throws Exception {
        Optional<Path> binary = Chromium.find();
        Assumptions.assumeTrue(binary.isPresent(), "chromium is not installed: the browser client tests need the Debian package 'chromium'");
        String root = base.toExternalForm().replaceAll("/?$", "/");
        String ws = Json.createValue(Servers.webSocket(base, null).toString()).toString();
        try (Chromium browser = Chromium.launch(binary.get())) {
            browser.open(root + "switchboard.js");
            browser.eval("new Promise(ok => { const s = document.createElement('script'); s.src = '/switchboard.js';"
                    + " s.onload = ok; document.head.appendChild(s); }).then(() => true)");
            browser.eval("window.seen = {}; for (const [name, token, tokenIn] of ["
                    + "['query', " + Json.createValue(Tokens.forUser("browser-query")) + ", 'query'],"
                    + "['auth', " + Json.createValue(Tokens.forUser("browser-auth")) + ", 'auth'],"
                    + "['bad', " + Json.createValue(Tokens.expired("browser-bad")) + ", 'auth']]) {"
                    + " const sb = new Switchboard(" + ws + ", {token: () => token, tokenIn});"
                    + " sb.on('open', w => seen[name] = w.userId); sb.on('close', e => seen[name + 'Close'] = e); sb.connect(); } true");
            JsonObject seen = browser.await("seen", v -> v.asJsonObject().containsKey("query") && v.asJsonObject().containsKey("auth")
                    && v.asJsonObject().containsKey("badClose")).asJsonObject();
            assertEquals("browser-query", seen.getString("query"));
            assertEquals("browser-auth", seen.getString("auth"));
            assertEquals(1008, seen.getJsonObject("badClose").getInt("code"));
            assertFalse(seen.getJsonObject("badClose").getBoolean("willReconnect"));
        }
    }
}
