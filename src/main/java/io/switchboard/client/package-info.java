/**
 * The Java client of Switchboard: connects to {@code /ws} with the JDK's {@code java.net.http.WebSocket},
 * answers heartbeats, detects a dead server, reconnects with exponential backoff and full jitter,
 * honours {@code shutdown} and {@code reconnect}, and resubscribes its channels (clients.md).
 * Built as its own jar (classifier {@code client}) and kept out of the WAR. Besides the JDK it needs
 * only the Jakarta JSON Processing API and an implementation of it (a Jakarta EE container provides
 * both; elsewhere add Parsson).
 */
package io.switchboard.client;
