package io.switchboard.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Token expiry on open connections on a fake clock: the refresh notice,
 * the close at {@code exp + leeway}, in-band refresh, and a drain. Tokens are
 * {@code user:expiresInSeconds[:channel,channel]} relative to the fake clock's wall time at issue.
 */
class TokenLifetimeTest {

    private final FakeClock clock = new FakeClock();
    private final Hub hub = new Hub(TestSettings.with(Map.of(
            "switchboard.auth.refresh-notice", "60s",
            "switchboard.auth.jwt.leeway", "30s",
            "switchboard.heartbeat.interval", "1h",
            "switchboard.heartbeat.timeout", "1h",
            "switchboard.idle.timeout", "0",
            "switchboard.rate.burst", "3",
            "switchboard.rate.messages-per-second", "1")), clock, TestSettings.codec());
    /** Every message sent and not yet checked by a test, per transport: {@link #noMoreMessages} fails on leftovers. */
    private final List<RecordingConnection> transports = new ArrayList<>();

    TokenLifetimeTest() {
        hub.gatekeeper().useVerifier(token -> {
            String[] parts = token.split(":");
            if (parts.length < 2) {
                throw new TokenVerifier.InvalidTokenException("bad signature");
            }
            List<String> channels = parts.length > 2 ? Arrays.asList(parts[2].split(",")) : null;
            return new Identity(parts[0], channels, Instant.ofEpochMilli(clock.epochMillis()).plusSeconds(Long.parseLong(parts[1])));
        });
    }

    private ManagedConnection connect(RecordingConnection t, String token) {
        return connect(t, token, "10.0.0.1");
    }

    private ManagedConnection connect(RecordingConnection t, String token, String ip) {
        transports.add(t);
        HandshakeCheck check = hub.gatekeeper().checkHandshake(ip, null, token);
        assertTrue(check.isAccepted(), () -> "refused: " + check.refusal());
        ManagedConnection c = hub.open(t, new HandshakeInfo(ip, "test", null, HeartbeatMode.PROTOCOL, check.ticket()));
        assertEquals("welcome", take(t).getString("type"));
        return c;
    }

    /** Advances in sweep ticks, so that deadlines fire as they would on the server. */
    private void advance(Duration d) {
        long tick = hub.sweeper().tickNanos();
        for (long left = d.toNanos(); left > 0; left -= tick) {
            clock.advance(Duration.ofNanos(Math.min(tick, left)));
            hub.sweeper().sweep();
        }
    }

    private static JsonObject take(RecordingConnection t) {
        synchronized (t) {
            assertFalse(t.sent.isEmpty(), "a message was expected");
            return Json.createReader(new StringReader(t.sent.remove(0))).readObject();
        }
    }

    @AfterEach
    void noMoreMessages() {
        for (RecordingConnection t : transports) {
            assertEquals(List.of(), t.sent, "messages no test expected");
        }
    }

    @Test
    void theNoticeComesRefreshNoticeBeforeExpiryAndTheCloseAfterTheLeeway() {
        RecordingConnection t = new RecordingConnection();
        long issued = clock.epochMillis();
        ManagedConnection c = connect(t, "alice:300");

        advance(Duration.ofSeconds(239));
        assertTrue(t.sent.isEmpty(), "no notice before exp - 60 s");
        advance(Duration.ofSeconds(1).plus(Duration.ofMillis(500)));
        JsonObject notice = take(t);
        assertEquals("refresh", notice.getString("type"));
        assertEquals(issued + 300_000, notice.getJsonNumber("expiresAt").longValue());

        advance(Duration.ofSeconds(60 + 29));
        assertEquals(List.of(), t.closes, "the leeway is not over yet");
        advance(Duration.ofSeconds(1).plus(Duration.ofMillis(500)));
        assertEquals(List.of("4001 token expired"), t.closes);
        assertEquals(ConnectionState.CLOSING, c.state());
        assertEquals(1, hub.counters().expiryCloses());
        assertEquals(1, hub.counters().refreshNotices());
    }

    @Test
    void aTokenAlreadyInsideItsNoticeWindowGetsTheNoticeRightAfterTheWelcome() {
        RecordingConnection t = new RecordingConnection();
        connect(t, "bob:20");
        assertEquals("refresh", take(t).getString("type"));
        advance(Duration.ofSeconds(49));
        assertEquals(List.of(), t.closes);
        advance(Duration.ofSeconds(2));
        assertEquals(List.of("4001 token expired"), t.closes);
    }

    @Test
    void aRefreshMovesTheExpiryAndTheNextNoticeBelongsToTheNewToken() {
        RecordingConnection t = new RecordingConnection();
        ManagedConnection c = connect(t, "carol:120");
        advance(Duration.ofSeconds(61));
        assertEquals("refresh", take(t).getString("type"));

        long renewedAt = clock.epochMillis();
        hub.onText(c, "{\"type\":\"auth\",\"token\":\"carol:600\",\"id\":9}");
        JsonObject reply = take(t);
        assertEquals("refreshed", reply.getString("type"));
        assertEquals(9, reply.getInt("ref"));
        assertEquals(renewedAt + 600_000, reply.getJsonNumber("expiresAt").longValue());

        advance(Duration.ofSeconds(120)); // past the old token's exp + leeway
        assertEquals(List.of(), t.closes);
        advance(Duration.ofSeconds(600 - 60 - 120 + 1));
        assertEquals("refresh", take(t).getString("type"));
        advance(Duration.ofSeconds(60 + 30 + 1));
        assertEquals(List.of("4001 token expired"), t.closes);
        assertEquals(1, hub.counters().refreshesOk());
    }

