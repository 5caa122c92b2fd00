package io.switchboard.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The figures behind {@code /api/stats} and {@code /api/metrics}: rejections by reason and enforcement closes. */
class CountersTest {

    private static final String IP = "10.9.8.7";

    private final FakeClock clock = new FakeClock();
    private final Hub hub = new Hub(TestSettings.with(Map.of(
            "switchboard.limits.max-per-user", "1",
            "switchboard.auth.timeout", "10s",
            "switchboard.rate.messages-per-second", "1",
            "switchboard.rate.burst", "1",
            "switchboard.rate.max-violations", "2")), clock, TestSettings.codec());

    CountersTest() {
        hub.gatekeeper().useVerifier(token -> {
            if (token.startsWith("good:")) {
                return new Identity(token.substring(5), null);
            }
            throw new TokenVerifier.InvalidTokenException("bad signature");
        });
    }

    private ManagedConnection connect(RecordingConnection transport, String token) {
        HandshakeCheck check = hub.gatekeeper().checkHandshake(IP, null, token);
        assertTrue(check.isAccepted(), () -> "refused: " + check.refusal());
        return hub.open(transport, new HandshakeInfo(IP, "test", null, HeartbeatMode.PROTOCOL, check.ticket()));
    }

    @Test
    void everyRejectionReasonIsKnownAndInBandFailuresAreCountedWithTheHandshakeOnes() {
        assertEquals(List.of("draining", "cluster unavailable", "global connection limit", "per-ip connection limit", "per-user connection limit",
                "handshake rate per ip", "origin not allowed", "invalid token", "no token", "malformed upgrade", "auth required", "auth timeout"),
                Counters.REJECTION_REASONS);

        hub.gatekeeper().checkHandshake(IP, null, "forged");
        hub.onText(connect(new RecordingConnection(), null), "{\"type\":\"auth\",\"token\":\"nope\"}");
        hub.onText(connect(new RecordingConnection(), null), "{\"type\":\"ping\",\"id\":1}");
        connect(new RecordingConnection(), "good:erin");
        hub.onText(connect(new RecordingConnection(), null), "{\"type\":\"auth\",\"token\":\"good:erin\"}");
        connect(new RecordingConnection(), null);
        clock.advance(Duration.ofSeconds(10).plusNanos(hub.sweeper().tickNanos()));
        hub.sweeper().sweep();

        assertEquals(Map.of("invalid token", 2L, "auth required", 1L, "per-user connection limit", 1L, "auth timeout", 1L),
                hub.counters().rejectionsByReason());
        assertEquals(2, hub.counters().rejections("invalid token"));
        assertEquals(0, hub.counters().rejections("draining"));
    }

    @Test
    void slowConsumerAndRateLimitClosesAreCountedOncePerConnection() {
        ManagedConnection slow = connect(new RecordingConnection(), "good:slow");
        hub.close(slow, Disconnect.SLOW_CONSUMER);
        hub.close(slow, Disconnect.SLOW_CONSUMER);
        ManagedConnection chatty = connect(new RecordingConnection(), "good:chatty");
        for (int i = 0; i < 4; i++) {
            hub.onText(chatty, "{\"type\":\"ping\",\"id\":" + i + "}");
        }
        hub.close(connect(new RecordingConnection(), "good:other"), Disconnect.byOperator(4000, "maintenance"));

        assertEquals(1, hub.counters().slowConsumerCloses());
        assertEquals(1, hub.counters().rateLimitCloses());
        assertEquals(2, hub.counters().rateLimitedMessages());
        assertEquals(0, hub.counters().closes(1008), "counted as closed by code once the close handshake is done");
        hub.onTransportClosed(slow, 1008, "slow consumer");
        assertEquals(1, hub.counters().closes(1008));
    }
}
