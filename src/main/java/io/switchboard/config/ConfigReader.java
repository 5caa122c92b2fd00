package io.switchboard.config;

import io.switchboard.config.ByteSizes;
import io.switchboard.config.Durations;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reads one setting at a time from a source of raw strings, applying the default and the
 * documented syntax, and reports every failure with the key and the offending value.
 */
final class ConfigReader {

    private final Function<String, Optional<String>> source;

    /** @param source the raw value of a key, or empty when the key is not set */
    ConfigReader(Function<String, Optional<String>> source) {
        this.source = source;
    }

    Optional<String> optional(String key) {
        return source.apply(key).map(String::trim).filter(v -> !v.isEmpty());
    }

    String string(String key, String defaultValue) {
        return optional(key).orElse(defaultValue);
    }

    Duration duration(String key, String defaultValue) {
        return parse(key, defaultValue, Durations::parse);
    }

    /** A duration that must be above zero. */
    Duration positiveDuration(String key, String defaultValue) {
        Duration d = duration(key, defaultValue);
        if (d.isZero()) {
            throw invalid(key, string(key, defaultValue), "must be greater than zero");
        }
        return d;
    }

    long size(String key, String defaultValue) {
        return parse(key, defaultValue, ByteSizes::parse);
    }

    int integer(String key, int defaultValue, int min, int max) {
        String raw = string(key, Integer.toString(defaultValue));
        int value;
        try {
            value = Integer.parseInt(raw);
        } catch (NumberFormatException e) {
            throw invalid(key, raw, "not a whole number");
        }
        if (value < min || value > max) {
            throw invalid(key, raw, "must be between " + min + " and " + max);
        }
        return value;
    }

    boolean bool(String key, boolean defaultValue) {
        String raw = string(key, Boolean.toString(defaultValue));
        if (raw.equalsIgnoreCase("true")) {
            return true;
        }
        if (raw.equalsIgnoreCase("false")) {
            return false;
        }
        throw invalid(key, raw, "must be true or false");
    }

    /** A comma-separated list; empty when unset. */
    List<String> list(String key) {
        return optional(key)
                .map(v -> Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList())
                .orElse(List.of());
    }

    <T> T parse(String key, String defaultValue, Function<String, T> parser) {
        String raw = string(key, defaultValue);
        try {
            return parser.apply(raw);
        } catch (IllegalArgumentException e) {
            throw invalid(key, raw, e.getMessage());
        }
    }

    static InvalidConfigurationException invalid(String key, String raw, String problem) {
        return new InvalidConfigurationException(key, raw, problem);
    }
}
