package io.switchboard.codec;

import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonException;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParserFactory;
import java.io.StringReader;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * Reads one JSON text into a {@link JsonValue} with Switchboard's own nesting limit
 * ({@code switchboard.limits.max-json-depth}), for client messages and API bodies alike.
 *
 * <p>The container's JSON provider has a limit of its own (Parsson's is 1,000 levels), but it is not
 * configurable through the Jakarta API, it differs between providers, and what it throws past it is
 * not a {@link JsonException} on every version: a message past it used to vanish without an answer.
 * So this reader walks the parser's events itself, one level at a time on a heap stack (no recursion,
 * whatever the input), and refuses the text as soon as it opens one level more than the limit,
 * before building anything below it. Thread-safe; one instance per limit.
 */
public final class BoundedJson {

    /** Why a text was refused; its message is safe to show to the client. */
    public static final class RefusedException extends Exception {
        private final boolean tooDeep;

        RefusedException(String message, boolean tooDeep) {
            super(message, null, false, false);
            this.tooDeep = tooDeep;
        }

        /** True when the text was refused for its nesting alone. */
        public boolean tooDeep() {
            return tooDeep;
        }
    }

    private final JsonProvider json;
    private final JsonParserFactory parsers;
    private final int maxDepth;

    /** @param maxDepth how many arrays and objects may be open at once; at least 1 */
    public BoundedJson(int maxDepth) {
        this(JsonProvider.provider(), maxDepth);
    }

    BoundedJson(JsonProvider json, int maxDepth) {
        if (maxDepth < 1) {
            throw new IllegalArgumentException("maxDepth must be at least 1");
        }
        this.json = json;
        this.parsers = json.createParserFactory(Map.of());
        this.maxDepth = maxDepth;
    }

    public int maxDepth() {
        return maxDepth;
    }

    /**
     * @return the one JSON value of {@code text}
     * @throws RefusedException when the text is not exactly one JSON value or nests deeper than the limit
     */
    public JsonValue read(String text) throws RefusedException {
        try (JsonParser parser = parsers.createParser(new StringReader(text))) {
            if (!parser.hasNext()) {
                throw new RefusedException("not valid JSON", false);
            }
            JsonValue value = readValue(parser, parser.next());
            if (parser.hasNext()) {
                throw new RefusedException("not valid JSON", false);
            }
            return value;
        } catch (JsonException | IllegalStateException | NoSuchElementException | IllegalArgumentException e) {
            throw new RefusedException("not valid JSON", false);
        } catch (RuntimeException e) {
            // a provider's own failure on hostile input (a nesting limit of its own, for one): still bad input
            throw new RefusedException("not valid JSON", false);
        }
    }

    private JsonValue readValue(JsonParser parser, JsonParser.Event first) throws RefusedException {
        if (first != JsonParser.Event.START_OBJECT && first != JsonParser.Event.START_ARRAY) {
            return scalar(parser, first);
        }
        // each open level: a JsonObjectBuilder or a JsonArrayBuilder, and for objects the pending key
        ArrayDeque<Object> builders = new ArrayDeque<>();
        ArrayDeque<String> keys = new ArrayDeque<>();
        open(builders, first);
        String key = null;
        while (true) {
            JsonParser.Event event = parser.next();
            switch (event) {
                case KEY_NAME -> key = parser.getString();
                case START_OBJECT, START_ARRAY -> {
                    if (builders.size() >= maxDepth) {
                        throw new RefusedException("nested deeper than " + maxDepth + " levels", true);
                    }
                    keys.push(key == null ? "" : key);
                    key = null;
                    open(builders, event);
                }
                case END_OBJECT, END_ARRAY -> {
                    Object done = builders.pop();
                    JsonValue built = done instanceof JsonObjectBuilder o ? o.build() : ((JsonArrayBuilder) done).build();
                    if (builders.isEmpty()) {
                        return built;
                    }
                    key = keys.pop();
                    add(builders.peek(), key, built);
                    key = null;
                }
                default -> {
                    add(builders.peek(), key, scalar(parser, event));
                    key = null;
                }
            }
        }
    }

    private void open(ArrayDeque<Object> builders, JsonParser.Event event) {
        builders.push(event == JsonParser.Event.START_OBJECT ? json.createObjectBuilder() : json.createArrayBuilder());
    }

    private static void add(Object builder, String key, JsonValue value) {
        if (builder instanceof JsonObjectBuilder o) {
            o.add(key, value);
        } else {
            ((JsonArrayBuilder) builder).add(value);
        }
    }

    private JsonValue scalar(JsonParser parser, JsonParser.Event event) throws RefusedException {
        return switch (event) {
            case VALUE_STRING -> json.createValue(parser.getString());
            case VALUE_NUMBER -> parser.getValue();
            case VALUE_TRUE -> JsonValue.TRUE;
            case VALUE_FALSE -> JsonValue.FALSE;
            case VALUE_NULL -> JsonValue.NULL;
            default -> throw new RefusedException("not valid JSON", false);
        };
    }
}
