package io.switchboard.it;

import java.io.File;
import java.util.Map;
import java.util.stream.Collectors;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.importer.ZipImporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/**
 * The archives the container tests deploy: the WAR that {@code mvn package} built, exactly as it
 * ships, optionally with settings of the test's own in {@code META-INF/microprofile-config.properties}.
 */
public final class Deployments {

    private static final File WAR = new File("target/switchboard.war");

    private Deployments() {
    }

    /** The shipped WAR, unchanged. */
    public static WebArchive switchboard() {
        if (!WAR.isFile()) {
            throw new IllegalStateException(WAR + " is missing: run the container tests through `mvn verify`");
        }
        return ShrinkWrap.create(ZipImporter.class, "switchboard.war").importFrom(WAR).as(WebArchive.class);
    }

    /** The shipped WAR with these settings, which override the defaults but not system properties. */
    public static WebArchive switchboard(Map<String, String> settings) {
        String properties = settings.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining("\n", "", "\n"));
        return switchboard().addAsResource(new StringAsset(properties), "META-INF/microprofile-config.properties");
    }
}
