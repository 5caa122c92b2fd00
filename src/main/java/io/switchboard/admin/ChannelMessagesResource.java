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

/** {@code POST /api/channels/{channel}/messages}: publishes {@code data} to a channel's subscribers. */
@Path("channels/{channel}/messages")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@RequestScoped
public class ChannelMessagesResource {

    @Inject
    SwitchboardRuntime runtime;

    @POST
    public Response publish(@PathParam("channel") String channel, String body) {
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
