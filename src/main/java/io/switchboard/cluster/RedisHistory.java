package io.switchboard.cluster;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.switchboard.core.ClusterUnavailableException;
import io.switchboard.core.HistoryStore;
import io.switchboard.core.Settings;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Channel history shared by the nodes of a cluster, in Redis (protocol.md, history in a cluster).
 *
 * <p>Keys per channel, all with the history's ttl, refreshed by every publish:
 * {@code <cluster>:h:<channel>:e} the epoch, {@code :n} the last offset, {@code :s} a stream whose entry
 * ids are {@code <offset>-1} with the data in field {@code d}, capped at {@code history.size} entries.
 *
 * <p><b>One script per publish</b> ({@link #PUBLISH}): when the epoch key is missing (a new channel, a
 * flushed or restarted Redis, an expired history) it clears the other two and writes a new random
 * epoch; then it increments the offset, appends to the stream, refreshes the ttl and PUBLISHes the
 * numbered message to the channel's cluster topics. Redis runs scripts one at a time, so two nodes
 * publishing to one channel never get the same offset, and pub/sub hands every node the messages in
 * the order the scripts ran: the same order everywhere. The publishing node delivers to its own
 * subscribers from that echo as well, never from the script's reply, so it delivers once and in the
 * same order as every other node.
 *
 * <p>Nothing here blocks the caller: {@link #publish} and {@link #read} complete when Redis answered,
 * or fail after {@code cluster.redis-timeout} or at once while Redis is unreachable.
 */
public final class RedisHistory implements HistoryStore {

    /**
     * KEYS: epoch, offset, stream. ARGV: data, size, ttl ms, a new epoch (used only when there is none),
     * the length of the channel name and of the data in UTF-16 units (the envelope's field lengths),
     * the channel name, then the full names of the topics to publish to.
     */
    static final String PUBLISH = String.join("\n",
            "local epoch = redis.call('GET', KEYS[1])",
            "if not epoch then",
            "  redis.call('DEL', KEYS[2], KEYS[3])",
            "  epoch = ARGV[4]",
            "  redis.call('SET', KEYS[1], epoch)",
            "end",
            "local offset = redis.call('INCR', KEYS[2])",
            "local o = tostring(offset)",
            "redis.call('XADD', KEYS[3], 'MAXLEN', '=', ARGV[2], o .. '-1', 'd', ARGV[1])",
            "for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ARGV[3]) end",
            "local payload = 'O1:h' .. #o .. ':' .. o .. ARGV[5] .. ':' .. ARGV[7] .. #epoch .. ':' .. epoch"
                    + " .. ARGV[6] .. ':' .. ARGV[1]",
            "for i = 8, #ARGV do redis.call('PUBLISH', ARGV[i], payload) end",
            "return {o, epoch}");

    /**
     * KEYS: epoch, offset, stream. ARGV: after, limit, a new epoch, ttl ms. Returns the epoch, the last
     * offset, the oldest retained offset (0 when none) and then id/data pairs after {@code after}.
     */
    static final String READ = String.join("\n",
            "local epoch = redis.call('GET', KEYS[1])",
            "if not epoch then",
            "  redis.call('DEL', KEYS[2], KEYS[3])",
            "  epoch = ARGV[3]",
            "  redis.call('SET', KEYS[1], epoch, 'PX', ARGV[4])",
            "end",
            "local top = redis.call('GET', KEYS[2]) or '0'",
            "local out = {epoch, top, '0'}",
            "local first = redis.call('XRANGE', KEYS[3], '-', '+', 'COUNT', 1)",
            "if #first > 0 then out[3] = first[1][1] end",
            "local limit = tonumber(ARGV[2])",
            "if limit > 0 and tonumber(top) > tonumber(ARGV[1]) then",
            "  local entries = redis.call('XRANGE', KEYS[3], (tonumber(ARGV[1]) + 1) .. '-0', '+', 'COUNT', limit)",
            "  for _, e in ipairs(entries) do",
            "    out[#out + 1] = e[1]",
            "    out[#out + 1] = e[2][2]",
            "  end",
            "end",
            "return out");

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Settings.Cluster cluster;
    private final Settings.History limits;
    private final String prefix;
    private final Sink sink;
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    /**
     * Where the answers of {@link #read} complete: a subscriber's catch-up (the replay, the reply, the
     * held messages) runs there, not on the Redis connection's one event-loop thread, whose answers
     * to every publish would otherwise wait behind the replays of a crowd of moved clients.
     */
    private final ExecutorService readers = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "switchboard-history-reader");
        t.setDaemon(true);
        return t;
    });
    private RedisClient client;
    /** The connection of this store; null until connected, replaced after a failed connect. Guarded by this. */
    private StatefulRedisConnection<String, String> connection;

    /** @param sink this node's fan-out; only its {@link Sink#topics} is used: delivery comes through the cluster link */
    public RedisHistory(Settings.Cluster cluster, Settings.History limits, Sink sink) {
        if (!limits.enabled() || !cluster.enabled()) {
            throw new IllegalArgumentException("a shared history needs switchboard.history.size > 0 and a cluster");
        }
        this.cluster = cluster;
        this.limits = limits;
        this.prefix = cluster.name() + ":";
        this.sink = sink;
        try {
            connection(); // now, so that no caller on one of Lettuce's threads ever waits for a connect
        } catch (RuntimeException e) {
            failed.incrementAndGet(); // Redis not reachable yet: the next call tries again
        }
    }

    @Override
    public boolean shared() {
        return true;
    }

    @Override
    public CompletionStage<Published> publish(String channel, String data) {
        List<String> args = new ArrayList<>(12);
        args.add(data);
        args.add(Integer.toString(limits.size()));
        args.add(Long.toString(limits.ttl().toMillis()));
        args.add(newEpoch());
        args.add(Integer.toString(channel.length()));
        args.add(Integer.toString(data.length()));
        args.add(channel);
        for (String topic : sink.topics(channel)) {
            args.add(prefix + topic);
        }
        return eval(PUBLISH, keys(channel), args).thenApply(reply -> {
            published.incrementAndGet();
            List<?> r = (List<?>) reply;
            return new Published(new Position(Long.parseLong((String) r.get(0)), (String) r.get(1)), 0);
        });
    }

    @Override
    public CompletionStage<Page> read(String channel, long after, int limit) {
        List<String> args = List.of(Long.toString(Math.max(0, Math.min(after, Long.MAX_VALUE - 1))),
                Integer.toString(Math.max(0, limit)), newEpoch(), Long.toString(limits.ttl().toMillis()));
        return eval(READ, keys(channel), args).thenApplyAsync(reply -> {
            List<?> r = (List<?>) reply;
            List<Entry> entries = new ArrayList<>((r.size() - 3) / 2);
            for (int i = 3; i + 1 < r.size(); i += 2) {
                entries.add(new Entry(offsetOf((String) r.get(i)), (String) r.get(i + 1)));
            }
            String oldest = (String) r.get(2);
            return new Page(new Position(Long.parseLong((String) r.get(1)), (String) r.get(0)),
                    oldest.equals("0") ? 0 : offsetOf(oldest), entries);
        }, readers);
    }

    private static long offsetOf(String streamId) {
        return Long.parseLong(streamId.substring(0, streamId.indexOf('-')));
    }

    private String[] keys(String channel) {
        String base = prefix + "h:" + channel + ":";
        return new String[] {base + "e", base + "n", base + "s"};
    }

    private static String newEpoch() {
        return Long.toString(RANDOM.nextLong() >>> 1, 36);
    }

    private CompletionStage<Object> eval(String script, String[] keys, List<String> args) {
        StatefulRedisConnection<String, String> c;
        try {
            c = connection();
        } catch (RuntimeException e) {
            failed.incrementAndGet();
            return CompletableFuture.failedFuture(new ClusterUnavailableException("Redis cannot be reached"));
        }
        CompletableFuture<Object> done = c.async().eval(script, ScriptOutputType.MULTI, keys, args.toArray(String[]::new))
                .toCompletableFuture();
        return done.whenComplete((ok, failure) -> {
            if (failure != null) {
                failed.incrementAndGet();
            }
        });
    }

    private synchronized StatefulRedisConnection<String, String> connection() {
        if (connection != null && connection.isOpen()) {
            return connection;
        }
        if (client == null) {
            Duration timeout = cluster.redisTimeout();
            RedisURI uri = RedisURI.create(cluster.redisUri().orElseThrow());
            uri.setTimeout(timeout);
            client = RedisClient.create(uri);
            client.setOptions(RedisLink.clientOptions(timeout));
        }
        if (connection != null) {
            connection.closeAsync();
        }
        connection = client.connect();
        return connection;
    }

    /** Retention is Redis's (ttl and MAXLEN per channel); nothing to do here. */
    @Override
    public void expire() {
    }

    /** The publishes this node stored, as {@code messages}; what Redis retains is Redis's to count. */
    @Override
    public Stats stats() {
        return new Stats(0, published.get(), 0, 0, 0, 0);
    }

    /** Calls that Redis did not answer or that could not be sent. */
    public long failures() {
        return failed.get();
    }

    public synchronized void close() {
        readers.shutdownNow();
        if (connection != null) {
            connection.close();
        }
        if (client != null) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }
}
