/**
 * Prometheus metrics through Micrometer (operations.md). The meters read the core's
 * own counters and registry when scraped, so the hot paths never touch Micrometer.
 */
package io.switchboard.metrics;
