package io.switchboard.core;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The cluster port: how one node reaches the others (protocol.md, cluster). The core speaks in
 * topics and opaque payloads; what carries them (Redis pub/sub in the shell) is the implementation's
 * business. {@link #alone()} is a node by itself: nothing to reach, nothing to start.
 *
 * <p>Contract for implementations: {@link #publish} only queues and never blocks; payloads queued by
 * one thread in one order leave in that order (the {@link ClusterRouter} queues under its lock);
 * {@link #subscribe} and {@link #unsubscribe} are counted by the router, so each topic is asked for
 * once, and may be batched; inbound payloads are handed to the {@link Receiver} one at a time, in
 * the order they arrived, never on a thread that must not block.
 */
public interface ClusterLink {

    /** What the core does with what the link brings in. */
    interface Receiver {
        /** One payload published to {@code topic} by some node, this one included. */
        void receive(String topic, String payload);

        /** The link is (again) connected: re-announce what the other nodes must know. */
        void linkUp();

        /** Called about once a second by the link's own thread: presence and the pub/sub probe. */
        void tick();
    }

    /** Connects (or starts trying to) and from now on hands inbound payloads to {@code receiver}. */
    void start(Receiver receiver);

    /** Starts receiving {@code topic}; completes once payloads published to it from now on arrive. */
    CompletionStage<Void> subscribe(String topic);

    void unsubscribe(String topic);

    /** Queues {@code payload} for every subscriber of {@code topic}; false when it cannot be carried now. */
    boolean publish(String topic, String payload);

    /** Whether the link can carry messages now. */
    boolean isAvailable();

    /** Records that this node holds connection {@code id} (the cluster registry), with its record. */
    void registered(String connectionId, String record);

    void unregistered(String connectionId);

    /**
     * The record {@link #registered} wrote for connection {@code id}; may wait for an answer up to the
     * implementation's timeout.
     *
     * @throws ClusterUnavailableException when the registry cannot be asked
     */
    Optional<String> recordOf(String connectionId);

    /**
     * Up to {@code limit} records of the registry, by connection id (any order).
     *
     * @throws ClusterUnavailableException when the registry cannot be read
     */
    java.util.Map<String, String> records(int limit);

    /** Writes this node's presence record (an expiring entry of the node table). */
    void presence(String nodeId, String record, long ttlMillis);

    /**
     * Every node's presence record; may wait up to the implementation's timeout.
     *
     * @throws ClusterUnavailableException when the table cannot be read
     */
    java.util.Map<String, String> nodes();

    /**
     * Takes one connection's slots of the cluster-wide limits in one atomic step (protocol.md, limits):
     * with {@code ip} the global, IP and (when {@code user} is not null) user slots of a new connection;
     * with {@code ip} null only the user slot of an existing {@code slot} (in-band authentication). At
     * the user limit with {@code close-oldest}, the user's oldest slot (by the time it was taken) gives
     * up its user slot, and its node must close its connection. May wait up to the implementation's timeout.
     *
     * @return {@code "ok"}, {@code "ok
<displaced slot>
<its node>"}, or what refused it:
     *         {@code "global"}, {@code "ip"}, {@code "user"}, {@code "gone"} (the slot was released)
     * @throws ClusterUnavailableException when the limits cannot be checked
     */
    String takeSlot(String slot, String node, String ip, String user, Settings.Limits limits);

    /** Gives back every slot of {@code slot}; queued, never waits. */
    void releaseSlot(String slot);

    /** Records a slot this node holds again, without checking limits (Redis lost it); queued. */
    void restoreSlot(String slot, String node, String ip, String user, long atMillis);

    /** Removes a dead node's presence, its registry entries, its limit slots and whatever else it held. */
    void forgetNode(String nodeId);

    /**
     * The pub/sub link stopped delivering (a probe did not come back): drop it and connect afresh,
     * subscribing everything again.
     */
    void renew();

    /** Messages waiting in the link's own queues, both ways: a probe behind them is late, not lost. */
    int backlog();

    /** What the link dropped or failed to carry since it started (bounded queues overflowing). */
    long dropped();

    void stop();

    /** A node alone: every message stays on this node. */
    static ClusterLink alone() {
        return Alone.INSTANCE;
    }

    /** The local implementation: today's single node. */
    final class Alone implements ClusterLink {
        static final Alone INSTANCE = new Alone();

        private Alone() {
        }

        @Override
        public void start(Receiver receiver) {
        }

        @Override
        public CompletionStage<Void> subscribe(String topic) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void unsubscribe(String topic) {
        }

        @Override
        public boolean publish(String topic, String payload) {
            return true;
        }

        @Override
        public boolean isAvailable() {
            return true;
        }

        @Override
        public void registered(String connectionId, String record) {
        }

        @Override
        public void unregistered(String connectionId) {
        }

        @Override
        public Optional<String> recordOf(String connectionId) {
            return Optional.empty();
        }

        @Override
        public java.util.Map<String, String> records(int limit) {
            return java.util.Map.of();
        }

        @Override
        public void presence(String nodeId, String record, long ttlMillis) {
        }

        @Override
        public java.util.Map<String, String> nodes() {
            return java.util.Map.of();
        }

        @Override
        public String takeSlot(String slot, String node, String ip, String user, Settings.Limits limits) {
            return "ok";
        }

        @Override
        public void releaseSlot(String slot) {
        }

        @Override
        public void restoreSlot(String slot, String node, String ip, String user, long atMillis) {
        }

        @Override
        public void forgetNode(String nodeId) {
        }

        @Override
        public void renew() {
        }

        @Override
        public int backlog() {
            return 0;
        }

        @Override
        public long dropped() {
            return 0;
        }

        @Override
        public void stop() {
        }
    }
}
