package io.switchboard.endpoint.tyrus;

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
 * <p>Holds at most one read of the real stream plus the fragment headers added to it, and nothing
 * between reads.
 *
 * <p>It also tells the connection when the peer has ended its side of the TCP stream (a FIN) or the
 * stream failed (a reset), which Tyrus does not act on: a client that closed its socket politely right after the upgrade would
 * otherwise hold its connection and slots until the first failed Ping.
 */
final class FrameSplittingInputStream extends ServletInputStream {

    /** Room for the fragment headers one read may add before {@link #pending} has to grow. */
    private static final int HEADROOM = 64;

    private final ServletInputStream in;
    private final FrameSplitter splitter;
    /** The most bytes one read takes from the real stream. */
    private final int readCap;
    /** Runs once when the real stream ends: the peer will send nothing more. */
    private final Runnable peerEnded;
    private boolean ended;

    /**
     * Rewritten bytes not yet read by the container: {@code pending[start..end)}. Made for one read of
     * the real stream and dropped once the container has taken it, so that an idle connection holds no
     * buffer here (tens of thousands of connections each keeping one would cost more heap than the
     * rest of Switchboard's state per connection).
     */
    private byte[] pending;
    private int start;
    private int end;

    FrameSplittingInputStream(ServletInputStream in, long maxFramePayload, Runnable peerEnded) {
        this.in = in;
        this.readCap = (int) Math.max(64, Math.min(Integer.MAX_VALUE, maxFramePayload / 2));
        this.splitter = new FrameSplitter(maxFramePayload);
        this.peerEnded = peerEnded;
    }

    private void ended() {
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
        }
        peerEnded.run();
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

    /**
     * Reads once from the real stream into the caller's buffer, then rewrites those bytes into a fresh
     * {@link #pending}; -1 at the stream's end.
     */
    private int fill(byte[] b, int off, int len) throws IOException {
        // at most half a fragment per read: Tyrus keeps an unfinished frame and appends each read to it in
        // a buffer that may be as small as twice the message limit (ContainerBufferLimits), so a read as
        // large as that buffer on top of an unfinished fragment would overflow it (its own 1011)
        int n = in.read(b, off, Math.min(len, readCap));
        if (n < 0) {
            ended();
        }
        if (n > 0) {
            pending = new byte[n + HEADROOM];
            start = 0;
            end = 0;
            splitter.feed(b, off, n, this::append);
        }
        return n;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (start == end && fill(b, off, len) < 0) {
            return -1;
        }
        int n = Math.min(len, end - start);
        if (n > 0) {
            System.arraycopy(pending, start, b, off, n);
            start += n;
        }
        if (start == end) {
            pending = null;
            start = 0;
            end = 0;
        }
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
        in.setReadListener(new ReadListener() {
            @Override
            public void onDataAvailable() throws IOException {
                listener.onDataAvailable();
            }

            @Override
            public void onAllDataRead() throws IOException {
                try {
                    listener.onAllDataRead();
                } finally {
                    ended();
                }
            }

            @Override
            public void onError(Throwable t) {
                try {
                    listener.onError(t);
                } finally {
                    ended(); // a read failed: the peer is gone (a reset, typically)
                }
            }
        });
        if (in.isFinished()) {
            ended(); // the peer's end came before there was a listener to hear of it
        }
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
