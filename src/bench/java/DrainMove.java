import io.switchboard.client.ClientListener;
import io.switchboard.client.SwitchboardClient;
import jakarta.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * drain-move: 3 Payara Micro nodes sharing a real redis-server, N subscribed clients (the Java client,
 * spread over several client processes, loopback only) on one channel or spread evenly over
 * {@code --channels} channels, a publisher at a fixed rate through the API of node 1 (round robin over
 * the channels), and node 3 drained mid-run. Its clients follow {@code url} to another
 * node and resubscribe with {@code since}. Prints, over all clients, messages missed and duplicated,
 * the recovery time (close on the drained node to {@code subscribed} on the new one) p50/p99, and the
 * publish rate the cluster sustains (closed loop through the API) with history on or off.
 *
 * <p>The clients count once none of them has received anything for 5 s and every moved client has
 * connected again (at most 3 min after the last publish), and that delay is printed: a message still queued
 * on a busy node, or a client still backing off before its reconnect, is late, not missed. Moved clients
 * that had not resubscribed by then are printed as pending, with their state.
 * With {@code DRAIN_MOVE_DEBUG} set in the environment it also prints each node's {@code /api/stats}
 * and, for a few clients, what they lack, their closes, recoveries and repeats (offset and epoch of
 * both copies).
 *
 * <p>Run by {@code src/bench/run drain-move [--n 9000] [--procs 3] [--seconds 40] [--rate 200]
 * [--channels 1] [--history on|off]}. Bounded in time: every wait has a deadline; every process it started is
 * stopped at the end.
 */
public class DrainMove {

    static final String SECRET = "switchboard-bench-drain-move-hs256-secret-0123456789";
    static final String ADMIN = "drain-move-admin";
    static final String CHANNEL = "move-";
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public static void main(String[] args) throws Exception {
        Map<String, String> a = options(args);
        if (args.length > 0 && args[0].equals("clients")) {
            try {
                clients(a);
            } catch (Throwable failed) {
                failed.printStackTrace();
                System.exit(1); // its executors would keep it alive, and the orchestrator waiting for it
            }
        } else {
            orchestrate(a);
        }
    }

