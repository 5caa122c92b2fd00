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
    /** Cluster-wide slots by slot id: node, ip, user (or null); insertion order is the order they were taken. */
    final Map<String, String[]> slots = new java.util.LinkedHashMap<>();
    /** Per user, its slots holding a user slot, oldest first. */
    final Map<String, java.util.LinkedHashSet<String>> userSlots = new HashMap<>();

    /** The node table: node id to presence record. */
    final Map<String, String> nodes = new HashMap<>();

    Link link(String node) {
        return new Link(node);
    }

    /** A hub named {@code id} on {@code link}, its cluster started, reachable as {@code ws://<id>.example/ws}. */
    static Hub startedNode(String id, Link link, Clock clock) {
        Hub hub = new Hub(TestSettings.with(Map.of("switchboard.node.id", id,
                "switchboard.node.public-url", "ws://" + id + ".example/ws")), clock, TestSettings.codec(), link);
        hub.cluster().start();
        return hub;
    }

    /** Delivers everything published so far (and whatever that causes) to the current subscribers. */
    void pump() {
        String[] m;
        while ((m = inFlight.poll()) != null) {
            for (Link l : List.copyOf(subscribers.getOrDefault(m[0], Set.of()))) {
                if (!l.delivering) {
                    continue;
                }
                if (m[0].equals(l.holding)) {
                    l.held.add(m);
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
        /** What was published, in the order of {@link #published}. */
        final List<String> payloads = new ArrayList<>();
        boolean available = true;
        /** When false, this link's pub/sub delivers nothing (a silently dead subscription). */
        boolean delivering = true;
        int renewals;
        Receiver receiver;
        /** A topic whose messages this link keeps back (queued behind a burst in the broker) until {@link #release()}. */
        String holding;
        final List<String[]> held = new ArrayList<>();

        Link(String node) {
            this.node = node;
        }

        /** Delivers what {@link #holding} kept back, in order, and holds nothing from then on. */
        void release() {
            holding = null;
            held.forEach(m -> {
                received.add(m[0]);
                receiver.receive(m[0], m[1]);
            });
            held.clear();
        }

        @Override
        public void start(Receiver r) {
            receiver = r;
            r.linkUp();
        }

        /** When true, a subscribe is in force only once {@link #confirmSubscribes()} runs (Redis still to answer). */
        boolean confirmLater;
        final Map<String, CompletableFuture<Void>> unconfirmed = new java.util.LinkedHashMap<>();

        /** When true, a subscribe fails as one does when the link's connection is lost on the way. */
        boolean failSubscribes;
        /** The link's connection lost ({@code true}: unavailable, subscribes fail on the way) or back. */
        void cutOff(boolean lost) {
            failSubscribes = lost;
            available = !lost;
        }

        /** How many of the next subscribes fail as one does when Redis does not answer in time, the link up. */
        int subscribesToTimeOut;

        @Override
        public CompletionStage<Void> subscribe(String topic) {
            subscribeCalls.add(topic);
            if (failSubscribes) {
                return CompletableFuture.failedFuture(new ClusterUnavailableException("the connection was lost"));
            }
            if (subscribesToTimeOut > 0) {
                subscribesToTimeOut--;
                return CompletableFuture.failedFuture(new ClusterUnavailableException("no answer in time"));
            }
            if (confirmLater) {
                return unconfirmed.computeIfAbsent(topic, t -> new CompletableFuture<>());
            }
            subscribers.computeIfAbsent(topic, t -> new LinkedHashSet<>()).add(this);
            return CompletableFuture.completedFuture(null);
        }

        /** Puts every waiting subscribe in force and answers it, in the order they were asked for. */
        void confirmSubscribes() {
            Map<String, CompletableFuture<Void>> waiting = new java.util.LinkedHashMap<>(unconfirmed);
            unconfirmed.clear();
            waiting.forEach((topic, done) -> {
                subscribers.computeIfAbsent(topic, t -> new LinkedHashSet<>()).add(this);
                done.complete(null);
            });
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
            payloads.add(payload);
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
            for (String slot : List.copyOf(slots.keySet())) {
                if (slots.get(slot)[0].equals(nodeId)) {
                    releaseSlot(slot);
                }
            }
        }

        @Override
        public String takeSlot(String slot, String node, String ip, String user, Settings.Limits limits) {
            if (!available) {
                throw new ClusterUnavailableException("down");
            }
            if (ip == null) {
                String[] held = slots.get(slot);
                if (held == null) {
                    return "gone";
                }
                ip = held[1];
            } else {
                if (slots.size() >= limits.maxConnections()) {
                    return "global";
                }
                String theIp = ip;
                if (slots.values().stream().filter(v -> v[1].equals(theIp)).count() >= limits.maxPerIp()) {
                    return "ip";
                }
            }
            String answer = "ok";
            if (user != null) {
                java.util.LinkedHashSet<String> mine = userSlots.computeIfAbsent(user, u -> new java.util.LinkedHashSet<>());
                if (mine.size() >= limits.maxPerUser()) {
                    if (limits.perUserPolicy() != Settings.PerUserPolicy.CLOSE_OLDEST) {
                        return "user";
                    }
                    String oldest = mine.iterator().next();
                    mine.remove(oldest);
                    answer = "ok\n" + oldest + "\n" + slots.get(oldest)[0];
                }
                mine.add(slot);
            }
            slots.put(slot, new String[] {node, ip, user});
            return answer;
        }

        @Override
        public void releaseSlot(String slot) {
            String[] held = slots.remove(slot);
            if (held != null && held[2] != null) {
                userSlots.getOrDefault(held[2], new java.util.LinkedHashSet<>()).remove(slot);
            }
        }

        @Override
        public void restoreSlot(String slot, String node, String ip, String user, long atMillis) {
            if (!slots.containsKey(slot)) {
                slots.put(slot, new String[] {node, ip, user});
                if (user != null) {
                    userSlots.computeIfAbsent(user, u -> new java.util.LinkedHashSet<>()).add(slot);
                }
            }
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
