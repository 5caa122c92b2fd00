package io.switchboard.core;

import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * The shape a WebSocket upgrade request must have (RFC 6455 section 4.2.1), checked before the
 * container sees the request: a {@code GET} over HTTP/1.1 whose {@code Connection} header lists
 * {@code Upgrade}, with exactly one {@code Sec-WebSocket-Key} that is 16 bytes in base64 and
 * {@code Sec-WebSocket-Version: 13}. The containers differ here (one answers a missing
 * {@code Connection: Upgrade} with a 500, one upgrades a POST, an HTTP/1.0 request or a key of any
 * shape), so Switchboard answers every such request itself, with 400. Pure and thread-safe.
 */
public final class UpgradeSyntax {

    /** The only protocol version Switchboard speaks; sent back with a refusal. */
    public static final String VERSION = "13";

    private UpgradeSyntax() {
    }

    /**
     * @param method      the request method
     * @param protocol    the request's protocol, such as {@code HTTP/1.1}
     * @param connection  every {@code Connection} header value
     * @param keys        every {@code Sec-WebSocket-Key} header value
     * @param versions    every {@code Sec-WebSocket-Version} header value
     * @return what is wrong with the request, fit for a log line; {@code null} when it is a valid upgrade
     */
    public static String problem(String method, String protocol, List<String> connection, List<String> keys,
                                 List<String> versions) {
        if (!"GET".equals(method)) {
            return "method is not GET";
        }
        if (!"HTTP/1.1".equals(protocol)) {
            return "not HTTP/1.1";
        }
        if (!listsUpgrade(connection)) {
            return "Connection does not list Upgrade";
        }
        if (keys.size() != 1 || !isKey(keys.get(0))) {
            return "Sec-WebSocket-Key is not 16 bytes of base64";
        }
        if (versions.size() != 1 || !VERSION.equals(versions.get(0).trim())) {
            return "Sec-WebSocket-Version is not 13";
        }
        return null;
    }

    /** {@code Connection} is a comma-separated list of tokens, possibly over several headers. */
    private static boolean listsUpgrade(List<String> connection) {
        for (String header : connection) {
            for (String token : header.split(",")) {
                if (token.trim().toLowerCase(Locale.ROOT).equals("upgrade")) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean isKey(String key) {
        String k = key.trim();
        if (k.length() != 24) {
            return false; // 16 bytes are 24 characters of padded base64; this also bounds the decoding
        }
        try {
            return Base64.getDecoder().decode(k).length == 16;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
