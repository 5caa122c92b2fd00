package io.switchboard.auth;

import io.switchboard.config.InvalidConfigurationException;
import io.switchboard.core.Settings;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Optional;

/**
 * The keys that verify JWT signatures, read once from {@code switchboard.auth.jwt.secret} (HS256) and
 * {@code switchboard.auth.jwt.public-key-location} (RS256 or ES256, by the key's type). A key that
 * cannot be used stops the deployment with a message naming the setting.
 *
 * @param secret    the HS256 secret, at least 256 bits, or empty
 * @param publicKey an RSA (2048 bits or more) or P-256 EC public key, or empty
 */
record VerificationKeys(Optional<byte[]> secret, Optional<PublicKey> publicKey) {

    static final String SECRET_KEY = "switchboard.auth.jwt.secret";
    static final String PUBLIC_KEY_KEY = "switchboard.auth.jwt.public-key-location";

    static VerificationKeys from(Settings.Auth auth) {
        Optional<byte[]> secret = auth.jwtSecret().map(VerificationKeys::secret);
        Optional<PublicKey> publicKey = auth.publicKeyLocation().map(VerificationKeys::publicKey);
        return new VerificationKeys(secret, publicKey);
    }

    boolean isEmpty() {
        return secret.isEmpty() && publicKey.isEmpty();
    }

    private static byte[] secret(String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        if (bytes.length < 32) {
            throw InvalidConfigurationException.of(SECRET_KEY, value, "must be at least 32 bytes (256 bits) for HS256");
        }
        return bytes;
    }

    private static PublicKey publicKey(String location) {
        String pem;
        try (InputStream in = open(location)) {
            pem = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException | IllegalArgumentException e) {
            throw InvalidConfigurationException.of(PUBLIC_KEY_KEY, location, "cannot be read: " + e.getMessage());
        }
        PublicKey key;
        try {
            key = pem.contains("-----BEGIN CERTIFICATE-----")
                    ? CertificateFactory.getInstance("X.509")
                            .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))
                            .getPublicKey()
                    : subjectPublicKeyInfo(pem);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw InvalidConfigurationException.of(PUBLIC_KEY_KEY, location,
                    "is not a PEM public key (BEGIN PUBLIC KEY) or certificate of an RSA or EC key: " + e.getMessage());
        }
        if (key instanceof RSAPublicKey rsa && rsa.getModulus().bitLength() < 2048) {
            throw InvalidConfigurationException.of(PUBLIC_KEY_KEY, location, "is an RSA key shorter than 2048 bits");
        }
        if (key instanceof ECPublicKey ec && ec.getParams().getCurve().getField().getFieldSize() != 256) {
            throw InvalidConfigurationException.of(PUBLIC_KEY_KEY, location, "is an EC key not on P-256 (ES256)");
        }
        if (!(key instanceof RSAPublicKey) && !(key instanceof ECPublicKey)) {
            throw InvalidConfigurationException.of(PUBLIC_KEY_KEY, location, "is neither an RSA nor an EC key");
        }
        return key;
    }

    private static PublicKey subjectPublicKeyInfo(String pem) throws GeneralSecurityException {
        String begin = "-----BEGIN PUBLIC KEY-----";
        int start = pem.indexOf(begin);
        int end = pem.indexOf("-----END PUBLIC KEY-----");
        if (start < 0 || end < start) {
            throw new IllegalArgumentException("no BEGIN PUBLIC KEY block");
        }
        byte[] der = Base64.getMimeDecoder().decode(pem.substring(start + begin.length(), end));
        X509EncodedKeySpec spec = new X509EncodedKeySpec(der);
        try {
            return KeyFactory.getInstance("RSA").generatePublic(spec);
        } catch (GeneralSecurityException notRsa) {
            return KeyFactory.getInstance("EC").generatePublic(spec);
        }
    }

    /** {@code classpath:name}, a {@code file:} URL, or a file system path. */
    private static InputStream open(String location) throws IOException {
        if (location.startsWith("classpath:")) {
            String name = location.substring("classpath:".length()).replaceFirst("^/", "");
            ClassLoader loader = Thread.currentThread().getContextClassLoader();
            InputStream in = loader == null ? null : loader.getResourceAsStream(name);
            if (in == null) {
                in = VerificationKeys.class.getClassLoader().getResourceAsStream(name);
            }
            if (in == null) {
                throw new IOException("no such resource");
            }
            return in;
        }
        if (location.startsWith("file:")) {
            return Files.newInputStream(Path.of(URI.create(location)));
        }
        return Files.newInputStream(Path.of(location));
    }
}
