package io.switchboard.endpoint.tyrus;

/**
 * Rewrites the client-to-server WebSocket byte stream (RFC 6455 section 5.2) so that no data frame
 * carries more than {@code maxPayload} bytes: a longer text, binary or continuation frame is cut into
 * fragments of at most that size, which is what a client may send anyway (section 5.4). Frames that
 * fit, and control frames, pass through byte for byte.
 *
 * <p>Why: Tyrus reads a whole frame into memory before anything of it reaches an endpoint, and refuses
 * a frame larger than its buffer with its own 1011. Cut into fragments, a large frame reaches
 * Switchboard's partial {@code @OnMessage} piece by piece, and {@code MessageAssembler} closes it
 * with 1009 once it passes {@code max-message-size}; the container never holds more than one piece.
 *
 * <p>The fragments of a frame keep its mask key: each fragment's payload starts at an offset of the
 * original payload that is a multiple of four (the piece size is rounded down to one), so the masked
 * bytes are passed on unchanged. The first fragment keeps the frame's opcode and RSV bits (the
 * permessage-deflate bit belongs on the first frame of a message only); the others are continuation
 * frames; the last keeps the frame's FIN bit. UTF-8 sequences cut between fragments are allowed by
 * the protocol and reassembled by the container.
 *
 * <p>A client frame that is not masked is marked as a protocol error on its way through: RFC 6455
 * section 5.1 says a server must close the connection then, and Tyrus would process it. Its header goes
 * on with the RSV2 and RSV3 bits set, which no extension Switchboard negotiates uses, so Tyrus refuses it
 * with its own 1002 close; the payload is never read.
 *
 * <p>Streaming: {@link #feed} takes the bytes as they arrive, in chunks of any size, and holds at most
 * one frame header (14 bytes) between calls. Not thread-safe: one instance per connection, fed by
 * the one thread that reads it at a time.
 */
final class FrameSplitter {

    /** Where the rewritten bytes go. */
    interface Sink {
        void write(byte[] bytes, int offset, int length);
    }

    private static final int FIN = 0x80;
    private static final int MASKED = 0x80;
    /** RSV2 and RSV3: bits no negotiated extension uses, so a frame that carries them is a protocol error. */
    private static final int UNUSED_RSV = 0x30;
    private static final int MAX_HEADER = 14;

    private final long maxPayload;

    /** The header being read; complete when {@code headerLength == headerNeed}. */
    private final byte[] header = new byte[MAX_HEADER];
    private int headerLength;
    /** Bytes of the current header: 2 until the second byte says more. */
    private int headerNeed = 2;

    /** Payload bytes of the current frame not yet passed on; 0 while reading a header. */
    private long remaining;
    /** Payload bytes left in the current fragment (equal to {@link #remaining} when not splitting). */
    private long fragmentLeft;
    /** True while the current frame is being cut into fragments. */
    private boolean splitting;
    /** The current frame's FIN bit, for its last fragment. */
    private boolean finalFrame;
    /** The current frame's mask key, or null when unmasked. */
    private byte[] mask;
    /** True once the stream held a length it cannot follow (over 2^63): from then on bytes pass unchanged. */
    private boolean raw;

    /** A fragment header being written; made at the first split, since nearly no connection needs one. */
    private byte[] out;

    /**
     * @param maxPayload the largest payload of a data frame passed on whole; larger ones are cut into
     *                   fragments of this size rounded down to a multiple of 4 (at least 4)
     */
    FrameSplitter(long maxPayload) {
        this.maxPayload = Math.max(4, maxPayload & ~3L);
    }

    /** Rewrites {@code length} bytes of the stream from {@code bytes[offset]} into {@code sink}. */
    void feed(byte[] bytes, int offset, int length, Sink sink) {
        int i = offset;
        int end = offset + length;
        while (i < end) {
            if (raw) {
                sink.write(bytes, i, end - i);
                return;
            }
            if (remaining == 0) {
                header[headerLength++] = bytes[i++];
                if (headerLength == 2) {
                    headerNeed = headerSize(header[1]);
                }
                if (headerLength == headerNeed) {
                    startFrame(sink);
                }
                continue;
            }
            if (fragmentLeft == 0) {
                startFragment(sink);
            }
            int n = (int) Math.min(end - i, fragmentLeft);
            sink.write(bytes, i, n);
            i += n;
            fragmentLeft -= n;
            remaining -= n;
            if (remaining == 0 && splitting) {
                splitting = false;
                mask = null;
            }
        }
    }

    private static int headerSize(byte second) {
        int code = second & 0x7F;
        int size = 2 + (code == 126 ? 2 : code == 127 ? 8 : 0);
        return (second & MASKED) != 0 ? size + 4 : size;
    }

    /** A whole header has been read: pass it on, or the first fragment's header in its place. */
    private void startFrame(Sink sink) {
        int code = header[1] & 0x7F;
        int at = 2;
        long length;
        if (code == 126) {
            length = ((header[2] & 0xFF) << 8) | (header[3] & 0xFF);
            at = 4;
        } else if (code == 127) {
            length = 0;
            for (int k = 2; k < 10; k++) {
                length = (length << 8) | (header[k] & 0xFF);
            }
            at = 10;
        } else {
            length = code;
        }
        boolean masked = (header[1] & MASKED) != 0;
        int opcode = header[0] & 0x0F;
        int headerBytes = headerLength;
        headerLength = 0;
        headerNeed = 2;
        if (length < 0) {
            // not a length a peer can mean; let the container refuse it as it would have
            raw = true;
            sink.write(header, 0, headerBytes);
            return;
        }
        if (!masked) {
            // RFC 6455 5.1: the container must fail this connection (1002); from here on nothing is rewritten
            raw = true;
            header[0] |= UNUSED_RSV;
            sink.write(header, 0, headerBytes);
            return;
        }
        boolean data = opcode == 0x0 || opcode == 0x1 || opcode == 0x2;
        remaining = length;
        if (!data || length <= maxPayload) {
            fragmentLeft = length;
            sink.write(header, 0, headerBytes);
            return;
        }
        splitting = true;
        finalFrame = (header[0] & FIN) != 0;
        mask = masked ? new byte[] {header[at], header[at + 1], header[at + 2], header[at + 3]} : null;
        fragmentLeft = 0;
        // the first fragment: the frame's opcode and RSV bits, never final (the frame is longer than one piece)
        writeFragmentHeader(sink, header[0] & 0x7F);
    }

    /** The current piece is done and the frame goes on: a continuation fragment's header. */
    private void startFragment(Sink sink) {
        boolean last = remaining <= maxPayload;
        writeFragmentHeader(sink, last && finalFrame ? FIN : 0);
    }

    private void writeFragmentHeader(Sink sink, int first) {
        long length = Math.min(remaining, maxPayload);
        if (out == null) {
            out = new byte[MAX_HEADER];
        }
        int n = 0;
        out[n++] = (byte) first;
        int maskBit = mask != null ? MASKED : 0;
        if (length <= 125) {
            out[n++] = (byte) (maskBit | length);
        } else if (length <= 0xFFFF) {
            out[n++] = (byte) (maskBit | 126);
            out[n++] = (byte) (length >>> 8);
            out[n++] = (byte) length;
        } else {
            out[n++] = (byte) (maskBit | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                out[n++] = (byte) (length >>> shift);
            }
        }
        if (mask != null) {
            System.arraycopy(mask, 0, out, n, 4);
            n += 4;
        }
        sink.write(out, 0, n);
        fragmentLeft = length;
    }

    /** Whether a frame is being cut into fragments right now (for tests). */
    boolean isSplitting() {
        return splitting;
    }
}
