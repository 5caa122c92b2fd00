package io.switchboard.core;

import java.util.List;
import java.util.Objects;

/**
 * Who a verified token says the client is (protocol.md).
 *
 * @param userId   the token's {@code sub}
 * @param channels the channel patterns of the {@code channels} claim, or {@code null} when the token
 *                 has none (no restriction from the token)
 */
public record Identity(String userId, List<String> channels) {

    public Identity {
        Objects.requireNonNull(userId, "userId");
        if (userId.isBlank()) {
            throw new IllegalArgumentException("userId is blank");
        }
        channels = channels == null ? null : List.copyOf(channels);
    }

    public static Identity of(String userId) {
        return new Identity(userId, null);
    }
}
