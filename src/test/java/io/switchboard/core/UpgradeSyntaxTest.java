package io.switchboard.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

class UpgradeSyntaxTest {

    private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";

    private static String check(String method, String protocol, List<String> connection, List<String> keys, List<String> versions) {
        return UpgradeSyntax.problem(method, protocol, connection, keys, versions);
    }

    @Test
    void aValidUpgradeHasNoProblem() {
        assertNull(check("GET", "HTTP/1.1", List.of("Upgrade"), List.of(KEY), List.of("13")));
        assertNull(check("GET", "HTTP/1.1", List.of("keep-alive, upgrade"), List.of(" " + KEY + " "), List.of(" 13")));
        assertNull(check("GET", "HTTP/1.1", List.of("keep-alive", "Upgrade"), List.of(KEY), List.of("13")));
    }

    @Test
    void everyMalformedPartIsNamed() {
        assertEquals("method is not GET", check("POST", "HTTP/1.1", List.of("Upgrade"), List.of(KEY), List.of("13")));
        assertEquals("not HTTP/1.1", check("GET", "HTTP/1.0", List.of("Upgrade"), List.of(KEY), List.of("13")));
        assertEquals("Connection does not list Upgrade", check("GET", "HTTP/1.1", List.of("keep-alive"), List.of(KEY), List.of("13")));
        assertEquals("Connection does not list Upgrade", check("GET", "HTTP/1.1", List.of(), List.of(KEY), List.of("13")));
        assertEquals("Connection does not list Upgrade", check("GET", "HTTP/1.1", List.of("upgraded"), List.of(KEY), List.of("13")));
        String key = "Sec-WebSocket-Key is not 16 bytes of base64";
        assertEquals(key, check("GET", "HTTP/1.1", List.of("Upgrade"), List.of("abc"), List.of("13")));
        assertEquals(key, check("GET", "HTTP/1.1", List.of("Upgrade"), List.of("AAECAwQFBgcICQoLDA0ODxAREhM="), List.of("13")));
        assertEquals(key, check("GET", "HTTP/1.1", List.of("Upgrade"), List.of("!!!!!!!!!!!!!!!!!!!!!!=="), List.of("13")));
        assertEquals(key, check("GET", "HTTP/1.1", List.of("Upgrade"), List.of(), List.of("13")));
        assertEquals(key, check("GET", "HTTP/1.1", List.of("Upgrade"), List.of(KEY, KEY), List.of("13")));
        String version = "Sec-WebSocket-Version is not 13";
        assertEquals(version, check("GET", "HTTP/1.1", List.of("Upgrade"), List.of(KEY), List.of()));
        assertEquals(version, check("GET", "HTTP/1.1", List.of("Upgrade"), List.of(KEY), List.of("8")));
        assertEquals(version, check("GET", "HTTP/1.1", List.of("Upgrade"), List.of(KEY), List.of("x")));
    }
}
