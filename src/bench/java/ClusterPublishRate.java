import io.switchboard.bench.NullConnection;
import io.switchboard.cluster.RedisLink;
import io.switchboard.codec.JsonMessageCodec;
import io.switchboard.config.SettingsLoader;
import io.switchboard.core.ClusterUnavailableException;
import io.switchboard.core.HandshakeInfo;
import io.switchboard.core.HeartbeatMode;
import io.switchboard.core.Hub;
import io.switchboard.core.ManagedConnection;
import io.switchboard.core.Settings;
import io.switchboard.lifecycle.SystemClock;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * How many 1 KiB channel messages one node pushes through Redis to another node, with the real
 * cluster code (core ClusterRouter + RedisLink on Lettuce) and a real redis-server, without any
 * WebSocket in between: node "pub" publishes as fast as its link takes them, node "sub" has one
 * subscriber connection that counts what arrives and the publish-to-receive latency. Prints
 * publishes/s accepted, delivered/s, latency p50/p99 and redis-server CPU per 1,000 delivered.
 * Run by {@code src/bench/run cluster-publish [--messages N] [--rate R]} (R=0: as fast as possible).
 */
public class ClusterPublishRate {

    static final int[] LATENCY_US = new int[2_000_000];
    static final AtomicInteger RECEIVED = new AtomicInteger();

    /** A subscriber's transport: counts each message and its latency from the nanoTime in its data. */
    static final class Counting extends NullConnection {
        @Override
        public void sendText(String text, SendCallback done) {
            int at = text.indexOf("\"t\":");
            if (at >= 0 && text.startsWith("{\"type\":\"message\"")) {
                int end = text.indexOf(',', at);
                long sent = Long.parseLong(text.substring(at + 4, end));
                int i = RECEIVED.getAndIncrement();
                if (i < LATENCY_US.length) {
                    LATENCY_US[i] = (int) Math.min(Integer.MAX_VALUE, (System.nanoTime() - sent) / 1000);
                }
            }
            done.completed(null);
        }
    }

    static Hub node(String id, String uri) {
        Map<String, String> values = new HashMap<>();
        values.put("switchboard.node.id", id);
        values.put("switchboard.cluster.redis.uri", uri);
        values.put("switchboard.cluster.name", "bench");
        values.put("switchboard.send.max-queued-messages", "10000000");
        values.put("switchboard.send.max-queued-bytes", "1GiB");
        Settings s = SettingsLoader.load(k -> Optional.ofNullable(values.get(k)));
        Hub hub = new Hub(s, SystemClock.INSTANCE, new JsonMessageCodec(), new RedisLink(s.cluster(), id));
        hub.cluster().start();
        return hub;
    }

    static long cpuTicks(long pid) throws Exception {
        String[] f = Files.readString(Path.of("/proc/" + pid + "/stat")).split("\\) ")[1].split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    public static void main(String[] args) throws Exception {
        int messages = 200_000;
        int rate = 0;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--messages" -> messages = Integer.parseInt(args[i + 1]);
                case "--rate" -> rate = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path dir = Files.createTempDirectory("bench-redis");
        Process redis = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--dir", dir.toString(), "--save", "", "--appendonly", "no").redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis.log").toFile()).start();
        try {
            for (int i = 0; i < 100; i++) {
                try (Socket probe = new Socket("127.0.0.1", port)) {
                    break;
                } catch (Exception notYet) {
                    Thread.sleep(100);
                }
            }
            String uri = "redis://127.0.0.1:" + port;
            Hub pub = node("pub", uri);
            Hub sub = node("sub", uri);
            ManagedConnection c = sub.open(new Counting(), new HandshakeInfo("127.0.0.1", "bench", "bench-user", HeartbeatMode.PROTOCOL));
            sub.onText(c, "{\"type\":\"subscribe\",\"channel\":\"bench.one\"}");
            while (!pub.cluster().isAvailable() || !sub.cluster().isAvailable()) {
                Thread.sleep(50);
            }
            Thread.sleep(1500);
            String padding = "x".repeat(1000);
            long redisBefore = cpuTicks(redis.pid());
            long start = System.nanoTime();
            long refused = 0;
            long gapNanos = rate > 0 ? 1_000_000_000L / rate : 0;
            for (int i = 0; i < messages; i++) {
                if (gapNanos > 0) {
                    long due = start + i * gapNanos;
                    while (System.nanoTime() - due < 0) {
                        LockSupport.parkNanos(due - System.nanoTime());
                    }
                }
                String data = "{\"t\":" + System.nanoTime() + ",\"p\":\"" + padding + "\"}";
                while (true) {
                    try {
                        pub.channels().publish("bench.one", data);
                        break;
                    } catch (ClusterUnavailableException full) {
                        refused++; // the link's bounded queue is full: wait for the sender
                        LockSupport.parkNanos(100_000);
                    }
                }
            }
            long published = System.nanoTime() - start;
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (RECEIVED.get() < messages && System.nanoTime() - deadline < 0) {
                Thread.sleep(10);
            }
            long all = System.nanoTime() - start;
            long redisCpu = cpuTicks(redis.pid()) - redisBefore;
            int got = Math.min(RECEIVED.get(), LATENCY_US.length);
            int[] lat = Arrays.copyOf(LATENCY_US, got);
            Arrays.sort(lat);
            double secs = all / 1e9;
            System.out.printf("messages %d of 1 KiB, rate %s%n", messages, rate == 0 ? "as fast as possible" : rate + "/s");
            System.out.printf("publishes taken by the link: %.0f/s (%d waits on a full queue)%n", messages / (published / 1e9), refused);
            System.out.printf("delivered to the other node: %d in %.2f s = %.0f/s%n", got, secs, got / secs);
            if (got > 0) {
                System.out.printf("publish-to-receive latency: p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                        lat[got / 2] / 1000.0, lat[(int) (got * 0.99)] / 1000.0, lat[got - 1] / 1000.0);
            }
            System.out.printf("redis-server CPU: %.2f s = %.1f ms per 1,000 delivered%n", redisCpu / 100.0,
                    got == 0 ? 0 : redisCpu * 10.0 / (got / 1000.0));
            System.out.printf("cluster counters, publisher: %s%nsubscriber: %s%n", pub.cluster().stats(), sub.cluster().stats());
            pub.cluster().stop();
            sub.cluster().stop();
        } finally {
            redis.destroyForcibly().waitFor();
        }
        System.exit(0);
    }
}
