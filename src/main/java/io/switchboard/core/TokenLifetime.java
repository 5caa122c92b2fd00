package io.switchboard.core;

import java.time.Duration;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * A connection lives no longer than its token: {@code refresh-notice}
 * before the token's {@code exp} the client gets {@code {"type":"refresh","expiresAt":…}}; at
 * {@code exp + leeway} without a newer token the connection is closed with 4001 {@code token expired}.
 * An accepted in-band refresh replaces the expiry and the {@code channels} claim.
 *
 * <p>Each connection has one {@link Deadline#EXPIRY} on the hub's {@link Sweeper}, armed at its next
 * step (the notice, then the close): no task per connection. The token's expiry is wall-clock time
 * while the sweeper runs on monotonic time, so every firing re-reads the wall clock and either acts
 * or re-arms; a firing that an earlier refresh made stale re-arms at the new token's step.
 *
 * <p>While the node drains no notices are sent (the client is about to reconnect with a fresh
 * token anyway), but an expired token still closes its connection. Built by the {@link Hub}; the
 * {@link Gatekeeper} verifies refresh tokens and hands the result here. Thread-safe: a connection's
 * expiry fields and its deadline change under the connection's monitor, and sending and closing
 * happen after it is released.
 */
public final class TokenLifetime {

    /** A far-off expiry is re-checked after a day rather than armed years ahead (and overflowing nanos). */
    private static final long MAX_WAIT_MILLIS = Duration.ofDays(1).toMillis();

    /** What a firing, an open or a refresh leads to. */
    private enum Step { WAIT, NOTICE, EXPIRE }

    private final Sweeper sweeper;
    private final Clock clock;
    private final Sender sender;
    private final Closer closer;
    private final Counters counters;
    private final Channels channels;
    /** Whether the node drains: a refresh notice then would only ask for a token the client will not use here. */
    private final BooleanSupplier draining;
    private final LifecycleLog log = new LifecycleLog();
    private final long noticeMillis;
    private final long leewayMillis;

    TokenLifetime(Settings settings, Clock clock, Sweeper sweeper, Sender sender, Closer closer, Counters counters,
                  Channels channels, BooleanSupplier draining) {
        this.sweeper = Objects.requireNonNull(sweeper, "sweeper");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sender = sender;
        this.closer = closer;
        this.counters = counters;
        this.channels = channels;
        this.draining = draining;
        this.noticeMillis = settings.auth().refreshNotice().toMillis();
        this.leewayMillis = settings.auth().leeway().toMillis();
        sweeper.on(Deadline.EXPIRY, (c, due, now) -> act(c, advance(c)));
    }

    /** A connection has just become OPEN (after its welcome): arms its notice and close, or acts now. */
    void opened(ManagedConnection c) {
        act(c, advance(c));
    }

    /**
     * An in-band refresh whose token verified for the connection's own user: the new expiry and
     * channel access replace the old, subscriptions the new claim does not allow end with
     * {@code unsubscribed} ({@code not allowed}), and the client gets {@code refreshed}.
     */
    void refreshed(ManagedConnection c, Identity identity, ChannelAccess access, String ref) {
        Step step;
        synchronized (c) {
            c.renewedToken(identity, access);
            long exp = c.tokenExpiresAtMillis();
            if (exp != 0 && clock.epochMillis() - (exp - noticeMillis) >= 0) {
                // already inside its notice window: the reply says when it expires; a notice now
                // would only ask the client for the token it has just sent
                c.refreshNoticeSent(true);
            }
            step = advance(c);
        }
        counters.refreshed(true);
        log.event("refresh", c, "result=ok expiresAt=" + c.tokenExpiresAtMillis());
        channels.dropDisallowed(c);
        sender.send(c, new Outbound.Refreshed(identity.expiresAt() == null ? null : identity.expiresAt().toEpochMilli(), ref));
        act(c, step);
    }

    /** A refresh token that did not verify: an {@code invalid_token} error, and the old expiry stands. */
    void refreshFailed(ManagedConnection c, String why, String ref) {
        counters.refreshed(false);
        log.event("refresh", c, "result=invalid reason=" + LifecycleLog.quote(why));
        sender.send(c, new Outbound.Error(Outbound.Error.INVALID_TOKEN, "the token was not accepted; the current one still expires as announced", ref));
    }

    /** A refresh token of another user: the connection is closed with 1008 {@code user changed}. */
    void userChanged(ManagedConnection c, String otherUser) {
        counters.refreshed(false);
        log.event("refresh", c, "result=refused reason=\"user changed\" tokenUser=" + LifecycleLog.quote(otherUser));
        closer.close(c, Disconnect.USER_CHANGED);
    }

    /**
     * Decides the connection's next step from the wall clock and re-arms its deadline for the step
     * after; marks the notice sent when it is due now.
     */
    private Step advance(ManagedConnection c) {
        synchronized (c) {
            long exp = c.tokenExpiresAtMillis();
            if (exp == 0 || !c.state().isLive()) {
                sweeper.cancel(c, Deadline.EXPIRY);
                return Step.WAIT;
            }
            long nowMillis = clock.epochMillis();
            long closeAt = exp + leewayMillis;
            if (nowMillis - closeAt >= 0) {
                return Step.EXPIRE;
            }
            Step step = Step.WAIT;
            if (!c.refreshNoticeSent() && nowMillis - (exp - noticeMillis) >= 0) {
                // while draining the notice is skipped for good: the client reconnects with a new token anyway
                c.refreshNoticeSent(true);
                step = draining.getAsBoolean() ? Step.WAIT : Step.NOTICE;
            }
            long next = c.refreshNoticeSent() ? closeAt : exp - noticeMillis;
            long waitMillis = Math.min(MAX_WAIT_MILLIS, Math.max(0, next - nowMillis));
            sweeper.schedule(c, Deadline.EXPIRY, clock.nanoTime() + waitMillis * 1_000_000L);
            return step;
        }
    }

    private void act(ManagedConnection c, Step step) {
        if (step == Step.NOTICE && c.state() == ConnectionState.OPEN) {
            counters.refreshNotice();
            sender.send(c, new Outbound.Refresh(c.tokenExpiresAtMillis()));
        } else if (step == Step.EXPIRE) {
            log.event("expired", c, "expiresAt=" + c.tokenExpiresAtMillis() + " leewayMs=" + leewayMillis);
            closer.close(c, Disconnect.TOKEN_EXPIRED);
        }
    }
}
