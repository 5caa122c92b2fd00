package io.switchboard.it.support;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The message schemas of Switchboard's AsyncAPI document ({@code src/main/webapp/asyncapi.yaml}), for
 * checking real traffic against it: every message the server may send is a message of the document's
 * {@code send} operation, found by its {@code type}. The test clients ({@link TestClient},
 * {@link RawClient}, {@link FrameClient}, {@link ClientEvents}) check every text message they receive
 * through a {@link Recorder}, so a container test fails when the server sends something the document
 * does not describe.
 */
public final class ProtocolSchemas {

    public static final Path DOCUMENT = Path.of("src/main/webapp/asyncapi.yaml");
    private static final String BASE = "https://switchboard.invalid/asyncapi.json";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static volatile ProtocolSchemas instance;

    private final JsonNode document;
    /** The payload schema of every message the server sends, by its {@code type}. */
    private final Map<String, Schema> serverMessages;
    /** The payload schema of every message a client sends, by its {@code type}. */
    private final Map<String, Schema> clientMessages;

    private ProtocolSchemas(JsonNode document) {
        this.document = document;
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7,
                b -> b.schemas(Map.of(BASE, JSON.writeValueAsString(document))));
        this.serverMessages = payloads(registry, "send");
        this.clientMessages = payloads(registry, "receive");
    }

    /** The document, read once per test JVM. */
    public static ProtocolSchemas get() {
        ProtocolSchemas p = instance;
        if (p == null) {
            synchronized (ProtocolSchemas.class) {
                if (instance == null) {
                    instance = new ProtocolSchemas(readDocument());
                }
                p = instance;
            }
        }
        return p;
    }

    public static JsonNode readDocument() {
        try {
            return new YAMLMapper().readTree(Files.readString(DOCUMENT));
        } catch (IOException e) {
            throw new UncheckedIOException(DOCUMENT + " cannot be read", e);
        }
    }

    public JsonNode document() {
        return document;
    }

    /** The types of the messages the document says the server sends. */
    public java.util.Set<String> serverTypes() {
        return serverMessages.keySet();
    }

    public java.util.Set<String> clientTypes() {
        return clientMessages.keySet();
    }

    /** What is wrong with one server-to-client text message; empty when the document describes it. */
    public List<String> problemsOfServerMessage(String text) {
        return problems(text, serverMessages);
    }

    public List<String> problemsOfClientMessage(String text) {
        return problems(text, clientMessages);
    }

    private static List<String> problems(String text, Map<String, Schema> byType) {
        JsonNode message;
        try {
            message = JSON.readTree(text);
        } catch (RuntimeException e) {
            return List.of("not JSON: " + e.getMessage());
        }
        String type = message.path("type").asString(null);
        Schema schema = type == null ? null : byType.get(type);
        if (schema == null) {
            return List.of("type " + type + " is not a message of the document " + byType.keySet());
        }
        List<String> problems = new ArrayList<>();
        for (Error e : schema.validate(message)) {
            problems.add(e.toString());
        }
        return problems;
    }

    /** {@code type} → payload schema of every message of the operations with this action. */
    private Map<String, Schema> payloads(SchemaRegistry registry, String action) {
        Map<String, Schema> byType = new TreeMap<>();
        for (JsonNode operation : document.path("operations").values()) {
            if (!action.equals(operation.path("action").asString(""))) {
                continue;
            }
            for (JsonNode ref : operation.path("messages").values()) {
                JsonNode message = resolve(ref);
                String payloadPointer = message.path("payload").path("$ref").asString("");
                JsonNode payload = resolve(message.path("payload"));
                String type = payload.path("properties").path("type").path("const").asString(null);
                if (type == null || payloadPointer.isEmpty()) {
                    throw new IllegalStateException("a message of " + action + " has no payload $ref with a const type: " + ref);
                }
                byType.put(type, registry.getSchema(SchemaLocation.of(BASE + payloadPointer)));
            }
        }
        if (byType.isEmpty()) {
            throw new IllegalStateException("no '" + action + "' operation with messages in " + DOCUMENT);
        }
        return byType;
    }

    /** Follows local {@code $ref}s ({@code #/...}) until a node without one. */
    private JsonNode resolve(JsonNode node) {
        while (node.has("$ref")) {
            node = document.at(node.get("$ref").asString().substring(1));
        }
        return node;
    }

    /**
     * Checks messages as they arrive (on any thread) and keeps what was wrong, so that the test thread
     * can fail with it: {@link #assertClean()} throws when any received message did not match.
     */
    public static final class Recorder {
        private final List<String> violations = java.util.Collections.synchronizedList(new ArrayList<>());

        /**
         * Reads the document now, on the caller's thread: loading it on first use inside a WebSocket
         * listener held that client's reading up for seconds on a busy machine, long enough for the
         * server's heartbeat to declare it a zombie.
         */
        public Recorder() {
            get();
        }

        public void check(String text) {
            List<String> problems;
            try {
                problems = get().problemsOfServerMessage(text);
            } catch (RuntimeException e) {
                problems = List.of("could not check against " + DOCUMENT + ": " + e);
            }
            if (!problems.isEmpty()) {
                violations.add(abbreviate(text) + " does not match " + DOCUMENT + ": " + problems);
            }
        }

        public void assertClean() {
            synchronized (violations) {
                if (!violations.isEmpty()) {
                    throw new AssertionError("the server sent messages its AsyncAPI document does not describe:\n"
                            + String.join("\n", violations));
                }
            }
        }

        private static String abbreviate(String text) {
            return text.length() <= 300 ? text : text.substring(0, 300) + "...";
        }
    }
}
