package io.switchboard.core;

import static io.switchboard.core.RecordingConnection.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Routing between nodes through the cluster port, with three hubs on an in-memory bus and a fake clock. */
class ClusterRoutingTest {

    private final FakeClock clock = new FakeClock();
    private final FakeClusterBus bus = new FakeClusterBus();
    private final FakeClusterBus.Link linkA = bus.link("a");
    private final FakeClusterBus.Link linkB = bus.link("b");
    private final FakeClusterBus.Link linkC = bus.link("c");
    private final Hub a = node("a", linkA);
    private final Hub b = node("b", linkB);
    private final Hub c = node("c", linkC);

    private Hub node(String id, FakeClusterBus.Link link) {
        return FakeClusterBus.startedNode(id, link, clock);
    }

    private static ManagedConnection open(Hub hub, RecordingConnection t, String user) {
        return hub.open(t, new HandshakeInfo("127.0.0.1", "test", user, HeartbeatMode.PROTOCOL));
    }


    private static List<JsonObject> messages(RecordingConnection t) {
        return t.sent.stream().map(RecordingConnection::json).filter(j -> j.getString("type").equals("message")).toList();
    }

    private void subscribe(Hub hub, ManagedConnection conn, String pattern) {
        hub.onText(conn, "{\"type\":\"subscribe\",\"channel\":\"" + pattern + "\"}");
        bus.pump();
    }

    @Test
    void aPublishOnOneNodeReachesSubscribersOnAnotherAndOnlyNodesWithSubscribersReceiveIt() {
        RecordingConnection onB = new RecordingConnection();
        subscribe(b, open(b, onB, "bob"), "news.sport");
        RecordingConnection onC = new RecordingConnection();
        open(c, onC, "carol");
        List<String> cBefore = List.copyOf(linkC.traffic());

        RecordingConnection onA = new RecordingConnection();
        ManagedConnection publisher = open(a, onA, "alice");
        a.onText(publisher, "{\"type\":\"publish\",\"channel\":\"news.sport\",\"data\":{\"goal\":1},\"id\":7}");
        assertEquals(0, a.channels().publish("news.sport", "2"), "no subscriber on a itself");
        bus.pump();

        List<JsonObject> got = messages(onB);
        assertEquals(2, got.size());
        assertEquals("{\"goal\":1}", got.get(0).get("data").toString());
        assertEquals(1, got.get(0).getInt("seq"));
        assertEquals(2, got.get(1).getInt("seq"));
        assertEquals(cBefore, linkC.traffic(), "node c has no subscriber and must receive nothing of it");
        assertEquals("published", json(onA.lastSent()).getString("type"));
    }

    @Test
    void wildcardsMatchAcrossNodesAndARecipientMatchedTwiceGetsTheMessageOnce() {
        RecordingConnection onB = new RecordingConnection();
        ManagedConnection bob = open(b, onB, "bob");
        subscribe(b, bob, "news.*");
        subscribe(b, bob, "news.sport");
        RecordingConnection onC = new RecordingConnection();
        subscribe(c, open(c, onC, "carol"), "news.>");

        a.channels().publish("news.sport", "\"x\"");
        a.channels().publish("weather.today", "\"y\"");
        bus.pump();

        assertEquals(1, messages(onB).size());
        assertEquals(1, messages(onC).size());
        // the publisher named exactly the topics with subscribers: the channel and the two patterns
        assertTrue(linkA.published.containsAll(List.of("c:news.sport", "p:news.*", "p:news.>")), linkA.published.toString());
        assertTrue(linkA.published.stream().noneMatch(t -> t.startsWith("p:") && !t.startsWith("p:news")), linkA.published.toString());
    }

    @Test
    void onePublishersMessagesArriveInOrderOnEveryNode() {
        RecordingConnection onB = new RecordingConnection();
        subscribe(b, open(b, onB, "bob"), "feed.*");
        RecordingConnection onC = new RecordingConnection();
        subscribe(c, open(c, onC, "carol"), "feed.one");

        IntStream.rangeClosed(1, 50).forEach(i -> a.channels().publish("feed.one", Integer.toString(i)));
        bus.pump();

        for (RecordingConnection t : List.of(onB, onC)) {
            List<Integer> data = messages(t).stream().map(j -> j.getInt("data")).toList();
            assertEquals(IntStream.rangeClosed(1, 50).boxed().toList(), data);
        }
    }

