package io.switchboard.core;

import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The live connections of this node, by id. A connection is in the registry from the moment its
 * handshake is accepted until it is {@link ConnectionState#CLOSED}.
 *
 * <p>Lock-free: readers see a weakly consistent view, and no caller ever holds a lock while it
 * sends or calls out.
 */
public final class ConnectionRegistry {

    private final Map<String, ManagedConnection> byId = new ConcurrentHashMap<>();

    void add(ManagedConnection connection) {
        if (byId.putIfAbsent(connection.id(), connection) != null) {
            throw new IllegalStateException("connection id already registered: " + connection.id());
        }
    }

    /** @return whether this call removed it (true exactly once per connection) */
    boolean remove(ManagedConnection connection) {
        return byId.remove(connection.id(), connection);
    }

    public Optional<ManagedConnection> find(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    /** The number of connections registered, closing ones included. */
    public int size() {
        return byId.size();
    }

    /** A live, unmodifiable view; iterate it without holding anything. */
    public Collection<ManagedConnection> all() {
        return Collections.unmodifiableCollection(byId.values());
    }

    /** How many connections are in each state right now (every state present, zero or not). */
    public Map<ConnectionState, Integer> countByState() {
        Map<ConnectionState, Integer> counts = new EnumMap<>(ConnectionState.class);
        for (ConnectionState s : ConnectionState.values()) {
            counts.put(s, 0);
        }
        for (ManagedConnection c : byId.values()) {
            counts.merge(c.state(), 1, Integer::sum);
        }
        return counts;
    }
}
