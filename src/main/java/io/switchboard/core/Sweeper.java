package io.switchboard.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one timer of all connections: per-connection {@link Deadline}s and one-off tasks on a hashed
 * {@link TimerWheel}, advanced by {@link #sweep()} from one periodic task of the shell.
 *
 * <p>Whatever the number of connections, the shell schedules exactly one task that calls
 * {@link #sweep()} every {@link #tickNanos()}. A connection has one wheel node armed at its
 * earliest pending deadline; deadlines that only move later (idle, pong) are re-checked lazily
 * when they fall due instead of being re-armed on every frame. Deadlines fire at most one tick
 * late and never early.
 *
 * <p>{@link #schedule}, {@link #cancel} and {@link #release} may be called from any thread; they
 * hold the sweeper's lock for O(1) work. Handlers and tasks run on the sweeping thread outside the
 * lock; one that throws is counted and logged, and the sweep goes on.
 */
public final class Sweeper {

    /** What to do when a connection's deadline falls due. */
    @FunctionalInterface
    public interface Handler {
        /**
         * @param dueNanos the deadline as scheduled (periodic work re-arms from it, so it never drifts)
         * @param nowNanos the sweep's monotonic time, at most one tick after {@code dueNanos}
         */
        void expired(ManagedConnection c, long dueNanos, long nowNanos);
    }

    /** A one-off task armed with {@link #schedule(Runnable, long)}; {@link #cancel()} disarms it. */
    public final class Task extends TimerWheel.Node {
        private final Runnable body;

        private Task(Runnable body) {
            this.body = body;
        }

        /** Disarms the task; a no-op when it has run or was cancelled. */
        public void cancel() {
            synchronized (lock) {
                wheel.cancel(this);
            }
        }
    }

    /** Figures of the sweeper for health and stats. */
    public record Stats(long tickMillis, long sweeps, long fired, long errors, long lastSweepAgoMillis,
                        long lastSweepMicros, long busyMillis, int armed, boolean stalled) { }

    private static final Logger LOG = Logger.getLogger(Sweeper.class.getName());

    /** The wheel covers {@code 1024 × tick}; later deadlines take more than one revolution. */
    private static final int BUCKETS = 1024;

    private final Clock clock;
    private final Object lock = new Object();
    /** Guarded by {@link #lock}. */
    private final TimerWheel wheel;
    /** Indexed by {@link Deadline#ordinal()}; replaced whole, never changed in place. */
    private volatile Handler[] handlers = new Handler[Deadline.ALL.length];
    private final long stallNanos;

    private final LongAdder sweeps = new LongAdder();
    private final LongAdder fired = new LongAdder();
    private final LongAdder errors = new LongAdder();
    /** Total time spent inside {@link #sweep()}: the sweeper's share of one thread. */
    private final LongAdder busyNanos = new LongAdder();
    /** Monotonic time the last sweep finished (construction time before the first). */
    private volatile long lastSweepEnd;
    private volatile long lastSweepNanos;

    /**
     * @param tick how often the shell calls {@link #sweep()}: the resolution of every deadline
     */
    public Sweeper(Clock clock, Duration tick) {
        this.clock = Objects.requireNonNull(clock, "clock");
        long now = clock.nanoTime();
        this.wheel = new TimerWheel(BUCKETS, tick.toNanos(), now);
        this.lastSweepEnd = now;
        // a sweep that has not finished for ten ticks, and at least five seconds, has stalled
        this.stallNanos = Math.max(10 * tick.toNanos(), Duration.ofSeconds(5).toNanos());
    }

    /**
     * The sweep period for these settings: a tenth of the shortest timeout a sweep enforces,
     * between 10 ms and 1 s (500 ms with the documented defaults).
     */
    public static Duration tickFor(Settings s) {
        long shortest = Math.min(s.heartbeat().interval().toNanos(), s.heartbeat().timeout().toNanos());
        shortest = Math.min(shortest, s.closeTimeout().toNanos());
        shortest = Math.min(shortest, s.auth().timeout().toNanos());
        if (!s.idleTimeout().isZero()) {
            shortest = Math.min(shortest, s.idleTimeout().toNanos());
        }
        if (!s.timeSync().interval().isZero()) {
            shortest = Math.min(shortest, s.timeSync().interval().toNanos());
        }
        long tick = Math.max(Duration.ofMillis(10).toNanos(), Math.min(Duration.ofSeconds(1).toNanos(), shortest / 10));
        return Duration.ofNanos(tick);
    }

    public long tickNanos() {
        return wheel.tickNanos();
    }

    /** Sets the handler of one deadline kind (once, while the core is built). */
    public void on(Deadline kind, Handler handler) {
        Handler[] copy = handlers.clone();
        copy[kind.ordinal()] = Objects.requireNonNull(handler, "handler");
        handlers = copy;
    }

    /** Sets {@code c}'s deadline of this kind to {@code atNanos}, replacing any earlier one of the kind. */
    public void schedule(ManagedConnection c, Deadline kind, long atNanos) {
        ConnectionTimers t = c.timers();
        synchronized (lock) {
            if (t.released) {
                return;
            }
            t.at[kind.ordinal()] = atNanos;
            t.pending |= kind.bit();
            rearm(t);
        }
    }

    /** Removes {@code c}'s deadline of this kind, if any. */
    public void cancel(ManagedConnection c, Deadline kind) {
        ConnectionTimers t = c.timers();
        synchronized (lock) {
            t.pending &= ~kind.bit();
            if (t.pending == 0) {
                wheel.cancel(t);
            }
            // otherwise the node may fire early for the removed deadline and re-arm itself then
        }
    }

    /** Drops every deadline of {@code c} for good: called once when it is released. */
    public void release(ManagedConnection c) {
        ConnectionTimers t = c.timers();
        synchronized (lock) {
            t.released = true;
            t.pending = 0;
            wheel.cancel(t);
        }
    }

    /**
     * Runs {@code body} once on the sweeping thread at {@code atNanos}: for deadlines that belong to no
     * connection (an unclaimed handshake ticket, forgetting idle rate buckets, expiring history).
     */
    public Task schedule(Runnable body, long atNanos) {
        Task task = new Task(Objects.requireNonNull(body, "body"));
        synchronized (lock) {
            wheel.schedule(task, atNanos);
        }
        return task;
    }

    /** Guarded by {@link #lock}: arms the node at the earliest pending deadline if that is earlier than now armed. */
    private void rearm(ConnectionTimers t) {
        long earliest = t.earliest();
        if (!t.linked || earliest - t.armedFor < 0) {
            t.armedFor = earliest;
            wheel.schedule(t, earliest);
        }
    }

    /** One due item of a sweep: a task, or a connection's deadlines of the kinds in {@code kinds} with their times. */
    private record Due(Task task, ConnectionTimers timers, int kinds, long[] at) { }

    /**
     * Fires everything due by now. Called by the shell's one periodic task; never throws.
     *
     * @return how many deadlines and tasks ran
     */
    public int sweep() {
        long now = clock.nanoTime();
        List<TimerWheel.Node> expired = new ArrayList<>();
        // what came due, run after the lock is released
        List<Due> due = new ArrayList<>();
        synchronized (lock) {
            wheel.expire(now, expired);
            for (TimerWheel.Node node : expired) {
                if (node instanceof ConnectionTimers t) {
                    int dueBits = 0;
                    for (Deadline d : Deadline.ALL) {
                        if ((t.pending & d.bit()) != 0 && t.at[d.ordinal()] - now <= 0) {
                            dueBits |= d.bit();
                        }
                    }
                    t.pending &= ~dueBits;
                    if (t.pending != 0) {
                        rearm(t);
                    }
                    if (dueBits != 0) {
                        due.add(new Due(null, t, dueBits, t.at.clone()));
                    }
                } else {
                    due.add(new Due((Task) node, null, 0, null));
                }
            }
        }
        int ran = 0;
        for (Due d : due) {
            if (d.task != null) {
                ran += run(d.task.body, null, null, 0, now);
                continue;
            }
            for (Deadline kind : Deadline.ALL) {
                if ((d.kinds & kind.bit()) != 0) {
                    ran += run(null, d.timers.connection, kind, d.at[kind.ordinal()], now);
                }
            }
        }
        fired.add(ran);
        sweeps.increment();
        long end = clock.nanoTime();
        lastSweepNanos = end - now;
        busyNanos.add(end - now);
        lastSweepEnd = end;
        return ran;
    }

    private int run(Runnable task, ManagedConnection c, Deadline kind, long dueNanos, long now) {
        try {
            if (task != null) {
                task.run();
            } else {
                Handler h = handlers[kind.ordinal()];
                if (h == null) {
                    return 0;
                }
                h.expired(c, dueNanos, now);
            }
            return 1;
        } catch (RuntimeException | Error e) {
            errors.increment();
            LOG.log(Level.WARNING, "sweeper: " + (kind == null ? "task" : kind + " of " + c.id()) + " failed", e);
            return 0;
        }
    }

    /** Counts a failure of the shell's periodic task outside {@link #sweep()} (so it shows in the stats). */
    public void failed(Throwable e) {
        errors.increment();
        LOG.log(Level.WARNING, "sweeper task failed", e);
    }

    /** Whether no sweep has finished for ten ticks (and at least five seconds). */
    public boolean stalled() {
        return clock.nanoTime() - lastSweepEnd - stallNanos > 0;
    }

    public Stats stats() {
        int armed;
        synchronized (lock) {
            armed = wheel.size();
        }
        long now = clock.nanoTime();
        return new Stats(Duration.ofNanos(wheel.tickNanos()).toMillis(), sweeps.sum(), fired.sum(), errors.sum(),
                (now - lastSweepEnd) / 1_000_000L, lastSweepNanos / 1_000L, busyNanos.sum() / 1_000_000L, armed, stalled());
    }
}
