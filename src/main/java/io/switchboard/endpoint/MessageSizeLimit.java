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

    static void apply(Session session, Settings.Limits limits) {
        session.setMaxTextMessageBufferSize((int) limits.maxMessageSize());
        session.setMaxBinaryMessageBufferSize(BINARY_BUFFER_BYTES);
    }
}
