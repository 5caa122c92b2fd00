package io.switchboard.it.support;

import java.net.URI;
import java.net.URL;

/** Where the server under test answers, which differs between Payara Micro and WildFly. */
public final class Servers {

    private Servers() {
    }

    /** {@code payara} or {@code wildfly}, set by the failsafe execution. */
    public static String name() {
        return System.getProperty("switchboard.it.server", "payara");
    }

    /** The WebSocket endpoint for a deployment's base URL, with an optional query string. */
    public static URI webSocket(URL base, String query) {
        String http = base.toExternalForm();
        String root = http.endsWith("/") ? http : http + "/";
        return URI.create(root.replaceFirst("^http", "ws") + "ws" + (query == null ? "" : "?" + query));
    }

    private static final java.util.concurrent.atomic.AtomicInteger USERS = new java.util.concurrent.atomic.AtomicInteger();

    /**
     * The WebSocket endpoint with a valid {@code access_token} for a user of its own, for clients that
     * cannot send an {@code Authorization} header (raw sockets, browsers) in tests about something else.
     */
    public static URI authorized(URL base, String query) {
        String token = "access_token=" + Tokens.forUser("raw-" + USERS.incrementAndGet());
        return webSocket(base, query == null ? token : query + "&" + token);
    }

    /**
     * A MicroProfile Health URL: on the HTTP port for Payara Micro, on the management port (9990 plus any offset) for
     * WildFly, which serves health nowhere else.
     */
    public static URI health(URL base, String path) {
        if (name().equals("wildfly")) {
            return URI.create("http://" + base.getHost() + ":" + io.switchboard.it.container.SuiteExtension.managementPort() + "/health" + path);
        }
        return URI.create("http://" + base.getHost() + ":" + base.getPort() + "/health" + path);
    }
}
