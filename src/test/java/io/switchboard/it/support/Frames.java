package io.switchboard.it.support;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.security.SecureRandom;

/**
 * The WebSocket framing the raw test peers share (RFC 6455 section 5.2): reading one frame, masked (from
 * a client) or not (from a server), and writing the masked frames a client must send.
 */
public final class Frames {

    private static final SecureRandom RANDOM = new SecureRandom();

    private Frames() {
    }

    /** One frame as the peer sent it, unmasked. */
    public record Read(int firstByte, byte[] payload) {
        public int opcode() {
            return firstByte & 0x0F;
        }

        public boolean fin() {
            return (firstByte & 0x80) != 0;
        }

        /** The first reserved bit: a compressed message with permessage-deflate. */
        public boolean rsv1() {
            return (firstByte & 0x40) != 0;
        }
    }

    /**
     * Reads one frame and unmasks it if it is masked. A payload longer than {@code keep} bytes is read to
     * its end, but only its first {@code keep} bytes are kept, so the stream stays at the next frame.
     */
    public static Read read(DataInputStream in, int keep) throws IOException {
        int b0 = in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        long length = b1 & 0x7F;
        if (length == 126) {
            length = in.readUnsignedShort();
        } else if (length == 127) {
            length = in.readLong();
        }
        byte[] mask = null;
        if ((b1 & 0x80) != 0) {
            mask = new byte[4];
            in.readFully(mask);
        }
        byte[] payload = new byte[(int) Math.min(length, keep)];
        in.readFully(payload);
        in.skipNBytes(length - payload.length);
        for (int i = 0; mask != null && i < payload.length; i++) {
            payload[i] ^= mask[i % 4];
        }
        return new Read(b0, payload);
    }

    /** The head of a client frame: its first byte, the masked length and the masking key. */
    public static byte[] head(int firstByte, long length, byte[] mask) {
        ByteArrayOutputStream head = new ByteArrayOutputStream(14);
        head.write(firstByte);
        if (length < 126) {
            head.write(0x80 | (int) length);
        } else if (length <= 0xFFFF) {
            head.write(0x80 | 126);
            head.write((int) (length >>> 8));
            head.write((int) length);
        } else {
            head.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                head.write((int) (length >>> shift));
            }
        }
        head.write(mask, 0, 4);
        return head.toByteArray();
    }

    /** A whole client frame, masked with a random key (clients must mask). */
    public static byte[] masked(int firstByte, byte[] payload) {
        byte[] mask = new byte[4];
        RANDOM.nextBytes(mask);
        ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
        frame.writeBytes(head(firstByte, payload.length, mask));
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i % 4]);
        }
        return frame.toByteArray();
    }
}
