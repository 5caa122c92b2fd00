package io.switchboard.it.support;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A minimal WebSocket client over a plain socket (RFC 6455, no extensions), for what the JDK
 * client cannot do: leave Ping frames unanswered, or ignore a close frame, as a dead peer would.
 * Every frame received is queued with its arrival time; the end of the TCP stream is an event too.
 */
public final class RawClient implements AutoCloseable {

    /** One event: a frame (opcode, payload) or the end of the stream ({@code opcode == -1}). */
    public record Frame(int opcode, byte[] payload, long atNanos) {
        public static final int TEXT = 1;
        public static final int CLOSE = 8;
        public static final int PING = 9;
        public static final int EOF = -1;

        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /** {@code "<code> <reason>"} of a close frame. */
        public String closeStatus() {
            if (payload.length < 2) {
                return "1005 ";
            }
            int code = ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
            return code + " " + new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
        }
    }

    private final Socket socket;
    private final OutputStream out;
    private final boolean answerPings;
    private final boolean answerClose;
    private final BlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
    /** Every whole text message is checked against the AsyncAPI document; see {@link ProtocolSchemas}. */
    private final ProtocolSchemas.Recorder schema = new ProtocolSchemas.Recorder();
    /** Every event so far, in order, whether or not a wait has consumed it. */
    private final java.util.List<Frame> history = java.util.Collections.synchronizedList(new java.util.ArrayList<>());

    private RawClient(URI uri, boolean answerPings, boolean answerClose) throws IOException {
        this.answerPings = answerPings;
        this.answerClose = answerClose;
        Upgrade upgrade = Upgrade.send(uri, null, 0, "User-Agent", "switchboard-raw-test").switched();
        this.socket = upgrade.socket();
        socket.setSoTimeout(0); // the reader waits for the server as long as the socket lives
        this.out = socket.getOutputStream();
        DataInputStream in = upgrade.in();
        Thread reader = new Thread(() -> readLoop(in), "raw-client-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** A client that answers pings (a live peer) or not (a zombie), and answers a close frame or not. */
    public static RawClient connect(URI uri, boolean answerPings, boolean answerClose) throws IOException {
        return new RawClient(uri, answerPings, answerClose);
    }

    private void readLoop(DataInputStream in) {
        try {
            while (true) {
                Frames.Read read = Frames.read(in, Integer.MAX_VALUE);
                int opcode = read.opcode();
                byte[] payload = read.payload();
                Frame frame = new Frame(opcode, payload, System.nanoTime());
                if (opcode == Frame.TEXT && read.fin()) {
                    schema.check(frame.text());
                }
                history.add(frame);
                frames.add(frame);
                if (opcode == Frame.PING && answerPings) {
                    send(0xA, payload);
                } else if (opcode == Frame.CLOSE && answerClose) {
                    send(Frame.CLOSE, payload.length >= 2 ? new byte[] {payload[0], payload[1]} : new byte[0]);
                }
            }
        } catch (IOException e) {
            Frame eof = new Frame(Frame.EOF, new byte[0], System.nanoTime());
            history.add(eof);
            frames.add(eof);
        }
    }

    /** Every frame received so far, in order, the end of the stream included. */
    public java.util.List<Frame> received() {
        synchronized (history) {
            return java.util.List.copyOf(history);
        }
    }

    public void sendText(String text) throws IOException {
        send(Frame.TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes one masked, final frame (clients must mask). */
    private synchronized void send(int opcode, byte[] payload) throws IOException {
        out.write(Frames.masked(0x80 | opcode, payload));
        out.flush();
    }

    /** The next event of this opcode (skipping others); fails when none comes within {@link TestClient#WAIT}. */
    public Frame await(int opcode) throws InterruptedException {
        schema.assertClean();
        long deadline = System.nanoTime() + TestClient.WAIT.toNanos();
        while (System.nanoTime() - deadline < 0) {
            Frame f = frames.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (f == null) {
                break;
            }
            if (f.opcode() == opcode) {
                return f;
            }
            if (f.opcode() == Frame.EOF) {
                frames.add(f); // stays the last event
                throw new AssertionError("stream ended while waiting for opcode " + opcode);
            }
        }
        throw new AssertionError(opcode == Frame.EOF ? "the server did not drop the connection within " + TestClient.WAIT
                : "no frame with opcode " + opcode + " within " + TestClient.WAIT);
    }

    /** The end of the TCP stream; fails when it does not come within {@link TestClient#WAIT}. */
    public Frame awaitEof() throws InterruptedException {
        return await(Frame.EOF);
    }

    @Override
    public void close() throws IOException {
        socket.close();
        schema.assertClean();
    }
}
