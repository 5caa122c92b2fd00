package io.switchboard.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * An in-memory stand-in for the cluster's broker in core unit tests: links subscribe to topics,
 * publishes wait in one FIFO until {@link #pump()} hands them to the links subscribed at that
 * moment, in order. Single-threaded; it records what each link received and what it asked for.
 */
final class FakeClusterBus {

    private final Map<String, Set<Link>> subscribers = new HashMap<>();
    private final Queue<String[]> inFlight = new ArrayDeque<>();
    private final Map<String, String> registry = new HashMap<>();
    /** The node table: node id to presence record. */
    final Map<String, String> nodes = new HashMap<>();

    Link link(String node) {
        return new Link(node);
    }

    /** Delivers everything published so far (and whatever that causes) to the current subscribers. */
    void pump() {
        String[] m;
        while ((m = inFlight.poll()) != null) {
            for (Link l : List.copyOf(subscribers.getOrDefault(m[0], Set.of()))) {
                if (!l.delivering) {
                    continue;
                }
                l.received.add(m[0]);
                l.receiver.receive(m[0], m[1]);
            }
        }
    }

    final class Link implements ClusterLink {
        final String node;
        final List<String> received = new ArrayList<>();
        final List<String> subscribeCalls = new ArrayList<>();
        final List<String> unsubscribeCalls = new ArrayList<>();
        final List<String> published = new ArrayList<>();
        boolean available = true;
        /** When false, this link's pub/sub delivers nothing (a silently dead subscription). */
        boolean delivering = true;
        int renewals;
        Receiver receiver;

        Link(String node) {
            this.node = node;
        }

        @Override
        public void start(Receiver r) {
            receiver = r;
            r.linkUp();
        }

        @Override
        public CompletionStage<Void> subscribe(String topic) {
            subscribeCalls.add(topic);
            subscribers.computeIfAbsent(topic, t -> new LinkedHashSet<>()).add(this);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void unsubscribe(String topic) {
            unsubscribeCalls.add(topic);
            Set<Link> s = subscribers.get(topic);
            if (s != null) {
                s.remove(this);
            }
        }

        @Override
        public boolean publish(String topic, String payload) {
            if (!available) {
                return false;
            }
            published.add(topic);
            inFlight.add(new String[] {topic, payload});
            return true;
        }

        @Override
        public boolean isAvailable() {
            return available;
        }

        @Override
        public void registered(String connectionId, String record) {
            registry.put(connectionId, record);
        }

        @Override
        public void unregistered(String connectionId) {
            registry.remove(connectionId);
        }

        @Override
        public Optional<String> recordOf(String connectionId) {
            return Optional.ofNullable(registry.get(connectionId));
        }

        @Override
        public Map<String, String> records(int limit) {
            return Map.copyOf(registry);
        }

        @Override
        public void presence(String nodeId, String record, long ttlMillis) {
            nodes.put(nodeId, record);
        }

        @Override
        public Map<String, String> nodes() {
            return Map.copyOf(nodes);
        }

        @Override
        public void forgetNode(String nodeId) {
            nodes.remove(nodeId);
            registry.values().removeIf(v -> v.startsWith(ClusterConnection.prefixOf(nodeId)));
        }

        @Override
        public void renew() {
            renewals++;
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

        /** Topics received other than the control topic. */
        List<String> traffic() {
            return received.stream().filter(t -> !t.equals(ClusterRouter.CONTROL)).toList();
        }
    }
}
