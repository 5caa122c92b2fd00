package io.switchboard.core;

import static io.switchboard.core.RecordingConnection.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DrainTest {

    private final FakeClock clock = new FakeClock();
    private final Hub hub = new Hub(TestSettings.with(Map.of(
            "switchboard.shutdown.drain-timeout", "30s",
            "switchboard.close.timeout", "5s",
            "switchboard.shutdown.reconnect-jitter", "5s",
            "switchboard.shutdown.close-code", "4100")), clock, TestSettings.codec());
    private final Drain drain = hub.drain();

    {
        drain.useJitter(Drain.uniformJitter(Duration.ofSeconds(5), new SplittableRandom(42)));
    }
    private final List<RecordingConnection> transports = new ArrayList<>();

    private ManagedConnection connect() {
        RecordingConnection t = new RecordingConnection();
        transports.add(t);
        return hub.open(t, new HandshakeInfo("127.0.0.1", "", "user" + transports.size(), HeartbeatMode.PROTOCOL));
    }


    @Test
    void startRefusesNewConnectionsAndNotifiesEveryOpenOneWithJitterInsideTheWindow() {
        for (int i = 0; i < 200; i++) {
            connect();
        }

        assertTrue(drain.start("maintenance", clock.nanoTime()));

        assertTrue(hub.isDraining());
        assertEquals(Drain.Phase.WAITING, drain.phase());
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (RecordingConnection t : transports) {
            JsonObject notice = json(t.lastSent());
            assertEquals("shutdown", notice.getString("type"));
            assertEquals("maintenance", notice.getString("reason"));
            assertEquals(30_000, notice.getInt("drainMs"));
            long after = notice.getJsonNumber("reconnectAfterMs").longValue();
            assertTrue(after >= 0 && after <= 5_000, "reconnectAfterMs " + after);
            min = Math.min(min, after);
            max = Math.max(max, after);
        }
        assertTrue(max - min > 2_500, "the notices spread reconnects over the window: " + min + ".." + max);
        assertFalse(drain.start("again", clock.nanoTime()), "a second start changes nothing");
    }

    @Test
    void clientsThatLeaveEndTheWaitEarlyAndNothingIsClosedOrAborted() {
        ManagedConnection a = connect();
        ManagedConnection b = connect();
        drain.start("deploy", clock.nanoTime());

        clock.advance(Duration.ofSeconds(2));
        hub.onTransportClosed(a, 1000, "");
        assertEquals(Drain.Phase.WAITING, drain.advance(clock.nanoTime()));
        hub.onTransportClosed(b, 1000, "");
        assertEquals(Drain.Phase.DONE, drain.advance(clock.nanoTime()), "nobody left: done at once");

        Drain.Result r = drain.lastResult();
        assertEquals(2, r.connectionsAtStart());
        assertEquals(2, r.leftOnTheirOwn());
        assertEquals(0, r.closed());
        assertEquals(0, r.aborted());
        assertEquals(2_000, r.durationMs());
        assertTrue(transports.stream().allMatch(t -> t.closes.isEmpty()));
    }

    @Test
    void afterTheDrainTimeoutTheRestAreClosedWithTheCloseCodeAndUnansweredClosesAreAborted() {
        ManagedConnection leaves = connect();
        ManagedConnection answers = connect();
        ManagedConnection deaf = connect();
        AtomicInteger cleanups = new AtomicInteger();
        drain.onCompleted(cleanups::incrementAndGet);
        drain.start("shutdown", clock.nanoTime());

        hub.onTransportClosed(leaves, 1000, "");
        clock.advance(Duration.ofSeconds(29));
        assertEquals(Drain.Phase.WAITING, drain.advance(clock.nanoTime()));
        assertTrue(transports.get(1).closes.isEmpty());

        clock.advance(Duration.ofSeconds(1));
        assertEquals(Drain.Phase.CLOSING, drain.advance(clock.nanoTime()));
        assertEquals(List.of("4100 server shutting down"), transports.get(1).closes);
        assertEquals(List.of("4100 server shutting down"), transports.get(2).closes);
        hub.onTransportClosed(answers, 4100, "server shutting down");

        clock.advance(Duration.ofMillis(4_999));
        assertEquals(Drain.Phase.CLOSING, drain.advance(clock.nanoTime()));
        assertEquals(0, transports.get(2).aborts);
        clock.advance(Duration.ofMillis(1));
        assertEquals(Drain.Phase.DONE, drain.advance(clock.nanoTime()));

        assertEquals(1, transports.get(2).aborts);
        assertEquals(ConnectionState.CLOSED, deaf.state());
        assertEquals(0, hub.registry().size());
        Drain.Result r = drain.lastResult();
        assertEquals(new Drain.Result("shutdown", 35_000, 3, 3, 1, 1, 1), r);
        assertEquals(1, cleanups.get());
        assertEquals(Drain.Phase.DONE, drain.advance(clock.nanoTime()));
        assertEquals(1, cleanups.get(), "cleanups run exactly once");
        assertTrue(hub.isDraining(), "a finished drain still refuses new connections");
    }

    @Test
    void aWaitingDrainCanBeCancelledAndAdmitsAgain() {
        connect();
        drain.start("maintenance", clock.nanoTime());
        assertNull(drain.lastResult());

        assertTrue(drain.cancel());

        assertFalse(hub.isDraining());
        assertEquals(Drain.Phase.IDLE, drain.phase());
        clock.advance(Duration.ofMinutes(5));
        assertEquals(Drain.Phase.IDLE, drain.advance(clock.nanoTime()));
        assertEquals(1, hub.registry().size(), "a cancelled drain closes nothing");
        assertTrue(drain.start("again", clock.nanoTime()), "and can start again");
    }

    @Test
    void aDrainThatIsClosingCannotBeCancelled() {
        connect();
        drain.start("shutdown", clock.nanoTime());
        clock.advance(Duration.ofSeconds(30));
        drain.advance(clock.nanoTime());

        assertFalse(drain.cancel());
        assertTrue(hub.isDraining());
    }

    @Test
    void deadlinesHoldAcrossTheNanoTimeWrapAround() {
        connect();
        // FakeClock starts one minute before Long.MAX_VALUE: the 30 s and 5 s deadlines straddle the wrap
        clock.advance(Duration.ofSeconds(45));
        drain.start("shutdown", clock.nanoTime());
        clock.advance(Duration.ofSeconds(20));
        assertEquals(Drain.Phase.WAITING, drain.advance(clock.nanoTime()));
        clock.advance(Duration.ofSeconds(10));
        assertEquals(Drain.Phase.CLOSING, drain.advance(clock.nanoTime()));
        clock.advance(Duration.ofSeconds(5));
        assertEquals(Drain.Phase.DONE, drain.advance(clock.nanoTime()));
    }

    @Test
    void withNotifyOffNoNoticeIsSent() {
        Hub quiet = new Hub(TestSettings.with(Map.of("switchboard.shutdown.notify", "false")), clock, TestSettings.codec());
        RecordingConnection t = new RecordingConnection();
        quiet.open(t, new HandshakeInfo("127.0.0.1", "", "u", HeartbeatMode.PROTOCOL));
        Drain d = quiet.drain();
        d.useJitter(() -> 0);

        d.start("shutdown", clock.nanoTime());

        assertEquals(1, t.sent.size(), "only the welcome");
    }

    @Test
    void progressTellsThePhaseReasonElapsedTimeAndWhoIsLeft() {
        ManagedConnection a = connect();
        connect();
        assertEquals(new Drain.Progress(Drain.Phase.IDLE, "", 0, 0, 0, 2), drain.progress(clock.nanoTime()));

        drain.start("deploy", clock.nanoTime());
        clock.advance(Duration.ofMillis(1_500));
        hub.onTransportClosed(a, 1000, "");

        assertEquals(new Drain.Progress(Drain.Phase.WAITING, "deploy", 1_500, 2, 2, 1), drain.progress(clock.nanoTime()));
        assertTrue(drain.cancel());
        assertEquals(Drain.Phase.IDLE, drain.progress(clock.nanoTime()).phase());
    }

    @Test
    void aCloseWaitsForTheNoticeInFlightAndGoesAnywayHalfWayToTheCloseDeadline() {
        HeldConnection writing = new HeldConnection();
        ManagedConnection c = hub.open(writing, new HandshakeInfo("127.0.0.1", "", "held", HeartbeatMode.PROTOCOL));
        writing.completeOne(); // the welcome is written
        HeldConnection stuck = new HeldConnection();
        hub.open(stuck, new HandshakeInfo("127.0.0.1", "", "stuck", HeartbeatMode.PROTOCOL));
        stuck.completeOne();
        drain.start("deploy", clock.nanoTime()); // both notices stay in flight

        clock.advance(Duration.ofSeconds(30));
        assertEquals(Drain.Phase.CLOSING, drain.advance(clock.nanoTime()));
        assertEquals(List.of(), writing.closes, "the close frame does not cut the notice");
        writing.completeOne();
        assertEquals(List.of("4100 server shutting down"), writing.closes, "it follows the notice");
        assertEquals(ConnectionState.CLOSING, c.state());

        clock.advance(Duration.ofMillis(2_499));
        drain.advance(clock.nanoTime());
        assertEquals(List.of(), stuck.closes);
        clock.advance(Duration.ofMillis(1));
        drain.advance(clock.nanoTime());
        assertEquals(List.of("4100 server shutting down"), stuck.closes,
                "a notice never reported written does not keep the close frame back past half the close timeout");
        stuck.completeOne();
        assertEquals(1, stuck.closes.size(), "and it is sent once");
    }

    @Test
    void theLastResortClosesEveryRemainingConnectionWithTheCloseCodeThenAbortsWhatIsLeft() {
        ManagedConnection a = connect();
        ManagedConnection b = connect();
        hub.close(a, Disconnect.IDLE_TIMEOUT); // already closing: it gets the shutdown close frame too

        assertEquals(2, drain.closeRemaining());
        assertEquals(List.of("1001 idle timeout", "4100 server shutting down"), transports.get(0).closes);
        assertEquals(List.of("4100 server shutting down"), transports.get(1).closes);

        hub.onTransportClosed(b, 4100, "server shutting down");
        assertEquals(1, drain.abortRemaining());
        assertEquals(0, hub.registry().size());
    }
}
