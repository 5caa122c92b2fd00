package io.switchboard.core;

/** How the server checks that a connection is alive (protocol.md). */
public enum HeartbeatMode {
    /** WebSocket Ping and Pong control frames. */
    PROTOCOL("protocol"),
    /** {@code {"type":"ping"}} text messages, for browsers, which cannot see control frames. */
    APP("app");

    private final String wireName;

    HeartbeatMode(String wireName) {
        this.wireName = wireName;
    }

    /** The name used in the {@code welcome} message and the {@code heartbeat=} query parameter. */
    public String wireName() {
        return wireName;
    }

    /** The mode a client asked for with {@code ?heartbeat=}; anything but {@code app} means protocol. */
    public static HeartbeatMode fromQuery(String value) {
        return APP.wireName.equals(value) ? APP : PROTOCOL;
    }
}
