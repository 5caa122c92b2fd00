package io.switchboard.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ConnectionLimitsTest {

    private final FakeClock clock = new FakeClock();

    private static ConnectionLimits limits(Map<String, String> overrides) {
        Settings s = TestSettings.with(overrides);
        return new ConnectionLimits(s.limits(), s.rate());
    }

    @Test
    void concurrentReservationsNeverAdmitMoreThanTheGlobalLimit() throws Exception {
        ConnectionLimits limits = limits(Map.of("switchboard.limits.max-connections", "50",
                "switchboard.limits.max-per-ip", "1000", "switchboard.limits.max-per-user", "1000"));
        ConcurrentLinkedQueue<Reservation> admitted = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch start = new CountDownLatch(1);
        try {
            for (int i = 0; i < 400; i++) {
                String user = "u" + (i % 7);
                String ip = "10.0.0." + (i % 5);
                pool.execute(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    Admission a = limits.reserve(ip, user, 0);
                    if (a.isAdmitted()) {
                        admitted.add(a.reservation());
                    }
                });
            }
            start.countDown();
            pool.shutdown();
            assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        } finally {
            pool.shutdownNow();
        }
        assertEquals(50, admitted.size());
        assertEquals(50, limits.total());

        admitted.forEach(Reservation::release);
        admitted.forEach(Reservation::release); // a second release changes nothing
        assertEquals(0, limits.total());
        for (int i = 0; i < 5; i++) {
            assertEquals(0, limits.forIp("10.0.0." + i));
        }
        assertEquals(0, limits.forUser("u0"));
    }

    @Test
    void perIpAndPerUserLimitsRefuseWith429AndGiveBackWhatTheyTook() {
        ConnectionLimits limits = limits(Map.of("switchboard.limits.max-per-ip", "2", "switchboard.limits.max-per-user", "1"));

        assertTrue(limits.reserve("1.1.1.1", "alice", 0).isAdmitted());
        Admission sameUser = limits.reserve("2.2.2.2", "alice", 0);
        assertEquals(Admission.Refusal.USER_LIMIT, sameUser.refusal());
        assertEquals(429, sameUser.refusal().httpStatus());
        assertEquals(0, limits.forIp("2.2.2.2"));

        assertTrue(limits.reserve("1.1.1.1", "bob", 0).isAdmitted());
        Admission sameIp = limits.reserve("1.1.1.1", "carol", 0);
        assertEquals(Admission.Refusal.IP_LIMIT, sameIp.refusal());
        assertEquals(0, limits.forUser("carol"));
        assertEquals(2, limits.total());
    }

    @Test
    void theGlobalLimitRefusesWith503() {
        ConnectionLimits limits = limits(Map.of("switchboard.limits.max-connections", "1"));
        assertTrue(limits.reserve("1.1.1.1", null, 0).isAdmitted());
        Admission full = limits.reserve("1.1.1.2", null, 0);
        assertEquals(Admission.Refusal.GLOBAL_LIMIT, full.refusal());
        assertEquals(503, full.refusal().httpStatus());
        assertTrue(full.retryAfterSeconds() > 0);

    }

    @Test
    void closeOldestHandsTheOldestUserSlotToTheNewcomer() {
        ConnectionLimits limits = limits(Map.of("switchboard.limits.max-per-user", "2",
                "switchboard.limits.per-user-policy", "close-oldest"));
        Reservation first = limits.reserve("1.1.1.1", "alice", 0).reservation();
        Reservation second = limits.reserve("1.1.1.1", "alice", 0).reservation();

        Admission third = limits.reserve("1.1.1.1", "alice", 0);
        assertTrue(third.isAdmitted());
        assertSame(first, third.displaced());
        assertEquals(2, limits.forUser("alice"));
        assertEquals(3, limits.total(), "the displaced connection holds its global slot until it has closed");

        first.release();
        assertEquals(2, limits.forUser("alice"));
        assertEquals(2, limits.total());
        second.release();
        third.reservation().release();
        assertEquals(0, limits.forUser("alice"));
        assertEquals(0, limits.total());
    }

    @Test
    void aUserSlotAddedAfterInBandAuthIsReleasedWithTheRest() {
        ConnectionLimits limits = limits(Map.of("switchboard.limits.max-per-user", "1"));
        Reservation r = limits.reserve("1.1.1.1", null, 0).reservation();
        assertNull(r.userId());
        assertTrue(limits.addUser(r, "alice", 0).isAdmitted());
        Reservation other = limits.reserve("1.1.1.1", null, 0).reservation();
        assertEquals(Admission.Refusal.USER_LIMIT, limits.addUser(other, "alice", 0).refusal());

        r.release();
        other.release();
        assertEquals(0, limits.forUser("alice"));
        assertEquals(0, limits.total());
    }

    @Test
    void theHandshakeRateIsATokenBucketPerIp() {
        ConnectionLimits limits = limits(Map.of("switchboard.rate.handshakes-per-second-per-ip", "2"));
        assertNull(limits.checkHandshakeRate("1.1.1.1", clock.nanoTime()));
        assertNull(limits.checkHandshakeRate("1.1.1.1", clock.nanoTime()));
        Admission refused = limits.checkHandshakeRate("1.1.1.1", clock.nanoTime());
        assertEquals(Admission.Refusal.HANDSHAKE_RATE, refused.refusal());
        assertEquals(1, refused.retryAfterSeconds());
        assertNull(limits.checkHandshakeRate("2.2.2.2", clock.nanoTime()), "another IP has its own bucket");

        clock.advance(Duration.ofMillis(500));
        assertNull(limits.checkHandshakeRate("1.1.1.1", clock.nanoTime()));
    }

    @Test
    void theMessageBucketIsSharedByAllConnectionsOfAUser() {
        ConnectionLimits limits = limits(Map.of("switchboard.rate.messages-per-second", "1",
                "switchboard.rate.burst", "2", "switchboard.rate.max-violations", "2"));
        limits.reserve("1.1.1.1", "alice", clock.nanoTime());
        limits.reserve("1.1.1.2", "alice", clock.nanoTime());

        assertTrue(limits.allowMessage("alice", clock.nanoTime()));
        assertTrue(limits.allowMessage("alice", clock.nanoTime()));
        assertFalse(limits.allowMessage("alice", clock.nanoTime()));
        assertFalse(limits.recordViolation("alice", clock.nanoTime()));
        assertTrue(limits.recordViolation("alice", clock.nanoTime()));
    }
}
