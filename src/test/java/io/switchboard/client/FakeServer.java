package io.switchboard.client;

import io.switchboard.it.support.Frames;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A scripted WebSocket peer for the client's own tests: it accepts upgrades on 127.0.0.1 (or answers
 * them with an HTTP status), and lets a test send frames and read what the client sent. It plays the
 * server's side of the wire only; the real server is tested in the container suite.
 */
final class FakeServer implements AutoCloseable {

    static final long WAIT_SECONDS = 10;

    private final ServerSocket socket;
    private final BlockingQueue<Peer> peers = new LinkedBlockingQueue<>();
    /** Status lines for the next handshakes, e.g. "503 Service Unavailable\r\nRetry-After: 1"; empty: accept. */
    private final BlockingQueue<String> refusals = new LinkedBlockingQueue<>();

    FakeServer() throws IOException {
        socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "fake-server-" + socket.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    URI uri() {
        return URI.create("ws://127.0.0.1:" + socket.getLocalPort() + "/ws");
    }

    /** The next handshake gets this status line and headers instead of 101. */
    void refuseNext(String statusAndHeaders) {
        refusals.add(statusAndHeaders);
    }

    /** The next accepted connection; fails the test when none comes in time. */
    Peer next() throws InterruptedException {
        Peer peer = peers.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        if (peer == null) {
            throw new AssertionError("no connection within " + WAIT_SECONDS + " s");
        }
        return peer;
    }

    private void accept() {
        while (!socket.isClosed()) {
            try {
                Socket s = socket.accept();
                s.setTcpNoDelay(true);
                String request = readHead(s.getInputStream());
                String refusal = refusals.poll();
                OutputStream out = s.getOutputStream();
                if (refusal != null) {
                    out.write(("HTTP/1.1 " + refusal + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    s.close();
                    continue;
                }
                String key = header(request, "sec-websocket-key");
                String accept = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
                        .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII)));
                out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Accept: " + accept + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                peers.add(new Peer(s, request));
            } catch (Exception e) {
                return;
            }
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            head.write(b);
            byte[] h = head.toByteArray();
            int n = h.length;
            if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') {
                break;
            }
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    private static String header(String request, String name) {
        for (String line : request.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        socket.close();
        for (Peer p; (p = peers.poll()) != null; ) {
            p.drop();
        }
    }

    /** One accepted connection. */
    static final class Peer {
        private final Socket socket;
        /** The upgrade request as received: request line and headers. */
        final String request;
        /** Text messages from the client, then "close <code>" when its close frame arrives. */
        private final BlockingQueue<String> received = new LinkedBlockingQueue<>();

        Peer(Socket socket, String request) {
            this.socket = socket;
            this.request = request;
            Thread reader = new Thread(this::read, "fake-peer");
            reader.setDaemon(true);
            reader.start();
        }

        String header(String name) {
            return FakeServer.header(request, name);
        }

        /** The next text message (or close) from the client; fails the test when none comes in time. */
        String next() throws InterruptedException {
            String message = received.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            if (message == null) {
                throw new AssertionError("the client sent nothing within " + WAIT_SECONDS + " s");
            }
            return message;
        }

        /** The next message containing {@code fragment}, skipping others. */
        String next(String fragment) throws InterruptedException {
            for (String m = next(); ; m = next()) {
                if (m.contains(fragment)) {
                    return m;
                }
            }
        }

        void send(String text) throws IOException {
            frame(0x1, text.getBytes(StandardCharsets.UTF_8));
        }

        /** True once this side sent a close frame; the client's answer to it is not answered again. */
        private volatile boolean closeSent;

        void close(int code, String reason) throws IOException {
            closeSent = true;
            byte[] r = reason.getBytes(StandardCharsets.UTF_8);
            byte[] payload = new byte[2 + r.length];
            payload[0] = (byte) (code >> 8);
            payload[1] = (byte) code;
            System.arraycopy(r, 0, payload, 2, r.length);
            frame(0x8, payload);
        }

        /** Drops the TCP connection without a close frame. */
        void drop() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // already gone
            }
        }

        private synchronized void frame(int opcode, byte[] payload) throws IOException {
            OutputStream out = socket.getOutputStream();
            out.write(0x80 | opcode);
            if (payload.length < 126) {
                out.write(payload.length);
            } else {
                out.write(126);
                out.write(payload.length >> 8);
                out.write(payload.length);
            }
            out.write(payload);
            out.flush();
        }

        private void read() {
            try (DataInputStream in = new DataInputStream(socket.getInputStream())) {
                while (true) {
                    Frames.Read frame = Frames.read(in, Integer.MAX_VALUE);
                    byte[] payload = frame.payload();
                    switch (frame.opcode()) {
                        case 0x1 -> received.add(new String(payload, StandardCharsets.UTF_8));
                        case 0x8 -> {
                            int code = payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
                            received.add("close " + code);
                            if (!closeSent) {
                                frame(0x8, payload.length >= 2 ? new byte[] {payload[0], payload[1]} : new byte[0]);
                            }
                            socket.close();
                            return;
                        }
                        case 0x9 -> frame(0xA, payload);
                        default -> { }
                    }
                }
            } catch (IOException e) {
                // the connection is gone
            }
        }
    }
}
