package io.switchboard.codec;

import io.switchboard.core.Inbound;
import io.switchboard.core.MessageCodec.BadMessageException;
import io.switchboard.core.Outbound;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonGenerator;

/** The JSON of the {@code time} and {@code reconnect} messages (protocol.md), for {@link JsonMessageCodec}. */
final class TimeFields {

    private TimeFields() {
    }

    static Inbound.Time decode(JsonObject message, String id) throws BadMessageException {
        Long t0 = millis(message, "t0", id);
        if (t0 == null) {
            throw new BadMessageException("\"time\" needs \"t0\"", id);
        }
        return new Inbound.Time(id, t0, millis(message, "t1", id), millis(message, "t2", id));
    }

    private static Long millis(JsonObject message, String name, String id) throws BadMessageException {
        JsonValue value = message.get(name);
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        if (!(value instanceof JsonNumber number) || !number.isIntegral()) {
            throw new BadMessageException("\"" + name + "\" must be whole epoch milliseconds", id);
        }
        try {
            return number.longValueExact();
        } catch (ArithmeticException e) {
            throw new BadMessageException("\"" + name + "\" is out of range", id);
        }
    }

    static void write(JsonGenerator g, Outbound.Time t) {
        g.write("type", "time").write("t0", t.t0());
        if (t.t1() != null) {
            g.write("t1", t.t1());
        }
        if (t.t2() != null) {
            g.write("t2", t.t2());
        }
    }

    static void write(JsonGenerator g, Outbound.Reconnect r) {
        g.write("type", "reconnect").write("reason", r.reason()).write("afterMs", r.afterMs());
        if (r.url() != null) {
            g.write("url", r.url());
        }
    }
}
