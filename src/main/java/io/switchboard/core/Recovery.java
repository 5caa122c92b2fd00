package io.switchboard.core;

import java.util.List;

/**
 * Whether a client that last saw {@code since} can continue from there without a gap (protocol.md,
 * history), decided from one {@link HistoryStore.Page} read at {@code since.offset}: it can when
 * the epoch is the same, the offset is not ahead of the channel, at most {@code max-recover}
 * messages are missing, and every missing message is still retained. Then {@code replay} holds
 * exactly the missing messages, oldest first; otherwise it is empty.
 */
record Recovery(boolean recovered, List<HistoryStore.Entry> replay) {

    private static final Recovery FAILED = new Recovery(false, List.of());

    static Recovery decide(HistoryStore.Position since, HistoryStore.Page page, int maxRecover) {
        HistoryStore.Position top = page.top();
        if (!top.epoch().equals(since.epoch()) || since.offset() < 0 || since.offset() > top.offset()) {
            return FAILED;
        }
        long missing = top.offset() - since.offset();
        if (missing == 0) {
            return new Recovery(true, List.of());
        }
        if (missing > maxRecover || page.oldest() == 0 || page.oldest() > since.offset() + 1
                || page.entries().size() != missing) {
            return FAILED;
        }
        return new Recovery(true, page.entries());
    }
}
