package io.switchboard.admin;

import io.switchboard.core.Hub;
import io.switchboard.lifecycle.SwitchboardRuntime;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** {@code POST /api/broadcast}: sends {@code data} to every open connection on this node, serialised once. */
@Path("broadcast")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@RequestScoped
public class BroadcastResource {

    @Inject
    SwitchboardRuntime runtime;

    @POST
    public Response broadcast(String body) {
        Hub hub = runtime.hub();
        PublishRequest request = PublishRequest.parse(body, runtime.json(), hub.settings().limits().maxMessageSize());
        if (request.error != null) {
            return request.error;
        }
        return PublishRequest.accepted(hub.channels().broadcast(request.data));
    }
}
