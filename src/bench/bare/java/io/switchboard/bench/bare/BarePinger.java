package io.switchboard.bench.bare;

import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;
import jakarta.websocket.Session;
import java.nio.ByteBuffer;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One scheduled task that pings every open session of {@link BareEndpoint} every
 * {@code bare.ping.interval.seconds} (default 5) with {@code getAsyncRemote().sendPing}. No zombie
 * detection: the bare endpoint only shows what pings and pongs cost the container.
 */
@WebListener
public class BarePinger implements ServletContextListener {

    static final AtomicLong PINGS = new AtomicLong();
    static final AtomicLong PING_FAILURES = new AtomicLong();
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    /** Created in contextInitialized, stopped in contextDestroyed. */
    private ScheduledExecutorService timer;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        long seconds = Long.getLong("bare.ping.interval.seconds", 5);
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bare-pinger");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(BarePinger::pingAll, seconds, seconds, TimeUnit.SECONDS);
    }

    private static void pingAll() {
        for (Session s : BareEndpoint.SESSIONS) {
            try {
                if (s.isOpen()) {
                    s.getAsyncRemote().sendPing(EMPTY.duplicate());
                    PINGS.incrementAndGet();
                }
            } catch (Exception e) { // a periodic task that throws is never run again
                PING_FAILURES.incrementAndGet();
            }
        }
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        timer.shutdownNow();
    }
}
