package io.switchboard.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Coverage-guided fuzzing of the core's parsers of client and operator text. In a normal build each
 * target runs once over its stored inputs (seconds); {@code JAZZER_FUZZ=1 mvn test
 * -Dtest=CoreParsersFuzzTest#<target>} fuzzes one target for its {@code maxDuration}. Each target
 * checks what its parser promises: an answer or the documented exception, never anything else.
 */
class CoreParsersFuzzTest {

    @FuzzTest(maxDuration = "2m")
    void messageAssemblerKeepsTheSizeLimit(FuzzedDataProvider data) {
        long max = data.consumeLong(1, 200);
        MessageAssembler assembler = new MessageAssembler(max);
        StringBuilder message = new StringBuilder();
        int parts = data.consumeInt(1, 8);
        for (int i = 0; i < parts; i++) {
            boolean last = i == parts - 1 || data.consumeBoolean();
            String part = data.consumeString(100);
            message.append(part);
            MessageAssembler.Step step = assembler.append(part, last);
            if (!last) {
                assertNull(step.message());
                continue;
            }
            long bytes = message.toString().getBytes(StandardCharsets.UTF_8).length;
            boolean lone = message.chars().anyMatch(ch -> Character.isSurrogate((char) ch));
            if (step.message() != null) {
                assertEquals(message.toString(), step.message());
                assertTrue(lone || bytes <= max, bytes + " > " + max);
            } else {
                assertTrue(step.tooBig());
                assertTrue(lone || bytes > max, bytes + " <= " + max);
            }
            message.setLength(0);
        }
        String whole = data.consumeRemainingAsString();
        MessageAssembler.Step step = MessageAssembler.whole(whole, max);
        assertTrue(step.message() != null ^ step.tooBig());
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

    @FuzzTest(maxDuration = "2m")
    void queryParametersNeverFail(FuzzedDataProvider data) {
        String name = data.consumeString(20);
        String query = data.consumeRemainingAsString();
        String value = QueryParameters.first(query, name.isEmpty() ? "access_token" : name);
        if (value != null) {
            assertTrue(value.length() <= query.length(), "a value is never longer than the query");
        }
    }

    @FuzzTest(maxDuration = "2m")
    void durationsAndSizesParseOrRefuse(FuzzedDataProvider data) {
        String text = data.consumeString(40);
        try {
            Duration d = Durations.parse(text);
            assertFalse(d.isNegative(), text);
        } catch (IllegalArgumentException e) {
            assertNotNull(e.getMessage());
        }
        String size = data.consumeRemainingAsString();
        try {
            assertTrue(ByteSizes.parse(size) >= 0, size);
        } catch (IllegalArgumentException e) {
            assertNotNull(e.getMessage());
        }
    }
}
