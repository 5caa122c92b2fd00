package io.switchboard.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;

/** A transport that records what the core asked of it and completes every send at once. */
public final class RecordingConnection implements Connection {

    public final List<String> sent = new ArrayList<>();
    public final List<int[]> pings = new ArrayList<>();
    public final List<String> closes = new ArrayList<>();

    @Override
    public synchronized void sendText(String text, SendCallback done) {
        sent.add(text);
        done.completed(null);
    }

    @Override
    public synchronized boolean sendPing(byte[] payload) {
        pings.add(new int[] {payload.length});
        return true;
    }

    @Override
    public synchronized void close(int code, String reason) {
        closes.add(code + " " + reason);
    }

    public volatile int aborts;

    @Override
    public synchronized void abort() {
        aborts++;
    }

    public synchronized String lastSent() {
        return sent.isEmpty() ? null : sent.get(sent.size() - 1);
    }

    /** How many of {@link #sent} a test has taken with {@link #next}. */
    private int taken;

    /** The next message sent that the test has not taken yet; fails when there is none. */
    public synchronized JsonObject next() {
        assertTrue(taken < sent.size(), "no message was sent after " + taken + ": " + sent);
        return json(sent.get(taken++));
    }

    /** The next message not taken yet, which must be of {@code type}. */
    public JsonObject next(String type) {
        JsonObject message = next();
        assertEquals(type, message.getString("type"), message.toString());
        return message;
    }

    /** Fails when anything was sent that the test has not taken: nothing unexpected went out. */
    public synchronized void assertExhausted() {
        assertEquals(List.of(), sent.subList(taken, sent.size()), "sent but not expected");
    }

    /** One protocol message, parsed. */
    public static JsonObject json(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }
}
