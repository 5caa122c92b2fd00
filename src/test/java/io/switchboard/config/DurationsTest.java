package io.switchboard.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {

    @Test
    void theDocumentedSyntaxesAreAccepted() {
        assertEquals(Duration.ofMillis(500), Durations.parse("500ms"));
        assertEquals(Duration.ofSeconds(30), Durations.parse("30s"));
        assertEquals(Duration.ofMinutes(5), Durations.parse("5m"));
        assertEquals(Duration.ofHours(1), Durations.parse("1h"));
        assertEquals(Duration.ofSeconds(30), Durations.parse("PT30S"));
        assertEquals(Duration.ofMillis(1500), Durations.parse("PT1.5S"));
        assertEquals(Duration.ZERO, Durations.parse("0"));
        assertEquals(Duration.ofSeconds(10), Durations.parse(" 10s "));
    }

    @Test
    void valuesWithoutAUnitOrWithAWrongOneAreRefusedWithAnExplanation() {
        for (String bad : new String[] {"30", "abc", "-5s", "5 parsecs", "PT", "PT-5S", "", "1.5s"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse(bad), bad);
            assertTrue(e.getMessage().length() > 10, e.getMessage());
        }
    }

    /** Found by CoreParsersFuzzTest (Jazzer): the input was "222222222222222229m", an ArithmeticException. */
    @Test
    void aDurationTooLongForNanosecondsIsRefusedNotOverflowed() {
        for (String text : new String[] {"222222222222222229m", "999999999999999999d", "106752d", "PT2562048H"}) {
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> Durations.parse(text), text);
            org.junit.jupiter.api.Assertions.assertEquals("too long; at most 292 years", e.getMessage());
        }
        org.junit.jupiter.api.Assertions.assertEquals(java.time.Duration.ofDays(106_751), Durations.parse("106751d"));
    }
}
