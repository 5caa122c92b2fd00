package io.switchboard.it.support;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.File;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A real headless Chromium, driven over the Chrome DevTools Protocol with the JDK's own WebSocket
 * client: no WebDriver, no chromedriver, no dependency. It evaluates JavaScript in one page and
 * returns the results as JSON; that is all the browser tests need.
 */
public final class Chromium implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration START = Duration.ofSeconds(60);

    private final Process process;
    private final Path profile;
    private final WebSocket devtools;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, CompletableFuture<JsonObject>> replies = new ConcurrentHashMap<>();
    /** The page's requests still under way, by DevTools request id: their addresses, for {@link #troubles}. */
    private final Map<String, String> loading = new ConcurrentHashMap<>();
    /**
     * What went wrong in the page as the browser saw it, oldest first: a request that failed at the
     * network level or that the server answered with a 5xx, an exception no script caught, an error
     * the browser logged (a module it refused, for one). Said when the page never gets where a test
     * waits for it, and looked at after a page has loaded.
     */
    private final List<String> troubles = java.util.Collections.synchronizedList(new ArrayList<>());

    /** The browser's executable, if the machine has one ({@code apt-get install chromium}). */
    public static Optional<Path> find() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
                Path candidate = Path.of(dir, name);
                if (Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    private Chromium(Path binary) throws Exception {
        profile = Files.createTempDirectory("switchboard-chromium-");
        List<String> command = new ArrayList<>(List.of(binary.toString(),
                "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                // keep timers running at full speed in a page nobody looks at
                "--disable-background-timer-throttling", "--disable-renderer-backgrounding",
                "--user-data-dir=" + profile, "--remote-debugging-port=0", "about:blank"));
        File log = new File("target/chromium-" + ProcessHandle.current().pid() + ".log");
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log)).start();
        int port = awaitDevToolsPort();
        String pageSocket = pageTarget(port);
        devtools = HTTP.newWebSocketBuilder().buildAsync(URI.create(pageSocket), new Listener())
                .get(START.toSeconds(), TimeUnit.SECONDS);
        for (String domain : List.of("Network", "Runtime", "Log")) {
            command(domain + ".enable", JsonValue.EMPTY_JSON_OBJECT);
        }
    }

    public static Chromium launch(Path binary) throws Exception {
        return new Chromium(binary);
    }

    /** Chromium writes the port it chose into DevToolsActivePort in its profile. */
    private int awaitDevToolsPort() throws Exception {
        Path file = profile.resolve("DevToolsActivePort");
        long deadline = System.nanoTime() + START.toNanos();
        while (System.nanoTime() - deadline < 0) {
            if (!process.isAlive()) {
                throw new IllegalStateException("chromium exited with " + process.exitValue() + "; see target/chromium-*.log");
            }
            if (Files.isRegularFile(file)) {
                List<String> lines = Files.readAllLines(file);
                if (!lines.isEmpty() && !lines.get(0).isBlank()) {
                    return Integer.parseInt(lines.get(0).trim());
                }
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("chromium did not open its DevTools port within " + START);
    }

    private static String pageTarget(int port) throws Exception {
        HttpRequest list = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list")).build();
        String body = HTTP.send(list, HttpResponse.BodyHandlers.ofString()).body();
        return Json.createReader(new StringReader(body)).readArray().stream()
                .map(JsonValue::asJsonObject)
                .filter(t -> "page".equals(t.getString("type", "")))
                .map(t -> t.getString("webSocketDebuggerUrl"))
                .findFirst().orElseThrow(() -> new IllegalStateException("no page target in " + body));
    }

    /** Sends one DevTools command and waits for its result. */
    JsonObject command(String method, JsonObject params) throws Exception {
        long id = ids.incrementAndGet();
        CompletableFuture<JsonObject> reply = new CompletableFuture<>();
        replies.put(id, reply);
        String text = Json.createObjectBuilder().add("id", id).add("method", method).add("params", params).build().toString();
        synchronized (devtools) {
            devtools.sendText(text, true).get(TestClient.WAIT.toSeconds(), TimeUnit.SECONDS);
        }
        JsonObject answer = reply.get(TestClient.WAIT.toSeconds(), TimeUnit.SECONDS);
        if (answer.containsKey("error")) {
            throw new IllegalStateException(method + " failed: " + answer.get("error"));
        }
        return answer.getJsonObject("result");
    }

    /** Evaluates a JavaScript expression in the page (awaiting a promise) and returns its value. */
    public JsonValue eval(String expression) throws Exception {
        JsonObject result = command("Runtime.evaluate", Json.createObjectBuilder()
                .add("expression", expression).add("returnByValue", true).add("awaitPromise", true).build());
        if (result.containsKey("exceptionDetails")) {
            throw new AssertionError("the page threw: " + result.getJsonObject("exceptionDetails"));
        }
        return result.getJsonObject("result").getOrDefault("value", JsonValue.NULL);
    }

    /** Polls a JSON-valued expression until {@code done} accepts its value; fails after {@link TestClient#WAIT}. */
    public JsonValue await(String expression, Predicate<JsonValue> done) throws Exception {
        long deadline = System.nanoTime() + TestClient.WAIT.toNanos();
        JsonValue value = eval(expression);
        while (!done.test(value)) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("the page never got there; last value of " + expression + ": " + value
                        + " (the page: " + eval("location.href + ' ' + document.readyState + ' ' + document.title") + ")"
                        + troublesSince(Math.max(0, troubles.size() - 10), "; what the browser saw last: "));
            }
            Thread.sleep(50);
            value = eval(expression);
        }
        return value;
    }

    /** Opens {@code url} and waits until it has loaded. */
    public void open(String url) throws Exception {
        open(url, url);
    }

    /**
     * Opens {@code url} and waits until the page that loads (after any redirect) is {@code landing}.
     * A navigation the browser reports as failed at the network level (no answer, an aborted or
     * empty response: {@code errorText} of {@code Page.navigate}) is tried once more, and said so on
     * standard error; a page the server answered, whatever its status, is not. A page that loaded but
     * one of whose parts did not (a script or style sheet that failed at the network level or got a
     * 5xx, a script that threw) is loaded once more too, and what went wrong is said.
     */
    public void open(String url, String landing) throws Exception {
        String loaded = "location.href === " + Json.createValue(landing) + " && document.readyState === 'complete'";
        int mark = troubles.size();
        String failed = navigate(url);
        if (failed != null) {
            System.err.println("chromium: navigating to " + url + " failed (" + failed + "); once more");
            failed = navigate(url);
        }
        if (failed != null) {
            throw new AssertionError("chromium could not load " + url + ": " + failed);
        }
        await(loaded, JsonValue.TRUE::equals);
        String partly = troublesSince(mark, "");
        if (!partly.isEmpty()) {
            System.err.println("chromium: " + landing + " loaded, but not all of it: " + partly + "; loading it once more");
            if (navigate(landing) != null) {
                throw new AssertionError("chromium could not load " + landing + " again after: " + partly);
            }
            await(loaded, JsonValue.TRUE::equals);
        }
    }

    /** The troubles seen since the first {@code from} of them, after {@code prefix}; "" when there were none. */
    private String troublesSince(int from, String prefix) {
        synchronized (troubles) {
            return from >= troubles.size() ? "" : prefix + String.join("; ", troubles.subList(from, troubles.size()));
        }
    }

    /** Navigates to {@code url}; the browser's network error for it, or null when a response came. */
    private String navigate(String url) throws Exception {
        JsonObject result = command("Page.navigate", Json.createObjectBuilder().add("url", url).build());
        return result.containsKey("errorText") ? result.getString("errorText") : null;
    }

    /** Makes the page's window this size (CSS pixels, scale 1), as a desktop or a narrow phone would. */
    public void viewport(int width, int height) throws Exception {
        command("Emulation.setDeviceMetricsOverride", Json.createObjectBuilder().add("width", width).add("height", height)
                .add("deviceScaleFactor", 1).add("mobile", false).build());
    }

    /** Types {@code text} into the focused element as one input event, the way a paste arrives. */
    public void insertText(String text) throws Exception {
        command("Input.insertText", Json.createObjectBuilder().add("text", text).build());
    }

    /** Cuts the page off the network (its requests fail as when the server is gone), or reconnects it. */
    public void offline(boolean offline) throws Exception {
        command("Network.enable", JsonValue.EMPTY_JSON_OBJECT);
        command("Network.emulateNetworkConditions", Json.createObjectBuilder().add("offline", offline).add("latency", 0)
                .add("downloadThroughput", -1).add("uploadThroughput", -1).build());
    }

    /**
     * A PNG of the whole page (at most 8000 px tall), or of the window only when {@code wholePage} is
     * false (a modal dialog is centred in the window: a whole-page shot would move it), written to
     * {@code file} and returned decoded.
     */
    public java.awt.image.BufferedImage screenshot(Path file, boolean wholePage) throws Exception {
        JsonObject size = eval("({w: window.innerWidth, h: " + (wholePage ? "document.documentElement.scrollHeight" : "window.innerHeight")
                + "})").asJsonObject();
        JsonObject clip = Json.createObjectBuilder().add("x", 0).add("y", 0)
                .add("width", size.getInt("w")).add("height", Math.min(size.getInt("h"), 8000)).add("scale", 1).build();
        JsonObject shot = command("Page.captureScreenshot", Json.createObjectBuilder().add("format", "png")
                .add("captureBeyondViewport", wholePage).add("clip", clip).build());
        byte[] png = java.util.Base64.getDecoder().decode(shot.getString("data"));
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, png);
        return javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(png));
    }

    @Override
    public void close() throws IOException {
        devtools.abort();
        // the browser's helper processes (renderer, network service) write into the profile too
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        all.add(process.toHandle());
        all.forEach(ProcessHandle::destroy);
        for (ProcessHandle h : all) {
            try {
                h.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                h.destroyForcibly();
            }
        }
        for (int attempt = 0; attempt < 3 && Files.exists(profile); attempt++) {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (java.io.UncheckedIOException stillChanging) {
                // a file vanished while the walk ran: walk again
            }
        }
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                JsonObject message = Json.createReader(new StringReader(partial.toString())).readObject();
                partial.setLength(0);
                if (message.containsKey("id")) {
                    CompletableFuture<JsonObject> reply = replies.remove(message.getJsonNumber("id").longValue());
                    if (reply != null) {
                        reply.complete(message);
                    }
                } else if (message.containsKey("method")) {
                    event(message.getString("method"), message.getJsonObject("params"));
                }
            }
            webSocket.request(1);
            return null;
        }

        /** Notes the events that tell of a page part that failed; the rest pass. */
        private void event(String method, JsonObject params) {
            switch (method) {
                case "Network.requestWillBeSent" ->
                        loading.put(params.getString("requestId"), params.getJsonObject("request").getString("url"));
                case "Network.responseReceived" -> {
                    JsonObject response = params.getJsonObject("response");
                    if (response.getInt("status", 0) >= 500) {
                        troubles.add(response.getInt("status") + " for " + response.getString("url", "?"));
                    }
                }
                case "Network.loadingFinished" -> loading.remove(params.getString("requestId"));
                case "Network.loadingFailed" -> {
                    String address = loading.remove(params.getString("requestId"));
                    // a navigation cancels what the page it leaves still had under way: not a failure
                    if (!params.getBoolean("canceled", false)) {
                        troubles.add(params.getString("errorText", "failed") + " for " + address);
                    }
                }
                case "Runtime.exceptionThrown" -> {
                    JsonObject details = params.getJsonObject("exceptionDetails");
                    JsonObject exception = details.getJsonObject("exception");
                    troubles.add("uncaught " + (exception != null ? exception.getString("description", "") : details.getString("text", ""))
                            + " at " + details.getString("url", "?") + ":" + details.getInt("lineNumber", -1));
                }
                case "Log.entryAdded" -> {
                    JsonObject entry = params.getJsonObject("entry");
                    // the network's own entries (a 401 the page expects, say) are covered above
                    if ("error".equals(entry.getString("level", "")) && !"network".equals(entry.getString("source", ""))) {
                        troubles.add("logged: " + entry.getString("text", "") + " (" + entry.getString("url", "?") + ")");
                    }
                }
                default -> {
                }
            }
        }
    }
}
