import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one WebSocket connection costs a Java load process: opens N connections with the JDK's
 * java.net.http WebSocket (one shared HttpClient, the leanest Java client without extra libraries;
 * Switchboard's Java client builds on it) and prints the process's RSS per connection. Run by
 * {@code src/bench/run client-cost}, as a single-file program:
 * {@code java -Xmx2g -XX:+UseG1GC JdkClientCost.java ws://127.0.0.1:18502/ws 2000}
 */
public final class JdkClientCost {

    public static void main(String[] args) throws Exception {
        URI uri = URI.create(args[0]);
        int n = Integer.parseInt(args[1]);
        HttpClient http = HttpClient.newHttpClient();
        WebSocket.Listener listener = new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                webSocket.request(1);
                return null;
            }
        };
        // warm up the client's classes before the baseline, so the figure is per connection only
        http.newWebSocketBuilder().buildAsync(uri, listener).join().abort();
        System.gc();
        Thread.sleep(1000);
        long before = rssKiB();
        Semaphore inFlight = new Semaphore(100);
        List<CompletableFuture<WebSocket>> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            inFlight.acquire();
            all.add(http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(60)).buildAsync(uri, listener)
                    .whenComplete((ws, e) -> inFlight.release()));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
        Thread.sleep(3000);
        long after = rssKiB();
        System.out.printf("jdk java.net.http WebSocket: %d connections, RSS %d -> %d KiB, rssPerConnKiB=%.1f%n",
                n, before, after, (after - before) / (double) n);
        for (CompletableFuture<WebSocket> f : all) {
            f.join().abort();
        }
    }

    private static long rssKiB() throws Exception {
        Matcher m = Pattern.compile("VmRSS:\\s+(\\d+) kB").matcher(Files.readString(Path.of("/proc/self/status")));
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }
}
