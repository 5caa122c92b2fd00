/**
 * Switchboard's settings from MicroProfile Config: every key of configuration.md with its
 * default, parsed with the documented duration and size syntax into the core
 * {@link io.switchboard.core.Settings}. A bad value fails the deployment with a message naming the key.
 */
package io.switchboard.config;
