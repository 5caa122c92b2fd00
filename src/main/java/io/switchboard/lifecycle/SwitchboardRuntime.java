package io.switchboard.lifecycle;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.core.Hub;
import io.switchboard.core.Settings;
import io.switchboard.core.TokenVerifier;
import io.switchboard.endpoint.BoundedJson;
import io.switchboard.endpoint.JsonMessageCodec;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.logging.Logger;

/**
 * Builds the core {@link Hub} when the application starts and holds it for the endpoint, the
 * health checks and the API. Created eagerly, so that a bad setting fails the deployment instead
 * of the first connection.
 */
@ApplicationScoped
public class SwitchboardRuntime {

    private static final Logger LOG = Logger.getLogger(SwitchboardRuntime.class.getName());

    @Inject
    SwitchboardConfig config;

    /** The default JWT verifier, or the application's replacement. */
    @Inject
    TokenVerifier verifier;

    private Hub hub;
    /** The API's reader of request bodies, within {@code switchboard.limits.max-json-depth} like client messages. */
    private BoundedJson json;

    @PostConstruct
    void start() {
        Settings settings = config.settings();
        hub = new Hub(settings, SystemClock.INSTANCE, new JsonMessageCodec(settings.limits().maxJsonDepth()));
        json = new BoundedJson(settings.limits().maxJsonDepth());
        hub.gatekeeper().useVerifier(verifier);
        LOG.info("Switchboard started on node " + settings.nodeId() + " with " + settings);
    }

    /** Forces creation at deployment time. */
    void onStartup(@Observes @Initialized(ApplicationScoped.class) Object event) {
        hub();
    }

    public Hub hub() {
        return hub;
    }

    /** Reads the API's JSON request bodies within the nesting limit. */
    public BoundedJson json() {
        return json;
    }
}
