package io.switchboard.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.switchboard.core.Channels;
import io.switchboard.core.ConnectionState;
import io.switchboard.core.Counters;
import io.switchboard.core.Drain;
import io.switchboard.core.HeartbeatStats;
import io.switchboard.core.Hub;
import io.switchboard.lifecycle.DrainService;
import io.switchboard.lifecycle.SwitchboardRuntime;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The Prometheus registry of this node. Names follow Prometheus conventions: {@code switchboard_}
 * prefix, base units, {@code _total} on counters (Micrometer adds the suffixes). Counters read the
 * core's {@link Counters} and {@link HeartbeatStats}, the same figures {@code /api/stats} shows;
 * round trips and drain durations are recorded into histograms as they happen.
 *
 * <p>Created when the application starts (not at the first scrape), so that the histograms see every
 * round trip and drain from the start.
 */
@ApplicationScoped
public class SwitchboardMetrics {

    /** Bucket bounds of the round-trip histogram: a LAN answers in about a millisecond, a phone in hundreds. */
    private static final Duration[] RTT_BUCKETS = millis(
            1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000);
    /** Bucket bounds of the drain histogram, around the default drain timeout of 30 s. */
    private static final Duration[] DRAIN_BUCKETS = millis(
            100, 1_000, 2_500, 5_000, 10_000, 15_000, 30_000, 45_000, 60_000, 120_000, 300_000);

    @Inject
    SwitchboardRuntime runtime;

    @Inject
    DrainService drains;

    private PrometheusMeterRegistry registry;
    private JvmGcMetrics gcMetrics;
    /** Close codes and rejection reasons that already have a counter; new ones appear as they happen. */
    private final Set<Integer> closeCodesBound = ConcurrentHashMap.newKeySet();
    private final Set<String> rejectionReasonsBound = ConcurrentHashMap.newKeySet();
    /** Connections by state, counted once per scrape (one pass over the registry) for all state gauges. */
    private volatile Map<ConnectionState, Integer> stateCounts = new EnumMap<>(ConnectionState.class);

    @PostConstruct
    void bind() {
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Hub hub = runtime.hub();
        Counters counters = hub.counters();

        Gauge.builder("switchboard.connections.active", hub.registry(), r -> r.size())
                .description("Connections in the registry, from accepted handshake to closed")
                .register(registry);
        Gauge.builder("switchboard.connections.container", counters, Counters::containerSessions)
                .description("WebSocket sessions the container holds for Switchboard: opened and not yet reported closed")
                .register(registry);
        Gauge.builder("switchboard.connections.max", hub, h -> h.settings().limits().maxConnections())
                .description("The global connection limit (switchboard.limits.max-connections)")
                .register(registry);
        for (ConnectionState state : ConnectionState.values()) {
            if (state == ConnectionState.CLOSED) {
                continue; // closed connections leave the registry
            }
            Gauge.builder("switchboard.connections", this, m -> m.stateCounts.getOrDefault(state, 0))
                    .description("Connections by lifecycle state")
                    .tag("state", state.name().toLowerCase(Locale.ROOT))
                    .register(registry);
        }
        FunctionCounter.builder("switchboard.connections.opened", counters, c -> c.enteredCount(ConnectionState.OPEN))
                .description("Connections that reached OPEN")
                .register(registry);
        FunctionCounter.builder("switchboard.messages", counters, Counters::messagesIn)
                .description("WebSocket text messages").tag("direction", "in").register(registry);
        FunctionCounter.builder("switchboard.messages", counters, Counters::messagesOut)
                .description("WebSocket text messages").tag("direction", "out").register(registry);
        FunctionCounter.builder("switchboard.message", counters, Counters::bytesIn)
                .description("Payload bytes of text messages").baseUnit("bytes").tag("direction", "in").register(registry);
        FunctionCounter.builder("switchboard.message", counters, Counters::bytesOut)
                .description("Payload bytes of text messages").baseUnit("bytes").tag("direction", "out").register(registry);
        bindLimits(counters);
        bindHeartbeats(hub.heartbeats().stats());
        bindHistory(hub, counters);
        bindDrains();

        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        gcMetrics = new JvmGcMetrics();
        gcMetrics.bindTo(registry);
    }

