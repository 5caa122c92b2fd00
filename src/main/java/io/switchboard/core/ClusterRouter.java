package io.switchboard.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Routes messages between this node and the others through a {@link ClusterLink} (protocol.md,
 * cluster). With {@link ClusterLink#alone()} it does nothing at all.
 *
 * <p><b>Topics.</b> A node receives only what it has local targets for: {@code c:<channel>} while one
 * of its connections subscribes to that exact channel, {@code p:<pattern>} while one subscribes to that
 * wildcard pattern, {@code u:<user>} while one of the user's connections is open here,
 * {@code n:<node>} (messages to its own connections), {@code b} (broadcasts) and {@code ctl}.
 * Subscriptions are counted here, so the link asks for each topic once.
 *
 * <p><b>Wildcards without pattern matching in the broker.</b> Every node tells the others which
 * wildcard patterns it holds ({@code ctl}); each node keeps the cluster's patterns in a
 * {@link SubscriptionIndex}. A channel publish goes to {@code c:<channel>} and to {@code p:<q>} for
 * each cluster pattern {@code q} that matches the channel, found by the publisher in its trie. The
 * broker never evaluates a pattern (no PSUBSCRIBE, whose cost is every pattern of every client on
 * every publish): a publish costs one topic plus one per distinct matching pattern.
 *
 * <p><b>Order and duplicates.</b> A node queues every outbound message under one lock with the
 * next number of its incarnation ({@code seq}); the link keeps that order, so a receiver sees one
 * publisher's messages in order whatever topics they came through. A message published to several
 * topics this node receives arrives several times in a row; the receiver delivers the first (to every
 * local subscriber it matches, once) and drops any number not above the last it saw from that sender.
 */
public final class ClusterRouter implements ClusterLink.Receiver, ConnectionLimits.ClusterSlots {

    private static final Logger LOG = Logger.getLogger(ClusterRouter.class.getName());

    static final String BROADCAST = "b";
    static final String CONTROL = "ctl";

    /** How a message for one connection went. */
    public enum Outcome { DELIVERED, NOT_OPEN, FORWARDED, NOT_FOUND }

    /**
     * What the cluster needs of this node: its settings and connections, delivery to them, and their
     * reconnects and closes. The {@link Hub} gives it; nothing else of the hub is in the cluster's reach.
     */
    interface LocalNode {
        Settings settings();

        Clock clock();

        ConnectionRegistry registry();

        boolean isDraining();

        /** A channel message from another node, for this node's subscribers. */
        int deliverChannel(String channel, String data);

        /** A channel message numbered by the shared history (any node's, this one's included). */
        int deliverNumbered(String channel, String epoch, long offset, String data);

        /** Pub/sub delivers again after an outage: deliver what the numbered channels missed meanwhile. */
        CaughtUp catchUpNumbered();

        /** A message from another node for one user's connections on this node. */
        int deliverUser(String userId, String data);

        /** A broadcast from another node, for every connection of this node. */
        int deliverAll(String data);

        boolean sendTo(ManagedConnection c, String data);

        boolean requestReconnect(ManagedConnection c, String reason, long afterMs, String url);

        void close(ManagedConnection c, Disconnect why);

        /** Closes the connection holding {@code slot}: a newer connection of its user took it (close-oldest). */
        void displaceSlot(String slot);

        /** This node's reservations of cluster-wide slots, to record again when Redis lost them. */
        java.util.Collection<Reservation> slotsHeld();
    }

    /**
     * What a catch-up after a link outage did: how many channels with subscribers here it read, how
     * many had missed messages it delivered from the store, how many got {@code resync}.
     */
    public record CaughtUp(int channels, int recovered, int resynced) { }

    private final LocalNode node;
    private final ClusterLink link;
    private final String nodeId;
    /** This node's incarnation: node id plus a random part, so a restarted node's numbers start afresh. */
    private final String origin;
    /** The last number given to an outbound message; guarded by {@code this}. */
    private long seq;
    /** Local users of each topic; a topic is subscribed while its count is above zero. Guarded by {@code this}. */
    private final Map<String, Integer> interest = new HashMap<>();
    /** Topics whose subscribe Redis has not confirmed yet, with the answer to come. Guarded by {@code this}. */
    private final Map<String, CompletableFuture<Void>> subscribing = new HashMap<>();
    /** Answers of topics given up before their subscribe was confirmed, to complete outside the lock. Guarded by {@code this}. */
    private final List<CompletableFuture<Void>> givenUp = new ArrayList<>();
    /** Wildcard patterns held by each node of the cluster, this one included; changed on the receiving thread. */
    private final Map<String, Set<String>> patternsByNode = new ConcurrentHashMap<>();
    /** The cluster's wildcard patterns, each subscribed by itself, for matching at publish. */
    private final SubscriptionIndex<String> clusterPatterns = new SubscriptionIndex<>();
    /** The last number received from each sending incarnation. */
    private final Map<String, Long> lastSeen = new ConcurrentHashMap<>();
    /** Connections of this node recorded in the cluster registry and counted under their user's topic. */
    private final Set<String> registered = ConcurrentHashMap.newKeySet();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong malformed = new AtomicLong();
    private final AtomicLong unavailable = new AtomicLong();
    /** Registry entries found after their node's presence had expired, and removed. */
    private final AtomicLong expired = new AtomicLong();
    private final ClusterPresence presence;
    private final ClusterCalls calls;

    ClusterRouter(LocalNode node, ClusterLink link) {
        this.node = node;
        this.link = link;
        this.nodeId = node.settings().nodeId();
        this.origin = nodeId + "/" + UUID.randomUUID().toString().substring(0, 8);
        this.presence = new ClusterPresence(node, link, this);
        this.calls = new ClusterCalls(this, nodeId);
    }

    /** Request and reply between nodes: calls that wait for the owning node's answer. */
    public ClusterCalls calls() {
        return calls;
    }

    /** This node's id in the cluster. */
    public String nodeId() {
        return nodeId;
    }

    // ---- cluster-wide limits: called by ConnectionLimits ----

    @Override
    public String take(String slot, String ip, String user) {
        checkAvailable();
        return link.takeSlot(slot, nodeId, ip, user, node.settings().limits());
    }

    @Override
    public void giveBack(String slot) {
        link.releaseSlot(slot);
    }

    @Override
    public void displaceRemote(String owner, String slot) {
        try {
            sendChecked(nodeTopic(owner), Envelope.DISPLACE, slot);
        } catch (ClusterUnavailableException e) {
            LOG.warning("event=cluster-displace-lost node=" + LifecycleLog.quote(owner) + " slot=" + slot);
        }
    }

    /** Sends a call of {@link ClusterCalls}; refused when the cluster cannot carry it. */
    void sendCall(String topic, String target, String callId, String op, String... args) {
        checkAvailable();
        String[] rest = new String[3 + args.length];
        rest[0] = callId;
        rest[1] = nodeId;
        rest[2] = op;
        System.arraycopy(args, 0, rest, 3, args.length);
        sendChecked(topic, Envelope.CALL, target, rest);
    }

    /** Answers a call of {@code caller}; an answer the link cannot carry is lost (the caller times out). */
    synchronized void sendReply(String caller, String callId, String from, int status, String body) {
        if (!send(nodeTopic(caller), Envelope.REPLY, callId, from, Integer.toString(status), body)) {
            unavailable.incrementAndGet();
        }
    }

    /** Whether other nodes exist for this node (a link other than {@link ClusterLink#alone()}). */
    public boolean isClustered() {
        return link != ClusterLink.alone();
    }

    /** Whether messages can cross to the other nodes now: the link is up and its last probe came back. */
    public boolean isAvailable() {
        return link.isAvailable() && presence.isHealthy();
    }

    /** Why the cluster is not available, for readiness; empty when it is. */
    public String unavailableReason() {
        if (!link.isAvailable()) {
            return "redis unreachable";
        }
        return presence.isHealthy() ? "" : "pub/sub probe lost";
    }

    public ClusterLink link() {
        return link;
    }

    /** Connects the link and subscribes the topics every node needs. */
    public void start() {
        if (!isClustered()) {
            return;
        }
        patternsByNode.put(nodeId, ConcurrentHashMap.newKeySet());
        // a restarted node with the same id inherits nothing of its previous life
        link.forgetNode(nodeId);
        link.start(this);
        synchronized (this) {
            for (String topic : List.of(nodeTopic(nodeId), BROADCAST, CONTROL)) {
                if (acquire(topic)) {
                    subscribeTopic(topic);
                }
            }
        }
    }

    public void stop() {
        link.stop();
    }

    static String channelTopic(String channel) {
        return "c:" + channel;
    }

    static String patternTopic(String pattern) {
        return "p:" + pattern;
    }

    static String userTopic(String user) {
        return "u:" + user;
    }

    static String nodeTopic(String node) {
        return "n:" + node;
    }

    // ---- interest: called by Channels and the Hub ----

    /**
     * A local connection subscribed to {@code pattern}; completes when other nodes' publishes reach this
     * node (for a topic another connection subscribed a moment ago, when that subscription is in force).
     */
    CompletionStage<Void> subscribed(String pattern, boolean wildcard) {
        if (!isClustered()) {
            return CompletableFuture.completedFuture(null);
        }
        String topic = wildcard ? patternTopic(pattern) : channelTopic(pattern);
        synchronized (this) {
            if (!acquire(topic)) {
                return inForce(topic);
            }
            if (wildcard) {
                patternsByNode.get(nodeId).add(pattern);
                send(CONTROL, Envelope.PATTERN, nodeId, "+", pattern);
            }
            return subscribeTopic(topic);
        }
    }

    /** The caller holds {@code this}. */
    private CompletionStage<Void> inForce(String topic) {
        CompletionStage<Void> pending = subscribing.get(topic);
        return pending == null ? CompletableFuture.completedFuture(null) : pending;
    }

    /**
     * Subscribes {@code topic} on the link. The answer completes when Redis confirms a subscribe of it;
     * until then later users of the topic wait for the same answer, so nobody reads a channel's history,
     * or is told {@code subscribed}, while the channel's messages cannot reach this node yet. The caller
     * holds {@code this}.
     */
    private CompletionStage<Void> subscribeTopic(String topic) {
        CompletableFuture<Void> answer = subscribing.computeIfAbsent(topic, t -> new CompletableFuture<>());
        askLink(topic, answer);
        return answer;
    }

    /**
     * One subscribe of {@code topic} on the link for {@code answer}. One not confirmed (Redis did not
     * answer within {@code redis-timeout}) is asked again while the link is up and the topic still
     * wanted here; when the link is down, its coming back subscribes every topic again ({@link #linkUp})
     * and answers then. The caller holds {@code this}.
     */
    private void askLink(String topic, CompletableFuture<Void> answer) {
        link.subscribe(topic).whenComplete((ok, failed) -> {
            if (failed == null) {
                synchronized (this) {
                    subscribing.remove(topic, answer);
                }
                answer.complete(null);
                return;
            }
            synchronized (this) {
                if (subscribing.get(topic) == answer && link.isAvailable()) {
                    askLink(topic, answer);
                }
            }
        });
    }

    /** Answers the subscribes still waiting for topics this node has given up since (nobody needs them in force). */
    private void answerGivenUp() {
        List<CompletableFuture<Void>> answers;
        synchronized (this) {
            if (givenUp.isEmpty()) {
                return;
            }
            answers = List.copyOf(givenUp);
            givenUp.clear();
        }
        answers.forEach(a -> a.complete(null));
    }

    void unsubscribed(String pattern, boolean wildcard) {
        if (!isClustered()) {
            return;
        }
        String topic = wildcard ? patternTopic(pattern) : channelTopic(pattern);
        synchronized (this) {
            if (release(topic) && wildcard) {
                patternsByNode.get(nodeId).remove(pattern);
                send(CONTROL, Envelope.PATTERN, nodeId, "-", pattern);
            }
        }
        answerGivenUp();
    }

    /** An OPEN connection: recorded in the registry, its user's topic subscribed. */
    void opened(ManagedConnection c) {
        if (!isClustered() || !registered.add(c.id())) {
            return;
        }
        link.registered(c.id(), ClusterConnection.of(c, nodeId).encode());
        synchronized (this) {
            if (acquire(userTopic(c.userId()))) {
                subscribeTopic(userTopic(c.userId()));
            }
        }
        if (c.state() == ConnectionState.CLOSED) {
            released(c); // released while it was being recorded: undo
        }
    }

    void released(ManagedConnection c) {
        if (!isClustered() || !registered.remove(c.id())) {
            return;
        }
        link.unregistered(c.id());
        synchronized (this) {
            release(userTopic(c.userId()));
        }
        answerGivenUp();
    }

    /**
     * Counts one user of {@code topic} on; true when it is the first (the caller subscribes it). A count
     * may go below zero for a moment when a connection's release overtakes its subscribe; the two then
     * cancel out without touching the link. The caller holds {@code this}.
     */
    private boolean acquire(String topic) {
        int n = interest.merge(topic, 1, Integer::sum);
        if (n == 0) {
            interest.remove(topic);
        }
        return n == 1;
    }

    /** Counts one user of {@code topic} off; true when it was the last (the topic is then unsubscribed). */
    private boolean release(String topic) {
        int n = interest.merge(topic, -1, Integer::sum);
        if (n == 0) {
            interest.remove(topic);
            link.unsubscribe(topic);
            CompletableFuture<Void> waiting = subscribing.remove(topic);
            if (waiting != null) {
                givenUp.add(waiting);
            }
            return true;
        }
        return false;
    }

    // ---- outbound ----

    /** Refuses early, before anything is delivered locally, when the cluster cannot carry a message. */
    void checkAvailable() {
        if (isClustered() && !link.isAvailable()) {
            unavailable.incrementAndGet();
            throw new ClusterUnavailableException("the cluster cannot be reached; nothing was delivered");
        }
    }

    /** A channel message to the other nodes: its exact topic and each matching wildcard pattern's. */
    void publishChannel(String channel, String[] name, String data) {
        if (!isClustered()) {
            return;
        }
        Set<String> patterns = clusterPatterns.match(name);
        synchronized (this) {
            long n = ++seq;
            String payload = Envelope.encode(Envelope.CHANNEL, origin, n, channel, data);
            boolean ok = link.publish(channelTopic(channel), payload);
            for (String p : patterns) {
                ok &= link.publish(patternTopic(p), payload);
            }
            refusedIf(!ok);
        }
    }

    /**
     * The topics a message of {@code channel} goes to when the shared history publishes it: its exact
     * topic and one per wildcard pattern held anywhere in the cluster, this node included (the history
     * delivers to this node's subscribers through the link as well). Empty for a node alone.
     */
    List<String> channelTopics(String channel, String[] name) {
        if (!isClustered()) {
            return List.of();
        }
        Set<String> patterns = new HashSet<>(clusterPatterns.match(name));
        for (String own : patternsByNode.getOrDefault(nodeId, Set.of())) {
            if (ChannelNames.covers(ChannelNames.pattern(own), name)) {
                patterns.add(own);
            }
        }
        List<String> topics = new java.util.ArrayList<>(patterns.size() + 1);
        topics.add(channelTopic(channel));
        patterns.forEach(p -> topics.add(patternTopic(p)));
        return topics;
    }

    void publishUser(String user, String data) {
        if (isClustered()) {
            sendChecked(userTopic(user), Envelope.USER, user, data);
        }
    }

    void publishBroadcast(String data) {
        if (isClustered()) {
            sendChecked(BROADCAST, Envelope.BROADCAST, "", data);
        }
    }

    /**
     * Sends {@code data} to connection {@code id} wherever it is: here, or through the node the registry
     * names (which then acts as if called itself).
     */
    public Outcome toConnection(String id, String data) {
        Optional<ManagedConnection> local = node.registry().find(id);
        if (local.isPresent()) {
            return node.sendTo(local.get(), data) ? Outcome.DELIVERED : Outcome.NOT_OPEN;
        }
        return forward(id, Envelope.TO_CONNECTION, data);
    }

    /** Asks connection {@code id}, on whichever node, to reconnect; see {@link Hub#requestReconnect}. */
    public Outcome reconnect(String id, String reason, long afterMs, String url) {
        Optional<ManagedConnection> local = node.registry().find(id);
        if (local.isPresent()) {
            // without a URL of the caller's: the least-loaded other node, when one is known
            String to = url != null ? url : bestOtherNode().orElse(null);
            return node.requestReconnect(local.get(), reason, afterMs, to) ? Outcome.DELIVERED : Outcome.NOT_OPEN;
        }
        return forward(id, Envelope.RECONNECT, reason, Long.toString(afterMs), url == null ? "" : url);
    }

    /** Closes connection {@code id} on whichever node holds it. */
    public Outcome close(String id, Disconnect why) {
        Optional<ManagedConnection> local = node.registry().find(id);
        if (local.isPresent()) {
            node.close(local.get(), why);
            return Outcome.DELIVERED;
        }
        return forward(id, Envelope.CLOSE, Integer.toString(why.code()), why.reason());
    }

    private Outcome forward(String id, char kind, String... rest) {
        if (!isClustered()) {
            return Outcome.NOT_FOUND;
        }
        Optional<ClusterConnection> found = find(id);
        if (found.isEmpty() || found.get().node().equals(nodeId)) {
            return Outcome.NOT_FOUND;
        }
        sendChecked(nodeTopic(found.get().node()), kind, id, rest);
        return Outcome.FORWARDED;
    }

    /**
     * Connection {@code id} as the cluster registry records it (whichever node holds it); empty when
     * unknown or without a cluster.
     *
     * @throws ClusterUnavailableException when the registry cannot be asked
     */
    public Optional<ClusterConnection> find(String id) {
        if (!isClustered()) {
            return Optional.empty();
        }
        checkAvailable();
        Optional<ClusterConnection> found = link.recordOf(id).flatMap(value -> decodeRecord(id, value));
        return found.isEmpty() ? found : found.filter(alive(liveNodes()));
    }

    /**
     * Up to {@code limit} connections of the whole cluster from its registry, oldest first.
     *
     * @throws ClusterUnavailableException when the registry cannot be read
     */
    public List<ClusterConnection> all(int limit) {
        if (!isClustered()) {
            return node.registry().all().stream().map(c -> ClusterConnection.of(c, nodeId))
                    .sorted(java.util.Comparator.comparingLong(ClusterConnection::connectedAtMillis)).limit(limit).toList();
        }
        checkAvailable();
        java.util.function.Predicate<ClusterConnection> alive = alive(liveNodes());
        return link.records(limit).entrySet().stream()
                .flatMap(e -> decodeRecord(e.getKey(), e.getValue()).stream())
                .filter(alive)
                .sorted(java.util.Comparator.comparingLong(ClusterConnection::connectedAtMillis))
                .toList();
    }

    private Set<String> liveNodes() {
        Set<String> live = new HashSet<>();
        presence.nodes().forEach(n -> live.add(n.id()));
        return live;
    }

    /**
     * Registry entries expire with their node's presence (refreshed every second, stale after
     * {@code node-timeout}): an entry of a node that is not live is no connection any more. It is left
     * out and removed, whether or not another node has swept the dead node yet (with every node gone,
     * none would have).
     */
    private java.util.function.Predicate<ClusterConnection> alive(Set<String> live) {
        return c -> {
            if (live.contains(c.node())) {
                return true;
            }
            expired.incrementAndGet();
            link.unregistered(c.id());
            return false;
        };
    }

    private Optional<ClusterConnection> decodeRecord(String id, String value) {
        try {
            return Optional.of(ClusterConnection.decode(id, value));
        } catch (IllegalArgumentException e) {
            malformed.incrementAndGet();
            return Optional.empty();
        }
    }

    private void sendChecked(String topic, char kind, String target, String... rest) {
        synchronized (this) {
            refusedIf(!send(topic, kind, target, rest));
        }
    }

    /** Queues one envelope with the next number; the caller holds {@code this}. */
    private boolean send(String topic, char kind, String target, String... rest) {
        return link.publish(topic, Envelope.encode(kind, origin, ++seq, target, rest));
    }

    private void refusedIf(boolean refused) {
        if (refused) {
            unavailable.incrementAndGet();
            throw new ClusterUnavailableException("the cluster did not take the message");
        }
    }

    // ---- inbound ----

    @Override
    public void linkUp() {
        // presence first: the registry entries below count only while their node's presence is fresh
        presence.announce();
        for (String id : registered) {
            // Redis may have lost them (a restart without persistence)
            node.registry().find(id).ifPresent(c -> link.registered(id, ClusterConnection.of(c, nodeId).encode()));
        }
        for (Reservation r : node.slotsHeld()) {
            ManagedConnection c = r.connection();
            link.restoreSlot(r.slot(), nodeId, r.ip(), r.userId(), c == null ? node.clock().epochMillis() : c.connectedAtMillis());
        }
        synchronized (this) {
            // no probe until this node's own topic is subscribed again, or the probe would be lost to
            // the resubscription itself and renew the link once more
            presence.pauseProbe();
            List<CompletableFuture<Void>> subscribed = new ArrayList<>();
            interest.forEach((topic, n) -> {
                if (n > 0) {
                    CompletionStage<Void> done = subscribeTopic(topic);
                    subscribed.add(done.toCompletableFuture());
                    if (topic.equals(nodeTopic(nodeId))) {
                        done.thenRun(presence::resumeProbe);
                    }
                }
            });
            // messages published while the link was down never reach this node through pub/sub; once
            // every topic is subscribed again, a marker through this node's own topic says from when
            // the stream is whole again, and what came before it is read from the shared history
            // (an answer never fails: it waits until its topic is subscribed or given up)
            CompletableFuture.allOf(subscribed.toArray(CompletableFuture[]::new)).thenRun(() -> {
                synchronized (this) {
                    send(nodeTopic(nodeId), Envelope.RESUBSCRIBED, nodeId);
                }
            });
            if (interest.getOrDefault(nodeTopic(nodeId), 0) <= 0) {
                presence.resumeProbe(); // not started yet: start() subscribes it
            }
            send(CONTROL, Envelope.HELLO, nodeId);
            send(CONTROL, Envelope.PATTERNS, nodeId, patternsByNode.get(nodeId).toArray(String[]::new));
        }
    }

    @Override
    public void tick() {
        if (isClustered()) {
            presence.tick();
        }
    }

    /** This node as it announces itself. */
    public NodeInfo self() {
        return presence.self();
    }

    /** See {@link ClusterPresence#nodes()}. */
    public List<NodeInfo> nodes() {
        return isClustered() ? presence.nodes() : List.of(presence.self());
    }

    /** See {@link ClusterPresence#bestOtherNode()}. */
    public Optional<String> bestOtherNode() {
        return presence.bestOtherNode();
    }

    /** Sends this node's pub/sub probe to its own topic; called by {@link ClusterPresence}. */
    synchronized void sendProbe() {
        send(nodeTopic(nodeId), Envelope.PROBE, nodeId);
    }

    @Override
    public void receive(String topic, String payload) {
        presence.delivered();
        Envelope e;
        try {
            e = Envelope.decode(payload);
        } catch (IllegalArgumentException bad) {
            malformed.incrementAndGet();
            LOG.warning("event=cluster-malformed topic=" + LifecycleLog.quote(topic) + " problem=" + LifecycleLog.quote(bad.getMessage()));
            return;
        }
        if (e.kind() == Envelope.NUMBERED && e.origin().equals(Envelope.STORE)) {
            // numbered by the store: ordered and deduplicated by offset, not by sender
            received.incrementAndGet();
            try {
                node.deliverNumbered(e.target(), e.rest(0), e.seq(), e.rest(1));
            } catch (RuntimeException failure) {
                malformed.incrementAndGet();
                LOG.log(Level.WARNING, "event=cluster-dispatch-failed kind=" + e.kind(), failure);
            }
            return;
        }
        if (e.origin().equals(origin)) {
            if (e.kind() == Envelope.PROBE) {
                presence.probeReturned();
            } else if (e.kind() == Envelope.RESUBSCRIBED) {
                long start = node.clock().nanoTime();
                CaughtUp caughtUp = node.catchUpNumbered();
                if (caughtUp.channels() > 0) {
                    LOG.info("event=cluster-caught-up node=" + nodeId + " channels=" + caughtUp.channels()
                            + " recovered=" + caughtUp.recovered() + " resynced=" + caughtUp.resynced()
                            + " durationMs=" + (node.clock().nanoTime() - start) / 1_000_000);
                }
            }
            return;
        }
        Long last = lastSeen.get(e.origin());
        if (last != null && e.seq() <= last) {
            duplicates.incrementAndGet();
            return;
        }
        lastSeen.put(e.origin(), e.seq());
        received.incrementAndGet();
        try {
            dispatch(e);
        } catch (RuntimeException failure) {
            malformed.incrementAndGet();
            LOG.log(Level.WARNING, "event=cluster-dispatch-failed kind=" + e.kind(), failure);
        }
    }

    private void dispatch(Envelope e) {
        switch (e.kind()) {
            case Envelope.CHANNEL -> node.deliverChannel(e.target(), e.rest(0));
            case Envelope.USER -> node.deliverUser(e.target(), e.rest(0));
            case Envelope.BROADCAST -> node.deliverAll(e.rest(0));
            case Envelope.TO_CONNECTION -> node.registry().find(e.target()).ifPresent(c -> node.sendTo(c, e.rest(0)));
            case Envelope.RECONNECT -> reconnect(e.target(), e.rest(0), Long.parseLong(e.rest(1)),
                    e.rest(2).isEmpty() ? null : e.rest(2));
            case Envelope.CLOSE -> node.registry().find(e.target()).ifPresent(c -> node.close(
                    c, Disconnect.byOperator(Integer.parseInt(e.rest(0)), e.rest(1))));
            case Envelope.PATTERN -> patternChanged(e.target(), e.rest(0).equals("+"), e.rest(1));
            case Envelope.PATTERNS -> patternsOf(e.target(), e.rest());
            case Envelope.HELLO -> {
                synchronized (this) {
                    send(CONTROL, Envelope.PATTERNS, nodeId, patternsByNode.get(nodeId).toArray(String[]::new));
                }
            }
            case Envelope.DISPLACE -> node.displaceSlot(e.target());
            case Envelope.CALL -> calls.called(e.target(), e.rest());
            case Envelope.REPLY -> calls.replied(e.target(), e.rest(0), Integer.parseInt(e.rest(1)), e.rest(2));
            case Envelope.PROBE -> { } // another node's probe on a topic it shares with this one: nothing to do
            default -> malformed.incrementAndGet();
        }
    }

    private synchronized void patternChanged(String node, boolean added, String pattern) {
        if (node.equals(nodeId)) {
            return; // another incarnation of this node id (a restart): this one's own set stands
        }
        String[] parsed = ChannelNames.pattern(pattern);
        Set<String> held = patternsByNode.computeIfAbsent(node, n -> ConcurrentHashMap.newKeySet());
        if (added) {
            held.add(pattern);
            clusterPatterns.subscribe(parsed, pattern);
        } else {
            held.remove(pattern);
            forgetPatternIfUnused(pattern);
        }
    }

    private synchronized void patternsOf(String node, List<String> patterns) {
        if (node.equals(nodeId)) {
            return;
        }
        Set<String> before = patternsByNode.put(node, ConcurrentHashMap.newKeySet());
        for (String p : patterns) {
            patternChanged(node, true, p);
        }
        for (String p : before == null ? Set.<String>of() : new HashSet<>(before)) {
            forgetPatternIfUnused(p);
        }
    }

    /**
     * Drops a pattern from the index once no other node holds it (this node's own patterns are not
     * indexed: its subscribers got the message locally); the caller holds {@code this}.
     */
    private void forgetPatternIfUnused(String pattern) {
        for (Map.Entry<String, Set<String>> held : patternsByNode.entrySet()) {
            if (!held.getKey().equals(nodeId) && held.getValue().contains(pattern)) {
                return;
            }
        }
        clusterPatterns.unsubscribe(ChannelNames.pattern(pattern), pattern);
    }

    /** Forgets everything a node announced: it is gone. */
    public synchronized void nodeGone(String node) {
        Set<String> held = patternsByNode.remove(node);
        if (held != null) {
            held.forEach(this::forgetPatternIfUnused);
        }
        lastSeen.keySet().removeIf(o -> o.startsWith(node + "/"));
    }

    /** Registry entries left out and removed because their node's presence had expired. */
    public long expiredEntries() {
        return expired.get();
    }

    /** Figures for stats and metrics. */
    public Stats stats() {
        return new Stats(isClustered(), isClustered() && isAvailable(), received.get(), duplicates.get(),
                malformed.get(), unavailable.get(), link.dropped(), presence.probesLost(), countPatterns());
    }

    private int countPatterns() {
        Set<String> all = new HashSet<>();
        patternsByNode.forEach((node, held) -> {
            if (!node.equals(nodeId)) {
                all.addAll(held);
            }
        });
        return all.size();
    }

    /** What the cluster router counted: messages received, dropped duplicates, refusals. */
    public record Stats(boolean clustered, boolean available, long received, long duplicates, long malformed,
                        long unavailable, long dropped, long probesLost, int remotePatterns) { }
}
