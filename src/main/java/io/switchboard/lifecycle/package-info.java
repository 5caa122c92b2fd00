/**
 * The {@code @ApplicationScoped} shells that build the core from configuration when the
 * application starts and hand it the container's facilities (the clock, and later the
 * {@code ManagedScheduledExecutorService}).
 */
package io.switchboard.lifecycle;
