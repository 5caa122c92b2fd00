package io.switchboard.core;

import io.switchboard.config.SettingsLoader;
import java.util.Map;
import java.util.Optional;

/** Settings for unit tests: the documented defaults, with the given keys overridden. */
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
}
