package io.switchboard.it.support;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The server under test as a separate process of its own, for what Arquillian cannot do: send it
 * SIGTERM and watch it go. Payara Micro runs from the jar the build copied; WildFly from its own copy of
 * the {@code standalone} folder of the unpacked distribution, on ports of its own.
 */
public final class ServerProcess implements AutoCloseable {

    private final Process process;
    private final URL base;
    private final URI readiness;
    private final Path log;

    private ServerProcess(Process process, URL base, URI readiness, Path log) {
        this.process = process;
        this.base = base;
        this.readiness = readiness;
        this.log = log;
    }

    /** Starts the server named by {@link Servers#name()} with the built WAR and these settings, and waits until it is ready. */
    public static ServerProcess start(Map<String, String> settings, int portOffset) throws Exception {
        return start(settings, portOffset, true);
    }

    /**
     * As {@link #start(Map, int)}; with {@code ownRootDir} false Payara Micro runs as an operator starts it,
     * in a runtime directory of its own choosing that its shutdown hook deletes while the JVM stops (the
     * application's class files with it).
     */
    public static ServerProcess start(Map<String, String> settings, int portOffset, boolean ownRootDir) throws Exception {
        ServerProcess server = launch(Servers.name(), settings, portOffset, ownRootDir);
        server.awaitReady(Duration.ofMinutes(3));
        return server;
    }

    /**
     * Starts {@code server} ({@code payara} or {@code wildfly}, whichever the test run is for) without
     * waiting: Payara Micro on HTTP port 8080 + {@code portOffset}, WildFly with that port offset.
     */
    public static ServerProcess launch(String server, Map<String, String> settings, int portOffset) throws Exception {
        return launch(server, settings, portOffset, true);
    }

    /**
     * As {@link #launch(String, Map, int)}; {@code ownRootDir} as for {@link #start(Map, int, boolean)}. Payara
     * Micro runs with the C1-only JIT of the suite's shared server (arquillian.xml): it boots in about two
     * thirds of the time on two busy cores, and the JIT tier changes nothing a client sees.
     */
    public static ServerProcess launch(String server, Map<String, String> settings, int portOffset,
                                       boolean ownRootDir) throws Exception {
        return launch(server, settings, portOffset, ownRootDir, List.of("-XX:TieredStopAtLevel=1"));
    }

