package io.switchboard.core;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs a whole drain once, on a private hub of a few stand-in connections, when the application starts:
 * notices, a client that leaves, closes that wait for a frame in flight (one that finishes, one that
 * never does), a close handshake, an abort,
 * the cleanups and the last-resort close of a failed drain. A stopping container may no longer load
 * classes for the application (Payara Micro deletes the exploded application while its shutdown hook
 * runs), so the stop path must need nothing that starting did not already load, initialise and link;
 * running it is what links it (lambdas, string concatenation, enum switches), and the shell loads every
 * other class of the application beside it.
 *
 * <p>Nothing leaves the private hub: its connections write nowhere, its lifecycle lines go to a logger
 * without handlers, and its drain does not touch the node's readiness or counters.
 */
public final class StopRehearsal {

    private StopRehearsal() {
    }

    /**
     * Rehearses the drain with the node's own settings and codec.
     *
     * @throws IllegalStateException when the rehearsal did not end as a real drain would
     */
    public static void run(Settings settings, MessageCodec codec) {
        Logger quiet = Logger.getAnonymousLogger();
        quiet.setUseParentHandlers(false);
        quiet.setLevel(Level.ALL); // every line is formatted, as a real drain's would be, and then dropped
        SteppingClock clock = new SteppingClock();
        Hub hub = new Hub(settings, clock, codec, null, ClusterLink.alone(), new LifecycleLog(quiet));
        Drain drain = hub.drain();
        drain.logTo(quiet::info);
        List<String> cleanups = new ArrayList<>();
        drain.onCompleted(() -> cleanups.add("done"));

        StandIn leaves = StandIn.open(hub, "leaves", false, false);
        StandIn busy = StandIn.open(hub, "busy", true, true);
        StandIn stuck = StandIn.open(hub, "stuck", true, true);
        StandIn answers = StandIn.open(hub, "answers", false, true);
        StandIn.open(hub, "deaf", false, false);

        drain.start("rehearsal", clock.now);
        hub.onTransportClosed(leaves.connection, 1000, "leaving");
        hub.send(busy.connection, new Outbound.Pong("1")); // waits behind the notice still in flight
        clock.now += settings.shutdown().drainTimeout().toNanos();
        drain.advance(clock.now);
        busy.finishWriting(); // its close frame follows its frame in flight
        clock.now += settings.closeTimeout().toNanos() / 2;
        drain.advance(clock.now); // stuck's frame in flight never finishes: its close frame goes anyway
        clock.now += settings.closeTimeout().toNanos() - settings.closeTimeout().toNanos() / 2;
        Drain.Phase phase = drain.advance(clock.now);
        Drain.Result result = drain.lastResult();
        if (phase != Drain.Phase.DONE || result == null || result.aborted() != 1 || result.closed() != 3
                || result.leftOnTheirOwn() != 1 || hub.registry().size() != 0 || cleanups.isEmpty()
                || answers.closeFrames != 1 || busy.closeFrames != 1 || stuck.closeFrames != 1) {
            throw new IllegalStateException("the stop rehearsal ended in " + phase + " with " + result);
        }

        StandIn.open(hub, "after a failed drain", false, false);
        if (drain.closeRemaining() != 1 || drain.abortRemaining() != 1 || hub.registry().size() != 0) {
            throw new IllegalStateException("the stop rehearsal's last-resort close left connections behind");
        }
    }

    /** Time that moves only when the rehearsal moves it. */
    private static final class SteppingClock implements Clock {
        long now = 1_000_000_000L;

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public long epochMillis() {
            return now / 1_000_000L;
        }
    }

    /** A connection that writes nowhere; it may hold its first frame in flight and may answer closes. */
    private static final class StandIn implements Connection {
        private final Hub hub;
        private final boolean holdsFirstFrame;
        private final boolean answersClose;
        ManagedConnection connection;
        SendCallback held;
        int sent;
        int closeFrames;

        private StandIn(Hub hub, boolean holdsFirstFrame, boolean answersClose) {
            this.hub = hub;
            this.holdsFirstFrame = holdsFirstFrame;
            this.answersClose = answersClose;
        }

        static StandIn open(Hub hub, String user, boolean holdsFirstFrame, boolean answersClose) {
            StandIn s = new StandIn(hub, holdsFirstFrame, answersClose);
            s.connection = hub.open(s, new HandshakeInfo("127.0.0.1", "rehearsal", user, HeartbeatMode.PROTOCOL));
            return s;
        }

        @Override
        public void sendText(String text, SendCallback done) {
            // the welcome goes through at once; the frame after it (the notice) stays in flight
            if (holdsFirstFrame && ++sent == 2) {
                held = done;
            } else {
                done.completed(null);
            }
        }

        void finishWriting() {
            if (closeFrames != 0) {
                throw new IllegalStateException("the close frame cut the frame in flight");
            }
            SendCallback done = held;
            held = null;
            if (done != null) { // null when the settings send no notices
                done.completed(null);
            }
        }

        @Override
        public boolean sendPing(byte[] payload) {
            return true;
        }

        @Override
        public void close(int code, String reason) {
            closeFrames++;
            if (answersClose) {
                hub.onTransportClosed(connection, code, reason);
            }
        }

        @Override
        public void abort() {
        }
    }
}
