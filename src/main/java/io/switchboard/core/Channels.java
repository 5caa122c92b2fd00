package io.switchboard.core;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Channel subscriptions and publishing on this node (CONTRACT.md sections 6 and 7): the client's
 * {@code subscribe}, {@code unsubscribe} and {@code publish} requests, and the publish calls of the API.
 *
 * <p>Subscriptions live in a {@link SubscriptionIndex} and in the connection's own set, and are removed
 * when the connection is released. A publish serialises its message once ({@link PreparedMessage})
 * and puts it on each recipient's bounded queue ({@link Delivery}): each recipient gets a message
 * once however many of its patterns match, with its own {@code seq} per channel.
 *
 * <p>Authorisation: a connection may subscribe to a pattern, or publish to a channel, only within
 * its {@link ManagedConnection#channelAccess()}; a refusal is an {@code error} reply, not a close.
 *
 * <p>Thread-safe; called from the endpoint's threads and the API's.
 */
public final class Channels {

    /** The most patterns one connection may hold at once. */
    public static final int MAX_SUBSCRIPTIONS = 1000;

    private final Hub hub;
    private final Delivery delivery;
    private final MessageCodec codec;
    private final SubscriptionIndex<ManagedConnection> index = new SubscriptionIndex<>();

    Channels(Hub hub, Delivery delivery, MessageCodec codec) {
        this.hub = hub;
        this.delivery = delivery;
        this.codec = codec;
        hub.onRelease(this::release);
    }

    void onRequest(ManagedConnection c, Inbound.ChannelRequest request) {
        if (c.state() != ConnectionState.OPEN) {
            // before authentication the connection's channel access is not known yet: never guess ALL
            refuse(c, request, Outbound.Error.FORBIDDEN, "channels are available once the connection is open");
            return;
        }
        if (request instanceof Inbound.Subscribe s) {
            subscribe(c, s);
        } else if (request instanceof Inbound.Unsubscribe u) {
            unsubscribe(c, u);
        } else if (request instanceof Inbound.Publish p) {
            publish(c, p);
        }
    }

    private void subscribe(ManagedConnection c, Inbound.Subscribe request) {
        String[] pattern = parse(c, request, true);
        if (pattern == null) {
            return;
        }
        if (!c.channelAccess().allows(pattern)) {
            refuse(c, request, Outbound.Error.FORBIDDEN, "not allowed to subscribe to '" + request.channel() + "'");
            return;
        }
        if (!c.isSubscribed(request.channel()) && c.subscriptionCount() >= MAX_SUBSCRIPTIONS) {
            refuse(c, request, Outbound.Error.TOO_MANY_SUBSCRIPTIONS,
                    "at most " + MAX_SUBSCRIPTIONS + " subscriptions per connection");
            return;
        }
        // interned: thousands of connections subscribe to the same few channels, and each keeps its
        // patterns for its life (the JVM drops an interned string once nothing refers to it)
        boolean added = c.addSubscription(request.channel().intern());
        index.subscribe(pattern, c);
        if (c.state() == ConnectionState.CLOSED) {
            release(c); // released while we subscribed: undo, or the index would keep it
            return;
        }
        if (!added) {
            hub.send(c, new Outbound.Subscribed(request.channel(), request.id()));
            return;
        }
        // in a cluster, "subscribed" once other nodes' publishes reach this node too
        hub.cluster().subscribed(request.channel(), ChannelNames.isPattern(pattern))
                .whenComplete((ok, failed) -> hub.send(c, new Outbound.Subscribed(request.channel(), request.id())));
    }

    private void unsubscribe(ManagedConnection c, Inbound.Unsubscribe request) {
        String[] pattern = parse(c, request, true);
        if (pattern == null) {
            return;
        }
        if (c.removeSubscription(request.channel())) {
            index.unsubscribe(pattern, c);
            hub.cluster().unsubscribed(request.channel(), ChannelNames.isPattern(pattern));
        }
        hub.send(c, new Outbound.Unsubscribed(request.channel(), request.id()));
    }

    private void publish(ManagedConnection c, Inbound.Publish request) {
        String[] name = parse(c, request, false);
        if (name == null) {
            return;
        }
        if (!c.channelAccess().allows(name)) {
            refuse(c, request, Outbound.Error.FORBIDDEN, "not allowed to publish to '" + request.channel() + "'");
            return;
        }
        try {
            publish(request.channel(), name, request.data());
        } catch (ClusterUnavailableException e) {
            refuse(c, request, Outbound.Error.UNAVAILABLE, e.getMessage());
            return;
        }
        hub.send(c, new Outbound.Published(request.channel(), request.id()));
    }

    private String[] parse(ManagedConnection c, Inbound.ChannelRequest request, boolean pattern) {
        try {
            return pattern ? ChannelNames.pattern(request.channel()) : ChannelNames.name(request.channel());
        } catch (IllegalArgumentException e) {
            hub.counters().badMessage();
            refuse(c, request, Outbound.Error.BAD_REQUEST, e.getMessage());
            return null;
        }
    }

    private void refuse(ManagedConnection c, Inbound.ChannelRequest request, String code, String message) {
        hub.send(c, new Outbound.Error(code, message, request.id()));
    }

    /**
     * Publishes {@code data} (JSON text) to every subscriber of {@code channel}, on this node and, in a
     * cluster, on the others.
     *
     * @return how many connections of this node it was queued to
     * @throws IllegalArgumentException    when {@code channel} is not a valid channel name
     * @throws ClusterUnavailableException when other nodes cannot be reached (nothing was delivered)
     */
    public int publish(String channel, String data) {
        return publish(channel, ChannelNames.name(channel), data);
    }

    /**
     * The one way a channel message enters Switchboard, from a client or the API: a message is
     * numbered, kept or sent to other nodes here and nowhere else.
     */
    private int publish(String channel, String[] name, String data) {
        ClusterRouter cluster = hub.cluster();
        cluster.checkAvailable();
        int queued = deliverLocal(channel, name, data);
        cluster.publishChannel(channel, name, data);
        return queued;
    }

    /** Delivers a channel message to this node's subscribers only (it came from another node, or is local). */
    int deliverLocal(String channel, String[] name, String data) {
        Set<ManagedConnection> targets = index.match(name);
        if (targets.isEmpty()) {
            return 0;
        }
        PreparedMessage message = codec.prepare(channel, data);
        int queued = 0;
        for (ManagedConnection c : targets) {
            if (c.state() == ConnectionState.OPEN && delivery.send(c, channel, message)) {
                queued++;
            }
        }
        return queued;
    }

    /** Sends {@code data} to one connection, as a message without a channel; false when it was not queued. */
    public boolean sendTo(ManagedConnection c, String data) {
        return c.state() == ConnectionState.OPEN && delivery.send(c, null, codec.prepare(null, data));
    }

    /**
     * Sends {@code data} to every open connection of {@code userId}, on every node; returns how many
     * of this node's it was queued to.
     *
     * @throws ClusterUnavailableException when other nodes cannot be reached (nothing was delivered)
     */
    public int sendToUser(String userId, String data) {
        hub.cluster().checkAvailable();
        int queued = sendToUserLocal(userId, data);
        hub.cluster().publishUser(userId, data);
        return queued;
    }

    int sendToUserLocal(String userId, String data) {
        return sendToAll(c -> userId.equals(c.userId()), data);
    }

    /**
     * Sends {@code data} to every open connection of every node, serialised once per node; returns how
     * many of this node's it was queued to.
     *
     * @throws ClusterUnavailableException when other nodes cannot be reached (nothing was delivered)
     */
    public int broadcast(String data) {
        hub.cluster().checkAvailable();
        int queued = broadcastLocal(data);
        hub.cluster().publishBroadcast(data);
        return queued;
    }

    int broadcastLocal(String data) {
        return sendToAll(c -> true, data);
    }

    private int sendToAll(java.util.function.Predicate<ManagedConnection> which, String data) {
        PreparedMessage message = null;
        int queued = 0;
        for (ManagedConnection c : hub.registry().all()) {
            if (c.state() != ConnectionState.OPEN || !which.test(c)) {
                continue;
            }
            if (message == null) {
                message = codec.prepare(null, data);
            }
            if (delivery.send(c, null, message)) {
                queued++;
            }
        }
        return queued;
    }

    /** Whether no connection holds any subscription (every release cleaned up after itself). */
    public boolean isEmpty() {
        return index.isEmpty();
    }

    private void release(ManagedConnection c) {
        Objects.requireNonNull(c, "c").outbox().shut();
        for (String p : c.subscriptions()) {
            if (c.removeSubscription(p)) {
                String[] pattern = ChannelNames.pattern(p);
                index.unsubscribe(pattern, c);
                hub.cluster().unsubscribed(p, ChannelNames.isPattern(pattern));
            }
        }
    }
}
