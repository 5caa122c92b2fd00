/**
 * The checks that run on the HTTP upgrade request, before the container upgrades it: a servlet
 * filter on {@code /ws} is the one place where both Tyrus and Undertow let Switchboard answer with
 * a real HTTP status and headers (CONTRACT.md section 3).
 */
package io.switchboard.auth;
