package io.switchboard.upgrade;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class QueryParametersTest {

    @Test
    void findsTheFirstValueOfANameAnywhereInTheQuery() {
        assertEquals("abc", QueryParameters.first("access_token=abc", "access_token"));
        assertEquals("app", QueryParameters.first("x=1&heartbeat=app&heartbeat=ping", "heartbeat"));
        assertEquals("e30.e30.sig", QueryParameters.first("heartbeat=app&access_token=e30.e30.sig", "access_token"));
    }

    @Test
    void absentEmptyAndValuelessParametersAreToldApart() {
        assertNull(QueryParameters.first(null, "access_token"));
        assertNull(QueryParameters.first("", "access_token"));
        assertNull(QueryParameters.first("access_tokens=abc&token=x", "access_token"));
        assertEquals("", QueryParameters.first("access_token=", "access_token"));
        assertEquals("", QueryParameters.first("a=1&access_token&b=2", "access_token"));
        assertEquals("2", QueryParameters.first("a=1&&b=2", "b"));
    }

    @Test
    void decodesNamesAndValuesAsAFormDoes() {
        assertEquals("a b+c/d", QueryParameters.first("access_token=a+b%2Bc%2Fd", "access_token"));
        assertEquals("x", QueryParameters.first("access%5Ftoken=x", "access_token"));
    }

    @Test
    void aValueThatIsNotPercentEncodingComesBackAsSent() {
        assertEquals("abc%zz", QueryParameters.first("access_token=abc%zz", "access_token"));
    }
}
