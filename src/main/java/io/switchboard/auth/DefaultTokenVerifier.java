package io.switchboard.auth;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.core.Identity;
import io.switchboard.core.RevocationCheck;
import io.switchboard.core.TokenVerifier;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

/**
 * The token verifier Switchboard uses unless the application brings its own: JWTs checked with the
 * {@code switchboard.auth.jwt.*} settings ({@link JwtVerifier}).
 *
 * <p>To replace it, add a bean that implements {@link TokenVerifier} and is selected as an
 * alternative for the whole application, for example
 * {@code @ApplicationScoped @Alternative @Priority(Interceptor.Priority.APPLICATION) class MyVerifier implements TokenVerifier}.
 *
 * <p>To refuse tokens that verify but have been revoked, without replacing the verifier, add a bean
 * that implements {@link RevocationCheck}: it is asked after every successful verification.
 */
@ApplicationScoped
public class DefaultTokenVerifier implements TokenVerifier {

    @Inject
    SwitchboardConfig config;

    @Inject
    Instance<RevocationCheck> revocationChecks;

    private TokenVerifier delegate;
    /** The application's check, or {@link RevocationCheck#NONE} when it deploys none. */
    private RevocationCheck revocations;

    @PostConstruct
    void init() {
        delegate = new JwtVerifier(config.settings().auth());
        revocations = revocationChecks.isResolvable() ? revocationChecks.get() : RevocationCheck.NONE;
    }

    /** Created at deployment, so that a missing or unusable key is reported at startup, not at the first handshake. */
    void onStartup(@Observes @Initialized(ApplicationScoped.class) Object event) {
        // the observer's bean is created to deliver the event; nothing else to do
    }

    @Override
    public Identity verify(String token) throws InvalidTokenException {
        Identity identity = delegate.verify(token);
        if (revocations.isRevoked(identity)) {
            throw new RevokedTokenException("token revoked");
        }
        return identity;
    }
}
