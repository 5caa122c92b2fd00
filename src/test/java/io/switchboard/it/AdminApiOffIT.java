package io.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.it.support.Api;
import io.switchboard.it.support.Deployments;
import java.net.URL;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Without switchboard.admin.token the API does not exist: 404 for every call, token or not. */
@ExtendWith(ArquillianExtension.class)
class AdminApiOffIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.switchboard();
    }

    @ArquillianResource
    URL base;

    @Test
    void everyCallIs404() throws Exception {
        assertEquals(404, new Api(base, null).get("/connections").statusCode());
        assertEquals(404, new Api(base, "anything").get("/connections").statusCode());
        assertEquals(404, new Api(base, "anything").call("DELETE", "/connections/x", null).statusCode());
    }
}
