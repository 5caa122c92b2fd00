package io.switchboard.bench;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.switchboard.auth.JwtVerifier;
import io.switchboard.codec.JsonMessageCodec;
import io.switchboard.config.SettingsLoader;
import io.switchboard.core.Clock;
import io.switchboard.core.Connection;
import io.switchboard.core.Disconnect;
import io.switchboard.core.HandshakeCheck;
import io.switchboard.core.HandshakeInfo;
import io.switchboard.core.HeartbeatMode;
import io.switchboard.core.Hub;
import io.switchboard.core.ManagedConnection;
import io.switchboard.core.Settings;
import io.switchboard.core.TokenVerifier;
import io.switchboard.lifecycle.SystemClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Handshakes per second with JWT verification on versus off. Not a test: it prints figures and
 * never fails on them.
 *
 * <p>In-process (always): the core's whole admission path per handshake (checkHandshake, open,
 * close, release) with an HS256 token, an RS256 token, and no token (verification off: the
 * connection waits for in-band auth). Over the network (when a WebSocket URL is given): real
 * upgrades against a running server, with a bearer token versus without one.
 *
 * <pre>
 * mvn -q test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.switchboard.bench.HandshakeBench [-Dexec.args="ws://127.0.0.1:8180/ws SECRET"]
 * </pre>
 */
public final class HandshakeBench {

    private static final Duration WARMUP = Duration.ofSeconds(2);
    private static final Duration MEASURE = Duration.ofSeconds(3);
    private static final Duration NETWORK = Duration.ofSeconds(10);
    private static final String SECRET = "handshake-bench-secret-of-at-least-32-bytes";

    /** Held so that the level set on it is not lost to garbage collection. */
    private static final java.util.logging.Logger QUIET = java.util.logging.Logger.getLogger("io.switchboard");

    public static void main(String[] args) throws Exception {
        // lifecycle lines would measure the console, not the handshake
        QUIET.setLevel(java.util.logging.Level.WARNING);
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        KeyPair rsa = g.generateKeyPair();
        Path pem = Files.createTempFile("bench", ".pem");
        Files.writeString(pem, "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(rsa.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n");

        Map<String, String> config = new HashMap<>(Map.of(
                "switchboard.node.id", "bench",
                "switchboard.auth.jwt.secret", SECRET,
                "switchboard.auth.jwt.public-key-location", pem.toString(),
                "switchboard.limits.max-connections", "1000000",
                "switchboard.limits.max-per-ip", "1000000",
                "switchboard.limits.max-per-user", "1000000",
                "switchboard.rate.handshakes-per-second-per-ip", "1000000"));
        Settings settings = SettingsLoader.load(key -> Optional.ofNullable(config.get(key)));
        JwtVerifier jwt = new JwtVerifier(settings.auth());

        String hs256 = sign(new MACSigner(SECRET.getBytes(StandardCharsets.UTF_8)), JWSAlgorithm.HS256);
        String rs256 = sign(new RSASSASigner(rsa.getPrivate()), JWSAlgorithm.RS256);

        System.out.println("in-process admission path (checkHandshake + open + close), one thread:");
        inProcess("JWT HS256 verified", settings, jwt, hs256);
        inProcess("JWT RS256 verified", settings, jwt, rs256);
        inProcess("no token (verification off)", settings, jwt, null);

        if (args.length >= 2) {
            URI ws = URI.create(args[0]);
            String token = sign(new MACSigner(args[1].getBytes(StandardCharsets.UTF_8)), JWSAlgorithm.HS256);
            int concurrency = args.length >= 3 ? Integer.parseInt(args[2]) : 4;
            System.out.println("over the network, " + ws + ", " + concurrency + " concurrent clients:");
            network(null, ws, token, concurrency, MEASURE); // warm-up, not reported
            network(null, ws, null, concurrency, MEASURE);
            for (int round = 0; round < 2; round++) {
                network("bearer JWT HS256", ws, token, concurrency, NETWORK);
                network("no token (verification off)", ws, null, concurrency, NETWORK);
            }
        }
        Files.deleteIfExists(pem);
    }

    private static void inProcess(String label, Settings settings, TokenVerifier verifier, String token) {
        Hub hub = new Hub(settings, SystemClock.INSTANCE, new JsonMessageCodec());
        hub.gatekeeper().useVerifier(verifier);
        run(hub, token, WARMUP);
        long start = System.nanoTime();
        long n = run(hub, token, MEASURE);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("  %-30s %,10.0f handshakes/s  (%.1f us each)%n", label, n / seconds, seconds * 1e6 / n);
    }

    private static long run(Hub hub, String token, Duration duration) {
        long end = System.nanoTime() + duration.toNanos();
        long n = 0;
        while (System.nanoTime() - end < 0) {
            HandshakeCheck check = hub.gatekeeper().checkHandshake("10.0.0.1", null, token);
            if (!check.isAccepted()) {
                throw new IllegalStateException("refused: " + check.refusal());
            }
            ManagedConnection c = hub.open(new NullConnection(), new HandshakeInfo("10.0.0.1", "bench", null, HeartbeatMode.PROTOCOL, check.ticket()));
            hub.close(c, new Disconnect(1000, ""));
            hub.onTransportClosed(c, 1000, "");
            n++;
        }
        return n;
    }

    private static void network(String label, URI ws, String token, int concurrency, Duration duration) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long end = System.nanoTime() + duration.toNanos();
        long start = System.nanoTime();
        List<CompletableFuture<Long>> workers = new ArrayList<>();
        for (int w = 0; w < concurrency; w++) {
            workers.add(CompletableFuture.supplyAsync(() -> {
                long n = 0;
                while (System.nanoTime() - end < 0) {
                    WebSocket.Builder b = http.newWebSocketBuilder();
                    if (token != null) {
                        b.header("Authorization", "Bearer " + token);
                    }
                    try {
                        WebSocket s = b.buildAsync(ws, new WebSocket.Listener() { }).get(10, TimeUnit.SECONDS);
                        s.abort();
                        n++;
                    } catch (Exception e) {
                        throw new IllegalStateException("handshake failed: " + e.getMessage(), e);
                    }
                }
                return n;
            }));
        }
        long total = 0;
        for (CompletableFuture<Long> f : workers) {
            total += f.get();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (label != null) {
            System.out.printf("  %-30s %,10.0f handshakes/s  (%,d in %.1f s)%n", label, total / seconds, total, seconds);
        }
    }

    private static String sign(JWSSigner signer, JWSAlgorithm alg) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).type(JOSEObjectType.JWT).build(),
                new JWTClaimsSet.Builder().subject("bench-user").expirationTime(Date.from(Instant.now().plusSeconds(3600))).build());
        jwt.sign(signer);
        return jwt.serialize();
    }
}
