package io.switchboard.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.switchboard.it.support.RedisProcess;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Subscribes and unsubscribes of one topic in quick succession, as a node sees them when every local
 * subscriber of a channel leaves and one comes back at once (a client process reconnecting all its
 * connections): what Redis holds at the end is what the last call asked for, on a real redis-server.
 */
class RedisLinkSubscriptionTest {

    private static final int FLIPS = 2000;

    @Test
    void aTopicReleasedAndTakenAgainRightAwayStaysSubscribed() throws Exception {
        try (RedisProcess redis = RedisProcess.start(null)) {
            List<String> got = Collections.synchronizedList(new ArrayList<>());
            RedisLink publisher = RedisLinkBundleTest.link(redis, "pub");
            RedisLink subscriber = RedisLinkBundleTest.link(redis, "sub");
            RedisClient plain = RedisClient.create(redis.uri());
            try (StatefulRedisConnection<String, String> probe = plain.connect()) {
                publisher.start(RedisLinkBundleTest.receiver(new ArrayList<>()));
                subscriber.start(RedisLinkBundleTest.receiver(got));
                subscriber.subscribe("kept").toCompletableFuture().get(10, TimeUnit.SECONDS);
                CompletionStage<Void> last = null;
                for (int i = 0; i < FLIPS; i++) {
                    subscriber.unsubscribe("kept");
                    last = subscriber.subscribe("kept");
                }
                last.toCompletableFuture().get(10, TimeUnit.SECONDS);
                // the reverse: taken and released right away, so the node ends with no interest in it
                for (int i = 0; i < FLIPS; i++) {
                    subscriber.subscribe("dropped");
                    subscriber.unsubscribe("dropped");
                }
                // pub/sub commands reach Redis in the order they are sent: once this one is answered,
                // every subscribe and unsubscribe above has been
                subscriber.subscribe("fence").toCompletableFuture().get(10, TimeUnit.SECONDS);

                assertEquals(1L, probe.sync().pubsubNumsub("bundle-test:kept").get("bundle-test:kept"),
                        "the node still listens to the topic it wants");
                assertEquals(0L, probe.sync().pubsubNumsub("bundle-test:dropped").get("bundle-test:dropped"),
                        "the node no longer listens to the topic it gave up");

                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (!publisher.isAvailable() && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertTrue(publisher.publish("kept", "after the flips"));
                while (got.isEmpty() && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertEquals(List.of("after the flips"), List.copyOf(got));
            } finally {
                publisher.stop();
                subscriber.stop();
                plain.shutdown();
            }
        }
    }
}
