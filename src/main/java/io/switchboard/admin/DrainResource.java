package io.switchboard.admin;

import io.switchboard.core.Drain;
import io.switchboard.lifecycle.DrainService;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/**
 * {@code /api/drain}: an operator's drain without stopping the server (operations.md and protocol.md).
 * {@code POST} starts it (202); {@code DELETE} ends it while it still waits for clients or once it has
 * finished (200), and the node admits connections again; {@code GET} tells where it is. Starting a drain
 * while one runs answers 409, as does cancelling one that is closing connections.
 */
@Path("drain")
@Produces(MediaType.APPLICATION_JSON)
@RequestScoped
public class DrainResource {

    @Inject
    DrainService drains;

    /** Where the drain is, and the figures of the last one that finished. */
    public record DrainView(String phase, boolean draining, Drain.Result last) { }

    @GET
    @Operation(summary = "Where the drain is, and the figures of the last one")
    @APIResponse(responseCode = "200", description = "The drain's phase",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = DrainView.class)))
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    @APIResponse(responseCode = "404", ref = "NotFound")
    public DrainView state() {
        Drain drain = drains.drain();
        Drain.Phase phase = drain.phase();
        return new DrainView(phase.name(), phase != Drain.Phase.IDLE, drain.lastResult());
    }

    @POST
    @Operation(summary = "Start a drain without stopping the server: readiness DOWN, new upgrades 503, clients get shutdown")
    @APIResponse(responseCode = "202", description = "Started",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = DrainView.class)))
    @APIResponse(responseCode = "400", ref = "BadRequest")
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    @APIResponse(responseCode = "404", ref = "NotFound")
    @APIResponse(responseCode = "409", ref = "Conflict")
    public Response start(@Parameter(description = "Sent to clients in shutdown; at most 200 characters, default maintenance")
                          @QueryParam("reason") String reason) {
        String why = reason == null || reason.isBlank() ? "maintenance" : reason.trim();
        if (why.length() > 200) {
            return ApiError.badRequest("reason is longer than 200 characters");
        }
        if (!drains.startMaintenance(why)) {
            return ApiError.response(Response.Status.CONFLICT, "conflict", "a drain is already under way or done; DELETE /api/drain first");
        }
        return Response.accepted(state()).build();
    }

    @DELETE
    @Operation(summary = "Cancel a drain that is still waiting for clients; the node accepts connections again")
    @APIResponse(responseCode = "200", description = "Cancelled",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = DrainView.class)))
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    @APIResponse(responseCode = "404", ref = "NotFound")
    @APIResponse(responseCode = "409", ref = "Conflict")
    public Response cancel() {
        if (!drains.cancel()) {
            return ApiError.response(Response.Status.CONFLICT, "conflict",
                    "no drain to cancel, or it is already closing connections");
        }
        return Response.ok(state()).build();
    }
}
