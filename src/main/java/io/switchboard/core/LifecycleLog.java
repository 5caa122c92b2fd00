package io.switchboard.core;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Writes one line per lifecycle event in the format of operations.md:
 * {@code event=<name> conn=<id> user=<id> ip=<addr> code=<n> reason="..." durationMs=<n>}.
 *
 * <p>Opens, closes, violations and rejections are logged at INFO; the intermediate states
 * (handshake, authenticating, closing) at FINE, so that a busy node's log carries two lines per
 * connection unless an operator asks for more. Nothing here ever receives a token. Every value that
 * can come from a client goes through {@link LogValues}; a caller's {@code detail} must already be
 * made of such values.
 */
public final class LifecycleLog {

    /** The lifecycle logger that every line goes to unless a hub names another. */
    public static final String LOGGER = "io.switchboard.lifecycle";

    private final Logger log;

    /** Lines to the {@link #LOGGER lifecycle logger}. */
    public LifecycleLog() {
        this(Logger.getLogger(LOGGER));
    }

    /** Lines to {@code log}. */
    public LifecycleLog(Logger log) {
        this.log = log;
    }

    /** Logs entering {@code state} (any state but CLOSED, which {@link #closed} logs). */
    public void transition(ManagedConnection c, ConnectionState state) {
        Level level = switch (state) {
            case OPEN, VIOLATION -> Level.INFO;
            default -> Level.FINE;
        };
        if (log.isLoggable(level)) {
            log.log(level, line(state.event(), c) + " state=" + state);
        }
    }

    /** Logs the end of a connection with its close code and reason. */
    public void closed(ManagedConnection c, int code, String reason, long durationMs) {
        if (log.isLoggable(Level.INFO)) {
            log.info(line(ConnectionState.CLOSED.event(), c) + " code=" + code
                    + " reason=" + quote(reason) + " durationMs=" + durationMs);
        }
    }

    /** Logs any other named event about a connection, such as {@code zombie} or {@code auth}. */
    public void event(String event, ManagedConnection c, String detail) {
        if (log.isLoggable(Level.INFO)) {
            log.info(line(event, c) + (detail.isEmpty() ? "" : " " + detail));
        }
    }

    /** Logs a handshake refused before the upgrade, for which there is no connection yet. */
    public void rejected(String ip, int status, String reason) {
        if (log.isLoggable(Level.INFO)) {
            log.info("event=reject ip=" + LogValues.bare(ip) + " code=" + status + " reason=" + quote(reason));
        }
    }

    private static String line(String event, ManagedConnection c) {
        return "event=" + event + " conn=" + LogValues.bare(c.id()) + " user=" + LogValues.bare(c.userId())
                + " ip=" + (c.remoteAddress().isEmpty() ? "-" : LogValues.bare(c.remoteAddress()));
    }

    /** A quoted, escaped value: {@link LogValues#quoted}. */
    static String quote(String s) {
        return LogValues.quoted(s);
    }
}
