package io.switchboard.config;

import io.switchboard.core.Disconnect;
import io.switchboard.core.Settings;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

/**
 * Every key of configuration.md with its default, in one place. Reads a raw key-to-string
 * source (MicroProfile Config in the server, a map in tests) into validated {@link Settings}.
 */
public final class SettingsLoader {

    private SettingsLoader() {
    }

    /** @throws InvalidConfigurationException naming the first key whose value cannot be used */
    public static Settings load(Function<String, Optional<String>> source) {
        ConfigReader r = new ConfigReader(source);

        Settings.Auth auth = new Settings.Auth(
                r.bool("switchboard.auth.in-band", true),
                r.positiveDuration("switchboard.auth.timeout", "10s"),
                r.optional("switchboard.auth.jwt.secret"),
                r.optional("switchboard.auth.jwt.public-key-location"),
                r.optional("switchboard.auth.jwt.issuer"),
                r.optional("switchboard.auth.jwt.audience"),
                r.duration("switchboard.auth.jwt.leeway", "30s"),
                r.duration("switchboard.auth.refresh-notice", "60s"));

        Settings.Heartbeat heartbeat = new Settings.Heartbeat(
                r.positiveDuration("switchboard.heartbeat.interval", "30s"),
                r.positiveDuration("switchboard.heartbeat.timeout", "10s"),
                r.integer("switchboard.heartbeat.max-missed", 3, 1, 1000));

        long maxMessageSize = r.size("switchboard.limits.max-message-size", "1MiB");
        if (maxMessageSize < 1 || maxMessageSize > Integer.MAX_VALUE) {
            throw ConfigReader.invalid("switchboard.limits.max-message-size", Long.toString(maxMessageSize),
                    "must be between 1 byte and 2GiB");
        }
        Settings.Limits limits = new Settings.Limits(
                r.integer("switchboard.limits.max-connections", 10_000, 1, Integer.MAX_VALUE),
                r.integer("switchboard.limits.max-per-user", 5, 1, Integer.MAX_VALUE),
                r.integer("switchboard.limits.max-per-ip", 100, 1, Integer.MAX_VALUE),
                r.parse("switchboard.limits.per-user-policy", "reject-new", Settings.PerUserPolicy::fromConfig),
                maxMessageSize,
                r.size("switchboard.limits.message-warn-size", "512KiB"),
                r.integer("switchboard.limits.max-json-depth", 64, 1, 10_000));

        Settings.Rate rate = new Settings.Rate(
                r.integer("switchboard.rate.messages-per-second", 20, 1, 1_000_000),
                r.integer("switchboard.rate.burst", 40, 1, 1_000_000),
                r.integer("switchboard.rate.max-violations", 10, 1, 1_000_000),
                r.integer("switchboard.rate.handshakes-per-second-per-ip", 20, 1, 1_000_000));

        Settings.Send send = new Settings.Send(
                r.integer("switchboard.send.max-queued-messages", 1000, 1, 10_000_000),
                r.size("switchboard.send.max-queued-bytes", "4MiB"));

        Settings.Compression compression = new Settings.Compression(
                r.bool("switchboard.compression.enabled", true),
                r.integer("switchboard.compression.level", 6, 0, 9),
                r.size("switchboard.compression.threshold", "1KiB"));

        int closeCode = r.integer("switchboard.shutdown.close-code", 1001, 1000, 4999);
        if (!Disconnect.isSendable(closeCode)) {
            throw ConfigReader.invalid("switchboard.shutdown.close-code", Integer.toString(closeCode),
                    "not a close code a server may send (1000, 1001, 1003, 1007-1014, 3000-4999)");
        }
        Settings.Shutdown shutdown = new Settings.Shutdown(
                r.bool("switchboard.shutdown.notify", true),
                r.duration("switchboard.shutdown.drain-timeout", "30s"),
                closeCode,
                r.duration("switchboard.shutdown.reconnect-jitter", "5s"));

        Settings.TimeSync timeSync = new Settings.TimeSync(
                r.duration("switchboard.timesync.interval", "0"),
                r.positiveDuration("switchboard.timesync.max-offset", "1s"));

        Settings.History history = new Settings.History(
                r.integer("switchboard.history.size", 0, 0, 1_000_000),
                r.positiveDuration("switchboard.history.ttl", "5m"),
                r.integer("switchboard.history.max-recover", 1000, 0, 1_000_000),
                r.size("switchboard.history.max-bytes", "64MiB"));
        if (history.enabled() && history.maxBytes() < 1) {
            throw ConfigReader.invalid("switchboard.history.max-bytes", Long.toString(history.maxBytes()),
                    "must be at least 1 byte while switchboard.history.size is above 0");
        }

        Duration idle = r.duration("switchboard.idle.timeout", "5m");
        Duration close = r.positiveDuration("switchboard.close.timeout", "5s");

        return new Settings(
                r.optional("switchboard.node.id").orElseGet(SettingsLoader::hostName),
                auth,
                r.list("switchboard.allowed-origins"),
                heartbeat,
                idle,
                close,
                limits,
                rate,
                send,
                compression,
                shutdown,
                timeSync,
                history,
                r.optional("switchboard.admin.token"),
                cluster(r));
    }

    private static Settings.Cluster cluster(ConfigReader r) {
        Optional<String> uri = r.optional("switchboard.cluster.redis.uri").filter(u -> !u.isBlank()).map(String::trim);
        uri.ifPresent(RedisUris::check);
        String name = r.optional("switchboard.cluster.name").orElse("switchboard").trim();
        if (name.isEmpty() || name.length() > 64 || !name.matches("[A-Za-z0-9_.-]+")) {
            throw ConfigReader.invalid("switchboard.cluster.name", name,
                    "must be 1 to 64 letters, digits, '.', '_' or '-'");
        }
        Optional<String> publicUrl = r.optional("switchboard.node.public-url").filter(u -> !u.isBlank()).map(String::trim);
        publicUrl.ifPresent(u -> {
            String scheme = null;
            try {
                scheme = java.net.URI.create(u).getScheme();
            } catch (IllegalArgumentException e) {
                // reported below
            }
            if (!"ws".equals(scheme) && !"wss".equals(scheme)) {
                throw ConfigReader.invalid("switchboard.node.public-url", u, "must be a ws:// or wss:// URL");
            }
        });
        return new Settings.Cluster(uri, name, publicUrl,
                r.positiveDuration("switchboard.cluster.node-timeout", "10s"),
                r.positiveDuration("switchboard.cluster.request-timeout", "5s"),
                r.positiveDuration("switchboard.cluster.redis-timeout", "2s"));
    }

    private static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env.trim();
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "switchboard";
        }
    }
}