    @Test
    void userMessagesAndBroadcastsReachEveryNode() {
        RecordingConnection bobOnB = new RecordingConnection();
        open(b, bobOnB, "bob");
        RecordingConnection bobOnC = new RecordingConnection();
        open(c, bobOnC, "bob");
        RecordingConnection carol = new RecordingConnection();
        open(c, carol, "carol");
        bus.pump();

        assertEquals(0, a.channels().sendToUser("bob", "\"hi\""));
        a.channels().broadcast("\"all\"");
        bus.pump();

        assertEquals(List.of("\"hi\"", "\"all\""), messages(bobOnB).stream().map(j -> j.get("data").toString()).toList());
        assertEquals(2, messages(bobOnC).size());
        assertEquals(1, messages(carol).size());
        assertTrue(linkA.traffic().stream().noneMatch(t -> t.startsWith("u:")), "a has no connection of bob");
    }

    @Test
    void aConnectionOnAnotherNodeCanBeMessagedAskedToReconnectAndClosed() {
        RecordingConnection t = new RecordingConnection();
        ManagedConnection bob = open(b, t, "bob");
        bus.pump();

        assertEquals(ClusterRouter.Outcome.FORWARDED, a.cluster().toConnection(bob.id(), "\"direct\""));
        assertEquals(ClusterRouter.Outcome.FORWARDED, a.cluster().reconnect(bob.id(), "moving", 250, "ws://c.example/ws"));
        bus.pump();
        assertEquals("\"direct\"", messages(t).get(0).get("data").toString());
        JsonObject reconnect = json(t.lastSent());
        assertEquals("reconnect", reconnect.getString("type"));
        assertEquals("ws://c.example/ws", reconnect.getString("url"));
        assertEquals(250, reconnect.getInt("afterMs"));

        assertEquals(ClusterRouter.Outcome.FORWARDED, a.cluster().close(bob.id(), Disconnect.byOperator(4000, "bye")));
        bus.pump();
        assertEquals(List.of("4000 bye"), t.closes);
        assertEquals(ClusterRouter.Outcome.NOT_FOUND, a.cluster().toConnection("no-such-id", "1"));
    }

    @Test
    void theRegistryFindsAndListsEveryNodesConnections() {
        ManagedConnection bob = open(b, new RecordingConnection(), "bob");
        clock.advance(java.time.Duration.ofSeconds(1));
        ManagedConnection carol = open(c, new RecordingConnection(), "carol");

        ClusterConnection found = a.cluster().find(bob.id()).orElseThrow();
        assertEquals("b", found.node());
        assertEquals("bob", found.userId());
        assertEquals("127.0.0.1", found.ip());
        assertEquals(List.of(bob.id(), carol.id()), a.cluster().all(100).stream().map(ClusterConnection::id).toList());

        c.onTransportClosed(carol, 1000, "");
        assertEquals(List.of(bob.id()), a.cluster().all(100).stream().map(ClusterConnection::id).toList());
    }

    @Test
    void subscriptionsAreCountedSoEachTopicIsAskedForOnce() {
        ManagedConnection one = open(b, new RecordingConnection(), "u1");
        ManagedConnection two = open(b, new RecordingConnection(), "u2");
        subscribe(b, one, "room.*");
        subscribe(b, two, "room.*");
        assertEquals(1, linkB.subscribeCalls.stream().filter("p:room.*"::equals).count());

        b.onText(one, "{\"type\":\"unsubscribe\",\"channel\":\"room.*\"}");
        assertTrue(linkB.unsubscribeCalls.isEmpty());
        b.onTransportClosed(two, 1000, "");
        assertEquals(List.of("p:room.*", "u:u2"), linkB.unsubscribeCalls);
        bus.pump();

        // the other nodes forgot the pattern: a publish names no pattern topic any more
        linkA.published.clear();
        a.channels().publish("room.1", "1");
        assertEquals(List.of("c:room.1"), linkA.published);
    }

