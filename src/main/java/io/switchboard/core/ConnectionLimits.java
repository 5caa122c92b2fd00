package io.switchboard.core;

import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Connection slots (protocol.md): the global limit, the per-IP and per-user limits with
 * the per-user policy, the per-IP handshake rate, the per-user message token bucket. (Whether the node drains is the {@link Drain}'s to say.)
 *
 * <p>Slots are taken atomically before a connection exists (each counter is changed by one
 * compare-and-set or one {@code ConcurrentHashMap.compute}, and a refusal gives back what it had
 * taken), so concurrent handshakes can never admit more than a limit. They are handed out as a
 * {@link Reservation} and come back exactly once, by {@link Reservation#release()}.
 * Nothing here calls out or sends: a displaced connection is returned to the caller to close.
 */
public final class ConnectionLimits {

    /** Retry-After for a full node or a draining one: long enough for a balancer to move on. */
    static final long RETRY_AFTER_UNAVAILABLE_SECONDS = 5;
    /** Retry-After when the user or IP is at its limit: one of its connections has to end first. */
    static final long RETRY_AFTER_AT_LIMIT_SECONDS = 10;

    private static final long MINUTE_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final Settings.Limits limits;
    private final Settings.Rate rate;

    /** Reservations not yet released; never above {@code limits.maxConnections()}. */
    private final AtomicInteger total = new AtomicInteger();
    /** Unreleased reservations per IP; an IP with none has no entry. */
    private final ConcurrentHashMap<String, Integer> perIp = new ConcurrentHashMap<>();
    /** Per user: the reservations holding a user slot, oldest first; a user with none has no entry. */
    private final ConcurrentHashMap<String, UserSlots> perUser = new ConcurrentHashMap<>();
    /** Handshake rate per IP; a bucket that has refilled completely is forgotten by {@link #sweep}. */
    private final ConcurrentHashMap<String, TokenBucket> handshakes = new ConcurrentHashMap<>();
    /** True while the node drains: every new connection is refused. */

    public ConnectionLimits(Settings.Limits limits, Settings.Rate rate) {
        this.limits = limits;
        this.rate = rate;
    }

    /**
     * Takes one token of {@code ip}'s handshake rate.
     *
     * @return {@code null} when the handshake may go on, otherwise the refusal
     */
    public Admission checkHandshakeRate(String ip, long nowNanos) {
        int perSecond = rate.handshakesPerSecondPerIp();
        TokenBucket bucket = handshakes.computeIfAbsent(ip, k -> new TokenBucket(perSecond, perSecond, nowNanos));
        if (bucket.tryTake(nowNanos)) {
            return null;
        }
        long wait = bucket.nanosUntilNextToken(nowNanos);
        return Admission.refused(Admission.Refusal.HANDSHAKE_RATE, Math.max(1, TimeUnit.NANOSECONDS.toSeconds(wait + 999_999_999L)));
    }

    /**
     * Takes a global slot and one of {@code ip}'s and, when the user is already known, one of the
     * user's. All or nothing.
     */
    public Admission reserve(String ip, String userId, long nowNanos) {
        if (!takeGlobal()) {
            return Admission.refused(Admission.Refusal.GLOBAL_LIMIT, RETRY_AFTER_UNAVAILABLE_SECONDS);
        }
        if (!takeIp(ip)) {
            total.decrementAndGet();
            return Admission.refused(Admission.Refusal.IP_LIMIT, RETRY_AFTER_AT_LIMIT_SECONDS);
        }
        Reservation reservation = new Reservation(this, ip);
        if (userId == null) {
            return Admission.admitted(reservation, null);
        }
        Admission withUser = addUser(reservation, userId, nowNanos);
        if (!withUser.isAdmitted()) {
            reservation.release();
        }
        return withUser;
    }

    /**
     * Adds a user slot to a reservation that has none yet (after in-band authentication). At the
     * per-user limit, {@code reject-new} refuses and {@code close-oldest} takes the slot of the
     * user's oldest connection, which the caller must then close.
     */
    public Admission addUser(Reservation reservation, String userId, long nowNanos) {
        Reservation[] displaced = new Reservation[1];
        boolean[] added = new boolean[1];
        perUser.compute(userId, (user, slots) -> {
            UserSlots s = slots != null ? slots : new UserSlots(limits.maxPerUser(), rate, nowNanos);
            if (s.holders.size() >= limits.maxPerUser()) {
                if (limits.perUserPolicy() != Settings.PerUserPolicy.CLOSE_OLDEST) {
                    return slots;
                }
                displaced[0] = s.holders.pollFirst();
                displaced[0].markReplaced();
            }
            s.holders.addLast(reservation);
            added[0] = true;
            return s;
        });
        if (!added[0]) {
            return Admission.refused(Admission.Refusal.USER_LIMIT, RETRY_AFTER_AT_LIMIT_SECONDS);
        }
        reservation.userId(userId);
        if (reservation.isReleased()) {
            // released while we added the user slot: release() may not have seen the user yet
            removeUser(reservation, userId);
        }
        return Admission.admitted(reservation, displaced[0]);
    }

    /**
     * Takes one token of the user's message bucket.
     *
     * @return whether the message may be handled; users without a slot are not limited here
     */
    public boolean allowMessage(String userId, long nowNanos) {
        UserSlots s = userId == null ? null : perUser.get(userId);
        return s == null || s.messages.tryTake(nowNanos);
    }

    /** Records a rate violation of the user; true when it is the {@code max-violations}-th within a minute. */
    public boolean recordViolation(String userId, long nowNanos) {
        UserSlots s = userId == null ? null : perUser.get(userId);
        return s != null && s.recordViolation(nowNanos);
    }

    /** Forgets handshake buckets that have refilled completely; run periodically. */
    public void sweep(long nowNanos) {
        handshakes.values().removeIf(bucket -> bucket.isFull(nowNanos));
    }

    /** IPs with a handshake-rate bucket that has not refilled yet (or not been swept since). */
    public int handshakeBuckets() {
        return handshakes.size();
    }

    /** Slots held now, over every state. */
    public int total() {
        return total.get();
    }

    public int forIp(String ip) {
        return perIp.getOrDefault(ip, 0);
    }

    public int forUser(String userId) {
        int[] n = new int[1];
        perUser.computeIfPresent(userId, (user, s) -> {
            n[0] = s.holders.size();
            return s;
        });
        return n[0];
    }

    /** Called once per reservation, by {@link Reservation#release()}. */
    void giveBack(Reservation reservation) {
        total.decrementAndGet();
        perIp.computeIfPresent(reservation.ip(), (ip, n) -> n <= 1 ? null : n - 1);
        String user = reservation.userId();
        if (user != null) {
            removeUser(reservation, user);
        }
    }

    private void removeUser(Reservation reservation, String userId) {
        perUser.computeIfPresent(userId, (user, s) -> {
            s.holders.remove(reservation);
            return s.holders.isEmpty() ? null : s;
        });
    }

    private boolean takeGlobal() {
        while (true) {
            int n = total.get();
            if (n >= limits.maxConnections()) {
                return false;
            }
            if (total.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    private boolean takeIp(String ip) {
        boolean[] taken = new boolean[1];
        perIp.compute(ip, (k, n) -> {
            int held = n == null ? 0 : n;
            if (held >= limits.maxPerIp()) {
                return n;
            }
            taken[0] = true;
            return held + 1;
        });
        return taken[0];
    }

    /** One user's slots, message bucket and violations; only touched inside {@code perUser.compute}, except the two thread-safe limiters. */
    private static final class UserSlots {
        /** Reservations holding a slot of this user, oldest first; guarded by the map's compute. */
        final ArrayDeque<Reservation> holders;
        final TokenBucket messages;
        private final int maxViolations;
        /** Made at the user's first violation: most users never commit one. Guarded by this. */
        private ViolationWindow violations;

        UserSlots(int maxPerUser, Settings.Rate rate, long nowNanos) {
            // sized for the limit (close-oldest removes before it adds) rather than ArrayDeque's default of 16
            this.holders = new ArrayDeque<>(Math.min(maxPerUser, 16));
            this.messages = new TokenBucket(rate.messagesPerSecond(), rate.burst(), nowNanos);
            this.maxViolations = rate.maxViolations();
        }

        synchronized boolean recordViolation(long nowNanos) {
            if (violations == null) {
                violations = new ViolationWindow(maxViolations, MINUTE_NANOS);
            }
            return violations.record(nowNanos);
        }
    }
}
