package io.switchboard.core;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Server-wide counters of the lifecycle: how many connections entered each state, closes by code,
 * and messages and bytes in each direction. Counters only grow; health, stats and metrics read them.
 */
public final class Counters {

    /**
     * Every reason {@link #rejectionsByReason()} can name: the handshake refusals of protocol.md,
     * then the in-band authentication failures that have no handshake counterpart. An
     * in-band invalid token counts as {@code invalid token}, an in-band user over its limit as
     * {@code per-user connection limit}.
     */
    public static final List<String> REJECTION_REASONS = rejectionReasons();

    private static List<String> rejectionReasons() {
        List<String> reasons = new ArrayList<>();
        for (Admission.Refusal r : Admission.Refusal.values()) {
            reasons.add(r.reason());
        }
        reasons.add(Disconnect.AUTH_REQUIRED.reason());
        reasons.add(Disconnect.AUTH_TIMEOUT.reason());
        return List.copyOf(reasons);
    }

    private final Map<ConnectionState, LongAdder> entered = new EnumMap<>(ConnectionState.class);
    private final ConcurrentHashMap<Integer, LongAdder> closesByCode = new ConcurrentHashMap<>();
    private final LongAdder messagesIn = new LongAdder();
    private final LongAdder messagesOut = new LongAdder();
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    private final LongAdder badMessages = new LongAdder();
    private final ConcurrentHashMap<String, LongAdder> rejectionsByReason = new ConcurrentHashMap<>();
    private final LongAdder largeMessages = new LongAdder();
    private final LongAdder rateLimited = new LongAdder();
    private final LongAdder slowConsumerCloses = new LongAdder();
    private final LongAdder rateLimitCloses = new LongAdder();
    private final LongAdder expiryCloses = new LongAdder();
    private final LongAdder refreshNotices = new LongAdder();
    private final LongAdder refreshesOk = new LongAdder();
    private final LongAdder refreshesFailed = new LongAdder();
    private final LongAdder revokedConnections = new LongAdder();
    private final LongAdder revokedTokens = new LongAdder();
    private final LongAdder recoveriesOk = new LongAdder();
    private final LongAdder recoveriesFailed = new LongAdder();
    /** Sessions the WebSocket container opened and closed for Switchboard's endpoint, as it reports them. */
    private final LongAdder containerOpened = new LongAdder();
    private final LongAdder containerClosed = new LongAdder();

    public Counters() {
        for (ConnectionState s : ConnectionState.values()) {
            entered.put(s, new LongAdder());
        }
    }

    void entered(ConnectionState state) {
        entered.get(state).increment();
    }

    /** The container opened a session for Switchboard's endpoint (its {@code @OnOpen}). */
    public void containerSessionOpened() {
        containerOpened.increment();
    }

    /** The container reported a session of Switchboard's endpoint closed (its {@code @OnClose}). */
    public void containerSessionClosed() {
        containerClosed.increment();
    }

    /**
     * Sessions the container still holds for Switchboard: opened and not yet reported closed. Above the
     * registry's size for long, it counts sockets Switchboard has released and the container has not.
     */
    public long containerSessions() {
        return containerOpened.sum() - containerClosed.sum();
    }

    void closed(int code) {
        closesByCode.computeIfAbsent(code, c -> new LongAdder()).increment();
    }

    void messageIn(int bytes) {
        messagesIn.increment();
        bytesIn.add(bytes);
    }

    void messageOut(int bytes) {
        messagesOut.increment();
        bytesOut.add(bytes);
    }

    void badMessage() {
        badMessages.increment();
    }

    void rejected(String reason) {
        rejectionsByReason.computeIfAbsent(reason, r -> new LongAdder()).increment();
    }

    void largeMessage() {
        largeMessages.increment();
    }

    void rateLimited() {
        rateLimited.increment();
    }