    /** Refusals, dropped messages and enforcement closes (protocol.md). */
    private void bindLimits(Counters counters) {
        String rejected = "Client messages answered with an error instead of being processed";
        FunctionCounter.builder("switchboard.messages.rejected", counters, Counters::badMessages)
                .description(rejected).tag("reason", "bad_request").register(registry);
        FunctionCounter.builder("switchboard.messages.rejected", counters, Counters::rateLimitedMessages)
                .description(rejected).tag("reason", "rate_limited").register(registry);
        FunctionCounter.builder("switchboard.messages.large", counters, Counters::largeMessages)
                .description("Messages above switchboard.limits.message-warn-size").register(registry);
        FunctionCounter.builder("switchboard.rate.limit.closes", counters, Counters::rateLimitCloses)
                .description("Connections closed with 1008 rate limit exceeded").register(registry);
        FunctionCounter.builder("switchboard.slow.consumer.closes", counters, Counters::slowConsumerCloses)
                .description("Connections closed with 1008 slow consumer: their send queue overflowed").register(registry);
        for (String reason : Counters.REJECTION_REASONS) {
            bindRejection(counters, reason);
        }
        bindTokens(counters);
    }

    /** Token lifetime, refresh and revocation. */
    private void bindTokens(Counters counters) {
        FunctionCounter.builder("switchboard.token.refresh.notices", counters, Counters::refreshNotices)
                .description("refresh notices sent: a connection's token was about to expire").register(registry);
        String refreshes = "In-band token refreshes on open connections, by result";
        FunctionCounter.builder("switchboard.token.refreshes", counters, Counters::refreshesOk)
                .description(refreshes).tag("result", "ok").register(registry);
        FunctionCounter.builder("switchboard.token.refreshes", counters, Counters::refreshesFailed)
                .description(refreshes).tag("result", "failed").register(registry);
        FunctionCounter.builder("switchboard.token.expiry.closes", counters, Counters::expiryCloses)
                .description("Connections closed with 4001 token expired").register(registry);
        String revocations = "Revocations: connections closed by revoking their user, tokens refused as revoked";
        FunctionCounter.builder("switchboard.revocations", counters, Counters::revokedConnections)
                .description(revocations).tag("kind", "connection").register(registry);
        FunctionCounter.builder("switchboard.revocations", counters, Counters::revokedTokens)
                .description(revocations).tag("kind", "token").register(registry);
    }

    private void bindRejection(Counters counters, String reason) {
        if (rejectionReasonsBound.add(reason)) {
            FunctionCounter.builder("switchboard.rejections", counters, c -> c.rejections(reason))
                    .description("Handshakes refused and in-band authentications failed, by reason")
                    .tag("reason", reason)
                    .register(registry);
        }
    }

    /** Channel history (protocol.md, history): what it holds, what it dropped and why, and how recoveries went. */
    private void bindHistory(Hub hub, Counters counters) {
        Channels channels = hub.channels();
        Gauge.builder("switchboard.history.channels", channels, c -> c.historyStats().channels())
                .description("Channels with a history on this node").register(registry);
        Gauge.builder("switchboard.history.messages", channels, c -> c.historyStats().messages())
                .description("Messages retained in channel history").register(registry);
        Gauge.builder("switchboard.history", channels, c -> c.historyStats().bytes()).baseUnit("bytes")
                .description("Data retained in channel history (UTF-8), against switchboard.history.max-bytes")
                .register(registry);
        FunctionCounter.builder("switchboard.history.evictions", channels, c -> c.historyStats().evictedBySize())
                .description("History messages dropped, by cause").tag("cause", "size").register(registry);
        FunctionCounter.builder("switchboard.history.evictions", channels, c -> c.historyStats().evictedByTtl())
                .description("History messages dropped, by cause").tag("cause", "ttl").register(registry);
        FunctionCounter.builder("switchboard.history.evictions", channels, c -> c.historyStats().evictedByBytes())
                .description("History messages dropped, by cause").tag("cause", "bytes").register(registry);
        FunctionCounter.builder("switchboard.history.recoveries", counters, Counters::recoveriesOk)
                .description("Subscribes with since, by whether they continued without a gap")
                .tag("result", "recovered").register(registry);
        FunctionCounter.builder("switchboard.history.recoveries", counters, Counters::recoveriesFailed)
                .description("Subscribes with since, by whether they continued without a gap")
                .tag("result", "failed").register(registry);
    }

