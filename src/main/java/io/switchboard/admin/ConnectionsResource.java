package io.switchboard.admin;

import io.switchboard.core.ClusterConnection;
import io.switchboard.core.ClusterRouter;
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
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.media.SchemaProperty;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/**
 * {@code /api/connections}: list, inspect, close and ask to reconnect connections. A connection held by
 * another node of the cluster is inspected, closed or asked to reconnect by that node, which answers
 * ({@link Forwarding}).
 *
 * <p>The list is ordered oldest first (then by id, so the order is stable between calls), filtered by
 * {@code user} and {@code state}, and paged with {@code offset} (default 0) and {@code limit} (default
 * 100); the {@value #TOTAL_HEADER} header says how many connections matched the filters in all.
 */
@Path("connections")
@Produces(MediaType.APPLICATION_JSON)
@RequestScoped
public class ConnectionsResource {

    /** The most connections one list call returns, whatever {@code limit} asks for. */
    static final int MAX_LIMIT = 10_000;

    /** The response header with the number of connections that matched, before paging. */
    static final String TOTAL_HEADER = "X-Total-Count";

    @Inject
    SwitchboardRuntime runtime;

    @GET
    @Operation(summary = "List this node's connections")
    @APIResponse(responseCode = "200", description = "The connections, oldest first",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = ConnectionView.class, type = SchemaType.ARRAY)))
    @APIResponse(responseCode = "400", ref = "BadRequest")
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    @APIResponse(responseCode = "404", ref = "NotFound")
    public Response list(@Parameter(description = "Only this user's") @QueryParam("user") String user,
                         @Parameter(description = "Only in this state: CONNECTING, HANDSHAKING, AUTHENTICATING, OPEN, VIOLATION, CLOSING, CLOSED") @QueryParam("state") String state,
                         @Parameter(description = "At most this many, 1 to 10000", schema = @Schema(type = SchemaType.INTEGER, defaultValue = "100"))
                         @QueryParam("limit") @DefaultValue("100") String limit,
                         @Parameter(description = "Skip this many first (paging; the X-Total-Count header gives the total)", schema = @Schema(type = SchemaType.INTEGER, defaultValue = "0"))
                         @QueryParam("offset") @DefaultValue("0") String offset,
                         @Parameter(description = "node (default): this node's connections; cluster: every node's, from the cluster registry (id, node, user, address, since)")
                         @QueryParam("scope") @DefaultValue("node") String scope) {
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
        if (scope.equals("cluster")) {
            // every node's connections from the cluster registry: who holds them, user, address, since
            return Response.ok(hub().cluster().all(MAX_LIMIT).stream()
                    .filter(c -> user == null || user.isEmpty() || user.equals(c.userId()))
                    .limit(max)
                    .map(RemoteView::of)
                    .toList()).build();
        } else if (!scope.equals("node")) {
            return ApiError.badRequest("scope must be node or cluster");
        }
        int skip;
        try {
            skip = Integer.parseInt(offset.trim());
        } catch (NumberFormatException e) {
            return ApiError.badRequest("offset must be a whole number between 0 and " + Integer.MAX_VALUE);
        }
        if (skip < 0) {
            return ApiError.badRequest("offset must be a whole number between 0 and " + Integer.MAX_VALUE);
        }
        List<ManagedConnection> matching = hub().registry().all().stream()
                .filter(c -> user == null || user.isEmpty() || user.equals(c.userId()))
                .filter(c -> wanted.isEmpty() || wanted.get() == c.state())
                .sorted(Comparator.comparingLong(ManagedConnection::connectedAtMillis).thenComparing(ManagedConnection::id))
                .toList();
        List<ConnectionView> views = matching.stream().skip(skip).limit(max).map(ConnectionView::of).toList();
        return Response.ok(views).header(TOTAL_HEADER, matching.size()).build();
    }

    @GET
    @Path("{id}")
    @Operation(summary = "One connection")
    @APIResponse(responseCode = "200", description = "The connection",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = ConnectionView.class)))
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    @APIResponse(responseCode = "404", ref = "NotFound")
    @APIResponse(responseCode = "504", ref = "NodeTimeout")
    public Response get(@PathParam("id") String id) {
        // another node's: that node answers with its live view (protocol.md, cluster)
        return localGet(hub(), id).or(() -> Forwarding.toOwner(hub(), id, ClusterAnswers.GET))
                .orElseGet(() -> ApiError.notFound("no connection " + id));
    }

    /** {@code GET} of a connection of this node; empty when this node does not hold it. */
    static Optional<Response> localGet(Hub hub, String id) {
        return hub.registry().find(id).map(c -> Response.ok(ConnectionView.of(c)).build());
    }

    /** A connection as the cluster registry knows it: the node that holds it has the live figures. */
    public record RemoteView(String id, String node, String userId, String ip, String connectedAt) {
        static RemoteView of(ClusterConnection c) {
            return new RemoteView(c.id(), c.node(), c.userId().isEmpty() ? null : c.userId(),
                    c.ip().isEmpty() ? null : c.ip(), java.time.Instant.ofEpochMilli(c.connectedAtMillis()).toString());
        }
    }

    @DELETE
    @Path("{id}")
    @Operation(summary = "Close a connection with a close code and reason")
    @APIResponse(responseCode = "202", description = "Closing",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = ConnectionView.class)))
    @APIResponse(responseCode = "400", ref = "BadRequest")
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    @APIResponse(responseCode = "404", ref = "NotFound")
    @APIResponse(responseCode = "504", ref = "NodeTimeout")
    public Response close(@PathParam("id") String id,
                          @Parameter(description = "A close code a server may send: 1000, 1001, 1003, 1007-1014, 3000-4999", schema = @Schema(type = SchemaType.INTEGER, defaultValue = "1000"))
                          @QueryParam("code") @DefaultValue("1000") String code,
                          @Parameter(description = "At most 123 bytes of UTF-8") @QueryParam("reason") @DefaultValue("") String reason) {
        Disconnect why;
        try {
            why = Disconnect.byOperator(Integer.parseInt(code.trim()), reason);
        } catch (NumberFormatException e) {
            return ApiError.badRequest("code must be a whole number");
        } catch (IllegalArgumentException e) {
            return ApiError.badRequest(e.getMessage());
        }
        // another node's connection: that node closes it and answers (protocol.md, cluster)
        return localClose(hub(), id, why)
                .or(() -> Forwarding.toOwner(hub(), id, ClusterAnswers.CLOSE, Integer.toString(why.code()), why.reason()))
                .orElseGet(() -> ApiError.notFound("no connection " + id));
    }

    /** Closes a connection of this node; empty when this node does not hold it. */
    static Optional<Response> localClose(Hub hub, String id, Disconnect why) {
        return hub.registry().find(id).map(c -> {
            hub.close(c, why);
            return Response.accepted(ConnectionView.of(c)).build();
        });
    }

    /** Service-initiated reconnect (protocol.md); closed by the server if the client has not left in time. */
    @POST
    @Path("{id}/reconnect")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Ask the client to reconnect: it gets {\"type\":\"reconnect\",...} and is closed after switchboard.close.timeout if it stays")
    @APIResponse(responseCode = "202", description = "Asked",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = ConnectionView.class)))
    @APIResponse(responseCode = "400", ref = "BadRequest")
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    @APIResponse(responseCode = "404", ref = "NotFound")
    @APIResponse(responseCode = "504", ref = "NodeTimeout")
    @APIResponse(responseCode = "409", ref = "Conflict")
    public Response reconnect(@PathParam("id") String id,
            @RequestBody(description = "Optional; every field optional", content = @Content(mediaType = "application/json", schema = @Schema(type = SchemaType.OBJECT, properties = {
                @SchemaProperty(name = "reason", type = SchemaType.STRING),
                @SchemaProperty(name = "afterMs", type = SchemaType.INTEGER, description = "0 to 3600000"),
                @SchemaProperty(name = "url", type = SchemaType.STRING, description = "A ws:// or wss:// URL to reconnect to")})))
            String body) {
        ReconnectRequest request;
        try {
            request = ReconnectRequest.parse(body, runtime.json());
        } catch (IllegalArgumentException e) {
            return ApiError.badRequest(e.getMessage());
        }
        return localReconnect(hub(), id, request.reason(), request.afterMs(), request.url())
                .or(() -> Forwarding.toOwner(hub(), id, ClusterAnswers.RECONNECT, request.reason(),
                        Long.toString(request.afterMs()), request.url() == null ? "" : request.url()))
                .orElseGet(() -> ApiError.notFound("no connection " + id));
    }

    /** Asks a connection of this node to reconnect; empty when this node does not hold it. */
    static Optional<Response> localReconnect(Hub hub, String id, String reason, long afterMs, String url) {
        Optional<ManagedConnection> found = hub.registry().find(id);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(hub.cluster().reconnect(id, reason, afterMs, url) == ClusterRouter.Outcome.DELIVERED
                ? Response.accepted(ConnectionView.of(found.get())).build()
                : ApiError.response(Response.Status.CONFLICT, "not_live", "connection " + id + " is already closing"));
    }

    private Hub hub() {
        return runtime.hub();
    }
}
