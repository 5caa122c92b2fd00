package io.switchboard.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ChannelNamesTest {

    @Test
    void namesAreDotSeparatedSegmentsWithoutWildcards() {
        assertArrayEquals(new String[] {"news", "sport"}, ChannelNames.name("news.sport"));
        for (String bad : new String[] {"", "news..sport", ".news", "news.", "news.*", "news.>", "a b", "ne*ws", "x".repeat(256)}) {
            assertThrows(IllegalArgumentException.class, () -> ChannelNames.name(bad), bad);
        }
    }

    @Test
    void patternsMayUseStarAnywhereAndRestOnlyLast() {
        assertArrayEquals(new String[] {"*", "scores", ">"}, ChannelNames.pattern("*.scores.>"));
        assertArrayEquals(new String[] {">"}, ChannelNames.pattern(">"));
        for (String bad : new String[] {"news.>.x", "news.sp*", "news.>>", "news..*"}) {
            assertThrows(IllegalArgumentException.class, () -> ChannelNames.pattern(bad), bad);
        }
    }

    @Test
    void accessGrantsAPatternOnlyWhenAGrantedPatternCoversItWhole() {
        ChannelAccess access = ChannelAccess.only(List.of("news.>", "chat.*.public", "user.alice"));

        assertTrue(access.allows(ChannelNames.pattern("news.sport")));
        assertTrue(access.allows(ChannelNames.pattern("news.*")));
        assertTrue(access.allows(ChannelNames.pattern("news.>")));
        assertTrue(access.allows(ChannelNames.pattern("news.*.live.>")));
        assertTrue(access.allows(ChannelNames.pattern("chat.room1.public")));
        assertTrue(access.allows(ChannelNames.pattern("chat.*.public")));
        assertTrue(access.allows(ChannelNames.pattern("user.alice")));

        assertFalse(access.allows(ChannelNames.pattern("news")), "news.> needs at least one more segment");
        assertFalse(access.allows(ChannelNames.pattern(">")));
        assertFalse(access.allows(ChannelNames.pattern("*.sport")));
        assertFalse(access.allows(ChannelNames.pattern("chat.>")));
        assertFalse(access.allows(ChannelNames.pattern("chat.room1.private")));
        assertFalse(access.allows(ChannelNames.pattern("user.*")));
        assertFalse(access.allows(ChannelNames.pattern("user.bob")));
    }

    @Test
    void noClaimAllowsEverythingAndAnEmptyClaimNothing() {
        assertTrue(ChannelAccess.ALL.allows(ChannelNames.pattern(">")));
        assertFalse(ChannelAccess.only(List.of()).allows(ChannelNames.name("news")));
        assertThrows(IllegalArgumentException.class, () -> ChannelAccess.only(List.of("bad..pattern")));
    }
}
