package io.switchboard.core;

import java.util.List;

/**
 * Whether a client that last saw {@code since} can continue from there without a gap (protocol.md,
 * history), decided from one {@link HistoryStore.Page} read at {@code since.offset}: it can when
 * the epoch is the same, the offset is not ahead of the channel, at most {@code max-recover}
 * messages are missing, and every missing message is still retained. Then {@code replay} holds
 * exactly the missing messages, oldest first; otherwise it is empty.
 *
 * <p>The missing messages are those after {@code since} up to {@code upTo}: the channel's top, or,
 * with a shared history, the last offset before the first live message this node already holds for
 * the subscriber. A node that is behind the store delivers everything after {@code upTo} live, so
 * only what lies between the client's position and the node's live stream comes from the store; when
 * the node is at or behind the client's position nothing is missing at all.
 */
record Recovery(boolean recovered, List<HistoryStore.Entry> replay) {

    private static final Recovery FAILED = new Recovery(false, List.of());

    static Recovery decide(HistoryStore.Position since, HistoryStore.Page page, int maxRecover, long upTo) {
        HistoryStore.Position top = page.top();
        if (!top.epoch().equals(since.epoch()) || since.offset() < 0 || since.offset() > top.offset()) {
            return FAILED;
        }
        long missing = Math.min(upTo, top.offset()) - since.offset();
        if (missing <= 0) {
            return new Recovery(true, List.of());
        }
        List<HistoryStore.Entry> entries = page.entries();
        if (missing > maxRecover || page.oldest() == 0 || page.oldest() > since.offset() + 1
                || entries.size() < missing || entries.get(0).offset() != since.offset() + 1
                || entries.get((int) missing - 1).offset() != since.offset() + missing) {
            return FAILED;
        }
        return new Recovery(true, entries.subList(0, (int) missing));
    }
}
