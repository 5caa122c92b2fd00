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
import jakarta.ws.rs.core.MediaType;

/** {@code GET /api/stats}. */
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
    public StatsView stats() {
        return StatsView.of(runtime.hub(), drains.drain(), NodeInfo.of(runtime, servletContext));
    }
}
