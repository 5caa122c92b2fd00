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
    /** The cluster-wide limits when this node is one of a cluster; null when it is alone. Set once at start. */
    private volatile ClusterSlots cluster;
    /** In a cluster: this node's unreleased reservations by slot id. */
    private final ConcurrentHashMap<String, Reservation> bySlot = new ConcurrentHashMap<>();

    /**
     * The cluster's side of the limits ({@link ClusterRouter}): with it, the global, IP and user limits
     * count every node's connections and are checked and taken in one atomic step in the cluster; this
     * node keeps counting its own (for stats and the per-user message rate) without refusing on them.
     */
    interface ClusterSlots {
        /** See {@link ClusterLink#takeSlot}. */
        String take(String slot, String ip, String user);

        void giveBack(String slot);

        /** Has {@code node} close the connection holding {@code slot} (replaced by a newer one). */
        void displaceRemote(String node, String slot);
    }

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
        ClusterSlots c = cluster;
        if (c != null) {
            return reserveInCluster(c, ip, userId, nowNanos);
        }
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
        ClusterSlots c = cluster;
        if (c != null && reservation.slot() != null) {
            String answer = c.take(reservation.slot(), null, userId);
            Admission refused = refusal(answer);
            if (refused != null) {
                return refused;
            }
            return Admission.admitted(holdUser(reservation, userId, nowNanos), displaced(c, answer));
        }
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

    /** Makes the limits count the whole cluster; called once, before the first handshake. */
    void useCluster(ClusterSlots slots) {
        this.cluster = slots;
    }

    /**
     * Takes the slots in the cluster (one atomic step there), then counts them here. Nothing is taken
     * when the cluster refuses.
     *
     * @throws ClusterUnavailableException when the cluster's limits cannot be checked
     */
    private Admission reserveInCluster(ClusterSlots c, String ip, String userId, long nowNanos) {
        Reservation reservation = new Reservation(this, ip, java.util.UUID.randomUUID().toString());
        String answer = c.take(reservation.slot(), ip, userId);
        Admission refused = refusal(answer);
        if (refused != null) {
            return refused;
        }
        total.incrementAndGet();
        perIp.merge(ip, 1, Integer::sum);
        bySlot.put(reservation.slot(), reservation);
        if (userId != null) {
            holdUser(reservation, userId, nowNanos);
        }
        return Admission.admitted(reservation, displaced(c, answer));
    }

    private static Admission refusal(String answer) {
        return switch (answer.startsWith("ok") ? "ok" : answer) {
            case "ok" -> null;
            case "global" -> Admission.refused(Admission.Refusal.GLOBAL_LIMIT, RETRY_AFTER_UNAVAILABLE_SECONDS);
            case "ip" -> Admission.refused(Admission.Refusal.IP_LIMIT, RETRY_AFTER_AT_LIMIT_SECONDS);
            default -> Admission.refused(Admission.Refusal.USER_LIMIT, RETRY_AFTER_AT_LIMIT_SECONDS);
        };
    }

    /** The user's slot this node counts for a reservation the cluster admitted; no limit here. */
    private Reservation holdUser(Reservation reservation, String userId, long nowNanos) {
        perUser.compute(userId, (user, slots) -> {
            UserSlots s = slots != null ? slots : new UserSlots(limits.maxPerUser(), rate, nowNanos);
            s.holders.addLast(reservation);
            return s;
        });
        reservation.userId(userId);
        if (reservation.isReleased()) {
            removeUser(reservation, userId);
        }
        return reservation;
    }

    /** The reservation the cluster displaced, when it is this node's; another node's is closed there. */
    private Reservation displaced(ClusterSlots c, String answer) {
        if (!answer.startsWith("ok\n")) {
            return null;
        }
        String[] parts = answer.split("\n", 3);
        Reservation local = displace(parts[1]);
        if (local == null && parts.length == 3 && !parts[2].isEmpty()) {
            c.displaceRemote(parts[2], parts[1]);
        }
        return local;
    }

    /**
     * This node's reservation of {@code slot}, which a newer connection of its user replaced in the
     * cluster; null when this node holds no such slot. The caller closes its connection.
     */
    Reservation displace(String slot) {
        Reservation r = bySlot.get(slot);
        if (r == null) {
            return null;
        }
        r.markReplaced();
        String user = r.userId();
        if (user != null) {
            removeUser(r, user);
        }
        return r;
    }

    /** This node's unreleased reservations in the cluster, to record again when the cluster lost them. */
    java.util.Collection<Reservation> clusterSlots() {
        return bySlot.values();
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
        if (reservation.slot() != null) {
            bySlot.remove(reservation.slot());
            ClusterSlots c = cluster;
            if (c != null) {
                c.giveBack(reservation.slot());
            }
        }
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
