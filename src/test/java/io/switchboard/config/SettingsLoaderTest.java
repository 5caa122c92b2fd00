package io.switchboard.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.core.Settings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SettingsLoaderTest {

    private static Settings load(Map<String, String> values) {
        return SettingsLoader.load(key -> Optional.ofNullable(values.get(key)));
    }

    @Test
    void theDefaultsAreTheDocumentedOnes() {
        Settings s = load(Map.of());

        assertTrue(s.auth().inBand());
        assertEquals(Duration.ofSeconds(10), s.auth().timeout());
        assertEquals(Duration.ofSeconds(30), s.auth().leeway());
        assertTrue(s.auth().jwtSecret().isEmpty());
        assertEquals(List.of(), s.allowedOrigins());
        assertEquals(new Settings.Heartbeat(Duration.ofSeconds(30), Duration.ofSeconds(10), 3), s.heartbeat());
        assertEquals(Duration.ofMinutes(5), s.idleTimeout());
        assertEquals(Duration.ofSeconds(5), s.closeTimeout());
        assertEquals(new Settings.Limits(10_000, 5, 100, Settings.PerUserPolicy.REJECT_NEW, 1_048_576, 524_288, 64), s.limits());
        assertEquals(new Settings.Rate(20, 40, 10, 20), s.rate());
        assertEquals(new Settings.Send(1000, 4_194_304), s.send());
        assertEquals(new Settings.Compression(true, 6, 1024), s.compression());
        assertEquals(new Settings.Shutdown(true, Duration.ofSeconds(30), 1001, Duration.ofSeconds(5)), s.shutdown());
        assertEquals(new Settings.TimeSync(Duration.ZERO, Duration.ofSeconds(1)), s.timeSync());
        assertTrue(s.adminToken().isEmpty());
        assertEquals(new Settings.History(0, Duration.ofMinutes(5), 1000, 64L * 1024 * 1024), s.history());
        assertFalse(s.history().enabled());
        assertFalse(s.nodeId().isBlank());
    }

    @Test
    void historySettingsAreReadAndCheckedWithTheirKey() {
        Settings s = load(Map.of("switchboard.history.size", "100", "switchboard.history.ttl", "30s",
                "switchboard.history.max-recover", "50", "switchboard.history.max-bytes", "1MiB"));
        assertEquals(new Settings.History(100, Duration.ofSeconds(30), 50, 1024 * 1024), s.history());
        assertTrue(s.history().enabled());
        for (Map.Entry<String, String> bad : List.of(Map.entry("switchboard.history.size", "-1"),
                Map.entry("switchboard.history.ttl", "0"), Map.entry("switchboard.history.max-recover", "lots"),
                Map.entry("switchboard.history.max-bytes", "big"))) {
            assertEquals(bad.getKey(), assertThrows(InvalidConfigurationException.class,
                    () -> load(Map.ofEntries(bad))).key());
        }
        assertEquals("switchboard.history.max-bytes", assertThrows(InvalidConfigurationException.class,
                () -> load(Map.of("switchboard.history.size", "10", "switchboard.history.max-bytes", "0"))).key());
    }

    @Test
    void valuesOverrideDefaults() {
        Settings s = load(Map.of(
                "switchboard.heartbeat.interval", "500ms",
                "switchboard.heartbeat.timeout", "PT2S",
                "switchboard.limits.per-user-policy", "close-oldest",
                "switchboard.allowed-origins", "https://a.example, https://b.example",
                "switchboard.node.id", "node-7"));

        assertEquals(Duration.ofMillis(500), s.heartbeat().interval());
        assertEquals(Duration.ofSeconds(2), s.heartbeat().timeout());
        assertEquals(Settings.PerUserPolicy.CLOSE_OLDEST, s.limits().perUserPolicy());
        assertEquals(List.of("https://a.example", "https://b.example"), s.allowedOrigins());
        assertEquals("node-7", s.nodeId());
    }

    @Test
    void aBadValueIsRefusedWithAMessageNamingTheKeyAndTheValue() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> load(Map.of("switchboard.heartbeat.interval", "3 parsecs")));
        assertEquals("switchboard.heartbeat.interval", e.key());
        assertTrue(e.getMessage().contains("switchboard.heartbeat.interval='3 parsecs'"), e.getMessage());

        assertEquals("switchboard.limits.max-per-user",
                assertThrows(InvalidConfigurationException.class,
                        () -> load(Map.of("switchboard.limits.max-per-user", "five"))).key());
        assertEquals("switchboard.limits.per-user-policy",
                assertThrows(InvalidConfigurationException.class,
                        () -> load(Map.of("switchboard.limits.per-user-policy", "whatever"))).key());
        assertEquals("switchboard.shutdown.close-code",
                assertThrows(InvalidConfigurationException.class,
                        () -> load(Map.of("switchboard.shutdown.close-code", "1006"))).key());
        assertEquals("switchboard.heartbeat.interval",
                assertThrows(InvalidConfigurationException.class,
                        () -> load(Map.of("switchboard.heartbeat.interval", "0"))).key());
        assertEquals("switchboard.auth.in-band",
                assertThrows(InvalidConfigurationException.class,
                        () -> load(Map.of("switchboard.auth.in-band", "yes"))).key());
    }

    @Test
    void secretsNeverAppearInMessagesOrInTheSettingsText() {
        Settings s = load(Map.of("switchboard.auth.jwt.secret", "s3cr3t-value", "switchboard.admin.token", "adm1n-token"));
        assertFalse(s.toString().contains("s3cr3t-value"));
        assertFalse(s.toString().contains("adm1n-token"));
        assertTrue(s.toString().contains("jwtSecret=set"));
    }

    @Test
    void clusterSettingsDefaultToANodeAlone() {
        Settings.Cluster c = load(Map.of()).cluster();
        assertFalse(c.enabled());
        assertEquals("switchboard", c.name());
        assertEquals(Duration.ofSeconds(10), c.nodeTimeout());
        assertEquals(Duration.ofSeconds(5), c.requestTimeout());
        assertEquals(Duration.ofSeconds(2), c.redisTimeout());
        assertTrue(c.publicUrl().isEmpty());
    }

    @Test
    void aBadRedisUriNamesTheKeyAndNeverEchoesThePassword() {
        for (String bad : List.of("http://:s3cr3t-pw@localhost:6379", "redis://:s3cr3t-pw@/0", "redis://:s3cr3t-pw@h:6379/db",
                "redis://:s3cr3t-pw@h:6379 /0")) {
            InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                    () -> load(Map.of("switchboard.cluster.redis.uri", bad)), bad);
            assertEquals("switchboard.cluster.redis.uri", e.key());
            assertTrue(e.getMessage().contains("switchboard.cluster.redis.uri"), e.getMessage());
            assertFalse(e.getMessage().contains("s3cr3t"), e.getMessage());
        }
        Settings ok = load(Map.of("switchboard.cluster.redis.uri", "redis://:pw@127.0.0.1:6379/2"));
        assertTrue(ok.cluster().enabled());
        assertFalse(ok.toString().contains("pw@"), ok.toString());
        assertThrows(InvalidConfigurationException.class,
                () -> load(Map.of("switchboard.node.public-url", "http://example/ws")));
        assertThrows(InvalidConfigurationException.class,
                () -> load(Map.of("switchboard.cluster.name", "has space")));
    }

    @Test
    void historyWithAClusterIsAllowedItIsKeptInRedis() {
        Settings both = load(Map.of("switchboard.cluster.redis.uri", "redis://:s3cr3t-pw@127.0.0.1:6379",
                "switchboard.history.size", "100"));
        assertTrue(both.history().enabled());
        assertTrue(both.cluster().enabled());
        assertFalse(both.toString().contains("s3cr3t"), both.toString());
    }
}
