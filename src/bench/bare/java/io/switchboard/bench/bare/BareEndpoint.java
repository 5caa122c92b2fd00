package io.switchboard.bench.bare;

import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The benchmark's floor: a plain JSR-356 endpoint with no connection management. It keeps the open
 * sessions in a set, records pongs through a {@link PongMessage} handler, and sends every text message
 * it receives to every session with {@code getAsyncRemote().sendText}. {@link BarePinger} pings them.
 * Built into {@code target/bench/bare.war} by the {@code bench} profile only, never into Switchboard's WAR.
 */
@ServerEndpoint("/ws")
public class BareEndpoint {

    /** Every session between its open and its close. */
    static final Set<Session> SESSIONS = ConcurrentHashMap.newKeySet();
    static final AtomicLong PONGS = new AtomicLong();
    static final AtomicLong BROADCASTS = new AtomicLong();
    static final AtomicLong SEND_FAILURES = new AtomicLong();
    static final AtomicLong ERRORS = new AtomicLong();

    @OnOpen
    public void open(Session session) {
        SESSIONS.add(session);
    }

    @OnMessage
    public void text(String message) {
        BROADCASTS.incrementAndGet();
        for (Session s : SESSIONS) {
            try {
                if (s.isOpen()) {
                    s.getAsyncRemote().sendText(message);
                }
            } catch (RuntimeException e) {
                SEND_FAILURES.incrementAndGet();
            }
        }
    }

    @OnMessage
    public void pong(PongMessage pong) {
        PONGS.incrementAndGet();
    }

    @OnError
    public void error(Session session, Throwable error) {
        ERRORS.incrementAndGet();
    }

    @OnClose
    public void close(Session session) {
        SESSIONS.remove(session);
    }
}
