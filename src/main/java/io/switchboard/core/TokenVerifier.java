package io.switchboard.core;

/**
 * Turns a bearer token into an {@link Identity}, or refuses it. The shell's default checks JWTs
 * with the {@code switchboard.auth.jwt.*} settings; an application may replace it (it is a CDI bean
 * there). Implementations are thread-safe, do not block on the network per call, and never log the
 * token.
 */
@FunctionalInterface
public interface TokenVerifier {

    /** A verifier for when none is configured: every token is refused. */
    TokenVerifier REJECT_ALL = token -> {
        throw new InvalidTokenException("no token verification is configured");
    };

    /**
     * @return who the token names, with its {@code exp} as {@link Identity#expiresAt()} so that an
     *         open connection is closed when the token runs out (without it none is enforced)
     * @throws InvalidTokenException when the token is malformed, badly signed, expired or not for us;
     *         {@link RevokedTokenException} when it is otherwise valid but revoked
     */
    Identity verify(String token) throws InvalidTokenException;

    /** A refused token. The message says why, for logs; it never contains the token. */
    class InvalidTokenException extends Exception {
        public InvalidTokenException(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * A token that verifies but has been revoked (its user signed out everywhere, its account was
     * closed): refused like any invalid token (401 at the handshake, an {@code invalid_token} error
     * on a refresh) and counted as a revocation.
     */
    final class RevokedTokenException extends InvalidTokenException {
        public RevokedTokenException(String message) {
            super(message);
        }
    }
}
