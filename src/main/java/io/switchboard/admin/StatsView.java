package io.switchboard.admin;

import io.switchboard.core.ConnectionState;
import io.switchboard.core.Counters;
import io.switchboard.core.Drain;
import io.switchboard.core.HeartbeatStats;
import io.switchboard.core.HistoryStore;
import io.switchboard.core.Settings;
import io.switchboard.core.Hub;
import io.switchboard.core.ManagedConnection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code GET /api/stats}: the figures an operator watches and alerts on (operations.md). */
public record StatsView(NodeInfo node, Pool pool, Heartbeat heartbeat, Messages messages, Map<String, Long> closesByCode,
                        Map<String, Long> rejectionsByReason, Limits limits, History history, DrainState drain,
                        Tokens tokens) {

    /** How many users {@link Pool#topUsers} lists. */
    static final int TOP_USERS = 10;

    /** Connections against the global limit. */
    public record Pool(int active, int max, double utilisation, Map<String, Integer> byState, List<UserCount> topUsers) { }

    public record UserCount(String userId, int connections) { }

    public record Messages(long in, long out, long bytesIn, long bytesOut, long badRequests) { }

    /**
     * Enforcement of the limits (protocol.md): messages dropped with {@code rate_limited}, connections closed with
     * 1008 {@code rate limit exceeded} and 1008 {@code slow consumer}, messages over the warn size.
     */
    public record Limits(long rateLimitedMessages, long rateLimitCloses, long slowConsumerCloses, long largeMessages) { }

    /**
     * Heartbeat health: pings sent, answered and missed, the success rate (answered / (answered +
     * missed)), zombies closed and their share of all closes, and the round-trip percentiles in ms.
     */
    public record Heartbeat(long pingsSent, long answered, long missed, double successRate, long zombiesClosed,
                            double zombieRate, long idleClosed, long clockSkewClosed, long aborted,
                            long rttSamples, double rttP50Ms, double rttP90Ms, double rttP99Ms) { }

    /**
     * Token lifetime (protocol.md, token lifetime): refresh notices sent, in-band refreshes accepted and refused,
     * connections closed with 4001 {@code token expired}, connections closed by revoking their user,
     * and tokens the verifier refused as revoked.
     */
    public record Tokens(long refreshNotices, long refreshesOk, long refreshesFailed, long expiryCloses,
                         long revokedConnections, long revokedTokens) { }

    /**
     * Channel history (protocol.md, history): whether it is on, what it retains, what it dropped by cause, and
     * subscribes with {@code since} that continued without a gap ({@code recovered}) or could not.
     */
    public record History(boolean enabled, long channels, long messages, long bytes, long maxBytes,
                          Map<String, Long> evictions, long recovered, long recoveryFailed) { }

    /**
     * Where the drain is and how far it has got (while one runs: its reason, time since it started,
     * its {@code drain-timeout}, connections at its start and notified; {@code pool.active} is what is
     * left), and how the last one went ({@code -1} before the first).
     */
    public record DrainState(String phase, boolean draining, String reason, long elapsedMs, long timeoutMs,
                             int connectionsAtStart, int notified,
                             long lastDurationMs, int lastLeftOnTheirOwn, int lastClosed, int lastAborted) { }

    public static StatsView of(Hub hub, Drain drain, NodeInfo node) {
        int max = hub.settings().limits().maxConnections();
        Map<String, Integer> byState = new LinkedHashMap<>();
        hub.countByState().forEach((state, n) -> {
            if (state != ConnectionState.CLOSED) {
                byState.put(state.name().toLowerCase(Locale.ROOT), n);
            }
        });
        Map<String, Integer> perUser = new HashMap<>();
        int active = 0;
        for (ManagedConnection c : hub.registry().all()) {
            active++;
            if (c.userId() != null) {
                perUser.merge(c.userId(), 1, Integer::sum);
            }
        }
        List<UserCount> top = perUser.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey()))
                .limit(TOP_USERS)
                .map(e -> new UserCount(e.getKey(), e.getValue()))
                .toList();
        Counters c = hub.counters();
        // every known reason, zero or not, so that a client sees the full list from the start
        Map<String, Long> rejections = new LinkedHashMap<>();
        Counters.REJECTION_REASONS.forEach(reason -> rejections.put(reason, 0L));
        rejections.putAll(c.rejectionsByReason());
        Map<String, Long> closes = new LinkedHashMap<>();
        c.closesByCode().forEach((code, n) -> closes.put(Integer.toString(code), n));
        HeartbeatStats.Snapshot hb = hub.heartbeats().stats().snapshot();
        long allCloses = c.closesByCode().values().stream().mapToLong(Long::longValue).sum();
        Heartbeat heartbeat = new Heartbeat(hb.pingsSent(), hb.answered(), hb.missed(), hb.successRate(),
                hb.zombiesClosed(), allCloses == 0 ? 0.0 : Math.round(10_000.0 * hb.zombiesClosed() / allCloses) / 10_000.0,
                hb.idleClosed(), hb.clockSkewClosed(), hb.aborted(),
                hb.rtt().count(), hb.rtt().p50(), hb.rtt().p90(), hb.rtt().p99());
        return new StatsView(node,
                new Pool(active, max, Math.round(10_000.0 * active / max) / 10_000.0, byState, top),
                heartbeat,
                new Messages(c.messagesIn(), c.messagesOut(), c.bytesIn(), c.bytesOut(), c.badMessages()),
                closes,
                rejections,
                new Limits(c.rateLimitedMessages(), c.rateLimitCloses(), c.slowConsumerCloses(), c.largeMessages()),
                history(hub),
                drainState(hub, drain),
                new Tokens(c.refreshNotices(), c.refreshesOk(), c.refreshesFailed(), c.expiryCloses(),
                        c.revokedConnections(), c.revokedTokens()));
    }

    private static History history(Hub hub) {
        HistoryStore.Stats h = hub.channels().historyStats();
        Map<String, Long> evictions = new LinkedHashMap<>();
        evictions.put("size", h.evictedBySize());
        evictions.put("ttl", h.evictedByTtl());
        evictions.put("bytes", h.evictedByBytes());
        Settings.History settings = hub.settings().history();
        return new History(settings.enabled(), h.channels(), h.messages(), h.bytes(), settings.maxBytes(), evictions,
                hub.counters().recoveriesOk(), hub.counters().recoveriesFailed());
    }

    private static DrainState drainState(Hub hub, Drain drain) {
        Drain.Result last = drain.lastResult();
        Drain.Progress now = drain.progress(hub.clock().nanoTime());
        return new DrainState(now.phase().name(), now.phase() != Drain.Phase.IDLE, now.reason(), now.elapsedMs(),
                hub.settings().shutdown().drainTimeout().toMillis(), now.connectionsAtStart(), now.notified(),
                last == null ? -1 : last.durationMs(),
                last == null ? -1 : last.leftOnTheirOwn(), last == null ? -1 : last.closed(),
                last == null ? -1 : last.aborted());
    }
}
