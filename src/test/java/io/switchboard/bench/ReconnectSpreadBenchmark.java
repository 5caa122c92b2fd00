package io.switchboard.bench;

import io.switchboard.client.ClientListener;
import io.switchboard.client.SwitchboardClient;
import io.switchboard.it.support.Api;
import io.switchboard.it.support.PayaraMicroProcess;
import io.switchboard.it.support.Tokens;
import jakarta.json.JsonObject;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Benchmark, not a test: how N Java clients come back after a drain whose notices carry a random
 * {@code reconnectAfterMs} in {@code [0, switchboard.shutdown.reconnect-jitter]} (protocol.md).
 * The point is no thundering herd: the reconnects should spread evenly over the jitter window, about
 * {@code N / jitter} per second (200/s for 1,000 clients and 5 s), not arrive in one burst.
 *
 * <p>One real Payara Micro, started as a process of its own with the built WAR. The drain is an
 * operator's ({@code POST /api/drain}), and it is cancelled ({@code DELETE /api/drain}) as soon as the
 * notices are out, so the node admits again: the clients' reconnects land on a server that takes them,
 * as they would on the other nodes behind a load balancer in a rolling restart, and what is measured is
 * when they arrive, not how long a restart takes. Each client records when its notice came, when it
 * left (the close) and when it was back (the next {@code welcome}). Prints figures; never fails on timing.
 *
 * <pre>
 * mvn verify -Dit.test=ClientServerRestartIT -Dit.wildfly.skip=true   # builds the WAR, fetches Payara Micro
 * mvn -q exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.switchboard.bench.ReconnectSpreadBenchmark [-Dclients=1000] [-Djitter=5] [-Dport=18400]
 * </pre>
 */
public final class ReconnectSpreadBenchmark {

    private static final long BUCKET_MS = 500;

    private ReconnectSpreadBenchmark() {
    }

    /** What one client saw, in {@code System.nanoTime()} readings (0 = not yet). */
    static final class Times {
        volatile long noticeAt;
        volatile long reconnectAfterMs = -1;
        volatile long leftAt;
        volatile long backAt;
        final AtomicInteger opens = new AtomicInteger();
        final AtomicInteger failedAttempts = new AtomicInteger();
    }

    public static void main(String[] args) throws Exception {
        int n = Integer.getInteger("clients", 1000);
        int jitterSeconds = Integer.getInteger("jitter", 5);
        int port = Integer.getInteger("port", 18400);
        if (!Files.isRegularFile(Path.of(System.getProperty("payara.microJar", "target/payara-micro.jar")))) {
            throw new IllegalStateException("no target/payara-micro.jar: run the mvn verify line of the Javadoc once first");
        }
        String admin = "reconnect-spread-bench";
        Map<String, String> settings = Map.of(
                "switchboard.auth.jwt.secret", Tokens.SECRET,
                "switchboard.admin.token", admin,
                "switchboard.shutdown.reconnect-jitter", jitterSeconds + "s",
                "switchboard.shutdown.drain-timeout", "60s",
                "switchboard.limits.max-connections", String.valueOf(n * 2),
                "switchboard.limits.max-per-ip", String.valueOf(n * 2),
                "switchboard.rate.handshakes-per-second-per-ip", String.valueOf(n * 10));
        URI uri = URI.create("ws://127.0.0.1:" + port + "/ws");
        Api api = new Api(new URL("http://127.0.0.1:" + port + "/"), admin);
        Times[] times = new Times[n];
        CountDownLatch connected = new CountDownLatch(n);
        CountDownLatch noticed = new CountDownLatch(n);
        CountDownLatch back = new CountDownLatch(n);
        List<SwitchboardClient> clients = new ArrayList<>();
        try (PayaraMicroProcess server = PayaraMicroProcess.start(port, "reconnect-spread", settings)) {
            long t = System.nanoTime();
            for (int i = 0; i < n; i++) {
                Times mine = new Times();
                times[i] = mine;
                clients.add(SwitchboardClient.builder(uri).token(Tokens.forUser("spread-" + i))
                        .listener(new Recorder(mine, connected, noticed, back)).build().connect());
            }
            if (!connected.await(120, TimeUnit.SECONDS)) {
                throw new IllegalStateException("only " + (n - connected.getCount()) + " of " + n + " clients connected");
            }
            System.out.printf("%d clients connected in %d ms%n", n, (System.nanoTime() - t) / 1_000_000);

            api.get("/drain"); // the API's first call is slow (class loading): not during the drain
            long drainAt = System.nanoTime();
            // the POST answers once every notice is queued; the DELETE goes in as soon as the drain has begun
            // (409 before that), so that hardly any client finds the node still refusing
            CompletableFuture<Integer> started = CompletableFuture.supplyAsync(() -> status(api, "POST", "/drain?reason=bench"));
            int cancelled;
            while ((cancelled = status(api, "DELETE", "/drain")) == 409 && !started.isDone()) {
                Thread.onSpinWait();
            }
            System.out.printf("drain started (%d) and cancelled (%d) %d ms later; the node admits again%n",
                    started.get(), cancelled, (System.nanoTime() - drainAt) / 1_000_000);
            boolean allNoticed = noticed.await(60, TimeUnit.SECONDS);
            boolean allBack = back.await(jitterSeconds + 60L, TimeUnit.SECONDS);
            System.out.printf("notices: %d of %d%s; back: %d of %d%s%n", n - noticed.getCount(), n, allNoticed ? "" : " (timed out)",
                    n - back.getCount(), n, allBack ? "" : " (timed out)");
            report(times, drainAt, jitterSeconds * 1000L, n);
        } finally {
            clients.forEach(SwitchboardClient::closeAsync);
        }
        System.exit(0);
    }

