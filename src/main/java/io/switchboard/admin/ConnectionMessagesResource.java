package io.switchboard.admin;

import io.switchboard.core.Hub;
import io.switchboard.core.ClusterRouter;
import io.switchboard.lifecycle.SwitchboardRuntime;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/** {@code POST /api/connections/{id}/messages}: sends {@code data} to one connection. */
@Path("connections/{id}/messages")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@RequestScoped
public class ConnectionMessagesResource {

    @Inject
    SwitchboardRuntime runtime;

    @POST
    @Operation(summary = "Send data to one connection")
    @APIResponse(responseCode = "202", ref = "Delivered")
    @APIResponse(responseCode = "400", ref = "BadRequest")
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    @APIResponse(responseCode = "404", ref = "NotFound")
    @APIResponse(responseCode = "504", ref = "NodeTimeout")
    @APIResponse(responseCode = "409", ref = "Conflict")
    @APIResponse(responseCode = "413", ref = "TooLarge")
    @APIResponse(responseCode = "415", ref = "UnsupportedMediaType")
    public Response send(@PathParam("id") String id, @RequestBody(required = true, content = @Content(mediaType = "application/json", schema = @Schema(ref = "PublishBody"))) String body) {
        Hub hub = runtime.hub();
        PublishRequest request = PublishRequest.parse(body, runtime.json(), hub.settings().limits().maxMessageSize());
        if (request.error != null) {
            return request.error;
        }
        // another node's connection: that node sends it and answers (protocol.md, cluster)
        return localSend(hub, id, request.data)
                .or(() -> Forwarding.toOwner(hub, id, ClusterAnswers.SEND, request.data))
                .orElseGet(() -> ApiError.notFound("no connection " + id));
    }

    /** Sends {@code data} to a connection of this node; empty when this node does not hold it. */
    static Optional<Response> localSend(Hub hub, String id, String data) {
        if (hub.registry().find(id).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(hub.cluster().toConnection(id, data) == ClusterRouter.Outcome.DELIVERED
                ? PublishRequest.accepted(1)
                : ApiError.response(Response.Status.CONFLICT, "not_open", "connection " + id + " is not OPEN"));
    }
}
