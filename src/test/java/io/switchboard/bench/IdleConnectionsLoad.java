package io.switchboard.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Not a test: opens N idle WebSocket connections to a running Switchboard on 127.0.0.1 (the JDK
 * client answers every Ping frame by itself), holds them for a while, and prints the server's
 * process CPU and the sweeper's busy time over that window, read from {@code /proc} and from the
 * liveness check's {@code sweeperBusyMs}. Bounded: at most 200 handshakes in flight, then closes all.
 *
 * <pre>java -cp target/test-classes io.switchboard.bench.IdleConnectionsLoad \
 *     ws://127.0.0.1:8280/ws http://127.0.0.1:10190/health/live &lt;server pid&gt; 19000 90</pre>
 */
public final class IdleConnectionsLoad {

    private static final Pattern BUSY = Pattern.compile("\"sweeperBusyMs\"\\s*:\\s*\"?(\\d+)");
    private static final Pattern SWEEPS = Pattern.compile("\"sweeps\"\\s*:\\s*\"?(\\d+)");
    private static final Pattern PINGS = Pattern.compile("\"pingsSent\"\\s*:\\s*\"?(\\d+)");

    public static void main(String[] args) throws Exception {
        URI ws = URI.create(args[0]);
        URI live = URI.create(args[1]);
        long pid = Long.parseLong(args[2]);
        int n = Integer.parseInt(args[3]);
        Duration hold = Duration.ofSeconds(Long.parseLong(args[4]));

        HttpClient http = HttpClient.newHttpClient();
        Semaphore inFlight = new Semaphore(200);
        ConcurrentLinkedQueue<WebSocket> open = new ConcurrentLinkedQueue<>();
        AtomicInteger failed = new AtomicInteger();
        AtomicInteger closedByServer = new AtomicInteger();
        WebSocket.Listener listener = new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                webSocket.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                closedByServer.incrementAndGet();
                return null;
            }
        };
        long start = System.nanoTime();
        List<CompletableFuture<WebSocket>> pending = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            inFlight.acquire();
            pending.add(http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(30)).buildAsync(ws, listener)
                    .whenComplete((socket, error) -> {
                        inFlight.release();
                        if (error == null) {
                            open.add(socket);
                        } else {
                            failed.incrementAndGet();
                        }
                    }));
        }
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
        System.out.printf(Locale.ROOT, "opened %d (failed %d) in %.1f s%n", open.size(), failed.get(),
                (System.nanoTime() - start) / 1e9);

        Thread.sleep(5_000); // let the handshakes' work settle before measuring
        long cpu0 = cpuTicks(pid);
        String h0 = get(http, live);
        long t0 = System.nanoTime();
        Thread.sleep(hold.toMillis());
        long cpu1 = cpuTicks(pid);
        String h1 = get(http, live);
        double seconds = (System.nanoTime() - t0) / 1e9;

        double processCpu = (cpu1 - cpu0) / 100.0 / seconds; // USER_HZ = 100
        long busy = number(BUSY, h1) - number(BUSY, h0);
        System.out.printf(Locale.ROOT,
                "%d idle connections for %.0f s: server process %.1f %% of a core; sweeper busy %d ms (%.3f %% of a core),"
                        + " %d sweeps, %d pings; %d closed by the server%n",
                open.size(), seconds, processCpu * 100, busy, busy / 10.0 / seconds,
                number(SWEEPS, h1) - number(SWEEPS, h0), number(PINGS, h1) - number(PINGS, h0), closedByServer.get());
        for (WebSocket socket : open) {
            socket.abort();
        }
    }

    private static String get(HttpClient http, URI uri) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static long number(Pattern p, String text) {
        Matcher m = p.matcher(text);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    /** utime + stime of a process, in clock ticks. */
    private static long cpuTicks(long pid) throws Exception {
        String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }
}
