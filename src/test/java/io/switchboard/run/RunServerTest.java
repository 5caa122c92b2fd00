package io.switchboard.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The launcher of {@code mvn -Prun} and {@code mvn -Prun-wildfly} (src/run/RunServer.java), run as the
 * profiles run it: the user's environment wins over the development values, the development values fill
 * in what is unset, and no value other than a development one is printed.
 */
class RunServerTest {

    private static final Path LAUNCHER = Path.of("src/run/RunServer.java");

    @Test
    void withNothingSetTheDevelopmentValuesAreUsedAndShown() throws Exception {
        Result r = run(Map.of(), "env");
        assertTrue(r.printed.contains("switchboard.admin.token = \"dev-admin-token\" (development value"), r.printed);
        // the server process sees them in its environment
        assertTrue(r.printed.contains("SWITCHBOARD_ADMIN_TOKEN=dev-admin-token"), r.printed);
        assertTrue(r.printed.contains("SWITCHBOARD_AUTH_JWT_SECRET=switchboard-dev-only-secret-not-for-production"), r.printed);
        assertEquals(0, r.status);
    }

    @Test
    void theUsersEnvironmentWinsAndItsValueIsNotShown() throws Exception {
        Result r = run(Map.of("SWITCHBOARD_ADMIN_TOKEN", "my-own-admin-token"), "true");
        assertTrue(r.printed.contains("switchboard.admin.token from SWITCHBOARD_ADMIN_TOKEN (value not shown)"), r.printed);
        assertFalse(r.printed.contains("my-own-admin-token"), r.printed);
        assertTrue(r.printed.contains("switchboard.auth.jwt.secret = \"switchboard-dev-only-secret"), r.printed);
    }

    @Test
    void theServersOwnFailureIsPassedOn() throws Exception {
        assertEquals(3, run(Map.of(), "sh", "-c", "exit 3").status);
    }

    @Test
    void anEmptyVariableTurnsTheAdminApiOff() throws Exception {
        Result r = run(Map.of("SWITCHBOARD_ADMIN_TOKEN", ""), "env");
        assertTrue(r.printed.contains("switchboard.admin.token is unset: SWITCHBOARD_ADMIN_TOKEN is empty"), r.printed);
        assertFalse(r.printed.contains("SWITCHBOARD_ADMIN_TOKEN=dev-admin-token"), r.printed);
    }

    private record Result(int status, String printed) { }

    private static Result run(Map<String, String> env, String... server) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String[] command = new String[server.length + 2];
        command[0] = java;
        command[1] = LAUNCHER.toString();
        System.arraycopy(server, 0, command, 2, server.length);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.toLowerCase().startsWith("switchboard"));
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the launcher did not end");
        return new Result(p.exitValue(), out);
    }
}
