package io.switchboard.endpoint.tyrus;

import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import java.lang.reflect.Field;
import java.util.Set;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Gives Tyrus (Payara Micro) a lean scheduler for its per-session idle timer instead of the
 * container's managed one. Inert on other containers.
 *
 * <p>Tyrus restarts a session's idle-timeout task on every frame it sends or receives, Ping and
 * Pong included, even when the timeout is off (Switchboard turns it off and owns the rule): it then
 * schedules a task that does nothing, at once. On Payara that task goes to the default
 * {@code ManagedScheduledExecutorService}, whose context capture runs a {@code ServiceLoader}
 * scan of the caller's class loader through the server's jars for every task: at 19,000
 * connections with 5 s heartbeats that was three quarters of the server's CPU (the sweeper's
 * pings and the HTTP workers' pongs alike). Tyrus looks that executor up once, into its server
 * container, and hands it to every session it creates; this replaces it before the first session
 * with a {@link Lean} executor that runs a due-now task on the caller and keeps one daemon thread
 * for anything with a delay. Tyrus uses the executor for nothing else.
 *
 * <p>Tyrus-specific and done by reflection, so every failure leaves Tyrus as it was and says so in
 * the log; the send path keeps its own fallback ({@link JsrConnection}).
 */
public class TyrusSessionScheduler implements ServletContainerInitializer {

    private static final Logger LOG = Logger.getLogger(TyrusSessionScheduler.class.getName());

    /** Where the WebSocket specification puts the server container. */
    static final String SERVER_CONTAINER = "jakarta.websocket.server.ServerContainer";
    /** Tyrus's {@code BaseContainer} field that every new session's idle timer comes from. */
    static final String TYRUS_FIELD = "managedScheduledExecutorService";

    @Override
    public void onStartup(Set<Class<?>> classes, ServletContext context) {
        // listeners run after every initializer, so Tyrus's server container exists by then
        context.addListener(new ServletContextListener() {
            @Override
            public void contextInitialized(ServletContextEvent event) {
                install(event.getServletContext().getAttribute(SERVER_CONTAINER));
            }
        });
    }

    /** @return whether {@code container} is Tyrus's and now schedules its idle timers on a {@link Lean} executor */
    static boolean install(Object container) {
        Field field = tyrusField(container);
        if (field == null) {
            return false; // not Tyrus (Undertow on WildFly): nothing to do
        }
        try {
            field.setAccessible(true);
            field.set(container, new Lean());
            LOG.info("Tyrus session idle timers run on Switchboard's lean scheduler, not the managed executor");
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(Level.INFO, "Tyrus session idle timers left on the container's executor", e);
            return false;
        }
    }

    private static Field tyrusField(Object container) {
        for (Class<?> c = container == null ? null : container.getClass(); c != null; c = c.getSuperclass()) {
            if (c.getName().startsWith("org.glassfish.tyrus.")) {
                for (Field f : c.getDeclaredFields()) {
                    if (f.getName().equals(TYRUS_FIELD) && f.getType() == ScheduledExecutorService.class) {
                        return f;
                    }
                }
            }
        }
        return null;
    }

    /**
     * A scheduler that runs a task due now on the calling thread and anything later on one daemon
     * thread that exists only while there is something to wait for. It is never shut down: it holds
     * no thread when idle, and Tyrus may still schedule on it while the application stops.
     */
    static final class Lean extends ScheduledThreadPoolExecutor {

        Lean() {
            super(1, runnable -> {
                Thread t = new Thread(runnable, "switchboard-tyrus-timer");
                t.setDaemon(true);
                t.setContextClassLoader(null); // keeps no application class loader alive
                return t;
            });
            setRemoveOnCancelPolicy(true);
            setKeepAliveTime(10, TimeUnit.SECONDS);
            allowCoreThreadTimeOut(true);
        }

        @Override
        public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
            if (delay > 0) {
                return super.schedule(command, delay, unit);
            }
            try {
                command.run();
            } catch (RuntimeException e) {
                // as on an executor's thread: the task's failure stays with the task, not with the caller
                LOG.log(Level.FINE, "Tyrus timer task failed", e);
            }
            return Ran.INSTANCE;
        }
    }

    /** The future of a task that ran on the caller: done, not cancellable. */
    private static final class Ran implements ScheduledFuture<Object> {
        static final Ran INSTANCE = new Ran();

        @Override
        public long getDelay(TimeUnit unit) {
            return 0;
        }

        @Override
        public int compareTo(Delayed other) {
            return Long.compare(0, other.getDelay(TimeUnit.NANOSECONDS));
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            return false;
        }

        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public boolean isDone() {
            return true;
        }

        @Override
        public Object get() {
            return null;
        }

        @Override
        public Object get(long timeout, TimeUnit unit) {
            return null;
        }
    }
}
