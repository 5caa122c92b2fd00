/**
 * Switchboard's core: plain Java 17 that imports {@code java.*} only.
 *
 * <p>It holds the connection model and its state machine ({@link io.switchboard.core.ManagedConnection},
 * {@link io.switchboard.core.ConnectionState}), the registry of live connections, the catalogue of
 * close codes ({@link io.switchboard.core.Disconnect}), the settings with their duration and size
 * syntax, the protocol handling ({@link io.switchboard.core.Hub}), and every per-connection deadline on
 * one timer wheel ({@link io.switchboard.core.Sweeper}, with the heartbeat, idle, time-sync and
 * close-handshake rules in {@link io.switchboard.core.Heartbeats}), and channels with their optional
 * history ({@link io.switchboard.core.Channels}, {@link io.switchboard.core.HistoryStore}, kept in
 * memory by {@link io.switchboard.core.MemoryHistory}). It never reads the system clock
 * and never touches a container type: the shell hands it a {@link io.switchboard.core.Clock}, a
 * {@link io.switchboard.core.Connection} per socket and a {@link io.switchboard.core.MessageCodec}.
 * A test in {@code src/test} enforces the import rule.
 */
package io.switchboard.core;
