package io.switchboard.client;

import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * A client's requests and subscriptions: ids for requests, their replies matched by {@code ref}, the
 * channels it wants, and the callers still waiting for a subscription to be confirmed. Subscriptions
 * outlive connections: when a connection ends, waiting subscribers wait for the resubscription on the
 * next one, while other requests fail with {@link SwitchboardException#DISCONNECTED}.
 *
 * <p>Not thread-safe: used on the client's serial executor only.
 */
final class Requests {

    enum Kind { SUBSCRIBE, UNSUBSCRIBE, PUBLISH, PING, REFRESH }

    /** A request sent and not yet answered. */
    private record Pending(Kind kind, String channel, List<CompletableFuture<JsonObject>> waiters) { }

    /** The channels the application wants, in the order it asked for them. */
    private final Set<String> channels = new LinkedHashSet<>();
    /** Callers waiting for a subscription whose request is not on the current connection yet. */
    private final Map<String, List<CompletableFuture<JsonObject>>> awaiting = new HashMap<>();
    /** Requests sent on the current connection, by id. */
    private final Map<Long, Pending> inflight = new HashMap<>();
    /** The last id used; ids are never reused within a client. */
    private long lastId;

    /** Records that the application wants {@code channel}; {@code waiter} completes on the server's answer. */
    void want(String channel, CompletableFuture<JsonObject> waiter) {
        channels.add(channel);
        awaiting.computeIfAbsent(channel, c -> new ArrayList<>()).add(waiter);
    }

    /** Forgets {@code channel}; callers still waiting for it are told it was unsubscribed. */
    void unwant(String channel) {
        channels.remove(channel);
        List<CompletableFuture<JsonObject>> waiters = awaiting.remove(channel);
        if (waiters != null) {
            waiters.forEach(w -> w.completeExceptionally(new SwitchboardException("unsubscribed", channel)));
        }
    }

    /** Whether the application wants {@code channel} by this exact name or pattern. */
    boolean wants(String channel) {
        return channels.contains(channel);
    }

    Set<String> channels() {
        return Set.copyOf(channels);
    }

    /** The id for a subscribe request for {@code channel}, taking over the callers waiting for it. */
    long subscribe(String channel) {
        List<CompletableFuture<JsonObject>> waiters = awaiting.remove(channel);
        return register(Kind.SUBSCRIBE, channel, waiters == null ? new ArrayList<>() : waiters);
    }

    /** The id for a request other than subscribe, answered through {@code reply}. */
    long request(Kind kind, String channel, CompletableFuture<JsonObject> reply) {
        List<CompletableFuture<JsonObject>> waiters = new ArrayList<>();
        waiters.add(reply);
        return register(kind, channel, waiters);
    }

    private long register(Kind kind, String channel, List<CompletableFuture<JsonObject>> waiters) {
        long id = ++lastId;
        inflight.put(id, new Pending(kind, channel, waiters));
        return id;
    }

    /**
     * Completes the request that {@code reply} answers (by its {@code ref}, or {@code id} for a pong).
     * An {@code error} fails it, and a refused subscription is forgotten. Returns false when the
     * reply answers no request of ours.
     */
    boolean answer(JsonValue ref, JsonObject reply) {
        if (!(ref instanceof JsonNumber number) || !number.isIntegral()) {
            return false;
        }
        Pending pending = inflight.remove(number.longValue());
        if (pending == null) {
            return false;
        }
        if ("error".equals(reply.getString("type", ""))) {
            if (pending.kind() == Kind.SUBSCRIBE) {
                channels.remove(pending.channel());
            }
            SwitchboardException failure = new SwitchboardException(reply.getString("code", "error"), reply.getString("message", ""));
            pending.waiters().forEach(w -> w.completeExceptionally(failure));
        } else {
            pending.waiters().forEach(w -> w.complete(reply));
        }
        return true;
    }

    /**
     * A subscribe refused with {@code unavailable} (the server could not read the channel's history,
     * or its cluster was unreachable for a moment) is not a refusal of the channel: while the channel
     * is still wanted, its callers wait again for the next subscribe, and the channel is returned for
     * the caller to resubscribe later. Null for any other reply, which {@link #answer} then takes.
     */
    String unavailableSubscribe(JsonObject reply) {
        if (!"error".equals(reply.getString("type", "")) || !"unavailable".equals(reply.getString("code", ""))
                || !(reply.get("ref") instanceof JsonNumber number) || !number.isIntegral()) {
            return null;
        }
        Pending pending = inflight.get(number.longValue());
        if (pending == null || pending.kind() != Kind.SUBSCRIBE || !channels.contains(pending.channel())) {
            return null;
        }
        inflight.remove(number.longValue());
        awaiting.computeIfAbsent(pending.channel(), c -> new ArrayList<>()).addAll(pending.waiters());
        return pending.channel();
    }

    /**
     * The connection ended: subscriptions still wanted wait for the next connection, every other
     * request fails.
     */
    void disconnected() {
        SwitchboardException failure = new SwitchboardException(SwitchboardException.DISCONNECTED, "the connection ended before the reply");
        for (Pending pending : inflight.values()) {
            if (pending.kind() == Kind.SUBSCRIBE && channels.contains(pending.channel())) {
                awaiting.computeIfAbsent(pending.channel(), c -> new ArrayList<>()).addAll(pending.waiters());
            } else {
                pending.waiters().forEach(w -> w.completeExceptionally(failure));
            }
        }
        inflight.clear();
    }

    /** The client is closed for good: everyone still waiting fails with {@code code}. */
    void closed(String code, String message) {
        disconnected();
        SwitchboardException failure = new SwitchboardException(code, message);
        awaiting.values().forEach(ws -> ws.forEach(w -> w.completeExceptionally(failure)));
        awaiting.clear();
    }
}
