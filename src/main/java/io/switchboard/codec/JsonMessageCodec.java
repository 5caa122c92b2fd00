package io.switchboard.codec;

import io.switchboard.core.Inbound;
import io.switchboard.core.MessageCodec;
import io.switchboard.core.Outbound;
import io.switchboard.core.PreparedMessage;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonReaderFactory;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonGenerator;
import jakarta.json.stream.JsonGeneratorFactory;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.Map;

/**
 * The wire format of protocol.md over Jakarta JSON Processing, as provided by the
 * container. The provider and its factories are looked up once: {@code Json.createReader} would
 * look the provider up again on every message.
 */
public final class JsonMessageCodec implements MessageCodec {

    private final JsonProvider json = JsonProvider.provider();
    private final JsonReaderFactory readers = json.createReaderFactory(Map.of());
    private final JsonGeneratorFactory generators = json.createGeneratorFactory(Map.of());
    /** Every client message is read through it: {@code switchboard.limits.max-json-depth}. */
    private final BoundedJson reader;

    /** With the default nesting limit, 64 levels. */
    public JsonMessageCodec() {
        this(64);
    }

    /** @param maxJsonDepth {@code switchboard.limits.max-json-depth} */
    public JsonMessageCodec(int maxJsonDepth) {
        this.reader = new BoundedJson(json, maxJsonDepth);
    }

    @Override
    public Inbound decode(String text) throws BadMessageException {
        JsonObject message = parseObject(text);
        String id = readId(message);
        JsonValue type = message.get("type");
        if (!(type instanceof JsonString typeName)) {
            throw new BadMessageException("missing \"type\"", id);
        }
        return switch (typeName.getString()) {
            case "ping" -> new Inbound.Ping(id);
            case "pong" -> new Inbound.Pong(id);
            case "time" -> TimeFields.decode(message, id);
            case "subscribe" -> new Inbound.Subscribe(id, channel(message, id), since(message, id));
            case "unsubscribe" -> new Inbound.Unsubscribe(id, channel(message, id));
            case "publish" -> new Inbound.Publish(id, channel(message, id), data(message, id));
            case "auth" -> new Inbound.Auth(id, requireString(message, "token", id));
            default -> throw new BadMessageException("unknown type \"" + abbreviate(typeName.getString()) + "\"", id);
        };
    }

    /**
     * Parses exactly one JSON object within the nesting limit: anything after it, anything else, or
     * anything nested deeper is refused.
     */
    private JsonObject parseObject(String text) throws BadMessageException {
        JsonValue value;
        try {
            value = reader.read(text);
        } catch (BoundedJson.RefusedException e) {
            throw new BadMessageException(e.getMessage(), null);
        }
        if (!(value instanceof JsonObject object)) {
            throw new BadMessageException("a message must be a JSON object", null);
        }
        return object;
    }

    private static String channel(JsonObject message, String id) throws BadMessageException {
        if (!(message.get("channel") instanceof JsonString channel)) {
            throw new BadMessageException("\"channel\" must be a string", id);
        }
        return channel.getString();
    }

