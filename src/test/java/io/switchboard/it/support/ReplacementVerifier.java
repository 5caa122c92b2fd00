package io.switchboard.it.support;

import io.switchboard.core.Identity;
import io.switchboard.core.TokenVerifier;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.interceptor.Interceptor;

/**
 * An application's own token verifier, deployed by {@link VerifierReplacementIT} next to Switchboard:
 * {@code let-me-in:<user>} is valid, anything else is not.
 */
@ApplicationScoped
@Alternative
@Priority(Interceptor.Priority.APPLICATION + 10)
public class ReplacementVerifier implements TokenVerifier {

    public static final String PREFIX = "let-me-in:";

    @Override
    public Identity verify(String token) throws InvalidTokenException {
        if (token.startsWith(PREFIX) && token.length() > PREFIX.length()) {
            return Identity.of(token.substring(PREFIX.length()));
        }
        throw new InvalidTokenException("not let in");
    }
}
