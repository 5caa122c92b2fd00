package io.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.it.support.ServerProcess;
import io.switchboard.it.support.Servers;
import io.switchboard.it.support.TestClient;
import jakarta.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Stopping a server whose clients never leave (protocol.md, drain), in a JVM that has done nothing before the
 * stop but accept their handshakes and welcome them: no connection has been closed, no drain has run,
 * so every class the drain, the close and the abort need is one the application loaded when it
 * started (Payara Micro closes the application's class loader while its shutdown hook runs). Every
 * client must get the {@code shutdown} notice and then our close code, never the container's 1000 or
 * 1006, and the server must exit once the drain is over.
 *
 * <p>Each case has a server of its own: Payara Micro is stopped with SIGTERM; WildFly with SIGTERM,
 * with the management operation {@code :shutdown}, and suspended with {@code :suspend} (then resumed:
 * it admits clients again). Payara Micro runs as an operator starts it, without {@code --rootdir}: its
 * shutdown hook then deletes the exploded application while the drain runs. Every case's server is
 * launched before the first case runs, each on ports of its own, so the boots overlap one another and
 * the earlier cases instead of running one after another; a server does nothing until its case starts.
 */
class DeafDrainIT {

    private static final Duration DRAIN = Duration.ofSeconds(2);
    private static final Duration CLOSE = Duration.ofSeconds(2);
    /** What the JVM and the container need to exit after the drain; generous on a busy two-core machine. */
    private static final Duration EXIT_MARGIN = Duration.ofSeconds(30);

    /** How long a server may take to boot while the other cases' servers boot beside it. */
    private static final Duration BOOT = Duration.ofMinutes(6);

    enum Stop { SIGTERM, MANAGEMENT_SHUTDOWN, MANAGEMENT_SUSPEND }

    /**
     * One case: how the server is stopped, how many deaf clients it holds, and the configured
     * {@code switchboard.shutdown.close-code}, or null for the default (1001).
     */
    record Case(Stop stop, int clients, Integer closeCode) {
    }

    /** The server of each case, launched by {@link #launchEveryCasesServer()}; a case closes its own. */
    private static final Map<Case, ServerProcess> SERVERS = new LinkedHashMap<>();
    /** The port offset of each case's server: ten apart, so no port of one WildFly is another's. */
    private static final Map<Case, Integer> OFFSETS = new LinkedHashMap<>();

    private static List<Case> caseList() {
        if (Servers.name().equals("wildfly")) {
            return List.of(
                    new Case(Stop.SIGTERM, 1, null),
                    new Case(Stop.SIGTERM, 200, 4003),
                    new Case(Stop.MANAGEMENT_SHUTDOWN, 1, 4003),
                    new Case(Stop.MANAGEMENT_SHUTDOWN, 200, null),
                    new Case(Stop.MANAGEMENT_SUSPEND, 200, 4003));
        }
        return List.of(
                new Case(Stop.SIGTERM, 1, null),
                new Case(Stop.SIGTERM, 1, 4003),
                new Case(Stop.SIGTERM, 200, null),
                new Case(Stop.SIGTERM, 200, 4003));
    }

    static Stream<Arguments> cases() {
        return caseList().stream().map(c -> Arguments.of(c.stop(), c.clients(), c.closeCode()));
    }

    private static Map<String, String> settings(Integer closeCode) {
        Map<String, String> settings = new TreeMap<>(Map.of(
                "switchboard.shutdown.drain-timeout", DRAIN.toSeconds() + "s",
                "switchboard.close.timeout", CLOSE.toSeconds() + "s",
                "switchboard.shutdown.reconnect-jitter", "1s",
                "switchboard.limits.max-connections", "1000",
                "switchboard.limits.max-per-ip", "1000",
                "switchboard.rate.handshakes-per-second-per-ip", "1000"));
        if (closeCode != null) {
            settings.put("switchboard.shutdown.close-code", closeCode.toString());
        }
        return settings;
    }

    @BeforeAll
    static void launchEveryCasesServer() throws Exception {
        int offset = Integer.getInteger("switchboard.it.port.offset", 0) + 60;
        for (Case c : caseList()) {
            SERVERS.put(c, ServerProcess.launch(Servers.name(), settings(c.closeCode()), offset, false));
            OFFSETS.put(c, offset);
            offset += 10;
        }
    }

    @AfterAll
    static void stopWhatIsLeft() throws Exception {
        for (ServerProcess server : SERVERS.values()) {
            server.close();
        }
    }

    /**
     * @param closeCode the configured {@code switchboard.shutdown.close-code}, or null for the default (1001)
     */
    @ParameterizedTest(name = "{0}, {1} deaf clients, close code {2}")
    @MethodSource("cases")
    void clientsThatNeverLeaveGetTheNoticeAndOurCloseCode(Stop stop, int clients, Integer closeCode) throws Exception {
        Case thisCase = new Case(stop, clients, closeCode);
        Map<String, String> settings = settings(closeCode);
        String expected = (closeCode == null ? 1001 : closeCode) + " server shutting down";
        int offset = OFFSETS.get(thisCase);
        try (ServerProcess server = SERVERS.get(thisCase)) {
            server.awaitReady(BOOT);
            List<TestClient> deaf = new ArrayList<>();
            try {
                for (int i = 0; i < clients; i++) {
                    deaf.add(TestClient.connect(Servers.webSocket(server.base(), null)));
                }
                for (TestClient c : deaf) {
                    c.next("welcome");
                }

                int linesBefore = server.logLines().size();
                long stopped = System.nanoTime();
                long grace = ServerProcess.sigtermGraceSeconds(settings);
                switch (stop) {
                    case SIGTERM -> server.terminate();
                    case MANAGEMENT_SHUTDOWN -> management(offset, ":shutdown(suspend-timeout=" + grace + ")");
                    case MANAGEMENT_SUSPEND -> management(offset, ":suspend(suspend-timeout=" + grace + ")");
                }

                for (TestClient c : deaf) {
                    JsonObject notice = c.next();
                    assertEquals("shutdown", notice.getString("type"), notice + "\n" + server.logTail());
                    assertEquals(DRAIN.toMillis(), notice.getJsonNumber("drainMs").longValue());
                }
                List<String> wrong = new ArrayList<>();
                for (TestClient c : deaf) {
                    String close = c.awaitClose();
                    if (!expected.equals(close)) {
                        wrong.add(close);
                    }
                }
                assertTrue(wrong.isEmpty(), wrong.size() + " of " + clients + " clients saw another close than '"
                        + expected + "', e.g. '" + (wrong.isEmpty() ? "" : wrong.get(0)) + "'\n" + server.logTail());
                if (stop == Stop.MANAGEMENT_SUSPEND) {
                    management(offset, ":resume");
                    try (TestClient again = TestClient.connect(Servers.webSocket(server.base(), null))) {
                        again.next("welcome");
                    }
                    return;
                }
                Duration bound = DRAIN.plus(CLOSE).plus(EXIT_MARGIN);
                assertTrue(server.awaitExit(bound), "the server exits within " + bound + "\n" + server.logTail());
                System.out.println(stop + " to exit on " + Servers.name() + " with " + clients + " deaf clients: "
                        + Duration.ofNanos(System.nanoTime() - stopped).toMillis() + " ms");
                List<String> lines = server.logLines();
                String log = String.join("\n", lines.subList(Math.min(linesBefore, lines.size()), lines.size()));
                assertTrue(!log.contains("NoClassDefFoundError") && !log.contains("ClassNotFoundException"),
                        "no class had to be loaded after the stop\n" + server.logTail());
            } finally {
                deaf.forEach(TestClient::close);
            }
        }
    }

    /** A WildFly management operation through its CLI, as an operator runs it. */
    private static void management(int offset, String operation) throws Exception {
        Path cli = Path.of(System.getProperty("jboss.home"), "bin", "jboss-cli.sh");
        Process p = new ProcessBuilder(cli.toString(), "--connect", "--controller=127.0.0.1:" + (9990 + offset),
                "--command=" + operation)
                .redirectErrorStream(true).start();
        // the CLI returns once the server has accepted the operation; the drain runs after that
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("jboss-cli did not return");
        }
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(out.contains("success") || p.exitValue() == 0, "jboss-cli " + operation + ": " + out);
    }
}
