package io.switchboard.upgrade;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of the query parser of upgrade requests. In a normal build the target runs
 * once over its stored inputs; {@code JAZZER_FUZZ=1 mvn test -Dtest=QueryParametersFuzzTest} fuzzes it.
 */
class QueryParametersFuzzTest {

    @FuzzTest(maxDuration = "2m")
    void queryParametersNeverFail(FuzzedDataProvider data) {
        String name = data.consumeString(20);
        String query = data.consumeRemainingAsString();
        String value = QueryParameters.first(query, name.isEmpty() ? "access_token" : name);
        if (value != null) {
            assertTrue(value.length() <= query.length(), "a value is never longer than the query");
        }
    }
}
