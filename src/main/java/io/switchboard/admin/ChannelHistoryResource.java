package io.switchboard.admin;

import io.switchboard.core.ChannelNames;
import io.switchboard.core.HistoryStore;
import io.switchboard.codec.BoundedJson;
import io.switchboard.lifecycle.SwitchboardRuntime;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code GET /api/channels/{channel}/history?since=&limit=}: the channel's current {@code offset} and
 * {@code epoch}, the offset of its oldest retained message ({@code oldest}, 0 when none), and the
 * retained messages with an offset above {@code since} (default 0), oldest first, at most
 * {@code limit} (default 100, at most 1000). 404 when history is off.
 */
@Path("channels/{channel}/history")
@Produces(MediaType.APPLICATION_JSON)
@RequestScoped
public class ChannelHistoryResource {

    /** The most messages one call returns, whatever {@code limit} asks for. */
    static final int MAX_LIMIT = 1000;

    @Inject
    SwitchboardRuntime runtime;

    @GET
    public Response history(@PathParam("channel") String channel, @QueryParam("since") @DefaultValue("0") String since,
                            @QueryParam("limit") @DefaultValue("100") String limit) {
        HistoryStore history = runtime.hub().channels().history();
        if (history == null) {
            return ApiError.notFound("channel history is off (switchboard.history.size is 0)");
        }
        try {
            ChannelNames.name(channel);
        } catch (IllegalArgumentException e) {
            return ApiError.badRequest(e.getMessage());
        }
        long after;
        int max;
        try {
            after = Long.parseLong(since.trim());
            max = Integer.parseInt(limit.trim());
        } catch (NumberFormatException e) {
            return ApiError.badRequest("since and limit must be whole numbers");
        }
        if (after < 0 || max < 1 || max > MAX_LIMIT) {
            return ApiError.badRequest("since must be at least 0 and limit between 1 and " + MAX_LIMIT);
        }
        HistoryStore.Page page;
        try {
            page = history.read(channel, after, max).toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ApiError.response(Response.Status.SERVICE_UNAVAILABLE, "unavailable", "interrupted");
        } catch (TimeoutException | java.util.concurrent.ExecutionException | CompletionException e) {
            return ApiError.response(Response.Status.SERVICE_UNAVAILABLE, "unavailable", "the channel's history cannot be read");
        }
        JsonArrayBuilder messages = Json.createArrayBuilder();
        BoundedJson json = runtime.json();
        for (HistoryStore.Entry e : page.entries()) {
            try {
                messages.add(Json.createObjectBuilder().add("offset", e.offset()).add("data", json.read(e.data())));
            } catch (BoundedJson.RefusedException refused) {
                // kept data was read by the same reader when it was published: this cannot happen
                throw new IllegalStateException("a kept message of " + channel + " is not valid JSON", refused);
            }
        }
        return Response.ok(Json.createObjectBuilder()
                .add("channel", channel)
                .add("offset", page.top().offset())
                .add("epoch", page.top().epoch())
                .add("oldest", page.oldest())
                .add("messages", messages)
                .build().toString(), MediaType.APPLICATION_JSON_TYPE).build();
    }
}
