package io.switchboard.bench;

import io.switchboard.config.SettingsLoader;
import io.switchboard.core.Clock;
import io.switchboard.core.Connection;
import io.switchboard.core.HandshakeInfo;
import io.switchboard.core.HeartbeatMode;
import io.switchboard.core.Hub;
import io.switchboard.core.ManagedConnection;
import io.switchboard.endpoint.JsonMessageCodec;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Not a test: prints what one sweep costs per connection when every connection of the node is due
 * at once (its heartbeat ping and the check of the previous one), for 20,000 and 100,000
 * connections, and what an empty tick costs. The transport does nothing but answer each ping.
 *
 * <pre>mvn -q test-compile exec:java -Dexec.classpathScope=test -Dexec.mainClass=io.switchboard.bench.SweepBenchmark</pre>
 */
public final class SweepBenchmark {

    /** A clock that moves only when told to. */
    static final class ManualClock implements Clock {
        long nanos = Long.MAX_VALUE - Duration.ofMinutes(5).toNanos(); // crosses the wrap-around on purpose
        long millis = 1_763_800_000_000L;

        @Override
        public long nanoTime() {
            return nanos;
        }

        @Override
        public long epochMillis() {
            return millis;
        }

        void advance(Duration d) {
            nanos += d.toNanos();
            millis += d.toMillis();
        }
    }

    /** A peer that answers every Ping at once, a microsecond later. */
    static final class AnsweringPeer implements Connection {
        final Hub hub;
        final ManualClock clock;
        ManagedConnection connection;

        AnsweringPeer(Hub hub, ManualClock clock) {
            this.hub = hub;
            this.clock = clock;
        }

        @Override
        public void sendText(String text, SendCallback done) {
            done.completed(null);
        }

        @Override
        public void sendPing(byte[] payload) {
            clock.nanos += 1_000;
            hub.onPong(connection);
        }

        @Override
        public void close(int code, String reason) {
            throw new IllegalStateException("benchmark connection closed: " + code + " " + reason);
        }

        @Override
        public void abort() {
        }
    }

    /** Held so that the level set below sticks: a million open and close lines would measure the console. */
    private static final Logger LIFECYCLE = Logger.getLogger("io.switchboard.lifecycle");

    public static void main(String[] args) {
        LIFECYCLE.setLevel(Level.WARNING);
        for (int n : new int[] {20_000, 100_000}) {
            run(n);
        }
    }

    private static void run(int n) {
        ManualClock clock = new ManualClock();
        Map<String, String> values = Map.of("switchboard.node.id", "bench", "switchboard.idle.timeout", "0");
        Hub hub = new Hub(SettingsLoader.load(key -> Optional.ofNullable(values.get(key))), clock, new JsonMessageCodec());
        for (int i = 0; i < n; i++) {
            AnsweringPeer peer = new AnsweringPeer(hub, clock);
            peer.connection = hub.open(peer, new HandshakeInfo("127.0.0.1", "bench", "user" + (i % 5_000), HeartbeatMode.PROTOCOL));
        }
        int rounds = 60;
        long[] perConnection = new long[rounds];
        int fired = 0;
        for (int r = 0; r < rounds; r++) {
            clock.advance(Duration.ofSeconds(30)); // one interval: every connection's ping and check are due
            long start = System.nanoTime();
            fired = hub.sweeper().sweep();
            perConnection[r] = (System.nanoTime() - start) / n;
        }
        long[] steady = Arrays.copyOfRange(perConnection, 20, rounds); // the first rounds warm the JIT up
        Arrays.sort(steady);
        long emptyStart = System.nanoTime();
        int emptyTicks = 1_000;
        for (int i = 0; i < emptyTicks; i++) {
            clock.advance(Duration.ofMillis(1));
            hub.sweeper().sweep();
        }
        long emptyTick = (System.nanoTime() - emptyStart) / emptyTicks;
        System.out.printf(Locale.ROOT,
                "%,d connections: one sweep with all due (%,d deadlines) median %d ns/connection (min %d, max %d); "
                        + "empty tick %,d ns; open %d%n",
                n, fired, steady[steady.length / 2], steady[0], steady[steady.length - 1], emptyTick,
                hub.registry().size());
    }
}
