package io.switchboard.lifecycle;

import io.switchboard.core.Gatekeeper;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One scheduled task on the container's {@link ManagedScheduledExecutorService} that calls
 * {@link Gatekeeper#expireAuth} every {@link #PERIOD_MS} ms: it closes connections that did not
 * authenticate within {@code switchboard.auth.timeout} and releases unclaimed handshake tickets.
 * One task for all connections; it is meant to move onto the one sweeper of all deadlines.
 */
@ApplicationScoped
public class AuthDeadlines {

    private static final Logger LOG = Logger.getLogger(AuthDeadlines.class.getName());

    /** Auth timeouts fire at most this late. */
    static final long PERIOD_MS = 250;

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Inject
    SwitchboardRuntime runtime;

    /** The periodic task; cancelled once, in {@link #stop}. */
    private ScheduledFuture<?> task;

    @PostConstruct
    void start() {
        task = scheduler.scheduleWithFixedDelay(this::tick, PERIOD_MS, PERIOD_MS, TimeUnit.MILLISECONDS);
    }

    /** Forces creation at deployment time. */
    void onStartup(@Observes @Initialized(ApplicationScoped.class) Object event) {
        // the observer's bean is created to deliver the event; nothing else to do
    }

    private void tick() {
        // a periodic task that throws is never run again: catch everything
        try {
            runtime.hub().gatekeeper().expireAuth(SystemClock.INSTANCE.nanoTime());
        } catch (RuntimeException | Error e) {
            LOG.log(Level.WARNING, "auth deadline sweep failed", e);
        }
    }

    @PreDestroy
    void stop() {
        if (task != null) {
            task.cancel(false);
        }
    }
}
