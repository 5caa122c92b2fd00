package io.switchboard.config;

import io.switchboard.core.Settings;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.Config;

/** Switchboard's {@link Settings}, read from MicroProfile Config once per deployment. */
@ApplicationScoped
public class SwitchboardConfig {

    @Inject
    Config config;

    private Settings settings;

    @PostConstruct
    void load() {
        settings = SettingsLoader.load(key -> config.getOptionalValue(key, String.class));
    }

    public Settings settings() {
        return settings;
    }
}
