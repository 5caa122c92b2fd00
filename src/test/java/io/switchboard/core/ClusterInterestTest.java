package io.switchboard.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * How a node keeps count of its own connections' interest in a channel, which decides whether the
 * node is subscribed to that channel in the cluster at all: a count that drifts below the truth
 * unsubscribes a channel that connections still hold, and they then get nothing more of it, silently.
 */
class ClusterInterestTest {

    private final FakeClock clock = new FakeClock();
    private final FakeClusterBus bus = new FakeClusterBus();
    private final FakeClusterBus.Link linkA = bus.link("a");
    private final FakeClusterBus.Link linkB = bus.link("b");
    private final Hub a = node("a", linkA);
    private final Hub b = node("b", linkB);

    private Hub node(String id, FakeClusterBus.Link link) {
        return FakeClusterBus.startedNode(id, link, clock);
    }

    private static ManagedConnection open(Hub hub, RecordingConnection t, String user) {
        return hub.open(t, new HandshakeInfo("127.0.0.1", "test", user, HeartbeatMode.PROTOCOL));
    }

    private static List<JsonObject> of(RecordingConnection t, String type) {
        synchronized (t) {
            return t.sent.stream().map(RecordingConnection::json).filter(j -> j.getString("type").equals(type)).toList();
        }
    }

    @Test
    void connectionsClosedWhileTheySubscribeNeverUnsubscribeTheNodeFromAChannelOthersHold() throws Exception {
        RecordingConnection stays = new RecordingConnection();
        b.onText(open(b, stays, "stays"), "{\"type\":\"subscribe\",\"channel\":\"room\"}");
        bus.pump();
        ExecutorService two = Executors.newFixedThreadPool(2);
        try {
            // a client that subscribes and goes away at the same moment, as under a reconnect storm: the
            // subscribe runs on its message thread while the container reports the socket closed
            for (int i = 0; i < 5000; i++) {
                ManagedConnection brief = open(b, new RecordingConnection(), "brief" + i);
                CountDownLatch go = new CountDownLatch(1);
                Future<?> subscribing = two.submit(() -> {
                    go.await();
                    b.onText(brief, "{\"type\":\"subscribe\",\"channel\":\"room\"}");
                    return null;
                });
                Future<?> closing = two.submit(() -> {
                    go.await();
                    b.onTransportClosed(brief, 1006, "");
                    return null;
                });
                go.countDown();
                subscribing.get(10, TimeUnit.SECONDS);
                closing.get(10, TimeUnit.SECONDS);
            }
        } finally {
            two.shutdownNow();
        }
        bus.pump();

        a.channels().publish("room", "\"still here?\"");
        bus.pump();
        assertEquals(1, of(stays, "message").size(), "the connection that stayed still gets the channel's messages");
        assertEquals(1, b.channels().subscriberCounts().get("room"));
        assertTrue(linkB.unsubscribeCalls.stream().noneMatch("c:room"::equals),
                () -> "node b gave up the channel " + linkB.unsubscribeCalls.stream().filter("c:room"::equals).count() + " times");

        // and when the last one leaves, the node does give it up
        b.registry().all().forEach(c -> b.onTransportClosed(c, 1000, ""));
        assertEquals(List.of("c:room"), linkB.unsubscribeCalls.stream().filter("c:room"::equals).toList());
    }

    @Test
    void aSecondSubscriberIsToldSubscribedOnlyOnceTheNodesSubscriptionIsInForce() {
        linkB.confirmLater = true;
        RecordingConnection first = new RecordingConnection();
        RecordingConnection second = new RecordingConnection();
        b.onText(open(b, first, "first"), "{\"type\":\"subscribe\",\"channel\":\"room\",\"id\":1}");
        b.onText(open(b, second, "second"), "{\"type\":\"subscribe\",\"channel\":\"room\",\"id\":2}");
        assertEquals(List.of(), of(first, "subscribed"));
        assertEquals(List.of(), of(second, "subscribed"), "told subscribed while messages to the channel cannot reach this node yet");

        linkB.confirmSubscribes();
        assertEquals(1, of(first, "subscribed").size());
        assertEquals(1, of(second, "subscribed").size());
        assertARoomMessageFromAArrives(second);
    }

