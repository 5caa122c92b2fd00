package io.switchboard.admin;

import io.switchboard.core.ManagedConnection;
import java.time.Instant;
import java.util.List;

/** One connection as the API shows it (CONTRACT.md section 7, {@code GET /api/connections}). */
public record ConnectionView(String id, String userId, String ip, String userAgent, String state,
                             String connectedAt, String lastSeenAt,
                             long messagesIn, long messagesOut, long bytesIn, long bytesOut,
                             int queued, List<String> channels) {

    public static ConnectionView of(ManagedConnection c) {
        return new ConnectionView(c.id(), c.userId(), c.remoteAddress(), c.userAgent(), c.state().name(),
                Instant.ofEpochMilli(c.connectedAtMillis()).toString(),
                Instant.ofEpochMilli(c.lastSeenMillis()).toString(),
                c.messagesIn(), c.messagesOut(), c.bytesIn(), c.bytesOut(),
                c.outbox().queuedMessages(), c.subscriptions());
    }
}
