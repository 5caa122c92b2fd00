package io.switchboard.core;

import static io.switchboard.core.RecordingConnection.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HubTest {

    private final FakeClock clock = new FakeClock();
    private final Hub hub = new Hub(TestSettings.defaults(), clock, TestSettings.codec());
    private final RecordingConnection transport = new RecordingConnection();

    private ManagedConnection openAs(String user) {
        return hub.open(transport, new HandshakeInfo("127.0.0.1", "test-agent", user, HeartbeatMode.PROTOCOL));
    }


    @Test
    void anAcceptedHandshakeIsRegisteredOpenAndWelcomed() {
        ManagedConnection c = openAs("alice");

        assertEquals(ConnectionState.OPEN, c.state());
        assertSame(c, hub.registry().find(c.id()).orElseThrow());
        JsonObject welcome = json(transport.sent.get(0));
        assertEquals("welcome", welcome.getString("type"));
        assertEquals(c.id(), welcome.getString("connectionId"));
        assertEquals("alice", welcome.getString("userId"));
        assertEquals("node-test", welcome.getString("node"));
        assertEquals(30_000, welcome.getJsonObject("heartbeat").getInt("intervalMs"));
        assertEquals(10_000, welcome.getJsonObject("heartbeat").getInt("timeoutMs"));
        assertEquals("protocol", welcome.getJsonObject("heartbeat").getString("mode"));
        assertEquals(1_048_576, welcome.getJsonObject("limits").getInt("maxMessageBytes"));
        assertEquals(20, welcome.getJsonObject("limits").getInt("messagesPerSecond"));
        assertEquals(40, welcome.getJsonObject("limits").getInt("burst"));
        assertEquals(clock.epochMillis(), welcome.getJsonNumber("serverTime").longValue());
    }

    @Test
    void appHeartbeatModeIsAnnouncedInTheWelcome() {
        hub.open(transport, new HandshakeInfo("127.0.0.1", "", "bob", HeartbeatMode.APP));

        assertEquals("app", json(transport.sent.get(0)).getJsonObject("heartbeat").getString("mode"));
    }

    @Test
    void aHandshakeWithoutAUserWaitsForInBandAuthAndGetsNoWelcome() {
        ManagedConnection c = openAs(null);

        assertEquals(ConnectionState.AUTHENTICATING, c.state());
        assertTrue(transport.sent.isEmpty());
    }

    @Test
    void aPingGetsAPongWithTheSameIdOfTheSameType() {
        ManagedConnection c = openAs("alice");

        hub.onText(c, "{\"type\":\"ping\",\"id\":7}");
        assertEquals("{\"type\":\"pong\",\"id\":7}", transport.lastSent());

        hub.onText(c, "{\"type\":\"ping\",\"id\":\"x-1\"}");
        assertEquals("{\"type\":\"pong\",\"id\":\"x-1\"}", transport.lastSent());

        hub.onText(c, "{\"type\":\"ping\"}");
        assertEquals("{\"type\":\"pong\"}", transport.lastSent());
    }

    @Test
    void malformedJsonGetsABadRequestAndTheConnectionStaysOpen() {
        ManagedConnection c = openAs("alice");

        hub.onText(c, "{not json");

        JsonObject error = json(transport.lastSent());
        assertEquals("error", error.getString("type"));
        assertEquals("bad_request", error.getString("code"));
        assertEquals(ConnectionState.OPEN, c.state());
        assertTrue(transport.closes.isEmpty());
        assertEquals(1, hub.counters().badMessages());
    }

    @Test
    void anUnknownTypeGetsABadRequestThatEchoesTheId() {
        ManagedConnection c = openAs("alice");

        hub.onText(c, "{\"type\":\"teleport\",\"id\":42}");

        JsonObject error = json(transport.lastSent());
        assertEquals("bad_request", error.getString("code"));
        assertEquals(42, error.getInt("ref"));
        assertTrue(error.getString("message").contains("teleport"));
    }

    @Test
    void nonObjectsAndMissingTypesAreBadRequests() {
        ManagedConnection c = openAs("alice");
        for (String bad : List.of("[1,2]", "\"ping\"", "42", "{}", "{\"type\":7}", "{\"type\":\"ping\",\"id\":{}}")) {
            hub.onText(c, bad);
            assertEquals("bad_request", json(transport.lastSent()).getString("code"), bad);
        }
        assertEquals(ConnectionState.OPEN, c.state());
    }

    @Test
    void anyFrameFromThePeerIsProofOfLife() {
        ManagedConnection c = openAs("alice");
        long opened = c.lastSeenNanos();

        clock.advance(Duration.ofSeconds(5));
        hub.onPong(c);
        assertEquals(Duration.ofSeconds(5).toNanos(), c.lastSeenNanos() - opened);

        clock.advance(Duration.ofSeconds(5));
        hub.onText(c, "garbage");
        assertEquals(Duration.ofSeconds(10).toNanos(), c.lastSeenNanos() - opened);
    }

    @Test
    void messagesAndBytesAreCountedBothWays() {
        ManagedConnection c = openAs("alice");
        String ping = "{\"type\":\"ping\",\"id\":1}";

        hub.onText(c, ping);

        assertEquals(1, c.messagesIn());
        assertEquals(ping.length(), c.bytesIn());
        assertEquals(2, c.messagesOut()); // welcome and pong
        assertEquals(transport.sent.get(0).length() + transport.sent.get(1).length(), c.bytesOut());
        assertEquals(1, hub.counters().messagesIn());
        assertEquals(2, hub.counters().messagesOut());
    }

    @Test
    void closingSendsOneCloseFrameAndReleasesExactlyOnce() {
        ManagedConnection c = openAs("alice");

        hub.close(c, Disconnect.IDLE_TIMEOUT);
        hub.close(c, Disconnect.HEARTBEAT_TIMEOUT);
        assertEquals(List.of("1001 idle timeout"), transport.closes);
        assertEquals(ConnectionState.CLOSING, c.state());
        assertTrue(hub.registry().find(c.id()).isPresent(), "in the registry until CLOSED");

        hub.onTransportClosed(c, 1001, "idle timeout");
        hub.onTransportClosed(c, 1006, "");

        assertEquals(ConnectionState.CLOSED, c.state());
        assertEquals(1, hub.counters().enteredCount(ConnectionState.CLOSED), "released once");
        assertTrue(hub.registry().find(c.id()).isEmpty());
        assertEquals(1, hub.counters().closesByCode().get(1001));
        assertNull(hub.counters().closesByCode().get(1006));
        transport.next("welcome");
        transport.assertExhausted();
    }

    @Test
    void aPeerCloseIsCountedWithThePeersCode() {
        ManagedConnection c = openAs("alice");

        hub.onTransportClosed(c, 1000, "bye");

        assertEquals(0, hub.registry().size());
        assertEquals(1, hub.counters().closesByCode().get(1000));
        assertEquals(1, hub.counters().enteredCount(ConnectionState.CLOSED));
        assertTrue(transport.closes.isEmpty(), "no close frame of ours after the peer closed");
        hub.close(c, new Disconnect(1000, ""));
        assertTrue(transport.closes.isEmpty(), "closing a closed connection does nothing");
        transport.next("welcome");
        transport.assertExhausted();
    }

    @Test
    void textAfterTheCloseBeganIsCountedButNotAnswered() {
        ManagedConnection c = openAs("alice");
        hub.close(c, new Disconnect(1000, ""));
        int sent = transport.sent.size();

        hub.onText(c, "{\"type\":\"ping\",\"id\":1}");

        assertEquals(sent, transport.sent.size());
        assertEquals(1, c.messagesIn());
    }

    @Test
    void countsByStateCoverEveryState() {
        openAs("alice");
        ManagedConnection b = openAs("bob");
        openAs(null);
        hub.close(b, new Disconnect(1000, ""));

        var counts = hub.registry().countByState();
        assertEquals(ConnectionState.values().length, counts.size());
        assertEquals(1, counts.get(ConnectionState.OPEN));
        assertEquals(1, counts.get(ConnectionState.CLOSING));
        assertEquals(1, counts.get(ConnectionState.AUTHENTICATING));
        assertEquals(0, counts.get(ConnectionState.CLOSED));
    }

    @Test
    void utf8LengthCountsBytesNotChars() {
        assertEquals(1, Utf8.length("a"));
        assertEquals(2, Utf8.length("é"));
        assertEquals(3, Utf8.length("€"));
        assertEquals(4, Utf8.length("😀"));
    }
}
