package io.switchboard.it.container;

import org.jboss.arquillian.container.spi.client.container.DeployableContainer;
import org.jboss.arquillian.core.spi.LoadableExtension;

/**
 * The container suite's Arquillian extension, loaded before arquillian.xml is read.
 * <ul>
 * <li>In the Payara run (failsafe sets {@code arquillian.launch=payara}) it registers
 * {@link SharedPayaraMicroContainer}; the WildFly run keeps WildFly's own adapter, the only other one on
 * its class path.</li>
 * <li>It sets {@code switchboard.it.management.port}, which arquillian.xml reads, to WildFly's
 * management port: 9990 plus {@code switchboard.it.port.offset} (see {@link #managementPort()}).</li>
 * </ul>
 */
public class SuiteExtension implements LoadableExtension {

    /** WildFly's management port under test: 9990 plus the port offset the build passes (-Dit.port.offset). */
    public static int managementPort() {
        return 9990 + Integer.getInteger("switchboard.it.port.offset", 0);
    }

    @Override
    public void register(ExtensionBuilder builder) {
        System.setProperty("switchboard.it.management.port", String.valueOf(managementPort()));
        if ("payara".equals(System.getProperty("arquillian.launch"))) {
            builder.service(DeployableContainer.class, SharedPayaraMicroContainer.class);
        }
    }
}
