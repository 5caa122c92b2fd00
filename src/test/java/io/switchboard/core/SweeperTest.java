package io.switchboard.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SweeperTest {

    private static final Duration TICK = Duration.ofMillis(100);

    private final FakeClock clock = new FakeClock();
    private final Sweeper sweeper = new Sweeper(clock, TICK);
    private final Hub hub = new Hub(TestSettings.defaults(), clock, TestSettings.codec());
    private final List<String> fired = new ArrayList<>();

    private final Map<ManagedConnection, String> names = new java.util.HashMap<>();

    /**
     * A connection waiting for in-band auth, its auth deadline taken off the hub's sweeper so that
     * this test's sweeper owns its timers.
     */
    private ManagedConnection connection(String name) {
        ManagedConnection c = hub.open(new RecordingConnection(), new HandshakeInfo("127.0.0.1", "", null, HeartbeatMode.PROTOCOL));
        hub.sweeper().cancel(c, Deadline.AUTH);
        names.put(c, name);
        return c;
    }

    private void step(Duration d) {
        clock.advance(d);
        sweeper.sweep();
    }

    private void runFor(Duration total) {
        clock.runFor(total, Duration.ofMillis(10), sweeper);
    }

    @Test
    void aDeadlineFiresNeverEarlyAndAtMostOneTickLate() {
        ManagedConnection c = connection("a");
        sweeper.on(Deadline.AUTH, (conn, due, now) -> fired.add(conn.id() + "@" + now));
        long at = clock.nanoTime() + Duration.ofSeconds(2).toNanos();
        sweeper.schedule(c, Deadline.AUTH, at);

        runFor(Duration.ofMillis(1_990));
        assertTrue(fired.isEmpty(), "fired early");
        runFor(Duration.ofMillis(210));
        assertEquals(1, fired.size());
        long firedAt = Long.parseLong(fired.get(0).substring(fired.get(0).indexOf('@') + 1));
        assertTrue(firedAt - at >= 0 && firedAt - at <= TICK.toNanos() + Duration.ofMillis(10).toNanos(),
                "fired " + (firedAt - at) + " ns after its deadline");
    }

    @Test
    void deadlinesAcrossTheWrapAroundOfNanoTimeFireInOrder() {
        // FakeClock starts one minute before Long.MAX_VALUE: these deadlines lie on both sides of the wrap
        ManagedConnection early = connection("a");
        ManagedConnection late = connection("b");
        sweeper.on(Deadline.AUTH, (conn, due, now) -> fired.add(names.get(conn)));
        sweeper.schedule(late, Deadline.AUTH, clock.nanoTime() + Duration.ofSeconds(90).toNanos());
        sweeper.schedule(early, Deadline.AUTH, clock.nanoTime() + Duration.ofSeconds(30).toNanos());
        assertTrue(clock.nanoTime() + Duration.ofSeconds(90).toNanos() < 0, "the later deadline is past the wrap");

        runFor(Duration.ofSeconds(60));
        assertEquals(List.of("a"), fired);
        runFor(Duration.ofSeconds(31));
        assertEquals(List.of("a", "b"), fired);
    }

    @Test
    void deadlinesBeyondOneRevolutionOfTheWheelWaitForTheirTurn() {
        ManagedConnection c = connection("a");
        sweeper.on(Deadline.AUTH, (conn, due, now) -> fired.add("auth"));
        // 1024 buckets of 100 ms: 250 s is two and a half revolutions
        sweeper.schedule(c, Deadline.AUTH, clock.nanoTime() + Duration.ofSeconds(250).toNanos());
        for (int i = 0; i < 2_490; i++) {
            step(TICK);
        }
        assertTrue(fired.isEmpty());
        for (int i = 0; i < 12; i++) {
            step(TICK);
        }
        assertEquals(List.of("auth"), fired);
    }

    @Test
    void aLaterDeadlineReplacesTheEarlierOneOfTheSameKindAndCancelRemovesIt() {
        ManagedConnection c = connection("a");
        sweeper.on(Deadline.AUTH, (conn, due, now) -> fired.add("auth"));
        sweeper.on(Deadline.RECONNECT, (conn, due, now) -> fired.add("reconnect"));
        sweeper.schedule(c, Deadline.AUTH, clock.nanoTime() + Duration.ofSeconds(1).toNanos());
        sweeper.schedule(c, Deadline.AUTH, clock.nanoTime() + Duration.ofSeconds(3).toNanos());
        sweeper.schedule(c, Deadline.RECONNECT, clock.nanoTime() + Duration.ofSeconds(2).toNanos());
        sweeper.cancel(c, Deadline.RECONNECT);

        runFor(Duration.ofMillis(2_900));
        assertTrue(fired.isEmpty(), fired.toString());
        runFor(Duration.ofMillis(300));
        assertEquals(List.of("auth"), fired);
        runFor(Duration.ofSeconds(5));
        assertEquals(List.of("auth"), fired, "a deadline fires once");
    }

    @Test
    void aReleasedConnectionNeverFiresAgain() {
        ManagedConnection c = connection("a");
        sweeper.on(Deadline.AUTH, (conn, due, now) -> fired.add("auth"));
        sweeper.schedule(c, Deadline.AUTH, clock.nanoTime() + Duration.ofSeconds(1).toNanos());
        sweeper.release(c);
        sweeper.schedule(c, Deadline.AUTH, clock.nanoTime() + Duration.ofSeconds(1).toNanos());

        runFor(Duration.ofSeconds(2));
        assertTrue(fired.isEmpty());
        assertEquals(0, sweeper.stats().armed());
    }

    @Test
    void aHandlerThatThrowsIsCountedAndTheSweepGoesOn() {
        ManagedConnection bad = connection("bad");
        ManagedConnection good = connection("good");
        sweeper.on(Deadline.AUTH, (conn, due, now) -> {
            if (conn == bad) {
                throw new IllegalStateException("boom");
            }
            fired.add(names.get(conn));
        });
        sweeper.schedule(bad, Deadline.AUTH, clock.nanoTime() + Duration.ofSeconds(1).toNanos());
        sweeper.schedule(good, Deadline.AUTH, clock.nanoTime() + Duration.ofSeconds(1).toNanos());

        runFor(Duration.ofSeconds(2));
        assertEquals(List.of("good"), fired);
        assertEquals(1, sweeper.stats().errors());
        assertFalse(sweeper.stats().stalled());
    }

    @Test
    void oneOffTasksRunOnceUnlessCancelled() {
        sweeper.schedule(() -> fired.add("drain"), clock.nanoTime() + Duration.ofSeconds(1).toNanos());
        Sweeper.Task cancelled = sweeper.schedule(() -> fired.add("never"), clock.nanoTime() + Duration.ofSeconds(1).toNanos());
        cancelled.cancel();

        runFor(Duration.ofSeconds(3));
        assertEquals(List.of("drain"), fired);
    }

    @Test
    void aSweeperThatHasNotRunForTenTicksAndFiveSecondsHasStalled() {
        assertFalse(sweeper.stalled());
        clock.advance(Duration.ofSeconds(4));
        assertFalse(sweeper.stalled());
        clock.advance(Duration.ofSeconds(2));
        assertTrue(sweeper.stalled());
        sweeper.sweep();
        assertFalse(sweeper.stalled());
    }

    @Test
    void tenThousandConnectionsShareOneSweeperAndEachFiresOnce() {
        List<ManagedConnection> all = new ArrayList<>();
        int[] count = new int[1];
        sweeper.on(Deadline.AUTH, (conn, due, now) -> count[0]++);
        for (int i = 0; i < 10_000; i++) {
            ManagedConnection c = connection("u" + i);
            all.add(c);
            sweeper.schedule(c, Deadline.AUTH, clock.nanoTime() + Duration.ofMillis(i % 5_000).toNanos());
        }
        runFor(Duration.ofMillis(5_200));
        assertEquals(10_000, count[0]);
        assertEquals(0, sweeper.stats().armed());
    }

    @Test
    void theTickIsATenthOfTheShortestTimeoutWithinBounds() {
        assertEquals(Duration.ofMillis(500), Sweeper.tickFor(TestSettings.defaults()));
        assertEquals(Duration.ofMillis(50), Sweeper.tickFor(TestSettings.with(Map.of(
                "switchboard.heartbeat.interval", "1s", "switchboard.heartbeat.timeout", "500ms"))));
        assertEquals(Duration.ofMillis(10), Sweeper.tickFor(TestSettings.with(Map.of(
                "switchboard.close.timeout", "20ms"))));
    }
}
