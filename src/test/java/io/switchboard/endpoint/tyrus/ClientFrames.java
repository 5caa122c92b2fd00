package io.switchboard.endpoint.tyrus;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/** WebSocket frames as a client writes them, for the tests of what reads a client's bytes. */
final class ClientFrames {

    private ClientFrames() {
    }

    /** One frame with header byte {@code first}, masked with {@code maskKey} (4 bytes), or unmasked when it is null. */
    static byte[] frame(int first, byte[] payload, byte[] maskKey) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(first);
        int maskBit = maskKey != null ? 0x80 : 0;
        if (payload.length <= 125) {
            b.write(maskBit | payload.length);
        } else if (payload.length <= 0xFFFF) {
            b.write(maskBit | 126);
            b.write(payload.length >>> 8);
            b.write(payload.length);
        } else {
            b.write(maskBit | 127);
            b.writeBytes(ByteBuffer.allocate(8).putLong(payload.length).array());
        }
        if (maskKey != null) {
            b.writeBytes(maskKey);
        }
        for (int i = 0; i < payload.length; i++) {
            b.write(maskKey != null ? payload[i] ^ maskKey[i % 4] : payload[i]);
        }
        return b.toByteArray();
    }
}
