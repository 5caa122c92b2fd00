package io.switchboard.admin;

import io.switchboard.core.Disconnect;
import io.switchboard.lifecycle.SwitchboardRuntime;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;

/**
 * {@code DELETE /api/users/{user}/connections?code=&reason=}: revokes a user by closing every one of
 * their connections (default 1000, like closing one connection) and answers with the ids closed. A
 * user with no connection here is not an error: the list is empty. This node's part is
 * {@link io.switchboard.core.Hub#closeUser}.
 */
@Path("users/{user}/connections")
@Produces(MediaType.APPLICATION_JSON)
@RequestScoped
public class UserConnectionsResource {

    @Inject
    SwitchboardRuntime runtime;

    @DELETE
    public Response revoke(@PathParam("user") String user, @QueryParam("code") @DefaultValue("1000") String code,
                           @QueryParam("reason") @DefaultValue("") String reason) {
        Disconnect why;
        try {
            why = Disconnect.byOperator(Integer.parseInt(code.trim()), reason);
        } catch (NumberFormatException e) {
            return ApiError.badRequest("code must be a whole number");
        } catch (IllegalArgumentException e) {
            return ApiError.badRequest(e.getMessage());
        }
        List<String> closed = runtime.hub().closeUser(user, why);
        return Response.accepted(Map.of("userId", user, "closed", closed)).build();
    }
}
