package io.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.it.support.Api;
import io.switchboard.it.support.Deployments;
import io.switchboard.it.support.Servers;
import io.switchboard.it.support.TestClient;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.net.URL;
import java.net.http.HttpResponse;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The admin API's token check and the connections calls (operations.md). */
@ExtendWith(ArquillianExtension.class)
class AdminApiIT {

    private static final String TOKEN = "it-admin-token";

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.switchboard(Map.of("switchboard.admin.token", TOKEN));
    }

    @ArquillianResource
    URL base;

    @Test
    void aMissingOrWrongTokenGets401WithAChallenge() throws Exception {
        for (Api api : new Api[] {new Api(base, null), new Api(base, "wrong-token")}) {
            HttpResponse<String> response = api.get("/connections");
            assertEquals(401, response.statusCode());
            assertEquals("Bearer", response.headers().firstValue("WWW-Authenticate").orElse(""));
            assertEquals("unauthorized", Api.json(response).asJsonObject().getString("error"));
        }
    }

    @Test
    void connectionsAreListedWithTheirPeerAndCanBeClosedWithACodeAndReason() throws Exception {
        Api api = new Api(base, TOKEN);
        try (TestClient client = TestClient.connect(Servers.webSocket(base, null))) {
            String id = client.next("welcome").getString("connectionId");

            HttpResponse<String> list = api.get("/connections?user=" + client.user() + "&state=open&limit=50");
            assertEquals(200, list.statusCode(), list.body());
            JsonObject mine = ((JsonArray) Api.json(list)).stream().map(v -> v.asJsonObject())
                    .filter(c -> id.equals(c.getString("id"))).findFirst()
                    .orElseThrow(() -> new AssertionError(id + " not in " + list.body()));
            assertEquals("OPEN", mine.getString("state"));
            assertEquals(client.user(), mine.getString("userId"));
            assertFalse(mine.getString("ip").isEmpty(), "the peer address reaches the registry: " + mine);
            assertTrue(mine.getString("userAgent").contains("Java"), mine.toString());
            // a message counts as out once its write completes, which the container may report just after
            // the client has read it: the welcome is the one message out, as soon as its write is done
            assertEquals(1, messagesOutOnceWritten(api, id));

            HttpResponse<String> closed = api.call("DELETE", "/connections/" + id + "?code=4000&reason=maintenance", null);
            assertEquals(202, closed.statusCode(), closed.body());
            assertEquals("4000 maintenance", client.awaitClose());
        }
    }

    /** The connection's {@code messagesOut}, read again for up to five seconds while it is 0. */
    private static int messagesOutOnceWritten(Api api, String id) throws Exception {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (true) {
            HttpResponse<String> one = api.get("/connections/" + id);
            assertEquals(200, one.statusCode(), one.body());
            JsonObject view = Api.json(one).asJsonObject();
            assertEquals(id, view.getString("id"));
            int out = view.getInt("messagesOut");
            if (out > 0 || System.nanoTime() - deadline > 0) {
                return out;
            }
            Thread.sleep(50);
        }
    }

    @Test
    void badInputGetsAClearJsonError() throws Exception {
        Api api = new Api(base, TOKEN);
        HttpResponse<String> unknown = api.get("/connections/no-such-id");
        assertEquals(404, unknown.statusCode());
        assertEquals("not_found", Api.json(unknown).asJsonObject().getString("error"));

        assertEquals(400, api.get("/connections?state=sleepy").statusCode());
        assertEquals(400, api.get("/connections?limit=0").statusCode());

        try (TestClient client = TestClient.connect(Servers.webSocket(base, null))) {
            String id = client.next("welcome").getString("connectionId");
            HttpResponse<String> reserved = api.call("DELETE", "/connections/" + id + "?code=1006", null);
            assertEquals(400, reserved.statusCode());
            assertTrue(Api.json(reserved).asJsonObject().getString("message").contains("1006"));
            HttpResponse<String> longReason = api.call("DELETE", "/connections/" + id + "?reason=" + "x".repeat(124), null);
            assertEquals(400, longReason.statusCode());
            assertFalse(client.isClosed());
        }
    }
}
