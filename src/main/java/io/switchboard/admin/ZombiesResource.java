package io.switchboard.admin;

import io.switchboard.lifecycle.SwitchboardRuntime;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/**
 * {@code POST /api/zombies/cleanup} (operations.md): closes now every connection that has
 * been silent since a ping whose {@code heartbeat.timeout} has passed, without waiting for
 * {@code max-missed} misses, and answers {@code {"closed":[ids]}}. A connection that answered its
 * last ping is never closed. See {@code Heartbeats.closeZombiesNow}.
 */
@Path("zombies")
@Produces(MediaType.APPLICATION_JSON)
@RequestScoped
public class ZombiesResource {

    /** The answer: the ids of the connections this call closed (with 1001 {@code heartbeat timeout}). */
    public record Cleanup(List<String> closed) { }

    @Inject
    SwitchboardRuntime runtime;

    @POST
    @Path("cleanup")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Close now every OPEN connection that failed its last ping (1001 heartbeat timeout)")
    @APIResponse(responseCode = "200", description = "The ids closed",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = Cleanup.class)))
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    @APIResponse(responseCode = "404", ref = "NotFound")
    public Cleanup cleanup() {
        return new Cleanup(runtime.hub().heartbeats().closeZombiesNow());
    }
}
