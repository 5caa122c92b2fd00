/**
 * The WebSocket shell: the {@code @ServerEndpoint} at {@code /ws}, its Configurator, and the
 * adapters that turn a {@code jakarta.websocket.Session} into a core {@link io.switchboard.core.Connection}
 * and JSON text into core messages. Each class translates and delegates to the core
 * {@link io.switchboard.core.Hub}; no connection-management decision is made here.
 */
package io.switchboard.endpoint;
