package io.switchboard.it.support;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The opening handshake of the raw-socket clients ({@link RawClient}, {@link RawWebSocket},
 * {@link FrameClient}; RFC 6455 section 4.1): a socket of its own, the upgrade request written by hand,
 * the response head read back. What comes after the head is left on {@link #in()} for the client's frames.
 */
public final class Upgrade {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Socket socket;
    private final DataInputStream in;
    private final String statusLine;
    private final int status;
    private final Map<String, String> headers;

    private Upgrade(Socket socket, DataInputStream in, String statusLine, int status, Map<String, String> headers) {
        this.socket = socket;
        this.in = in;
        this.statusLine = statusLine;
        this.status = status;
        this.headers = headers;
    }

    /**
     * Connects to {@code ws} (from {@code sourceIp} when not null, with this receive buffer when above 0),
     * sends the upgrade request with these extra headers (name, value, ...) and reads the response head.
     * Reads on the socket time out after {@link TestClient#WAIT}.
     */
    public static Upgrade send(URI ws, String sourceIp, int receiveBuffer, String... extraHeaders) throws IOException {
        Socket socket = new Socket();
        try {
            if (receiveBuffer > 0) {
                socket.setReceiveBufferSize(receiveBuffer);
            }
            socket.setSoTimeout((int) TestClient.WAIT.toMillis());
            if (sourceIp != null) {
                socket.bind(new InetSocketAddress(sourceIp, 0));
            }
            socket.connect(new InetSocketAddress(ws.getHost(), ws.getPort()), (int) TestClient.WAIT.toMillis());
            byte[] key = new byte[16];
            RANDOM.nextBytes(key);
            StringBuilder request = new StringBuilder()
                    .append("GET ").append(ws.getRawPath()).append(ws.getRawQuery() == null ? "" : "?" + ws.getRawQuery())
                    .append(" HTTP/1.1\r\n")
                    .append("Host: ").append(ws.getHost()).append(':').append(ws.getPort()).append("\r\n")
                    .append("Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n")
                    .append("Sec-WebSocket-Key: ").append(Base64.getEncoder().encodeToString(key)).append("\r\n");
            for (int i = 0; i + 1 < extraHeaders.length; i += 2) {
                request.append(extraHeaders[i]).append(": ").append(extraHeaders[i + 1]).append("\r\n");
            }
            request.append("\r\n");
            socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();

            DataInputStream in = new DataInputStream(socket.getInputStream());
            String statusLine = readLine(in);
            if (statusLine == null) {
                throw new EOFException("connection closed during the upgrade");
            }
            Map<String, String> headers = new LinkedHashMap<>();
            for (String line; (line = readLine(in)) != null && !line.isEmpty(); ) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
                }
            }
            String[] parts = statusLine.split(" ");
            if (parts.length < 2) {
                throw new IOException("no HTTP status line: '" + statusLine + "'");
            }
            return new Upgrade(socket, in, statusLine, Integer.parseInt(parts[1]), headers);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** This upgrade if the server switched protocols (101); otherwise closes the socket and fails. */
    public Upgrade switched() throws IOException {
        if (status != 101) {
            socket.close();
            throw new IOException("upgrade refused: " + statusLine);
        }
        return this;
    }

    public Socket socket() {
        return socket;
    }

    /** The socket's input, positioned after the response head. */
    public DataInputStream in() {
        return in;
    }

    public int status() {
        return status;
    }

    /** A response header, by case-insensitive name, or null. */
    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /** One line of the head without its CRLF; null at the end of the stream before any byte. */
    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            if (b != '\r') {
                line.write(b);
            }
        }
        return b == -1 && line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }
}
