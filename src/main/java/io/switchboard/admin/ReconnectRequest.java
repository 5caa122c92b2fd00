package io.switchboard.admin;

import io.switchboard.codec.BoundedJson;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.net.URI;

/**
 * The optional body of {@code POST /api/connections/{id}/reconnect}:
 * {@code {"reason":"...","afterMs":N,"url":"ws://other-node/ws"}}, every field optional.
 */
record ReconnectRequest(String reason, long afterMs, String url) {

    static final String DEFAULT_REASON = "reconnect requested";
    /** One hour: anything longer is a typo, not a plan. */
    static final long MAX_AFTER_MS = 3_600_000L;

    /** @throws IllegalArgumentException with a message for the client when the body is not acceptable */
    static ReconnectRequest parse(String body, BoundedJson reader) {
        if (body == null || body.isBlank()) {
            return new ReconnectRequest(DEFAULT_REASON, 0, null);
        }
        JsonObject json;
        try {
            if (!(reader.read(body) instanceof JsonObject object)) {
                throw new IllegalArgumentException("the body must be a JSON object");
            }
            json = object;
        } catch (BoundedJson.RefusedException e) {
            throw new IllegalArgumentException("the body must be a JSON object" + (e.tooDeep() ? ": " + e.getMessage() : ""));
        }
        String reason = string(json, "reason");
        String url = string(json, "url");
        if (url != null) {
            try {
                String scheme = URI.create(url).getScheme();
                if (!"ws".equals(scheme) && !"wss".equals(scheme)) {
                    throw new IllegalArgumentException("url must be a ws:// or wss:// URL");
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("url must be a ws:// or wss:// URL");
            }
        }
        long afterMs = 0;
        JsonValue after = json.get("afterMs");
        if (after != null && after.getValueType() != JsonValue.ValueType.NULL) {
            if (!(after instanceof JsonNumber n) || !n.isIntegral() || n.longValue() < 0 || n.longValue() > MAX_AFTER_MS) {
                throw new IllegalArgumentException("afterMs must be a whole number from 0 to " + MAX_AFTER_MS);
            }
            afterMs = n.longValue();
        }
        return new ReconnectRequest(reason == null || reason.isBlank() ? DEFAULT_REASON : reason, afterMs, url);
    }

    private static String string(JsonObject json, String name) {
        JsonValue value = json.get(name);
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        if (!(value instanceof JsonString s)) {
            throw new IllegalArgumentException(name + " must be a string");
        }
        if (s.getString().length() > 200) {
            throw new IllegalArgumentException(name + " is longer than 200 characters");
        }
        return s.getString();
    }
}
