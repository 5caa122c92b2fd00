package io.switchboard.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * The liveness rules of protocol.md on the {@link Sweeper}: heartbeat pings
 * (Ping frames, plus {@code ping} messages in app mode), missed-pong counting and zombie closes,
 * the idle timeout and time sync. It sends through a {@link Sender} and ends connections through a
 * {@link Closer}; once a drain closes connections itself, it pings and checks no more.
 *
 * <p>Built by the {@link Hub}, which calls {@link #opened}, {@link #received} and {@link #pongFrame};
 * everything else runs from the sweeper's deadlines. Proof of life is the
 * connection's {@link ManagedConnection#lastSeenNanos()}, which the hub updates on every frame.
 *
 * <p>Detection: a ping's check runs {@code timeout} after it and counts a miss when no frame
 * arrived since the ping; the {@code max-missed}-th consecutive miss closes the connection, at most
 * {@code (max-missed - 1) × interval + timeout} (plus one sweep tick) after the last proof of life.
 * A timeout longer than the interval is cut to the interval, so that checks never overlap.
 */
public final class Heartbeats {

    private final Sweeper sweeper;
    private final ConnectionRegistry registry;
    private final Sender sender;
    private final Closer closer;
    /** True once a drain closes the connections itself (protocol.md, drain step 4); false again if it is cancelled. */
    private final BooleanSupplier stopped;
    private final Clock clock;
    private final LifecycleLog log;
    private final HeartbeatStats stats = new HeartbeatStats();

    private final long intervalNanos;
    private final long timeoutNanos;
    private final int maxMissed;
    /** Zero when the idle timeout is off. */
    private final long idleNanos;
    /** Zero when time sync is off. */
    private final long timeSyncNanos;
    private final long maxOffsetMillis;

    Heartbeats(Settings s, Clock clock, Sweeper sweeper, LifecycleLog log, ConnectionRegistry registry,
               Sender sender, Closer closer, BooleanSupplier stopped) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sweeper = Objects.requireNonNull(sweeper, "sweeper");
        this.log = Objects.requireNonNull(log, "log");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.sender = Objects.requireNonNull(sender, "sender");
        this.closer = Objects.requireNonNull(closer, "closer");
        this.stopped = Objects.requireNonNull(stopped, "stopped");
        this.intervalNanos = s.heartbeat().interval().toNanos();
        this.timeoutNanos = Math.min(s.heartbeat().timeout().toNanos(), intervalNanos);
        this.maxMissed = Math.max(1, s.heartbeat().maxMissed());
        this.idleNanos = s.idleTimeout().toNanos();
        this.timeSyncNanos = s.timeSync().interval().toNanos();
        this.maxOffsetMillis = s.timeSync().maxOffset().toMillis();
        sweeper.on(Deadline.PING, this::ping);
        sweeper.on(Deadline.PONG, this::checkPong);
        sweeper.on(Deadline.IDLE, this::checkIdle);
        sweeper.on(Deadline.TIME_SYNC, this::requestTime);
        sweeper.on(Deadline.TIME_ANSWER, this::checkTimeAnswer);
    }

    public HeartbeatStats stats() {
        return stats;
    }

    /**
     * Arms a newly OPEN connection's deadlines. Its first ping comes after half to one interval,
     * spread by its id, so that connections opened together are not pinged together.
     */
    void opened(ManagedConnection c) {
        long now = clock.nanoTime();
        c.heartbeat().dataReceived(now);
        sweeper.schedule(c, Deadline.PING, now + spread(c, intervalNanos));
        if (idleNanos > 0) {
            sweeper.schedule(c, Deadline.IDLE, now + idleNanos);
        }
        if (timeSyncNanos > 0) {
            sweeper.schedule(c, Deadline.TIME_SYNC, now + spread(c, timeSyncNanos));
        }
    }

    private static long spread(ManagedConnection c, long period) {
        long fraction = c.id().hashCode() & 0xFFFF;
        return period / 2 + (period / 2) / 65_536 * fraction;
    }

    /** A message from an OPEN connection, after the hub has recorded the frame as proof of life. */
    void received(ManagedConnection c, Inbound message) {
        long now = clock.nanoTime();
        if (message instanceof Inbound.Pong pong) {
            // pongs are proof of life but not data: they do not hold off the idle timeout
            recordAnswer(c, pong.id(), now);
            return;
        }
        c.heartbeat().dataReceived(now);
        if (message instanceof Inbound.Time time) {
            onTime(c, time);
        }
    }

    /** A text frame that could not be decoded: still a data message for the idle timeout. */
    void dataReceived(ManagedConnection c) {
        c.heartbeat().dataReceived(clock.nanoTime());
    }

    /** A Pong control frame. */
    void pongFrame(ManagedConnection c) {
        recordAnswer(c, null, clock.nanoTime());
    }

    private void recordAnswer(ManagedConnection c, String id, long now) {
        long rtt = c.heartbeat().answered(id, now);
        if (rtt != HeartbeatState.UNKNOWN) {
            stats.recordRoundTrip(rtt);
        }
    }

    private void ping(ManagedConnection c, long due, long now) {
        if (stopped.getAsBoolean()) {
            return;
        }
        if (c.state() != ConnectionState.OPEN) {
            return;
        }
        long id = c.heartbeat().pingSent(now);
        // both from the deadline, not from now, so a sweep a tick late does not push later pings
        // and checks back; after a real stall the peer gets a fresh interval and a fair timeout
        long pongAt = due + timeoutNanos;
        sweeper.schedule(c, Deadline.PONG, pongAt - now < timeoutNanos / 2 ? now + timeoutNanos : pongAt);
        long nextPing = due + intervalNanos;
        sweeper.schedule(c, Deadline.PING, nextPing - now <= 0 ? now + intervalNanos : nextPing);
        stats.pingsSent.increment();
        if (!c.transport().sendPing(payload(id))) {
            closer.transportFailed(c); // the socket is gone: release now, not after max-missed pings
            return;
        }
        if (c.heartbeatMode() == HeartbeatMode.APP) {
            sender.send(c, new Outbound.Ping(id));
        }
    }

    private static byte[] payload(long id) {
        byte[] b = new byte[8];
        for (int i = 7; i >= 0; i--) {
            b[i] = (byte) id;
            id >>>= 8;
        }
        return b;
    }

    private void checkPong(ManagedConnection c, long due, long now) {
        if (stopped.getAsBoolean()) {
            return;
        }
        if (c.state() != ConnectionState.OPEN) {
            return;
        }
        HeartbeatState hb = c.heartbeat();
        if (c.lastSeenNanos() - hb.pingSentNanos() > 0) {
            hb.alive();
            stats.answered.increment();
            return;
        }
        stats.missed.increment();
        int missed = hb.missed();
        if (missed >= maxMissed) {
            stats.zombiesClosed.increment();
            long silentMs = (now - c.lastSeenNanos()) / 1_000_000L;
            log.event("zombie", c, "missedPongs=" + missed + " silentMs=" + silentMs);
            closer.close(c, Disconnect.HEARTBEAT_TIMEOUT);
        }
    }

    /**
     * An operator's zombie sweep ({@code POST /api/zombies/cleanup}): closes now, with 1001
     * {@code heartbeat timeout}, every OPEN connection that has been silent since a ping whose
     * {@code heartbeat.timeout} has passed (see {@link HeartbeatState#silentPastTimeout}), without
     * waiting for {@code max-missed} misses. A connection that sent any frame after its last ping is
     * never closed, nor one whose only unanswered ping is younger than the timeout. Does nothing
     * once a drain has stopped the heartbeats (the drain closes every connection itself).
     * May be called from any thread.
     *
     * @return the ids of the connections this call closed, oldest first
     */
    public List<String> closeZombiesNow() {
        List<String> closed = new ArrayList<>();
        if (stopped.getAsBoolean()) {
            return closed;
        }
        long now = clock.nanoTime();
        List<ManagedConnection> candidates = new ArrayList<>(registry.all());
        candidates.sort((a, b) -> Long.compare(a.connectedAtNanos() - now, b.connectedAtNanos() - now));
        for (ManagedConnection c : candidates) {
            if (c.state() != ConnectionState.OPEN || !c.heartbeat().silentPastTimeout(c.lastSeenNanos(), now, timeoutNanos)) {
                continue;
            }
            // an instance of our own, so that only a close this call started is counted and listed
            Disconnect why = new Disconnect(Disconnect.HEARTBEAT_TIMEOUT.code(), Disconnect.HEARTBEAT_TIMEOUT.reason());
            long silentMs = (now - c.lastSeenNanos()) / 1_000_000L;
            closer.close(c, why);
            if (c.closeCause() == why) {
                stats.zombiesClosed.increment();
                log.event("zombie", c, "missedPongs=" + c.heartbeat().missedPongs() + " silentMs=" + silentMs
                        + " trigger=api");
                closed.add(c.id());
            }
        }
        return closed;
    }

    private void checkIdle(ManagedConnection c, long due, long now) {
        if (stopped.getAsBoolean()) {
            return;
        }
        if (!c.state().isLive()) {
            return;
        }
        long idleAt = c.heartbeat().lastDataNanos() + idleNanos;
        if (idleAt - now > 0) {
            sweeper.schedule(c, Deadline.IDLE, idleAt);
            return;
        }
        stats.idleClosed.increment();
        closer.close(c, Disconnect.IDLE_TIMEOUT);
    }

    private void requestTime(ManagedConnection c, long due, long now) {
        if (stopped.getAsBoolean()) {
            return;
        }
        if (c.state() != ConnectionState.OPEN) {
            return;
        }
        long t0 = clock.epochMillis();
        c.heartbeat().timeRequested(t0);
        sweeper.schedule(c, Deadline.TIME_ANSWER, now + timeoutNanos);
        sweeper.schedule(c, Deadline.TIME_SYNC, due + timeSyncNanos);
        sender.send(c, new Outbound.Time(t0, null, null));
    }

    private void checkTimeAnswer(ManagedConnection c, long due, long now) {
        if (stopped.getAsBoolean()) {
            return;
        }
        if (c.state() == ConnectionState.OPEN && c.heartbeat().timeRequestPending()) {
            skewed(c, "no answer to time sync");
        }
    }

    /** A client's {@code time}: the answer to our request, or a request of its own, answered at once. */
    private void onTime(ManagedConnection c, Inbound.Time time) {
        long t3 = clock.epochMillis();
        if (time.t1() == null || time.t2() == null) {
            sender.send(c, new Outbound.Time(time.t0(), t3, clock.epochMillis()));
            return;
        }
        if (timeSyncNanos == 0 || !c.heartbeat().timeAnswered(time.t0())) {
            return; // late, repeated or unasked: nothing to measure
        }
        sweeper.cancel(c, Deadline.TIME_ANSWER);
        long t0 = time.t0();
        long t1 = time.t1();
        long t2 = time.t2();
        long offset = Math.floorDiv((t1 - t0) + (t2 - t3), 2);
        long rtt = (t3 - t0) - (t2 - t1);
        TimeSyncSamples samples = c.heartbeat().timeSamples();
        samples.add(offset, rtt, t3);
        Double mean = samples.meanOffsetMillis();
        if (mean != null && Math.abs(mean) > maxOffsetMillis) {
            skewed(c, "offsetMs=" + Math.round(mean));
        }
    }

    private void skewed(ManagedConnection c, String detail) {
        stats.clockSkewClosed.increment();
        log.event("clock-skew", c, detail);
        closer.close(c, Disconnect.CLOCK_SKEW);
    }
}
