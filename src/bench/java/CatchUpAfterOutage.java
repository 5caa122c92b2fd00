import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.switchboard.bench.NullConnection;
import io.switchboard.cluster.RedisHistory;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * What a node's catch-up after an outage of its pub/sub link costs, with the real cluster code (core +
 * RedisLink on Lettuce), history on, and a real redis-server, without any WebSocket in between. Node
 * "sub" holds subscribers of K channels (1,000 per connection); node "pub" publishes one message to
 * each channel, then the bench cuts sub's pub/sub connection in Redis ({@code CLIENT KILL}) and pub
 * publishes one more to each channel while sub comes back: what sub missed of them its catch-up reads
 * from Redis. Prints sub's {@code event=cluster-caught-up} line (channels read, recovered, resynced, and
 * its duration, during which the node's inbound messages wait: the catch-up runs on the thread that
 * delivers them) and how many of the second round sub's subscribers got.
 * Run by {@code src/bench/run catch-up [--channels K]}.
 */
public class CatchUpAfterOutage {

    static final AtomicInteger ROUND_TWO = new AtomicInteger();

    /** A subscriber's transport: counts the second round. */
    static final class Counting extends NullConnection {
        @Override
        public void sendText(String text, SendCallback done) {
            if (text.startsWith("{\"type\":\"message\"") && text.contains("\"data\":2")) {
                ROUND_TWO.incrementAndGet();
            }
            done.completed(null);
        }
    }

    static Hub node(String id, String uri) {
        Map<String, String> values = new HashMap<>();
        values.put("switchboard.node.id", id);
        values.put("switchboard.cluster.redis.uri", uri);
        values.put("switchboard.cluster.name", "bench");
        values.put("switchboard.history.size", "1000");
        values.put("switchboard.rate.messages-per-second", "1000000");
        values.put("switchboard.rate.burst", "1000000");
        values.put("switchboard.send.max-queued-messages", "10000000");
        values.put("switchboard.send.max-queued-bytes", "1GiB");
        Settings s = SettingsLoader.load(k -> Optional.ofNullable(values.get(k)));
        // as the server wires a cluster with history: the history in Redis, shared by both nodes
        Hub hub = new Hub(s, SystemClock.INSTANCE, new JsonMessageCodec(),
                sink -> new RedisHistory(s.cluster(), s.history(), sink), new RedisLink(s.cluster(), id));
        hub.cluster().start();
        return hub;
    }

    static void publish(Hub hub, String channel, String data) throws InterruptedException {
        while (true) {
            try {
                hub.channels().publish(channel, data);
                return;
            } catch (ClusterUnavailableException notNow) {
                Thread.sleep(1); // the link's queue is full, or the link is coming back
            }
        }
    }

    public static void main(String[] args) throws Exception {
        int channels = 10_000;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--channels" -> channels = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        List<String> caughtUp = new CopyOnWriteArrayList<>();
        Logger switchboard = Logger.getLogger("io.switchboard");
        switchboard.addHandler(new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getMessage() != null && r.getMessage().startsWith("event=cluster-caught-up node=sub")) {
                    caughtUp.add(r.getMessage());
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        });
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path dir = Files.createTempDirectory("bench-redis");
        Process redis = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--dir", dir.toString(), "--save", "", "--appendonly", "no").redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis.log").toFile()).start();
        RedisClient admin = null;
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
            while (!pub.cluster().isAvailable() || !sub.cluster().isAvailable()) {
                Thread.sleep(50);
            }
            ManagedConnection c = null;
            for (int i = 0; i < channels; i++) {
                if (i % 1000 == 0) {
                    c = sub.open(new Counting(), new HandshakeInfo("127.0.0.1", "bench", "bench-" + i, HeartbeatMode.PROTOCOL));
                }
                sub.onText(c, "{\"type\":\"subscribe\",\"channel\":\"c" + i + "\"}");
            }
            Thread.sleep(3000); // every subscription in force in Redis
            for (int i = 0; i < channels; i++) {
                publish(pub, "c" + i, "1");
            }
            Thread.sleep(2000); // round one delivered: each channel's position known to sub

            admin = RedisClient.create(uri);
            try (StatefulRedisConnection<String, String> r = admin.connect()) {
                String subLink = Arrays.stream(r.sync().clientList().split("\n"))
                        .filter(line -> line.contains(" sub=") && !line.contains(" sub=0 ") && !line.contains(" sub=1 "))
                        .max((a, b) -> Integer.compare(subs(a), subs(b))).orElseThrow();
                String id = subLink.substring(subLink.indexOf("id=") + 3, subLink.indexOf(' '));
                long cut = System.nanoTime();
                r.sync().clientKill(io.lettuce.core.KillArgs.Builder.id(Long.parseLong(id)));
                // round two, while sub comes back
                for (int i = 0; i < channels; i++) {
                    publish(pub, "c" + i, "2");
                }
                long published = System.nanoTime();
                long deadline = System.nanoTime() + 60_000_000_000L;
                while ((ROUND_TWO.get() < channels || caughtUp.isEmpty()) && System.nanoTime() - deadline < 0) {
                    Thread.sleep(10);
                }
                System.out.printf("channels %d on node sub (%d connections), history on; catch-up reads in flight at once: %d%n",
                        channels, (channels + 999) / 1000, io.switchboard.core.Channels.CATCH_UP_READS);
                System.out.printf("round two published in %.2f s from the cut%n", (published - cut) / 1e9);
                caughtUp.forEach(line -> System.out.println("sub logged: " + line));
                System.out.printf("round two delivered on sub: %d of %d%n", ROUND_TWO.get(), channels);
                System.out.printf("cluster counters, sub: %s%n", sub.cluster().stats());
            }
            pub.cluster().stop();
            sub.cluster().stop();
        } finally {
            if (admin != null) {
                admin.shutdown();
            }
            redis.destroyForcibly().waitFor();
        }
        System.exit(0);
    }

    static int subs(String clientListLine) {
        int at = clientListLine.indexOf(" sub=") + 5;
        return Integer.parseInt(clientListLine.substring(at, clientListLine.indexOf(' ', at)));
    }
}
