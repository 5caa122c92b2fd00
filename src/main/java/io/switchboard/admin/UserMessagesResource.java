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
    public Response send(@PathParam("user") String user, String body) {
        Hub hub = runtime.hub();
        PublishRequest request = PublishRequest.parse(body, runtime.json(), hub.settings().limits().maxMessageSize());
        if (request.error != null) {
            return request.error;
        }
        return PublishRequest.accepted(hub.channels().sendToUser(user, request.data));
    }
}
