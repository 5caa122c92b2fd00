package io.switchboard.it.support;

import io.switchboard.client.ClientListener;
import io.switchboard.client.SwitchboardClient;
import jakarta.json.JsonObject;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Records what a {@link SwitchboardClient} reports, for tests to wait on in order. */
public final class ClientEvents implements ClientListener {

    /** One event: {@code open} with the welcome, {@code close} with code and reason, or {@code message}. */
    public record Event(String kind, JsonObject json, int code, String reason, boolean willReconnect) { }

    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    /** The welcome and every message the client passes on are checked against the AsyncAPI document. */
    private final ProtocolSchemas.Recorder schema = new ProtocolSchemas.Recorder();

    @Override
    public void onOpen(JsonObject welcome) {
        schema.check(welcome.toString());
        events.add(new Event("open", welcome, 0, null, false));
    }

    @Override
    public void onMessage(JsonObject message) {
        schema.check(message.toString());
        events.add(new Event("message", message, 0, null, false));
    }

    /** {@code recovery} with the {@code subscribed} reply, whose {@code recovered} says how it went. */
    @Override
    public void onRecovery(String channel, boolean recovered, JsonObject subscribed) {
        events.add(new Event("recovery", subscribed, 0, null, false));
    }

    @Override
    public void onClose(int code, String reason, boolean willReconnect) {
        events.add(new Event("close", null, code, reason, willReconnect));
    }

    /** The next event of this kind, skipping others; fails when none comes within {@link TestClient#WAIT}. */
    public Event next(String kind) throws InterruptedException {
        return next(kind, TestClient.WAIT.toMillis());
    }

    public Event next(String kind, long waitMs) throws InterruptedException {
        schema.assertClean();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMs);
        while (System.nanoTime() - deadline < 0) {
            Event e = events.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (e != null && e.kind().equals(kind)) {
                return e;
            }
        }
        throw new AssertionError("no '" + kind + "' event within " + waitMs + " ms");
    }
}
