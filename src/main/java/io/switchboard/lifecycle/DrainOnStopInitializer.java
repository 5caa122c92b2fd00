package io.switchboard.lifecycle;

import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Prepares the stop when the web application starts. It loads every class of the application
 * ({@link ApplicationClasses}), because a stopping container may no longer load any; and it drains when
 * the application is stopped (undeploy, redeploy). The listener is added from a
 * {@link ServletContainerInitializer} so that it is registered after the container's own WebSocket
 * listener and, listeners being destroyed in reverse order, stopped before it: the sessions are still
 * open when the drain sends its notices and close frames.
 */
public class DrainOnStopInitializer implements ServletContainerInitializer {

    private static final Logger LOG = Logger.getLogger(DrainOnStopInitializer.class.getName());
    private static final String CLASSES = "/WEB-INF/classes/";

    @Override
    public void onStartup(Set<Class<?>> classes, ServletContext context) {
        long started = System.nanoTime();
        ApplicationClasses.Loaded loaded = ApplicationClasses.loadAll(
                DrainOnStopInitializer.class.getClassLoader(), context::getResourcePaths, CLASSES);
        LOG.info("loaded " + loaded.loaded().size() + " application classes in "
                + (System.nanoTime() - started) / 1_000_000 + " ms, so that stopping needs none ("
                + loaded.skipped().size() + " are for another container)");
        context.addListener(new ServletContextListener() {
            @Override
            public void contextDestroyed(ServletContextEvent event) {
                DrainHooks.drainAndWait("application stopping");
            }
        });
    }
}
