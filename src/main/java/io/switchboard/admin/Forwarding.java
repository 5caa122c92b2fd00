package io.switchboard.admin;

import io.switchboard.core.ClusterCalls;
import io.switchboard.core.ClusterConnection;
import io.switchboard.core.ClusterRouter;
import io.switchboard.core.Hub;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A call about a connection held by another node (protocol.md, cluster): the owning node runs it and
 * its answer is this node's answer, with the {@value #NODE_HEADER} header naming the node that acted.
 * The wait is at most {@code switchboard.cluster.request-timeout}; then 504 {@code node_timeout}
 * names the node that did not answer.
 */
final class Forwarding {

    /** The response header naming the node that answered a forwarded call. */
    static final String NODE_HEADER = "X-Switchboard-Node";

    private Forwarding() {
    }

    /**
     * The owner's answer to {@code op} about connection {@code id}; empty when no other node holds it
     * (the caller answers as for a local connection: it is here, or nowhere).
     */
    static Optional<Response> toOwner(Hub hub, String id, String op, String... args) {
        ClusterRouter cluster = hub.cluster();
        if (!cluster.isClustered()) {
            return Optional.empty();
        }
        Optional<ClusterConnection> found = cluster.find(id);
        if (found.isEmpty() || found.get().node().equals(cluster.nodeId())) {
            return Optional.empty();
        }
        String owner = found.get().node();
        String[] all = new String[args.length + 1];
        all[0] = id;
        System.arraycopy(args, 0, all, 1, args.length);
        CompletableFuture<ClusterCalls.Reply> answer = cluster.calls().ask(owner, op, all);
        if (!await(answer, timeout(hub))) {
            return Optional.of(timedOut(hub, List.of(owner)));
        }
        return Optional.of(relay(answer.join()));
    }

    /** Waits for {@code done} at most {@code timeout}; false (and the call forgotten) when it did not come. */
    static boolean await(CompletableFuture<?> done, Duration timeout) {
        try {
            done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            done.cancel(false);
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            done.cancel(false);
            return false;
        } catch (ExecutionException e) {
            return true;
        }
    }

    static Duration timeout(Hub hub) {
        return hub.settings().cluster().requestTimeout();
    }

    /** One node's answer as this node's response. */
    static Response relay(ClusterCalls.Reply reply) {
        Response.ResponseBuilder b = Response.status(reply.status()).header(NODE_HEADER, reply.node());
        if (!reply.body().isEmpty()) {
            b.type(MediaType.APPLICATION_JSON_TYPE).entity(reply.body());
        }
        return b.build();
    }

    /** 504: the nodes that did not answer within the request timeout. */
    static Response timedOut(Hub hub, List<String> nodes) {
        return Response.status(Response.Status.GATEWAY_TIMEOUT).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new NodeTimeout("node_timeout", "node " + String.join(", ", nodes) + " did not answer within "
                        + timeout(hub).toMillis() + "ms", nodes))
                .build();
    }

    /** The body of a 504: which nodes did not answer. */
    public record NodeTimeout(String error, String message, List<String> nodes) { }
}
