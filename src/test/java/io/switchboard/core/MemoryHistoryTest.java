package io.switchboard.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MemoryHistoryTest {

    private final FakeClock clock = new FakeClock();
    /** What the store delivered, as "channel epoch offset data". */
    private final List<String> delivered = new ArrayList<>();

    private MemoryHistory store(int size, Duration ttl, long maxBytes) {
        return new MemoryHistory(new Settings.History(size, ttl, 1000, maxBytes), clock, "node", (channel, epoch, e) -> {
            delivered.add(channel + " " + epoch + " " + e.offset() + " " + e.data());
            return 1;
        });
    }

    private static HistoryStore.Page read(HistoryStore store, String channel, long after) {
        return store.read(channel, after, Integer.MAX_VALUE).toCompletableFuture().join();
    }

    private static List<Long> offsets(HistoryStore.Page page) {
        return page.entries().stream().map(HistoryStore.Entry::offset).toList();
    }

    private static HistoryStore.Published publish(HistoryStore store, String channel, String data) {
        return store.publish(channel, data).toCompletableFuture().join();
    }

    @Test
    void offsetsCountFromOnePerChannelAndEveryMessageIsDeliveredWithItsOffset() {
        MemoryHistory store = store(10, Duration.ofMinutes(5), 1 << 20);

        HistoryStore.Published a1 = publish(store, "a", "1");
        HistoryStore.Published a2 = publish(store, "a", "2");
        HistoryStore.Published b1 = publish(store, "b", "3");

        assertEquals(1, a1.position().offset());
        assertEquals(2, a2.position().offset());
        assertEquals(1, b1.position().offset());
        assertEquals(1, a1.recipients());
        assertEquals(a1.position().epoch(), a2.position().epoch());
        assertNotEquals(a1.position().epoch(), b1.position().epoch(), "each channel's history is its own incarnation");
        assertTrue(a1.position().epoch().startsWith("node-"));
        String ea = a1.position().epoch();
        assertEquals(List.of("a " + ea + " 1 1", "a " + ea + " 2 2", "b " + b1.position().epoch() + " 1 3"), delivered);
        HistoryStore.Page page = read(store, "a", 0);
        assertEquals(new HistoryStore.Position(2, ea), page.top());
        assertEquals(1, page.oldest());
        assertEquals(List.of(new HistoryStore.Entry(1, "1"), new HistoryStore.Entry(2, "2")), page.entries());
        assertEquals(List.of(2L), offsets(read(store, "a", 1)));
        assertEquals(List.of(), read(store, "a", 2).entries());
    }

    @Test
    void aChannelKeepsItsLastSizeMessagesAndOffsetsAreNeverReused() {
        MemoryHistory store = store(3, Duration.ofMinutes(5), 1 << 20);
        for (int i = 1; i <= 5; i++) {
            publish(store, "a", Integer.toString(i));
        }

        HistoryStore.Page page = read(store, "a", 0);
        assertEquals(List.of(3L, 4L, 5L), offsets(page));
        assertEquals(3, page.oldest());
        assertEquals(5, page.top().offset());
        assertEquals(new HistoryStore.Stats(1, 3, 3, 2, 0, 0), store.stats());
        assertEquals(6, publish(store, "a", "6").position().offset());
    }

    @Test
    void aReadReturnsAtMostLimitMessagesOldestFirst() {
        MemoryHistory store = store(10, Duration.ofMinutes(5), 1 << 20);
        for (int i = 1; i <= 6; i++) {
            publish(store, "a", Integer.toString(i));
        }

        HistoryStore.Page page = store.read("a", 1, 2).toCompletableFuture().join();

        assertEquals(List.of(2L, 3L), offsets(page));
        assertEquals(6, page.top().offset());
    }

    @Test
    void messagesOlderThanTheTtlAreDroppedAndAnIdleEmptyChannelGetsANewEpoch() {
        MemoryHistory store = store(10, Duration.ofSeconds(60), 1 << 20);
        String first = publish(store, "a", "1").position().epoch();
        clock.advance(Duration.ofSeconds(30));
        publish(store, "a", "2");
        clock.advance(Duration.ofSeconds(31));

        HistoryStore.Page page = read(store, "a", 0);
        assertEquals(List.of(2L), offsets(page), "the first is 61 s old, the second 31 s");
        assertEquals(2, page.top().offset());

        clock.advance(Duration.ofSeconds(30));
        store.expire();
        assertEquals(new HistoryStore.Stats(1, 0, 0, 0, 2, 0), store.stats(),
                "empty, but read 30 s ago: the channel's position is kept for a ttl");
        clock.advance(Duration.ofSeconds(31));
        store.expire();
        assertEquals(0, store.stats().channels(), "empty and untouched for a ttl: forgotten");

        HistoryStore.Published again = publish(store, "a", "3");
        assertEquals(1, again.position().offset());
        assertNotEquals(first, again.position().epoch(), "a lost history is a new epoch: offset 1 is not reused within one");
    }

    @Test
    void theNodeWideByteBudgetDropsTheOldestMessagesOfAnyChannel() {
        MemoryHistory store = store(100, Duration.ofMinutes(5), 10);
        publish(store, "a", "\"aa\"");   // 4 bytes
        publish(store, "b", "\"bbb\"");  // 5 bytes
        publish(store, "a", "\"é\"");    // 4 bytes in UTF-8: 13 > 10, so a's first goes

        assertEquals(List.of(2L), offsets(read(store, "a", 0)));
        assertEquals(List.of(1L), offsets(read(store, "b", 0)));
        assertEquals(new HistoryStore.Stats(2, 2, 9, 0, 0, 1), store.stats());

        publish(store, "c", "\"cccccccc\""); // 10 bytes: everything older goes
        assertEquals(new HistoryStore.Stats(3, 1, 10, 0, 0, 3), store.stats());
        assertEquals(List.of(), read(store, "a", 0).entries());
        assertEquals(0, read(store, "a", 0).oldest());
        assertEquals(2, read(store, "a", 0).top().offset(), "the position survives its messages");
    }

    @Test
    void droppedMessagesDoNotPileUpInTheNodeWideOrder() {
        MemoryHistory store = store(1, Duration.ofMinutes(5), 1 << 20);
        for (int i = 0; i < 5000; i++) {
            publish(store, "a", "1");
        }
        assertEquals(new HistoryStore.Stats(1, 1, 1, 4999, 0, 0), store.stats());
        assertEquals(List.of(5000L), offsets(read(store, "a", 0)));
    }

    @Test
    void twoNodesOrRestartsNeverShareAnEpoch() {
        assertNotEquals(MemoryHistory.newNodeEpoch(), MemoryHistory.newNodeEpoch());
        assertThrows(IllegalArgumentException.class,
                () -> new MemoryHistory(new Settings.History(0, Duration.ofMinutes(5), 1, 1), clock, "n", (c, ep, e) -> 0));
    }

    @Test
    void aReadWaitsForAPublishWhoseDeliveryIsUnderWay() throws Exception {
        // a read that saw a message still being delivered could replay it, go live, and then get it
        // again from that delivery: the read must come before the offset is given or after delivery
        java.util.concurrent.CountDownLatch inSink = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        MemoryHistory store = new MemoryHistory(new Settings.History(10, Duration.ofMinutes(5), 1000, 1 << 20), clock, "n",
                (channel, epoch, e) -> {
                    inSink.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException x) {
                        Thread.currentThread().interrupt();
                    }
                    return 0;
                });
        Thread publisher = new Thread(() -> store.publish("a", "1"));
        publisher.start();
        inSink.await();
        java.util.concurrent.CompletableFuture<HistoryStore.Page> page = new java.util.concurrent.CompletableFuture<>();
        Thread reader = new Thread(() -> page.complete(read(store, "a", 0)));
        reader.start();
        while (reader.getState() != Thread.State.BLOCKED && !page.isDone()) {
            Thread.onSpinWait();
        }
        assertTrue(!page.isDone(), "the read went past a delivery under way");
        release.countDown();
        assertEquals(List.of(1L), offsets(page.get(10, java.util.concurrent.TimeUnit.SECONDS)));
        publisher.join();
    }
}
