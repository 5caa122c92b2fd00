package io.switchboard.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.config.SettingsLoader;
import io.switchboard.core.ClusterLink;
import io.switchboard.core.Settings;
import io.switchboard.it.support.RedisProcess;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Publishes bundled into one PUBLISH: the format, and a burst between two links on a real redis-server. */
class RedisLinkBundleTest {

    @Test
    void aBundleGivesBackItsMessagesInOrderWhateverTheyContain() {
        List<String> messages = List.of("C5:alice1:7", "", "12:34:", "*not a bundle of its own", "é😀\u0000", "x".repeat(5000));
        String payload = RedisLink.bundle(messages);
        assertEquals(RedisLink.BUNDLE, payload.charAt(0));
        assertEquals(messages, RedisLink.unbundle(payload));
    }

    @Test
    void aDamagedBundleIsRefusedNotHalfRead() {
        String whole = RedisLink.bundle(List.of("abc", "defg"));
        assertThrows(IllegalArgumentException.class, () -> RedisLink.unbundle(whole.substring(0, whole.length() - 1)));
        assertThrows(IllegalArgumentException.class, () -> RedisLink.unbundle("*x:abc"));
        assertThrows(IllegalArgumentException.class, () -> RedisLink.unbundle("*-1:abc"));
        assertThrows(IllegalArgumentException.class, () -> RedisLink.unbundle("*99999999999:abc"));
        assertThrows(IllegalArgumentException.class, () -> RedisLink.unbundle("C3:abc"));
    }

    @Test
    void aBurstToOneTopicArrivesWholeAndInOrderThroughARealRedis() throws Exception {
        try (RedisProcess redis = RedisProcess.start(null)) {
            List<String> got = Collections.synchronizedList(new ArrayList<>());
            RedisLink publisher = link(redis, "pub");
            RedisLink subscriber = link(redis, "sub");
            try {
                publisher.start(receiver(new ArrayList<>()));
                subscriber.start(receiver(got));
                subscriber.subscribe("burst").toCompletableFuture().get(10, TimeUnit.SECONDS);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (!(publisher.isAvailable() && subscriber.isAvailable()) && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                List<String> sent = new ArrayList<>();
                for (int i = 0; i < 5000; i++) {
                    String m = i + ":" + "p".repeat(i % 300);
                    sent.add(m);
                    assertTrue(publisher.publish("burst", m), "the link takes message " + i);
                }
                deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (got.size() < sent.size() && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertEquals(sent, List.copyOf(got));
                assertEquals(0, publisher.dropped());
                assertEquals(0, subscriber.dropped());
            } finally {
                publisher.stop();
                subscriber.stop();
            }
        }
    }

    static RedisLink link(RedisProcess redis, String node) {
        Map<String, String> values = new HashMap<>();
        values.put("switchboard.node.id", node);
        values.put("switchboard.cluster.redis.uri", redis.uri());
        values.put("switchboard.cluster.name", "bundle-test");
        Settings settings = SettingsLoader.load(k -> Optional.ofNullable(values.get(k)));
        return new RedisLink(settings.cluster(), node);
    }

    static ClusterLink.Receiver receiver(List<String> got) {
        return new ClusterLink.Receiver() {
            @Override
            public void receive(String topic, String payload) {
                got.add(payload);
            }

            @Override
            public void linkUp() {
            }

            @Override
            public void tick() {
            }
        };
    }
}
