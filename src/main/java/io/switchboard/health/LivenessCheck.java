package io.switchboard.health;

import io.switchboard.core.HeartbeatStats;
import io.switchboard.core.Hub;
import io.switchboard.core.Sweeper;
import io.switchboard.lifecycle.SwitchboardRuntime;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * Liveness: DOWN only when the heartbeat sweeper has stalled (no sweep finished for ten ticks and
 * at least five seconds, operations.md), because then no deadline of any connection runs.
 * Carries the sweeper's and the heartbeat's figures as data.
 */
@Liveness
@ApplicationScoped
public class LivenessCheck implements HealthCheck {

    @Inject
    SwitchboardRuntime runtime;

    @Override
    public HealthCheckResponse call() {
        Hub hub = runtime.hub();
        Sweeper.Stats sweeper = hub.sweeper().stats();
        HeartbeatStats.Snapshot hb = hub.heartbeats().stats().snapshot();
        return HealthCheckResponse.named("switchboard-live")
                .withData("activeConnections", hub.registry().size())
                .withData("node", hub.settings().nodeId())
                .withData("sweeperStalled", sweeper.stalled())
                .withData("sweeperTickMs", sweeper.tickMillis())
                .withData("lastSweepAgoMs", sweeper.lastSweepAgoMillis())
                .withData("lastSweepMicros", sweeper.lastSweepMicros())
                .withData("sweeps", sweeper.sweeps())
                .withData("sweepErrors", sweeper.errors())
                .withData("sweeperBusyMs", sweeper.busyMillis())
                .withData("armedTimers", sweeper.armed())
                .withData("pingsSent", hb.pingsSent())
                .withData("zombiesClosed", hb.zombiesClosed())
                .withData("rttP50Ms", String.valueOf(hb.rtt().p50()))
                .withData("rttP90Ms", String.valueOf(hb.rtt().p90()))
                .withData("rttP99Ms", String.valueOf(hb.rtt().p99()))
                .status(!sweeper.stalled())
                .build();
    }
}
