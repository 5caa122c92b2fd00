package io.switchboard.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.codec.JsonMessageCodec;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Connection limits that count every node of a cluster, on the in-memory bus (protocol.md, cluster). */
class ClusterLimitsTest {

    private final FakeClock clock = new FakeClock();
    private final FakeClusterBus bus = new FakeClusterBus();

    private Hub node(String id, Map<String, String> more) {
        Map<String, String> s = new HashMap<>(more);
        s.put("switchboard.node.id", id);
        Hub hub = new Hub(TestSettings.with(s), clock, new JsonMessageCodec(), bus.link(id));
        hub.gatekeeper().useVerifier(token -> new Identity(token, null));
        hub.cluster().start();
        return hub;
    }

    private static ManagedConnection connect(Hub hub, String ip, String user, RecordingConnection t) {
        HandshakeCheck check = hub.gatekeeper().checkHandshake(ip, null, user);
        assertTrue(check.isAccepted(), () -> "refused: " + check.refusal());
        return hub.open(t, new HandshakeInfo(ip, "test", null, HeartbeatMode.PROTOCOL, check.ticket()));
    }

    @Test
    void thePerUserLimitCountsEveryNodeAndAClosedConnectionGivesItsSlotBack() {
        Map<String, String> limits = Map.of("switchboard.limits.max-per-user", "2");
        Hub a = node("a", limits);
        Hub b = node("b", limits);
        ManagedConnection first = connect(a, "10.0.0.1", "ann", new RecordingConnection());
        connect(b, "10.0.0.2", "ann", new RecordingConnection());

        HandshakeCheck third = a.gatekeeper().checkHandshake("10.0.0.3", null, "ann");
        assertEquals(Admission.Refusal.USER_LIMIT, third.refusal());
        assertEquals(429, third.refusal().httpStatus());
        assertEquals(1, a.gatekeeper().limits().forUser("ann"), "this node counts its own only");

        a.onTransportClosed(first, 1000, "");
        assertTrue(b.gatekeeper().checkHandshake("10.0.0.3", null, "ann").isAccepted(), "the slot came back");
    }

    @Test
    void theGlobalAndPerIpLimitsCountEveryNode() {
        Hub a = node("a", Map.of("switchboard.limits.max-connections", "3", "switchboard.limits.max-per-ip", "2"));
        Hub b = node("b", Map.of("switchboard.limits.max-connections", "3", "switchboard.limits.max-per-ip", "2"));
        connect(a, "10.0.0.1", "u1", new RecordingConnection());
        connect(b, "10.0.0.1", "u2", new RecordingConnection());
        assertEquals(Admission.Refusal.IP_LIMIT, a.gatekeeper().checkHandshake("10.0.0.1", null, "u3").refusal());
        connect(a, "10.0.0.2", "u3", new RecordingConnection());
        assertEquals(Admission.Refusal.GLOBAL_LIMIT, b.gatekeeper().checkHandshake("10.0.0.9", null, "u4").refusal());
    }

    @Test
    void closeOldestClosesTheUsersOldestConnectionEvenOnAnotherNode() {
        Map<String, String> limits = Map.of("switchboard.limits.max-per-user", "2",
                "switchboard.limits.per-user-policy", "close-oldest");
        Hub a = node("a", limits);
        Hub b = node("b", limits);
        RecordingConnection oldest = new RecordingConnection();
        connect(b, "10.0.0.1", "ann", oldest);
        RecordingConnection middle = new RecordingConnection();
        connect(a, "10.0.0.1", "ann", middle);

        RecordingConnection newest = new RecordingConnection();
        connect(a, "10.0.0.1", "ann", newest);
        bus.pump();

        assertEquals(List.of("1008 replaced by newer connection"), oldest.closes, "b's connection was the oldest");
        assertEquals(List.of(), middle.closes);
        assertEquals(List.of(), newest.closes);
    }

    @Test
    void aDeadNodesSlotsAreFreedAndTheLimitsCannotBeCheckedWithoutTheCluster() {
        Map<String, String> limits = Map.of("switchboard.limits.max-per-user", "1");
        Hub a = node("a", limits);
        Hub b = node("b", limits);
        connect(b, "10.0.0.1", "ann", new RecordingConnection());
        assertEquals(Admission.Refusal.USER_LIMIT, a.gatekeeper().checkHandshake("10.0.0.2", null, "ann").refusal());

        a.cluster().tick();
        b.cluster().tick();
        bus.pump();
        clock.advance(java.time.Duration.ofSeconds(11)); // b falls silent
        a.cluster().nodes();
        assertTrue(a.gatekeeper().checkHandshake("10.0.0.2", null, "ann").isAccepted(), "b's slots went with it");

        Hub c = node("c", limits);
        bus.slots.clear();
        ((FakeClusterBus.Link) c.cluster().link()).available = false;
        HandshakeCheck refused = c.gatekeeper().checkHandshake("10.0.0.3", null, "bob");
        assertEquals(Admission.Refusal.CLUSTER_UNAVAILABLE, refused.refusal());
        assertEquals(503, refused.refusal().httpStatus());
    }
}
