package io.switchboard.cluster;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.switchboard.config.InvalidConfigurationException;
import io.switchboard.core.ClusterLink;
import io.switchboard.core.ClusterUnavailableException;
import io.switchboard.core.Settings;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The cluster port on a real Redis, with Lettuce: topics are Redis pub/sub channels named
 * {@code <cluster.name>:<topic>}, the registry is the hash {@code <cluster.name>:connections}.
 *
 * <p>Two connections: one for pub/sub, one for commands. Nothing the core calls waits for Redis:
 * outbound operations go to a bounded queue that one sender thread drains in batches, writing each
 * batch as one pipeline (auto-flush off, one flush per batch), with consecutive publishes to one topic
 * bundled into one PUBLISH (split again by the receiving node, in order); inbound messages go from Lettuce's
 * event loop to a bounded queue that one dispatcher thread hands to the core in arrival order. A full
 * queue drops and counts ({@link #dropped()}); it never blocks Lettuce's event loop.
 */
public final class RedisLink implements ClusterLink {

    private static final Logger LOG = Logger.getLogger(RedisLink.class.getName());
    static final String KEY = "switchboard.cluster.redis.uri";
    private static final int QUEUE = 100_000;
    private static final int BATCH = 1024;
    /**
     * Consecutive publishes to one topic in a batch go out as one PUBLISH of this many messages at most
     * (and about {@link #RUN_CHARS} characters): Redis and Lettuce pay per command, not per byte.
     */
    private static final int RUN = 256;
    private static final int RUN_CHARS = 256 * 1024;
    /** The first character of a payload that carries several messages: {@code *} then each as {@code <length>:<text>}. */
    static final char BUNDLE = '*';
    /** One outbound operation; {@code done} is completed for subscribes. */
    private record Op(char what, String topic, String payload, CompletableFuture<Void> done) { }

    private final Settings.Cluster settings;
    private final String nodeId;
    private final String prefix;
    private final Duration timeout;
    private final BlockingQueue<Op> outbound = new ArrayBlockingQueue<>(QUEUE);
    private final BlockingQueue<String[]> inbound = new ArrayBlockingQueue<>(QUEUE);
    private final AtomicLong dropped = new AtomicLong();
    private final java.util.function.BiConsumer<Long, Throwable> countFailure = (receivers, failure) -> {
        if (failure != null) {
            dropped.incrementAndGet();
        }
    };
    /** True from a successful connect until the command or pub/sub connection reports a disconnect. */
    private final AtomicBoolean up = new AtomicBoolean();
    /** True until the first outage is logged; set again when the link is back. */
    private final AtomicBoolean quiet = new AtomicBoolean(true);
    private volatile boolean stopped;
    private RedisClient client;
    private StatefulRedisConnection<String, String> commands;
    private StatefulRedisPubSubConnection<String, String> pubsub;
    private Receiver receiver;
    private Thread sender;
    private Thread dispatcher;

    public RedisLink(Settings.Cluster settings, String nodeId) {
        this.settings = settings;
        this.nodeId = nodeId;
        this.prefix = settings.name() + ":";
        this.timeout = settings.redisTimeout();
    }

    /**
     * Connects both connections, or stops the deployment when Redis refuses the password. Redis not
     * reachable at all is not fatal: the node starts unavailable and keeps trying.
     */
    @Override
    public void start(Receiver receiver) {
        this.receiver = receiver;
        RedisURI uri;
        try {
            uri = RedisURI.create(settings.redisUri().orElseThrow());
        } catch (IllegalArgumentException e) {
            throw InvalidConfigurationException.of(KEY, "", "not a Redis URI");
        }
        uri.setTimeout(timeout);
        client = RedisClient.create(uri);
        client.setOptions(clientOptions(timeout));
        client.addListener(new RedisConnectionStateListener() {
            @Override
            public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress address) {
                if (commands != null && pubsub != null && commands.isOpen() && pubsub.isOpen()) {
                    back();
                }
            }

            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
                lost("the connection to Redis closed");
            }
        });
        sender = thread("switchboard-cluster-sender", this::sendLoop);
        dispatcher = thread("switchboard-cluster-dispatcher", this::dispatchLoop);
        try {
            connect();
        } catch (RuntimeException e) {
            if (refusedCredentials(e)) {
                stop();
                throw InvalidConfigurationException.of(KEY, "", "Redis refused the user name or password");
            }
            lost("Redis cannot be reached (" + rootMessage(e) + ")");
        }
        sender.start();
        dispatcher.start();
    }

    private synchronized void connect() {
        if (commands == null) {
            commands = client.connect();
            commands.setAutoFlushCommands(false);
        }
        if (pubsub == null) {
            pubsub = client.connectPubSub();
            pubsub.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String channel, String message) {
                    String topic = channel.substring(prefix.length());
                    if (message.isEmpty() || message.charAt(0) != BUNDLE) {
                        arrived(topic, message);
                        return;
                    }
                    try {
                        for (String one : unbundle(message)) {
                            arrived(topic, one);
                        }
                    } catch (IllegalArgumentException malformed) {
                        dropped.incrementAndGet();
                        LOG.warning("event=cluster-malformed topic=" + io.switchboard.core.LogValues.quoted(topic)
                                + " problem=\"bundle: " + malformed.getMessage() + "\"");
                    }
                }
            });
        }
        back();
    }

    private void arrived(String topic, String message) {
        if (!inbound.offer(new String[] {topic, message})) {
            dropped.incrementAndGet();
        }
    }

    /** One payload of several messages, in order: {@code *} then each as {@code <length>:<text>}. */
    static String bundle(List<String> messages) {
        int size = 1;
        for (String m : messages) {
            size += m.length() + 12;
        }
        StringBuilder b = new StringBuilder(size).append(BUNDLE);
        for (String m : messages) {
            b.append(m.length()).append(':').append(m);
        }
        return b.toString();
    }

    /**
     * The messages of a payload made by {@link #bundle}.
     *
     * @throws IllegalArgumentException when it is not one
     */
    static List<String> unbundle(String payload) {
        if (payload.isEmpty() || payload.charAt(0) != BUNDLE) {
            throw new IllegalArgumentException("not a bundle");
        }
        List<String> out = new ArrayList<>();
        int i = 1;
        while (i < payload.length()) {
            int colon = payload.indexOf(':', i);
            if (colon <= i || colon - i > 10) {
                throw new IllegalArgumentException("bad length at " + i);
            }
            int length;
            try {
                length = Integer.parseInt(payload, i, colon, 10);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad length at " + i);
            }
            if (length < 0 || length > payload.length() - colon - 1) {
                throw new IllegalArgumentException("length past the end at " + i);
            }
            out.add(payload.substring(colon + 1, colon + 1 + length));
            i = colon + 1 + length;
        }
        return out;
    }

    private void back() {
        if (up.compareAndSet(false, true)) {
            if (!quiet.getAndSet(true)) {
                LOG.info("event=cluster-up node=" + nodeId + " redis reachable again");
            }
            if (!inbound.offer(new String[] {null, null})) {
                dropped.incrementAndGet();
            }
        }
    }

    private void lost(String why) {
        up.set(false);
        if (quiet.compareAndSet(true, false)) {
            LOG.warning("event=cluster-down node=" + nodeId + " reason=\"" + why + "\"");
        }
    }

    static boolean refusedCredentials(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = String.valueOf(t.getMessage());
            if (m.contains("WRONGPASS") || m.contains("NOAUTH") || m.contains("invalid password")
                    || m.contains("invalid username-password")) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName();
    }

    private Thread thread(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        return t;
    }

    @Override
    public CompletionStage<Void> subscribe(String topic) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (!outbound.offer(new Op('S', topic, null, done))) {
            dropped.incrementAndGet();
            // not carried: an outage of the link, which subscribes everything again once it is back
            lost("the outbound queue is full");
            done.completeExceptionally(new ClusterUnavailableException("the outbound queue is full"));
        }
        return done;
    }

    @Override
    public void unsubscribe(String topic) {
        queue(new Op('U', topic, null, null));
    }

    @Override
    public boolean publish(String topic, String payload) {
        return isAvailable() && queue(new Op('P', topic, payload, null));
    }

    @Override
    public void registered(String connectionId, String record) {
        queue(new Op('R', connectionId, record, null));
    }

    @Override
    public void presence(String node, String record, long ttlMillis) {
        queue(new Op('N', node, record, null));
    }

    @Override
    public java.util.Map<String, String> nodes() {
        if (!isAvailable()) {
            throw new ClusterUnavailableException("the node table cannot be reached");
        }
        return await(commands.async().hgetall(prefix + "nodes"));
    }

    @Override
    public String takeSlot(String slot, String node, String ip, String user, Settings.Limits limits) {
        if (!isAvailable()) {
            throw new ClusterUnavailableException("the cluster limits cannot be checked");
        }
        return await(commands.async().<String>eval(RedisScripts.TAKE_SLOT, io.lettuce.core.ScriptOutputType.VALUE, new String[0],
                prefix, slot, node, ip == null ? "" : ip, user == null ? "" : user,
                Integer.toString(limits.maxConnections()), Integer.toString(limits.maxPerIp()),
                Integer.toString(limits.maxPerUser()),
                limits.perUserPolicy() == Settings.PerUserPolicy.CLOSE_OLDEST ? "1" : "0"));
    }

    @Override
    public void releaseSlot(String slot) {
        queue(new Op('L', slot, null, null));
    }

    @Override
    public void restoreSlot(String slot, String node, String ip, String user, long atMillis) {
        // scored like a slot taken then (microseconds), so its place among the user's slots is kept
        queue(new Op('T', slot, String.join("\t", node, ip, user == null ? "" : user, Long.toString(atMillis * 1000)), null));
    }

    @Override
    public void forgetNode(String node) {
        queue(new Op('F', node, null, null));
    }

    @Override
    public void renew() {
        StatefulRedisPubSubConnection<String, String> dead;
        synchronized (this) {
            dead = pubsub;
            pubsub = null;
        }
        up.set(false); // the core logged this outage already
        quiet.set(false);
        if (dead != null) {
            dead.closeAsync();
        }
    }

    private <T> T await(io.lettuce.core.RedisFuture<T> answer) {
        try {
            commands.flushCommands();
            return answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterUnavailableException("interrupted");
        } catch (Exception e) {
            throw new ClusterUnavailableException("Redis did not answer within " + timeout.toMillis() + "ms");
        }
    }

    @Override
    public void unregistered(String connectionId) {
        queue(new Op('D', connectionId, null, null));
    }

    private boolean queue(Op op) {
        if (outbound.offer(op)) {
            return true;
        }
        dropped.incrementAndGet();
        return false;
    }

    @Override
    public boolean isAvailable() {
        return up.get() && commands != null && commands.isOpen() && pubsub != null && pubsub.isOpen();
    }

    @Override
    public Optional<String> recordOf(String connectionId) {
        if (!isAvailable()) {
            throw new ClusterUnavailableException("the cluster registry cannot be reached");
        }
        return Optional.ofNullable(await(commands.async().hget(prefix + "connections", connectionId)));
    }

    @Override
    public java.util.Map<String, String> records(int limit) {
        if (!isAvailable()) {
            throw new ClusterUnavailableException("the cluster registry cannot be reached");
        }
        java.util.Map<String, String> found = new java.util.HashMap<>();
        io.lettuce.core.MapScanCursor<String, String> cursor = null;
        do {
            cursor = await(cursor == null
                    ? commands.async().hscan(prefix + "connections", io.lettuce.core.ScanArgs.Builder.limit(1000))
                    : commands.async().hscan(prefix + "connections", cursor, io.lettuce.core.ScanArgs.Builder.limit(1000)));
            for (var e : cursor.getMap().entrySet()) {
                if (found.size() < limit) {
                    found.put(e.getKey(), e.getValue());
                }
            }
        } while (!cursor.isFinished() && found.size() < limit);
        return found;
    }

    @Override
    public int backlog() {
        return outbound.size() + inbound.size();
    }

    @Override
    public long dropped() {
        return dropped.get();
    }

    /** Drains the outbound queue in batches, one pipeline per batch; retries the connection while it is down. */
    private void sendLoop() {
        List<Op> batch = new ArrayList<>(BATCH);
        long lastTick = System.nanoTime();
        while (!stopped) {
            try {
                if (System.nanoTime() - lastTick >= 1_000_000_000L) {
                    lastTick = System.nanoTime();
                    if (!up.get() && commands != null && pubsub != null && commands.isOpen() && pubsub.isOpen()) {
                        back(); // both reconnected without a callback seeing both open at once
                    }
                    tick();
                }
                if (commands == null || pubsub == null) {
                    Thread.sleep(1000);
                    try {
                        connect();
                    } catch (RuntimeException e) {
                        lost("Redis cannot be reached (" + rootMessage(e) + ")");
                    }
                    continue;
                }
                Op first = outbound.poll(1, TimeUnit.SECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                outbound.drainTo(batch, BATCH - 1);
                write(batch);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "cluster batch failed", e);
                List<Op> subscribes = batch.stream().filter(op -> op.what() == 'S').toList();
                if (!subscribes.isEmpty()) {
                    // a subscribe that may not have reached Redis: the link counts as lost, and once its
                    // connections are seen open again the core subscribes every topic again
                    lost("a batch of commands failed (" + rootMessage(e) + ")");
                    subscribes.forEach(op -> op.done().completeExceptionally(e));
                }
            } finally {
                batch.clear();
            }
        }
    }

    private void tick() {
        try {
            receiver.tick();
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "cluster tick failed", e);
        }
    }

    private void write(List<Op> batch) {
        RedisAsyncCommands<String, String> async = commands.async();
        // topic -> whether its last subscribe or unsubscribe in this batch was a subscribe: the core
        // orders them under its lock, and a topic released and taken again in one batch ("U, S") must
        // end subscribed, not be subscribed first and unsubscribed after
        Map<String, Boolean> wanted = new LinkedHashMap<>();
        List<CompletableFuture<Void>> subscribed = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            Op op = batch.get(i);
            switch (op.what()) {
                // a publish that times out (Redis or this process starved for longer than redis-timeout)
                // is never written: counted as dropped, never silent
                case 'P' -> i = publishRun(async, batch, i) - 1;
                case 'R' -> {
                    async.hset(prefix + "connections", op.topic(), op.payload());
                    async.sadd(prefix + "node:" + nodeId + ":connections", op.topic());
                }
                case 'D' -> {
                    async.hdel(prefix + "connections", op.topic());
                    async.srem(prefix + "node:" + nodeId + ":connections", op.topic());
                }
                case 'N' -> {
                    async.hset(prefix + "nodes", op.topic(), op.payload());
                    // the node's set of connection ids outlives a vanished cluster by a while, not forever
                    async.pexpire(prefix + "node:" + nodeId + ":connections", 3 * settings.nodeTimeout().toMillis());
                }
                case 'F' -> async.eval(RedisScripts.FORGET_NODE, io.lettuce.core.ScriptOutputType.INTEGER,
                        new String[] {prefix + "connections", prefix + "node:" + op.topic() + ":connections", prefix + "nodes"},
                        prefix, op.topic(), io.switchboard.core.ClusterConnection.prefixOf(op.topic()));
                case 'L' -> async.<Long>eval(RedisScripts.RELEASE_SLOT, io.lettuce.core.ScriptOutputType.INTEGER, new String[0], prefix, op.topic())
                        .whenComplete(countFailure);
                case 'T' -> {
                    String[] a = op.payload().split("\t", -1);
                    async.eval(RedisScripts.RESTORE_SLOT, io.lettuce.core.ScriptOutputType.INTEGER, new String[0],
                            prefix, op.topic(), a[0], a[1], a[2], a[3]);
                }
                case 'S' -> {
                    wanted.put(prefix + op.topic(), true);
                    subscribed.add(op.done());
                }
                case 'U' -> wanted.put(prefix + op.topic(), false);
                default -> { }
            }
        }
        commands.flushCommands();
        List<String> subscribe = new ArrayList<>();
        List<String> unsubscribe = new ArrayList<>();
        wanted.forEach((topic, on) -> (on ? subscribe : unsubscribe).add(topic));
        if (subscribe.isEmpty()) {
            subscribed.forEach(f -> f.complete(null)); // each was undone later in the batch
        } else {
            pubsub.async().subscribe(subscribe.toArray(String[]::new)).whenComplete((ok, failed) -> {
                if (failed != null) {
                    // the pub/sub connection went away with it: the core subscribes again when the link is back
                    LOG.log(Level.FINE, "cluster subscribe failed", failed);
                    subscribed.forEach(f -> f.completeExceptionally(failed));
                } else {
                    subscribed.forEach(f -> f.complete(null));
                }
            });
        }
        if (!unsubscribe.isEmpty()) {
            pubsub.async().unsubscribe(unsubscribe.toArray(String[]::new));
        }
    }

    /**
     * Publishes the run of publishes to one topic that starts at {@code from}: one message as it is,
     * several as one bundle. Returns the index after the run.
     */
    private int publishRun(RedisAsyncCommands<String, String> async, List<Op> batch, int from) {
        String topic = batch.get(from).topic();
        int end = from + 1;
        int chars = batch.get(from).payload().length();
        while (end < batch.size() && end - from < RUN && chars < RUN_CHARS) {
            Op next = batch.get(end);
            if (next.what() != 'P' || !next.topic().equals(topic)) {
                break;
            }
            chars += next.payload().length();
            end++;
        }
        if (end - from == 1) {
            async.publish(prefix + topic, batch.get(from).payload()).whenComplete(countFailure);
            return end;
        }
        List<String> run = new ArrayList<>(end - from);
        for (int i = from; i < end; i++) {
            run.add(batch.get(i).payload());
        }
        int count = run.size();
        async.publish(prefix + topic, bundle(run)).whenComplete((receivers, failure) -> {
            if (failure != null) {
                dropped.addAndGet(count);
            }
        });
        return end;
    }

    /** Hands inbound messages to the core one at a time, in arrival order; a null topic means "link up". */
    private void dispatchLoop() {
        while (!stopped) {
            try {
                String[] m = inbound.poll(1, TimeUnit.SECONDS);
                if (m == null) {
                    continue;
                }
                if (m[0] == null) {
                    receiver.linkUp();
                } else {
                    receiver.receive(m[0], m[1]);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "cluster message dispatch failed", e);
            }
        }
    }

    @Override
    public void stop() {
        stopped = true;
        for (Thread t : new Thread[] {sender, dispatcher}) {
            if (t != null) {
                t.interrupt();
            }
        }
        try {
            if (pubsub != null) {
                pubsub.close();
            }
            if (commands != null) {
                commands.close();
            }
        } finally {
            if (client != null) {
                client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            }
        }
    }

    /**
     * How every Redis client of a node behaves: reconnects on its own, refuses commands while
     * disconnected (so a caller fails fast instead of queueing), and times out every command and connect
     * after {@code timeout}.
     */
    static ClientOptions clientOptions(Duration timeout) {
        return ClientOptions.builder()
                .autoReconnect(true)
                .protocolVersion(ProtocolVersion.RESP2)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(timeout))
                .socketOptions(SocketOptions.builder().connectTimeout(timeout).keepAlive(true).build())
                .build();
    }
}
