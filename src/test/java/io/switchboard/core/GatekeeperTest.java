package io.switchboard.core;

import static io.switchboard.core.RecordingConnection.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GatekeeperTest {

    private static final String IP = "10.1.2.3";

    private final FakeClock clock = new FakeClock();
    private Hub hub;

    private Gatekeeper gate(Map<String, String> settings) {
        hub = new Hub(TestSettings.with(settings), clock, TestSettings.codec());
        hub.gatekeeper().useVerifier(token -> {
            if (token.startsWith("good:")) {
                return new Identity(token.substring(5), token.startsWith("good:scoped") ? List.of("news.*") : null);
            }
            throw new TokenVerifier.InvalidTokenException("bad signature");
        });
        return hub.gatekeeper();
    }

    private ManagedConnection connect(RecordingConnection transport, HandshakeCheck check) {
        assertTrue(check.isAccepted(), () -> "refused: " + check.refusal());
        return hub.open(transport, new HandshakeInfo(IP, "test", null, HeartbeatMode.PROTOCOL, check.ticket()));
    }


    @Test
    void aValidHeaderTokenOpensTheConnectionAsItsSubject() {
        Gatekeeper gate = gate(Map.of());
        RecordingConnection t = new RecordingConnection();
        ManagedConnection c = connect(t, gate.checkHandshake(IP, null, "good:scopedalice"));

        assertEquals(ConnectionState.OPEN, c.state());
        assertEquals("scopedalice", c.userId());
        assertEquals(List.of("news.*"), c.grantedChannels());
        assertEquals("scopedalice", json(t.sent.get(0)).getString("userId"));
        assertEquals(1, gate.limits().forUser("scopedalice"));
    }

    @Test
    void everyRowOfTheRejectionTableIsDecidedBeforeTheUpgrade() {
        Gatekeeper gate = gate(Map.of("switchboard.allowed-origins", "https://app.example",
                "switchboard.limits.max-connections", "1"));
        assertEquals(401, gate.checkHandshake(IP, null, "forged").refusal().httpStatus());
        assertEquals(Admission.Refusal.INVALID_TOKEN, gate.checkHandshake(IP, null, "").refusal());
        assertEquals(Admission.Refusal.FORBIDDEN_ORIGIN, gate.checkHandshake(IP, "https://evil.example", "good:a").refusal());
        assertTrue(gate.checkHandshake(IP, "https://APP.example/", "good:a").isAccepted());
        assertEquals(Admission.Refusal.GLOBAL_LIMIT, gate.checkHandshake(IP, null, "good:b").refusal());
        hub.drain().start("test", clock.nanoTime());
        assertEquals(Admission.Refusal.DRAINING, gate.checkHandshake(IP, null, "good:c").refusal());
        assertEquals(Map.of("invalid token", 2L, "origin not allowed", 1L, "global connection limit", 1L, "draining", 1L),
                hub.counters().rejectionsByReason());

        Gatekeeper noInBand = gate(Map.of("switchboard.auth.in-band", "false"));
        assertEquals(Admission.Refusal.NO_TOKEN, noInBand.checkHandshake(IP, null, null).refusal());
    }

    @Test
    void inBandAuthOpensTheConnectionAndSendsTheWelcome() {
        Gatekeeper gate = gate(Map.of());
        RecordingConnection t = new RecordingConnection();
        ManagedConnection c = connect(t, gate.checkHandshake(IP, null, null));
        assertEquals(ConnectionState.AUTHENTICATING, c.state());
        assertTrue(t.sent.isEmpty());

        hub.onText(c, "{\"type\":\"auth\",\"token\":\"good:bob\"}");

        assertEquals(ConnectionState.OPEN, c.state());
        assertEquals("bob", json(t.sent.get(0)).getString("userId"));
        assertEquals(1, gate.limits().forUser("bob"));
        hub.onText(c, "{\"type\":\"auth\",\"token\":\"good:bob\",\"id\":3}");
        assertEquals("refreshed", json(t.lastSent()).getString("type")); // on an open connection: a refresh
    }

    @Test
    void inBandFailuresCloseWith1008AndTheDocumentedReasons() {
        Gatekeeper gate = gate(Map.of("switchboard.limits.max-per-user", "1"));
        RecordingConnection invalid = new RecordingConnection();
        hub.onText(connect(invalid, gate.checkHandshake(IP, null, null)), "{\"type\":\"auth\",\"token\":\"nope\"}");
        assertEquals(List.of("1008 invalid token"), invalid.closes);

        RecordingConnection early = new RecordingConnection();
        hub.onText(connect(early, gate.checkHandshake(IP, null, null)), "{\"type\":\"ping\",\"id\":1}");
        assertEquals(List.of("1008 auth required"), early.closes);

        RecordingConnection garbage = new RecordingConnection();
        hub.onText(connect(garbage, gate.checkHandshake(IP, null, null)), "not json");
        assertEquals(List.of("1008 auth required"), garbage.closes);

        connect(new RecordingConnection(), gate.checkHandshake(IP, null, "good:carol"));
        RecordingConnection second = new RecordingConnection();
        hub.onText(connect(second, gate.checkHandshake(IP, null, null)), "{\"type\":\"auth\",\"token\":\"good:carol\"}");
        assertEquals(List.of("1008 too many connections"), second.closes);
    }

    /** Advances the fake clock and runs the hub's one sweeper, as the shell's periodic task does. */
    private void after(Duration d) {
        clock.advance(d);
        hub.sweeper().sweep();
    }

    @Test
    void aSocketThatDiesAtItsWelcomeGivesItsSlotsBack() {
        Gatekeeper gate = gate(Map.of("switchboard.limits.max-per-user", "1", "switchboard.limits.max-per-ip", "1"));
        Connection dead = new DeadConnection();
        for (int i = 0; i < 3; i++) {
            HandshakeCheck check = gate.checkHandshake(IP, null, "good:gus");
            assertTrue(check.isAccepted(), "attempt " + i + ": " + check.refusal());
            ManagedConnection c = hub.open(dead, new HandshakeInfo(IP, "test", null, HeartbeatMode.PROTOCOL, check.ticket()));
            assertEquals(ConnectionState.CLOSED, c.state());
            assertEquals(0, gate.limits().total());
            assertEquals(0, hub.registry().size());
        }
    }

    @Test
    void anAcceptedUpgradeIsConnectingUntilTheContainerUpgradesIt() {
        Gatekeeper gate = gate(Map.of());
        HandshakeCheck check = gate.checkHandshake(IP, null, "good:erin");
        assertEquals(1, hub.countByState().get(ConnectionState.CONNECTING));
        assertEquals(0, hub.countByState().get(ConnectionState.OPEN));

        connect(new RecordingConnection(), check);
        assertEquals(0, hub.countByState().get(ConnectionState.CONNECTING));
        assertEquals(1, hub.countByState().get(ConnectionState.OPEN));

        gate.cancelTicket(gate.checkHandshake(IP, null, "good:finn").ticket()); // the upgrade failed
        assertEquals(0, hub.countByState().get(ConnectionState.CONNECTING));
    }

    @Test
    void theSweeperClosesConnectionsThatDidNotAuthenticateInTime() {
        Gatekeeper gate = gate(Map.of("switchboard.auth.timeout", "10s"));
        RecordingConnection slow = new RecordingConnection();
        RecordingConnection quick = new RecordingConnection();
        ManagedConnection s = connect(slow, gate.checkHandshake(IP, null, null));
        ManagedConnection q = connect(quick, gate.checkHandshake(IP, null, null));
        hub.onText(q, "{\"type\":\"auth\",\"token\":\"good:dave\"}");

        after(Duration.ofMillis(9_999));
        assertTrue(slow.closes.isEmpty(), "never early");
        after(Duration.ofMillis(1).plusNanos(hub.sweeper().tickNanos()));

        assertEquals(List.of("1008 auth timeout"), slow.closes);
        assertTrue(quick.closes.isEmpty());
        assertEquals(ConnectionState.CLOSING, s.state());
        assertEquals(ConnectionState.OPEN, q.state());
    }

    @Test
    void aConnectionThatLeavesBeforeItsAuthDeadlineIsNotClosedAgain() {
        Gatekeeper gate = gate(Map.of("switchboard.auth.timeout", "10s"));
        RecordingConnection gone = new RecordingConnection();
        ManagedConnection g = connect(gone, gate.checkHandshake(IP, null, null));
        hub.onTransportClosed(g, 1001, "going away");

        after(Duration.ofSeconds(11));
        assertTrue(gone.closes.isEmpty());
        assertEquals(0, gate.limits().total());
    }

    @Test
    void slotsAreReleasedExactlyOnceWhenTheConnectionCloses() {
        Gatekeeper gate = gate(Map.of());
        ManagedConnection c = connect(new RecordingConnection(), gate.checkHandshake(IP, null, "good:erin"));
        assertEquals(1, gate.limits().total());

        hub.close(c, new Disconnect(1000, ""));
        hub.onTransportClosed(c, 1000, "");
        hub.onTransportClosed(c, 1006, "");

        assertEquals(0, gate.limits().total());
        assertEquals(0, gate.limits().forIp(IP));
        assertEquals(0, gate.limits().forUser("erin"));
    }

    @Test
    void aTicketNoConnectionClaimsIsReleasedOnCancelOrAfterItsTtl() {
        Gatekeeper gate = gate(Map.of());
        HandshakeCheck cancelled = gate.checkHandshake(IP, null, "good:frank");
        gate.cancelTicket(cancelled.ticket());
        assertEquals(0, gate.limits().total());

        HandshakeCheck abandoned = gate.checkHandshake(IP, null, "good:frank");
        after(Gatekeeper.TICKET_TTL.minusMillis(1));
        assertEquals(1, gate.limits().total());
        after(Duration.ofMillis(1).plusNanos(hub.sweeper().tickNanos()));
        assertEquals(0, gate.limits().total());

        RecordingConnection late = new RecordingConnection();
        connect(late, abandoned);
        assertEquals(List.of("1011 internal error"), late.closes);
    }

    @Test
    void aConnectionThatArrivesAfterItsTicketEndedIsClosedAndTheLogSaysHowTheTicketEnded() {
        Gatekeeper gate = gate(Map.of());
        try (CapturedLog log = new CapturedLog(Gatekeeper.class.getName())) {
            HandshakeCheck cut = gate.checkHandshake(IP, null, "good:hana");
            gate.cancelTicket(cut.ticket()); // the container ended its socket first
            HandshakeCheck refused = gate.checkHandshake(IP, null, "good:hana");
            gate.cancelTicket(refused.ticket(), "the container answered the upgrade request 500");
            HandshakeCheck slow = gate.checkHandshake(IP, null, "good:hana");
            after(Gatekeeper.TICKET_TTL.plusNanos(hub.sweeper().tickNanos()));
            assertEquals(0, gate.limits().total(), "every slot back");

            for (HandshakeCheck check : List.of(cut, refused, slow)) {
                RecordingConnection late = new RecordingConnection();
                connect(late, check);
                assertEquals(List.of("1011 internal error"), late.closes);
            }
            assertEquals(List.of("its socket ended before the connection started",
                    "the container answered the upgrade request 500", "expired, 10 s after it was issued"),
                    log.messages().stream().filter(w -> w.contains("without a live handshake ticket"))
                            .map(w -> w.substring(w.indexOf('(') + 1, w.lastIndexOf(')')).replace("cancelled: ", "")).toList());

            // a claimed ticket's later cancel (the connection's socket ending) is no ending to note
            HandshakeCheck claimed = gate.checkHandshake(IP, null, "good:hana");
            ManagedConnection c = connect(new RecordingConnection(), claimed);
            gate.cancelTicket(claimed.ticket());
            assertEquals(ConnectionState.OPEN, c.state());
            assertEquals(1, gate.limits().forUser("hana"), "the connection keeps its slot");
        }
    }

    @Test
    void aClaimedOrCancelledTicketLeavesNothingArmedOnTheSweeper() {
        Gatekeeper gate = gate(Map.of());
        gate.cancelTicket(gate.checkHandshake(IP, null, "good:gina").ticket());
        int idle = hub.sweeper().stats().armed(); // the node-wide task that forgets handshake buckets
        assertEquals(1, idle);
        HandshakeCheck cancelled = gate.checkHandshake(IP, null, "good:gina");
        assertEquals(idle + 1, hub.sweeper().stats().armed());
        gate.cancelTicket(cancelled.ticket());
        assertEquals(idle, hub.sweeper().stats().armed());

        ManagedConnection c = connect(new RecordingConnection(), gate.checkHandshake(IP, null, "good:gina"));
        assertEquals(ConnectionState.OPEN, c.state());
        hub.onTransportClosed(c, 1000, "");
        assertEquals(idle, hub.sweeper().stats().armed(), "the ticket's TTL went with the claim");
    }

    @Test
    void handshakeBucketsAreForgottenOnTheSweeperOnceFullAndTheTaskStopsWithThem() {
        Gatekeeper gate = gate(Map.of("switchboard.rate.handshakes-per-second-per-ip", "2"));
        assertEquals(0, hub.sweeper().stats().armed(), "nothing armed before the first handshake");
        gate.cancelTicket(gate.checkHandshake(IP, null, "good:hal").ticket());
        gate.cancelTicket(gate.checkHandshake("10.9.9.9", null, "good:hal").ticket());
        assertEquals(2, gate.limits().handshakeBuckets());

        after(Gatekeeper.BUCKET_SWEEP.plusNanos(hub.sweeper().tickNanos()));
        assertEquals(0, gate.limits().handshakeBuckets(), "refilled buckets are forgotten");
        after(Gatekeeper.BUCKET_SWEEP.plusNanos(hub.sweeper().tickNanos()));
        assertEquals(0, hub.sweeper().stats().armed(), "no task left once no bucket is");

        gate.cancelTicket(gate.checkHandshake(IP, null, "good:hal").ticket());
        assertEquals(1, hub.sweeper().stats().armed(), "the next handshake arms it again");
    }

    @Test
    void closeOldestClosesTheUsersOldestConnectionAsReplaced() {
        Gatekeeper gate = gate(Map.of("switchboard.limits.max-per-user", "2",
                "switchboard.limits.per-user-policy", "close-oldest"));
        RecordingConnection oldest = new RecordingConnection();
        RecordingConnection middle = new RecordingConnection();
        ManagedConnection o = connect(oldest, gate.checkHandshake(IP, null, "good:gina"));
        connect(middle, gate.checkHandshake(IP, null, "good:gina"));

        ManagedConnection newest = connect(new RecordingConnection(), gate.checkHandshake(IP, null, "good:gina"));

        assertEquals(ConnectionState.OPEN, newest.state());
        assertEquals(List.of("1008 replaced by newer connection"), oldest.closes);
        assertTrue(middle.closes.isEmpty());
        hub.onTransportClosed(o, 1008, "replaced by newer connection");
        assertEquals(2, gate.limits().forUser("gina"));
        assertEquals(2, gate.limits().total());
    }

    @Test
    void messagesOverTheRateAreDroppedWithRateLimitedThenTheConnectionIsClosed() {
        Gatekeeper gate = gate(Map.of("switchboard.rate.messages-per-second", "1", "switchboard.rate.burst", "2",
                "switchboard.rate.max-violations", "2"));
        RecordingConnection t = new RecordingConnection();
        ManagedConnection c = connect(t, gate.checkHandshake(IP, null, "good:hal"));

        hub.onText(c, "{\"type\":\"ping\",\"id\":1}");
        hub.onText(c, "{\"type\":\"ping\",\"id\":2}");
        assertEquals("pong", json(t.lastSent()).getString("type"));
        hub.onText(c, "{\"type\":\"ping\",\"id\":3}");
        JsonObject limited = json(t.lastSent());
        assertEquals("error", limited.getString("type"));
        assertEquals("rate_limited", limited.getString("code"));
        assertEquals(3, limited.getInt("ref"));
        assertTrue(t.closes.isEmpty());

        clock.advance(Duration.ofSeconds(1));
        hub.onText(c, "{\"type\":\"ping\",\"id\":4}");
        assertEquals("pong", json(t.lastSent()).getString("type"));
        hub.onText(c, "{\"type\":\"ping\",\"id\":5}");
        assertEquals(List.of("1008 rate limit exceeded"), t.closes);
        assertEquals(1, hub.counters().enteredCount(ConnectionState.VIOLATION));
        assertEquals(2, hub.counters().rateLimitedMessages());
    }

    @Test
    void messagesAboveTheWarnSizeAreCountedAndStillHandled() {
        Gatekeeper gate = gate(Map.of("switchboard.limits.message-warn-size", "32"));
        RecordingConnection t = new RecordingConnection();
        ManagedConnection c = connect(t, gate.checkHandshake(IP, null, "good:ivy"));

        hub.onText(c, "{\"type\":\"ping\",\"id\":\"" + "x".repeat(40) + "\"}");

        assertEquals(1, hub.counters().largeMessages());
        assertEquals("pong", json(t.lastSent()).getString("type"));
        assertFalse(t.sent.isEmpty());
        assertNotNull(c.userId());
    }
}
