package io.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.it.support.Deployments;
import io.switchboard.it.support.Servers;
import io.switchboard.it.support.TestClient;
import jakarta.json.JsonObject;
import java.net.URL;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.OperateOnDeployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * When the application stops, clients get our notice and our close code, never the container's
 * (protocol.md, drain). Undeploying stops Payara Micro's process with SIGTERM (that is how its Arquillian
 * adapter undeploys) and undeploys the WAR from a running WildFly.
 */
@ExtendWith(ArquillianExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StopDrainIT {

    private static final String DEPLOYMENT = "stopping";

    private static TestClient cooperative;
    private static TestClient deaf;

    @Deployment(name = DEPLOYMENT, managed = false, testable = false)
    static WebArchive deployment() {
        return Deployments.switchboard(Map.of(
                "switchboard.shutdown.drain-timeout", "4s",
                "switchboard.close.timeout", "2s",
                "switchboard.shutdown.reconnect-jitter", "1s",
                "switchboard.shutdown.close-code", "4002"));
    }

    @Test
    @Order(1)
    void deploy(@ArquillianResource Deployer deployer) {
        deployer.deploy(DEPLOYMENT);
    }

    @Test
    @Order(2)
    void connect(@ArquillianResource @OperateOnDeployment(DEPLOYMENT) URL base) throws Exception {
        cooperative = TestClient.connect(Servers.webSocket(base, null)).leaveOnShutdown();
        deaf = TestClient.connect(Servers.webSocket(base, null));
        cooperative.next("welcome");
        deaf.next("welcome");
    }

    @Test
    @Order(3)
    void stoppingTheApplicationDrainsItsClients(@ArquillianResource Deployer deployer) throws Exception {
        try {
            // the clients record what they receive while the container stops the application
            deployer.undeploy(DEPLOYMENT);

            JsonObject notice = cooperative.next("shutdown");
            assertTrue(notice.getJsonNumber("reconnectAfterMs").longValue() <= 1_000, notice.toString());
            assertEquals(4_000, notice.getInt("drainMs"));
            assertEquals("1000 leaving", cooperative.awaitClose(), "the cooperative client left on its own");

            assertEquals("shutdown", deaf.next("shutdown").getString("type"));
            assertEquals("4002 server shutting down", deaf.awaitClose(),
                    "a client that ignores the notice is closed with the configured code, not the container's");
        } finally {
            cooperative.close();
            deaf.close();
        }
    }
}
