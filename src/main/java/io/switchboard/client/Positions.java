package io.switchboard.client;

import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.util.HashMap;
import java.util.Map;

/**
 * The last position seen per exact channel the client subscribed to (protocol.md, history): the
 * offset and epoch of the last message delivered to the application, or of the {@code subscribed}
 * reply, after which every message has a greater offset. A resubscription sends it as {@code since},
 * and a message at or below it in the same epoch is a duplicate and is not delivered again.
 *
 * <p>Not thread-safe: used on the client's serial executor only.
 */
final class Positions {

    /** An offset in an epoch. */
    record Position(long offset, String epoch) { }

    /** Positions of the channels subscribed by exact name; patterns have none. */
    private final Map<String, Position> last = new HashMap<>();

    /** The position to resubscribe {@code channel} from, or null when none is known. */
    Position since(String channel) {
        return last.get(channel);
    }

    /**
     * A channel message arrived: records its position and says whether the application should get
     * it (false for a message it already got). Messages without an offset, and of channels not
     * subscribed by exact name, always pass.
     */
    boolean accept(JsonObject message, boolean exactlySubscribed) {
        Position p = position(message);
        String channel = message.getString("channel", null);
        if (p == null || channel == null || !exactlySubscribed) {
            return true;
        }
        Position seen = last.get(channel);
        if (seen != null && seen.epoch().equals(p.epoch()) && p.offset() <= seen.offset()) {
            return false;
        }
        last.put(channel, p);
        return true;
    }

    /** A {@code subscribed} reply with a position: every later message of the channel is after it. */
    void subscribed(JsonObject reply) {
        Position p = position(reply);
        String channel = reply.getString("channel", null);
        if (p != null && channel != null) {
            last.put(channel, p);
        }
    }

    void forget(String channel) {
        last.remove(channel);
    }

    private static Position position(JsonObject message) {
        if (message.get("offset") instanceof JsonNumber offset && offset.isIntegral()
                && message.get("epoch") instanceof JsonString epoch) {
            return new Position(offset.longValue(), epoch.getString());
        }
        return null;
    }
}
