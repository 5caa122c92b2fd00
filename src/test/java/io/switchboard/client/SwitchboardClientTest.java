package io.switchboard.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import org.junit.jupiter.api.Test;

class SwitchboardClientTest {

    @Test
    void queryParametersAreAddedOnceAndKeepTheExistingQuery() {
        URI plain = URI.create("ws://h:1/ws");
        assertEquals("ws://h:1/ws?heartbeat=app&access_token=t",
                SwitchboardClient.withQuery(plain, "heartbeat=app", null, "access_token=t").toString());
        assertEquals("ws://h:1/ws", SwitchboardClient.withQuery(plain, (String) null).toString());
        URI other = URI.create("ws://other:2/ws?heartbeat=app&x=1");
        assertEquals("ws://other:2/ws?heartbeat=app&x=1&access_token=t",
                SwitchboardClient.withQuery(other, "heartbeat=app", "access_token=t").toString());
    }

    @Test
    void authFailuresOversizedAndBinaryMessagesAreTerminalAndOtherClosesAreNot() {
        for (int code : new int[] {1003, 1008, 1009}) {
            assertTrue(SwitchboardClient.TERMINAL_CLOSE_CODES.contains(code), "close " + code);
        }
        for (int code : new int[] {1000, 1001, 1006, 1011, 1012, 4000}) {
            assertFalse(SwitchboardClient.TERMINAL_CLOSE_CODES.contains(code), "close " + code);
        }
        assertTrue(SwitchboardClient.TERMINAL_STATUSES.contains(401));
        assertFalse(SwitchboardClient.TERMINAL_STATUSES.contains(503), "a draining server asks to retry");
    }

    @Test
    void retryAfterIsReadInSeconds() {
        assertEquals(5_000, SwitchboardClient.retryAfterMillis(" 5"));
        assertEquals(0, SwitchboardClient.retryAfterMillis("Wed, 21 Oct 2026 07:28:00 GMT"));
    }
}
