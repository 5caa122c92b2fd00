package io.switchboard.bench;

import io.switchboard.codec.JsonMessageCodec;
import io.switchboard.config.SettingsLoader;
import io.switchboard.core.Connection;
import io.switchboard.core.FakeClock;
import io.switchboard.core.HandshakeInfo;
import io.switchboard.core.HeartbeatMode;
import io.switchboard.core.Hub;
import io.switchboard.core.ManagedConnection;
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
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH benchmark of one channel publish in the core, with channel history off ({@code size=0}) and
 * on ({@code size=1000}), to 1 and to 1,000 subscribers whose transport writes nothing: the score is
 * ns per publish, fan-out included. Not a test: {@code mvn verify} never runs it.
 *
 * <pre>mvn -q test-compile exec:exec -Dexec.executable=java -Dexec.classpathScope=test \
 *     -Dexec.args="-cp %classpath org.openjdk.jmh.Main HistoryPublishBenchmark"</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Benchmark)
public class HistoryPublishBenchmark {

    private static final Logger LIFECYCLE = Logger.getLogger("io.switchboard.lifecycle");

    @Param({"0", "1000"})
    public int historySize;

    @Param({"1", "1000"})
    public int subscribers;

    private Hub hub;

    @Setup
    public void setUp() {
        LIFECYCLE.setLevel(Level.WARNING);
        Map<String, String> values = Map.of("switchboard.node.id", "bench", "switchboard.history.size",
                Integer.toString(historySize), "switchboard.limits.max-connections", "100000",
                "switchboard.limits.max-per-user", "100000");
        hub = new Hub(SettingsLoader.load(k -> Optional.ofNullable(values.get(k))), new FakeClock(),
                new JsonMessageCodec());
        for (int i = 0; i < subscribers; i++) {
            ManagedConnection c = hub.open(new NullConnection(), new HandshakeInfo("127.0.0.1", "bench", "u" + i, HeartbeatMode.PROTOCOL));
            hub.onText(c, "{\"type\":\"subscribe\",\"channel\":\"prices.eur\"}");
        }
    }

    @Benchmark
    public int publish() {
        return hub.channels().publish("prices.eur", "{\"bid\":1.0842,\"ask\":1.0844}");
    }
}
