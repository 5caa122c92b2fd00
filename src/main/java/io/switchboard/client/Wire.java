package io.switchboard.client;

import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.io.StringReader;
import java.net.URI;
import java.net.http.WebSocketHandshakeException;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.logging.Logger;

/**
 * The client's side of the wire format (protocol.md) and its rules for
 * reconnecting: which closes and handshake statuses are final, and how the URL is built.
 */
final class Wire {

    private static final JsonProvider JSON = JsonProvider.provider();
    private static final Logger LOG = Logger.getLogger(SwitchboardClient.class.getName());

    /** Handshake statuses after which reconnecting would fail the same way. */
    static final Set<Integer> TERMINAL_STATUSES = Set.of(401, 403);

    private Wire() {
    }

    static JsonObject parse(String text) {
        return JSON.createReader(new StringReader(text)).readObject();
    }

    static String auth(String token) {
        return JSON.createObjectBuilder().add("type", "auth").add("token", token).build().toString();
    }

    /** An in-band refresh of an open connection's token, answered by {@code refreshed} or an {@code error}. */
    static String refresh(String token, long id) {
        return JSON.createObjectBuilder().add("type", "auth").add("token", token).add("id", id).build().toString();
    }

    /** A request of {@code type} with its id, on {@code channel} when not null, with {@code data} when not null. */
    static String request(String type, long id, String channel, JsonValue data) {
        var b = JSON.createObjectBuilder().add("type", type).add("id", id);
        if (channel != null) {
            b.add("channel", channel);
        }
        if (data != null) {
            b.add("data", data);
        }
        return b.build().toString();
    }

    /** A subscribe request, with {@code since} when the client has seen a message of the channel before. */
    static String subscribe(long id, String channel, Positions.Position since) {
        var b = JSON.createObjectBuilder().add("type", "subscribe").add("id", id).add("channel", channel);
        if (since != null) {
            b.add("since", JSON.createObjectBuilder().add("offset", since.offset()).add("epoch", since.epoch()));
        }
        return b.build().toString();
    }

    /** The answer to the server's app-level ping: its id, echoed as sent. */
    static String pong(JsonObject ping) {
        return JSON.createObjectBuilder().add("type", "pong").add("id", ping.getOrDefault("id", JsonValue.NULL)).build().toString();
    }

    /**
     * The answer to the server's time-sync request ({@code t0} only): {@code t1} when it arrived,
     * {@code t2} when the answer leaves. Null for anything else, since answering an answer could loop.
     */
    static String timeAnswer(JsonObject request, long receivedMillis, long nowMillis) {
        if (request.containsKey("t1") || !(request.get("t0") instanceof JsonNumber t0)) {
            return null;
        }
        return JSON.createObjectBuilder().add("type", "time").add("t0", t0)
                .add("t1", receivedMillis).add("t2", nowMillis).build().toString();
    }

    /** The {@code url} of a {@code shutdown} or {@code reconnect} notice, or {@code current} when it has none or it is not a URI. */
    static URI reconnectTarget(JsonValue url, URI current) {
        if (url instanceof JsonString s && !s.getString().isBlank()) {
            try {
                return URI.create(s.getString());
            } catch (IllegalArgumentException e) {
                LOG.warning("Switchboard client ignored a reconnect url that is not a URI");
            }
        }
        return current;
    }

    static JsonObject unsubscribed(String channel) {
        return JSON.createObjectBuilder().add("type", "unsubscribed").add("channel", channel).build();
    }

    /** Why a connection attempt failed, and what it means for the next one. */
    record Failure(String reason, boolean terminal, long minDelayMs) { }

    /**
     * A refused handshake is final for 401 and 403 and waits at least its {@code Retry-After} (429,
     * 503); any other failure (refused connection, timeout) is retried on the backoff schedule.
     */
    static Failure handshakeFailure(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof WebSocketHandshakeException refused) {
            int status = refused.getResponse().statusCode();
            long retryAfterMs = refused.getResponse().headers().firstValue("Retry-After").map(Wire::retryAfterMillis).orElse(0L);
            return new Failure("handshake refused with HTTP " + status, TERMINAL_STATUSES.contains(status), retryAfterMs);
        }
        return new Failure("connection failed: " + cause, false, 0);
    }

    /** {@code Retry-After} in seconds (the HTTP-date form is ignored). */
    static long retryAfterMillis(String value) {
        try {
            return Math.max(0, Long.parseLong(value.trim())) * 1_000L;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** {@code uri} with each non-null {@code name=value} added to its query unless the name is already there. */
    static URI withQuery(URI uri, String... params) {
        StringBuilder query = new StringBuilder(uri.getRawQuery() == null ? "" : uri.getRawQuery());
        for (String param : params) {
            if (param == null) {
                continue;
            }
            String name = param.substring(0, param.indexOf('=') + 1);
            if (("&" + query).contains("&" + name)) {
                continue;
            }
            query.append(query.length() == 0 ? "" : "&").append(param);
        }
        String s = uri.toString();
        int cut = s.indexOf('?') >= 0 ? s.indexOf('?') : s.indexOf('#') >= 0 ? s.indexOf('#') : s.length();
        return URI.create(s.substring(0, cut) + (query.length() == 0 ? "" : "?" + query));
    }
}
