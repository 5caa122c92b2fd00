package io.switchboard.admin;

import io.switchboard.core.HeartbeatState;
import io.switchboard.core.ManagedConnection;
import java.time.Instant;
import java.util.List;

/**
 * One connection as the API shows it (operations.md, {@code GET /api/connections}).
 * {@code rttMs} is the smoothed heartbeat round trip and {@code lastRttMs} the latest one, both
 * {@code null} before the first answered ping; {@code clockOffsetMs} is the time-sync mean, or null.
 */
public record ConnectionView(String id, String userId, String ip, String userAgent, String state,
                             String connectedAt, String lastSeenAt, Double rttMs, Double lastRttMs,
                             int missedPongs, Double clockOffsetMs,
                             long messagesIn, long messagesOut, long bytesIn, long bytesOut,
                             int queued, List<String> channels) {

    public static ConnectionView of(ManagedConnection c) {
        HeartbeatState hb = c.heartbeat();
        return new ConnectionView(c.id(), c.userId(), c.remoteAddress(), c.userAgent(), c.state().name(),
                Instant.ofEpochMilli(c.connectedAtMillis()).toString(),
                Instant.ofEpochMilli(c.lastSeenMillis()).toString(),
                millis(hb.smoothedRttNanos()), millis(hb.lastRttNanos()), hb.missedPongs(), hb.clockOffsetMillis(),
                c.messagesIn(), c.messagesOut(), c.bytesIn(), c.bytesOut(),
                c.outbox().queuedMessages(), c.subscriptions());
    }

    private static Double millis(long nanos) {
        return nanos == HeartbeatState.UNKNOWN ? null : Math.round(nanos / 10_000.0) / 100.0;
    }
}
