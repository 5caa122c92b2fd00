package io.switchboard.endpoint;

import io.switchboard.core.Settings;
import jakarta.websocket.Session;

/**
 * The container's own message buffers for a session. Text messages are assembled within
 * {@code switchboard.limits.max-message-size} by {@link io.switchboard.core.MessageAssembler} from the
 * parts the container delivers; the text buffer set here is what the container may hold of one part
 * (Tyrus honours it; Undertow takes its limit from the annotation only). Binary messages are refused
 * at their first fragment ({@code SwitchboardEndpoint#onBinary}), so their buffer is kept small. See
 * {@code src/site/markdown/admission.md} for what each container buffers.
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
