package io.switchboard.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * How a slow consumer is closed: what waits is dropped at once, the frame already with the
 * transport finishes, then the close frame; a peer that never lets that frame finish is aborted
 * after {@code close.timeout}.
 */
class SlowConsumerCloseTest {

    private final FakeClock clock = new FakeClock();
    private final Hub hub = new Hub(TestSettings.with(Map.of(
            "switchboard.send.max-queued-messages", "3",
            "switchboard.send.max-queued-bytes", "1MiB",
            "switchboard.close.timeout", "5s")), clock, TestSettings.codec());
    private final HeldConnection slow = new HeldConnection();
    private final ManagedConnection c = hub.open(slow, new HandshakeInfo("127.0.0.1", "test", "slow", HeartbeatMode.PROTOCOL));

    /** Reads the welcome, then stops reading with {@code n} messages sent: one in flight, the rest waiting. */
    private void overflowWith(int n) {
        slow.completeAll();
        for (int i = 0; i < n; i++) {
            hub.send(c, new Outbound.Pong(Integer.toString(i)));
        }
    }

    private void after(Duration d) {
        clock.advance(d);
        hub.sweeper().sweep();
    }

    @Test
    void theCloseFrameFollowsTheFrameInFlightAndNothingThatWaited() {
        overflowWith(5); // one in flight, three waiting, the fifth overflows
        assertEquals(ConnectionState.CLOSING, c.state());
        assertEquals(0, c.outbox().queuedMessages(), "what waited is dropped at once");
        assertTrue(slow.closes.isEmpty());

        hub.send(c, new Outbound.Pong("99"));
        assertEquals(1, slow.pendingCount(), "a send after the overflow waits for nothing and is dropped");

        after(Duration.ofSeconds(1));
        slow.completeOne();
        assertEquals(List.of("1008 slow consumer"), slow.closes);
        assertEquals(0, slow.aborts);

        hub.onTransportClosed(c, 1008, "slow consumer");
        after(Duration.ofSeconds(10));
        assertEquals(0, slow.aborts, "a close handshake that finished is not aborted");
        assertEquals(0, hub.sweeper().stats().armed());
    }

    @Test
    void aPeerThatNeverReadsIsAbortedAfterTheCloseTimeout() {
        overflowWith(5);
        after(Duration.ofMillis(4_900));
        assertEquals(0, slow.aborts, "not before close.timeout");
        after(Duration.ofMillis(100).plusNanos(hub.sweeper().tickNanos()));

        assertEquals(1, slow.aborts);
        assertTrue(slow.closes.isEmpty(), "no close frame behind a frame that never finished");
        assertEquals(ConnectionState.CLOSED, c.state());
        assertEquals(0, hub.registry().size());
    }

    @Test
    void aPeerThatReadsLateGetsTheCloseTimeoutAgainForTheHandshake() {
        overflowWith(5);
        after(Duration.ofSeconds(4));
        slow.completeOne(); // the frame in flight finishes just before the timeout: the close frame goes out
        assertEquals(List.of("1008 slow consumer"), slow.closes);

        after(Duration.ofSeconds(4));
        assertEquals(0, slow.aborts, "the handshake has its own close.timeout from the close frame");
        after(Duration.ofSeconds(1).plusNanos(hub.sweeper().tickNanos()));
        assertEquals(1, slow.aborts, "and is aborted when it does not answer within it");
    }

    @Test
    void withNothingInFlightTheCloseFrameGoesAtOnce() {
        SendQueue q = c.outbox();
        slow.completeAll();
        q.shut();
        hub.close(c, Disconnect.SLOW_CONSUMER);
        assertEquals(List.of("1008 slow consumer"), slow.closes);
    }
}
