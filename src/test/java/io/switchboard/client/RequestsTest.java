package io.switchboard.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class RequestsTest {

    private final Requests requests = new Requests();

    private static JsonObject reply(String type, long ref) {
        return Json.createObjectBuilder().add("type", type).add("ref", ref).build();
    }

    private static String failureCode(CompletableFuture<?> f) {
        try {
            f.get();
            throw new AssertionError("expected a failure");
        } catch (ExecutionException e) {
            return ((SwitchboardException) e.getCause()).code();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aReplyCompletesTheRequestWithTheMatchingRefOnly() {
        CompletableFuture<JsonObject> publish = new CompletableFuture<>();
        long id = requests.request(Requests.Kind.PUBLISH, "news", publish);

        assertFalse(requests.answer(Json.createValue(id + 1), reply("published", id + 1)));
        assertFalse(requests.answer(Json.createValue("x"), reply("published", id)));
        assertFalse(publish.isDone());
        JsonObject published = reply("published", id);
        assertTrue(requests.answer(Json.createValue(id), published));
        assertSame(published, publish.join());
        assertFalse(requests.answer(Json.createValue(id), published), "a reply is used once");
    }

    @Test
    void aSubscriptionOutlivesTheConnectionAndIsConfirmedByTheResubscription() {
        CompletableFuture<JsonObject> subscribed = new CompletableFuture<>();
        CompletableFuture<JsonObject> publish = new CompletableFuture<>();
        requests.want("news.sport", subscribed);
        long first = requests.subscribe("news.sport");
        requests.request(Requests.Kind.PUBLISH, "news.sport", publish);

        requests.disconnected();

        assertEquals(SwitchboardException.DISCONNECTED, failureCode(publish));
        assertFalse(subscribed.isDone());
        assertEquals(Set.of("news.sport"), requests.channels());
        long second = requests.subscribe("news.sport");
        assertTrue(second > first, "ids are not reused");
        requests.answer(Json.createValue(second), reply("subscribed", second));
        assertEquals("subscribed", subscribed.join().getString("type"));
    }

    @Test
    void aSubscriptionAnsweredUnavailableIsKeptAndItsCallerWaitsForTheNextSubscribe() {
        CompletableFuture<JsonObject> subscribed = new CompletableFuture<>();
        requests.want("news", subscribed);
        long id = requests.subscribe("news");
        JsonObject unavailable = Json.createObjectBuilder().add("type", "error").add("code", "unavailable")
                .add("message", "the channel's history cannot be read").add("ref", id).build();

        assertEquals("news", requests.unavailableSubscribe(unavailable));

        assertFalse(subscribed.isDone());
        assertEquals(Set.of("news"), requests.channels());
        assertFalse(requests.answer(Json.createValue(id), unavailable), "taken once");
        long again = requests.subscribe("news");
        requests.answer(Json.createValue(again), reply("subscribed", again));
        assertEquals("subscribed", subscribed.join().getString("type"));
    }

    @Test
    void aRefusedSubscriptionFailsAndIsForgotten() {
        CompletableFuture<JsonObject> subscribed = new CompletableFuture<>();
        requests.want("secret", subscribed);
        long id = requests.subscribe("secret");

        requests.answer(Json.createValue(id), Json.createObjectBuilder().add("type", "error")
                .add("code", "forbidden").add("message", "no").add("ref", id).build());

        assertEquals("forbidden", failureCode(subscribed));
        assertEquals(Set.of(), requests.channels());
    }

    @Test
    void unsubscribingOrClosingReleasesEveryoneStillWaiting() {
        CompletableFuture<JsonObject> a = new CompletableFuture<>();
        CompletableFuture<JsonObject> b = new CompletableFuture<>();
        requests.want("a", a);
        requests.want("b", b);

        requests.unwant("a");
        requests.closed(SwitchboardException.NOT_CONNECTED, "closed");

        assertEquals("unsubscribed", failureCode(a));
        assertEquals(SwitchboardException.NOT_CONNECTED, failureCode(b));
    }
}
