package io.switchboard.upgrade;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/**
 * The upgrade request as the container's WebSocket layer sees it: with the filter's ticket header
 * set, and any header of that name the client sent hidden, so that the Configurator can trust it.
 *
 * <p>Both containers keep this wrapper for as long as the upgraded connection lives, so it holds
 * one field and nothing else.
 */
final class ForwardedHandshake extends HttpServletRequestWrapper {

    static final String TICKET_HEADER = "X-Switchboard-Ticket";

    /** Null hides a client's header of this name and adds none. */
    private final String ticket;

    ForwardedHandshake(HttpServletRequest request, String ticket) {
        super(request);
        this.ticket = ticket;
    }

    private static boolean isOwn(String name) {
        return TICKET_HEADER.equalsIgnoreCase(name);
    }

    @Override
    public String getHeader(String name) {
        return isOwn(name) ? ticket : super.getHeader(name);
    }

    @Override
    public Enumeration<String> getHeaders(String name) {
        if (!isOwn(name)) {
            return super.getHeaders(name);
        }
        return Collections.enumeration(ticket == null ? List.of() : List.of(ticket));
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
        if (ticket != null) {
            names.add(TICKET_HEADER);
        }
        return Collections.enumeration(names);
    }
}
