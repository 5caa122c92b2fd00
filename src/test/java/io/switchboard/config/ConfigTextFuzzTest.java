package io.switchboard.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.time.Duration;

/**
 * Coverage-guided fuzzing of the parsers of an operator's setting values. In a normal build the target
 * runs once over its stored inputs; {@code JAZZER_FUZZ=1 mvn test -Dtest=ConfigTextFuzzTest} fuzzes it.
 */
class ConfigTextFuzzTest {

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
