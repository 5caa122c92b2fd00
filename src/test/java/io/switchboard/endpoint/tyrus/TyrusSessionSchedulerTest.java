package io.switchboard.endpoint.tyrus;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.Endpoint;
import jakarta.websocket.Extension;
import jakarta.websocket.Session;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.glassfish.tyrus.core.BaseContainer;
import org.junit.jupiter.api.Test;

class TyrusSessionSchedulerTest {

    @Test
    void tyrusSessionsCreatedAfterInstallGetTheLeanScheduler() {
        TyrusContainer container = new TyrusContainer();
        assertTrue(TyrusSessionScheduler.install(container));
        assertInstanceOf(TyrusSessionScheduler.Lean.class, container.getScheduledExecutorService());
    }

    @Test
    void otherContainersAreLeftAlone() {
        assertFalse(TyrusSessionScheduler.install(new Object()));
        assertFalse(TyrusSessionScheduler.install(null));
    }

    @Test
    void aTaskDueNowRunsOnTheCallerAndIsDone() {
        TyrusSessionScheduler.Lean lean = new TyrusSessionScheduler.Lean();
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        ScheduledFuture<?> future = lean.schedule(() -> ranOn.set(Thread.currentThread()), 0, TimeUnit.MILLISECONDS);
        assertSame(Thread.currentThread(), ranOn.get());
        assertTrue(future.isDone());
        assertFalse(future.cancel(true));
    }

    @Test
    void aTaskDueNowThatFailsDoesNotFailTheCaller() {
        TyrusSessionScheduler.Lean lean = new TyrusSessionScheduler.Lean();
        Runnable failing = () -> {
            throw new IllegalStateException("closed");
        };
        assertTrue(lean.schedule(failing, 0, TimeUnit.MILLISECONDS).isDone());
    }

    @Test
    void aLaterTaskRunsOnTheTimerThreadAndCanBeCancelled() throws Exception {
        TyrusSessionScheduler.Lean lean = new TyrusSessionScheduler.Lean();
        CountDownLatch ran = new CountDownLatch(1);
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        lean.schedule(() -> {
            ranOn.set(Thread.currentThread());
            ran.countDown();
        }, 10, TimeUnit.MILLISECONDS);
        assertTrue(ran.await(10, TimeUnit.SECONDS));
        assertTrue(ranOn.get().isDaemon());
        ScheduledFuture<?> later = lean.schedule(() -> { }, 1, TimeUnit.HOURS);
        assertTrue(later.cancel(false));
        assertTrue(lean.getQueue().isEmpty(), "a cancelled timer leaves the queue at once");
    }

    /** Tyrus's own container base class, as Payara's Tyrus server container extends it. */
    private static final class TyrusContainer extends BaseContainer {
        @Override public long getDefaultAsyncSendTimeout() { return 0; }
        @Override public void setAsyncSendTimeout(long timeout) { }
        @Override public Session connectToServer(Object endpoint, URI path) { throw new UnsupportedOperationException(); }
        @Override public Session connectToServer(Class<?> endpoint, URI path) { throw new UnsupportedOperationException(); }
        @Override public Session connectToServer(Endpoint endpoint, ClientEndpointConfig config, URI path) {
            throw new UnsupportedOperationException();
        }
        @Override public Session connectToServer(Class<? extends Endpoint> endpoint, ClientEndpointConfig config, URI path) {
            throw new UnsupportedOperationException();
        }
        @Override public long getDefaultMaxSessionIdleTimeout() { return 0; }
        @Override public void setDefaultMaxSessionIdleTimeout(long timeout) { }
        @Override public int getDefaultMaxBinaryMessageBufferSize() { return 0; }
        @Override public void setDefaultMaxBinaryMessageBufferSize(int max) { }
        @Override public int getDefaultMaxTextMessageBufferSize() { return 0; }
        @Override public void setDefaultMaxTextMessageBufferSize(int max) { }
        @Override public Set<Extension> getInstalledExtensions() { return Set.of(); }
    }
}