    /**
     * As {@link #launch(String, Map, int)}, with exactly these JVM options for Payara Micro besides the usual
     * ones (a benchmark chooses its own JIT).
     */
    public static ServerProcess launch(String server, Map<String, String> settings, int portOffset, boolean ownRootDir,
                                List<String> payaraJvmOptions) throws Exception {
        Path work = Files.createTempDirectory("switchboard-e2e");
        Path log = work.resolve("server.log");
        List<String> command = new ArrayList<>();
        URL base;
        URI readiness;
        if (server.equals("wildfly")) {
            Path home = Path.of(System.getProperty("jboss.home"));
            Path standalone = work.resolve("standalone");
            copyTree(home.resolve("standalone"), standalone);
            Files.copy(Path.of("target/switchboard.war"), standalone.resolve("deployments/switchboard.war"),
                    StandardCopyOption.REPLACE_EXISTING);
            command.add(home.resolve("bin/standalone.sh").toString());
            command.addAll(List.of("-c", "standalone-microprofile.xml",
                    "-Djboss.server.base.dir=" + standalone,
                    "-Djboss.socket.binding.port-offset=" + portOffset));
            base = new URL("http://127.0.0.1:" + (8080 + portOffset) + "/");
            readiness = URI.create("http://127.0.0.1:" + (9990 + portOffset) + "/health/ready");
        } else {
            int port = 8080 + portOffset;
            command.addAll(List.of(javaBinary(), "-Xmx512m", "-XX:+UseSerialGC"));
            command.addAll(payaraJvmOptions);
            command.add("-jar");
            command.add(new File(System.getProperty("payara.microJar")).getAbsolutePath());
            command.addAll(List.of("--deploy", Path.of("target/switchboard.war").toAbsolutePath().toString(),
                    "--contextroot", "/", "--port", Integer.toString(port), "--nocluster"));
            if (ownRootDir) {
                command.addAll(List.of("--rootdir", work.resolve("payara").toString()));
            }
            base = new URL("http://127.0.0.1:" + port + "/");
            readiness = URI.create("http://127.0.0.1:" + port + "/health/ready");
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> all = new java.util.TreeMap<>(settings);
        all.putIfAbsent("switchboard.auth.jwt.secret", Tokens.SECRET);
        // settings as environment variables: SWITCHBOARD_SHUTDOWN_DRAIN_TIMEOUT for switchboard.shutdown.drain-timeout
        all.forEach((key, value) ->
                builder.environment().put(key.toUpperCase().replace('.', '_').replace('-', '_'), value));
        if (server.equals("wildfly")) {
            // WildFly waits for suspendable activities on SIGTERM only with a suspend timeout (default 0)
            builder.environment().put("JAVA_OPTS", "-Xmx512m -XX:+UseSerialGC -Dorg.wildfly.sigterm.suspend.timeout="
                    + sigtermGraceSeconds(settings));
        }
        return new ServerProcess(builder.start(), base, readiness, log);
    }

    /** A port nobody listens on right now. */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Stops the server's JVM in its tracks (SIGSTOP): its sockets stay open and silent. */
    public void freeze() throws Exception {
        signal("STOP");
    }

    /** Lets a frozen server run on (SIGCONT). */
    public void thaw() throws Exception {
        signal("CONT");
    }

    private void signal(String name) throws Exception {
        for (ProcessHandle h : jvms()) {
            int exit = new ProcessBuilder("kill", "-" + name, String.valueOf(h.pid())).inheritIO().start().waitFor();
            if (exit != 0) {
                throw new IllegalStateException("kill -" + name + " failed with " + exit);
            }
        }
    }

    /** Kills the server (SIGKILL): no drain, no close frames, the sockets just go. */
    public void kill() throws InterruptedException {
        for (ProcessHandle h : jvms()) {
            h.destroyForcibly();
        }
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }

    /** The log line that matches, waiting for it; fails when none appears in time. */
    public String awaitLogLine(String contains, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() - deadline < 0) {
            for (String line : logLines()) {
                if (line.contains(contains)) {
                    return line;
                }
            }
            Thread.sleep(250);
        }
        throw new AssertionError("no log line with '" + contains + "' within " + limit + ":\n" + logTail());
    }

    /** drain-timeout plus close.timeout plus five seconds, in whole seconds: the grace a container must give. */
    public static long sigtermGraceSeconds(Map<String, String> settings) {
        long drain = io.switchboard.config.Durations.parse(settings.getOrDefault("switchboard.shutdown.drain-timeout", "30s")).toSeconds();
        long close = io.switchboard.config.Durations.parse(settings.getOrDefault("switchboard.close.timeout", "5s")).toSeconds();
        return drain + close + 5;
    }

    public URL base() {
        return base;
    }

    public URI readiness() {
        return readiness;
    }

    /** Sends SIGTERM to the server's JVM (for WildFly, the JVM that standalone.sh started). */
    public void terminate() throws IOException {
        for (ProcessHandle h : jvms()) {
            h.destroy();
        }
        if (jvms().isEmpty()) {
            process.destroy();
        }
    }

    /** Waits until every process of the server has exited; returns whether they did in time. */
    public boolean awaitExit(Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        for (ProcessHandle h : jvms()) {
            try {
                h.onExit().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                return false;
            }
        }
        return process.waitFor(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    /** Every line of the server's output so far. */
    public List<String> logLines() throws IOException {
        return Files.readAllLines(log);
    }

    /** The server's output so far, for failure messages. */
    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private List<ProcessHandle> jvms() {
        List<ProcessHandle> all = new ArrayList<>();
        if (process.isAlive() && process.info().command().orElse("").endsWith("java")) {
            all.add(process.toHandle());
        }
        process.descendants().filter(p -> p.info().command().orElse("").endsWith("java")).forEach(all::add);
        return all;
    }

    public void awaitReady(Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() - deadline < 0) {
            if (!process.isAlive()) {
                throw new IllegalStateException("server exited during start:\n" + logTail());
            }
            try {
                if (Http.get(readiness).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("server not ready within " + limit + ":\n" + logTail());
    }

    @Override
    public void close() throws Exception {
        if (process.isAlive()) {
            thaw(); // a frozen JVM would not even die
        }
        kill();
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
