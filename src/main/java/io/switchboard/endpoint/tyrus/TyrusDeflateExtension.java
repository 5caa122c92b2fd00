package io.switchboard.endpoint.tyrus;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.glassfish.tyrus.core.extension.ExtendedExtension;
import org.glassfish.tyrus.core.frame.Frame;

/**
 * permessage-deflate (RFC 7692) for Tyrus, which has none of its own enabled in Payara Micro. Tyrus's
 * optional {@code PerMessageDeflateExtension} inflates each frame in full before any size check, so
 * a few kilobytes can become gigabytes; this one stops inflating one byte past
 * {@code switchboard.limits.max-message-size} and turns the frame into a close 1009 from the peer,
 * which Tyrus answers and reports like any other close.
 *
 * <p>Outgoing: messages under {@code switchboard.compression.threshold} go uncompressed (RSV1 clear,
 * allowed per message by RFC 7692); larger ones are deflated at {@code switchboard.compression.level}.
 * The server announces {@code server_no_context_takeover}, so a connection holds no deflater between
 * messages: a few pooled deflaters serve all connections. Each connection holds one inflater, created
 * at its first compressed message, since clients keep their context by default.
 *
 * <p>Loaded only on Tyrus, through {@link Compression}; never referenced by name elsewhere.
 */
public final class TyrusDeflateExtension implements ExtendedExtension {

    private static final String NAME = "permessage-deflate";
    private static final byte[] TAIL = {0x00, 0x00, (byte) 0xff, (byte) 0xff};
    private static final String INFLATER = TyrusDeflateExtension.class.getName() + ".inflater";
    /** long[] {bytes inflated so far for the current message, 1 if the current message is compressed}. */
    private static final String MESSAGE = TyrusDeflateExtension.class.getName() + ".message";
    private static final int CLOSE_TOO_BIG = 1009;
    private static final int CLOSE_BAD_DATA = 1007;

    /** Deflaters shared by every connection; none is held between messages. */
    private static final ArrayBlockingQueue<Deflater> DEFLATERS = new ArrayBlockingQueue<>(8);

    private final int level;
    private final long threshold;
    private final long maxMessageSize;

    public TyrusDeflateExtension(int level, long threshold, long maxMessageSize) {
        this.level = level;
        this.threshold = threshold;
        this.maxMessageSize = maxMessageSize;
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public List<Parameter> getParameters() {
        return List.of(new Flag("server_no_context_takeover"));
    }

    @Override
    public List<Parameter> onExtensionNegotiation(ExtensionContext context, List<Parameter> requestedParameters) {
        return getParameters();
    }

    @Override
    public void onHandshakeResponse(ExtensionContext context, List<Parameter> responseParameters) {
        // server side only: nothing to learn from our own response
    }

    @Override
    public void destroy(ExtensionContext context) {
        Object inflater = context.getProperties().remove(INFLATER);
        if (inflater instanceof Inflater i) {
            i.end();
        }
    }

    @Override
    public Frame processIncoming(ExtensionContext context, Frame frame) {
        if (frame.isControlFrame()) {
            return frame;
        }
        Map<String, Object> properties = context.getProperties();
        long[] message = (long[]) properties.computeIfAbsent(MESSAGE, k -> new long[2]);
        if (frame.getOpcode() != 0x00) {
            message[0] = 0;
            message[1] = frame.isRsv1() ? 1 : 0;
        }
        if (message[1] == 0) {
            return frame;
        }
        Inflater inflater = (Inflater) properties.computeIfAbsent(INFLATER, k -> new Inflater(true));
        long budget = maxMessageSize + 1 - message[0];
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(budget, 4 * frame.getPayloadLength() + 64));
        try {
            inflate(inflater, frame.getPayloadData(), (int) frame.getPayloadLength(), out, budget);
            if (frame.isFin() && out.size() < budget) {
                inflate(inflater, TAIL, TAIL.length, out, budget);
            }
        } catch (DataFormatException e) {
            return close(frame, CLOSE_BAD_DATA, "invalid compressed data");
        }
        if (out.size() >= budget) {
            return close(frame, CLOSE_TOO_BIG, "message too big");
        }
        message[0] += out.size();
        byte[] plain = out.toByteArray();
        return Frame.builder(frame).rsv1(false).payloadData(plain).payloadLength(plain.length).build();
    }

    /** Inflates {@code length} bytes of input into {@code out}, stopping once {@code out} reaches {@code budget}. */
    private static void inflate(Inflater inflater, byte[] input, int length, ByteArrayOutputStream out, long budget)
            throws DataFormatException {
        inflater.setInput(input, 0, length);
        byte[] chunk = new byte[8192];
        while (out.size() < budget) {
            int room = (int) Math.min(chunk.length, budget - out.size());
            int n = inflater.inflate(chunk, 0, room);
            out.write(chunk, 0, n);
            if (n == 0 && (inflater.needsInput() || inflater.finished() || inflater.needsDictionary())) {
                return;
            }
        }
    }

    /** The frame replaced by a close from the peer: Tyrus answers it and closes the session with this code. */
    private static Frame close(Frame frame, int code, String reason) {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        byte[] payload = ByteBuffer.allocate(2 + text.length).putShort((short) code).put(text).array();
        return Frame.builder(frame).opcode((byte) 0x08).fin(true).rsv1(false)
                .payloadData(payload).payloadLength(payload.length).build();
    }

    @Override
    public Frame processOutgoing(ExtensionContext context, Frame frame) {
        byte opcode = frame.getOpcode();
        if (frame.isControlFrame() || opcode == 0x00 || !frame.isFin() || frame.getPayloadLength() < threshold) {
            return frame;
        }
        Deflater deflater = DEFLATERS.poll();
        if (deflater == null) {
            deflater = new Deflater(level, true);
        }
        try {
            deflater.setInput(frame.getPayloadData(), 0, (int) frame.getPayloadLength());
            ByteArrayOutputStream out = new ByteArrayOutputStream((int) frame.getPayloadLength() / 2 + 64);
            byte[] chunk = new byte[8192];
            int n;
            do {
                n = deflater.deflate(chunk, 0, chunk.length, Deflater.SYNC_FLUSH);
                out.write(chunk, 0, n);
            } while (n == chunk.length);
            byte[] compressed = out.toByteArray();
            int length = endsWithTail(compressed) ? compressed.length - TAIL.length : compressed.length;
            return Frame.builder(frame).rsv1(true).payloadData(compressed).payloadLength(length).build();
        } finally {
            deflater.reset();
            if (!DEFLATERS.offer(deflater)) {
                deflater.end();
            }
        }
    }

    private static boolean endsWithTail(byte[] b) {
        int n = b.length;
        return n >= 4 && b[n - 4] == TAIL[0] && b[n - 3] == TAIL[1] && b[n - 2] == TAIL[2] && b[n - 1] == TAIL[3];
    }

    /** An extension parameter without a value. */
    private record Flag(String getName) implements Parameter {
        @Override
        public String getValue() {
            return null;
        }
    }
}
