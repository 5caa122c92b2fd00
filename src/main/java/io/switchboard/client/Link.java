package io.switchboard.client;

import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One WebSocket connection of a {@link SwitchboardClient}: turns the JDK's callbacks into events on
 * the client's serial executor and queues sends, since the JDK allows one outstanding send at a time.
 * However a connection ends (close frame, error, abort), {@link Events#ended} is reported once.
 */
final class Link implements WebSocket.Listener {

    /** What the client learns from a link, always on its serial executor. */
    interface Events {
        void text(Link link, String text);

        /** A frame of any kind arrived: proof that the server is alive. */
        void alive(Link link);

        void ended(Link link, int code, String reason);
    }

    static final int NO_CLOSE_FRAME = 1006;

    private final Events events;
    private final Executor serial;
    /** Parts of a fragmented text message; the JDK calls the listener one call at a time. */
    private final StringBuilder partial = new StringBuilder();
    /** True once the end has been reported; nothing is reported after it. */
    private final AtomicBoolean ended = new AtomicBoolean();
    /** Set by the JDK's onOpen, before any message can arrive. */
    private volatile WebSocket socket;
    /** The last queued send; the next one starts when it has finished. Used on the serial executor only. */
    private CompletableFuture<?> sends = CompletableFuture.completedFuture(null);

    Link(Events events, Executor serial) {
        this.events = events;
        this.serial = serial;
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        socket = webSocket;
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            String text = partial.toString();
            partial.setLength(0);
            serial.execute(() -> events.text(this, text));
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        serial.execute(() -> events.alive(this));
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
        // the JDK answers a Ping with a Pong by itself
        serial.execute(() -> events.alive(this));
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
        serial.execute(() -> events.alive(this));
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        end(statusCode, reason);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        end(NO_CLOSE_FRAME, String.valueOf(error.getMessage() != null ? error.getMessage() : error));
    }

    /** Reports the end once, whoever noticed it first. */
    void end(int code, String reason) {
        if (ended.compareAndSet(false, true)) {
            serial.execute(() -> events.ended(this, code, reason == null ? "" : reason));
        }
    }

    /** True once the handshake is done (the JDK's onOpen ran). */
    boolean isOpen() {
        return socket != null;
    }

    /** Queues a text message behind the previous sends. Call on the serial executor. */
    void send(String text) {
        WebSocket ws = socket;
        if (ws == null || ended.get()) {
            return;
        }
        sends = sends.handle((r, e) -> null).thenCompose(x -> ws.sendText(text, true));
    }

    /** Starts the close handshake after the queued sends; the server's answer ends the link. */
    void close(int code, String reason) {
        WebSocket ws = socket;
        if (ws == null || ended.get()) {
            return;
        }
        sends = sends.handle((r, e) -> null).thenCompose(x -> ws.sendClose(code, reason));
    }

    /** Drops the TCP connection without a close handshake and reports the end with {@code reason}. */
    void abort(String reason) {
        WebSocket ws = socket;
        if (ws != null) {
            ws.abort();
        }
        end(NO_CLOSE_FRAME, reason);
    }
}