    /** The optional {@code since} of a subscribe: a whole offset of at least 0 and an epoch string. */
    private static Inbound.Since since(JsonObject message, String id) throws BadMessageException {
        JsonValue since = message.get("since");
        if (since == null || since.getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        String shape = "\"since\" must be {\"offset\":<whole number>,\"epoch\":<string>}";
        if (!(since instanceof JsonObject position)
                || !(position.get("offset") instanceof JsonNumber offset) || !offset.isIntegral()
                || !(position.get("epoch") instanceof JsonString epoch)) {
            throw new BadMessageException(shape, id);
        }
        long value;
        try {
            value = offset.longValueExact();
        } catch (ArithmeticException e) {
            throw new BadMessageException(shape, id);
        }
        if (value < 0) {
            throw new BadMessageException("\"since\".\"offset\" must not be negative", id);
        }
        if (epoch.getString().length() > Inbound.Since.MAX_EPOCH_LENGTH) {
            throw new BadMessageException("\"since\".\"epoch\" is at most " + Inbound.Since.MAX_EPOCH_LENGTH
                    + " characters", id);
        }
        return new Inbound.Since(value, epoch.getString());
    }

    private static String data(JsonObject message, String id) throws BadMessageException {
        JsonValue data = message.get("data");
        if (data == null) {
            throw new BadMessageException("\"data\" is required", id);
        }
        return data.toString();
    }

    /** A string field the message type needs. */
    private static String requireString(JsonObject message, String name, String id) throws BadMessageException {
        JsonValue value = message.get(name);
        if (!(value instanceof JsonString string)) {
            throw new BadMessageException("missing string \"" + name + "\"", id);
        }
        return string.getString();
    }

    /** The id as the client wrote it, if it is a number or a string. */
    private static String readId(JsonObject message) throws BadMessageException {
        JsonValue id = message.get("id");
        if (id == null || id.getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        if (id.getValueType() != JsonValue.ValueType.NUMBER && id.getValueType() != JsonValue.ValueType.STRING) {
            throw new BadMessageException("\"id\" must be a number or a string", null);
        }
        return id.toString();
    }

    @Override
    public String encode(Outbound message) {
        StringWriter out = new StringWriter(128);
        try (JsonGenerator g = generators.createGenerator(out)) {
            g.writeStartObject();
            if (message instanceof Outbound.Welcome w) {
                writeWelcome(g, w);
            } else if (message instanceof Outbound.Pong p) {
                g.write("type", "pong");
                writeRaw(g, "id", p.id());
            } else if (message instanceof Outbound.Shutdown d) {
                g.write("type", "shutdown").write("reason", d.reason())
                        .write("reconnectAfterMs", d.reconnectAfterMs()).write("drainMs", d.drainMs());
                if (d.url() != null) {
                    g.write("url", d.url());
                }
            } else if (message instanceof Outbound.Ping p) {
                g.write("type", "ping").write("id", p.id());
            } else if (message instanceof Outbound.Time t) {
                TimeFields.write(g, t);
            } else if (message instanceof Outbound.Reconnect r) {
                TimeFields.write(g, r);
            } else if (message instanceof Outbound.Subscribed r) {
                writeReply(g, "subscribed", r.channel(), r.ref());
                if (r.recovered() != null) {
                    g.write("recovered", r.recovered());
                }
                if (r.offset() != null) {
                    g.write("offset", r.offset()).write("epoch", r.epoch());
                }
            } else if (message instanceof Outbound.Resync r) {
                g.write("type", "resync").write("channel", r.channel());
            } else if (message instanceof Outbound.Unsubscribed r) {
                writeReply(g, "unsubscribed", r.channel(), r.ref());
                if (r.reason() != null) {
                    g.write("reason", r.reason());
                }
            } else if (message instanceof Outbound.Refresh r) {
                g.write("type", "refresh").write("expiresAt", r.expiresAt());
            } else if (message instanceof Outbound.Refreshed r) {
                g.write("type", "refreshed");
                if (r.expiresAt() != null) {
                    g.write("expiresAt", r.expiresAt());
                }
                writeRaw(g, "ref", r.ref());
            } else if (message instanceof Outbound.Published r) {
                writeReply(g, "published", r.channel(), r.ref());
            } else if (message instanceof Outbound.Error e) {
                g.write("type", "error").write("code", e.code()).write("message", e.message());
                writeRaw(g, "ref", e.ref());
            } else {
                throw new IllegalArgumentException("no encoding for " + message.getClass().getName());
            }
            g.writeEnd();
        }
        return out.toString();
    }

    private void writeReply(JsonGenerator g, String type, String channel, String ref) {
        g.write("type", type).write("channel", channel);
        writeRaw(g, "ref", ref);
    }

    /**
     * Splices the data, already JSON text, between fields the generator quoted, so that a publish to
     * many recipients is serialised once; only the seq differs per recipient.
     */
    @Override
    public PreparedMessage prepare(String channel, String data) {
        StringBuilder head = new StringBuilder(data.length() + 64).append("{\"type\":\"message\"");
        if (channel != null) {
            head.append(",\"channel\":").append(json.createValue(channel));
        }
        head.append(",\"data\":").append(data);
        return channel == null
                ? PreparedMessage.fixed(head.append('}').toString())
                : PreparedMessage.sequenced(head.append(",\"seq\":").toString(), "}");
    }

    @Override
    public PreparedMessage prepare(String channel, String data, long offset, String epoch) {
        StringBuilder head = new StringBuilder(data.length() + 96).append("{\"type\":\"message\"")
                .append(",\"channel\":").append(json.createValue(channel))
                .append(",\"data\":").append(data)
                .append(",\"offset\":").append(offset)
                .append(",\"epoch\":").append(json.createValue(epoch))
                .append(",\"seq\":");
        return PreparedMessage.sequenced(head.toString(), "}");
    }

    private static void writeWelcome(JsonGenerator g, Outbound.Welcome w) {
        g.write("type", "welcome")
                .write("connectionId", w.connectionId())
                .write("userId", w.userId())
                .write("node", w.node());
        g.writeStartObject("heartbeat")
                .write("intervalMs", w.heartbeatIntervalMs())
                .write("timeoutMs", w.heartbeatTimeoutMs())
                .write("mode", w.mode().wireName())
                .writeEnd();
        g.writeStartObject("limits")
                .write("maxMessageBytes", w.maxMessageBytes())
                .write("messagesPerSecond", w.messagesPerSecond())
                .write("burst", w.burst())
                .writeEnd();
        g.write("serverTime", w.serverTime());
    }

    /** Writes a value that is already JSON text (an echoed id); omits the field when it is null. */
    private void writeRaw(JsonGenerator g, String name, String rawJson) {
        if (rawJson == null) {
            return;
        }
        try (JsonReader reader = readers.createReader(new StringReader(rawJson))) {
            g.write(name, reader.readValue());
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
