package io.switchboard.auth;

import io.switchboard.lifecycle.SwitchboardRuntime;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/**
 * Runs on every request to {@code /ws} before the container's WebSocket upgrade.
 *
 * <p>JSR-356 gives the endpoint no portable way to learn the peer's address, so the filter passes
 * it on in a request header of its own, {@value #REMOTE_ADDRESS_HEADER}, which the
 * {@code HandshakeConfigurator} reads. A client cannot forge it: whatever the client sent under that
 * name is replaced.
 */
@WebFilter(urlPatterns = "/ws", asyncSupported = true)
public class HandshakeFilter extends HttpFilter {

    /** The header that carries the peer address from this filter to the Configurator. */
    public static final String REMOTE_ADDRESS_HEADER = "X-Switchboard-Remote-Address";

    @Inject
    SwitchboardRuntime runtime;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (runtime.hub().isDraining()) {
            long retryAfter = Math.max(1, runtime.hub().settings().shutdown().reconnectJitter().toSeconds());
            runtime.hub().lifecycleLog().rejected(request.getRemoteAddr(), 503, "draining");
            response.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
            response.setHeader("Retry-After", Long.toString(retryAfter));
            response.setContentType("text/plain;charset=UTF-8");
            response.getWriter().write("draining\n");
            return;
        }
        chain.doFilter(new PeerAddressRequest(request), response);
    }

    /** The upgrade request with the peer address added as a header. */
    private static final class PeerAddressRequest extends HttpServletRequestWrapper {
        private final String remoteAddress;

        PeerAddressRequest(HttpServletRequest request) {
            super(request);
            this.remoteAddress = request.getRemoteAddr();
        }

        @Override
        public String getHeader(String name) {
            return REMOTE_ADDRESS_HEADER.equalsIgnoreCase(name) ? remoteAddress : super.getHeader(name);
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            return REMOTE_ADDRESS_HEADER.equalsIgnoreCase(name)
                    ? Collections.enumeration(List.of(remoteAddress))
                    : super.getHeaders(name);
        }

        @Override
        public Enumeration<String> getHeaderNames() {
            List<String> names = new ArrayList<>();
            for (Enumeration<String> e = super.getHeaderNames(); e.hasMoreElements(); ) {
                String name = e.nextElement();
                if (!REMOTE_ADDRESS_HEADER.equalsIgnoreCase(name)) {
                    names.add(name);
                }
            }
            names.add(REMOTE_ADDRESS_HEADER);
            return Collections.enumeration(names);
        }
    }
}
