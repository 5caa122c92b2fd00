package io.switchboard.core;

/**
 * A message had to reach other nodes and the cluster could not carry it: rather than reach part of
 * the cluster, nothing was delivered (protocol.md, cluster). The API answers 503, a client gets
 * {@code {"type":"error","code":"unavailable"}}.
 */
public final class ClusterUnavailableException extends RuntimeException {

    public ClusterUnavailableException(String message) {
        super(message, null, false, false);
    }
}
