package io.switchboard.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.codec.JsonMessageCodec;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Request and reply between nodes, on the in-memory bus: who answers, who waits, who is named silent. */
class ClusterCallsTest {

    private final FakeClock clock = new FakeClock();
    private final FakeClusterBus bus = new FakeClusterBus();
    private final FakeClusterBus.Link linkA = bus.link("a");
    private final FakeClusterBus.Link linkB = bus.link("b");
    private final FakeClusterBus.Link linkC = bus.link("c");
    private final Hub a = node("a", linkA);
    private final Hub b = node("b", linkB);
    private final Hub c = node("c", linkC);

    private Hub node(String id, FakeClusterBus.Link link) {
        Hub hub = new Hub(TestSettings.with(Map.of("switchboard.node.id", id)), clock, new JsonMessageCodec(), link);
        hub.cluster().start();
        return hub;
    }

    /** An answerer that says which node ran which operation with which arguments. */
    private static void echo(Hub hub) {
        String id = hub.settings().nodeId();
        hub.cluster().calls().answerWith((op, args) -> new ClusterCalls.Reply(id, 200, id + ":" + op + args));
    }

    private void tickAll() {
        for (Hub h : List.of(a, b, c)) {
            h.cluster().tick();
        }
        bus.pump();
    }

    @Test
    void aCallToOneNodeIsAnsweredByThatNodeAloneAndMatchedToItsCaller() {
        echo(a);
        echo(b);
        echo(c);
        CompletableFuture<ClusterCalls.Reply> first = a.cluster().calls().ask("b", "get", "conn-1");
        CompletableFuture<ClusterCalls.Reply> second = a.cluster().calls().ask("c", "close", "conn-2", "4000");
        assertFalse(first.isDone(), "the core never waits: the answer comes through the link");
        bus.pump();

        assertEquals(new ClusterCalls.Reply("b", 200, "b:get[conn-1]"), first.join());
        assertEquals(new ClusterCalls.Reply("c", 200, "c:close[conn-2, 4000]"), second.join());
        assertEquals(1, b.cluster().calls().answered());
        assertEquals(1, c.cluster().calls().answered());
    }

    @Test
    void aNodeWithoutAnAnswererYetAnswers503AndAFailingAnswerer500() {
        CompletableFuture<ClusterCalls.Reply> starting = a.cluster().calls().ask("b", "get", "x");
        c.cluster().calls().answerWith((op, args) -> {
            throw new IllegalStateException("broken");
        });
        CompletableFuture<ClusterCalls.Reply> broken = a.cluster().calls().ask("c", "get", "x");
        bus.pump();
        assertEquals(503, starting.join().status());
        assertEquals(500, broken.join().status());
    }

    @Test
    void anAnswerAfterTheCallerGaveUpIsCountedAndDropped() {
        echo(b);
        CompletableFuture<ClusterCalls.Reply> call = a.cluster().calls().ask("b", "get", "x");
        call.cancel(false); // the caller's request timeout ran out
        bus.pump();
        assertEquals(1, a.cluster().calls().late());
    }

    @Test
    void aCallToEveryNodeGathersEachAnswerAndNamesTheNodesThatDidNotAnswer() {
        echo(b);
        echo(c);
        tickAll(); // every node announced itself in the node table
        linkC.delivering = false; // c is alive in the table but hears nothing

        ClusterCalls.Gathering g = a.cluster().calls().askAll("stats");
        bus.pump();

        assertEquals(java.util.Set.of("b", "c"), g.expected(), "this node does its own part itself");
        assertEquals("b:stats[]", g.replies().get("b").body());
        assertFalse(g.done().isDone());
        assertEquals(List.of("c"), g.silent());

        linkC.delivering = true;
        ClusterCalls.Gathering again = a.cluster().calls().askAll("stats");
        bus.pump();
        assertTrue(again.done().isDone());
        assertEquals(List.of(), again.silent());
    }

    @Test
    void aNodeAloneGathersNothingAndACallTheClusterCannotCarryIsRefused() {
        Hub alone = new Hub(TestSettings.defaults(), clock, new JsonMessageCodec());
        assertTrue(alone.cluster().calls().askAll("stats").done().isDone());

        linkA.available = false;
        assertThrows(ClusterUnavailableException.class, () -> a.cluster().calls().ask("b", "get", "x"));
    }
}
