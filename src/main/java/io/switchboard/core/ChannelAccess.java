package io.switchboard.core;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The channels a connection may subscribe and publish to: the token's {@code channels} claim
 * (protocol.md). A connection whose token carries no claim may use every channel
 * ({@link #ALL}); an empty claim allows none.
 *
 * <p>A subscribe pattern is allowed when one granted pattern covers it entirely
 * ({@link ChannelNames#covers}): with {@code news.>} granted, {@code news.*} and
 * {@code news.sport} are allowed and {@code >} is not. Immutable and thread-safe.
 */
public final class ChannelAccess {

    /** No restriction: the default for a connection without a {@code channels} claim. */
    public static final ChannelAccess ALL = new ChannelAccess(null, List.of());

    /** Parsed granted patterns; {@code null} means everything is allowed. */
    private final List<String[]> granted;
    private final List<String> patterns;

    private ChannelAccess(List<String[]> granted, List<String> patterns) {
        this.granted = granted;
        this.patterns = patterns;
    }

    /**
     * Access limited to these patterns.
     *
     * @throws IllegalArgumentException when one of them is not a valid pattern (a bad claim: the
     *                                  caller should refuse the token rather than guess)
     */
    public static ChannelAccess only(Collection<String> patterns) {
        List<String[]> parsed = new ArrayList<>(patterns.size());
        for (String p : patterns) {
            parsed.add(ChannelNames.pattern(p));
        }
        return new ChannelAccess(List.copyOf(parsed), List.copyOf(patterns));
    }

    public boolean isUnrestricted() {
        return granted == null;
    }

    /** The granted patterns as the claim spelled them; empty when unrestricted. */
    public List<String> patterns() {
        return patterns;
    }

    /** Whether a pattern or channel name, given as segments, is within what was granted. */
    public boolean allows(String[] wanted) {
        if (granted == null) {
            return true;
        }
        for (String[] g : granted) {
            if (ChannelNames.covers(g, wanted)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return granted == null ? "ChannelAccess[all]" : "ChannelAccess" + patterns;
    }
}
