package io.switchboard.core;

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
}
