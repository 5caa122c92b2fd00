package io.switchboard.admin;

import io.switchboard.core.NodeInfo;
import io.switchboard.lifecycle.SwitchboardRuntime;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.List;

/**
 * {@code GET /api/nodes}: the cluster's live nodes, this one first, each with its public URL,
 * connections, draining flag and when it last announced itself. Without a cluster, one row. When the
 * cluster cannot be reached: 503 (see {@link ApiExceptionMapper}).
 */
@Path("nodes")
@Produces(MediaType.APPLICATION_JSON)
@RequestScoped
public class NodesResource {

    @Inject
    SwitchboardRuntime runtime;

    @GET
    public List<Node> nodes() {
        String self = runtime.hub().settings().nodeId();
        return runtime.hub().cluster().nodes().stream().map(n -> Node.of(n, self)).toList();
    }

    /** One row of {@code GET /api/nodes}. */
    public record Node(String id, String publicUrl, int connections, boolean draining, String lastSeen, boolean self) {
        static Node of(NodeInfo n, String self) {
            return new Node(n.id(), n.publicUrl().orElse(null), n.connections(), n.draining(),
                    Instant.ofEpochMilli(n.lastSeenMillis()).toString(), n.id().equals(self));
        }
    }
}
