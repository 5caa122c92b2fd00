package io.switchboard.core;

import static io.switchboard.core.RecordingConnection.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Dead transports and nested JSON, as a hostile or vanished client presents them to the core. */
class HostileInputTest {

    private static final String IP = "10.9.8.7";
    private static final String DEEP = "{\"a\":".repeat(1000) + "1" + "}".repeat(1000);

    private final FakeClock clock = new FakeClock();
    private final Hub hub = new Hub(TestSettings.with(Map.of(
            "switchboard.limits.max-per-user", "1",
            "switchboard.rate.messages-per-second", "2",
            "switchboard.rate.burst", "2",
            "switchboard.rate.max-violations", "2")), clock, TestSettings.codec());

    HostileInputTest() {
        hub.gatekeeper().useVerifier(token -> new Identity(token, null));
    }

    private ManagedConnection connect(Connection transport, String token) {
        HandshakeCheck check = hub.gatekeeper().checkHandshake(IP, null, token);
        assertTrue(check.isAccepted(), () -> "refused: " + check.refusal());
        return hub.open(transport, new HandshakeInfo(IP, "test", null, HeartbeatMode.PROTOCOL, check.ticket()));
    }

    @Test
    void aConnectionWhoseWelcomeCannotBeWrittenIsReleasedAtOnceWithItsSlots() {
        DeadConnection dead = new DeadConnection();
        ManagedConnection c = connect(dead, "ghost");

        assertEquals(ConnectionState.CLOSED, c.state());
        assertEquals(1, dead.aborts);
        assertEquals(0, hub.registry().size());
        assertEquals(0, hub.gatekeeper().limits().forUser("ghost"));
        assertTrue(connect(new RecordingConnection(), "ghost").state().isLive(), "the user's slot is free again");
    }

    @Test
    void aRefusedPingReleasesTheConnectionWithoutWaitingForMissedPongs() {
        DeadConnection dead = new DeadConnection();
        dead.sendsFail = false;
        ManagedConnection c = connect(dead, "quiet");
        assertEquals(ConnectionState.OPEN, c.state());

        clock.advance(hub.settings().heartbeat().interval().plusSeconds(1));
        hub.sweeper().sweep();

        assertEquals(ConnectionState.CLOSED, c.state());
        assertEquals(0, hub.registry().size());
    }

    @Test
    void anIoErrorFromTheContainerReleasesTheConnectionAndOtherErrorsDoNot() {
        ManagedConnection c = connect(new RecordingConnection(), "io");
        hub.onTransportError(c, new IllegalStateException("a protocol error the container closes itself"));
        assertEquals(ConnectionState.OPEN, c.state());
        hub.onTransportError(c, new RuntimeException("wrapped", new IOException("Connection reset by peer")));
        assertEquals(ConnectionState.CLOSED, c.state());
        assertEquals(0, hub.registry().size());
    }

    @Test
    void aFailedWriteWhileClosingLeavesTheCloseToItsTimeout() {
        RecordingConnection t = new RecordingConnection();
        ManagedConnection c = connect(t, "closing");
        hub.close(c, new Disconnect(1000, ""));
        hub.onTransportError(c, new IOException("Broken pipe"));
        assertEquals(ConnectionState.CLOSING, c.state());
        assertEquals(0, t.aborts);
    }

    @Test
    void deepJsonIsABadRequestAndCountsAgainstTheRate() {
        RecordingConnection t = new RecordingConnection();
        ManagedConnection c = connect(t, "deep");
        List<String> codes = new java.util.ArrayList<>();
        for (int i = 0; i < 6 && c.state().isLive(); i++) {
            hub.onText(c, DEEP);
            codes.add(json(t.lastSent()).getString("code"));
        }
        assertEquals(List.of("bad_request", "bad_request", "rate_limited", "rate_limited"), codes);
        assertEquals(List.of("1008 rate limit exceeded"), t.closes);
    }

    @Test
    void deepJsonBeforeAuthIsAuthRequired() {
        RecordingConnection t = new RecordingConnection();
        ManagedConnection c = connect(t, null);
        assertEquals(ConnectionState.AUTHENTICATING, c.state());
        hub.onText(c, DEEP);
        assertEquals(List.of("1008 auth required"), t.closes);
    }

    @Test
    void aCodecThatThrowsStillGetsTheMessageAnswered() {
        MessageCodec real = TestSettings.codec();
        Hub broken = new Hub(TestSettings.defaults(), clock, new MessageCodec() {
            @Override
            public Inbound decode(String text) {
                throw new IllegalStateException("provider bug");
            }

            @Override
            public String encode(Outbound message) {
                return real.encode(message);
            }

            @Override
            public PreparedMessage prepare(String channel, String data) {
                return real.prepare(channel, data);
            }

            @Override
            public PreparedMessage prepare(String channel, String data, long offset, String epoch) {
                return real.prepare(channel, data, offset, epoch);
            }
        });
        RecordingConnection t = new RecordingConnection();
        ManagedConnection c = broken.open(t, new HandshakeInfo(IP, "test", "u", HeartbeatMode.PROTOCOL));
        broken.onText(c, "{}");
        assertEquals("bad_request", json(t.lastSent()).getString("code"));
    }

}
