package io.switchboard.endpoint.tyrus;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FrameSplitterTest {

    private static final byte[] MASK = {0x11, 0x22, 0x33, 0x44};

    /** A frame as a client writes it: masked with {@link #MASK} unless {@code mask} is false. */
    private static byte[] frame(int first, byte[] payload, boolean mask) {
        return ClientFrames.frame(first, payload, mask ? MASK : null);
    }

    private record Frame(int first, byte[] payload) {
        boolean fin() {
            return (first & 0x80) != 0;
        }

        int opcode() {
            return first & 0x0F;
        }

        boolean rsv1() {
            return (first & 0x40) != 0;
        }
    }

    /** Parses (and unmasks) every frame of a client byte stream. */
    private static List<Frame> parse(byte[] stream) {
        ByteBuffer in = ByteBuffer.wrap(stream);
        List<Frame> frames = new ArrayList<>();
        while (in.hasRemaining()) {
            int first = in.get() & 0xFF;
            int second = in.get() & 0xFF;
            long length = second & 0x7F;
            if (length == 126) {
                length = in.getShort() & 0xFFFF;
            } else if (length == 127) {
                length = in.getLong();
            }
            byte[] mask = null;
            if ((second & 0x80) != 0) {
                mask = new byte[4];
                in.get(mask);
            }
            byte[] payload = new byte[(int) length];
            in.get(payload);
            for (int i = 0; mask != null && i < payload.length; i++) {
                payload[i] ^= mask[i % 4];
            }
            frames.add(new Frame(first, payload));
        }
        return frames;
    }

    /** Feeds the stream in chunks of random sizes, as a socket delivers it. */
    private static byte[] split(FrameSplitter splitter, byte[] stream, long seed) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Random random = new Random(seed);
        for (int at = 0; at < stream.length; ) {
            int n = Math.min(stream.length - at, 1 + random.nextInt(37));
            splitter.feed(stream, at, n, out::write);
            at += n;
        }
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            b.writeBytes(p);
        }
        return b.toByteArray();
    }

    private static byte[] text(int bytes) {
        byte[] t = new byte[bytes];
        for (int i = 0; i < bytes; i++) {
            t[i] = (byte) ('a' + i % 26);
        }
        return t;
    }

    @Test
    void framesThatFitAndControlFramesPassThroughByteForByte() {
        byte[] stream = concat(frame(0x81, text(100), true), frame(0x89, text(5), true),
                frame(0x01, text(64), true), frame(0x80, text(64), true), frame(0x88, new byte[] {3, -24}, true));
        assertArrayEquals(stream, split(new FrameSplitter(100), stream, 1));
    }

    @Test
    void aLargeTextFrameBecomesFragmentsOfAtMostThePieceWithTheSamePayload() {
        byte[] payload = text(1_000);
        byte[] out = split(new FrameSplitter(102), frame(0x81, payload, true), 2);
        List<Frame> frames = parse(out);

        assertEquals(10, frames.size(), "1000 bytes in pieces of 100 (102 rounded down to a multiple of 4)");
        assertEquals(0x1, frames.get(0).opcode());
        assertFalse(frames.get(0).fin());
        for (Frame f : frames.subList(1, frames.size())) {
            assertEquals(0x0, f.opcode(), "continuation");
        }
        assertTrue(frames.get(9).fin());
        assertFalse(frames.get(8).fin());
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        frames.forEach(f -> {
            assertTrue(f.payload().length <= 100);
            joined.writeBytes(f.payload());
        });
        assertArrayEquals(payload, joined.toByteArray(), "unmasked with the frame's own key");
    }

    @Test
    void aPieceOfAFragmentedMessageKeepsTheMessageUnfinishedAndRsvBitsStayOnTheFirstFragment() {
        byte[] first = text(300);
        byte[] rest = text(50);
        // a compressed (RSV1) text frame that is not final, then its final continuation, a ping between
        byte[] stream = concat(frame(0x41, first, true), frame(0x89, new byte[0], true), frame(0x80, rest, true));
        List<Frame> frames = parse(split(new FrameSplitter(128), stream, 3));

        assertEquals(List.of(0x41, 0x00, 0x00, 0x89, 0x80), frames.stream().map(Frame::first).toList());
        assertTrue(frames.get(0).rsv1());
        assertEquals(128 + 128 + 44, frames.subList(0, 3).stream().mapToInt(f -> f.payload().length).sum());
    }

    @Test
    void aHugeDeclaredFrameIsCutAsItArrivesHoldingNoMoreThanAHeader() {
        FrameSplitter splitter = new FrameSplitter(64 * 1024);
        ByteBuffer header = ByteBuffer.allocate(14).put((byte) 0x81).put((byte) (0x80 | 127))
                .putLong(100L * 1024 * 1024).put(MASK);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        splitter.feed(header.array(), 0, 14, out::write);
        assertTrue(splitter.isSplitting());
        byte[] chunk = new byte[16 * 1024];
        for (int i = 0; i < 16; i++) {
            splitter.feed(chunk, 0, chunk.length, out::write);
        }
        // 256 KiB of payload so far: four full pieces of 64 KiB, each with a header of 14 bytes
        byte[] written = out.toByteArray();
        assertEquals(4 * (14 + 64 * 1024), written.length);
        assertEquals(0x01, written[0], "text, not final");
        assertEquals(0x00, written[14 + 64 * 1024], "continuation");
    }

    @Test
    void multiByteCharactersMayBeCutBetweenFragmentsAndComeBackWhole() {
        byte[] payload = "äöü€𝄞".repeat(50).getBytes(StandardCharsets.UTF_8);
        List<Frame> frames = parse(split(new FrameSplitter(20), frame(0x81, payload, true), 4));
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        frames.forEach(f -> joined.writeBytes(f.payload()));
        assertEquals("äöü€𝄞".repeat(50), joined.toString(StandardCharsets.UTF_8));
    }

    @Test
    void anUnmaskedFrameReachesTheContainerAsAProtocolErrorAndNothingAfterItIsRewritten() {
        byte[] unmasked = frame(0x82, text(500), false);
        byte[] after = frame(0x81, text(500), true);
        byte[] stream = ByteBuffer.allocate(unmasked.length + after.length).put(unmasked).put(after).array();
        byte[] out = split(new FrameSplitter(200), stream, 5);
        assertEquals(stream.length, out.length, "not cut into fragments");
        assertEquals(0x82 | 0x30, out[0] & 0xFF, "RSV2 and RSV3 set: the container fails the connection with 1002");
        out[0] = stream[0];
        assertArrayEquals(stream, out, "everything else passes unchanged");
    }

    @Test
    void aLengthWithTheTopBitSetIsPassedOnForTheContainerToRefuse() {
        byte[] stream = ByteBuffer.allocate(14 + 3).put((byte) 0x81).put((byte) (0x80 | 127)).putLong(-1L)
                .put(MASK).put(new byte[] {1, 2, 3}).array();
        assertArrayEquals(stream, split(new FrameSplitter(100), stream, 6));
    }
}
