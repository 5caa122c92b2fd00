package io.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.it.support.Api;
import io.switchboard.it.support.Deployments;
import io.switchboard.it.support.RawWebSocket;
import io.switchboard.it.support.Servers;
import io.switchboard.it.support.TestClient;
import io.switchboard.it.support.Tokens;
import jakarta.json.JsonArray;
import java.net.URI;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The per-IP and global connection limits (protocol.md): refused before the
 * upgrade with 429 and 503, counted atomically under parallel handshakes, and released when the
 * connections close. Source addresses 127.0.0.x stand for different clients.
 */
@ExtendWith(ArquillianExtension.class)
class ConnectionLimitsIT {

    private static final String ADMIN = "limits-it-admin-token";

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.switchboard(Map.of(
                "switchboard.limits.max-connections", "4",
                "switchboard.limits.max-per-ip", "2",
                "switchboard.admin.token", ADMIN));
    }

    @ArquillianResource
    URL base;

    private URI ws() {
        return Servers.webSocket(base, null);
    }

    private RawWebSocket connect(String ip, String user) throws Exception {
        return RawWebSocket.open(ws(), ip, "Authorization", "Bearer " + Tokens.forUser(user));
    }

    /** Every test starts with no connection held, whatever the one before left closing. */
    @BeforeEach
    void noConnectionsLeft() throws Exception {
        Api api = new Api(base, ADMIN);
        long deadline = System.nanoTime() + TestClient.WAIT.toNanos();
        int open = -1;
        while (System.nanoTime() - deadline < 0) {
            open = ((JsonArray) Api.json(api.get("/connections"))).size();
            if (open == 0) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError(open + " connections still registered");
    }

    @Test
    void aThirdConnectionFromOneIpIs429WithRetryAfter() throws Exception {
        try (RawWebSocket a = connect("127.0.0.31", "ip-a"); RawWebSocket b = connect("127.0.0.31", "ip-b");
             RawWebSocket c = connect("127.0.0.31", "ip-c")) {
            assertEquals(101, a.status());
            assertEquals(101, b.status());
            assertEquals(429, c.status());
            assertNotNull(c.header("Retry-After"));
            try (RawWebSocket other = connect("127.0.0.32", "ip-d")) {
                assertEquals(101, other.status(), "another IP is not affected");
            }
        }
    }

    @Test
    void overTheGlobalLimitIs503WithRetryAfter() throws Exception {
        List<RawWebSocket> held = new ArrayList<>();
        try {
            for (String ip : new String[] {"127.0.0.33", "127.0.0.33", "127.0.0.34", "127.0.0.34"}) {
                RawWebSocket r = connect(ip, "global-" + held.size());
                held.add(r);
                assertEquals(101, r.status());
            }
            try (RawWebSocket refused = connect("127.0.0.35", "global-x")) {
                assertEquals(503, refused.status());
                assertTrue(Long.parseLong(refused.header("Retry-After")) >= 1);
            }
        } finally {
            held.forEach(RawWebSocket::close);
        }
    }

    @Test
    void parallelHandshakesNeverAdmitMoreThanTheLimitAndClosingGivesTheSlotsBack() throws Exception {
        for (int round = 0; round < 2; round++) {
            int attempts = 24;
            ExecutorService pool = Executors.newFixedThreadPool(attempts);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<RawWebSocket>> results = new ArrayList<>();
            try {
                for (int i = 0; i < attempts; i++) {
                    String ip = "127.0.0." + (40 + i / 2);
                    String user = "parallel-" + round + "-" + i;
                    Callable<RawWebSocket> attempt = () -> {
                        go.await();
                        return connect(ip, user);
                    };
                    results.add(pool.submit(attempt));
                }
                go.countDown();
                int admitted = 0;
                for (Future<RawWebSocket> f : results) {
                    RawWebSocket r = f.get(TestClient.WAIT.toSeconds(), TimeUnit.SECONDS);
                    if (r.status() == 101) {
                        admitted++;
                    } else {
                        assertEquals(503, r.status());
                    }
                }
                assertEquals(4, admitted, "round " + round);
            } finally {
                for (Future<RawWebSocket> f : results) {
                    if (f.isDone() && !f.isCancelled()) {
                        try {
                            f.get().close();
                        } catch (Exception e) {
                            // the attempt failed: nothing to close
                        }
                    }
                }
                pool.shutdownNow();
            }
            noConnectionsLeft();
        }
    }
}
