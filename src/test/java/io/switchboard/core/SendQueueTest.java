package io.switchboard.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class SendQueueTest {

    private final HeldConnection transport = new HeldConnection();
    private final SendQueue queue = new SendQueue(transport);
    private final List<String> written = new ArrayList<>();

    private SendQueue.OfferResult offer(String text, int maxMessages, long maxBytes) {
        return queue.offer(text, text.length(), maxMessages, maxBytes, (bytes, failure) -> {
            if (failure == null) {
                written.add(text);
            }
        });
    }

    @Test
    void oneFrameIsWithTheTransportAtATimeAndTheRestWaitInOrder() {
        for (int i = 0; i < 5; i++) {
            assertEquals(SendQueue.OfferResult.ACCEPTED, offer("m" + i, 10, 1000));
        }
        assertEquals(List.of("m0"), transport.sent);
        assertEquals(4, queue.queuedMessages());
        assertEquals(8, queue.queuedBytes());

        transport.completeAll();

        assertEquals(List.of("m0", "m1", "m2", "m3", "m4"), transport.sent);
        assertEquals(transport.sent, written);
        assertEquals(0, queue.queuedMessages());
        assertEquals(0, queue.queuedBytes());
    }

    @Test
    void aTransportThatCompletesAtOnceGetsEveryFrameWithoutRecursion() {
        RecordingConnection instant = new RecordingConnection();
        SendQueue q = new SendQueue(instant);
        for (int i = 0; i < 100_000; i++) {
            q.offer("m" + i, 2, 10, 100, (b, f) -> { });
        }
        assertEquals(100_000, instant.sent.size());
        assertEquals("m99999", instant.lastSent());
    }

    @Test
    void tooManyWaitingMessagesOverflowsAndShutsTheQueue() {
        offer("in-flight", 3, 1000);
        assertEquals(SendQueue.OfferResult.ACCEPTED, offer("a", 3, 1000));
        assertEquals(SendQueue.OfferResult.ACCEPTED, offer("b", 3, 1000));
        assertEquals(SendQueue.OfferResult.ACCEPTED, offer("c", 3, 1000));

        assertEquals(SendQueue.OfferResult.OVERFLOW, offer("d", 3, 1000));
        assertEquals(0, queue.queuedMessages(), "what waited is dropped, not kept for a peer that does not read");
        assertEquals(SendQueue.OfferResult.SHUT, offer("e", 3, 1000));

        transport.completeAll();
        assertEquals(List.of("in-flight"), transport.sent);
    }

    @Test
    void tooManyWaitingBytesOverflows() {
        offer("in-flight", 100, 10);
        assertEquals(SendQueue.OfferResult.ACCEPTED, offer("12345", 100, 10));
        assertEquals(SendQueue.OfferResult.ACCEPTED, offer("67890", 100, 10));
        assertEquals(SendQueue.OfferResult.OVERFLOW, offer("x", 100, 10));
    }

    @Test
    void aShutQueueDropsWhatWaitsAndRefusesMore() {
        offer("a", 10, 100);
        offer("b", 10, 100);
        queue.shut();
        transport.completeAll();
        assertEquals(List.of("a"), transport.sent);
        assertEquals(SendQueue.OfferResult.SHUT, offer("c", 10, 100));
    }

    @Test
    void channelMessagesGetConsecutiveSeqsPerChannel() {
        PreparedMessage m = PreparedMessage.sequenced("{\"seq\":", "}");
        for (String channel : List.of("a", "b", "a", "a", "b")) {
            queue.offer(channel, m, 100, 10_000, (b, f) -> { });
        }
        transport.completeAll();
        assertEquals(List.of("{\"seq\":1}", "{\"seq\":1}", "{\"seq\":2}", "{\"seq\":3}", "{\"seq\":2}"), transport.sent);
    }

    @Test
    void concurrentProducersKeepEachOnesOrderAndSeqsFollowDeliveryOrder() throws Exception {
        RecordingConnection instant = new RecordingConnection();
        SendQueue q = new SendQueue(instant);
        int perThread = 20_000;
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            PreparedMessage m = PreparedMessage.sequenced("t" + t + ":", "");
            Thread thread = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < perThread; i++) {
                    q.offer("ch", m, Integer.MAX_VALUE, Long.MAX_VALUE, (b, f) -> { });
                }
            });
            thread.start();
            threads.add(thread);
        }
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        List<String> sent;
        synchronized (instant) {
            sent = new ArrayList<>(instant.sent);
        }
        assertEquals(3 * perThread, sent.size());
        for (int i = 0; i < sent.size(); i++) {
            assertTrue(sent.get(i).endsWith(":" + (i + 1)), "frame " + i + " is " + sent.get(i));
        }
    }
}
