package io.switchboard.endpoint.tyrus;

import io.switchboard.config.SettingsLoader;
import io.switchboard.core.Settings;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import java.util.Set;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Sets Tyrus's frame buffer parameters from {@code switchboard.limits.max-message-size}.
 *
 * <p>Tyrus (Payara) reads a whole frame into memory before anything of it reaches an endpoint, and
 * refuses a frame larger than its engine's buffer with its own 1011 "Buffer overflow.".
 * {@link FrameSplittingUpgrade} is what bounds that: it cuts every data frame longer than the limit
 * (or than 1 MiB) into fragments before Tyrus sees them. This initializer sets the context parameter
 * {@value #TYRUS_INCOMING_BUFFER} to twice the limit plus a frame header. Tyrus's servlet upgrade
 * handler reads the parameter at every upgrade and sizes its reads by it; Tyrus's engine reads it
 * once, in Tyrus's own initializer, which on Payara Micro runs before this one, so the engine keeps
 * its default of 4 MiB (observed: without the frame splitting, a single 640 KiB frame was delivered
 * whole with the parameter at 128 KiB, and a 100 MiB frame got 1011 after about 4 MB). Undertow
 * (WildFly) reads frames in pooled buffers and stops at the session's text buffer size (1009), so it
 * needs nothing here and ignores the parameter.
 */
public class ContainerBufferLimits implements ServletContainerInitializer {

    private static final Logger LOG = Logger.getLogger(ContainerBufferLimits.class.getName());

    /** Tyrus's context parameter for the per-connection frame buffer. */
    static final String TYRUS_INCOMING_BUFFER = "org.glassfish.tyrus.servlet.incoming-buffer-size";

    /** The largest WebSocket frame header: 2 bytes, 8 of extended length, 4 of mask. */
    static final int MAX_FRAME_HEADER = 14;

    @Override
    public void onStartup(Set<Class<?>> classes, ServletContext context) {
        Config config = ConfigProvider.getConfig(context.getClassLoader());
        Settings.Limits limits = SettingsLoader.load(key -> config.getOptionalValue(key, String.class)).limits();
        long bytes = Math.min(Integer.MAX_VALUE, 2 * limits.maxMessageSize() + MAX_FRAME_HEADER);
        if (context.setInitParameter(TYRUS_INCOMING_BUFFER, Long.toString(bytes))) {
            LOG.info("WebSocket frame buffer bounded at " + bytes + " bytes (" + TYRUS_INCOMING_BUFFER + ")");
        } else {
            LOG.info(TYRUS_INCOMING_BUFFER + " already set to " + context.getInitParameter(TYRUS_INCOMING_BUFFER)
                    + "; leaving it");
        }
    }
}
