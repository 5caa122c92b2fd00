/**
 * The {@code @ApplicationScoped} shells that build the core from configuration when the
 * application starts and hand it the container's facilities (the clock, and the
 * {@code ManagedScheduledExecutorService} that runs the core's one sweeper task).
 */
package io.switchboard.lifecycle;
