package io.switchboard.endpoint.tyrus;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpUpgradeHandler;
import jakarta.servlet.http.WebConnection;
import java.io.IOException;
import java.lang.reflect.Proxy;
import org.junit.jupiter.api.Test;

/**
 * What the handshake filter learns from the wrapper: whether the WebSocket layer upgraded the request
 * through it. The filter keeps the connection's ticket when it did, without reading the response,
 * which Payara Micro may have recycled by then.
 */
class FrameSplittingUpgradeTest {

    /** A handler the container would make; any class but Tyrus's passes through unchanged. */
    public static final class OtherHandler implements HttpUpgradeHandler {
        @Override
        public void init(WebConnection connection) {
        }

        @Override
        public void destroy() {
        }
    }

    /** A request whose upgrade makes the handler asked for, or fails as a container may. */
    private static HttpServletRequest request(HttpUpgradeHandler made) {
        return (HttpServletRequest) Proxy.newProxyInstance(HttpServletRequest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, method, args) -> {
                    if (method.getName().equals("upgrade")) {
                        if (made == null) {
                            throw new IOException("the container could not upgrade");
                        }
                        return made;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void aRequestNobodyUpgradedSaysSo() {
        FrameSplittingUpgrade upgrade = new FrameSplittingUpgrade(request(new OtherHandler()), 1024, () -> { });
        assertFalse(upgrade.upgraded(), "a request answered without an upgrade (a refusal, a plain GET)");
    }

    @Test
    void aRequestUpgradedThroughTheWrapperSaysSoWhateverTheHandler() throws Exception {
        OtherHandler handler = new OtherHandler();
        FrameSplittingUpgrade upgrade = new FrameSplittingUpgrade(request(handler), 1024, () -> { });
        assertSame(handler, upgrade.upgrade(OtherHandler.class), "a handler other than Tyrus's is the container's own");
        assertTrue(upgrade.upgraded());
    }

    @Test
    void anUpgradeTheContainerFailedStillCountsAsTaken() {
        // the socket may be live or not: the connection claims the ticket, or its TTL gives the slots back
        FrameSplittingUpgrade upgrade = new FrameSplittingUpgrade(request(null), 1024, () -> { });
        assertThrows(IOException.class, () -> upgrade.upgrade(OtherHandler.class));
        assertTrue(upgrade.upgraded());
    }
}
