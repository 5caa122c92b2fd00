package io.switchboard.admin;

import io.switchboard.lifecycle.DrainService;
import io.switchboard.lifecycle.SwitchboardRuntime;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.servlet.ServletContext;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/** {@code GET /api/stats}. */
@Path("stats")
@Produces(MediaType.APPLICATION_JSON)
@RequestScoped
public class StatsResource {

    @Inject
    SwitchboardRuntime runtime;

    @Inject
    DrainService drains;

    @Context
    ServletContext servletContext;

    @GET
    @Operation(summary = "The figures to watch and alert on: pool, heartbeat, messages, limits, rejections, closes, drain")
    @APIResponse(responseCode = "200", description = "The node's figures",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = StatsView.class)))
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    @APIResponse(responseCode = "404", ref = "NotFound")
    public StatsView stats() {
        return StatsView.of(runtime.hub(), drains.drain(), NodeInfo.of(runtime, servletContext));
    }
}
