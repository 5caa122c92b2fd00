package io.switchboard.core;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * A clustered node's presence and health (protocol.md, cluster): it announces itself in the node
 * table every second, reads the table to find dead nodes and the best node to send clients to, and
 * probes its own pub/sub subscription so that a link that silently stopped delivering is noticed.
 * Driven by {@link ClusterRouter#tick()} on the link's thread.
 */
final class ClusterPresence {

    private static final Logger LOG = Logger.getLogger(ClusterPresence.class.getName());

    private final ClusterRouter.LocalNode node;
    private final ClusterLink link;
    private final ClusterRouter router;
    private final String nodeId;
    private final long probeTimeoutNanos;
    private final long nodeTimeoutMillis;
    private final AtomicLong probesLost = new AtomicLong();
    /** When the outstanding probe was sent (clock nanos); 0 when none is outstanding. Written by the tick thread. */
    private volatile long probeSentAt;
    /** When the outstanding probe was first sent, before any extension for a busy link. */
    private long probeFirstSentAt;
    /** When pub/sub last delivered anything to this node (clock nanos): written on every message that arrives. */
    private volatile long lastDeliveryAt;
    /** The longest a probe may be late while the link is visibly busy before it counts as lost. */
    private final long probeLatestNanos;
    /** False from a probe that did not come back in time until one does: the pub/sub link is not delivering. */
    private volatile boolean probeHealthy = true;
    /** The live nodes as last read, for {@link #bestOtherNode()}. */
    private volatile List<NodeInfo> lastNodes = List.of();
    /** False while the link resubscribes after (re)connecting: no probe is sent then. */
    private volatile boolean probeReady = true;
    /** Ticks since start, to read the node table every few seconds; only the tick thread touches it. */
    private long ticks;

    ClusterPresence(ClusterRouter.LocalNode node, ClusterLink link, ClusterRouter router) {
        this.node = node;
        this.link = link;
        this.router = router;
        this.nodeId = node.settings().nodeId();
        this.probeTimeoutNanos = node.settings().cluster().redisTimeout().toNanos();
        this.nodeTimeoutMillis = node.settings().cluster().nodeTimeout().toMillis();
        this.probeLatestNanos = Math.max(probeTimeoutNanos, node.settings().cluster().nodeTimeout().toNanos());
    }

    boolean isHealthy() {
        return probeHealthy;
    }

    long probesLost() {
        return probesLost.get();
    }

    void pauseProbe() {
        probeReady = false;
        probeSentAt = 0;
    }

    void resumeProbe() {
        probeReady = true;
    }

    /** Pub/sub delivered a message to this node: the subscription is alive, even if the probe waits behind others. */
    void delivered() {
        lastDeliveryAt = node.clock().nanoTime();
    }

    /** This node's own probe came back through pub/sub. */
    void probeReturned() {
        probeSentAt = 0;
        if (!probeHealthy) {
            probeHealthy = true;
            LOG.info("event=cluster-up node=" + nodeId + " pub/sub delivers again");
        }
    }

    /**
     * Once a second: this node's presence; a probe through its own pub/sub topic (a probe not back within
     * {@code redis-timeout} marks the cluster unavailable and renews the link: a subscription that
     * silently stopped delivering must not look healthy; while the link is visibly busy, with a burst in
     * its queues or other messages still arriving, the probe may take up to {@code node-timeout});
     * every five seconds, the node table, which
     * also removes nodes silent for {@code node-timeout}.
     */
    void tick() {
        long now = node.clock().nanoTime();
        if (!link.isAvailable()) {
            probeSentAt = 0;
            return;
        }
        long sent = probeSentAt;
        if (sent != 0 && now - sent - probeTimeoutNanos > 0 && now - probeFirstSentAt - probeLatestNanos < 0
                && (link.backlog() > 0 || lastDeliveryAt - sent > 0)) {
            // the probe waits behind a burst, in the link's own queues or in Redis's (other messages kept
            // arriving since it was sent): late, not lost; give it the time again, up to node-timeout in all.
            // Renewing a busy link would throw away every message in flight.
            probeSentAt = now;
            sent = now;
        }
        if (sent != 0 && now - sent - probeTimeoutNanos > 0) {
            probeSentAt = 0;
            probesLost.incrementAndGet();
            if (probeHealthy) {
                probeHealthy = false;
                LOG.warning("event=cluster-down node=" + nodeId + " reason=\"pub/sub probe not back within "
                        + probeTimeoutNanos / 1_000_000 + "ms\"");
            }
            link.renew();
            return;
        }
        if (sent == 0 && probeReady) {
            probeSentAt = now == 0 ? 1 : now;
            probeFirstSentAt = probeSentAt;
            router.sendProbe();
        }
        announce();
        if (ticks++ % 5 == 0) {
            try {
                nodes();
            } catch (ClusterUnavailableException e) {
                // the next tick tries again
            }
        }
    }

    /** Writes this node's presence, which its registry entries live by (they expire with it). */
    void announce() {
        link.presence(nodeId, self().encode(), nodeTimeoutMillis);
    }

    /** This node as it announces itself. */
    NodeInfo self() {
        return new NodeInfo(nodeId, node.settings().cluster().publicUrl(), node.registry().size(), node.isDraining(),
                node.clock().epochMillis());
    }

    /**
     * The live nodes, this one first; nodes silent for {@code node-timeout} are removed from the cluster
     * with their registry entries (protocol.md, cluster).
     *
     * @throws ClusterUnavailableException when the node table cannot be read
     */
    List<NodeInfo> nodes() {
        long now = node.clock().epochMillis();
        List<NodeInfo> live = new java.util.ArrayList<>();
        live.add(self());
        for (Map.Entry<String, String> entry : link.nodes().entrySet()) {
            if (entry.getKey().equals(nodeId)) {
                continue;
            }
            NodeInfo info;
            try {
                info = NodeInfo.decode(entry.getValue());
            } catch (IllegalArgumentException e) {
                link.forgetNode(entry.getKey());
                continue;
            }
            if (now - info.lastSeenMillis() > nodeTimeoutMillis) {
                LOG.warning("event=cluster-node-gone node=" + LifecycleLog.quote(info.id()) + " silentMs=" + (now - info.lastSeenMillis()));
                link.forgetNode(info.id());
                router.nodeGone(info.id());
            } else {
                live.add(info);
            }
        }
        lastNodes = List.copyOf(live);
        return lastNodes;
    }

    /**
     * The public URL of the least-loaded other node that is not draining, as of the last read of the
     * node table: where a drained or moved client should go first (protocol.md, drain and reconnect).
     */
    Optional<String> bestOtherNode() {
        return lastNodes.stream()
                .filter(n -> !n.id().equals(nodeId) && !n.draining() && n.publicUrl().isPresent())
                .min(java.util.Comparator.comparingInt(NodeInfo::connections))
                .flatMap(NodeInfo::publicUrl);
    }
}
