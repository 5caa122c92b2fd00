package io.switchboard.core;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Every setting of configuration.md, already parsed and validated. The shell builds it from
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
        History history,
        Optional<String> adminToken,
        Cluster cluster) {

    public Settings {
        allowedOrigins = List.copyOf(allowedOrigins);
    }

    /** Never prints secrets: the JWT secret and the admin token are shown as set or unset. */
    @Override
    public String toString() {
        return "Settings[nodeId=" + nodeId + ", " + auth + ", allowedOrigins=" + allowedOrigins
                + ", " + heartbeat + ", idleTimeout=" + idleTimeout + ", closeTimeout=" + closeTimeout
                + ", " + limits + ", " + rate + ", " + send + ", " + compression + ", " + shutdown
                + ", " + timeSync + ", " + history + ", adminToken=" + (adminToken.isPresent() ? "set" : "unset") + ", " + cluster + "]";
    }

    /**
     * How clients authenticate (protocol.md, handshake) and how long a connection may outlive its token (protocol.md, token lifetime):
     * a {@code refresh} notice {@code refreshNotice} before {@code exp}, a close at {@code exp + leeway}.
     */
    public record Auth(boolean inBand, Duration timeout, Optional<String> jwtSecret,
                       Optional<String> publicKeyLocation, Optional<String> issuer,
                       Optional<String> audience, Duration leeway, Duration refreshNotice) {
        @Override
        public String toString() {
            return "Auth[inBand=" + inBand + ", timeout=" + timeout
                    + ", jwtSecret=" + (jwtSecret.isPresent() ? "set" : "unset")
                    + ", publicKeyLocation=" + publicKeyLocation.orElse("unset")
                    + ", issuer=" + issuer.orElse("unset") + ", audience=" + audience.orElse("unset")
                    + ", leeway=" + leeway + ", refreshNotice=" + refreshNotice + "]";
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
     * Connection counts, message sizes and how deeply a message's JSON may nest (protocol.md, limits): a message
     * nested deeper than {@code maxJsonDepth} arrays and objects is a malformed message.
     */
    public record Limits(int maxConnections, int maxPerUser, int maxPerIp, PerUserPolicy perUserPolicy,
                         long maxMessageSize, long messageWarnSize, int maxJsonDepth) { }

    /** The per-user token bucket and the per-IP handshake rate (protocol.md, limits). */
    public record Rate(int messagesPerSecond, int burst, int maxViolations, int handshakesPerSecondPerIp) { }

    /** The bounds of each connection's send queue (protocol.md, limits). */
    public record Send(int maxQueuedMessages, long maxQueuedBytes) { }

    /** permessage-deflate (protocol.md, limits). */
    public record Compression(boolean enabled, int level, long threshold) { }

    /** The graceful drain (protocol.md, drain). */
    public record Shutdown(boolean notifyClients, Duration drainTimeout, int closeCode, Duration reconnectJitter) { }

    /** Time sync (protocol.md, reconnect and time sync); an {@code interval} of zero turns it off. */
    public record TimeSync(Duration interval, Duration maxOffset) { }

    /**
     * Channel history (protocol.md, history): at most {@code size} messages per channel ({@code 0} turns history
     * off), none older than {@code ttl}, at most {@code maxBytes} of message data on this node, and at
     * most {@code maxRecover} messages replayed to one resubscribing client.
     */
    public record History(int size, Duration ttl, int maxRecover, long maxBytes) {
        public boolean enabled() {
            return size > 0;
        }
    }

    /**
     * More than one node (protocol.md, cluster). {@code redisUri} empty means a node alone; it may carry a
     * password and is never printed.
     */
    public record Cluster(Optional<String> redisUri, String name, Optional<String> publicUrl,
                          Duration nodeTimeout, Duration requestTimeout, Duration redisTimeout) {

        public boolean enabled() {
            return redisUri.isPresent();
        }

        @Override
        public String toString() {
            return "Cluster[redis=" + (redisUri.isPresent() ? "set" : "unset") + ", name=" + name
                    + ", publicUrl=" + publicUrl.orElse("unset") + ", nodeTimeout=" + nodeTimeout
                    + ", requestTimeout=" + requestTimeout + ", redisTimeout=" + redisTimeout + "]";
        }
    }
}