    /** Switchboard has started closing a connection for {@code why} (counted once per connection). */
    void closing(Disconnect why) {
        if (Disconnect.SLOW_CONSUMER.equals(why)) {
            slowConsumerCloses.increment();
        } else if (Disconnect.RATE_LIMIT_EXCEEDED.equals(why)) {
            rateLimitCloses.increment();
        } else if (Disconnect.TOKEN_EXPIRED.equals(why)) {
            expiryCloses.increment();
        }
    }

    void refreshNotice() {
        refreshNotices.increment();
    }

    void refreshed(boolean ok) {
        (ok ? refreshesOk : refreshesFailed).increment();
    }

    void revokedConnections(int n) {
        revokedConnections.add(n);
    }

    void revokedToken() {
        revokedTokens.increment();
    }

    /** Connections closed with 4001 {@code token expired}: no refresh before {@code exp} plus the leeway. */
    public long expiryCloses() {
        return expiryCloses.sum();
    }

    /** {@code refresh} notices sent: a token was about to expire. */
    public long refreshNotices() {
        return refreshNotices.sum();
    }

    /** In-band refreshes accepted. */
    public long refreshesOk() {
        return refreshesOk.sum();
    }

    /** In-band refreshes refused: a token that did not verify, or one of another user. */
    public long refreshesFailed() {
        return refreshesFailed.sum();
    }

    /** Connections closed by revoking their user ({@code DELETE /api/users/{user}/connections}). */
    public long revokedConnections() {
        return revokedConnections.sum();
    }

    /** Tokens the verifier refused as revoked although they were otherwise valid. */
    public long revokedTokens() {
        return revokedTokens.sum();
    }

    /** Connections closed with 1008 {@code slow consumer}: their send queue overflowed. */
    public long slowConsumerCloses() {
        return slowConsumerCloses.sum();
    }

    /** Connections closed with 1008 {@code rate limit exceeded}: too many dropped messages in a minute. */
    public long rateLimitCloses() {
        return rateLimitCloses.sum();
    }

    /** Rejections for one reason since start (0 for a reason never seen). */
    public long rejections(String reason) {
        LongAdder n = rejectionsByReason.get(reason);
        return n == null ? 0 : n.sum();
    }

    /** Closes with one close code since start (0 for a code never seen). */
    public long closes(int code) {
        LongAdder n = closesByCode.get(code);
        return n == null ? 0 : n.sum();
    }

    /** Handshakes refused and in-band authentications failed since start, by reason, in reason order. */
    public Map<String, Long> rejectionsByReason() {
        Map<String, Long> out = new TreeMap<>();
        rejectionsByReason.forEach((reason, n) -> out.put(reason, n.sum()));
        return out;
    }

    /** Messages above {@code switchboard.limits.message-warn-size}. */
    public long largeMessages() {
        return largeMessages.sum();
    }

    /** Messages dropped with {@code rate_limited}. */
    public long rateLimitedMessages() {
        return rateLimited.sum();
    }

    /** How many connections have entered {@code state} since start. */
    public long enteredCount(ConnectionState state) {
        return entered.get(state).sum();
    }

    /** Closes since start, by close code, in code order. */
    public Map<Integer, Long> closesByCode() {
        Map<Integer, Long> out = new TreeMap<>();
        closesByCode.forEach((code, n) -> out.put(code, n.sum()));
        return out;
    }

    public long messagesIn() {
        return messagesIn.sum();
    }

    public long messagesOut() {
        return messagesOut.sum();
    }

    public long bytesIn() {
        return bytesIn.sum();
    }

    public long bytesOut() {
        return bytesOut.sum();
    }

    /** Malformed or unknown messages answered with {@code bad_request}. */
    public long badMessages() {
        return badMessages.sum();
    }

    /** A subscribe with {@code since} that could ({@code true}) or could not continue without a gap. */
    void recovery(boolean recovered) {
        (recovered ? recoveriesOk : recoveriesFailed).increment();
    }

    public long recoveriesOk() {
        return recoveriesOk.sum();
    }

    public long recoveriesFailed() {
        return recoveriesFailed.sum();
    }
}
