package io.switchboard.endpoint;

import io.switchboard.core.Settings;
import jakarta.websocket.Session;

/**
 * Applies {@code switchboard.limits.max-message-size} to a session: the container assembles a text
 * message only up to this size and closes with 1009 past it (CONTRACT.md section 5). Binary messages
 * are refused at their first fragment ({@code SwitchboardEndpoint#onBinary}), so their buffer is kept
 * small. See {@code src/site/markdown/admission.md} for what each container buffers before this check.
 */
final class MessageSizeLimit {

    /** Enough for the first fragment of a binary message, which is refused anyway. */
    static final int BINARY_BUFFER_BYTES = 8 * 1024;

    private MessageSizeLimit() {
    }

    /**
     * Whether a transport error means the peer sent a frame larger than the container's frame buffer
     * ({@link ContainerBufferLimits}): Tyrus reports it to the endpoint as an
     * {@code IllegalArgumentException("Buffer overflow.")} and would close with 1011.
     */
    static boolean isFrameBufferOverflow(Throwable error) {
        return error instanceof IllegalArgumentException && error.getMessage() != null
                && error.getMessage().toLowerCase(java.util.Locale.ROOT).contains("buffer overflow");
    }

    static void apply(Session session, Settings.Limits limits) {
        session.setMaxTextMessageBufferSize((int) limits.maxMessageSize());
        session.setMaxBinaryMessageBufferSize(BINARY_BUFFER_BYTES);
    }
}
