package io.switchboard.core;

import static io.switchboard.core.RecordingConnection.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Offsets on channel messages, recovery on subscribe and its merge with the live stream (protocol.md, history). */
class ChannelHistoryTest {

    private final FakeClock clock = new FakeClock();
    private final Settings settings = TestSettings.with(Map.of(
            "switchboard.history.size", "5",
            "switchboard.history.max-recover", "3"));
    private final Hub hub = new Hub(settings, clock, TestSettings.codec());

    private ManagedConnection open(Connection transport) {
        return hub.open(transport, new HandshakeInfo("127.0.0.1", "test", "alice", HeartbeatMode.PROTOCOL));
    }


    /** What {@code t} got after {@code from}, parsed. */
    private static List<JsonObject> after(RecordingConnection t, int from) {
        synchronized (t) {
            return t.sent.subList(from, t.sent.size()).stream().map(RecordingConnection::json).toList();
        }
    }

    private static String since(long offset, String epoch) {
        return ",\"since\":{\"offset\":" + offset + ",\"epoch\":\"" + epoch + "\"}";
    }

    private static List<Integer> data(List<JsonObject> messages) {
        return messages.stream().filter(m -> m.getString("type").equals("message")).map(m -> m.getInt("data")).toList();
    }

    private String epochOf(String channel) {
        return hub.channels().history().read(channel, 0, 0).toCompletableFuture().join().top().epoch();
    }

    @Test
    void channelMessagesCarryOffsetAndEpochWhileDirectMessagesDoNot() {
        RecordingConnection t = new RecordingConnection();
        ManagedConnection c = open(t);
        hub.onText(c, "{\"type\":\"subscribe\",\"channel\":\"news\",\"id\":1}");
        JsonObject subscribed = json(t.lastSent());
        assertEquals(0, subscribed.getInt("offset"));
        assertFalse(subscribed.containsKey("recovered"), "no since, nothing to recover");
        String epoch = subscribed.getString("epoch");

        hub.channels().publish("news", "7");
        hub.channels().publish("news", "8");

        assertEquals("{\"type\":\"message\",\"channel\":\"news\",\"data\":8,\"offset\":2,\"epoch\":\"" + epoch
                + "\",\"seq\":2}", t.lastSent());
        hub.channels().sendTo(c, "1");
        assertEquals("{\"type\":\"message\",\"data\":1}", t.lastSent());
        hub.onText(c, "{\"type\":\"subscribe\",\"channel\":\"news.*\",\"id\":2}");
        assertEquals("{\"type\":\"subscribed\",\"channel\":\"news.*\",\"ref\":2}", t.lastSent(), "a pattern has no position");
    }

    @Test
    void aResubscribeWithSinceGetsExactlyTheMissedMessagesInOrderThenSubscribedThenLive() {
        String epoch = epochOf("news");
        for (int i = 1; i <= 4; i++) {
            hub.channels().publish("news", Integer.toString(i));
        }
        RecordingConnection t = new RecordingConnection();
        ManagedConnection c = open(t);
        int from = t.sent.size();

        hub.onText(c, "{\"type\":\"subscribe\",\"channel\":\"news\",\"id\":9" + since(2, epoch) + "}");
        hub.channels().publish("news", "5");

        List<JsonObject> got = after(t, from);
        assertEquals(List.of(3, 4, 5), data(got));
        assertEquals(List.of(3, 4, 5), got.stream().filter(m -> m.containsKey("offset") && m.getString("type").equals("message"))
                .map(m -> m.getInt("offset")).toList());
        JsonObject subscribed = got.get(2);
        assertEquals("subscribed", subscribed.getString("type"));
        assertTrue(subscribed.getBoolean("recovered"));
        assertEquals(4, subscribed.getInt("offset"));
        assertEquals(epoch, subscribed.getString("epoch"));
        assertEquals(9, subscribed.getInt("ref"));
        assertEquals(1, hub.counters().recoveriesOk());
    }

