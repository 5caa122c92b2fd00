package io.switchboard.endpoint;

import io.switchboard.core.Settings;
import jakarta.websocket.Extension;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Decides the handshake's extensions with {@code switchboard.compression.*} (protocol.md).
 *
 * <ul>
 *   <li>Disabled: permessage-deflate is taken out of whatever the container would negotiate.</li>
 *   <li>Tyrus (Payara Micro): the container offers no deflate of its own, so a
 *       {@link TyrusDeflateExtension} is negotiated when the client asks for one it can honour.</li>
 *   <li>Undertow (WildFly): the container negotiates permessage-deflate itself when its undertow
 *       subsystem has {@code per-message-deflate=true}; its choice stands.</li>
 * </ul>
 * The Tyrus extension is created by reflection, so that no Tyrus type is linked on other containers.
 */
final class Compression {

    private static final Logger LOG = Logger.getLogger(Compression.class.getName());
    static final String DEFLATE = "permessage-deflate";
    private static final String TYRUS_EXTENSION_API = "org.glassfish.tyrus.core.extension.ExtendedExtension";
    private static final String TYRUS_DEFLATE = "io.switchboard.endpoint.tyrus.TyrusDeflateExtension";
    private static final boolean ON_TYRUS = present(TYRUS_EXTENSION_API);

    private Compression() {
    }

    private static boolean present(String className) {
        try {
            Class.forName(className, false, Compression.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /**
     * @param requested  the client's offers, in its order of preference
     * @param negotiated what the container's default negotiation chose
     */
    static List<Extension> negotiate(Settings settings, List<Extension> requested, List<Extension> negotiated) {
        Settings.Compression compression = settings.compression();
        List<Extension> result = new ArrayList<>(negotiated);
        if (!compression.enabled()) {
            result.removeIf(e -> DEFLATE.equals(e.getName()));
            return result;
        }
        boolean chosen = result.stream().anyMatch(e -> DEFLATE.equals(e.getName()));
        if (chosen || !ON_TYRUS || requested.stream().noneMatch(Compression::acceptable)) {
            return result;
        }
        try {
            result.add((Extension) Class.forName(TYRUS_DEFLATE)
                    .getConstructor(int.class, long.class, long.class)
                    .newInstance(compression.level(), compression.threshold(), settings.limits().maxMessageSize()));
        } catch (ReflectiveOperationException | LinkageError e) {
            LOG.log(Level.WARNING, "permessage-deflate not offered: the Tyrus extension could not be created", e);
        }
        return result;
    }

    /**
     * An offer Switchboard can honour: permessage-deflate that does not ask the server for a window
     * smaller than the JDK's deflater uses (32 KiB, {@code server_max_window_bits=15}).
     */
    private static boolean acceptable(Extension offer) {
        if (!DEFLATE.equals(offer.getName())) {
            return false;
        }
        for (Extension.Parameter p : offer.getParameters()) {
            if ("server_max_window_bits".equals(p.getName()) && !"15".equals(p.getValue())) {
                return false;
            }
        }
        return true;
    }
}
