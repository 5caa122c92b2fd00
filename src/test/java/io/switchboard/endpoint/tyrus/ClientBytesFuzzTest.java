package io.switchboard.endpoint.tyrus;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.switchboard.codec.BoundedJson;
import io.switchboard.codec.JsonMessageCodec;
import io.switchboard.core.Inbound;
import io.switchboard.core.MessageCodec;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Coverage-guided fuzzing of what reads a client's bytes in the shell: the frame splitter and its
 * input stream, the JSON codec and the bounded JSON reader. In a normal build each target runs once
 * over its stored inputs (seconds); {@code JAZZER_FUZZ=1 mvn test -Dtest=ClientBytesFuzzTest#<target>}
 * fuzzes one target for its {@code maxDuration}.
 */
class ClientBytesFuzzTest {

    private static final byte[] MASK = {0x5a, 0x13, (byte) 0xc7, 0x01};
    private static final JsonMessageCodec CODEC = new JsonMessageCodec(16);
    private static final BoundedJson JSON = new BoundedJson(16);

    /**
     * Well-formed (masked) client frames, cut up as a socket delivers them: every data frame that comes out is
     * within the limit, control frames come out unchanged, and the payload bytes are the same, in order.
     */
    @FuzzTest(maxDuration = "2m")
    void splitterKeepsEveryPayloadByteAndBoundsEveryFragment(FuzzedDataProvider data) {
        long max = data.consumeLong(1, 300);
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        ByteArrayOutputStream dataIn = new ByteArrayOutputStream();
        ByteArrayOutputStream controlIn = new ByteArrayOutputStream();
        int frames = data.consumeInt(0, 6);
        for (int i = 0; i < frames; i++) {
            int opcode = data.pickValue(new int[] {0, 1, 2, 8, 9, 10});
            boolean control = opcode >= 8;
            byte[] payload = data.consumeBytes(control ? 125 : 700);
            boolean masked = true; // an unmasked one ends the rewriting (unmaskedFrame... in FrameSplitterTest)
            int first = (data.consumeBoolean() || control ? 0x80 : 0) | (data.consumeBoolean() ? 0x40 : 0) | opcode;
            stream.writeBytes(frame(first, payload, masked));
            (control ? controlIn : dataIn).writeBytes(payload);
        }
        byte[] out = feedInChunks(new FrameSplitter(max), stream.toByteArray(), data);
        ByteArrayOutputStream dataOut = new ByteArrayOutputStream();
        ByteArrayOutputStream controlOut = new ByteArrayOutputStream();
        ByteBuffer in = ByteBuffer.wrap(out);
        while (in.hasRemaining()) {
            int first = in.get() & 0xFF;
            int second = in.get() & 0xFF;
            long length = second & 0x7F;
            if (length == 126) {
                length = in.getShort() & 0xFFFF;
            } else if (length == 127) {
                length = in.getLong();
            }
            byte[] mask = (second & 0x80) != 0 ? new byte[4] : null;
            if (mask != null) {
                in.get(mask);
            }
            byte[] payload = new byte[(int) length];
            in.get(payload);
            for (int i = 0; mask != null && i < payload.length; i++) {
                payload[i] ^= mask[i % 4];
            }
            boolean control = (first & 0x0F) >= 8;
            if (!control) {
                // the fragments keep the mask key in step: a multiple of 4, and at least 4 (FrameSplitter)
                long bound = Math.max(4, max & ~3L);
                assertTrue(length <= Math.max(bound, max), "a data frame of " + length + " bytes with a limit of " + max);
            }
            (control ? controlOut : dataOut).writeBytes(payload);
        }
        assertArrayEquals(dataIn.toByteArray(), dataOut.toByteArray());
        assertArrayEquals(controlIn.toByteArray(), controlOut.toByteArray());
    }

    /** Any bytes at all, in any chunks: the splitter never fails, and the input stream says what the splitter says. */
    @FuzzTest(maxDuration = "2m")
    void anyBytesPassThroughTheSplitterAndItsStreamAlike(FuzzedDataProvider data) throws IOException {
        long max = data.consumeLong(1, 1 << 20);
        int readSize = data.consumeInt(1, 64);
        byte[] bytes = data.consumeRemainingAsBytes();
        ByteArrayOutputStream direct = new ByteArrayOutputStream();
        new FrameSplitter(max).feed(bytes, 0, bytes.length, direct::write);

        FrameSplittingInputStream stream = new FrameSplittingInputStream(new Source(bytes, readSize), max, () -> { });
        ByteArrayOutputStream read = new ByteArrayOutputStream();
        byte[] buffer = new byte[readSize];
        for (int n; (n = stream.read(buffer, 0, buffer.length)) != -1; ) {
            read.write(buffer, 0, n);
        }
        assertArrayEquals(direct.toByteArray(), read.toByteArray());
    }

    /** Any text: a decoded message or a bad request with a message for the client, never anything else. */
    @FuzzTest(maxDuration = "2m")
    void theCodecDecodesOrRefusesAnyText(FuzzedDataProvider data) {
        String text = data.consumeRemainingAsString();
        try {
            Inbound message = CODEC.decode(text);
            assertNotNull(message);
        } catch (MessageCodec.BadMessageException e) {
            assertNotNull(e.getMessage());
        }
    }

    /** Any text: a value no deeper than the limit, or a refusal. */
    @FuzzTest(maxDuration = "2m")
    void theBoundedReaderNeverGoesPastItsLimit(FuzzedDataProvider data) {
        String text = data.consumeRemainingAsString();
        try {
            assertTrue(depth(JSON.read(text)) <= JSON.maxDepth());
        } catch (BoundedJson.RefusedException e) {
            assertNotNull(e.getMessage());
        }
    }

    private static int depth(JsonValue value) {
        if (value instanceof JsonObject o) {
            return 1 + o.values().stream().mapToInt(ClientBytesFuzzTest::depth).max().orElse(0);
        }
        if (value instanceof JsonArray a) {
            return 1 + a.stream().mapToInt(ClientBytesFuzzTest::depth).max().orElse(0);
        }
        return 0;
    }

    private static byte[] feedInChunks(FrameSplitter splitter, byte[] stream, FuzzedDataProvider data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int at = 0; at < stream.length; ) {
            int n = Math.min(stream.length - at, data.consumeInt(1, 64));
            splitter.feed(stream, at, n, out::write);
            at += n;
        }
        return out.toByteArray();
    }

    private static byte[] frame(int first, byte[] payload, boolean mask) {
        return ClientFrames.frame(first, payload, mask ? MASK : null);
    }

    /** A servlet input stream over fixed bytes that hands out at most {@code chunk} bytes per read. */
    private static final class Source extends ServletInputStream {
        private final byte[] bytes;
        private final int chunk;
        private int at;

        Source(byte[] bytes, int chunk) {
            this.bytes = bytes;
            this.chunk = chunk;
        }

        @Override
        public int read() {
            return at < bytes.length ? bytes[at++] & 0xFF : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (at >= bytes.length) {
                return -1;
            }
            int n = Math.min(Math.min(len, chunk), bytes.length - at);
            System.arraycopy(bytes, at, b, off, n);
            at += n;
            return n;
        }

        @Override
        public boolean isFinished() {
            return at >= bytes.length;
        }

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public void setReadListener(ReadListener listener) {
            throw new UnsupportedOperationException();
        }
    }
}
