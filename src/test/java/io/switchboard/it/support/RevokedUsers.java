package io.switchboard.it.support;

import io.switchboard.core.Identity;
import io.switchboard.core.RevocationCheck;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * An application's revocation check, deployed by {@link TokenLifetimeIT} next to Switchboard's own
 * verifier: every token of a user whose id starts with {@value #PREFIX} is revoked.
 */
@ApplicationScoped
public class RevokedUsers implements RevocationCheck {

    public static final String PREFIX = "revoked-";

    @Override
    public boolean isRevoked(Identity identity) {
        return identity.userId().startsWith(PREFIX);
    }
}
