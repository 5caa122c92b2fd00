package io.switchboard.admin;

import io.switchboard.lifecycle.SwitchboardRuntime;
import jakarta.servlet.ServletContext;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.Properties;

/**
 * Which node answers, in {@code GET /api/stats} under {@code node}: its id, the Switchboard version
 * (from the Maven descriptor the WAR carries; {@code unknown} when it runs unpackaged), the server it
 * runs on as the container names itself, the Java version, when it started and its uptime.
 *
 * @param id        {@code switchboard.node.id}
 * @param version   the Switchboard version
 * @param server    the container's own name and version ({@code ServletContext.getServerInfo()})
 * @param java      the Java runtime's version
 * @param startedAt when the application started (ISO-8601)
 * @param uptimeMs  since then, in milliseconds
 */
public record NodeInfo(String id, String version, String server, String java, String startedAt, long uptimeMs) {

    private static final String DESCRIPTOR = "/META-INF/maven/io.switchboard/switchboard/pom.properties";

    /** Read once per deployment: the WAR does not change while it runs. */
    private static volatile String knownVersion;

    static NodeInfo of(SwitchboardRuntime runtime, ServletContext context) {
        return new NodeInfo(runtime.hub().settings().nodeId(), readVersion(context),
                context == null ? "unknown" : context.getServerInfo(), Runtime.version().toString(),
                Instant.ofEpochMilli(runtime.startedAtMillis()).toString(), runtime.uptimeMillis());
    }

    private static String readVersion(ServletContext context) {
        String known = knownVersion;
        if (known != null) {
            return known;
        }
        String found = "unknown";
        if (context != null) {
            try (InputStream in = context.getResourceAsStream(DESCRIPTOR)) {
                if (in != null) {
                    Properties p = new Properties();
                    p.load(in);
                    found = p.getProperty("version", found);
                }
            } catch (IOException e) {
                // unreadable descriptor: the version stays unknown
            }
        }
        knownVersion = found;
        return found;
    }
}
