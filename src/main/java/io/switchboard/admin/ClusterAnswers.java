package io.switchboard.admin;

import io.switchboard.core.ClusterCalls;
import io.switchboard.core.Disconnect;
import io.switchboard.core.Hub;
import io.switchboard.lifecycle.DrainService;
import io.switchboard.lifecycle.SwitchboardRuntime;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;

/**
 * What this node answers when another node of the cluster calls it (protocol.md, cluster): the same
 * code as the API's local path, its response turned into a status and a JSON body for the caller to
 * relay. Runs on the cluster link's receiving thread, so every operation here only queues work.
 */
@ApplicationScoped
public class ClusterAnswers implements ClusterCalls.Answerer {

    static final String GET = "get";
    static final String CLOSE = "close";
    static final String RECONNECT = "reconnect";
    static final String SEND = "send";
    static final String CLOSE_USER = "close-user";
    static final String STATS = "stats";

    private static final Jsonb JSON = JsonbBuilder.create();

    @Inject
    SwitchboardRuntime runtime;

    @Inject
    DrainService drains;

    void onStartup(@Observes @Initialized(ApplicationScoped.class) Object event) {
        runtime.hub().cluster().calls().answerWith(this);
    }

    @Override
    public ClusterCalls.Reply answer(String op, List<String> args) {
        Hub hub = runtime.hub();
        Response response = switch (op) {
            case GET -> ConnectionsResource.localGet(hub, args.get(0)).orElseGet(() -> notHere(args.get(0)));
            case CLOSE -> ConnectionsResource.localClose(hub, args.get(0),
                    Disconnect.byOperator(Integer.parseInt(args.get(1)), args.get(2))).orElseGet(() -> notHere(args.get(0)));
            case RECONNECT -> ConnectionsResource.localReconnect(hub, args.get(0), args.get(1), Long.parseLong(args.get(2)),
                    args.get(3).isEmpty() ? null : args.get(3)).orElseGet(() -> notHere(args.get(0)));
            case SEND -> ConnectionMessagesResource.localSend(hub, args.get(0), args.get(1)).orElseGet(() -> notHere(args.get(0)));
            case CLOSE_USER -> Response.ok(Map.of("closed", hub.closeUser(args.get(0),
                    Disconnect.byOperator(Integer.parseInt(args.get(1)), args.get(2))))).build();
            case STATS -> Response.ok(StatsView.of(hub, drains.drain(), NodeInfo.of(runtime, null))).build();
            default -> ApiError.badRequest("unknown cluster operation " + op);
        };
        Object entity = response.getEntity();
        return new ClusterCalls.Reply(hub.settings().nodeId(), response.getStatus(), entity == null ? "" : JSON.toJson(entity));
    }

    private static Response notHere(String id) {
        return ApiError.notFound("no connection " + id);
    }

    /** Parses a JSON body another node answered with; for adding figures up. */
    static <T> T read(String body, Class<T> type) {
        return JSON.fromJson(body, type);
    }

    static String write(Object value) {
        return JSON.toJson(value);
    }
}
