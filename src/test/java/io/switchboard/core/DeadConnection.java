package io.switchboard.core;

import java.io.IOException;

/** A transport whose socket is gone: every send fails (unless told otherwise), every ping is refused. */
final class DeadConnection implements Connection {
    int aborts;
    boolean sendsFail = true;

    @Override
    public void sendText(String text, SendCallback done) {
        done.completed(sendsFail ? new IOException("Broken pipe") : null);
    }

    @Override
    public boolean sendPing(byte[] payload) {
        return false;
    }

    @Override
    public void close(int code, String reason) {
    }

    @Override
    public void abort() {
        aborts++;
    }
}
