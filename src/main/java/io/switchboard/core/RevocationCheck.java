package io.switchboard.core;

/**
 * Says whether a token that verified (good signature, not expired) has nevertheless been revoked:
 * its user signed out everywhere, changed a password or lost the account. The default token
 * verifier asks the application's bean of this type, if it deploys one, after every successful
 * verification (handshake, in-band {@code auth}, refresh) and refuses a revoked token with
 * {@link TokenVerifier.RevokedTokenException}: 401 at the handshake. A replacement verifier may
 * throw that exception itself instead.
 *
 * <p>Called on the connection's I/O thread on some containers: answer from memory, never block.
 */
@FunctionalInterface
public interface RevocationCheck {

    /** Nothing is revoked: the default when the application deploys no check. */
    RevocationCheck NONE = identity -> false;

    /** @param identity who the token names, with its {@code exp} and {@code iat} when it has them */
    boolean isRevoked(Identity identity);
}
