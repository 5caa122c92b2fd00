package io.switchboard.it.support;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} (Debian's package) of the test's own, on a free loopback port with a
 * temporary directory and no persistence; stopped, frozen or killed by the test.
 */
public final class RedisProcess implements AutoCloseable {

    private final int port;
    private final Path dir;
    private final String password;
    private Process process;

    private RedisProcess(int port, Path dir, String password) {
        this.port = port;
        this.dir = dir;
        this.password = password;
    }

    /** Starts redis-server on a free port, optionally with {@code requirepass}. */
    public static RedisProcess start(String password) throws Exception {
        RedisProcess redis = new RedisProcess(ServerProcess.freePort(), Files.createTempDirectory("switchboard-redis"), password);
        redis.launch();
        return redis;
    }

    /** Starts it again on the same port (after {@link #kill()}), empty: nothing is persisted. */
    public void launch() throws Exception {
        List<String> command = new ArrayList<>(List.of("redis-server", "--port", Integer.toString(port),
                "--bind", "127.0.0.1", "--dir", dir.toString(), "--save", "", "--appendonly", "no"));
        if (password != null) {
            command.addAll(List.of("--requirepass", password));
        }
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis.log").toFile()).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() - deadline < 0) {
            if (!process.isAlive()) {
                throw new IllegalStateException("redis-server exited: " + Files.readString(dir.resolve("redis.log")));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("redis-server did not listen on " + port);
    }

    /** {@code redis://127.0.0.1:port}, with the password when one is set. */
    public String uri() {
        return password == null ? "redis://127.0.0.1:" + port : "redis://:" + password + "@127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public void freeze() throws Exception {
        signal("STOP");
    }

    public void thaw() throws Exception {
        signal("CONT");
    }

    private void signal(String name) throws Exception {
        new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start().waitFor();
    }

    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
        if (process != null && process.isAlive()) {
            signal("CONT");
            kill();
        }
    }
}
