package io.switchboard.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LogValuesTest {

    @Test
    void plainValuesStayAsTheyAre() {
        assertEquals("alice", LogValues.bare("alice"));
        assertEquals("user-1@example.com", LogValues.bare("user-1@example.com"));
        assertEquals("127.0.0.1", LogValues.bare("127.0.0.1"));
        assertEquals("[::1]", LogValues.bare("[::1]"));
        assertEquals("-", LogValues.bare(null));
    }

    @Test
    void aValueThatCouldEndTheLineOrAddAFieldIsQuotedAndEscaped() {
        String forged = "eve\nevent=close conn=x user=admin code=1000";
        assertEquals("\"eve\\nevent=close conn=x user=admin code=1000\"", LogValues.bare(forged));
        assertEquals("\"a b\"", LogValues.bare("a b"));
        assertEquals("\"a=b\"", LogValues.bare("a=b"));
        assertEquals("\"\"", LogValues.bare(""));
        assertEquals("\"say \\\"hi\\\" \\\\o/\"", LogValues.quoted("say \"hi\" \\o/"));
    }

    @Test
    void everyControlAndLineSeparatorIsEscaped() {
        String nasty = "a\r\n\t\u0000\u001b[31m\u007f\u0085\u2028\u2029\u200e\ufeffz";
        String q = LogValues.quoted(nasty);
        assertEquals("\"a\\r\\n\\t\\u0000\\u001b[31m\\u007f\\u0085\\u2028\\u2029\\u200e\\ufeffz\"", q);
        for (char ch : q.toCharArray()) {
            assertTrue(ch >= 0x20 && ch < 0x7f, "unescaped character " + (int) ch + " in " + q);
        }
    }

    @Test
    void surrogatePairsStayAndLoneSurrogatesAreEscaped() {
        assertEquals("\"\uD83D\uDE00\"", LogValues.quoted("\uD83D\uDE00"));
        assertEquals("\"\\ud83d.\\ude00\"", LogValues.quoted("\uD83D.\uDE00"));
    }

    @Test
    void aLongValueIsCutAndMarked() {
        String q = LogValues.quoted("x".repeat(10_000));
        assertEquals(LogValues.MAX_CHARS + 5, q.length());
        assertTrue(q.endsWith("...\""));
        String pairAtTheCut = "x".repeat(LogValues.MAX_CHARS - 1) + "\uD83D\uDE00";
        String cut = LogValues.quoted(pairAtTheCut);
        assertFalse(cut.contains("\uD83D"), "half a pair is never written: " + cut.length());
        assertTrue(LogValues.bare("y".repeat(LogValues.MAX_CHARS + 1)).startsWith("\""));
    }

    @Test
    void aLifecycleLineCarriesTheForgedUserAsOneValue() {
        Hub hub = new Hub(TestSettings.defaults(), new FakeClock(), TestSettings.codec());
        java.util.List<String> lines;
        try (CapturedLog log = new CapturedLog("io.switchboard.lifecycle")) {
            ManagedConnection c = hub.open(new RecordingConnection(), new HandshakeInfo("10.0.0.1", "agent",
                    "eve\nevent=close conn=x user=admin", HeartbeatMode.PROTOCOL));
            hub.onTransportClosed(c, 1000, "bye\r\nevent=open");
            lines = log.messages();
        }
        assertFalse(lines.isEmpty());
        for (String line : lines) {
            assertFalse(line.contains("\n") || line.contains("\r"), line);
        }
        assertTrue(lines.stream().anyMatch(l -> l.contains("user=\"eve\\nevent=close conn=x user=admin\"")), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.contains("reason=\"bye\\r\\nevent=open\"")), lines.toString());
    }
}
