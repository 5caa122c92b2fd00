package io.switchboard.admin;

import io.switchboard.metrics.SwitchboardMetrics;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;

/** {@code GET /api/metrics}: every meter in the Prometheus text format. */
@Path("metrics")
@RequestScoped
public class MetricsResource {

    /** The Prometheus text exposition format's content type. */
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    @Inject
    SwitchboardMetrics metrics;

    @GET
    @Produces(PROMETHEUS_TEXT)
    public String scrape() {
        return metrics.scrape();
    }
}
