package io.switchboard.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.switchboard.core.Identity;
import io.switchboard.core.Settings;
import io.switchboard.core.TokenVerifier;
import java.security.Key;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.util.List;
import java.util.Set;
import java.util.logging.Logger;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verifies JWTs as protocol.md says, with Nimbus JOSE+JWT doing all parsing, signature and
 * claims checks: HS256 with the configured secret, RS256 or ES256 with the configured public key,
 * and nothing else. The key selector offers a key only for the algorithm that key is for, so
 * {@code alg: none}, JWE, and an HS256 token "signed" with the public key are all refused.
 * {@code exp} and {@code sub} are required; {@code iss} and {@code aud} must match when configured;
 * {@code exp} and {@code nbf} allow {@code switchboard.auth.jwt.leeway} of clock skew.
 *
 * <p>Plain Java, thread-safe, no container needed: the CDI bean {@link DefaultTokenVerifier} wraps it.
 */
public final class JwtVerifier implements TokenVerifier {

    private static final Logger LOG = Logger.getLogger(JwtVerifier.class.getName());

    /** Longer tokens are refused before parsing: real ones are well under 2 KiB. */
    static final int MAX_TOKEN_CHARS = 8192;

    /** Null when no key is configured: then every token is refused. */
    private final DefaultJWTProcessor<SecurityContext> processor;

    public JwtVerifier(Settings.Auth auth) {
        VerificationKeys keys = VerificationKeys.from(auth);
        if (keys.isEmpty()) {
            LOG.warning("No JWT key is configured (" + VerificationKeys.SECRET_KEY + " or "
                    + VerificationKeys.PUBLIC_KEY_KEY + "): every token will be rejected");
            this.processor = null;
            return;
        }
        DefaultJWTProcessor<SecurityContext> p = new DefaultJWTProcessor<>();
        p.setJWSKeySelector(selector(keys));
        JWTClaimsSet exact = auth.issuer()
                .map(iss -> new JWTClaimsSet.Builder().issuer(iss).build())
                .orElseGet(() -> new JWTClaimsSet.Builder().build());
        DefaultJWTClaimsVerifier<SecurityContext> claims =
                new DefaultJWTClaimsVerifier<>(auth.audience().orElse(null), exact, Set.of("exp", "sub"));
        claims.setMaxClockSkew((int) Math.min(Integer.MAX_VALUE, auth.leeway().toSeconds()));
        p.setJWTClaimsSetVerifier(claims);
        this.processor = p;
        LOG.info("JWT verification: " + (keys.secret().isPresent() ? "HS256 " : "")
                + keys.publicKey().map(k -> k instanceof RSAPublicKey ? "RS256" : "ES256").orElse("")
                + ", issuer " + auth.issuer().orElse("not checked") + ", audience " + auth.audience().orElse("not checked"));
    }

    @Override
    public Identity verify(String token) throws InvalidTokenException {
        if (processor == null) {
            throw new InvalidTokenException("no JWT key configured");
        }
        if (token == null || token.isBlank()) {
            throw new InvalidTokenException("empty token");
        }
        if (token.length() > MAX_TOKEN_CHARS) {
            throw new InvalidTokenException("token longer than " + MAX_TOKEN_CHARS + " characters");
        }
        JWTClaimsSet claims;
        try {
            claims = processor.process(token, null);
        } catch (ParseException e) {
            throw new InvalidTokenException("malformed token");
        } catch (BadJOSEException | JOSEException e) {
            throw new InvalidTokenException(abbreviate(e.getMessage()));
        }
        try {
            // exp is required above, so it is there
            return new Identity(claims.getSubject(), channels(claims), claims.getExpirationTime().toInstant(),
                    claims.getIssueTime() == null ? null : claims.getIssueTime().toInstant());
        } catch (ParseException | IllegalArgumentException e) {
            throw new InvalidTokenException("bad sub or channels claim");
        }
    }

    /** The {@code channels} claim: a list of strings, or one string. */
    private static List<String> channels(JWTClaimsSet claims) throws ParseException {
        Object value = claims.getClaim("channels");
        if (value == null) {
            return null;
        }
        if (value instanceof String one) {
            return List.of(one);
        }
        return claims.getStringListClaim("channels");
    }

    private static JWSKeySelector<SecurityContext> selector(VerificationKeys keys) {
        List<Key> hs256 = keys.secret().<List<Key>>map(s -> List.of(new SecretKeySpec(s, "HmacSHA256"))).orElse(List.of());
        PublicKey pub = keys.publicKey().orElse(null);
        List<Key> rs256 = pub instanceof RSAPublicKey ? List.of(pub) : List.of();
        List<Key> es256 = pub instanceof ECPublicKey ? List.of(pub) : List.of();
        return (header, context) -> {
            JWSAlgorithm alg = header.getAlgorithm();
            if (JWSAlgorithm.HS256.equals(alg)) {
                return hs256;
            }
            if (JWSAlgorithm.RS256.equals(alg)) {
                return rs256;
            }
            if (JWSAlgorithm.ES256.equals(alg)) {
                return es256;
            }
            return List.of();
        };
    }

    private static String abbreviate(String message) {
        if (message == null) {
            return "rejected";
        }
        return message.length() <= 120 ? message : message.substring(0, 120) + "...";
    }
}
