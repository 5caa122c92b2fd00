package io.switchboard.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class SubscriptionIndexTest {

    private final SubscriptionIndex<String> index = new SubscriptionIndex<>();

    private void sub(String pattern, String who) {
        index.subscribe(ChannelNames.pattern(pattern), who);
    }

    private Set<String> match(String name) {
        return index.match(ChannelNames.name(name));
    }

    @Test
    void exactNamesMatchOnlyThemselves() {
        sub("news.sport", "a");

        assertEquals(Set.of("a"), match("news.sport"));
        assertEquals(Set.of(), match("news"));
        assertEquals(Set.of(), match("news.sport.live"));
        assertEquals(Set.of(), match("news.weather"));
    }

    @Test
    void starMatchesExactlyOneSegmentAnywhere() {
        sub("news.*", "a");
        sub("*.scores", "b");
        sub("*.*.live", "c");

        assertEquals(Set.of("a"), match("news.sport"));
        assertEquals(Set.of(), match("news"));
        assertEquals(Set.of(), match("news.sport.live.x"));
        assertEquals(Set.of("a", "b"), match("news.scores"));
        assertEquals(Set.of("c"), match("news.sport.live"));
    }

    @Test
    void restMatchesOneOrMoreSegmentsAtAnyDepth() {
        sub(">", "all");
        sub("news.>", "news");
        sub("news.sport.>", "sport");
        sub("news.*.live.>", "live");

        assertEquals(Set.of("all"), match("news"));
        assertEquals(Set.of("all", "news"), match("news.sport"));
        assertEquals(Set.of("all", "news", "sport"), match("news.sport.live"));
        assertEquals(Set.of("all", "news", "sport", "live"), match("news.sport.live.goal"));
        assertEquals(Set.of("all", "news", "live"), match("news.tennis.live.a.b.c"));
        assertEquals(Set.of("all"), match("weather.today"));
    }

    @Test
    void overlappingPatternsOfOneSubscriberMatchItOnce() {
        sub("news.sport", "a");
        sub("news.*", "a");
        sub("news.>", "a");
        sub("*.sport", "a");
        sub("news.*", "b");

        assertEquals(Set.of("a", "b"), match("news.sport"));
        assertTrue(index.unsubscribe(ChannelNames.pattern("news.*"), "a"));
        assertEquals(Set.of("a", "b"), match("news.sport"), "a's other patterns still match");
    }

    @Test
    void unsubscribingTheLastPatternPrunesTheTrie() {
        sub("a.b.c", "x");
        sub("a.*", "x");
        sub("a.>", "y");

        assertTrue(index.unsubscribe(ChannelNames.pattern("a.b.c"), "x"));
        assertFalse(index.unsubscribe(ChannelNames.pattern("a.b.c"), "x"));
        assertFalse(index.unsubscribe(ChannelNames.pattern("a.b"), "x"));
        assertTrue(index.unsubscribe(ChannelNames.pattern("a.*"), "x"));
        assertTrue(index.unsubscribe(ChannelNames.pattern("a.>"), "y"));

        assertTrue(index.isEmpty());
        assertEquals(Set.of(), match("a.b.c"));
    }

    @Test
    void matchingVisitsOnlyExistingPatternsWhateverTheNumberOfOtherSubscriptions() {
        for (int i = 0; i < 10_000; i++) {
            sub("room." + i, "user" + i);
        }
        sub("room.*", "watcher");

        assertEquals(Set.of("user42", "watcher"), match("room.42"));
        assertEquals(Set.of("watcher"), match("room.none"));
    }

    @Test
    void unsubscribingWhilePublishingNeverBreaksAMatchOrLosesOtherSubscribers() throws Exception {
        sub("chat.>", "steady");
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch started = new CountDownLatch(1);
        Thread churn = new Thread(() -> {
            started.countDown();
            for (int i = 0; !stop.get(); i++) {
                String who = "churn" + (i % 50);
                sub("chat.room." + (i % 7), who);
                sub("chat.*.x", who);
                index.unsubscribe(ChannelNames.pattern("chat.room." + (i % 7)), who);
                index.unsubscribe(ChannelNames.pattern("chat.*.x"), who);
            }
        });
        churn.setUncaughtExceptionHandler((t, e) -> failure.set(e));
        churn.start();
        started.await();
        List<Set<String>> seen = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            Set<String> got = match("chat.room." + (i % 7));
            assertTrue(got.contains("steady"), "a subscriber nobody touched is always matched");
            if (i % 5000 == 0) {
                seen.add(got);
            }
        }
        stop.set(true);
        churn.join();
        assertEquals(null, failure.get());
        for (int i = 0; i < 50; i++) {
            index.unsubscribe(ChannelNames.pattern("chat.room." + (i % 7)), "churn" + i);
        }
        assertEquals(Set.of("steady"), match("chat.room.3"));
        assertTrue(index.unsubscribe(ChannelNames.pattern("chat.>"), "steady"));
        assertTrue(index.isEmpty(), "the churn left nothing behind");
        assertFalse(seen.isEmpty());
    }

    /**
     * The wildcard rules are written twice, for two questions: the index finds every pattern that matches
     * a name (a walk down a tree, at every publish), {@link ChannelNames#covers} says whether one pattern
     * holds another (a token's grant against a subscribe). On every pattern and name over a small
     * alphabet the two must agree: a pattern matches a name exactly when it covers it.
     */
    @Test
    void theIndexAndCoversAgreeOnEveryPatternAndName() {
        String[] parts = {"a", "b", "*", ">"};
        List<String> patterns = new java.util.ArrayList<>();
        List<String> names = new java.util.ArrayList<>();
        for (int length = 1; length <= 3; length++) {
            combine(parts, length, "", patterns);
        }
        for (String p : patterns) {
            if (!p.contains("*") && !p.contains(">")) {
                names.add(p);
            }
        }
        SubscriptionIndex<String> index = new SubscriptionIndex<>();
        List<String> valid = new java.util.ArrayList<>();
        for (String p : patterns) {
            try {
                index.subscribe(ChannelNames.pattern(p), p);
                valid.add(p);
            } catch (IllegalArgumentException e) {
                // "a.>.b": '>' only at the end
            }
        }
        int checked = 0;
        for (String n : names) {
            java.util.Set<String> matched = index.match(ChannelNames.name(n));
            for (String p : valid) {
                assertEquals(ChannelNames.covers(ChannelNames.pattern(p), ChannelNames.name(n)), matched.contains(p),
                        p + " against " + n);
                checked++;
            }
        }
        assertTrue(checked > 500, "checked " + checked);
    }

    private static void combine(String[] parts, int length, String prefix, List<String> out) {
        for (String part : parts) {
            String next = prefix.isEmpty() ? part : prefix + "." + part;
            if (length == 1) {
                out.add(next);
            } else {
                combine(parts, length - 1, next, out);
            }
        }
    }
}
