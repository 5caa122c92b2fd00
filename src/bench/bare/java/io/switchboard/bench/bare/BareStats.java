package io.switchboard.bench.bare;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** {@code GET /stats}: the bare endpoint's counters as one JSON object, for the benchmark runner. */
@WebServlet("/stats")
public class BareStats extends HttpServlet {

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("application/json");
        response.getWriter().printf("{\"sessions\":%d,\"pingsSent\":%d,\"pingFailures\":%d,\"pongs\":%d,"
                        + "\"broadcasts\":%d,\"sendFailures\":%d,\"errors\":%d}%n",
                BareEndpoint.SESSIONS.size(), BarePinger.PINGS.get(), BarePinger.PING_FAILURES.get(),
                BareEndpoint.PONGS.get(), BareEndpoint.BROADCASTS.get(), BareEndpoint.SEND_FAILURES.get(),
                BareEndpoint.ERRORS.get());
    }
}
