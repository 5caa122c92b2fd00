package io.switchboard.it.support;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

/**
 * JWTs for the container tests, signed with {@link #SECRET}, the {@code switchboard.auth.jwt.secret}
 * that {@link Deployments} configures unless a test sets its own.
 */
public final class Tokens {

    public static final String SECRET = "switchboard-container-tests-hs256-secret-0123456789";

    private Tokens() {
    }

    /** A token for {@code user} valid for an hour. */
    public static String forUser(String user) {
        return sign(user, Instant.now().plus(Duration.ofHours(1)), SECRET);
    }

    /** A token for {@code user} that expired ten minutes ago (well past the default 30 s leeway). */
    public static String expired(String user) {
        return sign(user, Instant.now().minus(Duration.ofMinutes(10)), SECRET);
    }

    /** A well-formed token signed with another secret. */
    public static String forged(String user) {
        return sign(user, Instant.now().plus(Duration.ofHours(1)), "not-the-servers-secret-but-long-enough-0123456789");
    }

    /** A token for {@code user} that expires at {@code expiry} (JWT times are whole seconds), with a {@code channels} claim unless null. */
    public static String expiringAt(String user, Instant expiry, java.util.List<String> channels) {
        return sign(user, expiry, SECRET, channels);
    }

    private static String sign(String user, Instant expiry, String secret) {
        return sign(user, expiry, secret, null);
    }

    private static String sign(String user, Instant expiry, String secret, java.util.List<String> channels) {
        try {
            JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().subject(user).expirationTime(Date.from(expiry));
            if (channels != null) {
                claims.claim("channels", channels);
            }
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(),
                    claims.build());
            jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
            return jwt.serialize();
        } catch (Exception e) {
            throw new IllegalStateException("cannot sign a test token", e);
        }
    }
}
