package io.switchboard.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.switchboard.core.ConnectionState;
import io.switchboard.core.Counters;
import io.switchboard.core.Drain;
import io.switchboard.core.HeartbeatStats;
import io.switchboard.core.Heartbeats;
import io.switchboard.core.Hub;
import io.switchboard.core.RttHistogram;
import io.switchboard.lifecycle.DrainService;
import io.switchboard.lifecycle.SwitchboardRuntime;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Prometheus registry of this node. Names follow Prometheus conventions: {@code switchboard_}
 * prefix, base units, {@code _total} on counters (Micrometer adds the suffixes).
 */
@ApplicationScoped
public class SwitchboardMetrics {

    @Inject
    SwitchboardRuntime runtime;

    @Inject
    DrainService drains;

    private PrometheusMeterRegistry registry;
    private JvmGcMetrics gcMetrics;
    /** Close codes that already have a counter; codes appear as connections close. */
    private final Set<Integer> closeCodesBound = ConcurrentHashMap.newKeySet();

    @PostConstruct
    void bind() {
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Hub hub = runtime.hub();
        Counters counters = hub.counters();

        Gauge.builder("switchboard.connections.active", hub.registry(), r -> r.size())
                .description("Connections in the registry, from accepted handshake to closed")
                .register(registry);
        Gauge.builder("switchboard.connections.max", hub, h -> h.settings().limits().maxConnections())
                .description("The global connection limit (switchboard.limits.max-connections)")
                .register(registry);
        for (ConnectionState state : ConnectionState.values()) {
            if (state == ConnectionState.CLOSED) {
                continue; // closed connections leave the registry
            }
            Gauge.builder("switchboard.connections", hub.registry(), r -> r.countByState().get(state))
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
        FunctionCounter.builder("switchboard.messages.rejected", counters, Counters::badMessages)
                .description("Client messages answered with an error instead of being processed")
                .tag("reason", "bad_request").register(registry);

        bindHeartbeats(hub.heartbeats());
        Gauge.builder("switchboard.drain.last.duration", drains,
                        d -> d.drain().lastResult() == null ? Double.NaN : d.drain().lastResult().durationMs() / 1000.0)
                .description("How long the last finished drain took").baseUnit("seconds").register(registry);
        Gauge.builder("switchboard.draining", drains, d -> d.drain().phase() == Drain.Phase.IDLE ? 0 : 1)
                .description("1 while the node drains or has drained, 0 when it admits connections").register(registry);

        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        gcMetrics = new JvmGcMetrics();
        gcMetrics.bindTo(registry);
    }

    private void bindHeartbeats(Heartbeats heartbeats) {
        HeartbeatStats stats = heartbeats.stats();
        FunctionCounter.builder("switchboard.heartbeat.pings", stats, h -> h.snapshot().pingsSent())
                .description("Heartbeat pings sent").register(registry);
        FunctionCounter.builder("switchboard.heartbeat.pongs", stats, h -> h.snapshot().answered())
                .description("Heartbeat pings answered in time").register(registry);
        FunctionCounter.builder("switchboard.heartbeat.misses", stats, h -> h.snapshot().missed())
                .description("Heartbeat pings not answered within switchboard.heartbeat.timeout").register(registry);
        FunctionCounter.builder("switchboard.connections.zombies", stats, h -> h.snapshot().zombiesClosed())
                .description("Connections closed after max-missed unanswered pings").register(registry);
        FunctionCounter.builder("switchboard.connections.aborted", stats, h -> h.snapshot().aborted())
                .description("Connections dropped because the close handshake did not finish in time").register(registry);
        // The core keeps its own fixed-bucket histogram; its quantiles are exposed as gauges.
        for (double q : new double[] {0.5, 0.9, 0.99}) {
            Gauge.builder("switchboard.heartbeat.rtt", stats, h -> quantile(h.snapshot().rtt(), q) / 1000.0)
                    .description("Heartbeat round-trip time since start, by quantile").baseUnit("seconds")
                    .tag("quantile", Double.toString(q)).register(registry);
        }
    }

    private static double quantile(RttHistogram.Percentiles p, double q) {
        if (p.count() == 0) {
            return Double.NaN;
        }
        return q == 0.5 ? p.p50() : q == 0.9 ? p.p90() : p.p99();
    }

    /** The Prometheus text exposition of every meter, read now. */
    public String scrape() {
        bindNewCloseCodes(runtime.hub().counters());
        return registry.scrape();
    }

    private void bindNewCloseCodes(Counters counters) {
        for (Map.Entry<Integer, Long> e : counters.closesByCode().entrySet()) {
            int code = e.getKey();
            if (closeCodesBound.add(code)) {
                FunctionCounter.builder("switchboard.connections.closed", counters,
                                c -> c.closesByCode().getOrDefault(code, 0L))
                        .description("Closed connections by WebSocket close code")
                        .tag("code", Integer.toString(code))
                        .register(registry);
            }
        }
    }

    @PreDestroy
    void close() {
        gcMetrics.close();
        registry.close();
    }
}
