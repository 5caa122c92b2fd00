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
import io.switchboard.core.ClusterCalls;
import io.switchboard.core.Hub;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code DELETE /api/users/{user}/connections?code=&reason=}: revokes a user by closing every one of
 * their connections (default 1000, like closing one connection) and answers with the ids closed. A
 * user with no connection is not an error: the list is empty. In a cluster every node closes its part
 * ({@link io.switchboard.core.Hub#closeUser}) and the answer lists the ids of every node that answered
 * within {@code switchboard.cluster.request-timeout}, and names those that did not.
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
        Hub hub = runtime.hub();
        // every other node closes its part at the same time (protocol.md, cluster)
        ClusterCalls.Gathering others = hub.cluster().isClustered()
                ? hub.cluster().calls().askAll(ClusterAnswers.CLOSE_USER, user, Integer.toString(why.code()), why.reason())
                : null;
        List<String> closed = new ArrayList<>(hub.closeUser(user, why));
        List<String> silent = List.of();
        if (others != null) {
            Forwarding.await(others.done(), Forwarding.timeout(hub));
            for (ClusterCalls.Reply reply : others.replies().values()) {
                if (reply.status() == 200) {
                    closed.addAll(ClusterAnswers.read(reply.body(), Closed.class).closed());
                }
            }
            silent = others.silent();
        }
        return Response.accepted(new Revoked(user, closed, silent)).build();
    }

    /** One node's part of a revocation, as it answers another node. */
    public record Closed(List<String> closed) { }

    /**
     * The answer: the ids closed on every node that answered, and the nodes that did not answer within
     * {@code switchboard.cluster.request-timeout} (their part may still have happened).
     */
    public record Revoked(String userId, List<String> closed, List<String> silentNodes) { }
}
