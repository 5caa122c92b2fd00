package io.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.it.support.Http;
import io.switchboard.it.support.ServerProcess;
import io.switchboard.it.support.Servers;
import io.switchboard.it.support.StalledClient;
import io.switchboard.it.support.TestClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * End to end: the real server as a process of its own, a few hundred clients, SIGTERM (protocol.md, drain).
 * Every client sees the notice and then either leaves or gets our close code; while the drain runs the
 * node is not ready and refuses upgrades with 503; the process is gone within drain-timeout plus
 * close.timeout plus a margin for the JVM's own exit.
 */
class SigtermDrainIT {

    private static final int COOPERATIVE = 150;
    private static final int DEAF = 100;
    private static final Duration DRAIN = Duration.ofSeconds(6);
    private static final Duration CLOSE = Duration.ofSeconds(2);
    /** What the JVM and the container need to exit after the drain; generous on a busy two-core machine. */
    private static final Duration EXIT_MARGIN = Duration.ofSeconds(20);

    @Test
    void sigtermDrainsEveryClientWithTheNoticeAndOurCloseCode() throws Exception {
        int offset = Integer.getInteger("switchboard.it.port.offset", 0) + 50;
        try (ServerProcess server = ServerProcess.start(Map.of(
                "switchboard.shutdown.drain-timeout", DRAIN.toSeconds() + "s",
                "switchboard.close.timeout", CLOSE.toSeconds() + "s",
                "switchboard.shutdown.reconnect-jitter", "3s",
                "switchboard.shutdown.close-code", "4003",
                "switchboard.limits.max-connections", "1000",
                "switchboard.limits.max-per-ip", "1000",
                "switchboard.rate.handshakes-per-second-per-ip", "1000"), offset)) {
            List<TestClient> cooperative = new ArrayList<>();
            List<TestClient> deaf = new ArrayList<>();
            List<TestClient> everyone = new ArrayList<>();
            try (StalledClient stalled = StalledClient.connect(server.base())) {
                for (int i = 0; i < COOPERATIVE + DEAF; i++) {
                    TestClient c = TestClient.connect(Servers.webSocket(server.base(), null));
                    (i < COOPERATIVE ? cooperative : deaf).add(i < COOPERATIVE ? c.leaveOnShutdown() : c);
                    everyone.add(c);
                }
                for (TestClient c : everyone) {
                    c.next("welcome");
                }

                long sigterm = System.nanoTime();
                server.terminate();

                for (TestClient c : everyone) {
                    long after = c.next("shutdown").getJsonNumber("reconnectAfterMs").longValue();
                    assertTrue(after >= 0 && after <= 3_000, "reconnectAfterMs " + after);
                }
                Http.Answer refused = Http.upgrade(server.base());
                assertEquals(503, refused.statusCode(), "a new upgrade during the drain");
                if (Servers.name().equals("wildfly")) {
                    // Payara Micro marks the application unavailable as soon as its own shutdown hook runs,
                    // and answers 503 itself, without Retry-After, before any filter of ours can
                    assertTrue(refused.header("Retry-After").isPresent(), refused.headers().toString());
                }
                assertEquals(503, Http.get(server.readiness()).statusCode(), "readiness during the drain");

                for (TestClient c : cooperative) {
                    assertEquals("1000 leaving", c.awaitClose());
                }
                for (TestClient c : deaf) {
                    assertEquals("4003 server shutting down", c.awaitClose(), server.logTail());
                }
                Duration bound = DRAIN.plus(CLOSE).plus(EXIT_MARGIN);
                assertTrue(server.awaitExit(bound), "the server exits within " + bound + "\n" + server.logTail());
                Duration took = Duration.ofNanos(System.nanoTime() - sigterm);
                System.out.println("SIGTERM to exit on " + Servers.name() + ": " + took.toMillis() + " ms");
                assertTrue(stalled.isDroppedByServer(), "the client that stopped reading was let go");
            } finally {
                everyone.forEach(TestClient::close);
            }
        }
    }
}
