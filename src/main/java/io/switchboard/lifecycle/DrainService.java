package io.switchboard.lifecycle;

import io.switchboard.core.Drain;
import io.switchboard.core.Hub;
import io.switchboard.core.StopRehearsal;
import io.switchboard.codec.JsonMessageCodec;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs the core {@link Drain} for the container (protocol.md).
 *
 * <p>Two ways in. An operator's drain ({@code POST /api/drain}) is driven by a periodic task on the
 * container's {@link ManagedScheduledExecutorService} and can be cancelled. A stopping application is
 * drained by {@link #drainAndWait}, called from the earliest stop hook each container offers (see
 * {@link DrainHooks}); it drives the drain on the caller's own thread, because by then the managed
 * executor may refuse new work, and returns only when every connection is gone, so that clients see our
 * notice and our close code before the container tears the sessions down.
 */
@ApplicationScoped
public class DrainService {

    private static final Logger LOG = Logger.getLogger(DrainService.class.getName());
    private static final long STEP_MS = 50;

    @Inject
    SwitchboardRuntime runtime;

    @Resource
    ManagedScheduledExecutorService scheduler;

    private static final Logger LIFECYCLE = Logger.getLogger("io.switchboard.lifecycle");

    private Drain drain;
    private Thread shutdownHook;
    /** Set once the JVM has begun to shut down; never cleared. */
    private volatile boolean jvmStopping;
    /** The operator drain's periodic task, or null when none runs. Guarded by this. */
    private ScheduledFuture<?> ticker;

    @PostConstruct
    void start() {
        Hub hub = runtime.hub();
        drain = hub.drain();
        drain.logTo(this::logDrainEvent);
        try {
            // with ApplicationClasses (at the servlet context's start): the stop needs no class loading
            StopRehearsal.run(hub.settings(), new JsonMessageCodec());
        } catch (RuntimeException | LinkageError e) {
            LOG.log(Level.WARNING, "the drain's rehearsal at start failed; a stop may not drain cleanly", e);
        }
        DrainHooks.register(this);
        // On Payara Micro a JVM shutdown hook runs seconds before the application is stopped: start
        // refusing and notifying there. On WildFly the suspend activity gets there first.
        shutdownHook = new Thread(() -> {
            jvmStopping = true;
            drainAndWait("server shutting down");
        }, "switchboard-drain-on-exit");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * Where the container keeps its log handlers open through its own shutdown: WildFly does (its
     * suspend step runs the drain), and it logs whatever reaches standard error as {@code ERROR [stderr]}.
     */
    private static final boolean LOG_OUTLIVES_SHUTDOWN = System.getProperty("jboss.home.dir") != null;

    /**
     * Logs a drain event. During the JVM's shutdown Payara Micro has already closed its log handlers
     * (as soon as its shutdown hook runs), so there the line also goes to standard error, where the
     * process's own output still reaches the operator.
     */
    private void logDrainEvent(String line) {
        LIFECYCLE.info(line);
        if (jvmStopping && !LOG_OUTLIVES_SHUTDOWN) {
            System.err.println(line);
        }
    }

    /** Forces creation at deployment time, so that the stop hooks are in place before the first client. */
    void onStartup(@Observes @Initialized(ApplicationScoped.class) Object event) {
        drain.phase();
    }

    public Drain drain() {
        return drain;
    }

    /** Starts an operator's drain; the node keeps running and refusing connections until {@link #cancel}. */
    public synchronized boolean startMaintenance(String reason) {
        Hub hub = runtime.hub();
        if (!drain.start(reason, hub.clock().nanoTime())) {
            return false;
        }
        ticker = scheduler.scheduleWithFixedDelay(this::tick, STEP_MS, STEP_MS, TimeUnit.MILLISECONDS);
        return true;
    }

    private void tick() {
        try {
            Drain.Phase phase = drain.advance(runtime.hub().clock().nanoTime());
            if (phase == Drain.Phase.DONE || phase == Drain.Phase.IDLE) {
                stopTicker();
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "drain step failed; retrying", e);
        }
    }

    private synchronized void stopTicker() {
        if (ticker != null) {
            ticker.cancel(false);
            ticker = null;
        }
    }

    /** Cancels a drain that is still waiting for clients, or ends one that has finished: see {@link Drain#cancel}. */
    public boolean cancel() {
        boolean cancelled = drain.cancel();
        if (cancelled) {
            stopTicker();
        }
        return cancelled;
    }

    /**
     * Drains now, or joins the drain under way, and returns when it is done or its deadline has passed.
     * Safe to call from several stop hooks at once: all of them return when the one drain is done.
     * Never throws: should the drain fail, every remaining connection is still closed with the configured
     * close code, and whatever does not finish its close handshake within {@code close.timeout} is aborted.
     */
    public void drainAndWait(String reason) {
        try {
            drainUntilDone(reason);
        } catch (Throwable e) {
            closeRemainingAfter(e);
        }
    }

    private void drainUntilDone(String reason) {
        Hub hub = runtime.hub();
        drain.start(reason, hub.clock().nanoTime());
        Duration budget = hub.settings().shutdown().drainTimeout().plus(hub.settings().closeTimeout()).plusSeconds(2);
        long deadline = hub.clock().nanoTime() + budget.toNanos();
        while (drain.advance(hub.clock().nanoTime()) != Drain.Phase.DONE) {
            if (hub.clock().nanoTime() - deadline >= 0) {
                LOG.warning("event=drain phase=overrun: still " + hub.registry().size() + " connections after " + budget);
                return;
            }
            try {
                Thread.sleep(STEP_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** The drain failed: close what is left with our code, wait up to close.timeout, abort the rest. */
    private void closeRemainingAfter(Throwable failure) {
        try {
            report("event=drain phase=failed error=" + failure, failure);
            int closed = drain.closeRemaining();
            Hub hub = runtime.hub();
            long deadline = hub.clock().nanoTime() + hub.settings().closeTimeout().toNanos();
            while (hub.registry().size() > 0 && hub.clock().nanoTime() - deadline < 0) {
                Thread.sleep(STEP_MS);
            }
            int aborted = drain.abortRemaining();
            report("event=drain phase=done after=failure closed=" + closed + " aborted=" + aborted, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable e) {
            report("event=drain phase=failed again error=" + e, e);
        }
    }

    /** To the log and, while the JVM stops, to standard error: never throws. */
    private void report(String line, Throwable failure) {
        try {
            LOG.log(Level.SEVERE, line, failure);
        } catch (Throwable ignored) {
            // the container's logging is gone: standard error below still reaches the operator
        }
        if (jvmStopping) {
            System.err.println(line);
            if (failure != null) {
                failure.printStackTrace();
            }
        }
    }

    @PreDestroy
    void stop() {
        drainAndWait("application stopping");
        stopTicker();
        DrainHooks.unregister(this);
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down: the hook is running or has run
        }
    }
}
