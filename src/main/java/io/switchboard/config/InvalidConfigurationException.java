package io.switchboard.config;

/** A setting with a value Switchboard cannot use; thrown at deployment, so the deployment fails. */
public final class InvalidConfigurationException extends RuntimeException {

    private final String key;

    InvalidConfigurationException(String key, String value, String problem) {
        super("Invalid Switchboard configuration: " + key + "=" + display(key, value) + ": " + problem);
        this.key = key;
    }

    /** For checks of a setting made outside this package, such as the JWT keys. */
    public static InvalidConfigurationException of(String key, String value, String problem) {
        return new InvalidConfigurationException(key, value, problem);
    }

    /** The configuration key at fault, such as {@code switchboard.heartbeat.interval}. */
    public String key() {
        return key;
    }

    /** Secrets are never echoed, not even when they are malformed. */
    private static String display(String key, String value) {
        return key.endsWith(".secret") || key.endsWith(".token") || key.endsWith(".uri") ? "<hidden>" : "'" + value + "'";
    }
}
