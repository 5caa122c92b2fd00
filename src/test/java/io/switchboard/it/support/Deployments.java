package io.switchboard.it.support;

import java.io.File;
import java.util.Map;
import java.util.stream.Collectors;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.importer.ZipImporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/**
 * The archives the container tests deploy: the WAR that {@code mvn package} built, with settings of
 * the test's own in {@code META-INF/microprofile-config.properties}. Unless the test sets its own,
 * {@code switchboard.auth.jwt.secret} is {@link Tokens#SECRET}, so that {@link TestClient} can connect.
 */
public final class Deployments {

    private static final File WAR = new File("target/switchboard.war");

    private Deployments() {
    }

    /** The shipped WAR with the test JWT secret. */
    public static WebArchive switchboard() {
        return switchboard(Map.of());
    }

    /** The shipped WAR, unchanged: no settings at all. */
    public static WebArchive shipped() {
        if (!WAR.isFile()) {
            throw new IllegalStateException(WAR + " is missing: run the container tests through `mvn verify`");
        }
        return ShrinkWrap.create(ZipImporter.class, "switchboard.war").importFrom(WAR).as(WebArchive.class);
    }

    /** The shipped WAR with these settings, which override the defaults but not system properties. */
    public static WebArchive switchboard(Map<String, String> settings) {
        Map<String, String> all = new java.util.TreeMap<>(settings);
        all.putIfAbsent("switchboard.auth.jwt.secret", Tokens.SECRET);
        // tests open clients in bursts from one address; HandshakeRejectionIT tests the rate with its own value
        all.putIfAbsent("switchboard.rate.handshakes-per-second-per-ip", "1000");
        String properties = all.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining("\n", "", "\n"));
        return shipped().addAsResource(new StringAsset(properties), "META-INF/microprofile-config.properties");
    }
}
