package io.switchboard.admin;

import io.switchboard.core.ConnectionState;
import io.switchboard.core.Disconnect;
import io.switchboard.core.Hub;
import io.switchboard.core.ManagedConnection;
import io.switchboard.lifecycle.SwitchboardRuntime;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** {@code /api/connections}: list, inspect, close and ask to reconnect this node's connections. */
@Path("connections")
@Produces(MediaType.APPLICATION_JSON)
@RequestScoped
public class ConnectionsResource {

    /** The most connections one list call returns, whatever {@code limit} asks for. */
    static final int MAX_LIMIT = 10_000;

    @Inject
    SwitchboardRuntime runtime;

    @GET
    public Response list(@QueryParam("user") String user, @QueryParam("state") String state,
                         @QueryParam("limit") @DefaultValue("100") String limit) {
        Optional<ConnectionState> wanted;
        try {
            wanted = state == null || state.isBlank()
                    ? Optional.empty()
                    : Optional.of(ConnectionState.valueOf(state.trim().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            return ApiError.badRequest("unknown state '" + state + "'; one of " + List.of(ConnectionState.values()));
        }
        int max;
        try {
            max = Integer.parseInt(limit.trim());
        } catch (NumberFormatException e) {
            return ApiError.badRequest("limit must be a whole number");
        }
        if (max < 1 || max > MAX_LIMIT) {
            return ApiError.badRequest("limit must be between 1 and " + MAX_LIMIT);
        }
        List<ConnectionView> views = hub().registry().all().stream()
                .filter(c -> user == null || user.equals(c.userId()))
                .filter(c -> wanted.isEmpty() || wanted.get() == c.state())
                .sorted(Comparator.comparingLong(ManagedConnection::connectedAtMillis))
                .limit(max)
                .map(ConnectionView::of)
                .toList();
        return Response.ok(views).build();
    }

    @GET
    @Path("{id}")
    public Response get(@PathParam("id") String id) {
        return hub().registry().find(id)
                .map(c -> Response.ok(ConnectionView.of(c)).build())
                .orElseGet(() -> ApiError.notFound("no connection " + id));
    }

    @DELETE
    @Path("{id}")
    public Response close(@PathParam("id") String id, @QueryParam("code") @DefaultValue("1000") String code,
                          @QueryParam("reason") @DefaultValue("") String reason) {
        Optional<ManagedConnection> found = hub().registry().find(id);
        if (found.isEmpty()) {
            return ApiError.notFound("no connection " + id);
        }
        Disconnect why;
        try {
            why = Disconnect.byOperator(Integer.parseInt(code.trim()), reason);
        } catch (NumberFormatException e) {
            return ApiError.badRequest("code must be a whole number");
        } catch (IllegalArgumentException e) {
            return ApiError.badRequest(e.getMessage());
        }
        hub().close(found.get(), why);
        return Response.accepted(ConnectionView.of(found.get())).build();
    }

    /** Service-initiated reconnect (CONTRACT.md section 11); closed by the server if the client has not left in time. */
    @POST
    @Path("{id}/reconnect")
    @Consumes(MediaType.WILDCARD)
    public Response reconnect(@PathParam("id") String id, String body) {
        Optional<ManagedConnection> found = hub().registry().find(id);
        if (found.isEmpty()) {
            return ApiError.notFound("no connection " + id);
        }
        ReconnectRequest request;
        try {
            request = ReconnectRequest.parse(body, runtime.json());
        } catch (IllegalArgumentException e) {
            return ApiError.badRequest(e.getMessage());
        }
        if (!hub().heartbeats().requestReconnect(found.get(), request.reason(), request.afterMs(), request.url())) {
            return ApiError.response(Response.Status.CONFLICT, "not_live", "connection " + id + " is already closing");
        }
        return Response.accepted(ConnectionView.of(found.get())).build();
    }

    private Hub hub() {
        return runtime.hub();
    }
}