    @Test
    void aClientThatCannotContinueWithoutAGapIsToldRecoveredFalseWithTheCurrentPosition() {
        String epoch = epochOf("news");
        for (int i = 1; i <= 7; i++) {
            hub.channels().publish("news", Integer.toString(i)); // size 5 keeps 3..7
        }
        RecordingConnection t = new RecordingConnection();
        ManagedConnection c = open(t);
        record Case(String since, String why) { }
        List<Case> cases = List.of(
                new Case(since(1, epoch), "offset 2 is no longer retained"),
                new Case(since(3, epoch), "4 missing is more than max-recover 3"),
                new Case(since(5, "other"), "another epoch"),
                new Case(since(8, epoch), "ahead of the channel"));
        for (Case k : cases) {
            int from = t.sent.size();
            hub.onText(c, "{\"type\":\"subscribe\",\"channel\":\"news\",\"id\":1" + k.since() + "}");
            List<JsonObject> got = after(t, from);
            assertEquals(1, got.size(), k.why());
            assertFalse(got.get(0).getBoolean("recovered"), k.why());
            assertEquals(7, got.get(0).getInt("offset"), k.why());
            assertEquals(epoch, got.get(0).getString("epoch"), k.why());
        }
        int from = t.sent.size();
        hub.onText(c, "{\"type\":\"subscribe\",\"channel\":\"news\",\"id\":1" + since(4, epoch) + "}");
        assertEquals(List.of(5, 6, 7), data(after(t, from)), "3 missing, all retained");
        assertEquals(4, hub.counters().recoveriesFailed());
        assertEquals(1, hub.counters().recoveriesOk());
    }

    @Test
    void aNodeBuiltWithItsClusterLinkAloneKeepsHistoryAsTheShellBuildsIt() {
        Hub built = new Hub(settings, clock, TestSettings.codec(), ClusterLink.alone());
        RecordingConnection t = new RecordingConnection();
        ManagedConnection c = built.open(t, new HandshakeInfo("127.0.0.1", "test", "bob", HeartbeatMode.PROTOCOL));
        built.onText(c, "{\"type\":\"subscribe\",\"channel\":\"news\",\"id\":1}");
        built.channels().publish("news", "1");
        assertTrue(t.lastSent().contains("\"offset\":1"), t.lastSent());
    }

    @Test
    void withHistoryOffMessagesHaveNoOffsetAndASinceIsNotRecovered() {
        Hub off = new Hub(TestSettings.defaults(), clock, TestSettings.codec());
        RecordingConnection t = new RecordingConnection();
        ManagedConnection c = off.open(t, new HandshakeInfo("127.0.0.1", "test", "bob", HeartbeatMode.PROTOCOL));
        off.onText(c, "{\"type\":\"subscribe\",\"channel\":\"news\",\"id\":1}");
        assertEquals("{\"type\":\"subscribed\",\"channel\":\"news\",\"ref\":1}", t.lastSent());
        off.channels().publish("news", "1");
        assertEquals("{\"type\":\"message\",\"channel\":\"news\",\"data\":1,\"seq\":1}", t.lastSent());
        off.onText(c, "{\"type\":\"subscribe\",\"channel\":\"news\",\"id\":2" + since(1, "e") + "}");
        assertEquals("{\"type\":\"subscribed\",\"channel\":\"news\",\"ref\":2,\"recovered\":false}", t.lastSent());
        assertEquals(1, off.counters().recoveriesFailed());
    }

    @Test
    void sinceOnAPatternOrMalformedIsABadRequestAndTheConnectionStaysOpen() {
        RecordingConnection t = new RecordingConnection();
        ManagedConnection c = open(t);
        for (String bad : List.of(
                "{\"type\":\"subscribe\",\"channel\":\"news.*\",\"id\":1" + since(1, "e") + "}",
                "{\"type\":\"subscribe\",\"channel\":\"news\",\"id\":1,\"since\":{\"offset\":-1,\"epoch\":\"e\"}}",
                "{\"type\":\"subscribe\",\"channel\":\"news\",\"id\":1,\"since\":{\"offset\":1.5,\"epoch\":\"e\"}}",
                "{\"type\":\"subscribe\",\"channel\":\"news\",\"id\":1,\"since\":{\"offset\":1}}",
                "{\"type\":\"subscribe\",\"channel\":\"news\",\"id\":1,\"since\":{\"offset\":1,\"epoch\":\"" + "e".repeat(65) + "\"}}")) {
            hub.onText(c, bad);
            JsonObject error = json(t.lastSent());
            assertEquals("bad_request", error.getString("code"), bad);
            assertEquals(1, error.getInt("ref"), bad);
        }
        assertEquals(List.of(), c.subscriptions());
        assertEquals(ConnectionState.OPEN, c.state());
    }

