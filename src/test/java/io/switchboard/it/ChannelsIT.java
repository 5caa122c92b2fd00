package io.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.it.support.Api;
import io.switchboard.it.support.Deployments;
import io.switchboard.it.support.Servers;
import io.switchboard.it.support.TestClient;
import jakarta.json.JsonObject;
import java.net.URL;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Channels with wildcards, and the publish calls of the API (protocol.md and operations.md). */
@ExtendWith(ArquillianExtension.class)
class ChannelsIT {

    private static final String TOKEN = "it-admin-token";

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.switchboard(Map.of("switchboard.admin.token", TOKEN));
    }

    @ArquillianResource
    URL base;

    private TestClient connect() throws Exception {
        TestClient client = TestClient.connect(Servers.webSocket(base, null));
        client.next("welcome");
        return client;
    }

    @Test
    void subscribersGetWhatTheirPatternsMatchInPublishOrderWithSeqPerChannel() throws Exception {
        try (TestClient reader = connect(); TestClient writer = connect()) {
            reader.send("{\"type\":\"subscribe\",\"channel\":\"news.*\",\"id\":1}");
            assertEquals(1, reader.next("subscribed").getInt("ref"));
            reader.send("{\"type\":\"subscribe\",\"channel\":\"scores.>\",\"id\":2}");
            assertEquals(2, reader.next("subscribed").getInt("ref"));

            String[] channels = {"news.sport", "weather.today", "scores.a.b", "news.sport.live", "news.sport", "scores.c"};
            for (int i = 0; i < channels.length; i++) {
                writer.send("{\"type\":\"publish\",\"channel\":\"" + channels[i] + "\",\"data\":{\"n\":" + i + "},\"id\":" + i + "}");
                JsonObject published = writer.next("published");
                assertEquals(i, published.getInt("ref"));
                assertEquals(channels[i], published.getString("channel"));
            }

            JsonObject m0 = reader.next("message");
            assertEquals("news.sport", m0.getString("channel"));
            assertEquals(0, m0.getJsonObject("data").getInt("n"));
            assertEquals(1, m0.getInt("seq"));
            JsonObject m2 = reader.next("message");
            assertEquals("scores.a.b", m2.getString("channel"));
            assertEquals(1, m2.getInt("seq"));
            JsonObject m4 = reader.next("message");
            assertEquals(4, m4.getJsonObject("data").getInt("n"), "weather.today and news.sport.live match nothing");
            assertEquals(2, m4.getInt("seq"));
            JsonObject m5 = reader.next("message");
            assertEquals("scores.c", m5.getString("channel"));

            reader.send("{\"type\":\"unsubscribe\",\"channel\":\"news.*\",\"id\":3}");
            assertEquals(3, reader.next("unsubscribed").getInt("ref"));
            writer.send("{\"type\":\"publish\",\"channel\":\"news.sport\",\"data\":\"late\"}");
            writer.next("published");
            writer.send("{\"type\":\"publish\",\"channel\":\"scores.z\",\"data\":\"after\"}");
            writer.next("published");
            assertEquals("after", reader.next("message").getString("data"), "nothing more from news.*");
        }
    }

    @Test
    void badChannelNamesGetAnErrorAndTheConnectionStaysOpen() throws Exception {
        try (TestClient client = connect()) {
            client.send("{\"type\":\"subscribe\",\"channel\":\"news..x\",\"id\":7}");
            JsonObject error = client.next("error");
            assertEquals("bad_request", error.getString("code"));
            assertEquals(7, error.getInt("ref"));
            client.send("{\"type\":\"publish\",\"channel\":\"news.>\",\"data\":1,\"id\":8}");
            assertEquals(8, client.next("error").getInt("ref"));
            client.send("{\"type\":\"ping\",\"id\":9}");
            assertEquals(9, client.next("pong").getInt("id"));
        }
    }

    @Test
    void theApiSendsToOneConnectionToAUserAndToAChannel() throws Exception {
        Api api = new Api(base, TOKEN);
        String userId = "channels-user-" + System.nanoTime();
        try (TestClient one = TestClient.connectAs(Servers.webSocket(base, null), userId);
             TestClient two = TestClient.connectAs(Servers.webSocket(base, null), userId)) {
            String oneId = one.next("welcome").getString("connectionId");
            two.next("welcome");

            HttpResponse<String> unicast = api.call("POST", "/connections/" + oneId + "/messages", "{\"data\":{\"to\":\"one\"}}");
            assertEquals(202, unicast.statusCode(), unicast.body());
            assertEquals(1, Api.json(unicast).asJsonObject().getInt("recipients"));
            JsonObject got = one.next("message");
            assertEquals("one", got.getJsonObject("data").getString("to"));
            assertTrue(!got.containsKey("channel") && !got.containsKey("seq"), got.toString());

            HttpResponse<String> user = api.call("POST", "/users/" + userId + "/messages", "{\"data\":[1,2,3]}");
            assertEquals(202, user.statusCode(), user.body());
            assertTrue(Api.json(user).asJsonObject().getInt("recipients") >= 2, user.body());
            assertEquals(3, one.next("message").getJsonArray("data").size());
            assertEquals(3, two.next("message").getJsonArray("data").size());
            assertEquals(0, Api.json(api.call("POST", "/users/nobody/messages", "{\"data\":1}")).asJsonObject().getInt("recipients"));

            one.send("{\"type\":\"subscribe\",\"channel\":\"ops.>\"}");
            one.next("subscribed");
            JsonObject view = Api.json(api.get("/connections/" + oneId)).asJsonObject();
            assertEquals("ops.>", view.getJsonArray("channels").getString(0), view.toString());
            assertEquals(0, view.getInt("queued"));

            two.send("{\"type\":\"subscribe\",\"channel\":\"alerts.*\"}");
            two.next("subscribed");
            HttpResponse<String> channel = api.call("POST", "/channels/alerts.fire/messages", "{\"data\":\"run\"}");
            assertEquals(202, channel.statusCode(), channel.body());
            assertEquals(1, Api.json(channel).asJsonObject().getInt("recipients"));
            JsonObject alert = two.next("message");
            assertEquals("alerts.fire", alert.getString("channel"));
            assertEquals("run", alert.getString("data"));
            assertEquals(1, alert.getInt("seq"));
        }
    }

    @Test
    void badPublishCallsGetClearJsonErrors() throws Exception {
        Api api = new Api(base, TOKEN);
        assertError(api.call("POST", "/channels/alerts.fire/messages", "not json"), 400, "bad_request");
        assertError(api.call("POST", "/channels/alerts.fire/messages", "[1]"), 400, "bad_request");
        assertError(api.call("POST", "/channels/alerts.fire/messages", "{\"nodata\":1}"), 400, "bad_request");
        assertError(api.call("POST", "/channels/alerts.*/messages", "{\"data\":1}"), 400, "bad_request");
        assertError(api.call("POST", "/connections/no-such-id/messages", "{\"data\":1}"), 404, "not_found");
        assertError(api.call("POST", "/broadcast", "{\"data\":\"" + "x".repeat(1_100_000) + "\"}"), 413, "too_large");
        assertError(new Api(base, null).call("POST", "/broadcast", "{\"data\":1}"), 401, "unauthorized");
    }

    private static void assertError(HttpResponse<String> response, int status, String code) {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals(code, Api.json(response).asJsonObject().getString("error"), response.body());
    }

    @Test
    void aBroadcastReachesEveryClientOnce() throws Exception {
        Api api = new Api(base, TOKEN);
        List<TestClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 50; i++) {
                clients.add(connect());
            }
            HttpResponse<String> sent = api.call("POST", "/broadcast", "{\"data\":{\"all\":true}}");
            assertEquals(202, sent.statusCode(), sent.body());
            assertTrue(Api.json(sent).asJsonObject().getInt("recipients") >= 50, sent.body());
            for (TestClient c : clients) {
                assertTrue(c.next("message").getJsonObject("data").getBoolean("all"));
            }
        } finally {
            clients.forEach(TestClient::close);
        }
    }
}
