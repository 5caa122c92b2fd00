package io.switchboard.core;

/**
 * One connection as the cluster registry records it: which node holds it, its user and peer address
 * and when it connected (epoch milliseconds). Enough to find, list and route to a connection of
 * another node; its live figures stay on the node that holds it.
 */
public record ClusterConnection(String id, String node, String userId, String ip, long connectedAtMillis) {

    static ClusterConnection of(ManagedConnection c, String node) {
        return new ClusterConnection(c.id(), node, c.userId(), c.remoteAddress(), c.connectedAtMillis());
    }

    /** The registry value; it starts with {@link #prefixOf(String)} of its node. */
    String encode() {
        return Envelope.encode('K', node, connectedAtMillis, userId == null ? "" : userId, ip == null ? "" : ip);
    }

    /** What every registry value of {@code node} starts with, for removing a dead node's entries. */
    public static String prefixOf(String node) {
        return "K" + node.length() + ":" + node;
    }

    /** @throws IllegalArgumentException when {@code value} is not what {@link #encode} wrote */
    static ClusterConnection decode(String id, String value) {
        Envelope e = Envelope.decode(value);
        return new ClusterConnection(id, e.origin(), e.target(), e.rest(0), e.seq());
    }
}
