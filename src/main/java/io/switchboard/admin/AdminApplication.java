package io.switchboard.admin;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.openapi.annotations.Components;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.media.SchemaProperty;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;

/**
 * Mounts the admin and publish API at {@code /api}, and describes it for the servers' MicroProfile
 * OpenAPI document at {@code /openapi}: the bearer scheme every call needs, and the bodies and error
 * responses the calls share (referred to by name from each resource).
 */
@ApplicationPath("api")
@OpenAPIDefinition(
        info = @Info(title = "Switchboard admin and publish API", version = "0.1.0",
                description = "Every call needs Authorization: Bearer <switchboard.admin.token>; without a configured "
                        + "token the whole API answers 404. Errors are {\"error\":\"<code>\",\"message\":\"...\"}."),
        security = @SecurityRequirement(name = AdminApplication.BEARER),
        components = @Components(
                schemas = {
                    @Schema(name = "PublishBody", type = SchemaType.OBJECT, required = true, requiredProperties = "data",
                            description = "The data to send, any JSON value, at most switchboard.limits.max-message-size bytes.",
                            properties = @SchemaProperty(name = "data", description = "Any JSON value: object, array, string, number, boolean or null.")),
                    @Schema(name = "Delivered", type = SchemaType.OBJECT, requiredProperties = "recipients",
                            properties = @SchemaProperty(name = "recipients", type = SchemaType.INTEGER,
                                    description = "Connections of this node the message was queued to.")),
                    @Schema(name = "ApiError", type = SchemaType.OBJECT, requiredProperties = {"error", "message"},
                            properties = {
                                @SchemaProperty(name = "error", type = SchemaType.STRING, description = "A stable code: bad_request, unauthorized, not_found, conflict, not_open, not_live, too_large, unsupported_media_type."),
                                @SchemaProperty(name = "message", type = SchemaType.STRING, description = "For people.")})
                },
                responses = {
                    @APIResponse(name = "BadRequest", responseCode = "400", description = "A parameter or the body is not valid.",
                            content = @Content(mediaType = "application/json", schema = @Schema(ref = "ApiError"))),
                    @APIResponse(name = "Unauthorized", responseCode = "401",
                            description = "No or a wrong admin token (WWW-Authenticate: Bearer).",
                            content = @Content(mediaType = "application/json", schema = @Schema(ref = "ApiError"))),
                    @APIResponse(name = "NotFound", responseCode = "404",
                            description = "No such connection, or the admin API is off (no switchboard.admin.token).",
                            content = @Content(mediaType = "application/json", schema = @Schema(ref = "ApiError"))),
                    @APIResponse(name = "Conflict", responseCode = "409", description = "The target is not in a state for this call.",
                            content = @Content(mediaType = "application/json", schema = @Schema(ref = "ApiError"))),
                    @APIResponse(name = "TooLarge", responseCode = "413", description = "data is larger than switchboard.limits.max-message-size.",
                            content = @Content(mediaType = "application/json", schema = @Schema(ref = "ApiError"))),
                    @APIResponse(name = "UnsupportedMediaType", responseCode = "415",
                            description = "The body was sent without Content-Type: application/json.",
                            content = @Content(mediaType = "application/json", schema = @Schema(ref = "ApiError"))),
                    @APIResponse(name = "NodeTimeout", responseCode = "504",
                            description = "In a cluster: the node holding the connection did not answer within switchboard.cluster.request-timeout; error node_timeout, and nodes names it.",
                            content = @Content(mediaType = "application/json", schema = @Schema(ref = "ApiError"))),
                    @APIResponse(name = "Delivered", responseCode = "202", description = "Queued to the recipients of this node.",
                            content = @Content(mediaType = "application/json", schema = @Schema(ref = "Delivered")))
                }))
@SecurityScheme(securitySchemeName = AdminApplication.BEARER, type = SecuritySchemeType.HTTP, scheme = "bearer",
        description = "The value of switchboard.admin.token.")
public class AdminApplication extends Application {

    /** The name of the bearer security scheme in the OpenAPI document. */
    static final String BEARER = "adminToken";
}