    @Test
    void liveMessagesPublishedWhileTheHistoryIsReadAreMergedByOffsetWithoutGapOrDuplicate() {
        // a store whose reads complete when the test says, as a shared store's would: the publishes
        // below happen between the subscription taking effect and its history arriving
        AtomicReference<HistoryStore> inner = new AtomicReference<>();
        List<CompletableFuture<HistoryStore.Page>> pendingReads = new ArrayList<>();
        List<HistoryStore.Page> readAtRequest = new ArrayList<>();
        Hub delayed = new Hub(settings, clock, TestSettings.codec(), sink -> {
            inner.set(new MemoryHistory(settings.history(), clock, "n", sink));
            return new HistoryStore() {
                public CompletionStage<Published> publish(String channel, String data) {
                    return inner.get().publish(channel, data);
                }

                public CompletionStage<Page> read(String channel, long after, int limit) {
                    readAtRequest.add(inner.get().read(channel, after, limit).toCompletableFuture().join());
                    CompletableFuture<Page> later = new CompletableFuture<>();
                    pendingReads.add(later);
                    return later;
                }

                public void expire() {
                }

                public Stats stats() {
                    return inner.get().stats();
                }
            };
        }, ClusterLink.alone());
        for (int i = 1; i <= 3; i++) {
            delayed.channels().publish("c", Integer.toString(i));
        }
        String epoch = inner.get().read("c", 0, 0).toCompletableFuture().join().top().epoch();
        RecordingConnection t = new RecordingConnection();
        ManagedConnection c = delayed.open(t, new HandshakeInfo("127.0.0.1", "test", "bob", HeartbeatMode.PROTOCOL));
        int from = t.sent.size();

        delayed.onText(c, "{\"type\":\"subscribe\",\"channel\":\"c\",\"id\":1" + since(1, epoch) + "}");
        delayed.channels().publish("c", "4");   // published after the read: held
        delayed.channels().publish("c", "5");
        assertEquals(List.of(), after(t, from), "nothing goes out before the replay");
        // the history as read (before 4 and 5) arrives; a second page read later would hold 4 as well
        pendingReads.get(0).complete(readAtRequest.get(0));
        delayed.channels().publish("c", "6");

        List<JsonObject> got = after(t, from);
        assertEquals(List.of(2, 3, 4, 5, 6), data(got));
        assertEquals("subscribed", got.get(2).getString("type"));
        assertEquals(3, got.get(2).getInt("offset"));

        // and when the page already holds some of the held messages, they go out once
        RecordingConnection t2 = new RecordingConnection();
        ManagedConnection c2 = delayed.open(t2, new HandshakeInfo("127.0.0.1", "test", "carol", HeartbeatMode.PROTOCOL));
        int from2 = t2.sent.size();
        delayed.onText(c2, "{\"type\":\"subscribe\",\"channel\":\"c\",\"id\":2" + since(5, epoch) + "}");
        delayed.channels().publish("c", "7");
        delayed.channels().publish("c", "8");
        pendingReads.get(1).complete(inner.get().read("c", 5, 3).toCompletableFuture().join()); // 6, 7, 8
        List<JsonObject> got2 = after(t2, from2);
        assertEquals(List.of(6, 7, 8), data(got2));
        assertEquals(8, got2.get(3).getInt("offset"));
    }