    @Test
    void anInvalidRefreshGetsAnErrorAndTheOldExpiryStands() {
        RecordingConnection t = new RecordingConnection();
        ManagedConnection c = connect(t, "dave:100");
        hub.onText(c, "{\"type\":\"auth\",\"token\":\"forged\",\"id\":\"r1\"}");
        JsonObject error = take(t);
        assertEquals("error", error.getString("type"));
        assertEquals("invalid_token", error.getString("code"));
        assertEquals("r1", error.getString("ref"));
        assertEquals(ConnectionState.OPEN, c.state());

        advance(Duration.ofSeconds(41));
        assertEquals("refresh", take(t).getString("type"));
        advance(Duration.ofSeconds(60 + 30));
        assertEquals(List.of("4001 token expired"), t.closes);
        assertEquals(1, hub.counters().refreshesFailed());
    }

    @Test
    void aRefreshWithAnotherSubjectClosesWithUserChanged() {
        RecordingConnection t = new RecordingConnection();
        ManagedConnection c = connect(t, "erin:600");
        hub.onText(c, "{\"type\":\"auth\",\"token\":\"mallory:600\",\"id\":1}");
        assertEquals(List.of("1008 user changed"), t.closes);
        assertEquals(Disconnect.Advice.STOP, Disconnect.USER_CHANGED.advice());
    }

    @Test
    void aNarrowerChannelsClaimEndsTheSubscriptionsItNoLongerAllows() {
        RecordingConnection t = new RecordingConnection();
        ManagedConnection c = connect(t, "fay:600:news.>,sport.*");
        hub.onText(c, "{\"type\":\"subscribe\",\"channel\":\"news.world\",\"id\":1}");
        hub.onText(c, "{\"type\":\"subscribe\",\"channel\":\"sport.tennis\",\"id\":2}");
        assertEquals("subscribed", take(t).getString("type"));
        assertEquals("subscribed", take(t).getString("type"));

        clock.advance(Duration.ofSeconds(5)); // let the message rate refill
        hub.onText(c, "{\"type\":\"auth\",\"token\":\"fay:600:news.>\",\"id\":3}");
        JsonObject ended = take(t);
        assertEquals("unsubscribed", ended.getString("type"));
        assertEquals("sport.tennis", ended.getString("channel"));
        assertEquals("not allowed", ended.getString("reason"));
        assertFalse(ended.containsKey("ref"));
        assertEquals("refreshed", take(t).getString("type"));
        assertEquals(List.of("news.world"), c.subscriptions());

        assertEquals(0, hub.channels().publish("sport.tennis", "1"));
        assertEquals(1, hub.channels().publish("news.world", "2"));
        assertEquals("message", take(t).getString("type"));
        hub.onText(c, "{\"type\":\"subscribe\",\"channel\":\"sport.tennis\",\"id\":4}");
        assertEquals("forbidden", take(t).getString("code"));
    }

    @Test
    void refreshesCountAgainstTheMessageRate() {
        RecordingConnection t = new RecordingConnection();
        ManagedConnection c = connect(t, "gus:600");
        for (int i = 1; i <= 3; i++) {
            hub.onText(c, "{\"type\":\"auth\",\"token\":\"gus:600\",\"id\":" + i + "}");
            assertEquals("refreshed", take(t).getString("type"));
        }
        hub.onText(c, "{\"type\":\"auth\",\"token\":\"gus:900\",\"id\":4}");
        JsonObject limited = take(t);
        assertEquals("rate_limited", limited.getString("code"));
        assertEquals(4, limited.getInt("ref"));
        assertEquals(3, hub.counters().refreshesOk());
    }

    @Test
    void whileDrainingNoNoticeIsSentButAnExpiredTokenStillCloses() {
        RecordingConnection t = new RecordingConnection();
        connect(t, "hal:70");
        Drain drain = hub.drain();
        drain.useJitter(Drain.uniformJitter(Duration.ofSeconds(1), new SplittableRandom(1)));
        assertTrue(drain.start("deploy", clock.nanoTime()));
        assertEquals("shutdown", take(t).getString("type"));

        // the drain is not advanced here: as with a drain timeout longer than what is left of the token
        advance(Duration.ofSeconds(11)); // past the notice time
        assertTrue(t.sent.isEmpty(), "no refresh notice while draining");
        advance(Duration.ofSeconds(90));
        assertEquals(List.of("4001 token expired"), t.closes);
    }

    @Test
    void theOneSweeperCarriesEveryExpiryWithoutATaskPerConnection() {
        List<RecordingConnection> many = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            RecordingConnection t = new RecordingConnection();
            many.add(t);
            connect(t, "user" + i + ":" + (200 + i % 50), "10.1." + (i / 10) + "." + (i % 10));
        }
        int armed = hub.sweeper().stats().armed();
        assertTrue(armed <= 500 + 2, "one wheel node per connection at most, armed " + armed);
        advance(Duration.ofSeconds(200 + 50 + 31));
        for (RecordingConnection t : many) {
            assertEquals("refresh", take(t).getString("type"));
            assertEquals(List.of("4001 token expired"), t.closes);
        }
        assertEquals(500, hub.counters().expiryCloses());
    }
}
