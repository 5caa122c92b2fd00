package io.switchboard.client;

import jakarta.json.JsonObject;

/**
 * What a {@link SwitchboardClient} reports. Methods run on the client's own serial executor, one at
 * a time and in order; a listener that blocks delays the client's next event, nothing else.
 */
public interface ClientListener {

    /** Authenticated: the server's {@code welcome}. Channels are being resubscribed. */
    default void onOpen(JsonObject welcome) {
    }

    /**
     * A message for the application: {@code message} (channel or direct), {@code shutdown},
     * {@code reconnect}, an {@code error} that answers no request, or a type this client does not
     * know. Heartbeats, time sync and replies to requests are handled by the client.
     */
    default void onMessage(JsonObject message) {
    }

    /**
     * The connection ended. {@code code} is the close code the server sent, or 1006 when there was
     * none (refused, dropped, unresponsive server, handshake rejected; {@code reason} says which).
     */
    /**
     * The answer to a resubscription from the last message seen (protocol.md, history): with
     * {@code recovered} true every message missed meanwhile has been delivered, in order, before this
     * call; with false some were lost (another epoch, too old, too many) and the application should
     * reload its state of {@code channel}. {@code subscribed} carries the channel's current offset and epoch.
     */
    default void onRecovery(String channel, boolean recovered, JsonObject subscribed) {
    }

    default void onClose(int code, String reason, boolean willReconnect) {
    }

    default void onStateChange(SwitchboardClient.State from, SwitchboardClient.State to) {
    }
}
