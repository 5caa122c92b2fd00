package io.switchboard.lifecycle;

import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Where the container's stop hooks find the drain. The hooks (a JVM shutdown hook, a servlet context
 * listener, WildFly's suspend activity) are created by the container or the JVM, outside CDI, and may
 * run while CDI is already shutting down; {@link DrainService} registers itself here when it starts
 * and withdraws when it stops. One deployment, one class loader, one registration.
 */
public final class DrainHooks {

    private static final Logger LOG = Logger.getLogger(DrainHooks.class.getName());

    /** The running deployment's drain, or null when none is running. */
    private static volatile DrainService service;

    private DrainHooks() {
    }

    static void register(DrainService s) {
        service = s;
    }

    static void unregister(DrainService s) {
        if (service == s) {
            service = null;
        }
    }

    /** Drains this deployment and returns when it is done (at most drain-timeout + close.timeout). */
    public static void drainAndWait(String reason) {
        with(s -> s.drainAndWait(reason));
    }

    /** Lets connections in again after a suspend is undone; a drain that is closing connections goes on. */
    public static void resume() {
        with(DrainService::cancel);
    }

    private static void with(Consumer<DrainService> action) {
        DrainService s = service;
        if (s == null) {
            LOG.fine("no running Switchboard deployment to drain");
            return;
        }
        action.accept(s);
    }
}