    private static int status(Api api, String method, String path) {
        try {
            return api.call(method, path, null).statusCode();
        } catch (Exception e) {
            throw new IllegalStateException(method + " " + path + " failed", e);
        }
    }

    /** Records one client's notice, close and return. Runs on the client's serial executor. */
    private record Recorder(Times times, CountDownLatch connected, CountDownLatch noticed, CountDownLatch back)
            implements ClientListener {
        @Override
        public void onOpen(JsonObject welcome) {
            if (times.opens.incrementAndGet() == 1) {
                connected.countDown();
            } else if (times.backAt == 0) {
                times.backAt = System.nanoTime();
                back.countDown();
            }
        }

        @Override
        public void onMessage(JsonObject message) {
            if ("shutdown".equals(message.getString("type", "")) && times.noticeAt == 0) {
                times.noticeAt = System.nanoTime();
                times.reconnectAfterMs = message.getJsonNumber("reconnectAfterMs").longValue();
                noticed.countDown();
            }
        }

        @Override
        public void onClose(int code, String reason, boolean willReconnect) {
            if (times.noticeAt != 0 && times.leftAt == 0) {
                times.leftAt = System.nanoTime();
            } else if (times.leftAt != 0 && times.backAt == 0) {
                times.failedAttempts.incrementAndGet(); // a reconnect attempt that did not get in
            }
        }
    }

    private static void report(Times[] all, long drainAt, long jitterMs, int n) {
        List<Times> back = Arrays.stream(all).filter(t -> t.backAt != 0 && t.noticeAt != 0 && t.leftAt != 0).toList();
        if (back.isEmpty()) {
            System.out.println("no client came back");
            return;
        }
        long[] noticeToBack = sorted(back.stream().mapToLong(t -> t.backAt - t.noticeAt));
        long[] closeToBack = sorted(back.stream().mapToLong(t -> t.backAt - t.leftAt));
        long[] drainToNotice = sorted(back.stream().mapToLong(t -> t.noticeAt - drainAt));
        long[] drainToDue = sorted(back.stream().mapToLong(t -> t.noticeAt + t.reconnectAfterMs * 1_000_000L - drainAt));
        long[] drainToLeft = sorted(back.stream().mapToLong(t -> t.leftAt - drainAt));
        long[] drainToBack = sorted(back.stream().mapToLong(t -> t.backAt - drainAt));
        long[] promised = sorted(back.stream().mapToLong(t -> t.reconnectAfterMs * 1_000_000L));
        line("reconnectAfterMs in the notices ", promised);
        line("notice -> back (welcome)        ", noticeToBack);
        line("close  -> back (reconnect cost) ", closeToBack);
        line("drain start -> notice           ", drainToNotice);
        line("drain start -> left (close)     ", drainToLeft);
        line("drain start -> back             ", drainToBack);
        int failed = back.stream().mapToInt(t -> t.failedAttempts.get()).sum();
        System.out.printf("clients back: %d of %d; reconnect attempts refused or failed on the way: %d%n", back.size(), n, failed);

        System.out.printf("per %d ms after the drain started: clients due to leave (notice + reconnectAfterMs), that left,"
                + " and that were back (each # = 5 back)%n", BUCKET_MS);
        int[] due = buckets(drainToDue, drainToBack);
        int[] left = buckets(drainToLeft, drainToBack);
        int[] in = buckets(drainToBack, drainToBack);
        for (int b = 0; b < in.length; b++) {
            System.out.printf("  %5d-%5d ms  due %4d  left %4d  back %4d %s%n", b * BUCKET_MS, (b + 1) * BUCKET_MS, due[b], left[b], in[b],
                    "#".repeat((in[b] + 4) / 5));
        }
        System.out.printf("peak in any 1 s window: %d/s due, %d/s left, %d/s back; a herd-free spread over the %d ms jitter"
                + " gives %d/s%n", peakPerSecond(drainToDue), peakPerSecond(drainToLeft), peakPerSecond(drainToBack), jitterMs,
                Math.round(n * 1000.0 / jitterMs));
    }

    /** How many of the sorted nanosecond times fall in each bucket, up to the last of {@code span}. */
    private static int[] buckets(long[] sortedNanos, long[] span) {
        long last = Math.max(sortedNanos[sortedNanos.length - 1], span[span.length - 1]);
        int[] counts = new int[(int) (last / 1_000_000 / BUCKET_MS) + 1];
        for (long ns : sortedNanos) {
            counts[(int) (Math.max(0, ns) / 1_000_000 / BUCKET_MS)]++;
        }
        return counts;
    }

    /** The most arrivals within any one-second window, from sorted nanosecond times. */
    static int peakPerSecond(long[] sortedNanos) {
        int peak = 0;
        int from = 0;
        for (int to = 0; to < sortedNanos.length; to++) {
            while (sortedNanos[to] - sortedNanos[from] >= 1_000_000_000L) {
                from++;
            }
            peak = Math.max(peak, to - from + 1);
        }
        return peak;
    }

    private static long[] sorted(java.util.stream.LongStream nanos) {
        return nanos.sorted().toArray();
    }

    private static void line(String what, long[] sortedNanos) {
        System.out.printf("%s ms: min %5d  p10 %5d  p50 %5d  p90 %5d  max %5d%n", what,
                ms(sortedNanos[0]), ms(pct(sortedNanos, 10)), ms(pct(sortedNanos, 50)), ms(pct(sortedNanos, 90)),
                ms(sortedNanos[sortedNanos.length - 1]));
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }

    private static long pct(long[] sorted, int p) {
        return sorted[Math.max(0, Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1))];
    }
}
