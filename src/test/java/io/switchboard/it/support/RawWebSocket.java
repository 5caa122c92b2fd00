package io.switchboard.it.support;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * A WebSocket client on a plain socket, for what the JDK client cannot do: choose the source address
 * (127.0.0.x, to act as different IPs), read the status and headers of a refused upgrade, and send a
 * frame whose declared length is far larger than anything it will actually send.
 */
public final class RawWebSocket implements AutoCloseable {

    private final Socket socket;
    private final OutputStream out;
    private final DataInputStream in;
    private final int status;
    private final Upgrade upgrade;

    private RawWebSocket(Socket socket, Upgrade upgrade, DataInputStream in) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.in = in;
        this.status = upgrade.status();
        this.upgrade = upgrade;
    }

    /**
     * Sends an upgrade request from {@code sourceIp} with extra headers (name, value, ...) and reads
     * the response head.
     */
    public static RawWebSocket open(URI ws, String sourceIp, String... extraHeaders) throws IOException {
        Upgrade upgrade = Upgrade.send(ws, sourceIp, 0, extraHeaders);
        return new RawWebSocket(upgrade.socket(), upgrade, upgrade.in());
    }

    public int status() {
        return status;
    }

    /** A response header, by case-insensitive name, or null. */
    public String header(String name) {
        return upgrade.header(name);
    }

    /** Sends one masked text frame. */
    public void sendText(String text) throws IOException {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        writeHeader(0x1, payload.length);
        out.write(payload); // the masking key is zero, so the masked payload is the payload
        out.flush();
    }

    /** Writes the head of a final text frame that declares {@code length} bytes of payload. */
    public void writeHeader(int opcode, long length) throws IOException {
        out.write(Frames.head(0x80 | opcode, length, new byte[4])); // masking key 0: the payload goes out as is
    }

    /**
     * Writes up to {@code total} bytes of ASCII payload in chunks until the server stops reading (the
     * write fails or blocks past the socket timeout).
     *
     * @return how many payload bytes were written before that
     */
    public long writePayloadUntilRefused(long total) {
        byte[] chunk = new byte[64 * 1024];
        java.util.Arrays.fill(chunk, (byte) 'a');
        long written = 0;
        try {
            while (written < total) {
                int n = (int) Math.min(chunk.length, total - written);
                out.write(chunk, 0, n);
                written += n;
            }
            out.flush();
        } catch (IOException e) {
            // the server closed or reset the connection: that is what we wait for
        }
        return written;
    }

    /** Reads frames until a close frame and returns its code, or -1 when the connection ended without one. */
    public int awaitCloseCode() {
        try {
            while (true) {
                Frames.Read frame = Frames.read(in, 1 << 20);
                byte[] payload = frame.payload();
                if (frame.opcode() == 0x8) {
                    return payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
                }
            }
        } catch (IOException e) {
            return -1;
        }
    }

    /** Sends a close frame (1000) when the upgrade succeeded, then closes the socket. */
    @Override
    public void close() {
        try {
            if (status == 101 && !socket.isClosed()) {
                writeHeader(0x8, 2);
                out.write(new byte[] {0x03, (byte) 0xE8});
                out.flush();
                awaitCloseCode();
            }
        } catch (IOException e) {
            // the server is gone already
        }
        try {
            socket.close();
        } catch (IOException e) {
            // nothing left to do
        }
    }

}
