package io.switchboard.client;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * Starts one connection attempt of a {@link SwitchboardClient} the way its options say (protocol.md,
 * handshake and heartbeats): reads the token again, presents it in the {@code Authorization} header, the
 * {@code access_token} query parameter or an {@code auth} message after the upgrade, and asks for
 * {@code ?heartbeat=app} when wanted. Stateless; safe from any thread.
 */
final class Dialer {

    /** An attempt under way: the upgrade, and the message to send first once it is done (null for none). */
    record Dialing(CompletableFuture<WebSocket> upgrade, String firstMessage) { }

    private final ClientOptions options;

    Dialer(ClientOptions options) {
        this.options = options;
    }

    /**
     * Starts the upgrade to {@code target} with {@code listener}.
     *
     * @throws RuntimeException from a token supplier that failed or a URI the JDK refuses
     */
    Dialing dial(URI target, WebSocket.Listener listener) {
        String token = options.token == null ? null : options.token.get();
        WebSocket.Builder builder = options.httpOrDefault().newWebSocketBuilder().connectTimeout(options.connectTimeout);
        if (token != null && options.tokenTransport == ClientOptions.TokenTransport.HEADER) {
            builder.header("Authorization", "Bearer " + token);
        }
        URI uri = Wire.withQuery(target, options.appHeartbeat ? "heartbeat=app" : null,
                token != null && options.tokenTransport == ClientOptions.TokenTransport.QUERY
                        ? "access_token=" + URLEncoder.encode(token, StandardCharsets.UTF_8) : null);
        boolean inBand = token != null && options.tokenTransport == ClientOptions.TokenTransport.IN_BAND;
        return new Dialing(builder.buildAsync(uri, listener), inBand ? Wire.auth(token) : null);
    }
}
