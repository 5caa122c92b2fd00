package io.switchboard.it.support;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * A WebSocket client on a plain socket, for what the JDK client cannot do: stop reading while the
 * server keeps sending (with a small receive buffer, so the server's writes stall soon), and
 * negotiate permessage-deflate and send compressed frames of its own making.
 */
public final class FrameClient implements AutoCloseable {

    /** One frame or message from the server: opcode, payload, whether it came compressed. */
    public record Frame(int opcode, byte[] payload, boolean compressed) {
        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /** The close code of a close frame. */
        public int closeCode() {
            return ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
        }

        public String closeReason() {
            return new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final Upgrade upgrade;
    private final Inflater inflater = new Inflater(true);

    private FrameClient(URI uri, String extensions, int receiveBuffer) throws IOException {
        upgrade = Upgrade.send(uri, null, receiveBuffer, extensions == null
                ? new String[] {"User-Agent", "raw-test-client"}
                : new String[] {"User-Agent", "raw-test-client", "Sec-WebSocket-Extensions", extensions}).switched();
        socket = upgrade.socket();
        in = upgrade.in();
        out = socket.getOutputStream();
    }

    public static FrameClient connect(URI uri, String extensions, int receiveBuffer) throws IOException {
        return new FrameClient(uri, extensions, receiveBuffer);
    }

    /** The value of a response header of the upgrade, or null. */
    public String header(String name) {
        return upgrade.header(name);
    }

    /** Sends a text message, compressed with permessage-deflate when {@code compress}. */
    public void sendText(String text, boolean compress) throws IOException {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        if (compress) {
            payload = deflate(payload);
        }
        sendFrame(0x1, payload, compress);
    }

    /** Sends an already deflated text message as one frame with RSV1 set. */
    public void sendRawCompressed(byte[] deflated) throws IOException {
        sendFrame(0x1, deflated, true);
    }

    /** Deflates one message without context takeover (always allowed for a sender), minus the 00 00 ff ff tail. */
    public static byte[] deflate(byte[] data) {
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
        deflater.setInput(data);
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        byte[] chunk = new byte[64 * 1024];
        int n;
        do {
            n = deflater.deflate(chunk, 0, chunk.length, Deflater.SYNC_FLUSH);
            compressed.write(chunk, 0, n);
        } while (n == chunk.length || !deflater.needsInput());
        deflater.end();
        byte[] all = compressed.toByteArray();
        byte[] trimmed = new byte[all.length - 4];
        System.arraycopy(all, 0, trimmed, 0, trimmed.length);
        return trimmed;
    }

    /** Sends a text message as one frame without a mask, which RFC 6455 forbids a client to do. */
    public synchronized void sendUnmaskedText(String text) throws IOException {
        byte[] payload = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (payload.length > 125) {
            throw new IllegalArgumentException("a short text only");
        }
        out.write(0x81);
        out.write(payload.length);
        out.write(payload);
        out.flush();
    }

    private synchronized void sendFrame(int opcode, byte[] payload, boolean rsv1) throws IOException {
        out.write(Frames.masked(0x80 | (rsv1 ? 0x40 : 0) | opcode, payload));
        out.flush();
    }

    /** The next whole message or control frame, inflated when it came compressed; pings are answered. */
    public Frame next() throws IOException {
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        boolean compressed = false;
        int messageOpcode = -1;
        while (true) {
            Frames.Read frame = Frames.read(in, Integer.MAX_VALUE);
            int opcode = frame.opcode();
            byte[] payload = frame.payload();
            if (opcode >= 0x8) {
                if (opcode == 0x9) {
                    sendFrame(0xA, payload, false);
                    continue;
                }
                return new Frame(opcode, payload, false);
            }
            if (opcode != 0) {
                messageOpcode = opcode;
                compressed = frame.rsv1();
            }
            message.write(payload);
            if (frame.fin()) {
                byte[] data = message.toByteArray();
                Frame whole = new Frame(messageOpcode, compressed ? inflate(data) : data, compressed);
                if (messageOpcode == 0x1) {
                    // every text message the server sends must be one the AsyncAPI document describes
                    ProtocolSchemas.Recorder schema = new ProtocolSchemas.Recorder();
                    schema.check(whole.text());
                    schema.assertClean();
                }
                return whole;
            }
        }
    }

    private byte[] inflate(byte[] data) throws IOException {
        byte[] withTail = new byte[data.length + 4];
        System.arraycopy(data, 0, withTail, 0, data.length);
        withTail[data.length + 2] = (byte) 0xff;
        withTail[data.length + 3] = (byte) 0xff;
        inflater.setInput(withTail);
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        byte[] chunk = new byte[16 * 1024];
        try {
            while (!inflater.needsInput()) {
                int n = inflater.inflate(chunk);
                plain.write(chunk, 0, n);
                if (n == 0 && inflater.needsInput()) {
                    break;
                }
            }
        } catch (DataFormatException e) {
            throw new IOException("bad deflate data from the server", e);
        }
        return plain.toByteArray();
    }

    /** The next text message, skipping nothing: fails on anything else. */
    public String nextText() throws IOException {
        Frame f = next();
        if (f.opcode() != 0x1) {
            throw new IOException("expected a text message, got opcode " + f.opcode()
                    + (f.opcode() == 0x8 ? " (close " + f.closeCode() + " " + f.closeReason() + ")" : ""));
        }
        return f.text();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
