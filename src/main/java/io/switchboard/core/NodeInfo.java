package io.switchboard.core;

import java.util.Optional;

/**
 * One node of the cluster as it announces itself every second (operations.md, cluster;
 * {@code GET /api/nodes}): its id, the URL clients can reach it at, its connection count, whether it
 * is draining, and when it last said so (epoch milliseconds).
 */
public record NodeInfo(String id, Optional<String> publicUrl, int connections, boolean draining, long lastSeenMillis) {

    String encode() {
        return Envelope.encode('N', id, lastSeenMillis, publicUrl.orElse(""), Integer.toString(connections),
                Boolean.toString(draining));
    }

    /** @throws IllegalArgumentException when {@code text} is not what {@link #encode} wrote */
    static NodeInfo decode(String text) {
        Envelope e = Envelope.decode(text);
        try {
            return new NodeInfo(e.origin(), e.target().isEmpty() ? Optional.empty() : Optional.of(e.target()),
                    Integer.parseInt(e.rest(0)), Boolean.parseBoolean(e.rest(1)), e.seq());
        } catch (NumberFormatException bad) {
            throw new IllegalArgumentException("bad node record");
        }
    }
}
