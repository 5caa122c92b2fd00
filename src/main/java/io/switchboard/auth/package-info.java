/**
 * The checks that run on the HTTP upgrade request, before the container upgrades it: a servlet
 * filter on {@code /ws} is the one place where both Tyrus and Undertow let Switchboard answer with
 * a real HTTP status and headers (protocol.md).
 */
package io.switchboard.auth;
