package io.switchboard.client;

/**
 * A request that did not succeed: the server answered with an {@code error} (its {@link #code()},
 * such as {@code forbidden} or {@code rate_limited}), or the connection ended before the reply.
 */
public final class SwitchboardException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The code when the connection ended before a reply arrived. */
    public static final String DISCONNECTED = "disconnected";
    /** The code when a request is made while the client is not connected. */
    public static final String NOT_CONNECTED = "not_connected";

    private final String code;

    public SwitchboardException(String code, String message) {
        super(code + ": " + message);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
