package io.switchboard.health;

import io.switchboard.core.Hub;
import io.switchboard.lifecycle.SwitchboardRuntime;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Locale;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness: DOWN when the node is at its global connection limit, draining, or (in a cluster) cannot
 * reach the other nodes, so a balancer sends no more.
 */
@Readiness
@ApplicationScoped
public class ReadinessCheck implements HealthCheck {

    @Inject
    SwitchboardRuntime runtime;

    @Override
    public HealthCheckResponse call() {
        Hub hub = runtime.hub();
        int active = hub.registry().size();
        int max = hub.settings().limits().maxConnections();
        boolean full = active >= max;
        boolean draining = hub.isDraining();
        // in a cluster: DOWN while the other nodes cannot be reached (new connections are refused then)
        String cluster = !hub.cluster().isClustered() ? "none"
                : hub.cluster().isAvailable() ? "up" : hub.cluster().unavailableReason();
        boolean clusterOk = !hub.cluster().isClustered() || hub.cluster().isAvailable();
        return HealthCheckResponse.named("switchboard-ready")
                .withData("cluster", cluster)
                .withData("activeConnections", active)
                .withData("maxConnections", max)
                .withData("utilisation", String.format(Locale.ROOT, "%.4f", (double) active / max))
                .withData("atLimit", full)
                .withData("draining", draining)
                .status(!full && !draining && clusterOk)
                .build();
    }
}
