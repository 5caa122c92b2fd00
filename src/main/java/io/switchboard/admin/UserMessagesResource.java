package io.switchboard.admin;

import io.switchboard.core.Hub;
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
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/**
 * {@code POST /api/users/{user}/messages}: sends {@code data} to every connection of a user on this
 * node. A user with no connection here is not an error (202 with 0 recipients): they may be
 * connected to another node, or about to reconnect.
 */
@Path("users/{user}/messages")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@RequestScoped
public class UserMessagesResource {

    @Inject
    SwitchboardRuntime runtime;

    @POST
    @Operation(summary = "Send data to every connection of a user (0 recipients is not an error)")
    @APIResponse(responseCode = "202", ref = "Delivered")
    @APIResponse(responseCode = "400", ref = "BadRequest")
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    @APIResponse(responseCode = "404", ref = "NotFound")
    @APIResponse(responseCode = "413", ref = "TooLarge")
    @APIResponse(responseCode = "415", ref = "UnsupportedMediaType")
    public Response send(@PathParam("user") String user, @RequestBody(required = true, content = @Content(mediaType = "application/json", schema = @Schema(ref = "PublishBody"))) String body) {
        Hub hub = runtime.hub();
        PublishRequest request = PublishRequest.parse(body, runtime.json(), hub.settings().limits().maxMessageSize());
        if (request.error != null) {
            return request.error;
        }
        return PublishRequest.accepted(hub.channels().sendToUser(user, request.data));
    }
}
