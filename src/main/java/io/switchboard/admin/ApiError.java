package io.switchboard.admin;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The body of every error the API returns: {@code {"error":"not_found","message":"..."}}.
 *
 * @param error   a stable machine-readable code
 * @param message a human-readable explanation
 */
public record ApiError(String error, String message) {

    /** A response with this status and a JSON error body. */
    public static Response response(Response.Status status, String error, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(new ApiError(error, message)).build();
    }

    public static Response notFound(String message) {
        return response(Response.Status.NOT_FOUND, "not_found", message);
    }

    public static Response badRequest(String message) {
        return response(Response.Status.BAD_REQUEST, "bad_request", message);
    }
}
