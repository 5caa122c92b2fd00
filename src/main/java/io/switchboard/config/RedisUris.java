package io.switchboard.config;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * Checks {@code switchboard.cluster.redis.uri} ({@code redis://[user:password@]host:port[/db]},
 * {@code rediss://} for TLS) before anything connects, so that a typo stops the deployment with the
 * key's name. The URI may carry a password: no message ever contains it.
 */
final class RedisUris {

    static final String KEY = "switchboard.cluster.redis.uri";

    private RedisUris() {
    }

    /** @throws InvalidConfigurationException naming the key, with the value hidden */
    static void check(String uri) {
        URI parsed;
        try {
            parsed = new URI(uri);
        } catch (URISyntaxException e) {
            throw ConfigReader.invalid(KEY, uri, "not a URI (expected redis://[user:password@]host:port[/db])");
        }
        String scheme = parsed.getScheme();
        if (!"redis".equals(scheme) && !"rediss".equals(scheme)) {
            throw ConfigReader.invalid(KEY, uri, "the scheme must be redis:// or rediss://");
        }
        if (parsed.getHost() == null || parsed.getHost().isEmpty()) {
            throw ConfigReader.invalid(KEY, uri, "no host (expected redis://[user:password@]host:port[/db])");
        }
        String path = parsed.getPath();
        if (path != null && !path.isEmpty() && !path.equals("/") && !path.matches("/[0-9]{1,2}")) {
            throw ConfigReader.invalid(KEY, uri, "the path must be a database number such as /0");
        }
    }
}
