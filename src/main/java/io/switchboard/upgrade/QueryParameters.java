package io.switchboard.upgrade;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Reads one parameter of a handshake's raw query string. The handshake reads its two parameters
 * ({@code access_token}, {@code heartbeat}) here rather than through the container's parameter
 * map: asking a container for a parameter makes it parse the whole query into maps it then keeps
 * with the upgraded request for as long as the connection lives.
 */
public final class QueryParameters {

    private QueryParameters() {
    }

    /**
     * The first value of {@code name} in {@code query} (form-decoded, as a servlet container decodes
     * parameters): {@code ""} for a name without {@code =}, {@code null} when absent. A value that is
     * not valid percent-encoding is returned as sent, so that it fails where it is used and not here.
     */
    public static String first(String query, String name) {
        if (query == null || query.isEmpty()) {
            return null;
        }
        int start = 0;
        while (start <= query.length()) {
            int end = query.indexOf('&', start);
            if (end < 0) {
                end = query.length();
            }
            int eq = query.indexOf('=', start);
            boolean hasValue = eq >= 0 && eq < end;
            String key = query.substring(start, hasValue ? eq : end);
            if (name.equals(decode(key))) {
                return hasValue ? decode(query.substring(eq + 1, end)) : "";
            }
            start = end + 1;
        }
        return null;
    }

    private static String decode(String s) {
        if (s.indexOf('%') < 0 && s.indexOf('+') < 0) {
            return s;
        }
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }
}
