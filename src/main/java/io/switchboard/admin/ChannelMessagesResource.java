package io.switchboard.admin;

import io.switchboard.core.ChannelNames;
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
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/** {@code POST /api/channels/{channel}/messages}: publishes {@code data} to a channel's subscribers. */
@Path("channels/{channel}/messages")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@RequestScoped
public class ChannelMessagesResource {

    @Inject
    SwitchboardRuntime runtime;

    @POST
    @Operation(summary = "Publish data to a channel: each subscriber gets a message with the channel and its seq")
    @APIResponse(responseCode = "202", ref = "Delivered")
    @APIResponse(responseCode = "400", ref = "BadRequest")
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    @APIResponse(responseCode = "404", ref = "NotFound")
    @APIResponse(responseCode = "413", ref = "TooLarge")
    @APIResponse(responseCode = "415", ref = "UnsupportedMediaType")
    public Response publish(@Parameter(description = "A channel name: dot-separated segments, no wildcard") @PathParam("channel") String channel,
            @RequestBody(required = true, content = @Content(mediaType = "application/json", schema = @Schema(ref = "PublishBody"))) String body) {
        Hub hub = runtime.hub();
        try {
            ChannelNames.name(channel);
        } catch (IllegalArgumentException e) {
            return ApiError.badRequest(e.getMessage());
        }
        PublishRequest request = PublishRequest.parse(body, runtime.json(), hub.settings().limits().maxMessageSize());
        if (request.error != null) {
            return request.error;
        }
        return PublishRequest.accepted(hub.channels().publish(channel, request.data));
    }
}
