package io.switchboard.bench;

import io.switchboard.core.Connection;

/**
 * A transport for benchmarks: every send completes at once and nothing is written anywhere. Open for
 * extension by benchmarks that look at what is sent (src/bench/java/ClusterPublishRate counts it).
 */
public class NullConnection implements Connection {

    @Override
    public void sendText(String text, SendCallback done) {
        done.completed(null);
    }

    @Override
    public boolean sendPing(byte[] payload) {
        return true;
    }

    @Override
    public void close(int code, String reason) {
    }

    @Override
    public void abort() {
    }
}
