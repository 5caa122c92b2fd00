package io.switchboard.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.core.Disconnect;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Java client's close-code table is the server's: for every code a close frame can carry and every reason the server sends. */
class CloseCodesTest {

    /** Every reason of the server's catalogue, plus none, an operator's, and 1008 reasons the server does not send itself. */
    static List<String> reasons() throws IllegalAccessException {
        List<String> reasons = new ArrayList<>(List.of("", "test", "not allowed", "revoked", "server shutting down", "reconnect"));
        for (Field f : Disconnect.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == Disconnect.class) {
                reasons.add(((Disconnect) f.get(null)).reason());
            }
        }
        return reasons;
    }

    @Test
    void everyCodeAndReasonLeadsWhereTheServersTableSays() throws Exception {
        List<String> reasons = reasons();
        int checked = 0;
        for (int code = 1000; code <= 4999; code++) {
            for (String reason : reasons) {
                Disconnect.Advice server = Disconnect.adviceFor(code, reason);
                CloseCodes.Next client = CloseCodes.next(code, reason);
                assertEquals(server.name(), client.name(),
                        "close " + code + " '" + reason + "'");
                checked++;
            }
        }
        assertEquals(Disconnect.Advice.STOP.name(), CloseCodes.next(1008, null).name());
        assertEquals(4000 * reasons.size(), checked);
    }

    @Test
    void theTransientPolicyReasonsAreTheServers() {
        assertEquals(Disconnect.TRANSIENT_POLICY_REASONS, CloseCodes.TRANSIENT_POLICY_REASONS);
        assertEquals(Disconnect.TOKEN_EXPIRED.code(), CloseCodes.TOKEN_EXPIRED);
    }
}
