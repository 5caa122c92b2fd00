package io.switchboard.admin;

import io.switchboard.lifecycle.DrainService;
import io.switchboard.lifecycle.SwitchboardRuntime;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.servlet.ServletContext;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import io.switchboard.core.ClusterCalls;
import io.switchboard.core.Hub;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/** {@code GET /api/stats}: this node's figures, or with {@code scope=cluster} every node's added up ({@link ClusterStats}). */
@Path("stats")
@Produces(MediaType.APPLICATION_JSON)
@RequestScoped
public class StatsResource {

    @Inject
    SwitchboardRuntime runtime;

    @Inject
    DrainService drains;

    @Context
    ServletContext servletContext;

    @GET
    @Operation(summary = "The figures to watch and alert on: pool, heartbeat, messages, limits, rejections, closes, drain")
    @APIResponse(responseCode = "200", description = "The node's figures",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = StatsView.class)))
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    @APIResponse(responseCode = "404", ref = "NotFound")
    public Response stats(@Parameter(description = "node (default): this node's figures; cluster: every node's added up, with each node's under byNode")
                          @QueryParam("scope") @DefaultValue("node") String scope) {
        StatsView own = StatsView.of(runtime.hub(), drains.drain(), NodeInfo.of(runtime, servletContext));
        if (scope.equals("node")) {
            return Response.ok(own).build();
        }
        if (!scope.equals("cluster")) {
            return ApiError.badRequest("scope must be node or cluster");
        }
        Hub hub = runtime.hub();
        // every other node answers with its figures at the same time (protocol.md, cluster)
        ClusterCalls.Gathering others = hub.cluster().calls().askAll(ClusterAnswers.STATS);
        Forwarding.await(others.done(), Forwarding.timeout(hub));
        Map<String, String> byNode = new LinkedHashMap<>();
        byNode.put(hub.settings().nodeId(), ClusterAnswers.write(own));
        new TreeMap<>(others.replies()).forEach((node, reply) -> {
            if (reply.status() == 200) {
                byNode.put(node, reply.body());
            }
        });
        List<String> silent = new ArrayList<>(others.silent());
        others.replies().forEach((node, reply) -> {
            if (reply.status() != 200) {
                silent.add(node);
            }
        });
        return Response.ok(ClusterStats.of(byNode, silent)).build();
    }
}
