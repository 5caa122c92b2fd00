/**
 * WildFly only: starts the drain when the server suspends or shuts down, before Undertow closes the
 * WebSocket sessions itself. Loaded by WildFly's service activator mechanism and nowhere else; inert on
 * Payara, which never reads {@code META-INF/services/org.jboss.msc.service.ServiceActivator}.
 */
package io.switchboard.lifecycle.wildfly;
