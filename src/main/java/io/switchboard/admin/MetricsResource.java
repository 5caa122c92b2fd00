package io.switchboard.admin;

import io.switchboard.metrics.SwitchboardMetrics;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

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
    @Operation(summary = "Every meter in the Prometheus text format")
    @APIResponse(responseCode = "200", description = "Prometheus text exposition format 0.0.4",
            content = @Content(mediaType = PROMETHEUS_TEXT, schema = @Schema(type = SchemaType.STRING)))
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    @APIResponse(responseCode = "404", ref = "NotFound")
    public String scrape() {
        return metrics.scrape();
    }
}