    @Test
    void whenTheClusterCannotBeReachedAPublishFailsWholeAndLocalDeliveryOfOthersGoesOn() {
        RecordingConnection local = new RecordingConnection();
        ManagedConnection alice = open(a, local, "alice");
        subscribe(a, alice, "news.sport");
        linkA.available = false;

        assertThrows(ClusterUnavailableException.class, () -> a.channels().publish("news.sport", "1"));
        assertThrows(ClusterUnavailableException.class, () -> a.channels().broadcast("1"));
        a.onText(alice, "{\"type\":\"publish\",\"channel\":\"news.sport\",\"data\":2,\"id\":3}");
        JsonObject error = json(local.lastSent());
        assertEquals("unavailable", error.getString("code"));
        assertEquals(3, error.getInt("ref"));
        assertEquals(0, messages(local).size(), "no part of the cluster gets a message the cluster could not carry");
        assertTrue(a.channels().sendTo(alice, "\"direct\""), "messages for one local connection need no cluster");
        assertEquals(3, a.cluster().stats().unavailable());
    }

    @Test
    void aNodeAloneNeedsNothingAndBehavesAsBefore() {
        Hub alone = new Hub(TestSettings.defaults(), clock, TestSettings.codec());
        alone.cluster().start();
        RecordingConnection t = new RecordingConnection();
        ManagedConnection x = open(alone, t, "x");
        alone.onText(x, "{\"type\":\"subscribe\",\"channel\":\"a.*\",\"id\":1}");
        assertEquals("subscribed", json(t.lastSent()).getString("type"));
        assertEquals(1, alone.channels().publish("a.b", "1"));
        assertEquals(ClusterRouter.Outcome.NOT_FOUND, alone.cluster().toConnection("nope", "1"));
        assertEquals(false, alone.cluster().isClustered());
    }

    private void tickAll() {
        for (Hub h : List.of(a, b, c)) {
            h.cluster().tick();
        }
        bus.pump();
    }

    @Test
    void aSubscriptionThatSilentlyStopsDeliveringIsDetectedByTheProbeAndRenewed() {
        tickAll();
        assertTrue(b.cluster().isAvailable());
        linkB.delivering = false;

        tickAll(); // a probe goes out and does not come back
        clock.advance(java.time.Duration.ofMillis(2001));
        tickAll();
        assertEquals(false, b.cluster().isAvailable());
        assertEquals("pub/sub probe lost", b.cluster().unavailableReason());
        assertEquals(1, linkB.renewals);
        assertEquals(1, b.cluster().stats().probesLost());
        assertTrue(b.gatekeeper().checkHandshake("10.0.0.1", null, null).refusal() == Admission.Refusal.CLUSTER_UNAVAILABLE);

        linkB.delivering = true;
        tickAll();
        assertTrue(b.cluster().isAvailable());
    }

    @Test
    void aLinkThatComesBackResubscribesThenMarksWhereItsStreamIsWholeAgain() {
        subscribe(b, open(b, new RecordingConnection(), "bob"), "news.sport");
        bus.pump();
        int from = linkB.published.size();
        linkB.receiver.linkUp(); // Redis reachable again
        List<Character> kinds = new java.util.ArrayList<>();
        for (int i = from; i < linkB.published.size(); i++) {
            if (linkB.published.get(i).equals(ClusterRouter.nodeTopic("b"))) {
                kinds.add(Envelope.decode(linkB.payloads.get(i)).kind());
            }
        }
        // on its own topic, after every topic was subscribed again: the marker after which the node
        // reads what its channels missed from the shared history
        assertEquals(List.of(Envelope.RESUBSCRIBED), kinds);
    }