    @Test
    void aSubscribeTheLinkLostOnTheWayIsAnsweredOnceTheLinkIsBackAndTheChannelSubscribedAgain() {
        linkB.cutOff(true);
        RecordingConnection t = new RecordingConnection();
        b.onText(open(b, t, "bob"), "{\"type\":\"subscribe\",\"channel\":\"room\",\"id\":1}");
        assertEquals(List.of(), of(t, "subscribed"), "told subscribed while the channel's messages cannot reach this node");

        linkB.cutOff(false);
        linkB.receiver.linkUp();
        bus.pump();
        assertEquals(1, of(t, "subscribed").size());
        assertARoomMessageFromAArrives(t);
    }

    @Test
    void aSubscribeRedisDidNotConfirmInTimeIsAskedAgainWhileTheLinkIsUp() {
        RecordingConnection t = new RecordingConnection();
        ManagedConnection bob = open(b, t, "bob");
        linkB.subscribesToTimeOut = 2;
        b.onText(bob, "{\"type\":\"subscribe\",\"channel\":\"room\",\"id\":1}");
        assertEquals(3, linkB.subscribeCalls.stream().filter("c:room"::equals).count(), () -> linkB.subscribeCalls.toString());
        assertEquals(1, of(t, "subscribed").size());
        assertARoomMessageFromAArrives(t);
    }

    @Test
    void aUsersTopicRedisDidNotConfirmInTimeIsAskedAgainSoMessagesToTheUserArrive() {
        linkB.subscribesToTimeOut = 1;
        RecordingConnection t = new RecordingConnection();
        open(b, t, "bob");
        assertEquals(2, linkB.subscribeCalls.stream().filter("u:bob"::equals).count(), () -> linkB.subscribeCalls.toString());
        a.channels().sendToUser("bob", "\"for bob\"");
        bus.pump();
        assertEquals(1, t.sent.stream().filter(m -> m.contains("for bob")).count());
    }

    @Test
    void aSubscribeStillWaitingWhenItsChannelIsGivenUpIsAnsweredAndForgotten() {
        linkB.cutOff(true);
        RecordingConnection t = new RecordingConnection();
        ManagedConnection bob = open(b, t, "bob");
        b.onText(bob, "{\"type\":\"subscribe\",\"channel\":\"room\",\"id\":1}");
        b.onText(bob, "{\"type\":\"unsubscribe\",\"channel\":\"room\",\"id\":2}");
        assertEquals(1, of(t, "unsubscribed").size());
        assertEquals(1, of(t, "subscribed").size(), "every request gets its answer, the subscribe too");

        linkB.cutOff(false);
        int before = linkB.subscribeCalls.size();
        linkB.receiver.linkUp();
        assertTrue(linkB.subscribeCalls.subList(before, linkB.subscribeCalls.size()).stream().noneMatch("c:room"::equals),
                "a channel nobody here holds is not subscribed again");
    }

    @Test
    void aSubscriptionEndedByANarrowerTokenIsGivenUpInTheClusterToo() {
        b.gatekeeper().useVerifier(token -> {
            String[] parts = token.split(":");
            return new Identity(parts[0], Arrays.asList(parts[1].split(",")), Instant.ofEpochMilli(clock.epochMillis()).plusSeconds(600));
        });
        RecordingConnection t = new RecordingConnection();
        HandshakeCheck check = b.gatekeeper().checkHandshake("10.0.0.1", null, "fay:news.>,sport.*");
        ManagedConnection fay = b.open(t, new HandshakeInfo("10.0.0.1", "test", null, HeartbeatMode.PROTOCOL, check.ticket()));
        b.onText(fay, "{\"type\":\"subscribe\",\"channel\":\"sport.tennis\",\"id\":1}");
        b.onText(fay, "{\"type\":\"auth\",\"token\":\"fay:news.>\",\"id\":2}");
        assertEquals("not allowed", of(t, "unsubscribed").get(0).getString("reason"));

        assertEquals(List.of("c:sport.tennis"), linkB.unsubscribeCalls.stream().filter(s -> s.startsWith("c:")).toList(),
                "no connection of node b holds the channel any more");
    }

    /** A message published to "room" on node a reaches {@code t}, once. */
    private void assertARoomMessageFromAArrives(RecordingConnection t) {
        a.channels().publish("room", "1");
        bus.pump();
        assertEquals(1, of(t, "message").size());
    }
}
