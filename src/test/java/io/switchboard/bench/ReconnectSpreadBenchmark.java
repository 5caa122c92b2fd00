package io.switchboard.bench;

import io.switchboard.client.ClientListener;
import io.switchboard.client.SwitchboardClient;
import io.switchboard.it.PayaraMicroProcess;
import jakarta.json.JsonObject;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * How 1,000 Java clients come back to a server that was killed and restarted: each retries on the
 * contract's schedule (full jitter, 500 ms to 30 s), so the reconnects should spread over the
 * backoff window instead of arriving together. Prints figures; never fails on timing.
 *
 * <pre>
 * mvn verify -Dit.test=ClientServerRestartIT -Dit.wildfly.skip=true   # builds the WAR, fetches Payara Micro
 * mvn -q exec:java -Dexec.classpathScope=test -Dexec.mainClass=io.switchboard.bench.ReconnectSpreadBenchmark [-Dclients=1000]
 * </pre>
 */
public final class ReconnectSpreadBenchmark {

    private ReconnectSpreadBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int n = Integer.getInteger("clients", 1000);
        int port = PayaraMicroProcess.freePort();
        Map<String, String> settings = Map.of(
                "switchboard.limits.max-per-ip", String.valueOf(n * 2),
                "switchboard.limits.max-per-user", String.valueOf(n * 2),
                "switchboard.rate.handshakes-per-second-per-ip", String.valueOf(n * 10));
        URI uri = URI.create("ws://127.0.0.1:" + port + "/ws");
        ConcurrentLinkedQueue<Long> opens = new ConcurrentLinkedQueue<>();
        CountDownLatch[] phase = {new CountDownLatch(n)};
        ClientListener listener = new ClientListener() {
            @Override
            public void onOpen(JsonObject welcome) {
                opens.add(System.nanoTime());
                phase[0].countDown();
            }
        };
        List<SwitchboardClient> clients = new ArrayList<>();
        PayaraMicroProcess server = PayaraMicroProcess.start(port, "bench-1", settings);
        try {
            long t = System.nanoTime();
            for (int i = 0; i < n; i++) {
                clients.add(SwitchboardClient.builder(uri).listener(listener).build().connect());
            }
            if (!phase[0].await(120, TimeUnit.SECONDS)) {
                throw new IllegalStateException("only " + (n - phase[0].getCount()) + " of " + n + " clients connected");
            }
            System.out.printf("%d clients connected in %d ms%n", n, (System.nanoTime() - t) / 1_000_000);

            phase[0] = new CountDownLatch(n);
            opens.clear();
            long killedAt = System.nanoTime();
            server.kill();
            server = PayaraMicroProcess.start(port, "bench-2", settings);
            long readyAt = System.nanoTime();
            System.out.printf("server killed and restarted: ready %d ms after the kill%n", (readyAt - killedAt) / 1_000_000);
            if (!phase[0].await(120, TimeUnit.SECONDS)) {
                System.out.printf("only %d of %d clients came back within 120 s%n", n - phase[0].getCount(), n);
            }
            report(opens, readyAt);
        } finally {
            clients.forEach(c -> c.closeAsync());
            server.close();
        }
    }

    /** Reconnect times after the server was ready again: percentiles and a one-second histogram. */
    private static void report(ConcurrentLinkedQueue<Long> opens, long readyAt) {
        long[] ms = opens.stream().mapToLong(t -> (t - readyAt) / 1_000_000).sorted().toArray();
        if (ms.length == 0) {
            System.out.println("no reconnects");
            return;
        }
        System.out.printf("reconnects after ready (ms): first %d, p10 %d, p50 %d, p90 %d, p99 %d, last %d (n=%d)%n",
                ms[0], pct(ms, 10), pct(ms, 50), pct(ms, 90), pct(ms, 99), ms[ms.length - 1], ms.length);
        long from = Math.floorDiv(ms[0], 1000);
        long to = Math.floorDiv(ms[ms.length - 1], 1000);
        int[] perSecond = new int[(int) (to - from + 1)];
        for (long m : ms) {
            perSecond[(int) (Math.floorDiv(m, 1000) - from)]++;
        }
        System.out.printf("reconnects per second from second %d: %s; busiest second %d (%.1f%% of all)%n", from,
                Arrays.toString(perSecond), Arrays.stream(perSecond).max().orElse(0),
                100.0 * Arrays.stream(perSecond).max().orElse(0) / ms.length);
    }

    private static long pct(long[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }
}