    static Map<String, String> options(String[] args) {
        Map<String, String> m = new java.util.HashMap<>();
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].startsWith("--")) {
                m.put(args[i].substring(2), args[i + 1]);
            }
        }
        return m;
    }

    // ---- orchestrator ----

    static void orchestrate(Map<String, String> a) throws Exception {
        int n = Integer.parseInt(a.getOrDefault("n", "9000"));
        int procs = Integer.parseInt(a.getOrDefault("procs", "3"));
        int seconds = Integer.parseInt(a.getOrDefault("seconds", "40"));
        int rate = Integer.parseInt(a.getOrDefault("rate", "200"));
        boolean history = !a.getOrDefault("history", "on").equals("off");
        int channels = Integer.parseInt(a.getOrDefault("channels", "1"));
        Path root = Path.of(a.getOrDefault("root", "."));
        List<Process> started = new ArrayList<>();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> started.forEach(Process::destroyForcibly)));
        Path work = Files.createTempDirectory("switchboard-drain-move");
        int redisPort = freePort();
        started.add(new ProcessBuilder("redis-server", "--port", "" + redisPort, "--bind", "127.0.0.1", "--dir",
                work.toString(), "--save", "", "--appendonly", "no").redirectErrorStream(true)
                .redirectOutput(work.resolve("redis.log").toFile()).start());
        List<String> urls = new ArrayList<>();
        List<String> apis = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            int port = freePort();
            String ws = "ws://127.0.0.1:" + port + "/ws";
            urls.add(ws);
            apis.add("http://127.0.0.1:" + port);
            ProcessBuilder b = new ProcessBuilder("java", "-Xmx768m", "-XX:+UseSerialGC", "-jar",
                    root.resolve("target/payara-micro.jar").toString(), "--deploy", root.resolve("target/switchboard.war").toString(),
                    "--contextroot", "/", "--port", "" + port, "--nocluster", "--rootdir", work.resolve("node" + i).toString())
                    .redirectErrorStream(true).redirectOutput(work.resolve("node" + i + ".log").toFile());
            Map<String, String> env = b.environment();
            env.put("SWITCHBOARD_AUTH_JWT_SECRET", SECRET);
            env.put("SWITCHBOARD_ADMIN_TOKEN", ADMIN);
            env.put("SWITCHBOARD_NODE_ID", "n" + i);
            env.put("SWITCHBOARD_NODE_PUBLIC_URL", ws);
            env.put("SWITCHBOARD_CLUSTER_REDIS_URI", "redis://127.0.0.1:" + redisPort);
            env.put("SWITCHBOARD_CLUSTER_NAME", "bench");
            env.put("SWITCHBOARD_HISTORY_SIZE", history ? "10000" : "0");
            env.put("SWITCHBOARD_LIMITS_MAX_CONNECTIONS", "" + (n + 1000));
            env.put("SWITCHBOARD_LIMITS_MAX_PER_IP", "" + (n + 1000));
            env.put("SWITCHBOARD_RATE_HANDSHAKES_PER_SECOND_PER_IP", "100000");
            env.put("SWITCHBOARD_SHUTDOWN_DRAIN_TIMEOUT", "20s");
            started.add(b.start());
        }
        for (String api : apis) {
            awaitReady(api, Duration.ofMinutes(6));
        }
        System.out.println("3 nodes ready, history " + (history ? "on" : "off") + "; " + n + " clients in " + procs
                + " processes on " + channels + " channel(s)");

        List<Process> children = new ArrayList<>();
        List<BufferedReader> outs = new ArrayList<>();
        String cp = System.getProperty("java.class.path");
        String self = a.getOrDefault("self", "src/bench/java/DrainMove.java");
        for (int p = 0; p < procs; p++) {
            int count = n / procs + (p < n % procs ? 1 : 0);
            Process c = new ProcessBuilder("java", "-Xmx1g", "-cp", cp, self, "clients", "--count", "" + count,
                    "--nodes", String.join(",", urls), "--first", "" + p,
                    "--procs", "" + procs, "--channels", "" + channels).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            started.add(c);
            children.add(c);
            outs.add(new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8)));
        }
        for (BufferedReader r : outs) {
            expect(r, "READY");
        }
        System.out.println("all subscribed");

        // the publisher: rate msg/s through node 1's API, data = 1, 2, 3 … (message i to channel i % channels);
        // node 3 drained at a third
        AtomicInteger publishedOk = new AtomicInteger();
        AtomicInteger publishFailed = new AtomicInteger();
        long start = System.nanoTime();
        long total = (long) rate * seconds;
        boolean drained = false;
        java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(32);
        BitSet refused = new BitSet(); // guarded by itself: data values the API did not accept
        for (long i = 1; i <= total; i++) {
            long due = start + (i - 1) * 1_000_000_000L / rate;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            if (!drained && i > total / 3) {
                drained = true;
                call(apis.get(2), "POST", "/api/drain", null);
                System.out.println("node 3 drained at message " + i);
            }
            // open loop: the rate does not depend on one answer's latency (at most 32 in flight)
            int value = (int) i;
            inFlight.acquire();
            HTTP.sendAsync(request(apis.get(0), "POST", "/api/channels/" + CHANNEL + (i % channels) + "/messages",
                    "{\"data\":" + i + "}"),
                    HttpResponse.BodyHandlers.discarding()).whenComplete((r, failed) -> {
                        if (failed == null && r.statusCode() == 202) {
                            publishedOk.incrementAndGet();
                        } else {
                            publishFailed.incrementAndGet();
                            synchronized (refused) {
                                refused.set(value);
                            }
                        }
                        inFlight.release(); // last: once all 32 permits are back, every answer is counted
                    });
        }
        inFlight.acquire(32);
        double pubSeconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("published %d (%d refused) in %.1f s = %.0f msg/s%n", publishedOk.get(), publishFailed.get(),
                pubSeconds, publishedOk.get() / pubSeconds);
        // the clients count once nothing has arrived for 5 s (at most 3 min after the last publish): a
        // message still on its way when a fixed wait ran out would count as missed although it was not lost
        for (Process c : children) {
            new PrintWriter(c.getOutputStream(), true).println("QUIET");
        }
        long settled = 0;
        for (BufferedReader r : outs) {
            settled = Math.max(settled, Long.parseLong(expect(r, "QUIET").split(" ")[1]));
        }
        System.out.printf("deliveries settled %.1f s after the last publish%n", settled / 1000.0);
        if (System.getenv("DRAIN_MOVE_DEBUG") != null) {
            for (String api : apis) {
                HttpResponse<String> st = HTTP.send(request(api, "GET", "/api/stats", null), HttpResponse.BodyHandlers.ofString());
                System.err.println("stats " + api + " " + st.body());
            }
        }

        long missed = 0, duplicated = 0, clientsMissing = 0, clientsDuplicating = 0, moved = 0, notRecovered = 0, pending = 0;
        List<Long> recovery = new ArrayList<>();
        for (int p = 0; p < procs; p++) {
            PrintWriter w = new PrintWriter(children.get(p).getOutputStream(), true);
            StringBuilder stop = new StringBuilder("STOP " + total);
            synchronized (refused) {
                refused.stream().forEach(v -> stop.append(' ').append(v));
            }
            w.println(stop); // a refused publish is not expected (if it was stored after all, it is not counted either way)
            String line = expect(outs.get(p), "RESULT");
            String[] f = line.split(" ");
            missed += Long.parseLong(f[1]);
            clientsMissing += Long.parseLong(f[2]);
            duplicated += Long.parseLong(f[3]);
            clientsDuplicating += Long.parseLong(f[4]);
            moved += Long.parseLong(f[5]);
            notRecovered += Long.parseLong(f[6]);
            pending += Long.parseLong(f[7]);
            for (int i = 8; i < f.length; i++) {
                recovery.add(Long.parseLong(f[i]));
            }
        }
        recovery.sort(null);
        System.out.printf("clients %d, moved %d (recovered:false %d, not reconnected when counted %d); missed %d messages"
                + " (%d clients), duplicated %d (%d clients)%n",
                n, moved, notRecovered, pending, missed, clientsMissing, duplicated, clientsDuplicating);
        System.out.printf("recovery ms p50 %s p99 %s max %s (n=%d)%n", pct(recovery, 50), pct(recovery, 99),
                recovery.isEmpty() ? "-" : recovery.get(recovery.size() - 1), recovery.size());

        // the publish rate the cluster sustains: 16 publishers in a closed loop through nodes 1 and 2 for 10 s
        AtomicLong done = new AtomicLong();
        long until = System.nanoTime() + 10_000_000_000L;
        List<Thread> loop = new ArrayList<>();
        for (int t = 0; t < 16; t++) {
            String api = apis.get(t % 2);
            Thread th = new Thread(() -> {
                while (System.nanoTime() - until < 0) {
                    try {
                        if (call(api, "POST", "/api/channels/rate/messages", "{\"data\":1}") == 202) {
                            done.incrementAndGet();
                        }
                    } catch (Exception e) {
                        return;
                    }
                }
            });
            th.start();
            loop.add(th);
        }
        for (Thread th : loop) {
            th.join();
        }
        System.out.printf("sustained API publish rate, history %s: %.0f msg/s%n", history ? "on" : "off", done.get() / 10.0);
        started.forEach(Process::destroyForcibly);
    }

    static String pct(List<Long> sorted, int p) {
        return sorted.isEmpty() ? "-" : Long.toString(sorted.get(Math.min(sorted.size() - 1, sorted.size() * p / 100)));
    }

    static String expect(BufferedReader r, String prefix) throws Exception {
        for (String line; (line = r.readLine()) != null; ) {
            if (line.startsWith(prefix)) {
                return line;
            }
            System.out.println("  client: " + line);
        }
        throw new IllegalStateException("a client process ended before " + prefix);
    }

    static int call(String api, String method, String path, String body) throws Exception {
        return HTTP.send(request(api, method, path, body), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    static HttpRequest request(String api, String method, String path, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(api + path)).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + ADMIN).header("Content-Type", "application/json");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return b.build();
    }

    static void awaitReady(String api, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() - deadline < 0) {
            try {
                if (HTTP.send(HttpRequest.newBuilder(URI.create(api + "/health/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (Exception notYet) {
                // booting
            }
            Thread.sleep(1000);
        }
        throw new IllegalStateException(api + " not ready within " + limit);
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static String token(String user) throws Exception {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String head = b64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        long exp = System.currentTimeMillis() / 1000 + 3600;
        String body = b64.encodeToString(("{\"sub\":\"" + user + "\",\"exp\":" + exp + "}").getBytes(StandardCharsets.UTF_8));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String sig = b64.encodeToString(mac.doFinal((head + "." + body).getBytes(StandardCharsets.UTF_8)));
        return head + "." + body + "." + sig;
    }

    // ---- one client process ----

    /** Messages of the channel received by all clients of this process, repeats included. */
    static final AtomicLong RECEIVED = new AtomicLong();
    /** Set once every client has subscribed: closes from then on are counted as moves. */
    static volatile boolean MEASURING;

    /** What one client saw: the data values, closes and recoveries. Touched on the client's own executor. */
    static final class Seen implements ClientListener {
        final String channel;
        final BitSet got = new BitSet();
        int duplicates;
        int earlyFailures;
        final java.util.Map<Integer, String> firstAt = new java.util.HashMap<>();
        final StringBuilder trace = new StringBuilder();
        volatile long closedAt;
        final ConcurrentLinkedQueue<Long> recoveries = new ConcurrentLinkedQueue<>();
        volatile boolean lost;

        /** The node the client connected to first (its index in --nodes). */
        final int home;

        Seen(String channel, int home) {
            this.channel = channel;
            this.home = home;
        }

        @Override
        public void onMessage(JsonObject m) {
            if (channel.equals(m.getString("channel", null))) {
                RECEIVED.incrementAndGet();
                int i = m.getInt("data");
                synchronized (this) {
                    String at = m.get("offset") + "/" + m.get("epoch");
                    if (got.get(i)) {
                        duplicates++;
                        if (trace.length() < 400) {
                            trace.append(" dup ").append(i).append(" first ").append(firstAt.get(i)).append(" again ").append(at);
                        }
                    } else {
                        firstAt.put(i, at);
                    }
                    got.set(i);
                }
            }
        }

        volatile boolean reopened;

        /** Not moved, or connected again since its move (it resubscribes on that connection). */
        boolean settled() {
            return closedAt == 0 || reopened;
        }

        @Override
        public void onStateChange(SwitchboardClient.State from, SwitchboardClient.State to) {
            if (to == SwitchboardClient.State.OPEN && closedAt != 0) {
                reopened = true;
            }
        }

        @Override
        public void onClose(int code, String reason, boolean willReconnect) {
            synchronized (this) {
                if (!MEASURING && code == 1006) {
                    earlyFailures++; // a busy node while the clients connect: counted, so the trace keeps room for the move
                } else if (trace.length() < 800) {
                    trace.append(" close ").append(code).append(' ').append(reason).append(" at ").append(got.cardinality());
                }
            }
            // a close while the clients still connect (a busy node's) is not the move being measured
            if (closedAt == 0 && MEASURING) {
                closedAt = System.nanoTime();
            }
        }

        @Override
        public void onRecovery(String channel, boolean recovered, JsonObject subscribed) {
            synchronized (this) {
                if (trace.length() < 800) {
                    trace.append(" recovery ").append(subscribed);
                }
            }
            if (closedAt != 0) {
                recoveries.add((System.nanoTime() - closedAt) / 1_000_000);
            }
            if (!recovered) {
                lost = true;
            }
        }
    }

    static void clients(Map<String, String> a) throws Exception {
        int count = Integer.parseInt(a.get("count"));
        String[] nodes = a.get("nodes").split(",");
        int first = Integer.parseInt(a.get("first"));
        int procs = Integer.parseInt(a.get("procs"));
        int channels = Integer.parseInt(a.get("channels"));
        HttpClient http = HttpClient.newHttpClient();
        ScheduledExecutorService timers = Executors.newScheduledThreadPool(2);
        var workers = Executors.newFixedThreadPool(4);
        List<SwitchboardClient> clients = new ArrayList<>();
        List<Seen> seen = new ArrayList<>();
        List<java.util.concurrent.CompletableFuture<JsonObject>> subscribed = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int channel = (first + i * procs) % channels; // the clients of all processes spread evenly
            Seen s = new Seen(CHANNEL + channel, (first + i) % nodes.length);
            SwitchboardClient c = SwitchboardClient.builder(URI.create(nodes[s.home]))
                    .token(token("u" + first + "-" + i)).httpClient(http).timers(timers).workers(workers)
                    .listener(s).build().connect();
            clients.add(c);
            seen.add(s);
            subscribed.add(c.subscribe(s.channel));
            if (i % 200 == 199) {
                Thread.sleep(100); // spread the handshakes
            }
        }
        for (var f : subscribed) {
            f.get(5, TimeUnit.MINUTES);
        }
        MEASURING = true;
        System.out.println("READY");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String stop = in.readLine();
        if (stop.startsWith("QUIET")) {
            long from = System.nanoTime();
            long last = RECEIVED.get();
            long quietSince = System.nanoTime();
            while ((System.nanoTime() - quietSince < 5_000_000_000L || !seen.stream().allMatch(Seen::settled))
                    && System.nanoTime() - from < 180_000_000_000L) {
                Thread.sleep(200);
                long now = RECEIVED.get();
                if (now != last) {
                    last = now;
                    quietSince = System.nanoTime();
                }
            }
            System.out.println("QUIET " + (quietSince - from) / 1_000_000);
            System.out.flush();
            stop = in.readLine();
        }
        String[] words = stop.split(" ");
        int total = Integer.parseInt(words[1]);
        BitSet expected = new BitSet();
        expected.set(1, total + 1);
        for (int i = 2; i < words.length; i++) {
            expected.clear(Integer.parseInt(words[i]));
        }
        long missed = 0, clientsMissing = 0, dups = 0, clientsDup = 0, moved = 0, lost = 0, pending = 0;
        // what each channel's clients should have: the expected messages i with i % channels == k
        BitSet[] byChannel = new BitSet[channels];
        for (int k = 0; k < channels; k++) {
            byChannel[k] = new BitSet();
        }
        for (int v = expected.nextSetBit(0); v >= 0; v = expected.nextSetBit(v + 1)) {
            byChannel[v % channels].set(v);
        }
        StringBuilder rec = new StringBuilder();
        int shown = 0, oddShown = 0; // the first 4 clients, then up to 12 that missed or repeated something
        for (int c = 0; c < seen.size(); c++) {
            Seen s = seen.get(c);
            BitSet mine = byChannel[Integer.parseInt(s.channel.substring(CHANNEL.length()))];
            int want = mine.cardinality();
            if (s.closedAt != 0 && !s.settled()) {
                pending++;
                System.err.println("not reconnected when counted: client " + s.channel + " state " + clients.get(c).state()
                        + " trace=" + s.trace);
            }
            synchronized (s) {
                BitSet have = (BitSet) mine.clone();
                have.and(s.got);
                boolean odd = s.duplicates > 0 || have.cardinality() < want;
                if (System.getenv("DRAIN_MOVE_DEBUG") != null && (shown < 4 || (odd && oddShown++ < 12))) {
                    shown++;
                    BitSet lacking = (BitSet) mine.clone();
                    lacking.andNot(s.got);
                    String l = lacking.toString();
                    System.err.println("client " + s.channel + " node=" + (s.home + 1) + " moved=" + (s.closedAt != 0) + " state=" + clients.get(c).state()
                            + " dups=" + s.duplicates + " got=" + s.got.cardinality()
                            + " lacking=" + l.substring(0, Math.min(300, l.length())) + " earlyFailures=" + s.earlyFailures
                            + " trace=" + s.trace);
                }
                if (have.cardinality() < want) {
                    missed += want - have.cardinality();
                    clientsMissing++;
                }
                dups += s.duplicates;
                clientsDup += s.duplicates > 0 ? 1 : 0;
            }
            if (s.closedAt != 0) {
                moved++;
                lost += s.lost ? 1 : 0;
                Long r = s.recoveries.peek();
                if (r != null) {
                    rec.append(' ').append(r);
                }
            }
        }
        System.out.println("RESULT " + missed + " " + clientsMissing + " " + dups + " " + clientsDup + " " + moved + " " + lost
                + " " + pending + rec);
        System.out.flush();
        System.exit(0);
    }
}
