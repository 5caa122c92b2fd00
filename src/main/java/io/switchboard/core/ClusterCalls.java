package io.switchboard.core;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Request and reply between nodes (protocol.md, cluster): a node asks one node (through that node's
 * topic) or every node (through the control topic) to run an operation and answer; the answers come
 * back on the asking node's own topic, matched by a call id.
 *
 * <p>What an operation does is the shell's business: the {@link Answerer} set with {@link #answerWith}
 * runs it on the answering node, on the link's receiving thread, and gives a status and a body. The core
 * never waits: {@link #ask} and {@link #askAll} return at once, and the caller waits for the future
 * with {@code switchboard.cluster.request-timeout} (cancelling it forgets the call). A node that has no
 * answerer yet (still starting) answers 503.
 */
public final class ClusterCalls {

    private static final Logger LOG = Logger.getLogger(ClusterCalls.class.getName());

    /** Runs one operation on this node for a call from another. */
    public interface Answerer {
        Reply answer(String op, List<String> args);
    }

    /** One node's answer: an HTTP-like status and a body (JSON in the shell's answers). */
    public record Reply(String node, int status, String body) { }

    /**
     * Answers from every node asked; {@link #done()} completes when every node in {@link #expected()}
     * has answered. Whatever the wait, {@link #replies()} holds the answers that came and {@link #silent()}
     * names the nodes that did not answer.
     */
    public record Gathering(Set<String> expected, Map<String, Reply> replies, CompletableFuture<Void> done) {
        public List<String> silent() {
            return expected.stream().filter(n -> !replies.containsKey(n)).sorted().toList();
        }
    }

    private final ClusterRouter router;
    private final String nodeId;
    /** Calls of this node waiting for their answers, by call id; removed when answered or given up. */
    private final Map<String, CompletableFuture<Reply>> pending = new ConcurrentHashMap<>();
    /** Fan-out calls of this node waiting for answers, by call id; removed when complete or given up. */
    private final Map<String, Gathering> gathering = new ConcurrentHashMap<>();
    private final AtomicLong answered = new AtomicLong();
    private final AtomicLong late = new AtomicLong();
    private volatile Answerer answerer;

    ClusterCalls(ClusterRouter router, String nodeId) {
        this.router = router;
        this.nodeId = nodeId;
    }

    /** Sets what runs the operations other nodes ask of this one. */
    public void answerWith(Answerer answerer) {
        this.answerer = answerer;
    }

    /**
     * Asks {@code node} to run {@code op}; the future completes with its answer, never by itself with a
     * timeout: the caller bounds the wait and cancels.
     *
     * @throws ClusterUnavailableException when the cluster cannot carry the call
     */
    public CompletableFuture<Reply> ask(String node, String op, String... args) {
        String id = newId();
        CompletableFuture<Reply> answer = new CompletableFuture<>();
        pending.put(id, answer);
        answer.whenComplete((r, e) -> pending.remove(id));
        try {
            router.sendCall(ClusterRouter.nodeTopic(node), node, id, op, args);
        } catch (RuntimeException refused) {
            pending.remove(id);
            throw refused;
        }
        return answer;
    }

    /**
     * Asks every other live node to run {@code op} (this node does its own part itself). When there is
     * no other node, the gathering is complete at once.
     *
     * @throws ClusterUnavailableException when the cluster cannot carry the call
     */
    public Gathering askAll(String op, String... args) {
        Set<String> others = ConcurrentHashMap.newKeySet();
        for (NodeInfo n : router.nodes()) {
            if (!n.id().equals(nodeId)) {
                others.add(n.id());
            }
        }
        Gathering g = new Gathering(Set.copyOf(others), new ConcurrentHashMap<>(), new CompletableFuture<>());
        if (others.isEmpty()) {
            g.done().complete(null);
            return g;
        }
        String id = newId();
        gathering.put(id, g);
        g.done().whenComplete((r, e) -> gathering.remove(id));
        try {
            router.sendCall(ClusterRouter.CONTROL, "*", id, op, args);
        } catch (RuntimeException refused) {
            gathering.remove(id);
            throw refused;
        }
        return g;
    }

    private String newId() {
        return nodeId + "/" + UUID.randomUUID();
    }

    /** A call from another node ({@code target} is this node or "*"); answers on the caller's topic. */
    void called(String target, List<String> fields) {
        if (!target.equals("*") && !target.equals(nodeId)) {
            return;
        }
        String id = fields.get(0);
        String caller = fields.get(1);
        String op = fields.get(2);
        List<String> args = fields.subList(3, fields.size());
        Answerer a = answerer;
        Reply reply;
        if (a == null) {
            reply = new Reply(nodeId, 503, "");
        } else {
            try {
                reply = a.answer(op, args);
            } catch (RuntimeException failure) {
                LOG.log(Level.WARNING, "event=cluster-call-failed op=" + LifecycleLog.quote(op), failure);
                reply = new Reply(nodeId, 500, "");
            }
        }
        answered.incrementAndGet();
        router.sendReply(caller, id, nodeId, reply.status(), reply.body());
    }

    /** An answer to one of this node's calls; a late answer (the caller gave up) is counted and dropped. */
    void replied(String id, String node, int status, String body) {
        Reply reply = new Reply(node, status, body);
        CompletableFuture<Reply> one = pending.get(id);
        if (one != null) {
            one.complete(reply);
            return;
        }
        Gathering g = gathering.get(id);
        if (g != null && g.expected().contains(node)) {
            g.replies().put(node, reply);
            if (g.replies().keySet().containsAll(g.expected())) {
                g.done().complete(null);
            }
            return;
        }
        late.incrementAndGet();
    }

    /** Calls this node answered, and answers that came after their caller stopped waiting. */
    long answered() {
        return answered.get();
    }

    long late() {
        return late.get();
    }
}
