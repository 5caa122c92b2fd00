package io.switchboard.health;

import io.switchboard.core.Hub;
import io.switchboard.lifecycle.SwitchboardRuntime;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * Liveness: UP while the core runs. The contract makes it DOWN only when the heartbeat sweeper has
 * stalled; until the sweeper exists there is nothing that can stall, so it reports its figures and UP.
 */
@Liveness
@ApplicationScoped
public class LivenessCheck implements HealthCheck {

    @Inject
    SwitchboardRuntime runtime;

    @Override
    public HealthCheckResponse call() {
        Hub hub = runtime.hub();
        return HealthCheckResponse.named("switchboard-live")
                .withData("activeConnections", hub.registry().size())
                .withData("node", hub.settings().nodeId())
                .up()
                .build();
    }
}