    @Test
    void aFreshSubscriptionReportsThePositionBeforeTheFirstMessageItWillGet() {
        AtomicReference<HistoryStore> inner = new AtomicReference<>();
        List<CompletableFuture<HistoryStore.Page>> pendingReads = new ArrayList<>();
        Hub delayed = new Hub(settings, clock, TestSettings.codec(), sink -> {
            inner.set(new MemoryHistory(settings.history(), clock, "n", sink));
            return new HistoryStore() {
                public CompletionStage<Published> publish(String channel, String data) {
                    return inner.get().publish(channel, data);
                }

                public CompletionStage<Page> read(String channel, long after, int limit) {
                    CompletableFuture<Page> later = new CompletableFuture<>();
                    pendingReads.add(later);
                    return later;
                }

                public void expire() {
                }

                public Stats stats() {
                    return inner.get().stats();
                }
            };
        }, ClusterLink.alone());
        delayed.channels().publish("c", "1");
        RecordingConnection t = new RecordingConnection();
        ManagedConnection c = delayed.open(t, new HandshakeInfo("127.0.0.1", "test", "bob", HeartbeatMode.PROTOCOL));
        int from = t.sent.size();
        delayed.onText(c, "{\"type\":\"subscribe\",\"channel\":\"c\",\"id\":1}");
        delayed.channels().publish("c", "2");
        delayed.channels().publish("c", "3");
        pendingReads.get(0).complete(inner.get().read("c", Long.MAX_VALUE, 0).toCompletableFuture().join()); // top 3

        List<JsonObject> got = after(t, from);
        assertEquals("subscribed", got.get(0).getString("type"));
        assertEquals(1, got.get(0).getInt("offset"), "2 and 3 follow the reply, so the client is at 1");
        assertEquals(List.of(2, 3), data(got));
    }

    @Test
    void concurrentPublishesAndResubscribesNeverLeaveAGapOrADuplicate() throws Exception {
        Hub big = new Hub(TestSettings.with(Map.of("switchboard.history.size", "100000",
                "switchboard.history.max-recover", "100000", "switchboard.send.max-queued-messages", "1000000",
                "switchboard.send.max-queued-bytes", "1GiB")), clock, TestSettings.codec());
        String epoch = big.channels().history().read("c", 0, 0).toCompletableFuture().join().top().epoch();
        int total = 10_000;
        CountDownLatch started = new CountDownLatch(1);
        Thread publisher = new Thread(() -> {
            started.countDown();
            for (int i = 1; i <= total; i++) {
                big.channels().publish("c", Integer.toString(i));
            }
        });
        publisher.start();
        started.await();
        List<RecordingConnection> transports = new ArrayList<>();
        List<Long> sinces = new ArrayList<>();
        for (int k = 0; k < 40; k++) {
            RecordingConnection t = new RecordingConnection();
            ManagedConnection c = big.open(t, new HandshakeInfo("127.0.0.1", "test", "u" + k, HeartbeatMode.PROTOCOL));
            long at = big.channels().history().read("c", 0, 0).toCompletableFuture().join().top().offset();
            long since = Math.max(0, at - 50);
            transports.add(t);
            sinces.add(since);
            big.onText(c, "{\"type\":\"subscribe\",\"channel\":\"c\"" + since(since, epoch) + "}");
        }
        publisher.join();

        java.util.regex.Pattern offsetField = java.util.regex.Pattern.compile("\\\"offset\\\":(\\d+)");
        for (int k = 0; k < transports.size(); k++) {
            List<String> got;
            synchronized (transports.get(k)) {
                got = List.copyOf(transports.get(k).sent);
            }
            long expected = sinces.get(k) + 1;

            boolean subscribedSeen = false;
            for (String frame : got) {
                if (frame.startsWith("{\"type\":\"subscribed\"")) {
                    JsonObject subscribed = json(frame);
                    assertTrue(subscribed.getBoolean("recovered"));
                    assertEquals(expected - 1, subscribed.getInt("offset"), "subscribed follows the replay");
                    subscribedSeen = true;
                } else if (frame.startsWith("{\"type\":\"message\"")) {
                    java.util.regex.Matcher m = offsetField.matcher(frame);
                    assertTrue(m.find());
                    assertEquals(expected++, Long.parseLong(m.group(1)), "subscriber " + k + " since " + sinces.get(k));
                }
            }
            assertTrue(subscribedSeen);
            assertEquals(total + 1, expected, "subscriber " + k + " got everything to the end");
        }
        assertNotEquals(0, big.counters().recoveriesOk());
    }
}
