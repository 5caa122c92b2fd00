package io.switchboard.it.support;

import io.switchboard.core.ManagedConnection;
import io.switchboard.lifecycle.SwitchboardRuntime;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;

/**
 * Test-only, added to the deployment by {@link HeartbeatIT}: {@code POST /it/abort?id=...} calls
 * {@code Connection.abort()} on that connection, so that the test can see what the container-specific
 * abort does to the client without waiting for a peer that cannot read.
 */
@WebServlet("/it/abort")
public class AbortProbeServlet extends HttpServlet {

    @Inject
    SwitchboardRuntime runtime;

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Optional<ManagedConnection> c = runtime.hub().registry().find(request.getParameter("id"));
        if (c.isEmpty()) {
            response.sendError(404);
            return;
        }
        c.get().transport().abort();
        response.setStatus(204);
    }
}
