package io.switchboard.upgrade;

import io.switchboard.core.HandshakeCheck;
import io.switchboard.core.UpgradeSyntax;
import io.switchboard.endpoint.tyrus.FrameSplittingUpgrade;
import io.switchboard.lifecycle.SwitchboardRuntime;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/**
 * Runs on every request to {@code /ws} before the container's WebSocket upgrade, and refuses an
 * upgrade with the plain HTTP statuses of protocol.md, and a request that says
 * {@code Upgrade: websocket} but is not a valid handshake with 400 (a servlet filter is the one place
 * where both Tyrus and Undertow let Switchboard answer with a real status and headers). The
 * decision itself is the core's ({@link io.switchboard.core.Gatekeeper#checkHandshake}); this class
 * only reads the request and writes the response.
 *
 * <p>An accepted upgrade goes on with one request header of the filter's own, which a client cannot
 * forge (whatever it sent under that name is replaced): {@value ForwardedHandshake#TICKET_HEADER}, the
 * ticket that carries the verified identity, the peer address and the reserved connection slots to the
 * {@code HandshakeConfigurator}.
 */
@WebFilter(urlPatterns = "/ws", asyncSupported = true)
public class HandshakeFilter extends HttpFilter {

    /** The header that carries the handshake ticket from this filter to the Configurator. */
    public static final String TICKET_HEADER = ForwardedHandshake.TICKET_HEADER;

    private static final String BEARER = "Bearer ";

    @Inject
    SwitchboardRuntime runtime;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String ip = request.getRemoteAddr();
        if (!isUpgrade(request)) {
            // not a WebSocket handshake: the container answers it, and it costs no slot
            chain.doFilter(new ForwardedHandshake(request, null), response);
            return;
        }
        String malformed = UpgradeSyntax.problem(request.getMethod(), request.getProtocol(), headers(request, "Connection"),
                headers(request, "Sec-WebSocket-Key"), headers(request, "Sec-WebSocket-Version"));
        if (malformed != null) {
            // answered here: left to the container, some of these get a 500 and others an upgrade
            refuse(response, runtime.hub().gatekeeper().refuseMalformed(ip, malformed));
            return;
        }
        HandshakeCheck check = runtime.hub().gatekeeper().checkHandshake(ip, request.getHeader("Origin"), token(request));
        if (!check.isAccepted()) {
            refuse(response, check);
            return;
        }
        // FrameSplittingUpgrade: on Tyrus, a frame over the size limit reaches the endpoint in pieces (1009, not 1011)
        FrameSplittingUpgrade upgrade = new FrameSplittingUpgrade(new ForwardedHandshake(request, check.ticket()),
                runtime.hub().settings().limits().maxMessageSize(), () -> runtime.hub().socketEnded(check.ticket()));
        boolean passed = false;
        try {
            chain.doFilter(upgrade, response);
            passed = true;
        } finally {
            // a request upgraded through the wrapper (Tyrus) is the connection's: it claims the ticket, or
            // gives its slots back when its socket ends; elsewhere the status tells (Undertow sets it first)
            String refused = upgrade.upgraded() ? null : passed ? refusal(response) : "the container failed the upgrade request";
            if (refused != null) {
                // no connection will claim the ticket
                runtime.hub().gatekeeper().cancelTicket(check.ticket(), refused);
            }
        }
    }

    /**
     * How the container refused the upgrade request, if it answered with an error instead of upgrading
     * it; else null. A response the container no longer lets this filter read counts as upgraded:
     * cancelling the ticket of a connection that then starts would close it 1011, while a ticket nobody
     * claims gives its slots back at its TTL.
     */
    private static String refusal(HttpServletResponse response) {
        try {
            int status = response.getStatus();
            return status >= 400 ? "the container answered the upgrade request " + status : null;
        } catch (IllegalStateException recycled) {
            return null;
        }
    }

    /**
     * The token of {@code Authorization: Bearer}, else of {@code access_token}; "" when present but
     * empty. Read from the raw query string: {@link QueryParameters} says why.
     */
    static String token(HttpServletRequest request) {
        String authorization = request.getHeader("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return authorization.substring(BEARER.length()).trim();
        }
        if (authorization != null && authorization.trim().equalsIgnoreCase("Bearer")) {
            return "";
        }
        return QueryParameters.first(request.getQueryString(), "access_token");
    }

    private static List<String> headers(HttpServletRequest request, String name) {
        Enumeration<String> values = request.getHeaders(name);
        return values == null ? List.of() : Collections.list(values);
    }

    private static boolean isUpgrade(HttpServletRequest request) {
        String upgrade = request.getHeader("Upgrade");
        return upgrade != null && upgrade.trim().equalsIgnoreCase("websocket");
    }

    private static void refuse(HttpServletResponse response, HandshakeCheck check) throws IOException {
        int status = check.refusal().httpStatus();
        response.setStatus(status);
        switch (check.refusal()) {
            case INVALID_TOKEN -> response.setHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"");
            case NO_TOKEN -> response.setHeader("WWW-Authenticate", "Bearer");
            case MALFORMED_UPGRADE -> response.setHeader("Sec-WebSocket-Version", UpgradeSyntax.VERSION);
            default -> {
                if (status == 429 || status == 503) {
                    response.setHeader("Retry-After", Long.toString(Math.max(1, check.retryAfterSeconds())));
                }
            }
        }
        byte[] body = (check.refusal().reason() + "\n").getBytes(StandardCharsets.UTF_8);
        response.setContentType("text/plain;charset=UTF-8");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
