package io.switchboard.core;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Every setting of CONTRACT.md section 9, already parsed and validated. The shell builds it from
 * MicroProfile Config once, at deployment; the core only reads it.
 */
public record Settings(
        String nodeId,
        Auth auth,
        List<String> allowedOrigins,
        Heartbeat heartbeat,
        Duration idleTimeout,
        Duration closeTimeout,
        Limits limits,
        Rate rate,
        Send send,
        Compression compression,
        Shutdown shutdown,
        TimeSync timeSync,
        Optional<String> adminToken) {

    public Settings {
        allowedOrigins = List.copyOf(allowedOrigins);
    }

    /** Never prints secrets: the JWT secret and the admin token are shown as set or unset. */
    @Override
    public String toString() {
        return "Settings[nodeId=" + nodeId + ", " + auth + ", allowedOrigins=" + allowedOrigins
                + ", " + heartbeat + ", idleTimeout=" + idleTimeout + ", closeTimeout=" + closeTimeout
                + ", " + limits + ", " + rate + ", " + send + ", " + compression + ", " + shutdown
                + ", " + timeSync + ", adminToken=" + (adminToken.isPresent() ? "set" : "unset") + "]";
    }

    /** How clients authenticate (section 3). */
    public record Auth(boolean inBand, Duration timeout, Optional<String> jwtSecret,
                       Optional<String> publicKeyLocation, Optional<String> issuer,
                       Optional<String> audience, Duration leeway) {
        @Override
        public String toString() {
            return "Auth[inBand=" + inBand + ", timeout=" + timeout
                    + ", jwtSecret=" + (jwtSecret.isPresent() ? "set" : "unset")
                    + ", publicKeyLocation=" + publicKeyLocation.orElse("unset")
                    + ", issuer=" + issuer.orElse("unset") + ", audience=" + audience.orElse("unset")
                    + ", leeway=" + leeway + "]";
        }
    }

    /** Ping frames every {@code interval}; a ping unanswered after {@code timeout} is missed. */
    public record Heartbeat(Duration interval, Duration timeout, int maxMissed) { }

    /** What to do when a user is at {@code max-per-user} and connects again. */
    public enum PerUserPolicy {
        REJECT_NEW("reject-new"), CLOSE_OLDEST("close-oldest");

        private final String configName;

        PerUserPolicy(String configName) {
            this.configName = configName;
        }

        public String configName() {
            return configName;
        }

        /** @throws IllegalArgumentException for anything but the two names */
        public static PerUserPolicy fromConfig(String value) {
            for (PerUserPolicy p : values()) {
                if (p.configName.equals(value.trim())) {
                    return p;
                }
            }
            throw new IllegalArgumentException("must be reject-new or close-oldest");
        }
    }

    /**
     * Connection counts, message sizes and how deeply a message's JSON may nest (section 5): a message
     * nested deeper than {@code maxJsonDepth} arrays and objects is a malformed message.
     */
    public record Limits(int maxConnections, int maxPerUser, int maxPerIp, PerUserPolicy perUserPolicy,
                         long maxMessageSize, long messageWarnSize, int maxJsonDepth) { }

    /** The per-user token bucket and the per-IP handshake rate (section 5). */
    public record Rate(int messagesPerSecond, int burst, int maxViolations, int handshakesPerSecondPerIp) { }

    /** The bounds of each connection's send queue (section 5). */
    public record Send(int maxQueuedMessages, long maxQueuedBytes) { }

    /** permessage-deflate (section 5). */
    public record Compression(boolean enabled, int level, long threshold) { }

    /** The graceful drain (section 10). */
    public record Shutdown(boolean notifyClients, Duration drainTimeout, int closeCode, Duration reconnectJitter) { }

    /** Time sync (section 11); an {@code interval} of zero turns it off. */
    public record TimeSync(Duration interval, Duration maxOffset) { }
}
