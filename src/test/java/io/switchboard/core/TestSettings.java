package io.switchboard.core;

import io.switchboard.codec.JsonMessageCodec;
import io.switchboard.config.SettingsLoader;
import java.util.Map;
import java.util.Optional;

/**
 * What the core's tests take from the shell, in one place: settings read by the real loader (the
 * documented defaults, with the given keys overridden) and the real JSON codec, so that what a test
 * sees on a connection is what a client would.
 */
public final class TestSettings {

    private TestSettings() {
    }

    public static Settings defaults() {
        return with(Map.of());
    }

    public static Settings with(Map<String, String> overrides) {
        Map<String, String> values = new java.util.HashMap<>(overrides);
        values.putIfAbsent("switchboard.node.id", "node-test");
        return SettingsLoader.load(key -> Optional.ofNullable(values.get(key)));
    }

    /** The protocol's JSON codec with the default nesting limit. */
    public static MessageCodec codec() {
        return new JsonMessageCodec();
    }
}
