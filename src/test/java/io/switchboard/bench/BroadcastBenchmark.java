package io.switchboard.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Not a test: a broadcast benchmark against a running Switchboard on loopback. Connects N clients,
 * subscribes them all to one channel, publishes M messages of about S bytes through the API at a
 * steady rate, and prints messages delivered per second and publish-to-receive latency (p50, p99,
 * max). Publisher and clients share this JVM's clock, so the latency is end to end.
 *
 * <pre>
 * java -cp target/test-classes io.switchboard.bench.BroadcastBenchmark \
 *     --url http://127.0.0.1:18380/ --token bench --clients 1000 --messages 200 --size 1024 --rate 50
 * </pre>
 * {@code --mode broadcast} uses {@code POST /api/broadcast} instead of the channel. {@code --publish false}
 * only holds and measures clients, so that several processes can hold the connections while one of
 * them publishes (start the receivers first; System.nanoTime is one clock for all processes on Linux).
 */
public final class BroadcastBenchmark {

    private BroadcastBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = options(args);
        String url = opts.getOrDefault("url", "http://127.0.0.1:8080/");
        String root = url.endsWith("/") ? url : url + "/";
        String token = opts.getOrDefault("token", "bench");
        int clients = Integer.parseInt(opts.getOrDefault("clients", "1000"));
        int messages = Integer.parseInt(opts.getOrDefault("messages", "200"));
        int size = Integer.parseInt(opts.getOrDefault("size", "1024"));
        int rate = Integer.parseInt(opts.getOrDefault("rate", "50"));
        boolean broadcast = "broadcast".equals(opts.get("mode"));
        boolean publish = !"false".equals(opts.get("publish"));

        long[] latencies = new long[clients * messages];
        AtomicInteger received = new AtomicInteger();
        CountDownLatch subscribed = new CountDownLatch(clients);
        CountDownLatch done = new CountDownLatch(clients * messages);
        HttpClient[] http = new HttpClient[4];
        for (int i = 0; i < http.length; i++) {
            http[i] = HttpClient.newHttpClient();
        }
        URI ws = URI.create(root.replaceFirst("^http", "ws") + "ws");
        List<WebSocket> sockets = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            sockets.add(http[i % http.length].newWebSocketBuilder()
                    .buildAsync(ws, new Receiver(latencies, received, subscribed, done)).get(30, TimeUnit.SECONDS));
        }
        for (WebSocket s : sockets) {
            s.sendText("{\"type\":\"subscribe\",\"channel\":\"bench.all\"}", true);
        }
        if (!subscribed.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("not every client subscribed: " + subscribed.getCount() + " missing");
        }
        System.out.printf("%d clients connected and subscribed%n", clients);
        if (!publish) {
            boolean all = done.await(Long.parseLong(opts.getOrDefault("wait", "300")), TimeUnit.SECONDS);
            report(latencies, received.get(), clients * messages, all, FIRST.get(), System.nanoTime());
            System.exit(0);
        }

        String pad = "x".repeat(Math.max(0, size - 60));
        URI target = URI.create(root + (broadcast ? "api/broadcast" : "api/channels/bench.all/messages"));
        long interval = 1_000_000_000L / rate;
        long start = System.nanoTime();
        for (int m = 0; m < messages; m++) {
            long due = start + m * interval;
            while (System.nanoTime() - due < 0) {
                Thread.sleep(0, 200_000);
            }
            String body = "{\"data\":{\"t\":" + System.nanoTime() + ",\"pad\":\"" + pad + "\"}}";
            HttpResponse<String> r = http[0].send(HttpRequest.newBuilder(target)
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 202) {
                throw new IllegalStateException("publish refused: " + r.statusCode() + " " + r.body());
            }
        }
        long published = System.nanoTime();
        boolean all = done.await(120, TimeUnit.SECONDS);
        long end = System.nanoTime();
        System.out.printf("mode=%s clients=%d messages=%d size=%dB rate=%d/s, publishing took %.2f s, started at nanoTime %d%n",
                broadcast ? "broadcast" : "channel", clients, messages, size, rate, (published - start) / 1e9, start);
        report(latencies, received.get(), clients * messages, all, start, end);
        for (WebSocket s : sockets) {
            s.abort();
        }
        System.exit(0);
    }

    private static void report(long[] latencies, int n, int expected, boolean all, long start, long end) {
        long[] got = Arrays.copyOf(latencies, Math.min(n, latencies.length));
        Arrays.sort(got);
        double seconds = (end - start) / 1e9;
        System.out.printf("delivered %d of %d%s in %.2f s (nanoTime %d to %d): %.0f messages/s%n",
                n, expected, all ? "" : " (TIMED OUT)", seconds, start, end, n / seconds);
        if (got.length > 0) {
            System.out.printf("publish-to-receive: p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                    got[got.length / 2] / 1e6, got[(int) (got.length * 0.99)] / 1e6, got[got.length - 1] / 1e6);
        }
    }

    /** nanoTime of the first message received by this process, for receivers' delivered/s. */
    private static final java.util.concurrent.atomic.AtomicLong FIRST = new java.util.concurrent.atomic.AtomicLong();

    private static Map<String, String> options(String[] args) {
        Map<String, String> out = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            out.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        return out;
    }

    /** Records the latency of each message from the publish time it carries. */
    private static final class Receiver implements WebSocket.Listener {
        private final long[] latencies;
        private final AtomicInteger received;
        private final CountDownLatch subscribed;
        private final CountDownLatch done;
        private final StringBuilder partial = new StringBuilder();

        Receiver(long[] latencies, AtomicInteger received, CountDownLatch subscribed, CountDownLatch done) {
            this.latencies = latencies;
            this.received = received;
            this.subscribed = subscribed;
            this.done = done;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                long now = System.nanoTime();
                String text = partial.toString();
                partial.setLength(0);
                int t = text.indexOf("\"t\":");
                if (text.startsWith("{\"type\":\"message\"") && t > 0) {
                    int endOfT = text.indexOf(',', t);
                    long sent = Long.parseLong(text.substring(t + 4, endOfT));
                    FIRST.compareAndSet(0, now);
                    int i = received.getAndIncrement();
                    if (i < latencies.length) {
                        latencies[i] = now - sent;
                    }
                    done.countDown();
                } else if (text.startsWith("{\"type\":\"subscribed\"")) {
                    subscribed.countDown();
                }
            }
            webSocket.request(1);
            return null;
        }
    }

}
