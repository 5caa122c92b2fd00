package io.switchboard.admin;

import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Turns every exception from the API into a JSON error body; a stack trace goes to the log, never to the client. */
@Provider
public class ApiExceptionMapper implements ExceptionMapper<Throwable> {

    private static final Logger LOG = Logger.getLogger(ApiExceptionMapper.class.getName());

    @Override
    public Response toResponse(Throwable error) {
        if (error instanceof NotSupportedException) {
            return ApiError.response(Response.Status.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type",
                    "send the body as JSON with the header Content-Type: application/json");
        }
        if (error instanceof WebApplicationException wae) {
            Response.StatusType status = wae.getResponse().getStatusInfo();
            String code = status.getReasonPhrase().toLowerCase(java.util.Locale.ROOT).replace(' ', '_');
            return ApiError.response(Response.Status.fromStatusCode(status.getStatusCode()) == null
                            ? Response.Status.BAD_REQUEST : Response.Status.fromStatusCode(status.getStatusCode()),
                    code, status.getReasonPhrase());
        }
        if (error instanceof io.switchboard.core.ClusterUnavailableException unavailable) {
            // the cluster cannot be reached: nothing was delivered; the balancer or caller may retry
            return Response.fromResponse(ApiError.response(Response.Status.SERVICE_UNAVAILABLE, "unavailable",
                    unavailable.getMessage())).header("Retry-After", "5").build();
        }
        LOG.log(Level.WARNING, "admin API call failed", error);
        return ApiError.response(Response.Status.INTERNAL_SERVER_ERROR, "internal_error", "the server failed; see its log");
    }
}
