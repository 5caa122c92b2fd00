package io.switchboard.lifecycle;

import io.switchboard.core.Sweeper;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Runs the core {@link Sweeper} on the container's {@code ManagedScheduledExecutorService}: one
 * periodic task for every connection of the node, every {@link Sweeper#tickNanos()}. The task
 * never lets anything escape (a periodic task that throws is never run again), and it is cancelled
 * here when the application stops rather than left to the container.
 */
@ApplicationScoped
public class SweeperSchedule {

    private static final Logger LOG = Logger.getLogger(SweeperSchedule.class.getName());

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Inject
    SwitchboardRuntime runtime;

    /** The one periodic task; null until started, and after it is cancelled. */
    private ScheduledFuture<?> task;

    void onStartup(@Observes @Initialized(ApplicationScoped.class) Object event) {
        start();
    }

    synchronized void start() {
        if (task != null) {
            return;
        }
        Sweeper sweeper = runtime.hub().sweeper();
        long tick = sweeper.tickNanos();
        task = scheduler.scheduleWithFixedDelay(() -> sweepOnce(sweeper), tick, tick, TimeUnit.NANOSECONDS);
        LOG.info("heartbeat sweeper started: one task every " + TimeUnit.NANOSECONDS.toMillis(tick) + " ms");
    }

    private static void sweepOnce(Sweeper sweeper) {
        try {
            sweeper.sweep();
        } catch (Throwable e) {
            sweeper.failed(e);
        }
    }

    @PreDestroy
    synchronized void stop() {
        if (task != null) {
            task.cancel(false);
            task = null;
        }
    }
}
