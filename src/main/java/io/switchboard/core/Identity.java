package io.switchboard.core;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Who a verified token says the client is and until when its token is good.
 *
 * @param userId    the token's {@code sub}
 * @param channels  the channel patterns of the {@code channels} claim, or {@code null} when the token
 *                  has none (no restriction from the token)
 * @param expiresAt the token's {@code exp}: the connection is closed with 4001 {@code token expired}
 *                  once it and the leeway have passed without a refresh; {@code null} when the verifier
 *                  knows no expiry (then none is enforced)
 * @param issuedAt  the token's {@code iat}, or {@code null}: lets a {@link RevocationCheck} refuse every
 *                  token of a user issued before a given time
 */
public record Identity(String userId, List<String> channels, Instant expiresAt, Instant issuedAt) {

    public Identity {
        Objects.requireNonNull(userId, "userId");
        if (userId.isBlank()) {
            throw new IllegalArgumentException("userId is blank");
        }
        channels = channels == null ? null : List.copyOf(channels);
    }

    /** An identity without a known expiry. */
    public Identity(String userId, List<String> channels) {
        this(userId, channels, null, null);
    }

    /** An identity whose token expires at {@code expiresAt}, issue time unknown. */
    public Identity(String userId, List<String> channels, Instant expiresAt) {
        this(userId, channels, expiresAt, null);
    }

    public static Identity of(String userId) {
        return new Identity(userId, null, null, null);
    }
}
