package io.switchboard.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Channel subscriptions and publishing on this node (protocol.md and operations.md): the client's
 * {@code subscribe}, {@code unsubscribe} and {@code publish} requests, and the publish calls of the API.
 *
 * <p>Subscriptions live in a {@link SubscriptionIndex} and in the connection's own set, and are removed
 * when the connection is released. A publish serialises its message once ({@link PreparedMessage})
 * and puts it on each recipient's bounded queue ({@link Delivery}): each recipient gets a message
 * once however many of its patterns match, with its own {@code seq} per channel.
 *
 * <p>With history on (protocol.md, history) every publish goes through the {@link HistoryStore},
 * which gives it the channel's next offset and hands it back to {@link #fanOut}; a subscribe to an
 * exact channel catches up ({@link CatchUp}): it may replay what the client missed since its
 * {@code since}, then answers {@code subscribed} with the channel's position, then goes live.
 *
 * <p>Authorisation: a connection may subscribe to a pattern, or publish to a channel, only within
 * its {@link ManagedConnection#channelAccess()}; a refusal is an {@code error} reply, not a close.
 *
 * <p>Thread-safe; called from the endpoint's threads and the API's.
 */
public final class Channels {

    /** The most patterns one connection may hold at once. */
    public static final int MAX_SUBSCRIPTIONS = 1000;
    /** How many reads of a catch-up after a link outage are on their way to the store at once. */
    public static final int CATCH_UP_READS = 64;

    private final Delivery delivery;
    private final MessageCodec codec;
    private final Closer closer;
    private final Counters counters;
    private final ConnectionRegistry registry;
    private final ClusterRouter cluster;
    private final int maxQueuedMessages;
    private final SubscriptionIndex<ManagedConnection> index = new SubscriptionIndex<>();
    /** Where publishes get their offsets; null when history is off. */
    private final HistoryStore history;
    private final int maxRecover;
    /**
     * Subscriptions whose history is being read; empty nearly always. With a shared history an entry
     * stays after the catch-up until a live message newer than the replay passes, see {@link CatchUp}.
     */
    private final ConcurrentHashMap<CatchUp.Key, CatchUp> catchingUp = new ConcurrentHashMap<>();
    /** With a shared history: where each channel's live messages stand on this node. */
    private final LiveOrder liveOrder = new LiveOrder();
    /** With a shared history: how long a publish through the API, or a gap's recovery, may wait for the store. */
    private final long storeTimeoutMillis;

    Channels(Settings settings, MessageCodec codec, Delivery delivery, Closer closer, Counters counters,
             ConnectionRegistry registry, ClusterRouter cluster, Function<HistoryStore.Sink, HistoryStore> historyStore) {
        this.codec = codec;
        this.delivery = delivery;
        this.closer = closer;
        this.counters = counters;
        this.registry = registry;
        this.cluster = cluster;
        this.maxQueuedMessages = settings.send().maxQueuedMessages();
        this.maxRecover = settings.history().maxRecover();
        this.storeTimeoutMillis = settings.cluster().redisTimeout().toMillis();
        this.history = historyStore == null ? null : historyStore.apply(new HistoryStore.Sink() {
            @Override
            public int deliver(String channel, String epoch, HistoryStore.Entry entry) {
                return fanOut(channel, epoch, entry);
            }

            @Override
            public List<String> topics(String channel) {
                return cluster.channelTopics(channel, ChannelNames.name(channel));
            }
        });
    }

    private boolean shared() {
        return history != null && history.shared();
    }

    /** The channel history, or null when it is off. */
    public HistoryStore history() {
        return history;
    }

    /** The history's figures; all zero when it is off. */
    public HistoryStore.Stats historyStats() {
        return history == null ? new HistoryStore.Stats(0, 0, 0, 0, 0, 0) : history.stats();
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
        boolean exact = !ChannelNames.isPattern(pattern);
        if (request.since() != null && !exact) {
            counters.badMessage();
            refuse(c, request, Outbound.Error.BAD_REQUEST, "\"since\" needs an exact channel name, not a pattern");
            return;
        }
        CatchUp catchUp = null;
        CatchUp.Key key = null;
        if (history != null && exact) {
            key = new CatchUp.Key(c, request.channel());
            catchUp = new CatchUp(maxQueuedMessages);
            catchingUp.put(key, catchUp);
        }
        // interned: thousands of connections subscribe to the same few channels, and each keeps its
        // patterns for its life (the JVM drops an interned string once nothing refers to it)
        // counted in the cluster's routing before the subscription can be seen: whichever release removes
        // it (this connection's close may be running now) takes the count off exactly once, and never
        // before it was put on, so the node does not give up, even for a moment, a channel that one of
        // its connections holds
        CompletionStage<Void> inForce = cluster.subscribed(request.channel(), !exact);
        boolean added = c.addSubscription(request.channel().intern());
        if (!added) {
            cluster.unsubscribed(request.channel(), !exact); // held already, and counted then
        }
        index.subscribe(pattern, c);
        if (c.state() == ConnectionState.CLOSED) {
            release(c); // released while we subscribed: undo, or the index would keep it
            return;
        }
        if (catchUp != null) {
            CatchUp.Key k = key;
            CatchUp held = catchUp;
            // in a cluster, the history is read once other nodes' publishes reach this node, so that every
            // message after the position read arrives live
            inForce.whenComplete((ok, failed) -> catchUp(c, request, k, held));
        } else if (request.since() != null) {
            counters.recovery(false); // history is off: nothing to recover from
            delivery.send(c, new Outbound.Subscribed(request.channel(), request.id(), false, null, null));
        } else {
            // in a cluster, "subscribed" once other nodes' publishes reach this node too
            inForce.whenComplete((ok, failed) -> delivery.send(c, new Outbound.Subscribed(request.channel(), request.id())));
        }
    }

    /**
     * Reads the channel's history while its live messages wait in {@code catchUp}, then sends, in this
     * order: the missed messages (when {@code since} can be recovered), {@code subscribed} with the
     * position it leaves the client at, and the held live messages that are newer than that position.
     *
     * <p>With a shared history this node may be behind the store (its live messages still on their
     * way) or behind the client (moved from a node that was further on). The replay then covers only
     * what lies between {@code since} and the first live message held here, and the position sent is
     * never below {@code since} in the same epoch: the client is never sent, nor told to expect again,
     * a message it already has.
     */
    private void catchUp(ManagedConnection c, Inbound.Subscribe request, CatchUp.Key key, CatchUp catchUp) {
        Inbound.Since since = request.since();
        long after = since == null ? Long.MAX_VALUE : since.offset();
        history.read(request.channel(), after, since == null ? 0 : maxRecover).whenComplete((page, failure) -> {
            if (failure != null) {
                catchingUp.remove(key, catchUp);
                // answered with an error, so not subscribed either: the client forgets what it asked for
                dropSubscription(c, request.channel());
                delivery.send(c, new Outbound.Error(Outbound.Error.UNAVAILABLE, "the channel's history cannot be read",
                        request.id()));
                return;
            }
            HistoryStore.Position top = page.top();
            long held = catchUp.firstOffset();
            // the last offset that cannot come live here: everything after it is held or still to arrive
            long upTo = held > 0 ? Math.min(top.offset(), held - 1) : top.offset();
            long position = top.offset();
            Boolean recovered = null;
            if (since != null) {
                HistoryStore.Position from = new HistoryStore.Position(since.offset(), since.epoch());
                Recovery recovery = Recovery.decide(from, page, maxRecover, shared() ? upTo : top.offset());
                recovered = recovery.recovered();
                counters.recovery(recovery.recovered());
                for (HistoryStore.Entry e : recovery.replay()) {
                    delivery.send(c, request.channel(), codec.prepare(request.channel(), e.data(), e.offset(), top.epoch()));
                }
                if (shared()) {
                    position = upTo;
                }
            }
            if (!Boolean.TRUE.equals(recovered)) {
                // live messages published since the subscription began were held: they follow the reply
                position = upTo;
            }
            if (since != null && since.epoch().equals(top.epoch()) && since.offset() <= top.offset()) {
                position = Math.max(position, since.offset()); // the client has those already
            }
            delivery.send(c, new Outbound.Subscribed(request.channel(), request.id(), recovered, position, top.epoch()));
            goLive(c, request.channel(), catchUp, position, top.epoch());
            if (!shared()) {
                catchingUp.remove(key, catchUp);
            }
        });
    }

    /** Ends one exact subscription of {@code c} here and in the cluster's routing; nothing is sent. */
    private void dropSubscription(ManagedConnection c, String channel) {
        if (c.removeSubscription(channel)) {
            String[] pattern = ChannelNames.pattern(channel);
            index.unsubscribe(pattern, c);
            cluster.unsubscribed(channel, false);
            forgetIfUnwatched(channel, pattern);
        }
    }

    /** Sends the held messages newer than {@code position}, until none waits and the subscription is live. */
    private void goLive(ManagedConnection c, String channel, CatchUp catchUp, long position, String epoch) {
        long last = position;
        for (var held = catchUp.takeOrGoLive(last, epoch); held != null; held = catchUp.takeOrGoLive(last, epoch)) {
            for (CatchUp.Held h : held) {
                if (h.offset() > last) {
                    delivery.send(c, channel, h.message());
                    last = h.offset();
                }
            }
        }
    }

    private void unsubscribe(ManagedConnection c, Inbound.Unsubscribe request) {
        String[] pattern = parse(c, request, true);
        if (pattern == null) {
            return;
        }
        if (c.removeSubscription(request.channel())) {
            index.unsubscribe(pattern, c);
            cluster.unsubscribed(request.channel(), ChannelNames.isPattern(pattern));
            forgetIfUnwatched(request.channel(), pattern);
        }
        delivery.send(c, new Outbound.Unsubscribed(request.channel(), request.id()));
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
        if (shared()) {
            publishShared(c, request);
            return;
        }
        try {
            publish(request.channel(), name, request.data());
        } catch (ClusterUnavailableException e) {
            refuse(c, request, Outbound.Error.UNAVAILABLE, e.getMessage());
            return;
        }
        delivery.send(c, new Outbound.Published(request.channel(), request.id()));
    }

    /**
     * A client's publish to a shared history: {@code published} once the store gave the message its
     * offset, {@code unavailable} when it could not; the message itself comes back from the store.
     */
    private void publishShared(ManagedConnection c, Inbound.Publish request) {
        try {
            cluster.checkAvailable();
        } catch (ClusterUnavailableException e) {
            refuse(c, request, Outbound.Error.UNAVAILABLE, e.getMessage());
            return;
        }
        history.publish(request.channel(), request.data()).whenComplete((stored, failed) -> {
            if (failed == null) {
                delivery.send(c, new Outbound.Published(request.channel(), request.id()));
            } else {
                refuse(c, request, Outbound.Error.UNAVAILABLE, "the channel's history did not take the message");
            }
        });
    }

    private String[] parse(ManagedConnection c, Inbound.ChannelRequest request, boolean pattern) {
        try {
            return pattern ? ChannelNames.pattern(request.channel()) : ChannelNames.name(request.channel());
        } catch (IllegalArgumentException e) {
            counters.badMessage();
            refuse(c, request, Outbound.Error.BAD_REQUEST, e.getMessage());
            return null;
        }
    }

    private void refuse(ManagedConnection c, Inbound.ChannelRequest request, String code, String message) {
        delivery.send(c, new Outbound.Error(code, message, request.id()));
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
        String[] name = ChannelNames.name(channel);
        if (shared()) {
            cluster.checkAvailable();
            try {
                history.publish(channel, data).toCompletableFuture().get(storeTimeoutMillis, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ClusterUnavailableException("interrupted while the channel's history took the message");
            } catch (ExecutionException | TimeoutException e) {
                throw new ClusterUnavailableException("the channel's history did not take the message");
            }
            return 0; // delivered when it comes back from the store, on this node as on the others
        }
        return publish(channel, name, data);
    }

    /**
     * The one way a channel message enters Switchboard, from a client or the API: a message is
     * numbered, kept or sent to other nodes here and nowhere else.
     */
    private int publish(String channel, String[] name, String data) {
        cluster.checkAvailable();
        int queued = deliver(channel, name, data);
        cluster.publishChannel(channel, name, data);
        return queued;
    }

    /** Delivers a channel message that came from another node to this node's subscribers. */
    int deliverLocal(String channel, String[] name, String data) {
        return fanOut(channel, name, data, 0, null);
    }

    /** The one way a channel message leaves: through the history when it is on, straight out otherwise. */
    private int deliver(String channel, String[] name, String data) {
        if (history == null) {
            return fanOut(channel, name, data, 0, null);
        }
        HistoryStore.Published published = history.publish(channel, data).toCompletableFuture().getNow(null);
        return published == null ? 0 : published.recipients();
    }

    /**
     * A numbered message that came back from a shared history, for this node's subscribers: delivered
     * once and in offset order. A gap is recovered from the store when it can be, else the channel's
     * exact subscribers get {@code resync}; so is every subscriber when the channel's epoch changed.
     */
    int deliverNumbered(String channel, String epoch, long offset, String data) {
        String[] name = ChannelNames.name(channel);
        if (index.match(name).isEmpty()) {
            liveOrder.forget(channel);
            return 0;
        }
        LiveOrder.Result r = liveOrder.arrived(channel, epoch, offset);
        switch (r.step()) {
            case DUPLICATE -> {
                return 0;
            }
            case GAP -> {
                if (!recoverGap(channel, name, epoch, r.after(), offset)) {
                    resync(channel, name);
                }
            }
            case NEW_EPOCH -> resync(channel, name);
            case DELIVER -> { }
        }
        return fanOut(channel, name, data, offset, epoch);
    }

    /**
     * After an outage of the cluster link, once pub/sub delivers again: what each channel with
     * subscribers here missed meanwhile. A live gap is otherwise seen only at the channel's next
     * message, and a channel that gets none would keep its loss silent. The missed messages are
     * delivered from the store in order; when they cannot be read (another epoch, more than
     * {@code max-recover}, the store not answering) the channel's exact subscribers get {@code resync}.
     * Runs on the thread that delivers numbered messages, so none arrives while a channel catches up.
     * Up to {@value #CATCH_UP_READS} reads are on their way to the store at once and are taken in order
     * as they answer: a node with many channels waits about one round trip per that many channels, not
     * one per channel, while its inbound messages queue behind the catch-up. When one read is not
     * answered within {@code redis-timeout}, those sent before it began waiting are not waited for again.
     */
    ClusterRouter.CaughtUp catchUpNumbered() {
        if (!shared()) {
            return new ClusterRouter.CaughtUp(0, 0, 0);
        }
        List<Map.Entry<String, LiveOrder.Position>> watched = new ArrayList<>();
        for (Map.Entry<String, LiveOrder.Position> w : liveOrder.snapshot().entrySet()) {
            if (index.match(ChannelNames.name(w.getKey())).isEmpty()) {
                liveOrder.forget(w.getKey());
            } else {
                watched.add(w);
            }
        }
        ArrayDeque<PendingRead> reads = new ArrayDeque<>();
        int next = 0;
        // the reads up to this one have had their redis-timeout: one that has not answered yet gets no more
        int timedOutUpTo = -1;
        int recovered = 0;
        int resynced = 0;
        while (next < watched.size() || !reads.isEmpty()) {
            while (next < watched.size() && reads.size() < CATCH_UP_READS) {
                Map.Entry<String, LiveOrder.Position> w = watched.get(next);
                // one read: the channel's position, and what this node missed of it when that is retrievable
                reads.add(new PendingRead(next++, w.getKey(), history.read(w.getKey(), w.getValue().offset(), maxRecover)));
            }
            PendingRead read = reads.poll();
            String[] name = ChannelNames.name(read.channel());
            HistoryStore.Page page = answerWithinTimeout(read.page(), read.number() > timedOutUpTo);
            if (page == null) {
                if (Thread.currentThread().isInterrupted()) {
                    break;
                }
                // every read sent so far was sent before this wait began
                timedOutUpTo = next - 1;
                resync(read.channel(), name);
                resynced++;
                continue;
            }
            switch (catchUp(read.channel(), name, page)) {
                case RECOVERED -> recovered++;
                case RESYNCED -> resynced++;
                case NOTHING_MISSED -> { }
            }
        }
        return new ClusterRouter.CaughtUp(watched.size(), recovered, resynced);
    }

    private enum ChannelCatchUp { NOTHING_MISSED, RECOVERED, RESYNCED }

    /** A catch-up read on its way: its place in the catch-up, the channel, the store's answer to come. */
    private record PendingRead(int number, String channel, CompletionStage<HistoryStore.Page> page) { }

    /** Delivers what {@code page} shows this node missed of {@code channel}, or sends resync when it cannot. */
    private ChannelCatchUp catchUp(String channel, String[] name, HistoryStore.Page page) {
        HistoryStore.Position top = page.top();
        LiveOrder.Result r = liveOrder.arrived(channel, top.epoch(), top.offset());
        return switch (r.step()) {
            case DUPLICATE -> ChannelCatchUp.NOTHING_MISSED;
            case NEW_EPOCH -> {
                resync(channel, name);
                yield ChannelCatchUp.RESYNCED;
            }
            case DELIVER, GAP -> {
                // more than max-recover missing leaves the page short of them: a resync
                if (deliverMissing(channel, name, top.epoch(), r.after(), top.offset() + 1, page)) {
                    yield ChannelCatchUp.RECOVERED;
                }
                resync(channel, name);
                yield ChannelCatchUp.RESYNCED;
            }
        };
    }

    /** Delivers the messages after {@code after} and before {@code offset} from the store; false when it cannot. */
    private boolean recoverGap(String channel, String[] name, String epoch, long after, long offset) {
        long missing = offset - after - 1;
        if (missing > maxRecover) {
            counters.recovery(false);
            return false;
        }
        HistoryStore.Page page = readWithinTimeout(channel, after, (int) missing);
        return page != null && deliverMissing(channel, name, epoch, after, offset, page);
    }

    /**
     * The store's page of {@code channel} after {@code after}, waiting at most {@code redis-timeout}; null
     * when it did not answer in time (a failed recovery, counted) or the thread was interrupted.
     */
    private HistoryStore.Page readWithinTimeout(String channel, long after, int limit) {
        return answerWithinTimeout(history.read(channel, after, limit), true);
    }

    /**
     * The store's answer to a read: waiting at most {@code redis-timeout} for it when {@code wait}, else
     * only what has already come; null when it has not come (a failed recovery, counted) or the thread
     * was interrupted.
     */
    private HistoryStore.Page answerWithinTimeout(CompletionStage<HistoryStore.Page> read, boolean wait) {
        try {
            return read.toCompletableFuture().get(wait ? storeTimeoutMillis : 0, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException | TimeoutException e) {
            counters.recovery(false);
            return null;
        }
    }

    /**
     * Delivers, in order, the messages after {@code after} and before {@code offset} that {@code page}
     * holds, when it holds exactly those and in {@code epoch}; false, a failed recovery, otherwise.
     */
    private boolean deliverMissing(String channel, String[] name, String epoch, long after, long offset,
                                   HistoryStore.Page page) {
        long missing = offset - after - 1;
        List<HistoryStore.Entry> entries = page.entries();
        if (!page.top().epoch().equals(epoch) || entries.size() != missing || entries.get(0).offset() != after + 1) {
            counters.recovery(false);
            return false;
        }
        counters.recovery(true);
        for (HistoryStore.Entry e : entries) {
            fanOut(channel, name, e.data(), e.offset(), epoch);
        }
        return true;
    }

    /** Tells this node's exact subscribers of {@code channel} to resubscribe with {@code since}. */
    private void resync(String channel, String[] name) {
        for (ManagedConnection c : index.match(name)) {
            if (c.state() == ConnectionState.OPEN && c.isSubscribed(channel)) {
                delivery.send(c, new Outbound.Resync(channel));
            }
        }
    }

    /** Forgets a channel's live position once no subscriber of it is left on this node. */
    private void forgetIfUnwatched(String channel, String[] pattern) {
        if (shared() && !ChannelNames.isPattern(pattern) && index.match(pattern).isEmpty()) {
            liveOrder.forget(channel);
        }
    }

    /** The history's {@link HistoryStore.Sink}: a message with its offset, delivered on this node. */
    private int fanOut(String channel, String epoch, HistoryStore.Entry entry) {
        return fanOut(channel, ChannelNames.name(channel), entry.data(), entry.offset(), epoch);
    }

    private int fanOut(String channel, String[] name, String data, long offset, String epoch) {
        Set<ManagedConnection> targets = index.match(name);
        if (targets.isEmpty()) {
            return 0;
        }
        PreparedMessage message = epoch == null ? codec.prepare(channel, data) : codec.prepare(channel, data, offset, epoch);
        int queued = 0;
        for (ManagedConnection c : targets) {
            if (c.state() != ConnectionState.OPEN) {
                continue;
            }
            CatchUp catchUp = epoch == null || catchingUp.isEmpty() ? null : catchingUp.get(new CatchUp.Key(c, channel));
            if (catchUp != null) {
                CatchUp.HoldResult held = catchUp.hold(new CatchUp.Held(offset, epoch, message));
                if (held == CatchUp.HoldResult.HELD) {
                    queued++;
                    continue;
                }
                if (held == CatchUp.HoldResult.OVERFLOW) {
                    closer.close(c, Disconnect.SLOW_CONSUMER);
                    continue;
                }
                if (catchUp.alreadySent(offset, epoch)) {
                    continue; // in the replay, and now live as well
                }
                catchingUp.remove(new CatchUp.Key(c, channel), catchUp);
            }
            if (delivery.send(c, channel, message)) {
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
        cluster.checkAvailable();
        int queued = sendToUserLocal(userId, data);
        cluster.publishUser(userId, data);
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
        cluster.checkAvailable();
        int queued = broadcastLocal(data);
        cluster.publishBroadcast(data);
        return queued;
    }

    int broadcastLocal(String data) {
        return sendToAll(c -> true, data);
    }

    private int sendToAll(java.util.function.Predicate<ManagedConnection> which, String data) {
        PreparedMessage message = null;
        int queued = 0;
        for (ManagedConnection c : registry.all()) {
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

    /**
     * Ends the subscriptions that the connection's channel access no longer allows (a refreshed
     * token narrowed its {@code channels} claim), each with {@code unsubscribed} and reason
     * {@value Outbound.Unsubscribed#NOT_ALLOWED}. Runs on the connection's own message thread, so
     * no subscribe of the same connection races it.
     */
    void dropDisallowed(ManagedConnection c) {
        ChannelAccess access = c.channelAccess();
        if (access.isUnrestricted()) {
            return;
        }
        for (String p : c.subscriptions()) {
            String[] pattern = ChannelNames.pattern(p);
            if (!access.allows(pattern) && c.removeSubscription(p)) {
                index.unsubscribe(pattern, c);
                cluster.unsubscribed(p, ChannelNames.isPattern(pattern));
                forgetIfUnwatched(p, pattern);
                delivery.send(c, new Outbound.Unsubscribed(p, null, Outbound.Unsubscribed.NOT_ALLOWED));
            }
        }
    }

    /**
     * How many connections of this node hold each subscription pattern, as subscribed ({@code news.*}
     * counts under {@code news.*}, not under the channels it matches). One pass over the registry.
     */
    public Map<String, Integer> subscriberCounts() {
        Map<String, Integer> counts = new HashMap<>();
        for (ManagedConnection c : registry.all()) {
            if (c.state() == ConnectionState.CLOSED) {
                continue;
            }
            for (String pattern : c.subscriptions()) {
                counts.merge(pattern, 1, Integer::sum);
            }
        }
        return counts;
    }

    /** Whether no connection holds any subscription (every release cleaned up after itself). */
    public boolean isEmpty() {
        return index.isEmpty();
    }

    /** The connection is released: its subscriptions end here and in the cluster's routing. */
    void release(ManagedConnection c) {
        for (String p : c.subscriptions()) {
            if (!catchingUp.isEmpty()) {
                catchingUp.remove(new CatchUp.Key(c, p));
            }
            if (c.removeSubscription(p)) {
                String[] pattern = ChannelNames.pattern(p);
                index.unsubscribe(pattern, c);
                cluster.unsubscribed(p, ChannelNames.isPattern(pattern));
                forgetIfUnwatched(p, pattern);
            }
        }
    }
}
