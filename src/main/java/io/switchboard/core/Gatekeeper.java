package io.switchboard.core;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Who gets in, and how much they may send (protocol.md): the checks on an upgrade
 * request, the in-band {@code auth} message, the auth timeout, and the per-user message rate.
 *
 * <p>Lifecycle of an admitted connection: {@link #checkHandshake} (the shell's servlet filter, before
 * the upgrade) verifies the token if there is one, reserves the connection's slots and issues a
 * ticket; the {@link Hub} hands the ticket to {@link #opened} when the upgrade is done, which binds
 * the slots to the connection and makes it OPEN, or AUTHENTICATING until an {@code auth} message
 * arrives. The slots are released exactly once, when the Hub releases the connection. A ticket that
 * no connection claims (the upgrade failed) is forgotten and its slots released by
 * {@link #cancelTicket} or, at the latest, {@link #TICKET_TTL} after it was issued.
 *
 * <p>Every deadline here is on the hub's one {@link Sweeper}: the auth timeout is the connection's
 * {@link Deadline#AUTH}, each unclaimed ticket is a one-off task, and forgetting idle handshake
 * buckets is a task that re-arms itself every {@link #BUCKET_SWEEP}. Every method may be called from
 * any thread.
 */
public final class Gatekeeper {

    private static final Logger LOG = Logger.getLogger(Gatekeeper.class.getName());

    /**
     * How long a ticket waits for its connection: far longer than the step from the filter to the
     * connection's start takes (milliseconds; under a burst of thousands of handshakes, under a second),
     * and short enough that the slots of an upgrade whose socket died before it started (the container
     * tells nobody) are back soon.
     */
    static final Duration TICKET_TTL = Duration.ofSeconds(10);

    /** How many unclaimed tickets' endings are kept for {@link #opened}'s warning: a bound, whatever the churn. */
    private static final int ENDED_TICKETS = 256;
    /** How often handshake buckets that have refilled completely are forgotten. */
    static final Duration BUCKET_SWEEP = Duration.ofSeconds(1);

    private final Settings settings;
    private final Clock clock;
    private final Sweeper sweeper;
    private final ConnectionLimits limits;
    private final LifecycleLog log;
    private final Transitions transitions;
    private final Counters counters;
    private final Sender sender;
    private final Closer closer;
    private final TokenLifetime tokenLifetime;
    /** Makes an authenticated connection OPEN: the Hub's, which arms its deadlines and sends the welcome. */
    private final Consumer<ManagedConnection> open;
    /** Whether the node drains: new connections are refused with 503. */
    private final BooleanSupplier draining;
    /** Whether the other nodes can be reached; without them a connection could not get the cluster's messages. */
    private final BooleanSupplier clusterAvailable;
    private final List<String> allowedOrigins;

    /** The verifier of header, query and in-band tokens; set once by the shell at startup. */
    private volatile TokenVerifier verifier = TokenVerifier.REJECT_ALL;
    /** True while the task that forgets full handshake buckets is armed (only while there are buckets). */
    private final AtomicBoolean bucketSweepArmed = new AtomicBoolean();
    /** Issued tickets not yet claimed by a connection, cancelled or expired, by ticket id. */
    private final Map<String, Ticket> tickets = new ConcurrentHashMap<>();
    /** How the last {@link #ENDED_TICKETS} tickets that ended unclaimed ended, by ticket id, oldest first. */
    private final Map<String, String> endedTickets = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > ENDED_TICKETS;
        }
    };

    Gatekeeper(Settings settings, Clock clock, Sweeper sweeper, LifecycleLog log, Transitions transitions,
               Counters counters, Sender sender, Closer closer, TokenLifetime tokenLifetime,
               Consumer<ManagedConnection> open, BooleanSupplier draining, BooleanSupplier clusterAvailable) {
        this.settings = settings;
        this.clock = clock;
        this.sweeper = sweeper;
        this.log = log;
        this.transitions = transitions;
        this.counters = counters;
        this.sender = sender;
        this.closer = closer;
        this.tokenLifetime = tokenLifetime;
        this.open = open;
        this.draining = draining;
        this.clusterAvailable = clusterAvailable;
        this.limits = new ConnectionLimits(settings.limits(), settings.rate());
        this.allowedOrigins = settings.allowedOrigins().stream().map(Gatekeeper::normalizeOrigin).toList();
        sweeper.on(Deadline.AUTH, this::authOverdue);
    }

    /** Sets the token verifier (the shell's CDI bean). */
    public void useVerifier(TokenVerifier tokenVerifier) {
        this.verifier = Objects.requireNonNull(tokenVerifier, "tokenVerifier");
    }

    public ConnectionLimits limits() {
        return limits;
    }

    /**
     * Decides on an upgrade request before the container upgrades it.
     *
     * @param ip     the peer address
     * @param origin the {@code Origin} header, or {@code null}
     * @param token  the token from {@code Authorization: Bearer} or {@code access_token}, or {@code null}
     */
    public HandshakeCheck checkHandshake(String ip, String origin, String token) {
        long now = clock.nanoTime();
        if (draining.getAsBoolean()) {
            return refuse(ip, Admission.Refusal.DRAINING, ConnectionLimits.RETRY_AFTER_UNAVAILABLE_SECONDS, "");
        }
        if (!clusterAvailable.getAsBoolean()) {
            return refuse(ip, Admission.Refusal.CLUSTER_UNAVAILABLE, ConnectionLimits.RETRY_AFTER_UNAVAILABLE_SECONDS, "");
        }
        if (!originAllowed(origin)) {
            return refuse(ip, Admission.Refusal.FORBIDDEN_ORIGIN, 0, "");
        }
        Admission rate = limits.checkHandshakeRate(ip, now);
        if (bucketSweepArmed.compareAndSet(false, true)) {
            sweepBucketsAt(now + BUCKET_SWEEP.toNanos());
        }
        if (rate != null) {
            return refuse(ip, rate.refusal(), rate.retryAfterSeconds(), "");
        }
        Identity identity = null;
        if (token != null) {
            try {
                identity = verify(token);
            } catch (TokenVerifier.InvalidTokenException e) {
                return refuse(ip, Admission.Refusal.INVALID_TOKEN, 0, e.getMessage());
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "token verifier failed", e);
                return refuse(ip, Admission.Refusal.INVALID_TOKEN, 0, "verifier failed");
            }
        } else if (!settings.auth().inBand()) {
            return refuse(ip, Admission.Refusal.NO_TOKEN, 0, "");
        }
        Admission admission;
        try {
            admission = limits.reserve(ip, identity == null ? null : identity.userId(), now);
        } catch (ClusterUnavailableException e) {
            // the cluster-wide limits cannot be checked: refused as when the cluster is known down
            return refuse(ip, Admission.Refusal.CLUSTER_UNAVAILABLE, ConnectionLimits.RETRY_AFTER_UNAVAILABLE_SECONDS, "");
        }
        if (!admission.isAdmitted()) {
            return refuse(ip, admission.refusal(), admission.retryAfterSeconds(),
                    identity == null ? "" : "user=" + LogValues.bare(identity.userId()));
        }
        displace(admission.displaced());
        Ticket ticket = new Ticket(UUID.randomUUID().toString(), admission.reservation(), identity);
        tickets.put(ticket.id, ticket);
        ticket.expiry = sweeper.schedule(() -> expire(ticket), now + TICKET_TTL.toNanos());
        return HandshakeCheck.accepted(ticket.id);
    }

    /**
     * Refuses an upgrade request that is not a valid WebSocket handshake ({@link UpgradeSyntax}) with
     * 400, counted and logged like every refusal, before any token is verified or slot reserved.
     *
     * @param problem what is wrong, from {@link UpgradeSyntax#problem} (never a client value)
     */
    public HandshakeCheck refuseMalformed(String ip, String problem) {
        return refuse(ip, Admission.Refusal.MALFORMED_UPGRADE, 0, problem);
    }

    /** The socket of an accepted request ended: forget its ticket, if no connection claimed it, and release its slots. */
    public void cancelTicket(String ticketId) {
        cancelTicket(ticketId, "its socket ended before the connection started");
    }

    /**
     * The upgrade of an accepted request did not happen: forget its ticket and release its slots.
     *
     * @param why said if a connection still arrives with the ticket (never a client value)
     */
    public void cancelTicket(String ticketId, String why) {
        Ticket ticket = ticketId == null ? null : tickets.get(ticketId);
        if (ticket != null && end(ticket, "cancelled: " + why)) {
            ticket.cancelExpiry();
        }
    }

    /** The ticket's TTL is over: if no connection claimed it, its slots come back. */
    private void expire(Ticket ticket) {
        end(ticket, "expired, " + TICKET_TTL.toSeconds() + " s after it was issued");
    }

    /**
     * Ends an unclaimed ticket and releases its slots; false when a connection claimed it first. How it
     * ended is noted before it leaves {@link #tickets}, so that a connection that finds it gone can say.
     */
    private boolean end(Ticket ticket, String how) {
        synchronized (endedTickets) {
            endedTickets.put(ticket.id, how);
        }
        if (tickets.remove(ticket.id, ticket)) {
            ticket.reservation.release();
            return true;
        }
        synchronized (endedTickets) {
            endedTickets.remove(ticket.id);
        }
        return false;
    }

    /** A connection's {@link Deadline#AUTH}: closes it with 1008 {@code auth timeout} if it is still unauthenticated. */
    private void authOverdue(ManagedConnection c, long dueNanos, long nowNanos) {
        if (c.state() == ConnectionState.AUTHENTICATING) {
            counters.rejected(Disconnect.AUTH_TIMEOUT.reason());
            closer.close(c, Disconnect.AUTH_TIMEOUT);
        }
    }

    /**
     * Arms the node-wide task that forgets full handshake buckets. It re-arms itself from its own due
     * time while buckets remain, and is armed again by the next handshake once there are none.
     */
    private void sweepBucketsAt(long atNanos) {
        sweeper.schedule(() -> {
            long now = clock.nanoTime();
            limits.sweep(now);
            bucketSweepArmed.set(false);
            // a handshake that saw the flag still set may have added a bucket just now: look again
            if (limits.handshakeBuckets() > 0 && bucketSweepArmed.compareAndSet(false, true)) {
                long next = atNanos + BUCKET_SWEEP.toNanos();
                sweepBucketsAt(next - now <= 0 ? now + BUCKET_SWEEP.toNanos() : next);
            }
        }, atNanos);
    }

    /** Upgrade requests accepted and not yet upgraded (or given up): the connections in CONNECTING. */
    int pendingTickets() {
        return tickets.size();
    }

    /** The peer address the handshake of an unclaimed ticket came from; {@code ""} for an unknown ticket. */
    String ticketAddress(String ticketId) {
        Ticket ticket = tickets.get(ticketId);
        return ticket == null ? "" : ticket.reservation.ip();
    }

    /** Called by the Hub for a connection it has just registered. */
    void opened(ManagedConnection c, String ticketId) {
        if (ticketId == null) {
            // a caller inside the core that authenticated the connection itself (tests, tools)
            if (c.userId() != null) {
                open.accept(c);
            } else {
                awaitAuth(c);
            }
            return;
        }
        Ticket ticket = tickets.remove(ticketId);
        if (ticket != null) {
            ticket.cancelExpiry();
        }
        if (ticket == null) {
            // expired (the upgrade took longer than TICKET_TTL) or cancelled (its socket ended first, or the
            // filter saw the upgrade refused), yet the container still opened the session: say which
            String how;
            synchronized (endedTickets) {
                how = endedTickets.remove(ticketId);
            }
            LOG.warning("connection " + c.id() + " arrived without a live handshake ticket (" + (how == null
                    ? "not one this node issued, or one that ended long ago" : how) + ")");
            closer.close(c, Disconnect.INTERNAL_ERROR);
            return;
        }
        Reservation reservation = ticket.reservation;
        reservation.connection(c);
        c.holdSlots(reservation);
        if (c.state() == ConnectionState.CLOSED) {
            reservation.release(); // released before it held them: release() here, or nobody would
            return;
        }
        if (reservation.isReplaced()) {
            closer.close(c, Disconnect.REPLACED);
        } else if (ticket.identity != null) {
            c.authenticatedAs(ticket.identity);
            open.accept(c);
        } else {
            awaitAuth(c);
        }
    }

    /**
     * Screens a text message before the Hub handles it: counts large ones, runs in-band
     * authentication, and applies the per-user rate.
     *
     * @param message the decoded message, or {@code null} when it could not be decoded
     * @param ref     the request's id to echo, or {@code null}
     * @return whether the Hub should go on handling the message
     */
    boolean screen(ManagedConnection c, Inbound message, String ref, int bytes) {
        if (bytes > settings.limits().messageWarnSize()) {
            counters.largeMessage();
            log.event("large-message", c, "bytes=" + bytes);
        }
        ConnectionState state = c.state();
        if (state == ConnectionState.AUTHENTICATING || state == ConnectionState.HANDSHAKING) {
            if (message instanceof Inbound.Auth auth) {
                authenticate(c, auth);
            } else {
                counters.rejected(Disconnect.AUTH_REQUIRED.reason());
                closer.close(c, Disconnect.AUTH_REQUIRED);
            }
            return false;
        }
        if (message instanceof Inbound.Auth && state != ConnectionState.OPEN) {
            sender.send(c, new Outbound.Error(Outbound.Error.BAD_REQUEST, "not open: no refresh now", ref));
            return false;
        }
        if (message instanceof Inbound.Pong || state != ConnectionState.OPEN) {
            return true;
        }
        // an auth message on an OPEN connection is a refresh (protocol.md, token lifetime): it counts against the rate like any other
        long now = clock.nanoTime();
        if (limits.allowMessage(c.userId(), now)) {
            return true;
        }
        counters.rateLimited();
        sender.send(c, new Outbound.Error(Outbound.Error.RATE_LIMITED,
                "more than " + settings.rate().messagesPerSecond() + " messages per second", ref));
        if (limits.recordViolation(c.userId(), now)) {
            transitions.move(c, ConnectionState.VIOLATION);
            closer.close(c, Disconnect.RATE_LIMIT_EXCEEDED);
        }
        return false;
    }

    private void authenticate(ManagedConnection c, Inbound.Auth auth) {
        Identity identity;
        try {
            identity = verify(auth.token());
        } catch (TokenVerifier.InvalidTokenException | RuntimeException e) {
            counters.rejected(Admission.Refusal.INVALID_TOKEN.reason());
            log.event("auth", c, "result=invalid reason=" + LifecycleLog.quote(e.getMessage()));
            closer.close(c, Disconnect.INVALID_TOKEN);
            return;
        }
        Reservation reservation = c.slots();
        if (reservation != null) {
            Admission admission;
            try {
                admission = limits.addUser(reservation, identity.userId(), clock.nanoTime());
            } catch (ClusterUnavailableException e) {
                counters.rejected(Admission.Refusal.CLUSTER_UNAVAILABLE.reason());
                log.event("auth", c, "result=refused user=" + LogValues.bare(identity.userId()) + " reason=\"cluster unavailable\"");
                closer.close(c, Disconnect.INTERNAL_ERROR);
                return;
            }
            if (!admission.isAdmitted()) {
                counters.rejected(admission.refusal().reason());
                log.event("auth", c, "result=refused user=" + LogValues.bare(identity.userId()) + " reason=\"too many connections\"");
                closer.close(c, Disconnect.TOO_MANY_CONNECTIONS);
                return;
            }
            displace(admission.displaced());
        }
        sweeper.cancel(c, Deadline.AUTH);
        c.authenticatedAs(identity);
        log.event("auth", c, "result=ok method=in-band");
        open.accept(c);
    }

    /**
     * An {@code auth} message on an OPEN connection (a token refresh): the token is verified
     * as at the handshake and must name the same user; {@link TokenLifetime} does the rest.
     */
    void refresh(ManagedConnection c, Inbound.Auth auth) {
        TokenLifetime lifetime = tokenLifetime;
        Identity identity;
        try {
            identity = verify(auth.token());
        } catch (TokenVerifier.InvalidTokenException e) {
            lifetime.refreshFailed(c, e.getMessage(), auth.id());
            return;
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "token verifier failed", e);
            lifetime.refreshFailed(c, "verifier failed", auth.id());
            return;
        }
        if (!identity.userId().equals(c.userId())) {
            lifetime.userChanged(c, identity.userId());
            return;
        }
        ChannelAccess access;
        try {
            access = identity.channels() == null ? ChannelAccess.ALL : ChannelAccess.only(identity.channels());
        } catch (IllegalArgumentException e) {
            lifetime.refreshFailed(c, "bad channels claim", auth.id());
            return;
        }
        lifetime.refreshed(c, identity, access, auth.id());
    }

    /** The verifier's answer; a token it refuses as revoked is counted as such. */
    private Identity verify(String token) throws TokenVerifier.InvalidTokenException {
        try {
            return verifier.verify(token);
        } catch (TokenVerifier.RevokedTokenException e) {
            counters.revokedToken();
            throw e;
        }
    }

    private void awaitAuth(ManagedConnection c) {
        if (transitions.move(c, ConnectionState.AUTHENTICATING)) {
            sweeper.schedule(c, Deadline.AUTH, c.connectedAtNanos() + settings.auth().timeout().toNanos());
        }
    }

    /** Another node's newer connection took the user slot of this node's {@code slot}: its connection is closed. */
    void displaceSlot(String slot) {
        displace(limits.displace(slot));
    }

    /** Closes the connection whose user slot a newer one took; if it is still upgrading, {@link #opened} will. */
    private void displace(Reservation old) {
        if (old == null) {
            return;
        }
        ManagedConnection c = old.connection();
        if (c != null) {
            closer.close(c, Disconnect.REPLACED);
        }
    }

    void release(ManagedConnection c) {
        Reservation reservation = c.slots();
        if (reservation != null) {
            reservation.release(); // only the first release of a reservation does anything
        }
    }

    private HandshakeCheck refuse(String ip, Admission.Refusal refusal, long retryAfterSeconds, String detail) {
        counters.rejected(refusal.reason());
        log.rejected(ip, refusal.httpStatus(), refusal.reason() + (detail == null || detail.isEmpty() ? "" : ": " + detail));
        return HandshakeCheck.refused(refusal, retryAfterSeconds);
    }

    private boolean originAllowed(String origin) {
        if (allowedOrigins.isEmpty() || origin == null || allowedOrigins.contains("*")) {
            // no list configured, or not a browser (browsers always send Origin on a WebSocket upgrade)
            return true;
        }
        return allowedOrigins.contains(normalizeOrigin(origin));
    }

    private static String normalizeOrigin(String origin) {
        String o = origin.trim().toLowerCase(Locale.ROOT);
        return o.endsWith("/") ? o.substring(0, o.length() - 1) : o;
    }

    /** What the filter learned, waiting for the connection the upgrade creates. */
    private static final class Ticket {
        final String id;
        final Reservation reservation;
        final Identity identity;
        /** Its TTL on the sweeper; set once, right after the ticket is issued. */
        volatile Sweeper.Task expiry;

        Ticket(String id, Reservation reservation, Identity identity) {
            this.id = id;
            this.reservation = reservation;
            this.identity = identity;
        }

        void cancelExpiry() {
            Sweeper.Task task = expiry;
            if (task != null) {
                task.cancel();
            }
        }
    }
}