    private void bindHeartbeats(HeartbeatStats stats) {
        FunctionCounter.builder("switchboard.heartbeat.pings", stats, HeartbeatStats::pingsSent)
                .description("Heartbeat pings sent").register(registry);
        FunctionCounter.builder("switchboard.heartbeat.pongs", stats, HeartbeatStats::answered)
                .description("Heartbeat pings answered in time").register(registry);
        FunctionCounter.builder("switchboard.heartbeat.misses", stats, HeartbeatStats::missed)
                .description("Heartbeat pings not answered within switchboard.heartbeat.timeout").register(registry);
        FunctionCounter.builder("switchboard.connections.zombies", stats, HeartbeatStats::zombiesClosed)
                .description("Connections closed with 1001 heartbeat timeout (by the sweeper or POST /api/zombies/cleanup)")
                .register(registry);
        FunctionCounter.builder("switchboard.connections.aborted", stats, HeartbeatStats::aborted)
                .description("Connections dropped because the close handshake did not finish in time").register(registry);
        Timer rtt = Timer.builder("switchboard.heartbeat.rtt")
                .description("Heartbeat round-trip time: ping sent to first answer")
                .serviceLevelObjectives(RTT_BUCKETS)
                .register(registry);
        stats.onRoundTrip(nanos -> rtt.record(nanos, TimeUnit.NANOSECONDS));
    }

    private void bindDrains() {
        Drain drain = drains.drain();
        Timer duration = Timer.builder("switchboard.drain.duration")
                .description("How long each finished drain took, from start to the last connection gone")
                .serviceLevelObjectives(DRAIN_BUCKETS)
                .register(registry);
        drain.onCompleted(() -> {
            Drain.Result last = drain.lastResult();
            if (last != null) {
                duration.record(last.durationMs(), TimeUnit.MILLISECONDS);
            }
        });
        Gauge.builder("switchboard.drain.last.duration", drain,
                        d -> d.lastResult() == null ? Double.NaN : d.lastResult().durationMs() / 1000.0)
                .description("How long the last finished drain took").baseUnit("seconds").register(registry);
        Gauge.builder("switchboard.draining", drain, d -> d.phase() == Drain.Phase.IDLE ? 0 : 1)
                .description("1 while the node drains or has drained, 0 when it admits connections").register(registry);
    }

    /** Forces creation at deployment, so that round trips are recorded before the first scrape. */
    void onStartup(@Observes @Initialized(ApplicationScoped.class) Object event) {
        registry.getClass();
    }

    /** The Prometheus text exposition of every meter, read now. */
    public synchronized String scrape() {
        Hub hub = runtime.hub();
        Counters counters = hub.counters();
        for (Integer code : counters.closesByCode().keySet()) {
            bindCloseCode(counters, code);
        }
        for (String reason : counters.rejectionsByReason().keySet()) {
            bindRejection(counters, reason);
        }
        stateCounts = hub.countByState();
        return registry.scrape();
    }

    private void bindCloseCode(Counters counters, int code) {
        if (closeCodesBound.add(code)) {
            FunctionCounter.builder("switchboard.connections.closed", counters, c -> c.closes(code))
                    .description("Closed connections by WebSocket close code")
                    .tag("code", Integer.toString(code))
                    .register(registry);
        }
    }

    private static Duration[] millis(double... bounds) {
        Duration[] out = new Duration[bounds.length];
        for (int i = 0; i < bounds.length; i++) {
            out[i] = Duration.ofNanos(Math.round(bounds[i] * 1_000_000));
        }
        return out;
    }

    @PreDestroy
    void close() {
        gcMetrics.close();
        registry.close();
    }
}
