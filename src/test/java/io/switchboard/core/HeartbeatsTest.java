package io.switchboard.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HeartbeatsTest {

    private static final Duration STEP = Duration.ofMillis(50);
    /** Looked up once: {@code Json.createReader} finds the provider again on every call. */
    private static final jakarta.json.JsonReaderFactory JSON = Json.createReaderFactory(Map.of());

    private final FakeClock clock = new FakeClock();
    private Hub hub = hub(Map.of());

    private Hub hub(Map<String, String> overrides) {
        Map<String, String> settings = new HashMap<>(Map.of(
                "switchboard.heartbeat.interval", "10s",
                "switchboard.heartbeat.timeout", "3s",
                "switchboard.heartbeat.max-missed", "3",
                "switchboard.idle.timeout", "0",
                "switchboard.close.timeout", "5s"));
        settings.putAll(overrides);
        return new Hub(TestSettings.with(settings), clock, TestSettings.codec());
    }

    private ManagedConnection open(RecordingConnection transport, HeartbeatMode mode) {
        return hub.open(transport, new HandshakeInfo("127.0.0.1", "", "alice", mode));
    }

    /** Moves the fake clock in small steps, sweeping after each, as the shell's task would. */
    private void runFor(Duration d) {
        clock.runFor(d, STEP, hub.sweeper());
    }

    /** Runs until {@code done} holds, at most {@code limit}; returns how long it took. */
    private Duration runUntil(java.util.function.BooleanSupplier done, Duration limit) {
        Duration elapsed = Duration.ZERO;
        while (!done.getAsBoolean() && elapsed.compareTo(limit) < 0) {
            runFor(STEP);
            elapsed = elapsed.plus(STEP);
        }
        return elapsed;
    }

    private Duration runUntilClosed(RecordingConnection transport, Duration limit) {
        return runUntil(() -> !transport.closes.isEmpty(), limit);
    }

    private static List<JsonObject> sentOfType(RecordingConnection transport, String type) {
        List<JsonObject> out = new ArrayList<>();
        for (String text : transport.sent) {
            JsonObject o = JSON.createReader(new StringReader(text)).readObject();
            if (type.equals(o.getString("type"))) {
                out.add(o);
            }
        }
        return out;
    }

    @Test
    void unansweredPingsCloseTheConnectionAsZombieWithinTheWorstCase() {
        RecordingConnection transport = new RecordingConnection();
        open(transport, HeartbeatMode.PROTOCOL);

        runUntil(() -> !transport.pings.isEmpty(), Duration.ofSeconds(11));

        // worst case from the first unanswered ping: (3 - 1) × 10 s + 3 s, plus one tick
        Duration took = runUntilClosed(transport, Duration.ofSeconds(60));

        assertEquals(List.of("1001 heartbeat timeout"), transport.closes);
        Duration bound = Duration.ofSeconds(23).plusMillis(hub.sweeper().stats().tickMillis());
        assertTrue(took.compareTo(bound) <= 0, "took " + took + ", bound " + bound);
        assertEquals(3, transport.pings.size());
        assertEquals(1, hub.heartbeats().stats().snapshot().zombiesClosed());
        assertEquals(3, hub.heartbeats().stats().snapshot().missed());
    }

    @Test
    void pongFramesKeepAConnectionOpenAndMeasureTheRoundTrip() {
        RecordingConnection transport = new RecordingConnection();
        ManagedConnection c = open(transport, HeartbeatMode.PROTOCOL);
        int answered = 0;
        for (int i = 0; i < 20 * 120; i++) { // two minutes
            runFor(STEP);
            if (transport.pings.size() > answered) {
                answered = transport.pings.size();
                clock.advance(Duration.ofMillis(40));
                hub.onPong(c);
            }
        }
        assertTrue(transport.closes.isEmpty(), transport.closes.toString());
        assertTrue(answered >= 11, "pings " + answered);
        assertEquals(0, c.heartbeat().missedPongs());
        assertTrue(c.heartbeat().lastRttNanos() >= 40_000_000L && c.heartbeat().lastRttNanos() <= 90_000_000L);
        assertTrue(c.heartbeat().smoothedRttNanos() >= 40_000_000L && c.heartbeat().smoothedRttNanos() <= 90_000_000L);
        RttHistogram.Percentiles p = hub.heartbeats().stats().snapshot().rtt();
        assertEquals(answered, p.count());
        assertEquals(65.0, p.p50(), 30.0);
    }

    @Test
    void anyDataFrameIsProofOfLifeAndResetsTheMisses() {
        RecordingConnection transport = new RecordingConnection();
        ManagedConnection c = open(transport, HeartbeatMode.PROTOCOL);
        runUntil(() -> transport.pings.size() == 3, Duration.ofSeconds(40));
        assertEquals(2, c.heartbeat().missedPongs());

        clock.advance(Duration.ofSeconds(1));
        hub.onText(c, "{\"type\":\"ping\",\"id\":1}"); // after the third ping, before its check
        runFor(Duration.ofSeconds(5));

        assertTrue(transport.closes.isEmpty());
        assertEquals(0, c.heartbeat().missedPongs());
    }

    @Test
    void aZombieThatIgnoresTheCloseFrameIsAbortedAfterTheCloseTimeoutAndReleasedOnce() {
        RecordingConnection transport = new RecordingConnection();
        ManagedConnection c = open(transport, HeartbeatMode.PROTOCOL);
        runUntilClosed(transport, Duration.ofSeconds(60));
        assertEquals(ConnectionState.CLOSING, c.state());

        runFor(Duration.ofMillis(4_900));
        assertEquals(0, transport.aborts);
        runFor(Duration.ofMillis(700));

        assertEquals(1, transport.aborts);
        assertEquals(ConnectionState.CLOSED, c.state());
        assertEquals(1, hub.counters().enteredCount(ConnectionState.CLOSED), "released once");
        assertFalse(hub.registry().find(c.id()).isPresent());
        assertEquals(Map.of(1001, 1L), hub.counters().closesByCode());
        hub.onTransportClosed(c, 1006, ""); // the container's own report comes later: nothing happens twice
        assertEquals(1, hub.counters().enteredCount(ConnectionState.CLOSED), "still released once");
    }

    @Test
    void aCloseHandshakeThatFinishesInTimeIsNotAborted() {
        RecordingConnection transport = new RecordingConnection();
        ManagedConnection c = open(transport, HeartbeatMode.PROTOCOL);
        hub.close(c, new Disconnect(1000, ""));
        runFor(Duration.ofSeconds(1));
        hub.onTransportClosed(c, 1000, "");
        runFor(Duration.ofSeconds(10));
        assertEquals(0, transport.aborts);
        assertEquals(0, hub.sweeper().stats().armed());
    }

    @Test
    void appModeSendsPingMessagesAndItsPongsMeasureTheRoundTrip() {
        RecordingConnection transport = new RecordingConnection();
        ManagedConnection c = open(transport, HeartbeatMode.APP);
        runUntil(() -> !transport.pings.isEmpty(), Duration.ofSeconds(11));

        List<JsonObject> pings = sentOfType(transport, "ping");
        assertEquals(1, pings.size());
        assertEquals(1, transport.pings.size(), "the Ping frame goes out too");
        long id = pings.get(0).getJsonNumber("id").longValue();
        clock.advance(Duration.ofMillis(120));
        hub.onText(c, "{\"type\":\"pong\",\"id\":" + (id + 7) + "}");
        assertEquals(HeartbeatState.UNKNOWN, c.heartbeat().lastRttNanos(), "a pong with another id measures nothing");
        hub.onText(c, "{\"type\":\"pong\",\"id\":" + id + "}");
        long rtt = c.heartbeat().lastRttNanos();
        assertTrue(rtt >= Duration.ofMillis(120).toNanos() && rtt <= Duration.ofMillis(170).toNanos(), "rtt " + rtt);
        runFor(Duration.ofSeconds(30));
        assertTrue(transport.closes.isEmpty());
    }

    @Test
    void theIdleTimeoutCountsDataMessagesOnlyNotPongs() {
        hub = hub(Map.of("switchboard.idle.timeout", "30s"));
        RecordingConnection transport = new RecordingConnection();
        ManagedConnection c = open(transport, HeartbeatMode.APP);
        runFor(Duration.ofSeconds(20));
        hub.onText(c, "{\"type\":\"ping\",\"id\":1}"); // data: the idle clock starts again
        for (int i = 0; i < 290; i++) {
            runFor(Duration.ofMillis(100));
            hub.onPong(c);
            hub.onText(c, "{\"type\":\"pong\",\"id\":1}");
        }
        assertTrue(transport.closes.isEmpty(), "closed early: " + transport.closes);
        runFor(Duration.ofSeconds(2));
        assertEquals(List.of("1001 idle timeout"), transport.closes);
        assertEquals(1, hub.heartbeats().stats().snapshot().idleClosed());
    }

    @Test
    void aReconnectRequestSendsTheMessageThenClosesWithTheShutdownCodeAfterTheCloseTimeout() {
        RecordingConnection transport = new RecordingConnection();
        ManagedConnection c = open(transport, HeartbeatMode.PROTOCOL);
        assertTrue(hub.requestReconnect(c, "rebalance", 250, "ws://other:8080/ws"));

        JsonObject reconnect = sentOfType(transport, "reconnect").get(0);
        assertEquals("rebalance", reconnect.getString("reason"));
        assertEquals(250, reconnect.getInt("afterMs"));
        assertEquals("ws://other:8080/ws", reconnect.getString("url"));
        runFor(Duration.ofMillis(4_900));
        assertTrue(transport.closes.isEmpty());
        runFor(Duration.ofMillis(700));
        assertEquals(List.of("1001 reconnect"), transport.closes);
    }

    @Test
    void aReconnectedClientThatClosesInTimeIsNotClosedAgain() {
        RecordingConnection transport = new RecordingConnection();
        ManagedConnection c = open(transport, HeartbeatMode.PROTOCOL);
        hub.requestReconnect(c, "rebalance", 0, null);
        runFor(Duration.ofSeconds(1));
        hub.onTransportClosed(c, 1000, "");
        runFor(Duration.ofSeconds(10));
        assertTrue(transport.closes.isEmpty());
        assertFalse(hub.requestReconnect(c, "again", 0, null));
    }

    private Hub timeSyncHub() {
        return hub(Map.of("switchboard.timesync.interval", "5s", "switchboard.timesync.max-offset", "1s"));
    }

    /** Answers every pending time request as a client whose clock is {@code skewMs} ahead, after 20 ms. */
    private void answerTime(ManagedConnection c, RecordingConnection transport, int[] answered, long skewMs) {
        List<JsonObject> requests = sentOfType(transport, "time");
        while (answered[0] < requests.size()) {
            long t0 = requests.get(answered[0]++).getJsonNumber("t0").longValue();
            clock.advance(Duration.ofMillis(10));
            long t1 = clock.epochMillis() + skewMs;
            clock.advance(Duration.ofMillis(10));
            hub.onText(c, "{\"type\":\"time\",\"t0\":" + t0 + ",\"t1\":" + t1 + ",\"t2\":" + t1 + "}");
        }
    }

    @Test
    void timeSyncKeepsAClientWithinTheMaxOffsetAndRecordsItsOffset() {
        hub = timeSyncHub();
        RecordingConnection transport = new RecordingConnection();
        ManagedConnection c = open(transport, HeartbeatMode.PROTOCOL);
        int[] answered = {0};
        for (int i = 0; i < 600; i++) {
            runFor(Duration.ofMillis(100));
            answerTime(c, transport, answered, 300);
            hub.onPong(c);
        }
        assertTrue(answered[0] >= 11, "answered " + answered[0]);
        assertTrue(transport.closes.isEmpty(), transport.closes.toString());
        assertNotNull(c.heartbeat().clockOffsetMillis());
        // the answer waits for the next 100 ms step, which the offset formula halves
        assertEquals(300.0, c.heartbeat().clockOffsetMillis(), 60.0);
    }

    @Test
    void timeSyncClosesAClientWhoseClockIsTooFarOff() {
        hub = timeSyncHub();
        RecordingConnection transport = new RecordingConnection();
        ManagedConnection c = open(transport, HeartbeatMode.PROTOCOL);
        int[] answered = {0};
        for (int i = 0; i < 100 && transport.closes.isEmpty(); i++) {
            runFor(Duration.ofMillis(100));
            answerTime(c, transport, answered, -2_500);
        }
        assertEquals(List.of("1008 clock skew"), transport.closes);
        assertEquals(1, hub.heartbeats().stats().snapshot().clockSkewClosed());
    }

    @Test
    void timeSyncClosesAClientThatDoesNotAnswer() {
        hub = timeSyncHub();
        RecordingConnection transport = new RecordingConnection();
        ManagedConnection c = open(transport, HeartbeatMode.PROTOCOL);
        for (int i = 0; i < 100 && transport.closes.isEmpty(); i++) {
            runFor(Duration.ofMillis(100));
            hub.onPong(c);
        }
        assertEquals(1, sentOfType(transport, "time").size());
        assertEquals(List.of("1008 clock skew"), transport.closes);
    }

    @Test
    void aClientsOwnTimeRequestIsAnsweredWithTheServerTimes() {
        RecordingConnection transport = new RecordingConnection();
        ManagedConnection c = open(transport, HeartbeatMode.PROTOCOL);
        hub.onText(c, "{\"type\":\"time\",\"t0\":42}");
        JsonObject reply = sentOfType(transport, "time").get(0);
        assertEquals(42, reply.getJsonNumber("t0").longValue());
        assertEquals(clock.epochMillis(), reply.getJsonNumber("t1").longValue());
        assertEquals(clock.epochMillis(), reply.getJsonNumber("t2").longValue());
    }

    @Test
    void manyConnectionsOnOneSweeperArePingedOncePerIntervalSpreadOverIt() {
        List<RecordingConnection> transports = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            RecordingConnection t = new RecordingConnection();
            transports.add(t);
            open(t, HeartbeatMode.PROTOCOL);
        }
        runFor(Duration.ofMillis(7_500));
        long early = transports.stream().filter(t -> !t.pings.isEmpty()).count();
        assertTrue(early > 0 && early < 2_000, "first pings spread over the interval: " + early);
        runFor(Duration.ofMillis(3_000));
        assertTrue(transports.stream().allMatch(t -> t.pings.size() == 1));
        assertEquals(2_000, hub.sweeper().stats().armed());
    }

    @Test
    void aDrainThatClosesConnectionsItselfStopsThePingsButCloseHandshakesStillTimeOut() {
        RecordingConnection transport = new RecordingConnection();
        open(transport, HeartbeatMode.PROTOCOL);
        Drain drain = hub.drain();
        drain.start("test", clock.nanoTime());
        clock.advance(hub.settings().shutdown().drainTimeout());
        assertEquals(Drain.Phase.CLOSING, drain.advance(clock.nanoTime()));
        int pings = transport.pings.size();
        runFor(Duration.ofSeconds(4));
        assertEquals(pings, transport.pings.size(), "no ping once the drain closes connections");
        assertEquals(1, transport.closes.size(), "only the drain's close frame");

        runFor(Duration.ofSeconds(2));
        assertEquals(1, transport.aborts, "the close handshake still times out");
    }
}
