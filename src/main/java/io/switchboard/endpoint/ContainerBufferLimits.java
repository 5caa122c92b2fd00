package io.switchboard.endpoint;

import io.switchboard.config.SettingsLoader;
import io.switchboard.core.Settings;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import java.util.Set;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Bounds what the container buffers of one incoming frame by {@code switchboard.limits.max-message-size}.
 *
 * <p>Tyrus (Payara) reads a whole frame into memory, up to its {@value #TYRUS_INCOMING_BUFFER} context
 * parameter (4 MiB by default), before anything of it reaches an endpoint; a frame that does not fit
 * that buffer is refused by Tyrus itself with 1011 "Buffer overflow.". {@link FrameSplittingUpgrade}
 * cuts every data frame over the limit into fragments of at most the limit before Tyrus sees them, so
 * Tyrus never needs more than the limit plus a frame header; this sets the buffer to twice the limit
 * plus a header, a margin that no frame Switchboard lets through reaches. Undertow (WildFly) reads
 * frames in pooled buffers and stops at the session's text buffer size (1009), so it needs nothing
 * here and ignores the parameter. Runs as a {@link ServletContainerInitializer} because Tyrus reads the
 * parameter once, when it starts the application's WebSocket container.
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
