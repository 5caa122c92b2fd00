package io.switchboard.auth;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.core.Identity;
import io.switchboard.core.TokenVerifier;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * The token verifier Switchboard uses unless the application brings its own: JWTs checked with the
 * {@code switchboard.auth.jwt.*} settings ({@link JwtVerifier}).
 *
 * <p>To replace it, add a bean that implements {@link TokenVerifier} and is selected as an
 * alternative for the whole application, for example
 * {@code @ApplicationScoped @Alternative @Priority(Interceptor.Priority.APPLICATION) class MyVerifier implements TokenVerifier}.
 */
@ApplicationScoped
public class DefaultTokenVerifier implements TokenVerifier {

    @Inject
    SwitchboardConfig config;

    private TokenVerifier delegate;

    @PostConstruct
    void init() {
        delegate = new JwtVerifier(config.settings().auth());
    }

    /** Created at deployment, so that a missing or unusable key is reported at startup, not at the first handshake. */
    void onStartup(@Observes @Initialized(ApplicationScoped.class) Object event) {
        // the observer's bean is created to deliver the event; nothing else to do
    }

    @Override
    public Identity verify(String token) throws InvalidTokenException {
        return delegate.verify(token);
    }
}
