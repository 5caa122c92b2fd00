package io.switchboard.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.codec.JsonMessageCodec;
import jakarta.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * A history shared by a cluster (protocol.md, history in a cluster), with a store that numbers and
 * retains like Redis but hands nothing back by itself: the test plays the store's echo by calling
 * {@link Channels#deliverNumbered}, in whatever order and with whatever gaps it wants.
 */
class SharedHistoryTest {

    /** Retains what the test puts in, per channel; counts publishes; never delivers (the echo is the test's). */
    private static final class Store implements HistoryStore {
        String epoch = "e1";
        final Map<String, List<Entry>> retained = new HashMap<>();
        final List<String> published = new ArrayList<>();
        /** When true, reads wait in {@link #reads} until the test completes them (Redis still answering). */
        boolean deferReads;
        final List<Runnable> reads = new ArrayList<>();
        /** Reads waiting in {@link #reads} fail instead of answering (Redis did not answer in time). */
        boolean failReads;
        /** With deferred reads: once this many wait, they are all answered (Redis answering a pipeline). */
        int answerWhenWaiting = Integer.MAX_VALUE;
        /** The longest each read was waited for, in milliseconds, in the order the reads were sent. */
        final List<Long> waits = new ArrayList<>();

        @Override
        public boolean shared() {
            return true;
        }

        @Override
        public CompletionStage<Published> publish(String channel, String data) {
            published.add(data);
            List<Entry> kept = retained.computeIfAbsent(channel, k -> new ArrayList<>());
            Entry e = new Entry(kept.size() + 1, data);
            kept.add(e);
            return CompletableFuture.completedFuture(new Published(new Position(e.offset(), epoch), 0));
        }

        @Override
        public CompletionStage<Page> read(String channel, long after, int limit) {
            int number = waits.size();
            waits.add(0L);
            CompletableFuture<Page> later = new CompletableFuture<>() {
                @Override
                public Page get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
                    waits.set(number, Math.max(waits.get(number), unit.toMillis(timeout)));
                    return super.get(timeout, unit);
                }
            };
            if (!deferReads) {
                later.complete(readNow(channel, after, limit));
                return later;
            }
            reads.add(() -> {
                if (failReads) {
                    later.completeExceptionally(new ClusterUnavailableException("Redis did not answer"));
                } else {
                    later.complete(readNow(channel, after, limit));
                }
            });
            if (reads.size() >= answerWhenWaiting) {
                answerReads();
            }
            return later;
        }

        Page readNow(String channel, long after, int limit) {
            List<Entry> kept = retained.getOrDefault(channel, List.of());
            long top = kept.isEmpty() ? 0 : kept.get(kept.size() - 1).offset();
            List<Entry> page = kept.stream().filter(e -> e.offset() > after).limit(limit).toList();
            return new Page(new Position(top, epoch), kept.isEmpty() ? 0 : kept.get(0).offset(), page);
        }

        void answerReads() {
            List<Runnable> now = new ArrayList<>(reads);
            reads.clear();
            now.forEach(Runnable::run);
        }

        @Override
        public void expire() {
        }

        @Override
        public Stats stats() {
            return new Stats(0, 0, 0, 0, 0, 0);
        }
    }

    private final Store store = new Store();
    private final Hub hub = new Hub(TestSettings.with(Map.of("switchboard.history.size", "100",
            "switchboard.history.max-recover", "5", "switchboard.cluster.redis-timeout", "300ms")), new FakeClock(), new JsonMessageCodec(), sink -> store,
            ClusterLink.alone());

    private RecordingConnection subscriber(String channel) {
        RecordingConnection t = new RecordingConnection();
        ManagedConnection c = hub.open(t, new HandshakeInfo("127.0.0.1", "test", "alice", HeartbeatMode.PROTOCOL));
        hub.onText(c, "{\"type\":\"subscribe\",\"channel\":\"" + channel + "\",\"id\":1}");
        return t;
    }

    private static List<String> since(RecordingConnection t, int from) {
        synchronized (t) {
            List<String> out = new ArrayList<>();
            for (String text : t.sent.subList(from, t.sent.size())) {
                JsonObject m = RecordingConnection.json(text);
                String type = m.getString("type");
                out.add(type.equals("message") ? m.getInt("offset") + ":" + m.get("data") : type);
            }
            return out;
        }
    }

    private int size(RecordingConnection t) {
        synchronized (t) {
            return t.sent.size();
        }
    }

    @Test
    void aClientPublishIsStoredAndAnsweredButDeliveredOnlyWhenItComesBack() {
        RecordingConnection t = subscriber("news");
        int from = size(t);
        hub.onText(hub.registry().all().iterator().next(), "{\"type\":\"publish\",\"channel\":\"news\",\"data\":7,\"id\":2}");
        assertEquals(List.of("7"), store.published);
        assertEquals(List.of("published"), since(t, from), "no delivery from the publish itself");
        hub.channels().deliverNumbered("news", "e1", 1, "7");
        assertEquals(List.of("published", "1:7"), since(t, from));
    }

    @Test
    void copiesOfAMessageThroughSeveralTopicsAreDeliveredOnce() {
        RecordingConnection t = subscriber("news");
        int from = size(t);
        hub.channels().deliverNumbered("news", "e1", 1, "1");
        hub.channels().deliverNumbered("news", "e1", 1, "1");
        hub.channels().deliverNumbered("news", "e1", 2, "2");
        assertEquals(List.of("1:1", "2:2"), since(t, from));
    }

    @Test
    void aGapStillRetainedIsFilledFromTheStoreInOrder() {
        RecordingConnection t = subscriber("news");
        for (int i = 1; i <= 4; i++) {
            store.publish("news", Integer.toString(i));
        }
        int from = size(t);
        hub.channels().deliverNumbered("news", "e1", 1, "1");
        hub.channels().deliverNumbered("news", "e1", 4, "4");
        hub.channels().deliverNumbered("news", "e1", 3, "3");
        assertEquals(List.of("1:1", "2:2", "3:3", "4:4"), since(t, from));
    }

    @Test
    void aGapThatCannotBeFilledSendsResyncThenGoesOn() {
        RecordingConnection t = subscriber("news");
        int from = size(t);
        hub.channels().deliverNumbered("news", "e1", 1, "1");
        hub.channels().deliverNumbered("news", "e1", 9, "9"); // the store never retained 2..8
        assertEquals(List.of("1:1", "resync", "9:9"), since(t, from));
    }

    @Test
    void whatAChannelMissedWhileTheLinkWasDownIsDeliveredWhenItComesBackWithoutWaitingForItsNextMessage() {
        RecordingConnection t = subscriber("news");
        for (int i = 1; i <= 4; i++) {
            store.publish("news", Integer.toString(i));
        }
        int from = size(t);
        hub.channels().deliverNumbered("news", "e1", 1, "1");
        // 2..4 were published while pub/sub was not delivering to this node; nothing follows them
        hub.channels().catchUpNumbered();
        assertEquals(List.of("1:1", "2:2", "3:3", "4:4"), since(t, from));
        hub.channels().deliverNumbered("news", "e1", 4, "4"); // a copy that was still on its way
        store.publish("news", "5");
        hub.channels().deliverNumbered("news", "e1", 5, "5");
        assertEquals(List.of("1:1", "2:2", "3:3", "4:4", "5:5"), since(t, from));
    }

    /** What a subscriber of news that got message 1 is sent by the catch-up after {@code whileDown} happened. */
    private List<String> caughtUpAfter(Runnable whileDown) {
        RecordingConnection t = subscriber("news");
        store.publish("news", "1");
        int from = size(t);
        hub.channels().deliverNumbered("news", "e1", 1, "1");
        whileDown.run();
        hub.channels().catchUpNumbered();
        return since(t, from);
    }

    @Test
    void aChannelThatMissedNothingGetsNothingWhenTheLinkComesBack() {
        assertEquals(List.of("1:1"), caughtUpAfter(() -> { }));
    }

    @Test
    void moreMissedThanMaxRecoverWhileTheLinkWasDownIsAResyncNotASilentGap() {
        assertEquals(List.of("1:1", "resync"), caughtUpAfter(() -> {
            for (int i = 2; i <= 9; i++) {
                store.publish("news", Integer.toString(i)); // 8 missed: more than max-recover (5)
            }
        }));
    }

    @Test
    void aHistoryLostWhileTheLinkWasDownIsAResync() {
        assertEquals(List.of("1:1", "resync"), caughtUpAfter(() -> store.epoch = "e2")); // Redis restarted empty
    }

    @Test
    void aStoreThatDoesNotAnswerTheCatchUpIsAResync() {
        // never answered: the catch-up gives up after the store's timeout
        assertEquals(List.of("1:1", "resync"), caughtUpAfter(() -> store.deferReads = true));
    }

    /**
     * One connection subscribed to each of {@code channels}, which all got message 1 live and then
     * missed 2 and 3 while the link was down.
     */
    private RecordingConnection missedTwoOfEach(List<String> channels) {
        RecordingConnection t = new RecordingConnection();
        ManagedConnection c = hub.open(t, new HandshakeInfo("127.0.0.1", "test", "carol", HeartbeatMode.PROTOCOL));
        for (String channel : channels) {
            hub.onText(c, "{\"type\":\"subscribe\",\"channel\":\"" + channel + "\",\"id\":1}");
            store.publish(channel, "1");
            hub.channels().deliverNumbered(channel, "e1", 1, "1");
        }
        for (String channel : channels) {
            store.publish(channel, "2");
            store.publish(channel, "3");
        }
        return t;
    }

    /** What {@code t} was sent since {@code from}, by channel: offset:data of its messages, resync. */
    private static Map<String, List<String>> byChannel(RecordingConnection t, int from) {
        synchronized (t) {
            Map<String, List<String>> out = new HashMap<>();
            for (String text : t.sent.subList(from, t.sent.size())) {
                JsonObject m = RecordingConnection.json(text);
                String type = m.getString("type");
                out.computeIfAbsent(m.getString("channel", "(none)"), k -> new ArrayList<>())
                        .add(type.equals("message") ? m.getInt("offset") + ":" + m.get("data") : type);
            }
            return out;
        }
    }

    /** Each of {@code channels} mapped to {@code sent}. */
    private static Map<String, List<String>> each(List<String> channels, List<String> sent) {
        Map<String, List<String>> out = new HashMap<>();
        channels.forEach(channel -> out.put(channel, sent));
        return out;
    }

    @Test
    void theCatchUpAsksTheStoreForEveryChannelBeforeWaitingForTheFirstAnswer() {
        List<String> channels = List.of("news", "sport", "weather");
        RecordingConnection t = missedTwoOfEach(channels);
        int from = size(t);
        store.deferReads = true;
        store.answerWhenWaiting = channels.size(); // a store that answers only once all three are asked
        assertEquals(new ClusterRouter.CaughtUp(3, 3, 0), hub.channels().catchUpNumbered());
        assertEquals(each(channels, List.of("2:2", "3:3")), byChannel(t, from));
    }

    @Test
    void aCatchUpOfMoreChannelsThanItsReadsInFlightCatchesEveryOneUp() {
        List<String> channels = IntStream.range(0, Channels.CATCH_UP_READS * 2 + 7).mapToObj(i -> "c" + i).toList();
        RecordingConnection t = missedTwoOfEach(channels);
        int from = size(t);
        assertEquals(new ClusterRouter.CaughtUp(channels.size(), channels.size(), 0), hub.channels().catchUpNumbered());
        assertEquals(each(channels, List.of("2:2", "3:3")), byChannel(t, from));
    }

    @Test
    void aStoreThatAnswersNoneOfTheCatchUpsReadsIsWaitedForOnceAndEveryChannelIsResynced() {
        List<String> channels = List.of("news", "sport", "weather");
        RecordingConnection t = missedTwoOfEach(channels);
        int from = size(t);
        store.deferReads = true; // never answered
        assertEquals(new ClusterRouter.CaughtUp(3, 0, 3), hub.channels().catchUpNumbered());
        assertEquals(each(channels, List.of("resync")), byChannel(t, from));
        // the three reads went out together: once the first had its 300 ms, the others had them too
        assertEquals(List.of(300L, 0L, 0L), store.waits.subList(store.waits.size() - 3, store.waits.size()));
    }

    @Test
    void aNewEpochSendsResyncBeforeItsFirstMessage() {
        RecordingConnection t = subscriber("news");
        int from = size(t);
        hub.channels().deliverNumbered("news", "e1", 5, "5");
        hub.channels().deliverNumbered("news", "e2", 1, "1");
        assertEquals(List.of("5:5", "resync", "1:1"), since(t, from));
    }

    @Test
    void aLiveCopyOfAMessageTheReplayAlreadySentIsDropped() {
        for (int i = 1; i <= 3; i++) {
            store.publish("news", Integer.toString(i));
        }
        RecordingConnection t = new RecordingConnection();
        ManagedConnection c = hub.open(t, new HandshakeInfo("127.0.0.1", "test", "alice", HeartbeatMode.PROTOCOL));
        int from = size(t);
        hub.onText(c, "{\"type\":\"subscribe\",\"channel\":\"news\",\"id\":1,\"since\":{\"offset\":1,\"epoch\":\"e1\"}}");
        // 3 was still on its way from the store when the replay read it
        hub.channels().deliverNumbered("news", "e1", 3, "3");
        hub.channels().deliverNumbered("news", "e1", 4, "4");
        assertEquals(List.of("2:2", "3:3", "subscribed", "4:4"), since(t, from));
        assertTrue(RecordingConnection.json(t.sent.get(from + 2)).getBoolean("recovered"));
    }

    /**
     * A client moved from a node that was ahead to one that is behind the store (drain-move): the new
     * node's live stream still has to deliver what the client already got. The client gets each
     * message once, and its position never goes back.
     */
    @Test
    void aClientMovedToANodeBehindItGetsEveryMessageOnceAndNoEarlierPosition() {
        RecordingConnection other = subscriber("news");
        for (int i = 1; i <= 20; i++) {
            store.publish("news", Integer.toString(i));
        }
        for (int i = 1; i <= 5; i++) {
            hub.channels().deliverNumbered("news", "e1", i, Integer.toString(i)); // this node is at 5
        }
        store.deferReads = true;
        RecordingConnection t = new RecordingConnection();
        ManagedConnection c = hub.open(t, new HandshakeInfo("127.0.0.1", "test", "bob", HeartbeatMode.PROTOCOL));
        int from = size(t);
        // the client saw up to 12 on its old node; 20 are stored, more than max-recover (5) after 12
        hub.onText(c, "{\"type\":\"subscribe\",\"channel\":\"news\",\"id\":1,\"since\":{\"offset\":12,\"epoch\":\"e1\"}}");
        for (int i = 6; i <= 14; i++) {
            hub.channels().deliverNumbered("news", "e1", i, Integer.toString(i)); // held while the store is read
        }
        store.answerReads();
        for (int i = 15; i <= 16; i++) {
            hub.channels().deliverNumbered("news", "e1", i, Integer.toString(i));
        }
        assertEquals(List.of("subscribed", "13:13", "14:14", "15:15", "16:16"), since(t, from));
        JsonObject subscribed = RecordingConnection.json(t.sent.get(from));
        assertTrue(subscribed.getBoolean("recovered"), "nothing is missing: the live stream here covers 13 onwards");
        assertEquals(12, subscribed.getInt("offset"));
        assertEquals(16, since(other, 0).stream().filter(m -> m.contains(":")).count(), since(other, 0).toString());
    }

    /** The replay covers only the messages between the client's position and the first one held live. */
    @Test
    void aMovedClientIsReplayedOnlyUpToTheFirstLiveMessageHeldForIt() {
        for (int i = 1; i <= 20; i++) {
            store.publish("news", Integer.toString(i));
        }
        subscriber("news");
        for (int i = 1; i <= 14; i++) {
            hub.channels().deliverNumbered("news", "e1", i, Integer.toString(i));
        }
        store.deferReads = true;
        RecordingConnection t = new RecordingConnection();
        ManagedConnection c = hub.open(t, new HandshakeInfo("127.0.0.1", "test", "bob", HeartbeatMode.PROTOCOL));
        int from = size(t);
        hub.onText(c, "{\"type\":\"subscribe\",\"channel\":\"news\",\"id\":1,\"since\":{\"offset\":12,\"epoch\":\"e1\"}}");
        hub.channels().deliverNumbered("news", "e1", 15, "15");
        store.answerReads();
        hub.channels().deliverNumbered("news", "e1", 16, "16");
        assertEquals(List.of("13:13", "14:14", "subscribed", "15:15", "16:16"), since(t, from));
        assertEquals(14, RecordingConnection.json(t.sent.get(from + 2)).getInt("offset"));
    }

    /**
     * A subscribe answered with {@code error} is not a subscription: nothing of the channel follows,
     * so the client (which forgets a refused channel) and the server agree.
     */
    @Test
    void aSubscribeWhoseHistoryCannotBeReadLeavesNoSubscriptionBehind() {
        store.deferReads = true;
        store.failReads = true;
        RecordingConnection t = new RecordingConnection();
        ManagedConnection c = hub.open(t, new HandshakeInfo("127.0.0.1", "test", "bob", HeartbeatMode.PROTOCOL));
        int from = size(t);
        hub.onText(c, "{\"type\":\"subscribe\",\"channel\":\"news\",\"id\":1,\"since\":{\"offset\":2,\"epoch\":\"e1\"}}");
        hub.channels().deliverNumbered("news", "e1", 3, "3");
        store.answerReads();
        hub.channels().deliverNumbered("news", "e1", 4, "4");
        assertEquals(List.of("error"), since(t, from));
        assertTrue(c.subscriptions().isEmpty());
        assertTrue(hub.channels().isEmpty());
    }
}
