package io.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.client.SwitchboardClient;
import io.switchboard.it.support.ClientEvents;
import io.switchboard.it.support.ServerProcess;
import io.switchboard.it.support.Servers;
import io.switchboard.it.support.Tokens;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The Java client against a server that freezes, dies and comes back (protocol.md and clients.md).
 * The test runs a Payara Micro process of its own, so it runs in the Payara failsafe run only.
 */
class ClientServerRestartIT {

    /** A short heartbeat, so that the client's dead-server limit (interval + timeout) is 3 s. */
    private static final Map<String, String> SETTINGS = Map.of(
            "switchboard.heartbeat.interval", "2s",
            "switchboard.heartbeat.timeout", "1s",
            "switchboard.auth.jwt.secret", Tokens.SECRET);

    @Test
    void theJavaClientDropsAFrozenServerAndReconnectsAfterItThawsAndAfterAKillAndRestart() throws Exception {
        Assumptions.assumeTrue("payara".equals(Servers.name()), "runs a Payara Micro of its own: once per build, in the Payara run");
        int port = ServerProcess.freePort();
        URI uri = URI.create("ws://127.0.0.1:" + port + "/ws");
        ClientEvents events = new ClientEvents();
        // a quicker schedule than the default, so the test waits seconds, not half a minute
        SwitchboardClient client = SwitchboardClient.builder(uri).token(() -> Tokens.forUser("restart")).listener(events)
                .backoff(Duration.ofMillis(200), Duration.ofSeconds(2)).connectTimeout(Duration.ofSeconds(3)).build();
        try {
            try (ServerProcess server = ServerProcess.start(SETTINGS, port - 8080)) {
                client.connect();
                String first = events.next("open").json().getString("connectionId");

                server.freeze();
                long frozenAt = System.nanoTime();
                ClientEvents.Event dropped = events.next("close");
                long detectedMs = (System.nanoTime() - frozenAt) / 1_000_000;
                assertEquals(1006, dropped.code());
                assertTrue(dropped.reason().contains("unresponsive"), dropped.reason());
                assertTrue(dropped.willReconnect());
                System.out.println("frozen server detected after " + detectedMs + " ms (interval + timeout = 3000 ms)");

                server.thaw();
                String second = events.next("open").json().getString("connectionId");
                assertNotEquals(first, second);

                server.kill();
                ClientEvents.Event killed = events.next("close");
                assertTrue(killed.willReconnect(), "a killed server is reconnected to: " + killed);
                assertEquals(SwitchboardClient.State.RECONNECTING, client.state());
            }
            try (ServerProcess restarted = ServerProcess.start(SETTINGS, port - 8080)) {
                long readyAt = System.nanoTime();
                String third = events.next("open").json().getString("connectionId");
                System.out.println("reconnected " + (System.nanoTime() - readyAt) / 1_000_000 + " ms after the restarted server was ready");
                assertEquals(third, client.connectionId());
                assertEquals(SwitchboardClient.State.OPEN, client.state());
            }
        } finally {
            client.close();
        }
    }
}
