package io.switchboard.lifecycle.wildfly;

import io.switchboard.lifecycle.DrainHooks;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.jboss.as.server.suspend.ServerResumeContext;
import org.jboss.as.server.suspend.ServerSuspendContext;
import org.jboss.as.server.suspend.SuspendableActivity;
import org.jboss.as.server.suspend.SuspendableActivityRegistry;
import org.jboss.msc.Service;
import org.jboss.msc.service.ServiceActivator;
import org.jboss.msc.service.ServiceActivatorContext;
import org.jboss.msc.service.ServiceBuilder;
import org.jboss.msc.service.ServiceName;
import org.jboss.msc.service.StartContext;
import org.jboss.msc.service.StopContext;

/**
 * Registers the drain as the first of WildFly's suspendable activities. WildFly suspends before it
 * stops (SIGTERM, {@code :shutdown}, {@code :suspend}), and Undertow's own suspend step closes every
 * WebSocket session with a bare 1001; activities of the first priority are prepared before it, so the
 * drain runs to its end — notices, waiting, our close code — while the sessions are still open.
 */
public class SuspendDrainActivator implements ServiceActivator {

    @Override
    public void activate(ServiceActivatorContext context) {
        ServiceBuilder<?> builder = context.getServiceTarget().addService();
        Supplier<SuspendableActivityRegistry> registry =
                builder.requires(ServiceName.parse(SuspendableActivityRegistry.SERVICE_DESCRIPTOR.getName()));
        DrainActivity activity = new DrainActivity();
        builder.setInstance(new Service() {
            @Override
            public void start(StartContext start) {
                registry.get().registerActivity(activity, SuspendableActivityRegistry.SuspendPriority.FIRST);
            }

            @Override
            public void stop(StopContext stop) {
                registry.get().unregisterActivity(activity);
            }
        });
        builder.install();
    }

    /** Drains in {@code prepare}, on a thread of its own, so that the suspend waits for the drain. */
    static final class DrainActivity implements SuspendableActivity {

        @Override
        public CompletionStage<Void> prepare(ServerSuspendContext context) {
            String reason = context.isStopping() ? "server shutting down" : "server suspending";
            return CompletableFuture.runAsync(() -> DrainHooks.drainAndWait(reason),
                    task -> new Thread(task, "switchboard-drain-on-suspend").start());
        }

        @Override
        public CompletionStage<Void> suspend(ServerSuspendContext context) {
            return SuspendableActivity.COMPLETED;
        }

        @Override
        public CompletionStage<Void> resume(ServerResumeContext context) {
            DrainHooks.resume();
            return SuspendableActivity.COMPLETED;
        }
    }
}
