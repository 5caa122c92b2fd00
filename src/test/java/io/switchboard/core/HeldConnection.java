package io.switchboard.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/** A transport whose sends complete only when the test says so: a peer that reads when told to. */
public final class HeldConnection implements Connection {

    /** Every text handed over, in order. */
    public final List<String> sent = new ArrayList<>();
    public final List<String> closes = new ArrayList<>();
    private final ArrayDeque<SendCallback> pending = new ArrayDeque<>();

    @Override
    public void sendText(String text, SendCallback done) {
        synchronized (this) {
            sent.add(text);
            pending.addLast(done);
        }
    }

    @Override
    public boolean sendPing(byte[] payload) {
        return true;
    }

    @Override
    public synchronized void close(int code, String reason) {
        closes.add(code + " " + reason);
    }

    /** Completes the oldest pending send, outside this object's lock; false when none is pending. */
    public boolean completeOne() {
        SendCallback done;
        synchronized (this) {
            done = pending.pollFirst();
        }
        if (done == null) {
            return false;
        }
        done.completed(null);
        return true;
    }

    /** Completes sends until none is pending. */
    public void completeAll() {
        while (completeOne()) {
            // each completion may hand over the next frame
        }
    }

    public synchronized int pendingCount() {
        return pending.size();
    }

    /** How often the core aborted the connection; the sends it holds stay held. */
    public volatile int aborts;

    @Override
    public synchronized void abort() {
        aborts++;
    }
}
