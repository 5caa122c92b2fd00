package io.switchboard.endpoint;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import java.io.IOException;
import java.util.Arrays;

/**
 * An upgraded connection's input as the container's WebSocket layer reads it: the real input run
 * through a {@link FrameSplitter}. Non-blocking like the stream it wraps: it reports itself ready
 * while rewritten bytes wait here, and asks the real stream otherwise, so the container's read
 * listener is called back by the real stream exactly as before.
 *
 * <p>Holds at most one read of the real stream plus the fragment headers added to it.
 */
final class FrameSplittingInputStream extends ServletInputStream {

    private static final int READ_SIZE = 16 * 1024;

    private final ServletInputStream in;
    private final FrameSplitter splitter;
    private final byte[] scratch = new byte[READ_SIZE];

    /** Rewritten bytes not yet read by the container: {@code pending[start..end)}. */
    private byte[] pending = new byte[READ_SIZE + 64];
    private int start;
    private int end;

    FrameSplittingInputStream(ServletInputStream in, long maxFramePayload) {
        this.in = in;
        this.splitter = new FrameSplitter(maxFramePayload);
    }

    private void append(byte[] bytes, int offset, int length) {
        if (end + length > pending.length) {
            if (end - start + length <= pending.length) {
                System.arraycopy(pending, start, pending, 0, end - start);
            } else {
                pending = Arrays.copyOfRange(pending, start, Math.max(2 * pending.length, end - start + length));
            }
            end -= start;
            start = 0;
        }
        System.arraycopy(bytes, offset, pending, end, length);
        end += length;
    }

    /** Reads once from the real stream into {@link #pending}; -1 at its end. */
    private int fill(int wanted) throws IOException {
        int n = in.read(scratch, 0, Math.min(scratch.length, Math.max(1, wanted)));
        if (n > 0) {
            splitter.feed(scratch, 0, n, this::append);
        }
        return n;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (start == end) {
            start = 0;
            end = 0;
            if (fill(len) < 0) {
                return -1;
            }
        }
        int n = Math.min(len, end - start);
        System.arraycopy(pending, start, b, off, n);
        start += n;
        return n;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n;
        do {
            n = read(one, 0, 1);
        } while (n == 0);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int available() throws IOException {
        return start < end ? end - start : in.available();
    }

    @Override
    public boolean isReady() {
        return start < end || in.isReady();
    }

    @Override
    public boolean isFinished() {
        return start == end && in.isFinished();
    }

    @Override
    public void setReadListener(ReadListener listener) {
        in.setReadListener(listener);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
