package io.switchboard.admin;

import io.switchboard.lifecycle.SwitchboardRuntime;
import io.switchboard.core.LogValues;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Guards the whole API with {@code Authorization: Bearer <switchboard.admin.token>}. Without a
 * configured token the API does not exist (404 for every call); a missing or wrong token gets 401.
 * Tokens are compared in constant time, as SHA-256 digests so that not even the length leaks.
 */
@Provider
@PreMatching
@Priority(Priorities.AUTHENTICATION)
public class AdminAuthFilter implements ContainerRequestFilter {

    private static final Logger LOG = Logger.getLogger(AdminAuthFilter.class.getName());
    private static final String BEARER = "Bearer ";

    @Inject
    SwitchboardRuntime runtime;

    @Override
    public void filter(ContainerRequestContext request) {
        Optional<String> configured = runtime.hub().settings().adminToken();
        if (configured.isEmpty()) {
            request.abortWith(ApiError.notFound("the admin API is off: set switchboard.admin.token to turn it on"));
            return;
        }
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        String presented = header != null && header.regionMatches(true, 0, BEARER, 0, BEARER.length())
                ? header.substring(BEARER.length()).trim()
                : null;
        if (presented == null || !matches(presented, configured.get())) {
            LOG.info("event=reject api=" + LogValues.bare(request.getMethod())
                    + " path=" + LogValues.bare("/" + request.getUriInfo().getPath())
                    + " code=401 reason=\"" + (presented == null ? "no admin token" : "wrong admin token") + "\"");
            request.abortWith(Response.fromResponse(
                            ApiError.response(Response.Status.UNAUTHORIZED, "unauthorized", "a valid admin bearer token is required"))
                    .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
                    .build());
        }
    }

    static boolean matches(String presented, String expected) {
        return MessageDigest.isEqual(sha256(presented), sha256(expected));
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
