package io.switchboard.admin;

import io.switchboard.lifecycle.SwitchboardRuntime;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/channels?limit=}: the subscription patterns held on this node with how many
 * connections hold each, most subscribers first (then by name), at most {@code limit} (default 100,
 * at most {@value ConnectionsResource#MAX_LIMIT}) of them; {@code X-Total-Count} says how many there are.
 * A pattern is listed as subscribed: {@code news.*} counts under {@code news.*}.
 */
@Path("channels")
@Produces(MediaType.APPLICATION_JSON)
@RequestScoped
public class ChannelsResource {

    /** One subscription pattern and the connections of this node that hold it. */
    public record ChannelView(String channel, int subscribers) { }

    @Inject
    SwitchboardRuntime runtime;

    @GET
    public Response list(@QueryParam("limit") @DefaultValue("100") String limit) {
        int max;
        try {
            max = Integer.parseInt(limit.trim());
        } catch (NumberFormatException e) {
            return ApiError.badRequest("limit must be a whole number");
        }
        if (max < 1 || max > ConnectionsResource.MAX_LIMIT) {
            return ApiError.badRequest("limit must be between 1 and " + ConnectionsResource.MAX_LIMIT);
        }
        Map<String, Integer> counts = runtime.hub().channels().subscriberCounts();
        List<ChannelView> views = counts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder())
                        .thenComparing(Map.Entry.comparingByKey()))
                .limit(max)
                .map(e -> new ChannelView(e.getKey(), e.getValue()))
                .toList();
        return Response.ok(views).header(ConnectionsResource.TOTAL_HEADER, counts.size()).build();
    }
}
