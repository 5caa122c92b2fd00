package io.switchboard.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.switchboard.config.InvalidConfigurationException;
import io.switchboard.core.Identity;
import io.switchboard.core.Settings;
import io.switchboard.core.TestSettings;
import io.switchboard.core.TokenVerifier.InvalidTokenException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One test per attack of issue 3, and the tokens that must pass. */
class JwtVerifierTest {

    static final String SECRET = "a-test-secret-that-is-at-least-32-bytes-long";

    @TempDir
    Path dir;

    private static JwtVerifier verifier(Map<String, String> settings) {
        Map<String, String> all = new HashMap<>(settings);
        Settings.Auth auth = TestSettings.with(all).auth();
        return new JwtVerifier(auth);
    }

    private static JWTClaimsSet.Builder claims(String sub) {
        return new JWTClaimsSet.Builder().subject(sub).expirationTime(Date.from(Instant.now().plusSeconds(600)));
    }

    private static String sign(JWSSigner signer, JWSAlgorithm alg, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).type(JOSEObjectType.JWT).build(), claims);
        jwt.sign(signer);
        return jwt.serialize();
    }

    private static String hs256(JWTClaimsSet claims) throws Exception {
        return sign(new MACSigner(SECRET.getBytes(StandardCharsets.UTF_8)), JWSAlgorithm.HS256, claims);
    }

    private Path pem(KeyPair pair) throws Exception {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(pair.getPublic().getEncoded());
        Path file = dir.resolve("key-" + System.nanoTime() + ".pem");
        Files.writeString(file, "-----BEGIN PUBLIC KEY-----\n" + body + "\n-----END PUBLIC KEY-----\n");
        return file;
    }

    private static KeyPair rsa() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        return g.generateKeyPair();
    }

    @Test
    void aValidHs256TokenGivesItsSubjectAndChannels() throws Exception {
        JwtVerifier v = verifier(Map.of("switchboard.auth.jwt.secret", SECRET));
        Identity id = v.verify(hs256(claims("alice").claim("channels", List.of("news.*", "chat.>")).build()));
        assertEquals("alice", id.userId());
        assertEquals(List.of("news.*", "chat.>"), id.channels());
        assertNull(v.verify(hs256(claims("bob").build())).channels());
    }

    @Test
    void algNoneIsRejected() throws Exception {
        JwtVerifier v = verifier(Map.of("switchboard.auth.jwt.secret", SECRET));
        String none = new PlainJWT(claims("mallory").build()).serialize();
        assertThrows(InvalidTokenException.class, () -> v.verify(none));
    }

    @Test
    void anHs256TokenSignedWithTheRsaPublicKeyIsRejected() throws Exception {
        KeyPair pair = rsa();
        Path key = pem(pair);
        JwtVerifier v = verifier(Map.of("switchboard.auth.jwt.public-key-location", key.toString()));
        byte[] publicKeyAsSecret = Files.readAllBytes(key);
        String confused = sign(new MACSigner(publicKeyAsSecret), JWSAlgorithm.HS256, claims("mallory").build());
        assertThrows(InvalidTokenException.class, () -> v.verify(confused));

        assertEquals("alice", v.verify(sign(new RSASSASigner(pair.getPrivate()), JWSAlgorithm.RS256, claims("alice").build())).userId());
    }

    @Test
    void es256WithAP256KeyIsAccepted() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pair = g.generateKeyPair();
        JwtVerifier v = verifier(Map.of("switchboard.auth.jwt.public-key-location", "file:" + pem(pair).toAbsolutePath()));
        String token = sign(new ECDSASigner((ECPrivateKey) pair.getPrivate()), JWSAlgorithm.ES256, claims("erin").build());
        assertEquals("erin", v.verify(token).userId());
        String rs = sign(new RSASSASigner(rsa().getPrivate()), JWSAlgorithm.RS256, claims("erin").build());
        assertThrows(InvalidTokenException.class, () -> v.verify(rs));
    }

    @Test
    void anExpiredTokenIsRejectedButTheLeewayIsHonoured() throws Exception {
        JwtVerifier v = verifier(Map.of("switchboard.auth.jwt.secret", SECRET, "switchboard.auth.jwt.leeway", "30s"));
        String expired = hs256(claims("alice").expirationTime(Date.from(Instant.now().minusSeconds(120))).build());
        assertThrows(InvalidTokenException.class, () -> v.verify(expired));
        String justExpired = hs256(claims("alice").expirationTime(Date.from(Instant.now().minusSeconds(5))).build());
        assertEquals("alice", v.verify(justExpired).userId());
    }

    @Test
    void aTokenNotYetValidIsRejected() throws Exception {
        JwtVerifier v = verifier(Map.of("switchboard.auth.jwt.secret", SECRET));
        String future = hs256(claims("alice").notBeforeTime(Date.from(Instant.now().plusSeconds(300))).build());
        assertThrows(InvalidTokenException.class, () -> v.verify(future));
    }

    @Test
    void theWrongIssuerOrAudienceIsRejectedWhenConfigured() throws Exception {
        JwtVerifier v = verifier(Map.of("switchboard.auth.jwt.secret", SECRET,
                "switchboard.auth.jwt.issuer", "https://issuer.example", "switchboard.auth.jwt.audience", "switchboard"));
        assertEquals("alice", v.verify(hs256(claims("alice").issuer("https://issuer.example").audience("switchboard").build())).userId());
        assertThrows(InvalidTokenException.class,
                () -> v.verify(hs256(claims("alice").issuer("https://evil.example").audience("switchboard").build())));
        assertThrows(InvalidTokenException.class,
                () -> v.verify(hs256(claims("alice").audience("switchboard").build())));
        assertThrows(InvalidTokenException.class,
                () -> v.verify(hs256(claims("alice").issuer("https://issuer.example").audience("other").build())));
    }

    @Test
    void expAndSubAreRequired() throws Exception {
        JwtVerifier v = verifier(Map.of("switchboard.auth.jwt.secret", SECRET));
        assertThrows(InvalidTokenException.class, () -> v.verify(hs256(new JWTClaimsSet.Builder().subject("alice").build())));
        assertThrows(InvalidTokenException.class, () -> v.verify(hs256(claims("x").subject(null).build())));
    }

    @Test
    void aTamperedOrMalformedTokenIsRejected() throws Exception {
        JwtVerifier v = verifier(Map.of("switchboard.auth.jwt.secret", SECRET));
        String token = hs256(claims("alice").build());
        String[] parts = token.split("\\.");
        String otherClaims = hs256(claims("admin").build()).split("\\.")[1];
        assertThrows(InvalidTokenException.class, () -> v.verify(parts[0] + "." + otherClaims + "." + parts[2]));
        assertThrows(InvalidTokenException.class, () -> v.verify("not-a-jwt"));
        assertThrows(InvalidTokenException.class, () -> v.verify("x".repeat(JwtVerifier.MAX_TOKEN_CHARS + 1)));
    }

    @Test
    void withoutAKeyEveryTokenIsRejected() throws Exception {
        JwtVerifier v = verifier(Map.of());
        InvalidTokenException e = assertThrows(InvalidTokenException.class, () -> v.verify(hs256(claims("alice").build())));
        assertTrue(e.getMessage().contains("no JWT key"));
    }

    @Test
    void unusableKeysStopTheDeploymentNamingTheKey() {
        InvalidConfigurationException shortSecret = assertThrows(InvalidConfigurationException.class,
                () -> verifier(Map.of("switchboard.auth.jwt.secret", "too-short")));
        assertEquals("switchboard.auth.jwt.secret", shortSecret.key());
        assertTrue(!shortSecret.getMessage().contains("too-short"), "the secret is never echoed");

        InvalidConfigurationException missing = assertThrows(InvalidConfigurationException.class,
                () -> verifier(Map.of("switchboard.auth.jwt.public-key-location", dir.resolve("nope.pem").toString())));
        assertEquals("switchboard.auth.jwt.public-key-location", missing.key());
    }

    @Test
    void theIdentityCarriesTheTokensExpiryAndIssueTimeForTheConnectionsLifetime() throws Exception {
        Instant exp = Instant.ofEpochSecond(Instant.now().getEpochSecond() + 600);
        Instant iat = Instant.ofEpochSecond(Instant.now().getEpochSecond() - 5);
        JwtVerifier v = verifier(Map.of("switchboard.auth.jwt.secret", SECRET));
        Identity id = v.verify(hs256(new JWTClaimsSet.Builder().subject("ida").expirationTime(Date.from(exp))
                .issueTime(Date.from(iat)).build()));
        assertEquals(exp, id.expiresAt());
        assertEquals(iat, id.issuedAt());
        assertNull(v.verify(hs256(claims("idb").build())).issuedAt(), "iat is optional");
    }
}
