/**
 * Prometheus metrics through Micrometer (CONTRACT.md sections 7 and 8). The meters read the core's
 * own counters and registry when scraped, so the hot paths never touch Micrometer.
 */
package io.switchboard.metrics;
