package io.switchboard.bench;

import io.switchboard.it.support.ServerProcess;
import io.switchboard.it.support.Servers;
import io.switchboard.it.support.Tokens;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Benchmark, not a test: N clients on a real Payara Micro, SIGTERM, and the time from the signal to
 * the last close, with how the clients left. Prints figures; never fails on timing.
 *
 * <pre>
 * mvn -q test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.switchboard.bench.DrainBench -Dexec.args="10000"
 * </pre>
 *
 * Clients: 60 % leave as soon as the notice arrives, 35 % ignore it and are closed by the server,
 * 5 % stop reading after the welcome (the server must abort them after close.timeout).
 */
public final class DrainBench {

    enum Kind { COOPERATIVE, DEAF, STALLED }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        System.setProperty("switchboard.it.server", System.getProperty("switchboard.it.server", "payara"));
        System.setProperty("payara.microJar", System.getProperty("payara.microJar", "target/payara-micro.jar"));
        if (!Files.isRegularFile(Path.of(System.getProperty("payara.microJar")))) {
            throw new IllegalStateException("run `mvn -DskipTests -Prun package` or `mvn verify` once first: no target/payara-micro.jar");
        }
        Map<String, String> settings = Map.of(
                "switchboard.shutdown.drain-timeout", "30s",
                "switchboard.close.timeout", "5s",
                "switchboard.shutdown.reconnect-jitter", "5s",
                "switchboard.limits.max-connections", Integer.toString(n + 100),
                "switchboard.limits.max-per-ip", Integer.toString(n + 100),
                "switchboard.limits.max-per-user", Integer.toString(n + 100),
                "switchboard.rate.handshakes-per-second-per-ip", "100000",
                "switchboard.heartbeat.interval", "30s");
        HttpClient http = HttpClient.newHttpClient();
        Map<Kind, AtomicLong> leftBy = new ConcurrentHashMap<>();
        Map<String, AtomicLong> closes = new ConcurrentHashMap<>();
        AtomicLong lastCloseNanos = new AtomicLong();
        AtomicLong notices = new AtomicLong();
        // the default tiered JIT, as in production: the suite's C1-only JIT would slow the drain it measures
        try (ServerProcess server = ServerProcess.launch(Servers.name(), settings, 531, true, List.of())) {
            server.awaitReady(Duration.ofMinutes(3));
            URI ws = URI.create(server.base().toString().replaceFirst("^http", "ws") + "ws");
            List<CompletableFuture<WebSocket>> sockets = new ArrayList<>(n);
            Semaphore inFlight = new Semaphore(64);
            long connectStart = System.nanoTime();
            for (int i = 0; i < n; i++) {
                Kind kind = i % 20 == 0 ? Kind.STALLED : (i % 20 <= 7 ? Kind.DEAF : Kind.COOPERATIVE);
                inFlight.acquire();
                CompletableFuture<WebSocket> f = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(30))
                        .header("Authorization", "Bearer " + Tokens.forUser("bench-" + i))
                        .buildAsync(ws, new Client(kind, notices, closes, lastCloseNanos))
                        .whenComplete((s, e) -> inFlight.release());
                sockets.add(f);
            }
            CompletableFuture.allOf(sockets.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
            System.out.printf("connected %d clients in %.1f s%n", n, (System.nanoTime() - connectStart) / 1e9);
            Thread.sleep(3_000); // let the welcomes arrive

            long sigterm = System.nanoTime();
            server.terminate();
            boolean exited = server.awaitExit(Duration.ofMinutes(3));
            long exitNanos = System.nanoTime() - sigterm;
            Thread.sleep(2_000); // late close events
            System.out.printf("N=%d: SIGTERM to last close seen by a client %.2f s, to process exit %.2f s (exited: %s)%n",
                    n, (lastCloseNanos.get() - sigterm) / 1e9, exitNanos / 1e9, exited);
            System.out.printf("clients that got the shutdown notice: %d of %d reading clients%n", notices.get(), n - n / 20);
            System.out.println("closes seen by clients, by code and reason: " + closes);
            server.logLines().stream().filter(l -> l.startsWith("event=drain")).forEach(l -> System.out.println("server: " + l));
        }
        System.exit(0);
    }

    /** One benchmark client: records the notice and the close. */
    static final class Client implements WebSocket.Listener {
        private final Kind kind;
        private final AtomicLong notices;
        private final Map<String, AtomicLong> closes;
        private final AtomicLong lastCloseNanos;
        private boolean welcomed;

        Client(Kind kind, AtomicLong notices, Map<String, AtomicLong> closes, AtomicLong lastCloseNanos) {
            this.kind = kind;
            this.notices = notices;
            this.closes = closes;
            this.lastCloseNanos = lastCloseNanos;
        }

        @Override
        public void onOpen(WebSocket socket) {
            socket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            String text = data.toString();
            if (!welcomed) {
                welcomed = true;
                if (kind == Kind.STALLED) {
                    return null; // never asks for another frame: stops reading
                }
            } else if (text.contains("\"type\":\"shutdown\"")) {
                notices.incrementAndGet();
                if (kind == Kind.COOPERATIVE) {
                    socket.sendClose(WebSocket.NORMAL_CLOSURE, "leaving");
                }
            }
            socket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket socket, int code, String reason) {
            record(kind + " " + code + " " + reason);
            return null;
        }

        @Override
        public void onError(WebSocket socket, Throwable error) {
            record(kind + " error " + error.getClass().getSimpleName());
        }

        private void record(String key) {
            closes.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
            lastCloseNanos.accumulateAndGet(System.nanoTime(), Math::max);
        }
    }
}
