package io.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.switchboard.it.support.Deployments;
import io.switchboard.it.support.FrameClient;
import io.switchboard.it.support.Servers;
import java.net.URL;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code switchboard.compression.enabled=false} keeps permessage-deflate out of the handshake on both servers. */
@ExtendWith(ArquillianExtension.class)
class DeflateOffIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.switchboard(Map.of("switchboard.compression.enabled", "false"));
    }

    @ArquillianResource
    URL base;

    @Test
    void noExtensionIsNegotiatedWhenCompressionIsOff() throws Exception {
        try (FrameClient client = FrameClient.connect(Servers.authorized(base, null), "permessage-deflate; client_max_window_bits", 0)) {
            assertNull(client.header("Sec-WebSocket-Extensions"));
            assertEquals(false, client.next().compressed());
        }
    }
}
