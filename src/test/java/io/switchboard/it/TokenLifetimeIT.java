package io.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.client.SwitchboardClient;
import io.switchboard.it.support.Api;
import io.switchboard.it.support.Chromium;
import io.switchboard.it.support.ClientEvents;
import io.switchboard.it.support.Deployments;
import io.switchboard.it.support.RawWebSocket;
import io.switchboard.it.support.RevokedUsers;
import io.switchboard.it.support.Servers;
import io.switchboard.it.support.TestClient;
import io.switchboard.it.support.Tokens;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A connection lives no longer than its token, on the real server: the
 * refresh notice and the 4001 close, in-band refresh by both clients across short-lived tokens,
 * a refresh of another user, a narrower {@code channels} claim, and revoking a user. Tokens live a
 * few seconds; the deployment sends the notice 2 s before {@code exp} and allows 1 s of leeway.
 */
@ExtendWith(ArquillianExtension.class)
class TokenLifetimeIT {

    private static final String ADMIN = "it-admin-token";
    /** How long each short-lived token lives (JWT expiry is whole seconds, so 3 to 4 s from now). */
    private static final Duration LIFETIME = Duration.ofSeconds(4);
    private static final Duration LEEWAY = Duration.ofSeconds(1);

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.switchboard(Map.of(
                "switchboard.admin.token", ADMIN,
                "switchboard.auth.refresh-notice", "2s",
                "switchboard.auth.jwt.leeway", LEEWAY.toSeconds() + "s")).addClass(RevokedUsers.class);
    }

    @ArquillianResource
    URL base;

    private URI ws() {
        return Servers.webSocket(base, null);
    }

    private static Instant soon() {
        return Instant.now().plus(LIFETIME).truncatedTo(ChronoUnit.SECONDS);
    }

    private TestClient connect(String token) throws Exception {
        TestClient client = TestClient.connectWith(ws(), "Authorization", "Bearer " + token);
        client.next("welcome");
        return client;
    }

    @Test
    void aClientThatDoesNotRefreshGetsTheNoticeAndIsClosedWith4001AfterTheLeeway() throws Exception {
        Instant exp = soon();
        try (TestClient client = connect(Tokens.expiringAt("lapsing", exp, null))) {
            JsonObject notice = client.next("refresh");
            assertEquals(exp.toEpochMilli(), notice.getJsonNumber("expiresAt").longValue());
            assertEquals("4001 token expired", client.awaitClose());
            assertTrue(Instant.now().isAfter(exp.plus(LEEWAY).minusMillis(100)), "not closed before exp + leeway");
        }
        JsonObject tokens = Api.json(new Api(base, ADMIN).get("/stats")).asJsonObject().getJsonObject("tokens");
        assertTrue(tokens.getJsonNumber("expiryCloses").longValue() >= 1, tokens.toString());
        assertTrue(tokens.getJsonNumber("refreshNotices").longValue() >= 1, tokens.toString());
    }

    @Test
    void theJavaClientRefreshesThreeTimesWithoutReconnecting() throws Exception {
        AtomicInteger issued = new AtomicInteger();
        List<Instant> expiries = new ArrayList<>();
        ClientEvents events = new ClientEvents();
        try (SwitchboardClient client = SwitchboardClient.builder(ws()).token(() -> {
                    Instant exp = soon();
                    synchronized (expiries) {
                        expiries.add(exp);
                    }
                    issued.incrementAndGet();
                    return Tokens.expiringAt("java-refresher", exp, null);
                }).listener(events).build().connect()) {
            String id = events.next("open").json().getString("connectionId");
            long deadline = System.nanoTime() + TestClient.WAIT.toNanos();
            while (issued.get() < 4 && System.nanoTime() - deadline < 0) {
                Thread.sleep(50);
            }
            assertEquals(4, issued.get(), "one token to connect, three refreshes");
            // past the first token's exp + leeway: without the refreshes the server would have closed by now
            Instant firstGone;
            synchronized (expiries) {
                firstGone = expiries.get(0).plus(LEEWAY).plusMillis(700);
            }
            Thread.sleep(Math.max(0, Duration.between(Instant.now(), firstGone).toMillis()));
            assertThrows(AssertionError.class, () -> events.next("close", 200), "no close, no reconnect");
            assertEquals(id, client.connectionId());
            assertEquals(SwitchboardClient.State.OPEN, client.state());
            assertEquals(200, new Api(base, ADMIN).get("/connections/" + id).statusCode());
        }
    }

    @Test
    void theBrowserClientRefreshesThreeTimesWithoutReconnecting() throws Exception {
        Optional<Path> binary = Chromium.find();
        Assumptions.assumeTrue(binary.isPresent(),
                "chromium is not installed: the browser client tests need the Debian package 'chromium'");
        String root = base.toExternalForm().replaceAll("/?$", "/");
        try (Chromium browser = Chromium.launch(binary.get())) {
            browser.open(root + "switchboard.js");
            browser.eval("new Promise((ok, fail) => { const s = document.createElement('script');"
                    + " s.src = '/switchboard.js'; s.onload = ok; s.onerror = () => fail('not loaded');"
                    + " document.head.appendChild(s); }).then(() => typeof Switchboard)");
            // a token per refresh, each living two seconds longer than the one before (the page cannot
            // sign), made once the page is ready: a token already inside its notice window when it
            // arrives gets no notice of its own, and its connection would end with 4001
            Instant first = soon();
            JsonArrayBuilder tokens = Json.createArrayBuilder();
            for (int i = 0; i < 6; i++) {
                tokens.add(Tokens.expiringAt("browser-refresher", first.plusSeconds(2L * i), null));
            }
            browser.eval("window.tokens = " + tokens.build() + "; window.closes = [];"
                    + " window.sb = new Switchboard(" + Json.createValue(ws().toString()) + ", {token: () => Promise.resolve(tokens.shift())});"
                    + " sb.on('close', e => closes.push(e)); sb.connect(); true");
            browser.await("sb.stats.refreshes >= 3", JsonValue.TRUE::equals);
            Thread.sleep(Math.max(0, Duration.between(Instant.now(), first.plus(LEEWAY).plusMillis(700)).toMillis()));
            assertEquals("[1,0]", browser.eval("JSON.stringify([sb.stats.opens, closes.length])").toString().replace("\"", ""),
                    "one connection, never closed");
            assertEquals("\"open\"", browser.eval("sb.state").toString());
            String id = browser.eval("sb.connectionId").toString().replace("\"", "");
            assertEquals(200, new Api(base, ADMIN).get("/connections/" + id).statusCode());
        }
    }

    @Test
    void aRefreshWithAnotherUsersTokenClosesWithUserChanged() throws Exception {
        try (TestClient client = connect(Tokens.forUser("honest"))) {
            client.send("{\"type\":\"auth\",\"token\":\"" + Tokens.forUser("someone-else") + "\",\"id\":1}");
            assertEquals("1008 user changed", client.awaitClose());
        }
    }

    @Test
    void anInvalidRefreshIsAnErrorAndTheConnectionStaysOpen() throws Exception {
        try (TestClient client = connect(Tokens.forUser("clumsy"))) {
            client.send("{\"type\":\"auth\",\"token\":\"" + Tokens.forged("clumsy") + "\",\"id\":2}");
            JsonObject error = client.next("error");
            assertEquals("invalid_token", error.getString("code"));
            assertEquals(2, error.getInt("ref"));
            client.send("{\"type\":\"ping\",\"id\":3}");
            assertEquals(3, client.next("pong").getInt("id"));
        }
    }

    @Test
    void aNarrowerChannelsClaimEndsTheSubscriptionItNoLongerAllows() throws Exception {
        Instant exp = Instant.now().plus(Duration.ofHours(1));
        try (TestClient client = connect(Tokens.expiringAt("narrowed", exp, List.of("news.>", "sport.*")))) {
            client.send("{\"type\":\"subscribe\",\"channel\":\"news.world\",\"id\":1}");
            client.send("{\"type\":\"subscribe\",\"channel\":\"sport.tennis\",\"id\":2}");
            assertEquals(1, client.next("subscribed").getInt("ref"));
            assertEquals(2, client.next("subscribed").getInt("ref"));

            client.send("{\"type\":\"auth\",\"token\":\"" + Tokens.expiringAt("narrowed", exp.plusSeconds(60), List.of("news.>")) + "\",\"id\":3}");
            JsonObject ended = client.next("unsubscribed");
            assertEquals("sport.tennis", ended.getString("channel"));
            assertEquals("not allowed", ended.getString("reason"));
            JsonObject refreshed = client.next("refreshed");
            assertEquals(3, refreshed.getInt("ref"));
            assertEquals(exp.plusSeconds(60).truncatedTo(ChronoUnit.SECONDS).toEpochMilli(), refreshed.getJsonNumber("expiresAt").longValue());

            client.send("{\"type\":\"subscribe\",\"channel\":\"sport.tennis\",\"id\":4}");
            assertEquals("forbidden", client.next("error").getString("code"));
        }
    }

    @Test
    void revokingAUserClosesEveryOneOfTheirConnectionsWithTheGivenCode() throws Exception {
        List<TestClient> clients = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        try (TestClient bystander = connect(Tokens.forUser("bystander"))) {
            for (int i = 0; i < 3; i++) {
                TestClient c = TestClient.connectWith(ws(), "Authorization", "Bearer " + Tokens.forUser("ousted-user"));
                clients.add(c);
                ids.add(c.next("welcome").getString("connectionId"));
            }
            Api api = new Api(base, ADMIN);
            HttpResponse<String> response = api.call("DELETE", "/users/ousted-user/connections?code=4501&reason=revoked", null);
            assertEquals(202, response.statusCode(), response.body());
            Set<String> closed = new HashSet<>();
            Api.json(response).asJsonObject().getJsonArray("closed").getValuesAs(jakarta.json.JsonString.class)
                    .forEach(s -> closed.add(s.getString()));
            assertEquals(ids, closed);
            for (TestClient c : clients) {
                assertEquals("4501 revoked", c.awaitClose());
            }
            bystander.send("{\"type\":\"ping\",\"id\":1}");
            assertEquals(1, bystander.next("pong").getInt("id"), "other users keep their connections");

            HttpResponse<String> none = api.call("DELETE", "/users/nobody-here/connections", null);
            assertEquals(202, none.statusCode());
            assertEquals(0, Api.json(none).asJsonObject().getJsonArray("closed").size());
            assertEquals(400, api.call("DELETE", "/users/ousted-user/connections?code=1006", null).statusCode());
            JsonNumber revoked = Api.json(api.get("/stats")).asJsonObject().getJsonObject("tokens").getJsonNumber("revokedConnections");
            assertTrue(revoked.longValue() >= 3, revoked.toString());
            assertTrue(api.get("/metrics").body().contains("switchboard_revocations_total{kind=\"connection\"}"));
        } finally {
            clients.forEach(TestClient::close);
        }
    }

    @Test
    void aTokenTheApplicationsRevocationCheckRefusesIs401AtTheHandshakeAndAnErrorOnRefresh() throws Exception {
        try (RawWebSocket r = RawWebSocket.open(ws(), null, "Authorization", "Bearer " + Tokens.forUser(RevokedUsers.PREFIX + "ann"))) {
            assertEquals(401, r.status());
            assertEquals("Bearer error=\"invalid_token\"", r.header("WWW-Authenticate"));
        }
        try (TestClient client = connect(Tokens.forUser("still-fine"))) {
            // a valid token of another user that is revoked: refused as a token, before the user is compared
            client.send("{\"type\":\"auth\",\"token\":\"" + Tokens.forUser(RevokedUsers.PREFIX + "bob") + "\",\"id\":1}");
            assertEquals("invalid_token", client.next("error").getString("code"));
        }
        JsonNumber refused = Api.json(new Api(base, ADMIN).get("/stats")).asJsonObject().getJsonObject("tokens").getJsonNumber("revokedTokens");
        assertTrue(refused.longValue() >= 2, refused.toString());
    }
}
