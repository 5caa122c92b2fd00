package io.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.it.support.Deployments;
import io.switchboard.it.support.ProtocolSchemas;
import io.switchboard.it.support.TestClient;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the server tells about itself: the OpenAPI document of the admin API at {@code /openapi} (from
 * the annotations, as each server's MicroProfile OpenAPI renders them), the AsyncAPI document of
 * {@code /ws} at {@code /asyncapi.yaml}, and the hint a publish call without a JSON content type gets.
 */
@ExtendWith(ArquillianExtension.class)
class ApiDocumentsIT {

    private static final String TOKEN = "it-admin-token";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.switchboard(Map.of("switchboard.admin.token", TOKEN));
    }

    @ArquillianResource
    URL base;

    @Test
    void openApiDescribesTheBearerSchemeTheBodiesAndTheStatuses() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(root().resolve("/openapi?format=JSON"))
                .header("Accept", "application/json").GET());
        assertEquals(200, response.statusCode(), response.body());
        JsonObject doc = Json.createReader(new StringReader(response.body())).readObject();

        JsonObject scheme = doc.getJsonObject("components").getJsonObject("securitySchemes").getJsonObject("adminToken");
        assertEquals("http", scheme.getString("type"), scheme.toString());
        assertEquals("bearer", scheme.getString("scheme"), scheme.toString());
        assertTrue(doc.getJsonArray("security").toString().contains("adminToken"), doc.getJsonArray("security").toString());

        // the broadcast body is an object with data, not "type: string"
        JsonObject broadcast = doc.getJsonObject("paths").getJsonObject("/api/broadcast").getJsonObject("post");
        JsonObject body = broadcast.getJsonObject("requestBody").getJsonObject("content").getJsonObject("application/json").getJsonObject("schema");
        assertEquals("#/components/schemas/PublishBody", body.getString("$ref"), body.toString());
        JsonObject publishBody = doc.getJsonObject("components").getJsonObject("schemas").getJsonObject("PublishBody");
        assertEquals("object", publishBody.getString("type"), publishBody.toString());
        assertTrue(publishBody.getJsonObject("properties").containsKey("data"), publishBody.toString());
        assertTrue(publishBody.getJsonArray("required").contains(Json.createValue("data")), publishBody.toString());
        JsonObject responses = broadcast.getJsonObject("responses");
        for (String status : new String[] {"202", "400", "401", "404", "413", "415"}) {
            assertTrue(responses.containsKey(status), status + " missing from " + responses);
        }

        // every call of the API is there, with its method
        JsonObject paths = doc.getJsonObject("paths");
        Map<String, String[]> calls = Map.of(
                "/api/connections", new String[] {"get"},
                "/api/connections/{id}", new String[] {"get", "delete"},
                "/api/connections/{id}/reconnect", new String[] {"post"},
                "/api/connections/{id}/messages", new String[] {"post"},
                "/api/users/{user}/messages", new String[] {"post"},
                "/api/channels/{channel}/messages", new String[] {"post"},
                "/api/stats", new String[] {"get"},
                "/api/metrics", new String[] {"get"},
                "/api/zombies/cleanup", new String[] {"post"},
                "/api/drain", new String[] {"get", "post", "delete"});
        for (Map.Entry<String, String[]> call : calls.entrySet()) {
            assertTrue(paths.containsKey(call.getKey()), call.getKey() + " missing from " + paths.keySet());
            for (String method : call.getValue()) {
                JsonObject operation = paths.getJsonObject(call.getKey()).getJsonObject(method);
                assertTrue(operation != null && operation.containsKey("summary"), method + " " + call.getKey() + ": " + operation);
                assertTrue(operation.getJsonObject("responses").containsKey("401"), method + " " + call.getKey() + " lacks 401");
            }
        }
        // DELETE /api/connections/{id} documents its code parameter as an integer
        String parameters = paths.getJsonObject("/api/connections/{id}").getJsonObject("delete").getJsonArray("parameters").toString();
        assertTrue(parameters.contains("\"code\"") && parameters.contains("integer"), parameters);
    }

    @Test
    void theAsyncApiDocumentIsServedAsCommitted() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(root().resolve("/asyncapi.yaml")).GET());
        assertEquals(200, response.statusCode());
        assertEquals(Files.readString(ProtocolSchemas.DOCUMENT), response.body());
    }

    @Test
    void aPublishWithoutJsonContentTypeGets415WithAHint() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(root().resolve("/api/broadcast"))
                .header("Authorization", "Bearer " + TOKEN)
                // what curl -d sends unless told otherwise
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("{\"data\":1}")));
        assertEquals(415, response.statusCode(), response.body());
        JsonObject error = Json.createReader(new StringReader(response.body())).readObject();
        assertEquals("unsupported_media_type", error.getString("error"));
        assertTrue(error.getString("message").contains("Content-Type: application/json"), error.toString());
    }

    private URI root() throws Exception {
        return base.toURI();
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.timeout(TestClient.WAIT).build(), HttpResponse.BodyHandlers.ofString());
    }
}
