package io.switchboard.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.codec.JsonMessageCodec;
import jakarta.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/**
 * A history shared by a cluster (protocol.md, history in a cluster), with a store that numbers and
 * retains like Redis but hands nothing back by itself: the test plays the store's echo by calling
 * {@link Channels#deliverNumbered}, in whatever order and with whatever gaps it wants.
 */
class SharedHistoryTest {

    /** Retains what the test puts in; counts publishes; never delivers (the echo is the test's). */
    private static final class Store implements HistoryStore {
        String epoch = "e1";
        final List<Entry> retained = new ArrayList<>();
        final List<String> published = new ArrayList<>();

        @Override
        public boolean shared() {
            return true;
        }

        @Override
        public CompletionStage<Published> publish(String channel, String data) {
            published.add(data);
            Entry e = new Entry(retained.size() + 1, data);
            retained.add(e);
            return CompletableFuture.completedFuture(new Published(new Position(e.offset(), epoch), 0));
        }

        @Override
        public CompletionStage<Page> read(String channel, long after, int limit) {
            long top = retained.isEmpty() ? 0 : retained.get(retained.size() - 1).offset();
            List<Entry> page = retained.stream().filter(e -> e.offset() > after).limit(limit).toList();
            return CompletableFuture.completedFuture(new Page(new Position(top, epoch),
                    retained.isEmpty() ? 0 : retained.get(0).offset(), page));
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
            "switchboard.history.max-recover", "5")), new FakeClock(), new JsonMessageCodec(), sink -> store,
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
}
