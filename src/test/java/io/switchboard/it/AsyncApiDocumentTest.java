package io.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.switchboard.codec.JsonMessageCodec;
import io.switchboard.core.HeartbeatMode;
import io.switchboard.core.Outbound;
import io.switchboard.it.support.ProtocolSchemas;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Switchboard's AsyncAPI document ({@code src/main/webapp/asyncapi.yaml}) is a valid AsyncAPI 3.0
 * document, its examples match its own schemas, and what the server's codec writes matches them. The
 * container tests then check every message a real server sends ({@link ProtocolSchemas.Recorder}).
 * The AsyncAPI 3.0.0 JSON Schema is the AsyncAPI Initiative's (src/test/resources/asyncapi, see NOTICE).
 */
class AsyncApiDocumentTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final ProtocolSchemas schemas = ProtocolSchemas.get();

    @Test
    void theDocumentIsValidAsyncApi30() throws IOException {
        Schema asyncApi;
        try (InputStream in = getClass().getResourceAsStream("/asyncapi/asyncapi-3.0.0.schema.json")) {
            asyncApi = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7).getSchema(in);
        }
        List<Error> errors = asyncApi.validate(schemas.document());
        assertEquals(List.of(), errors.stream().map(Error::toString).toList());
        assertEquals("3.0.0", schemas.document().path("asyncapi").asString());
    }

    @Test
    void anInvalidDocumentIsReportedAsSuch() throws IOException {
        Schema asyncApi;
        try (InputStream in = getClass().getResourceAsStream("/asyncapi/asyncapi-3.0.0.schema.json")) {
            asyncApi = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7).getSchema(in);
        }
        JsonNode broken = JSON.readTree("{\"asyncapi\":\"3.0.0\",\"info\":{\"title\":\"x\"},\"operations\":{\"o\":{\"action\":\"publish\"}}}");
        assertFalse(asyncApi.validate(broken).isEmpty(), "no version, an AsyncAPI 2 action and no channel must be refused");
    }

    @Test
    void everyExampleMatchesItsMessage() {
        List<String> problems = new ArrayList<>();
        int examples = 0;
        for (Map.Entry<String, JsonNode> operation : schemas.document().path("operations").properties()) {
            boolean fromServer = operation.getValue().path("action").asString().equals("send");
            for (JsonNode ref : operation.getValue().path("messages").values()) {
                String channelMessage = ref.path("$ref").asString().substring(1);
                JsonNode message = schemas.document().at(schemas.document().at(channelMessage).path("$ref").asString().substring(1));
                for (JsonNode example : message.path("examples").values()) {
                    String text = JSON.writeValueAsString(example.path("payload"));
                    examples++;
                    problems.addAll(fromServer ? schemas.problemsOfServerMessage(text) : schemas.problemsOfClientMessage(text));
                }
            }
        }
        assertEquals(List.of(), problems);
        assertTrue(examples >= 25, examples + " examples");
    }

    @Test
    void whatTheServersCodecWritesMatchesTheDocument() {
        JsonMessageCodec codec = new JsonMessageCodec();
        List<Outbound> samples = List.of(
                new Outbound.Welcome("c-1", "alice", "node-1", HeartbeatMode.APP, 30000, 10000, 1048576, 20, 40, 1763800000000L),
                new Outbound.Shutdown("server shutting down", 1200, 30000, null),
                new Outbound.Shutdown("server shutting down", 1200, 30000, "ws://node-2:8080/ws"),
                new Outbound.Ping(7),
                new Outbound.Time(1763800000000L, null, null),
                new Outbound.Time(1763800000000L, 1763800000001L, 1763800000002L),
                new Outbound.Reconnect("rebalancing", 0, null),
                new Outbound.Reconnect("rebalancing", 100, "ws://node-2:8080/ws"),
                new Outbound.Pong("\"p-1\""),
                new Outbound.Pong(null),
                new Outbound.Error(Outbound.Error.RATE_LIMITED, "slow down", "12"),
                new Outbound.Error(Outbound.Error.BAD_REQUEST, "not valid JSON", null),
                new Outbound.Subscribed("news.*", "1"),
                new Outbound.Unsubscribed("news.*", null),
                new Outbound.Published("news.sport", "\"x\""),
                new Outbound.Subscribed("news.sport", "2", true, 41L, "e-1"),
                new Outbound.Subscribed("news.sport", "3", false, 90L, "e-2"),
                new Outbound.Unsubscribed("news.sport", null, Outbound.Unsubscribed.NOT_ALLOWED),
                new Outbound.Refresh(1763800060000L),
                new Outbound.Refreshed(1763800120000L, "4"),
                new Outbound.Error(Outbound.Error.INVALID_TOKEN, "the new token is not valid", "4"),
                new Outbound.Resync("news.sport"));
        List<String> texts = new ArrayList<>(samples.stream().map(codec::encode).toList());
        texts.add(codec.prepare("news.sport", "{\"text\":\"hello\"}").text(3));
        texts.add(codec.prepare(null, "[1,2,3]").text(0));
        texts.add(codec.prepare("news.sport", "{\"text\":\"hello\"}", 42L, "e-1").text(4));
        for (String text : texts) {
            assertEquals(List.of(), schemas.problemsOfServerMessage(text), text);
        }
        // every kind of server message is among the samples, so a new one needs a schema and a sample
        Set<Class<?>> kinds = samples.stream().map(Object::getClass).collect(Collectors.toSet());
        assertEquals(Set.of(Outbound.class.getPermittedSubclasses()), kinds);
    }

    @Test
    void aMessageTheDocumentDoesNotDescribeIsCaught() {
        assertFalse(schemas.problemsOfServerMessage("{\"type\":\"pong\",\"id\":1,\"extra\":true}").isEmpty());
        assertFalse(schemas.problemsOfServerMessage("{\"type\":\"welcome\",\"connectionId\":\"c\"}").isEmpty());
        assertFalse(schemas.problemsOfServerMessage("{\"type\":\"gossip\"}").isEmpty());
        assertFalse(schemas.problemsOfServerMessage("{\"type\":\"message\",\"channel\":\"a\",\"data\":1,\"seq\":0}").isEmpty());
        ProtocolSchemas.Recorder recorder = new ProtocolSchemas.Recorder();
        recorder.check("{\"type\":\"ping\",\"id\":\"not a number\"}");
        try {
            recorder.assertClean();
        } catch (AssertionError expected) {
            return;
        }
        throw new AssertionError("the recorder let a wrong message through");
    }

    @Test
    void theDocumentNamesEveryMessageTypeOfTheProtocol() {
        assertEquals(Set.of("welcome", "message", "subscribed", "unsubscribed", "published", "error", "ping", "pong",
                "time", "shutdown", "reconnect", "refresh", "refreshed", "resync"), schemas.serverTypes());
        assertEquals(Set.of("auth", "subscribe", "unsubscribe", "publish", "ping", "pong", "time"), schemas.clientTypes());
    }
}
