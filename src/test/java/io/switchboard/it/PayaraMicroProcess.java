package io.switchboard.it;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Payara Micro process of the test's own, running the built WAR on a port of its choosing, for
 * tests that stop, freeze or kill the server under a client (which Arquillian does not allow).
 */
public final class PayaraMicroProcess implements AutoCloseable {

    private static final Duration BOOT = Duration.ofSeconds(240);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final Process process;
    private final int port;

    private PayaraMicroProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** A port nobody listens on right now. */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Starts Payara Micro with the WAR at context root / and waits until it serves it. */
    public static PayaraMicroProcess start(int port, String name, Map<String, String> settings) throws Exception {
        String jar = System.getProperty("payara.microJar", "target/payara-micro.jar");
        File root = new File("target/payara-process/" + name);
        root.mkdirs();
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        settings.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.addAll(List.of("-jar", jar, "--deploy", "target/switchboard.war", "--contextroot", "/",
                "--port", String.valueOf(port), "--nocluster", "--rootdir", root.getPath()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(new File("target/payara-process/" + name + ".log")).start();
        PayaraMicroProcess server = new PayaraMicroProcess(process, port);
        try {
            server.awaitReady();
        } catch (Exception | AssertionError e) {
            server.close();
            throw e;
        }
        return server;
    }

    private void awaitReady() throws Exception {
        URI probe = URI.create("http://127.0.0.1:" + port + "/switchboard.js");
        long deadline = System.nanoTime() + BOOT.toNanos();
        while (System.nanoTime() - deadline < 0) {
            if (!process.isAlive()) {
                throw new AssertionError("Payara Micro exited with " + process.exitValue() + "; see target/payara-process/");
            }
            try {
                HttpRequest request = HttpRequest.newBuilder(probe).timeout(Duration.ofSeconds(5)).build();
                if (HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new AssertionError("Payara Micro did not serve the WAR within " + BOOT);
    }

    /** Stops the process in its tracks (SIGSTOP): its sockets stay open and silent. */
    public void freeze() throws Exception {
        signal("STOP");
    }

    public void thaw() throws Exception {
        signal("CONT");
    }

    private void signal(String name) throws Exception {
        int exit = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).inheritIO().start().waitFor();
        if (exit != 0) {
            throw new IllegalStateException("kill -" + name + " failed with " + exit);
        }
    }

    /** Kills the process (SIGKILL): no drain, no close frames, the sockets just go. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
        if (process.isAlive()) {
            signal("CONT");
            kill();
        }
    }
}
