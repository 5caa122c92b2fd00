package io.switchboard.lifecycle;

import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import java.util.Set;

/**
 * Drains when the web application is stopped (undeploy, redeploy). The listener is added from a
 * {@link ServletContainerInitializer} so that it is registered after the container's own WebSocket
 * listener and, listeners being destroyed in reverse order, stopped before it: the sessions are still
 * open when the drain sends its notices and close frames.
 */
public class DrainOnStopInitializer implements ServletContainerInitializer {

    @Override
    public void onStartup(Set<Class<?>> classes, ServletContext context) {
        context.addListener(new ServletContextListener() {
            @Override
            public void contextDestroyed(ServletContextEvent event) {
                DrainHooks.drainAndWait("application stopping");
            }
        });
    }
}
