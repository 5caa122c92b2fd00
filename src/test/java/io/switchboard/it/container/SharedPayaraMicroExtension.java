package io.switchboard.it.container;

import org.jboss.arquillian.container.spi.client.container.DeployableContainer;
import org.jboss.arquillian.core.spi.LoadableExtension;

/**
 * Registers {@link SharedPayaraMicroContainer} in the Payara run only (failsafe sets
 * {@code arquillian.launch=payara}); the WildFly run keeps WildFly's own adapter, the only other one on its class path.
 */
public class SharedPayaraMicroExtension implements LoadableExtension {

    @Override
    public void register(ExtensionBuilder builder) {
        if ("payara".equals(System.getProperty("arquillian.launch"))) {
            builder.service(DeployableContainer.class, SharedPayaraMicroContainer.class);
        }
    }
}
