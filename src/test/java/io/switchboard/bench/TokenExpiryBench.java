package io.switchboard.bench;

import io.switchboard.codec.JsonMessageCodec;
import io.switchboard.config.SettingsLoader;
import io.switchboard.core.Connection;
import io.switchboard.core.FakeClock;
import io.switchboard.core.HandshakeCheck;
import io.switchboard.core.HandshakeInfo;
import io.switchboard.core.HeartbeatMode;
import io.switchboard.core.Hub;
import io.switchboard.core.Identity;
import io.switchboard.core.ManagedConnection;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What token expiry costs the one sweeper: 19,000 connections (the figure of the efficiency runs)
 * whose tokens all expire within the same minute, on the core with a manual clock, ticks of 500 ms,
 * heartbeats at the documented defaults (every ping answered at once). Prints the CPU time of the
 * sweeps per simulated minute, for three runs of the same twelve minutes:
 *
 * <ul>
 *   <li>{@code heartbeats only}: tokens without {@code exp} (no expiry deadline at all): the baseline;
 *   <li>{@code every client refreshes}: each {@code refresh} notice is answered with a new token an
 *       hour longer (the refresh itself is the connection's message work, not the sweeper's, and is
 *       handled outside the measured sweeps);
 *   <li>{@code nobody refreshes}: every connection gets its notice, then is closed with 4001 in the
 *       same minute (the peer finishes the close handshake at once).
 * </ul>
 *
 * Not a test: it prints figures and never fails on timing.
 *
 * <pre>mvn -q test-compile exec:exec -Dexec.executable=java -Dexec.classpathScope=test \
 *     -Dexec.args="-cp %classpath io.switchboard.bench.TokenExpiryBench"</pre>
 */
public final class TokenExpiryBench {

    static final int CONNECTIONS = 19_000;
    static final Duration RUN = Duration.ofMinutes(12);
    /** Tokens expire between 10 and 11 minutes into the run. */
    static final Duration FIRST_EXPIRY = Duration.ofMinutes(10);

    private static final Logger LIFECYCLE = Logger.getLogger("io.switchboard.lifecycle");
    private static final Logger CORE = Logger.getLogger("io.switchboard.core");

    enum Mode { HEARTBEATS_ONLY, EVERY_CLIENT_REFRESHES, NOBODY_REFRESHES }

    /** A peer that answers pings at once, finishes close handshakes at once, and notes refresh notices. */
    static final class Peer implements Connection {
        final Hub hub;
        final FakeClock clock;
        final ArrayDeque<Peer> noticed;
        ManagedConnection connection;

        Peer(Hub hub, FakeClock clock, ArrayDeque<Peer> noticed) {
            this.hub = hub;
            this.clock = clock;
            this.noticed = noticed;
        }

        @Override
        public void sendText(String text, SendCallback done) {
            if (text.startsWith("{\"type\":\"refresh\"")) {
                noticed.add(this);
            }
            done.completed(null);
        }

        @Override
        public boolean sendPing(byte[] payload) {
            clock.advance(java.time.Duration.ofNanos(1_000)); // the answer comes a microsecond after the ping, as in SweepBenchmark
            hub.onPong(connection);
            return true;
        }

        @Override
        public void close(int code, String reason) {
            hub.onTransportClosed(connection, code, reason);
        }

        @Override
        public void abort() {
        }
    }

    public static void main(String[] args) {
        LIFECYCLE.setLevel(Level.WARNING);
        CORE.setLevel(Level.WARNING);
        for (int round = 0; round < 2; round++) { // the first round warms the JIT up; the second is printed
            for (Mode mode : Mode.values()) {
                run(mode, round == 1);
            }
        }
    }

    static void run(Mode mode, boolean print) {
        FakeClock clock = new FakeClock();
        Map<String, String> values = new HashMap<>(Map.of(
                "switchboard.node.id", "bench",
                "switchboard.idle.timeout", "0",
                "switchboard.limits.max-connections", "100000",
                "switchboard.limits.max-per-ip", "100000",
                "switchboard.rate.handshakes-per-second-per-ip", "1000000"));
        Hub hub = new Hub(SettingsLoader.load(key -> Optional.ofNullable(values.get(key))), clock, new JsonMessageCodec());
        long start = clock.epochMillis();
        // token "user/offsetMs": expires offsetMs after the run's start; "user" alone has no exp
        hub.gatekeeper().useVerifier(token -> {
            int slash = token.indexOf('/');
            if (slash < 0) {
                return Identity.of(token);
            }
            return new Identity(token.substring(0, slash), null,
                    Instant.ofEpochMilli(start + Long.parseLong(token.substring(slash + 1))));
        });
        ArrayDeque<Peer> noticed = new ArrayDeque<>();
        for (int i = 0; i < CONNECTIONS; i++) {
            String user = "user" + i;
            long expiresInMs = FIRST_EXPIRY.toMillis() + (60_000L * i) / CONNECTIONS;
            String token = mode == Mode.HEARTBEATS_ONLY ? user : user + "/" + expiresInMs;
            HandshakeCheck check = hub.gatekeeper().checkHandshake("127.0.0.1", null, token);
            if (!check.isAccepted()) {
                throw new IllegalStateException("refused: " + check.refusal());
            }
            Peer peer = new Peer(hub, clock, noticed);
            peer.connection = hub.open(peer, new HandshakeInfo("127.0.0.1", "bench", null, HeartbeatMode.PROTOCOL, check.ticket()));
        }

        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Duration tick = Duration.ofNanos(hub.sweeper().tickNanos());
        int minutes = (int) RUN.toMinutes();
        long[] cpuNanosPerMinute = new long[minutes];
        long refreshes = 0;
        long ticksPerMinute = Duration.ofMinutes(1).toNanos() / tick.toNanos();
        for (int minute = 0; minute < minutes; minute++) {
            for (long t = 0; t < ticksPerMinute; t++) {
                clock.advance(tick);
                long before = threads.getCurrentThreadCpuTime();
                hub.sweeper().sweep();
                cpuNanosPerMinute[minute] += threads.getCurrentThreadCpuTime() - before;
                // the clients' answers to the notices: message work, outside the measured sweep
                while (!noticed.isEmpty()) {
                    Peer p = noticed.poll();
                    if (mode == Mode.EVERY_CLIENT_REFRESHES) {
                        long newExpiryMs = clock.epochMillis() - start + Duration.ofHours(1).toMillis();
                        hub.onText(p.connection, "{\"type\":\"auth\",\"token\":\"" + p.connection.userId() + "/" + newExpiryMs + "\",\"id\":1}");
                        refreshes++;
                    }
                }
            }
        }
        if (!print) {
            return;
        }
        StringBuilder line = new StringBuilder(String.format("%-24s", mode.name().toLowerCase().replace('_', ' ')));
        for (int m = 0; m < minutes; m++) {
            line.append(String.format(" %6.1f", cpuNanosPerMinute[m] / 1e6));
        }
        System.out.println("sweeper CPU ms per simulated minute, minutes 1-" + minutes
                + " (tokens expire during minute 11: notices in minute 10, 4001 closes in minutes 11-12):");
        System.out.println(line);
        System.out.printf("  open at the end: %d, 4001 closes: %d, notices: %d, refreshes: %d, sweeper errors: %d%n",
                hub.registry().size(), hub.counters().expiryCloses(), hub.counters().refreshNotices(), refreshes,
                hub.sweeper().stats().errors());
    }
}
