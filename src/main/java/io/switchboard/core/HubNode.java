package io.switchboard.core;

/**
 * This node as the cluster sees it ({@link ClusterRouter.LocalNode}): the hub's settings and
 * connections, delivery to them and their closes, and nothing else of the hub.
 */
final class HubNode implements ClusterRouter.LocalNode {

    private final Hub hub;

    HubNode(Hub hub) {
        this.hub = hub;
    }

    @Override
    public Settings settings() {
        return hub.settings();
    }

    @Override
    public Clock clock() {
        return hub.clock();
    }

    @Override
    public ConnectionRegistry registry() {
        return hub.registry();
    }

    @Override
    public boolean isDraining() {
        return hub.isDraining();
    }

    @Override
    public int deliverChannel(String channel, String data) {
        return hub.channels().deliverLocal(channel, ChannelNames.name(channel), data);
    }

    @Override
    public int deliverNumbered(String channel, String epoch, long offset, String data) {
        return hub.channels().deliverNumbered(channel, epoch, offset, data);
    }

    @Override
    public ClusterRouter.CaughtUp catchUpNumbered() {
        return hub.channels().catchUpNumbered();
    }

    @Override
    public int deliverUser(String userId, String data) {
        return hub.channels().sendToUserLocal(userId, data);
    }

    @Override
    public int deliverAll(String data) {
        return hub.channels().broadcastLocal(data);
    }

    @Override
    public boolean sendTo(ManagedConnection c, String data) {
        return hub.channels().sendTo(c, data);
    }

    @Override
    public boolean requestReconnect(ManagedConnection c, String reason, long afterMs, String url) {
        return hub.requestReconnect(c, reason, afterMs, url);
    }

    @Override
    public void close(ManagedConnection c, Disconnect why) {
        hub.close(c, why);
    }

    @Override
    public void displaceSlot(String slot) {
        hub.gatekeeper().displaceSlot(slot);
    }

    @Override
    public java.util.Collection<Reservation> slotsHeld() {
        return hub.gatekeeper().limits().clusterSlots();
    }
}
