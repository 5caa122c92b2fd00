package io.switchboard.admin;

import io.switchboard.core.Hub;
import io.switchboard.core.ManagedConnection;
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

/** {@code POST /api/connections/{id}/messages}: sends {@code data} to one connection. */
@Path("connections/{id}/messages")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@RequestScoped
public class ConnectionMessagesResource {

    @Inject
    SwitchboardRuntime runtime;

    @POST
    public Response send(@PathParam("id") String id, String body) {
        Hub hub = runtime.hub();
        PublishRequest request = PublishRequest.parse(body, runtime.json(), hub.settings().limits().maxMessageSize());
        if (request.error != null) {
            return request.error;
        }
        Optional<ManagedConnection> target = hub.registry().find(id);
        if (target.isEmpty()) {
            return ApiError.notFound("no connection " + id);
        }
        if (!hub.channels().sendTo(target.get(), request.data)) {
            return ApiError.response(Response.Status.CONFLICT, "not_open",
                    "connection " + id + " is " + target.get().state() + ", not OPEN");
        }
        return PublishRequest.accepted(1);
    }
}
