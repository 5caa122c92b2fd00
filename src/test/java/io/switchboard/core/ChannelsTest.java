package io.switchboard.core;

import static io.switchboard.core.RecordingConnection.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChannelsTest {

    private final FakeClock clock = new FakeClock();
    private final Hub hub = new Hub(TestSettings.with(Map.of(
            "switchboard.send.max-queued-messages", "3",
            "switchboard.send.max-queued-bytes", "1MiB")), clock, TestSettings.codec());

    private ManagedConnection open(Connection transport, String user) {
        return hub.open(transport, new HandshakeInfo("127.0.0.1", "test", user, HeartbeatMode.PROTOCOL));
    }


    @Test
    void subscribePublishAndUnsubscribeAnswerWithTheRequestId() {
        RecordingConnection t = new RecordingConnection();
        ManagedConnection c = open(t, "alice");

        hub.onText(c, "{\"type\":\"subscribe\",\"channel\":\"news.*\",\"id\":1}");
        assertEquals("{\"type\":\"subscribed\",\"channel\":\"news.*\",\"ref\":1}", t.lastSent());

        hub.onText(c, "{\"type\":\"publish\",\"channel\":\"news.sport\",\"data\":{\"score\":[1,2]},\"id\":\"p\"}");
        assertEquals("{\"type\":\"message\",\"channel\":\"news.sport\",\"data\":{\"score\":[1,2]},\"seq\":1}",
                t.sent.get(t.sent.size() - 2));
        assertEquals("{\"type\":\"published\",\"channel\":\"news.sport\",\"ref\":\"p\"}", t.lastSent());
        assertEquals(List.of("news.*"), c.subscriptions());

        hub.onText(c, "{\"type\":\"unsubscribe\",\"channel\":\"news.*\",\"id\":2}");
        assertEquals("{\"type\":\"unsubscribed\",\"channel\":\"news.*\",\"ref\":2}", t.lastSent());
        assertEquals(0, hub.channels().publish("news.sport", "1"));
        assertTrue(hub.channels().isEmpty());
    }

    @Test
    void aRecipientMatchedByManyPatternsGetsEachMessageOnceWithSeqPerChannel() {
        RecordingConnection t = new RecordingConnection();
        ManagedConnection c = open(t, "alice");
        for (String p : List.of("news.sport", "news.*", "news.>", ">")) {
            hub.onText(c, "{\"type\":\"subscribe\",\"channel\":\"" + p + "\"}");
        }
        int before = t.sent.size();

        assertEquals(1, hub.channels().publish("news.sport", "\"a\""));
        assertEquals(1, hub.channels().publish("news.tennis", "\"b\""));
        assertEquals(1, hub.channels().publish("news.sport", "\"c\""));

        List<JsonObject> got = t.sent.subList(before, t.sent.size()).stream().map(RecordingConnection::json).toList();
        assertEquals(3, got.size());
        assertEquals(1, got.get(0).getInt("seq"));
        assertEquals(1, got.get(1).getInt("seq"));
        assertEquals("news.sport", got.get(2).getString("channel"));
        assertEquals(2, got.get(2).getInt("seq"));
    }

    @Test
    void badNamesAndRefusedChannelsGetAnErrorAndTheConnectionStaysOpen() {
        RecordingConnection t = new RecordingConnection();
        ManagedConnection c = open(t, "alice");
        c.restrictChannels(ChannelAccess.only(List.of("public.>")));

        hub.onText(c, "{\"type\":\"subscribe\",\"channel\":\"a..b\",\"id\":1}");
        assertEquals("bad_request", json(t.lastSent()).getString("code"));
        hub.onText(c, "{\"type\":\"publish\",\"channel\":\"news.*\",\"data\":1,\"id\":2}");
        assertEquals("bad_request", json(t.lastSent()).getString("code"));
        hub.onText(c, "{\"type\":\"subscribe\",\"channel\":\"private.x\",\"id\":3}");
        JsonObject forbidden = json(t.lastSent());
        assertEquals("forbidden", forbidden.getString("code"));
        assertEquals(3, forbidden.getInt("ref"));
        hub.onText(c, "{\"type\":\"publish\",\"channel\":\"private.x\",\"data\":1,\"id\":4}");
        assertEquals("forbidden", json(t.lastSent()).getString("code"));
        hub.onText(c, "{\"type\":\"subscribe\",\"channel\":\"public.*\",\"id\":5}");
        assertEquals("subscribed", json(t.lastSent()).getString("type"));
        hub.onText(c, "{\"type\":\"publish\",\"channel\":\"news\"}");
        assertEquals("bad_request", json(t.lastSent()).getString("code"), "publish without data");

        assertEquals(ConnectionState.OPEN, c.state());
        assertTrue(t.closes.isEmpty());
    }

    @Test
    void aSlowConsumerIsClosedWhileOthersOnTheChannelGetEverythingInOrder() {
        HeldConnection slow = new HeldConnection();
        RecordingConnection fast = new RecordingConnection();
        ManagedConnection s = open(slow, "slow");
        ManagedConnection f = open(fast, "fast");
        slow.completeAll();
        hub.onText(s, "{\"type\":\"subscribe\",\"channel\":\"feed\"}");
        hub.onText(f, "{\"type\":\"subscribe\",\"channel\":\"feed\"}");
        slow.completeAll(); // the slow reader has read its welcome and reply, then stops
        int fastBefore = fast.sent.size();

        for (int i = 0; i < 10; i++) {
            hub.channels().publish("feed", Integer.toString(i));
        }

        assertEquals(ConnectionState.CLOSING, s.state());
        assertEquals(1, slow.pendingCount(), "one frame with the transport, nothing else kept");
        assertTrue(slow.closes.isEmpty(), "the close frame waits for the frame in flight");
        int handedOver = slow.sent.size();
        slow.completeOne();
        assertEquals(List.of("1008 slow consumer"), slow.closes);
        assertEquals(handedOver, slow.sent.size(), "nothing more after the frame in flight");
        List<JsonObject> got = fast.sent.subList(fastBefore, fast.sent.size()).stream().map(RecordingConnection::json).toList();
        assertEquals(10, got.size());
        for (int i = 0; i < 10; i++) {
            assertEquals(i, got.get(i).getInt("data"));
            assertEquals(i + 1, got.get(i).getInt("seq"));
        }
    }

    @Test
    void releaseUnsubscribesEverythingAndLaterPublishesReachNobody() {
        RecordingConnection t = new RecordingConnection();
        ManagedConnection c = open(t, "alice");
        hub.onText(c, "{\"type\":\"subscribe\",\"channel\":\"a.>\"}");
        hub.onText(c, "{\"type\":\"subscribe\",\"channel\":\"b\"}");

        hub.onTransportClosed(c, 1000, "");

        assertTrue(hub.channels().isEmpty());
        assertEquals(0, hub.channels().publish("a.x", "1"));
        assertFalse(hub.channels().sendTo(c, "1"));
    }

    @Test
    void directUserAndBroadcastMessagesAreSerialisedOnceWithoutChannelOrSeq() {
        RecordingConnection a1 = new RecordingConnection();
        RecordingConnection a2 = new RecordingConnection();
        RecordingConnection b = new RecordingConnection();
        ManagedConnection c1 = open(a1, "alice");
        open(a2, "alice");
        open(b, "bob");

        assertTrue(hub.channels().sendTo(c1, "{\"x\":1}"));
        assertEquals("{\"type\":\"message\",\"data\":{\"x\":1}}", a1.lastSent());
        assertEquals(2, hub.channels().sendToUser("alice", "\"hi\""));
        assertEquals("{\"type\":\"message\",\"data\":\"hi\"}", a2.lastSent());
        assertEquals(0, hub.channels().sendToUser("carol", "1"));
        assertEquals(3, hub.channels().broadcast("null"));
        assertEquals("{\"type\":\"message\",\"data\":null}", b.lastSent());
        assertTrue(a1.lastSent() == b.lastSent(), "one String for every recipient");
    }

    @Test
    void channelNamesAreEscapedInTheMessage() {
        RecordingConnection t = new RecordingConnection();
        ManagedConnection c = open(t, "alice");
        hub.onText(c, "{\"type\":\"subscribe\",\"channel\":\"q\\\"uote.é\"}");
        assertEquals("subscribed", json(t.lastSent()).getString("type"));
        hub.channels().publish("q\"uote.é", "1");
        assertEquals("q\"uote.é", json(t.lastSent()).getString("channel"));
    }

    @Test
    void aConnectionThatIsNotOpenYetCannotUseChannels() {
        RecordingConnection t = new RecordingConnection();
        ManagedConnection c = open(t, null);

        hub.onText(c, "{\"type\":\"subscribe\",\"channel\":\"news\",\"id\":1}");

        // before in-band auth, anything but auth closes the connection (protocol.md)
        assertEquals(java.util.List.of("1008 auth required"), t.closes);
        assertTrue(hub.channels().isEmpty());
    }

    @Test
    void subscriberCountsArePerPatternAsSubscribedAndForgetReleasedConnections() {
        ManagedConnection a = open(new RecordingConnection(), "alice");
        ManagedConnection b = open(new RecordingConnection(), "bob");
        hub.onText(a, "{\"type\":\"subscribe\",\"channel\":\"news.*\"}");
        hub.onText(a, "{\"type\":\"subscribe\",\"channel\":\"chat.room1\"}");
        hub.onText(b, "{\"type\":\"subscribe\",\"channel\":\"news.*\"}");

        assertEquals(Map.of("news.*", 2, "chat.room1", 1), hub.channels().subscriberCounts());

        hub.onTransportClosed(a, 1000, "");
        assertEquals(Map.of("news.*", 1), hub.channels().subscriberCounts());
    }
}
