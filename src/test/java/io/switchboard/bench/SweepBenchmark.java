package io.switchboard.bench;

import io.switchboard.codec.JsonMessageCodec;
import io.switchboard.config.SettingsLoader;
import io.switchboard.core.Clock;
import io.switchboard.core.Connection;
import io.switchboard.core.FakeClock;
import io.switchboard.core.HandshakeInfo;
import io.switchboard.core.HeartbeatMode;
import io.switchboard.core.Hub;
import io.switchboard.core.ManagedConnection;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH benchmark of the core {@code Sweeper} with the heartbeat rules, at 20,000 and 100,000
 * connections and the documented defaults (30 s interval, 10 s timeout, 500 ms tick). Not a test:
 * {@code mvn verify} never runs it. The transport does nothing but answer each ping at once.
 *
 * <ul>
 *   <li>{@code allDue*}: one sweep in which every connection is due (its heartbeat ping and the check
 *       of the previous one): the score is <b>ns per connection</b> (one operation = one connection).
 *   <li>{@code tick*}: one ordinary 500 ms tick with the connections' pings spread over the interval
 *       as they are on a real node (each connection due twice per interval, so about 1/30 of them per
 *       tick): the score is ns per tick.
 * </ul>
 *
 * <pre>mvn -q test-compile exec:exec -Dexec.executable=java -Dexec.classpathScope=test \
 *     -Dexec.args="-cp %classpath org.openjdk.jmh.Main SweepBenchmark"</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class SweepBenchmark {

    static final int SMALL = 20_000;
    static final int LARGE = 100_000;

    /** Held so that the level set below sticks: a hundred thousand open lines would measure the console. */
    private static final Logger LIFECYCLE = Logger.getLogger("io.switchboard.lifecycle");


    /** A peer that answers every Ping at once, a microsecond later. */
    static final class AnsweringPeer implements Connection {
        final Hub hub;
        final FakeClock clock;
        ManagedConnection connection;

        AnsweringPeer(Hub hub, FakeClock clock) {
            this.hub = hub;
            this.clock = clock;
        }

        @Override
        public void sendText(String text, SendCallback done) {
            done.completed(null);
        }

        @Override
        public boolean sendPing(byte[] payload) {
            clock.advance(java.time.Duration.ofNanos(1_000));
            hub.onPong(connection);
            return true;
        }

        @Override
        public void close(int code, String reason) {
            throw new IllegalStateException("benchmark connection closed: " + code + " " + reason);
        }

        @Override
        public void abort() {
        }
    }

    /** One node with its connections open and their first pings spread over the interval. */
    abstract static class Node {
        static final Duration INTERVAL = Duration.ofSeconds(30);

        final FakeClock clock = new FakeClock();
        Hub hub;
        Duration tick;

        void open(int connections) {
            LIFECYCLE.setLevel(Level.WARNING);
            Map<String, String> values = Map.of("switchboard.node.id", "bench", "switchboard.idle.timeout", "0");
            hub = new Hub(SettingsLoader.load(key -> Optional.ofNullable(values.get(key))), clock, new JsonMessageCodec());
            tick = Duration.ofNanos(hub.sweeper().tickNanos());
            for (int i = 0; i < connections; i++) {
                AnsweringPeer peer = new AnsweringPeer(hub, clock);
                peer.connection = hub.open(peer, new HandshakeInfo("127.0.0.1", "bench", "user" + (i % 5_000), HeartbeatMode.PROTOCOL));
            }
            if (hub.registry().size() != connections) {
                throw new IllegalStateException("opened " + hub.registry().size() + " of " + connections);
            }
        }

        /** Advances one whole interval: every connection's ping and the check of its previous one are due. */
        int sweepAllDue() {
            clock.advance(INTERVAL);
            return hub.sweeper().sweep();
        }

        int sweepOneTick() {
            clock.advance(tick);
            return hub.sweeper().sweep();
        }
    }

    @State(Scope.Benchmark)
    public static class Small extends Node {
        @Setup
        public void setUp() {
            open(SMALL);
        }
    }

    @State(Scope.Benchmark)
    public static class Large extends Node {
        @Setup
        public void setUp() {
            open(LARGE);
        }
    }

    @Benchmark
    @OperationsPerInvocation(SMALL)
    public int allDue20k(Small node) {
        return node.sweepAllDue();
    }

    @Benchmark
    @OperationsPerInvocation(LARGE)
    public int allDue100k(Large node) {
        return node.sweepAllDue();
    }

    @Benchmark
    public int tick20k(Small node) {
        return node.sweepOneTick();
    }

    @Benchmark
    public int tick100k(Large node) {
        return node.sweepOneTick();
    }
}
