package io.switchboard.core;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who is subscribed to which pattern, as a trie by segment, so that a publish costs as much as the
 * patterns it matches and not as much as the number of subscriptions.
 *
 * <p>Each node is one segment; a wildcard is a child keyed {@code *} or {@code >}. Matching
 * {@code a.b.c} follows, at each depth, the child named like the segment and the {@code *} child,
 * and collects the subscribers of every {@code >} child passed on the way: at most
 * {@code 2^depth} paths, and only along patterns that exist (the NATS subject trie works so).
 *
 * <p>Concurrency: subscribe and unsubscribe take one lock and prune emptied nodes; {@link #match}
 * takes none and reads the concurrent maps, so a publish never waits for a subscribe and sees
 * each subscription either before or after a concurrent change, never half of it.
 *
 * @param <S> the subscriber, compared with {@code equals}
 */
public final class SubscriptionIndex<S> {

    private static final class Node<S> {
        /** Children by segment, wildcards included; a node with no children and no subscribers is pruned. */
        final Map<String, Node<S>> children = new ConcurrentHashMap<>();
        /** Subscribers whose pattern ends at this node. */
        final Set<S> subscribers = ConcurrentHashMap.newKeySet();

        boolean isEmpty() {
            return children.isEmpty() && subscribers.isEmpty();
        }
    }

    private final Node<S> root = new Node<>();
    /** Guards every change to the trie's shape; never held while calling out. */
    private final Object lock = new Object();

    /** @return whether {@code subscriber} was not yet subscribed to exactly this pattern */
    public boolean subscribe(String[] pattern, S subscriber) {
        synchronized (lock) {
            Node<S> node = root;
            for (String segment : pattern) {
                node = node.children.computeIfAbsent(segment, s -> new Node<>());
            }
            return node.subscribers.add(subscriber);
        }
    }

    /** @return whether {@code subscriber} was subscribed to exactly this pattern */
    public boolean unsubscribe(String[] pattern, S subscriber) {
        synchronized (lock) {
            List<Node<S>> path = new ArrayList<>(pattern.length + 1);
            Node<S> node = root;
            path.add(node);
            for (String segment : pattern) {
                node = node.children.get(segment);
                if (node == null) {
                    return false;
                }
                path.add(node);
            }
            boolean removed = node.subscribers.remove(subscriber);
            for (int i = pattern.length; i > 0 && path.get(i).isEmpty(); i--) {
                path.get(i - 1).children.remove(pattern[i - 1], path.get(i));
            }
            return removed;
        }
    }

    /** Every subscriber with at least one pattern that matches the channel {@code name}, once each. */
    public Set<S> match(String[] name) {
        Set<S> out = new HashSet<>();
        collect(root, name, 0, out);
        return out;
    }

    private static <S> void collect(Node<S> node, String[] name, int depth, Collection<S> out) {
        if (depth == name.length) {
            out.addAll(node.subscribers);
            return;
        }
        Node<S> rest = node.children.get(ChannelNames.REST);
        if (rest != null) {
            out.addAll(rest.subscribers);
        }
        Node<S> exact = node.children.get(name[depth]);
        if (exact != null) {
            collect(exact, name, depth + 1, out);
        }
        Node<S> one = node.children.get(ChannelNames.ONE);
        if (one != null) {
            collect(one, name, depth + 1, out);
        }
    }

    /** Whether no pattern has a subscriber (the trie is back to its root). */
    public boolean isEmpty() {
        return root.isEmpty();
    }
}
