package io.switchboard.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of the core's parsers of client and operator text. In a normal build each
 * target runs once over its stored inputs (seconds); {@code JAZZER_FUZZ=1 mvn test
 * -Dtest=CoreParsersFuzzTest#<target>} fuzzes one target for its {@code maxDuration}. Each target
 * checks what its parser promises: an answer or the documented exception, never anything else.
 */
class CoreParsersFuzzTest {

    /**
     * Parts of messages against a random limit: a message comes out whole exactly when it is within the
     * limit, and a message over it is refused once, at the part that passes the limit, and never comes out.
     */
    @FuzzTest(maxDuration = "2m")
    void messageAssemblerKeepsTheSizeLimit(FuzzedDataProvider data) {
        long max = data.consumeLong(1, 200);
        MessageAssembler assembler = new MessageAssembler(max);
        StringBuilder message = new StringBuilder();
        long bytes = 0;
        int refusals = 0;
        int parts = data.consumeInt(1, 12);
        for (int i = 0; i < parts; i++) {
            boolean last = i == parts - 1 || data.consumeBoolean();
            String part = data.consumeString(100);
            message.append(part);
            long before = bytes;
            bytes += Utf8.length(part);
            MessageAssembler.Step step = assembler.append(part, last);
            if (step.tooBig()) {
                refusals++;
                assertTrue(before <= max && bytes > max, "refused at the part that passes the limit");
                assertNull(step.message());
            }
            if (step.message() != null) {
                assertTrue(last && bytes <= max);
                assertEquals(message.toString(), step.message());
            }
            if (last) {
                assertEquals(bytes > max ? 1 : 0, refusals, "one refusal for a message over the limit");
                assertEquals(bytes <= max, step.message() != null, "a message within the limit comes out");
                message.setLength(0);
                bytes = 0;
                refusals = 0;
            }
        }
        String whole = data.consumeRemainingAsString();
        MessageAssembler.Step step = MessageAssembler.whole(whole, max);
        assertEquals(Utf8.length(whole) > max, step.tooBig());
        assertEquals(step.tooBig() ? null : whole, step.message());
    }

    @FuzzTest(maxDuration = "2m")
    void channelNamesAndPatternsParseOrRefuse(FuzzedDataProvider data) {
        String a = data.consumeString(300);
        String b = data.consumeRemainingAsString();
        String[] pattern = parseOrNull(a, true);
        String[] name = parseOrNull(b, false);
        if (name != null) {
            assertNotNull(ChannelNames.pattern(b), "every name is a pattern");
            assertTrue(ChannelNames.covers(name, name), "a name covers itself");
            for (String segment : name) {
                assertFalse(segment.isEmpty() || segment.equals("*") || segment.equals(">"));
            }
        }
        if (pattern != null) {
            assertTrue(ChannelNames.covers(pattern, pattern), "a pattern covers itself");
            if (name != null) {
                ChannelNames.covers(pattern, name);
                ChannelNames.covers(name, pattern);
            }
        }
    }

    private static String[] parseOrNull(String text, boolean pattern) {
        try {
            String[] segments = pattern ? ChannelNames.pattern(text) : ChannelNames.name(text);
            assertTrue(text.length() <= ChannelNames.MAX_LENGTH);
            assertEquals(text, String.join(".", segments));
            return segments;
        } catch (IllegalArgumentException e) {
            assertNotNull(e.getMessage());
            return null;
        }
    }
}
