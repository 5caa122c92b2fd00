package io.switchboard.it.support;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A Payara Micro process of the caller's own, running the built WAR on a port of its choosing: a
 * {@link ServerProcess} with the container suite's C1-only JIT, for benchmarks under
 * src/test/java/io/switchboard/bench that start Payara Micro whichever run they are in. Tests use
 * {@link ServerProcess} directly.
 */
public final class PayaraMicroProcess implements AutoCloseable {

    private static final Duration BOOT = Duration.ofSeconds(240);

    private final ServerProcess server;

    private PayaraMicroProcess(ServerProcess server) {
        this.server = server;
    }

    /** A port nobody listens on right now. */
    public static int freePort() throws IOException {
        return ServerProcess.freePort();
    }

    /**
     * Starts Payara Micro with the WAR at context root / on {@code port} and waits until it is ready;
     * {@code name} is only for the reader (the server's output is in {@link ServerProcess}'s log).
     */
    public static PayaraMicroProcess start(int port, String name, Map<String, String> settings) throws Exception {
        ServerProcess server = ServerProcess.launch("payara", settings, port - 8080, true, List.of("-XX:TieredStopAtLevel=1"));
        try {
            server.awaitReady(BOOT);
        } catch (Exception | AssertionError e) {
            server.close();
            throw e;
        }
        return new PayaraMicroProcess(server);
    }

    /** Stops the process in its tracks (SIGSTOP): its sockets stay open and silent. */
    public void freeze() throws Exception {
        server.freeze();
    }

    public void thaw() throws Exception {
        server.thaw();
    }

    /** Kills the process (SIGKILL): no drain, no close frames, the sockets just go. */
    public void kill() throws InterruptedException {
        server.kill();
    }

    @Override
    public void close() throws Exception {
        server.close();
    }
}
