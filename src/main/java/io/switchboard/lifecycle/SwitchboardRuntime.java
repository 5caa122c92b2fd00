package io.switchboard.lifecycle;

import io.switchboard.cluster.RedisHistory;
import io.switchboard.cluster.RedisLink;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.core.ClusterLink;
import io.switchboard.core.Hub;
import io.switchboard.core.Settings;
import io.switchboard.core.TokenVerifier;
import io.switchboard.codec.BoundedJson;
import io.switchboard.codec.JsonMessageCodec;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.logging.Logger;

/**
 * Builds the core {@link Hub} when the application starts and holds it for the endpoint, the
 * health checks and the API. Created eagerly, so that a bad setting fails the deployment instead
 * of the first connection.
 */
@ApplicationScoped
public class SwitchboardRuntime {

    private static final Logger LOG = Logger.getLogger(SwitchboardRuntime.class.getName());

    @Inject
    SwitchboardConfig config;

    /** The default JWT verifier, or the application's replacement. */
    @Inject
    TokenVerifier verifier;

    private Hub hub;
    /** The history shared with the other nodes; null without a cluster or without history. */
    private RedisHistory sharedHistory;
    /** When the hub was built: wall-clock for people, monotonic for the uptime. Set once in start(). */
    private long startedAtMillis;
    private long startedNanos;
    /** The API's reader of request bodies, within {@code switchboard.limits.max-json-depth} like client messages. */
    private BoundedJson json;

    @PostConstruct
    void start() {
        Settings settings = config.settings();
        ClusterLink link = settings.cluster().enabled()
                ? new RedisLink(settings.cluster(), settings.nodeId()) : ClusterLink.alone();
        JsonMessageCodec codec = new JsonMessageCodec(settings.limits().maxJsonDepth());
        if (settings.cluster().enabled() && settings.history().enabled()) {
            // the cluster's history is in Redis, shared by every node
            hub = new Hub(settings, SystemClock.INSTANCE, codec,
                    sink -> sharedHistory = new RedisHistory(settings.cluster(), settings.history(), sink), link);
        } else {
            hub = new Hub(settings, SystemClock.INSTANCE, codec, link);
        }
        startedAtMillis = SystemClock.INSTANCE.epochMillis();
        startedNanos = SystemClock.INSTANCE.nanoTime();
        json = new BoundedJson(settings.limits().maxJsonDepth());
        hub.gatekeeper().useVerifier(verifier);
        hub.cluster().start();
        LOG.info("Switchboard started on node " + settings.nodeId() + " with " + settings);
    }

    @PreDestroy
    void stop() {
        try {
            hub.cluster().stop();
            if (sharedHistory != null) {
                sharedHistory.close();
            }
        } catch (Throwable e) {
            // Payara may already have closed the class loader; the process is going anyway
            LOG.fine("cluster link stop: " + e);
        }
    }

    /** Forces creation at deployment time. */
    void onStartup(@Observes @Initialized(ApplicationScoped.class) Object event) {
        hub();
    }

    public Hub hub() {
        return hub;
    }

    /** Wall-clock time the application started, in milliseconds since the epoch. */
    public long startedAtMillis() {
        return startedAtMillis;
    }

    /** How long the application has been running, in milliseconds. */
    public long uptimeMillis() {
        return Math.max(0, (hub.clock().nanoTime() - startedNanos) / 1_000_000L);
    }

    /** Reads the API's JSON request bodies within the nesting limit. */
    public BoundedJson json() {
        return json;
    }
}
