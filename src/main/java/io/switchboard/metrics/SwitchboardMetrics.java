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
import io.switchboard.core.Hub;
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

        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        gcMetrics = new JvmGcMetrics();
        gcMetrics.bindTo(registry);
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