    @Test
    void aProbeLateBehindOtherTrafficIsNotLostAndTheLinkIsNotRenewedUntilNodeTimeout() {
        RecordingConnection onB = new RecordingConnection();
        subscribe(b, open(b, onB, "bob"), "news.sport");
        tickAll();
        assertTrue(b.cluster().isAvailable());
        linkB.holding = ClusterRouter.nodeTopic("b"); // b's probe waits in the broker behind a burst

        tickAll(); // the probe goes out
        for (int second = 1; second <= 9; second++) {
            clock.advance(java.time.Duration.ofSeconds(1));
            a.channels().publish("news.sport", Integer.toString(second)); // b keeps receiving other traffic
            tickAll();
            assertTrue(b.cluster().isAvailable(), "second " + second + ": late, not lost");
        }
        assertEquals(0, linkB.renewals);
        assertEquals(9, messages(onB).size(), "nothing in flight was thrown away");
        linkB.release();
        tickAll();
        assertTrue(b.cluster().isAvailable());
        assertEquals(0, b.cluster().stats().probesLost());

        // still late after node-timeout (10 s) of traffic: lost, even though other messages arrive
        linkB.holding = ClusterRouter.nodeTopic("b");
        tickAll();
        for (int second = 1; second <= 12 && b.cluster().isAvailable(); second++) {
            clock.advance(java.time.Duration.ofSeconds(1));
            a.channels().publish("news.sport", "late " + second);
            tickAll();
        }
        assertEquals(false, b.cluster().isAvailable());
        assertEquals(1, linkB.renewals);
        assertEquals(1, b.cluster().stats().probesLost());
    }

    @Test
    void aSilentNodeIsRemovedWithItsRegistryEntriesAndDrainsPointAtTheLeastLoadedLiveNode() {
        ManagedConnection onC = open(c, new RecordingConnection(), "carol");
        open(b, new RecordingConnection(), "bob");
        open(b, new RecordingConnection(), "bob2");
        tickAll();
        assertEquals(List.of("a", "b", "c"), a.cluster().nodes().stream().map(NodeInfo::id).sorted().toList());
        assertEquals(java.util.Optional.of("ws://c.example/ws"), a.cluster().bestOtherNode(), "c holds fewer connections than b");

        // c goes silent; a and b keep announcing themselves
        for (int i = 0; i < 11; i++) {
            clock.advance(java.time.Duration.ofSeconds(1));
            a.cluster().tick();
            b.cluster().tick();
            bus.pump();
        }
        assertEquals(List.of("a", "b"), a.cluster().nodes().stream().map(NodeInfo::id).sorted().toList());
        assertEquals(ClusterRouter.Outcome.NOT_FOUND, a.cluster().toConnection(onC.id(), "1"), "no ghost of c's connection");

        RecordingConnection draining = new RecordingConnection();
        open(a, draining, "dave");
        a.drain().start("maintenance", clock.nanoTime());
        JsonObject notice = json(draining.lastSent());
        assertEquals("shutdown", notice.getString("type"));
        assertEquals("ws://b.example/ws", notice.getString("url"));
    }

    @Test
    void registryEntriesLiveOnlyAsLongAsTheirNodesPresenceAndAGhostIsRemovedWhenRead() {
        ManagedConnection onC = open(c, new RecordingConnection(), "carol");
        tickAll();
        assertEquals("c", a.cluster().find(onC.id()).orElseThrow().node());

        // an entry of a node that is in no node table (say every node went away with it): a ghost
        linkA.registered("ghost-1", new ClusterConnection("ghost-1", "z", "zed", "10.0.0.9", 1).encode());
        assertEquals(java.util.Optional.empty(), a.cluster().find("ghost-1"));
        assertEquals(List.of(onC.id()), a.cluster().all(100).stream().map(ClusterConnection::id).toList());
        assertEquals(java.util.Optional.empty(), linkA.recordOf("ghost-1"), "removed, not only hidden");
        assertEquals(1, a.cluster().expiredEntries());

        // c stops refreshing its presence: its entries expire with it at the next read
        clock.advance(java.time.Duration.ofSeconds(11));
        assertEquals(java.util.Optional.empty(), a.cluster().find(onC.id()));
        assertEquals(List.of(), a.cluster().all(100));
    }
}
