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

    /** @throws InvalidTokenException when the token is malformed, badly signed, expired or not for us */
    Identity verify(String token) throws InvalidTokenException;

    /** A refused token. The message says why, for logs; it never contains the token. */
    final class InvalidTokenException extends Exception {
        public InvalidTokenException(String message) {
            super(message, null, false, false);
        }
    }
}
