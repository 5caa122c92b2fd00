/**
 * The cluster port on Redis ({@link io.switchboard.cluster.RedisLink}, with Lettuce): what lets nodes
 * that share one Redis act as one Switchboard. The routing itself is the core's
 * ({@link io.switchboard.core.ClusterRouter}); this package only carries topics and payloads, and keeps
 * the channel history the nodes share ({@link io.switchboard.cluster.RedisHistory}).
 */
package io.switchboard.cluster;
