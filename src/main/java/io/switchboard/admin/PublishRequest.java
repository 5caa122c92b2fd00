package io.switchboard.admin;

import io.switchboard.codec.BoundedJson;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;

/**
 * The body of every publish call, {@code {"data": <any JSON>}}, checked: not JSON, not an object,
 * nested deeper than {@code switchboard.limits.max-json-depth}, no {@code data}, or {@code data} over
 * {@code switchboard.limits.max-message-size} each get a clear 4xx, before anything is sent.
 */
final class PublishRequest {

    /** The data as JSON text, or null when the body was refused. */
    final String data;
    /** The refusal, or null when the body is good. */
    final Response error;

    private PublishRequest(String data, Response error) {
        this.data = data;
        this.error = error;
    }

    static PublishRequest parse(String body, BoundedJson json, long maxMessageSize) {
        if (body == null || body.isBlank()) {
            return refused(ApiError.badRequest("the body must be a JSON object with \"data\""));
        }
        JsonValue data;
        try {
            JsonValue value = json.read(body);
            if (!(value instanceof JsonObject object)) {
                return refused(ApiError.badRequest("the body must be a JSON object with \"data\""));
            }
            data = object.get("data");
        } catch (BoundedJson.RefusedException e) {
            return refused(ApiError.badRequest("the body is not valid JSON" + (e.tooDeep() ? ": " + e.getMessage() : "")));
        }
        if (data == null) {
            return refused(ApiError.badRequest("\"data\" is required"));
        }
        String text = data.toString();
        if (text.getBytes(StandardCharsets.UTF_8).length > maxMessageSize) {
            return refused(ApiError.response(Response.Status.REQUEST_ENTITY_TOO_LARGE, "too_large",
                    "\"data\" is larger than switchboard.limits.max-message-size (" + maxMessageSize + " bytes)"));
        }
        return new PublishRequest(text, null);
    }

    private static PublishRequest refused(Response error) {
        return new PublishRequest(null, error);
    }

    /** {@code 202 {"recipients": n}}: how many connections on this node the message was queued to. */
    static Response accepted(int recipients) {
        return Response.accepted(new Delivered(recipients)).build();
    }

    /** @param recipients connections of this node the message was queued to */
    public record Delivered(int recipients) { }
}
