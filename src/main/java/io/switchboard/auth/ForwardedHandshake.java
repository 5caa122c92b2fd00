package io.switchboard.auth;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/**
 * The upgrade request as the container's WebSocket layer sees it: with the filter's own headers
 * set, and any header of those names the client sent hidden, so that the Configurator can trust them.
 *
 * <p>Both containers keep this wrapper for as long as the upgraded connection lives, so it holds
 * two fields and nothing else.
 */
final class ForwardedHandshake extends HttpServletRequestWrapper {

    static final String REMOTE_ADDRESS_HEADER = "X-Switchboard-Remote-Address";
    static final String TICKET_HEADER = "X-Switchboard-Ticket";

    private final String remoteAddress;
    /** Null hides a client's header of this name and adds none. */
    private final String ticket;

    ForwardedHandshake(HttpServletRequest request, String remoteAddress, String ticket) {
        super(request);
        this.remoteAddress = remoteAddress;
        this.ticket = ticket;
    }

    private static boolean isOwn(String name) {
        return REMOTE_ADDRESS_HEADER.equalsIgnoreCase(name) || TICKET_HEADER.equalsIgnoreCase(name);
    }

    /** The value of one of the filter's headers; only call with {@link #isOwn} true. */
    private String own(String name) {
        return REMOTE_ADDRESS_HEADER.equalsIgnoreCase(name) ? remoteAddress : ticket;
    }

    @Override
    public String getHeader(String name) {
        return isOwn(name) ? own(name) : super.getHeader(name);
    }

    @Override
    public Enumeration<String> getHeaders(String name) {
        if (!isOwn(name)) {
            return super.getHeaders(name);
        }
        String value = own(name);
        return Collections.enumeration(value == null ? List.of() : List.of(value));
    }

    @Override
    public Enumeration<String> getHeaderNames() {
        List<String> names = new ArrayList<>();
        for (Enumeration<String> e = super.getHeaderNames(); e.hasMoreElements(); ) {
            String name = e.nextElement();
            if (!isOwn(name)) {
                names.add(name);
            }
        }
        if (remoteAddress != null) {
            names.add(REMOTE_ADDRESS_HEADER);
        }
        if (ticket != null) {
            names.add(TICKET_HEADER);
        }
        return Collections.enumeration(names);
    }
}
