package io.switchboard.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/** The operator's zombie sweep, {@code POST /api/zombies/cleanup}: what it closes and what it never closes. */
class ZombieCleanupTest {

    private static final Duration STEP = Duration.ofMillis(50);

    private final FakeClock clock = new FakeClock();
    private final Hub hub = new Hub(TestSettings.with(Map.of(
            "switchboard.heartbeat.interval", "10s",
            "switchboard.heartbeat.timeout", "3s",
            "switchboard.heartbeat.max-missed", "100",
            "switchboard.idle.timeout", "0",
            "switchboard.close.timeout", "5s")), clock, TestSettings.codec());

    private ManagedConnection open(RecordingConnection transport) {
        return hub.open(transport, new HandshakeInfo("127.0.0.1", "", "alice", HeartbeatMode.PROTOCOL));
    }

    private void runFor(Duration d) {
        clock.runFor(d, STEP, hub.sweeper());
    }

    private void runUntil(BooleanSupplier done) {
        for (int i = 0; i < 2_000 && !done.getAsBoolean(); i++) {
            runFor(STEP);
        }
        assertTrue(done.getAsBoolean(), "condition not reached");
    }

    @Test
    void aConnectionSilentPastItsPingsTimeoutIsClosedAndListedWhileOneThatAnsweredStays() {
        RecordingConnection silent = new RecordingConnection();
        RecordingConnection answering = new RecordingConnection();
        ManagedConnection zombie = open(silent);
        ManagedConnection healthy = open(answering);
        runUntil(() -> !silent.pings.isEmpty() && !answering.pings.isEmpty());
        clock.advance(Duration.ofMillis(20));
        hub.onPong(healthy);
        runFor(Duration.ofSeconds(3).plus(STEP));

        List<String> closed = hub.heartbeats().closeZombiesNow();

        assertEquals(List.of(zombie.id()), closed);
        assertEquals(List.of("1001 heartbeat timeout"), silent.closes);
        assertTrue(answering.closes.isEmpty(), answering.closes.toString());
        assertEquals(ConnectionState.OPEN, healthy.state());
        assertEquals(1, hub.heartbeats().stats().snapshot().zombiesClosed());
        assertEquals(List.of(), hub.heartbeats().closeZombiesNow(), "a second call closes nothing more");
    }

    @Test
    void aPingYoungerThanTheTimeoutIsNotYetAMiss() {
        RecordingConnection transport = new RecordingConnection();
        open(transport);
        assertEquals(List.of(), hub.heartbeats().closeZombiesNow(), "never pinged");
        runUntil(() -> !transport.pings.isEmpty());
        runFor(Duration.ofSeconds(2));

        assertEquals(List.of(), hub.heartbeats().closeZombiesNow());
        assertTrue(transport.closes.isEmpty());
    }

    @Test
    void silenceSinceTheEarlierPingCountsEvenWhenTheLastPingIsYoung() {
        RecordingConnection transport = new RecordingConnection();
        ManagedConnection c = open(transport);
        runUntil(() -> transport.pings.size() == 2);
        assertEquals(1, c.heartbeat().missedPongs());

        assertEquals(List.of(c.id()), hub.heartbeats().closeZombiesNow());
    }

    @Test
    void aMissTheSweeperCountedIsEnoughEvenWhenThePingWentOutLate() {
        RecordingConnection transport = new RecordingConnection();
        ManagedConnection c = open(transport);
        while (transport.pings.isEmpty()) { // a busy node: sweeps a second apart, so the ping goes out late
            clock.advance(Duration.ofSeconds(1));
            hub.sweeper().sweep();
        }
        // the check runs timeout after the ping's deadline, which can be sooner than timeout after its sending
        runUntil(() -> c.heartbeat().missedPongs() == 1);

        assertEquals(List.of(c.id()), hub.heartbeats().closeZombiesNow());
    }

    @Test
    void aLateAnswerAfterTheTimeoutIsStillProofOfLife() {
        RecordingConnection transport = new RecordingConnection();
        ManagedConnection c = open(transport);
        runUntil(() -> !transport.pings.isEmpty());
        runFor(Duration.ofSeconds(4)); // the check has counted a miss
        assertEquals(1, c.heartbeat().missedPongs());
        hub.onText(c, "{\"type\":\"ping\",\"id\":1}");

        assertEquals(List.of(), hub.heartbeats().closeZombiesNow());
        assertEquals(ConnectionState.OPEN, c.state());
    }

    @Test
    void aDrainThatStoppedTheHeartbeatsLeavesTheClosingToTheDrain() {
        RecordingConnection transport = new RecordingConnection();
        open(transport);
        runUntil(() -> !transport.pings.isEmpty());
        runFor(Duration.ofSeconds(4));
        hub.drain().start("test", clock.nanoTime());
        clock.advance(hub.settings().shutdown().drainTimeout());
        assertEquals(Drain.Phase.CLOSING, hub.drain().advance(clock.nanoTime()));

        assertEquals(List.of(), hub.heartbeats().closeZombiesNow());
        assertEquals(List.of("1001 server shutting down"), transport.closes, "only the drain's close");
    }
}
