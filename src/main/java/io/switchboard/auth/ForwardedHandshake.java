package io.switchboard.auth;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The upgrade request as the container's WebSocket layer sees it: with the filter's own headers
 * set, and any header of those names the client sent hidden, so that the Configurator can trust them.
 */
final class ForwardedHandshake extends HttpServletRequestWrapper {

    static final String REMOTE_ADDRESS_HEADER = "X-Switchboard-Remote-Address";
    static final String TICKET_HEADER = "X-Switchboard-Ticket";

    /** The filter's headers; a null value hides the client's header of that name and adds none. */
    private final Map<String, String> own = new LinkedHashMap<>();

    ForwardedHandshake(HttpServletRequest request, String remoteAddress, String ticket) {
        super(request);
        own.put(REMOTE_ADDRESS_HEADER, remoteAddress);
        own.put(TICKET_HEADER, ticket);
    }

    private String ownKey(String name) {
        for (String key : own.keySet()) {
            if (key.equalsIgnoreCase(name)) {
                return key;
            }
        }
        return null;
    }

    @Override
    public String getHeader(String name) {
        String key = ownKey(name);
        return key != null ? own.get(key) : super.getHeader(name);
    }

    @Override
    public Enumeration<String> getHeaders(String name) {
        String key = ownKey(name);
        if (key == null) {
            return super.getHeaders(name);
        }
        String value = own.get(key);
        return Collections.enumeration(value == null ? List.of() : List.of(value));
    }

    @Override
    public Enumeration<String> getHeaderNames() {
        List<String> names = new ArrayList<>();
        for (Enumeration<String> e = super.getHeaderNames(); e.hasMoreElements(); ) {
            String name = e.nextElement();
            if (ownKey(name) == null) {
                names.add(name);
            }
        }
        own.forEach((name, value) -> {
            if (value != null) {
                names.add(name);
            }
        });
        return Collections.enumeration(names);
    }
}
